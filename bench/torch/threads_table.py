#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The thread tables of bench/README.md from one run of bench_optim and torch_adam_threads.py:
#   ./bench_optim --benchmark_filter=Threads --benchmark_min_time=0.2 \
#       --benchmark_out=lrs.json --benchmark_out_format=json
#   /usr/bin/python3 bench/torch/torch_adam_threads.py --json torch.json
#   /usr/bin/python3 bench/torch/threads_table.py lrs.json torch.json
# Medians of the repetitions, wall time; GB/s = counted bytes / wall time (10^9 bytes).
import json
import sys

SHAPES = [  # bench_optim's first argument, the torch script's name, element count
    (10000000, "flat 1e7", 10_000_000),
    (100000000, "flat 1e8", 100_000_000),
    (0, "GPT-2 small (148)", 124_439_808),
    (1, "ResNet-50 (161)", 25_557_032),
    (2, "10000 x 64", 640_000),
    (3, "1 x 640000", 640_000),
]


def medians(path):
    rows = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") == "median":
            rows[b["run_name"]] = b
    return rows


def main():
    lrs = medians(sys.argv[1])
    torch = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {}
    for threads in (1, 2):
        print("\n%d thread%s:\n" % (threads, "" if threads == 1 else "s"))
        print("| shape | triad GB/s | SGD GB/s | SGD / triad | Adam ns/param | Adam GB/s | Adam / triad "
              "| AdamW GB/s | AdamW / triad | torch foreach=False ns/param | ratio | "
              "torch foreach=True ns/param | ratio |")
        print("| --- |" + " ---: |" * 12)
        for arg, name, n in SHAPES:
            triad = lrs.get("BM_TriadThreads/%d/%d/repeats:3/real_time" % (n, threads))
            tri = triad["bytes_per_second"] / 1e9 if triad else float("nan")
            cells = ["%.2f" % tri]
            adam_ns = float("nan")
            for opt in ("SGD", "Adam", "AdamW"):
                b = lrs.get("BM_%sThreads/%d/%d/repeats:3/real_time" % (opt, arg, threads))
                if b is None:
                    cells += ["—", "—"] if opt != "Adam" else ["—", "—", "—"]
                    continue
                gbs = b["bytes_per_second"] / 1e9
                if opt == "Adam":
                    adam_ns = b["real_time"] * 1e6 / n  # real_time in ms
                    cells.append("%.3f" % adam_ns)
                cells += ["%.2f" % gbs, "%.0f %%" % (100 * gbs / tri)]
            t = torch.get("%s/%d" % (name, threads))
            if t:
                cells += ["%.3f" % t[0], "%.1fx" % (t[0] / adam_ns), "%.3f" % t[1],
                          "%.1fx" % (t[1] / adam_ns)]
            else:
                cells += ["—"] * 4
            print("| %s | %s |" % (name, " | ".join(cells)))
    # Schedule-free rows beside the triad and Adam of the same run (no torch counterpart).
    for threads in (1, 2):
        print("\nSchedule-free, %d thread%s:\n" % (threads, "" if threads == 1 else "s"))
        print("| shape | triad GB/s | Adam GB/s | SGD-SF ns/param | SGD-SF GB/s | SGD-SF / triad "
              "| AdamW-SF ns/param | AdamW-SF GB/s | AdamW-SF / triad |")
        print("| --- |" + " ---: |" * 8)
        for arg, name, n in SHAPES:
            triad = lrs.get("BM_TriadThreads/%d/%d/repeats:3/real_time" % (n, threads))
            tri = triad["bytes_per_second"] / 1e9 if triad else float("nan")
            adam = lrs.get("BM_AdamThreads/%d/%d/repeats:3/real_time" % (arg, threads))
            cells = ["%.2f" % tri, "%.2f" % (adam["bytes_per_second"] / 1e9) if adam else "—"]
            for opt in ("SGDScheduleFree", "AdamWScheduleFree"):
                b = lrs.get("BM_%sThreads/%d/%d/repeats:3/real_time" % (opt, arg, threads))
                if b is None:
                    cells += ["—"] * 3
                    continue
                gbs = b["bytes_per_second"] / 1e9
                cells += ["%.3f" % (b["real_time"] * 1e6 / n), "%.2f" % gbs,
                          "%.0f %%" % (100 * gbs / tri)]
            print("| %s | %s |" % (name, " | ".join(cells)))


if __name__ == "__main__":
    main()
