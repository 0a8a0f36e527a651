#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# PyTorch CPU Adam (foreach=True and False) over the shapes of bench_optim's *Threads rows, on 1
# and 2 threads, for bench/README.md:
#   /usr/bin/python3 bench/torch/torch_adam_threads.py [--json out.json]
# Wall time (the steps run on several threads), 3 repetitions of at least 0.3 s each, median.
# Shapes: one flat tensor of 1e7 and 1e8 floats, GPT-2 small's 148 tensors, ResNet-50's 161
# (the same lists as bench/optim_bench.cpp), 10 000 tensors of 64, one tensor of 640 000.
import json
import statistics
import sys
import time

import torch


def gpt2_small():
    d = 768
    s = [50257 * d, 1024 * d]
    for _ in range(12):
        s += [d, d, d * 3 * d, 3 * d, d * d, d, d, d, d * 4 * d, 4 * d, 4 * d * d, d]
    return s + [d, d]


def resnet50():
    s = [64 * 3 * 7 * 7, 64, 64]
    inp = 64
    for w, blocks in ((64, 3), (128, 4), (256, 6), (512, 3)):
        for b in range(blocks):
            s += [w * inp, w, w, w * w * 9, w, w, 4 * w * w, 4 * w, 4 * w]
            if b == 0:
                s += [4 * w * inp, 4 * w, 4 * w]
            inp = 4 * w
    return s + [1000 * 2048, 1000]


SHAPES = {
    "flat 1e7": [10_000_000],
    "flat 1e8": [100_000_000],
    "GPT-2 small (148)": gpt2_small(),
    "ResNet-50 (161)": resnet50(),
    "10000 x 64": [64] * 10_000,
    "1 x 640000": [640_000],
}
assert len(SHAPES["GPT-2 small (148)"]) == 148 and sum(SHAPES["GPT-2 small (148)"]) == 124_439_808
assert len(SHAPES["ResNet-50 (161)"]) == 161 and sum(SHAPES["ResNet-50 (161)"]) == 25_557_032


def ns_per_param(sizes, foreach, min_time=0.3, reps=3):
    params = []
    for n in sizes:
        p = torch.rand(n, dtype=torch.float32, requires_grad=True)
        p.grad = torch.rand(n, dtype=torch.float32) * 1e-3
        params.append(p)
    opt = torch.optim.Adam(params, lr=1e-3, foreach=foreach)
    times = []
    with torch.no_grad():
        opt.step()  # first step allocates the state
        for _ in range(reps):
            iters, start = 0, time.perf_counter()
            while True:
                opt.step()
                iters += 1
                elapsed = time.perf_counter() - start
                if elapsed >= min_time:
                    break
            times.append(elapsed / iters)
    del opt, params
    return statistics.median(times) * 1e9 / sum(sizes)


def main():
    out = {}
    print("%-20s %7s %16s %16s" % ("shape", "threads", "foreach=False", "foreach=True"))
    for name, sizes in SHAPES.items():
        for threads in (1, 2):
            torch.set_num_threads(threads)
            row = [ns_per_param(sizes, False), ns_per_param(sizes, True)]
            out["%s/%d" % (name, threads)] = row
            print("%-20s %7d %16.3f %16.3f" % (name, threads, row[0], row[1]), flush=True)
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
