#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Reference data for tests/analysis/refinement_*_test.cpp, computed with NumPy/SciPy by the refinement
# authors' procedure (facebookresearch/adaptive_scheduling: README.md, visual.py, find_schedule.py):
#   fw  = 2*(int(tau*N)//2) + 1;  pad = 2*fw
#   g   = scipy.ndimage.median_filter(np.pad(G, (0, pad), mode='reflect'), size=fw, mode='nearest')[:-pad]
#   w   = g**-2 (sgd) or g**-1 (adam);  eta_t = w_t * sum_{p>t} w_p, eta_{N-1} = 0;  eta /= max(eta)
# Run with Debian's interpreter: /usr/bin/python3 tests/data/refinement/make_reference.py
# Writes median_filter.txt and refine.txt next to this script. Each case is three lines:
#   <header fields>  /  <input values>  /  <expected values>   (values as repr(), 17 digits)
import os

import numpy as np
from scipy.ndimage import median_filter

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20231012)


def authors_filter(g, fw):
    pad = 2 * fw
    return median_filter(np.pad(g, (0, pad), mode="reflect"), size=fw, mode="nearest")[:-pad]


def authors_refine(G, tau, weighting):
    N = len(G)
    fw = 2 * (int(tau * N) // 2) + 1
    g = authors_filter(np.asarray(G, dtype=np.float64), fw)
    w = g ** -2.0 if weighting == "sgd" else g ** -1.0
    tail = np.flip(np.cumsum(np.flip(w)))
    sched = np.zeros(N)
    for t in range(N - 1):
        sched[t] = w[t] * tail[t + 1] / tail[-1]
    return sched / np.max(sched)


def fmt(xs):
    return " ".join(repr(float(x)) for x in xs)


# Median filter: random data (continuous and with many ties), widths from 1 to longer than the data.
with open(os.path.join(here, "median_filter.txt"), "w") as f:
    cases = []
    for n in [1, 2, 3, 4, 5, 8, 13, 37, 100, 257]:
        for fw in sorted({1, 3, 5, 7, 11, n | 1, (2 * n) | 1}):
            cases.append((n, fw, rng.standard_normal(n)))
            cases.append((n, fw, rng.integers(0, 4, n).astype(np.float64)))
    for n, fw in [(1000, 101), (3000, 601)]:
        cases.append((n, fw, rng.lognormal(0.0, 1.0, n)))
    for n, fw, g in cases:
        f.write(f"{n} {fw}\n{fmt(g)}\n{fmt(authors_filter(g, fw))}\n")

# Refinement: hand-sized sequences, no smoothing and with smoothing, both weightings.
with open(os.path.join(here, "refine.txt"), "w") as f:
    seqs = [
        [1, 2, 1, 2, 1],
        [4, 2, 1, 1, 1, 1],
        [1, 1, 1, 1, 2, 4],
        [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4],
    ]
    # A noisy run: large early norms, a plateau, then rising norms at the end.
    n = 1000
    t = np.arange(n) / n
    run = (1.0 + 4.0 * np.exp(-t / 0.05) + 2.0 * t ** 4) * rng.lognormal(0.0, 0.3, n)
    seqs.append(list(run))
    seqs.append(list(rng.lognormal(0.0, 1.0, 300)))
    for G in seqs:
        for tau in [0.0, 0.1, 0.3]:
            for weighting in ["sgd", "adam"]:
                f.write(f"{len(G)} {tau!r} {weighting}\n{fmt(G)}\n")
                f.write(f"{fmt(authors_refine(G, tau, weighting))}\n")


# The authors' visual.py resampling (refine_options::resample_points = nvals): a run shorter than
# nvals is linearly interpolated to nvals points; the median-filter width comes from nvals
# (fw = 2*(int(tau*nvals)//2) + 1, 1001 for tau = 0.1 and nvals = 10000, whatever the run's length);
# the filtered norms are interpolated to nvals points and refined there (find_closed_form_schedule).
def visual_refine(G, tau, weighting, nvals):
    g = np.asarray(G, dtype=np.float64)
    glen = len(g)
    if glen < nvals:
        g = np.interp(np.linspace(0, 1.0, nvals), np.linspace(0, 1.0, glen), g)
        glen = len(g)
    fw = 2 * (int(tau * nvals) // 2) + 1
    filtered = authors_filter(g, fw)
    smoothed = np.interp(np.linspace(0, 1.0, nvals), np.linspace(0, 1.0, glen), filtered)
    w = smoothed ** -2.0 if weighting == "sgd" else smoothed ** -1.0
    tail = np.flip(np.cumsum(np.flip(w)))
    sched = np.zeros(nvals)
    for t in range(nvals - 1):
        sched[t] = w[t] * tail[t + 1] / tail[-1]
    return sched / np.max(sched)


# Each case is three lines: "<n> <nvals> <tau> <weighting>" / <norms> / <expected nvals values>.
rng2 = np.random.default_rng(20240401)
with open(os.path.join(here, "refine_resampled.txt"), "w") as f:
    for n, nvals, tau, weighting in [(200, 300, 0.1, "sgd"), (300, 300, 0.1, "adam"),
                                     (700, 300, 0.1, "sgd"), (700, 300, 0.3, "adam"),
                                     (60, 400, 0.1, "sgd"), (7, 40, 0.2, "sgd")]:
        t = np.arange(n) / n
        G = (1.0 + 4.0 * np.exp(-t / 0.05) + 2.0 * t ** 4) * rng2.lognormal(0.0, 0.3, n)
        f.write(f"{n} {nvals} {tau!r} {weighting}\n{fmt(G)}\n")
        f.write(f"{fmt(visual_refine(G, tau, weighting, nvals))}\n")
