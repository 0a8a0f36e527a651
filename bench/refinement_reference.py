#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Times the refinement authors' NumPy/SciPy procedure (facebookresearch/adaptive_scheduling:
# README.md median filter, find_schedule.py::find_closed_form_schedule, normalisation of visual.py)
# on the input of bench/refinement_bench.cpp, tau = 0.1, filter width from N = T.
# Usage: /usr/bin/python3 bench/refinement_reference.py 100000 1000000 ...
import sys
import time

import numpy as np
import scipy
from scipy.ndimage import median_filter


def synthetic_norms(n):
    t = np.arange(n, dtype=np.uint64)
    z = t.astype(np.float64) / n
    u = ((t * np.uint64(2654435761)) % np.uint64(4294967296)).astype(np.float64) / 4294967296.0
    return 1.0 + 3.0 * np.exp(-z / 0.05) + 2.0 * z ** 4 + 0.5 * u


def closed_form(G, weights):  # find_closed_form_schedule, as published
    T = len(G)
    sched = np.zeros(T)
    tail_sums = np.flip(np.cumsum(np.flip(weights)))
    for t in range(T):
        if t == T - 1:
            sched[t] = 0
        else:
            sched[t] = weights[t] * tail_sums[t + 1] / tail_sums[-1]
    return sched


def refine(gnorms, tau=0.1):
    n = len(gnorms)
    c0 = time.process_time()
    t0 = time.perf_counter()
    filter_width = 2 * (int(tau * n) // 2) + 1
    pad = 2 * filter_width
    g = median_filter(np.pad(gnorms, (0, pad), mode="reflect"), size=filter_width, mode="nearest")[:-pad]
    t1 = time.perf_counter()
    sched = closed_form(g, g ** -2.0)
    sched = sched / np.max(sched)
    t2 = time.perf_counter()
    return sched, t1 - t0, t2 - t1, time.process_time() - c0


print(f"numpy {np.__version__}, scipy {scipy.__version__}")
print("T,median_filter_s,closed_form_s,total_wall_s,total_cpu_s")
for arg in sys.argv[1:]:
    n = int(float(arg))
    _, tf, tc, cpu = refine(synthetic_norms(n))
    print(f"{n},{tf:.3f},{tc:.3f},{tf + tc:.3f},{cpu:.3f}", flush=True)
