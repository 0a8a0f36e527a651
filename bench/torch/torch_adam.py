#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# PyTorch CPU Adam step time per parameter (float32, one thread), for bench/README.md.
#   /usr/bin/python3 bench/torch/torch_adam.py
# CPU time (process_time), best of 5. In torch 1.13 the default (foreach=None) resolves to foreach=False; foreach=True is also shown.
import time

import torch

torch.set_num_threads(1)


def ns_per_param(n, foreach, min_time=0.5):
    p = torch.rand(n, dtype=torch.float32, requires_grad=True)
    p.grad = torch.rand(n, dtype=torch.float32) * 1e-3
    opt = torch.optim.Adam([p], lr=1e-3, foreach=foreach)
    with torch.no_grad():
        opt.step()  # first step allocates the state
        best = float("inf")
        for _ in range(5):
            iters, start = 0, time.process_time()
            while True:
                opt.step()
                iters += 1
                elapsed = time.process_time() - start
                if elapsed >= min_time / 5:
                    break
            best = min(best, elapsed / iters)
    return best * 1e9 / n


print("%-10s %18s %18s %18s" % ("n", "default ns/param", "foreach=False", "foreach=True"))
for n in (10_000, 100_000, 1_000_000, 10_000_000):
    print("%-10d %18.3f %18.3f %18.3f" % (n, ns_per_param(n, None), ns_per_param(n, False),
                                          ns_per_param(n, True)))
