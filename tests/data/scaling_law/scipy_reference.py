#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Reference values for the annealing scaling law (Tissue, Wang, Wang, arXiv:2408.11029), computed
# independently of lrs with NumPy/SciPy, following the authors' published fitting procedure:
# S1 = cumsum(lr) including step 0, warm-up steps counted at the peak LR, m_i = lam*m_{i-1} +
# (lr_{i-1} - lr_i) with m_0 = 0, S2 = cumsum(m); objective = sum of Huber(delta=1e-3) of
# log(y) - log(prediction); scipy L-BFGS-B, bounds [0, inf) on (L0, A, C, alpha), options
# maxiter 1e5, ftol 1e-9, gtol 1e-6, eps 1e-8 (finite differences, as the authors run it), from a
# 54-point grid; keep the lowest objective; R^2 on raw losses.
#
# Usage: /usr/bin/python3 scipy_reference.py [--bench]
#   writes authors_loss.csv, authors_areas.csv, authors_fit_scipy.csv, synthetic_fit_scipy.csv,
#   synthetic_2e4_fit_scipy.csv
#   --bench also times the procedure on the bench data sets and prints the seconds.
import itertools
import math
import os
import sys
import time

import numpy as np
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
LAMBDA = 0.999
DELTA = 1e-3

# The authors' example data: validation losses at steps 1000..20000 of a cosine (to 0) and a
# constant run, peak LR 2e-4, T = 20000, warm-up 500 steps (counted at the peak LR).
AUTHORS_COSINE = [
    3.6696358, 3.3254106, 3.1908393, 3.1158533, 3.0604768, 3.020384, 2.9880967, 2.9612265,
    2.9395165, 2.9195616, 2.9030452, 2.8881907, 2.8767889, 2.8654318, 2.8565135, 2.8489892,
    2.843639, 2.8398669, 2.8380618, 2.8376071]
AUTHORS_CONSTANT = [
    3.6714418, 3.325626, 3.1884103, 3.111947, 3.058354, 3.0211415, 2.9874816, 2.96082,
    2.9406552, 2.9241402, 2.9054413, 2.8942103, 2.8807929, 2.8702695, 2.862175, 2.8530996,
    2.8448784, 2.8383856, 2.8326995, 2.8294308]
AUTHORS_STEPS = list(range(1000, 20001, 1000))


def cosine_lr(T, W, peak, floor):
    """Cosine from peak to floor over (W, T]; steps 0..W at peak (the authors' S1/S2 rule)."""
    i = np.arange(T + 1, dtype=np.float64)
    r = (i - W) / (T - W)
    lr = floor + 0.5 * (1.0 + np.cos(math.pi * r)) * (peak - floor)
    lr[i <= W] = peak
    return lr


def constant_lr(T, peak):
    return np.full(T + 1, peak, dtype=np.float64)


def areas(lr, lam=LAMBDA):
    s1 = np.cumsum(lr)
    m = np.zeros_like(lr)
    for i in range(1, len(lr)):
        m[i] = lam * m[i - 1] + (lr[i - 1] - lr[i])
    return s1, np.cumsum(m)


def huber(r, d=DELTA):
    return np.where(np.abs(r) < d, 0.5 * r * r, d * np.abs(r) - 0.5 * d * d)


def fit(runs):
    """runs: list of (s1_at_points, s2_at_points, losses). Returns (L0, A, C, alpha), objective."""
    def objective(p):
        L0, A, C, alpha = p
        total = 0.0
        for s1, s2, y in runs:
            pred = L0 + A * (1.0 / s1) ** alpha - C * s2
            total += huber(np.log(y) - np.log(pred)).sum()
        return total

    best, best_f = None, np.inf
    grid = itertools.product(np.linspace(0.1, 2.1, 2), np.linspace(1, 22, 3),
                             np.linspace(1, 22, 3), np.linspace(0, 0.8, 3))
    with np.errstate(all="ignore"):
        for x0 in grid:
            res = minimize(objective, x0, method="L-BFGS-B", bounds=[(0, np.inf)] * 4,
                           options={"maxiter": 100000, "ftol": 1e-9, "gtol": 1e-6, "eps": 1e-8})
            if res.fun < best_f:
                best_f, best = res.fun, res.x
    return best, best_f


def r2(runs, p):
    L0, A, C, alpha = p
    y = np.concatenate([r[2] for r in runs])
    pred = np.concatenate([L0 + A * (1.0 / s1) ** alpha - C * s2 for s1, s2, _ in runs])
    return 1.0 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)


def write_fit(name, p, f, rr):
    L0, A, C, alpha = p
    with open(os.path.join(HERE, name), "w") as out:
        out.write("L0,A,alpha,C,objective,r2\n")
        out.write(",".join("%.17g" % v for v in (L0, A, alpha, C, f, rr)) + "\n")


def law(L0, A, alpha, C, s1, s2):
    return L0 + A * s1 ** (-alpha) - C * s2


def synthetic_runs(T, every, points_noise):
    """Two runs (cosine to 0 and constant, peak 2e-4, warm-up 500) of a known law, losses at
    steps every, 2*every, ..., T with a deterministic perturbation 0.002*sin(0.7*k + run)."""
    L0, A, alpha, C = 2.5, 0.6, 0.45, 1.5
    runs = []
    for j, lr in enumerate((cosine_lr(T, 500, 2e-4, 0.0), constant_lr(T, 2e-4))):
        s1, s2 = areas(lr)
        steps = np.arange(every, T + 1, every)
        k = np.arange(len(steps), dtype=np.float64)
        y = law(L0, A, alpha, C, s1[steps], s2[steps]) * (1.0 + points_noise * np.sin(0.7 * k + j))
        runs.append((s1[steps], s2[steps], y))
    return runs


def main():
    T = 20000
    lr_cos, lr_const = cosine_lr(T, 500, 2e-4, 0.0), constant_lr(T, 2e-4)
    (c1, c2), (k1, k2) = areas(lr_cos), areas(lr_const)

    with open(os.path.join(HERE, "authors_loss.csv"), "w") as out:
        out.write("step,cosine,constant\n")
        for s, a, b in zip(AUTHORS_STEPS, AUTHORS_COSINE, AUTHORS_CONSTANT):
            out.write("%d,%.17g,%.17g\n" % (s, a, b))
    with open(os.path.join(HERE, "authors_areas.csv"), "w") as out:
        out.write("step,lr,S1,S2,S1_constant,S2_constant,S2_lambda_0.99\n")
        _, s2_99 = areas(lr_cos, 0.99)
        for s in (0, 1, 499, 500, 501, 1000, 5000, 10000, 15000, 19999, 20000):
            out.write("%d,%s\n" % (s, ",".join("%.17g" % v for v in (
                lr_cos[s], c1[s], c2[s], k1[s], k2[s], s2_99[s]))))

    steps = np.array(AUTHORS_STEPS)
    runs = [(c1[steps], c2[steps], np.array(AUTHORS_COSINE)),
            (k1[steps], k2[steps], np.array(AUTHORS_CONSTANT))]
    t0 = time.perf_counter()
    p, f = fit(runs)
    secs = time.perf_counter() - t0
    write_fit("authors_fit_scipy.csv", p, f, r2(runs, p))
    print("authors data: (L0, A, C, alpha) =", list(p), "objective", f, "r2", r2(runs, p),
          "time %.3f s" % secs)

    syn = synthetic_runs(T, 1000, 0.002)
    p, f = fit(syn)
    write_fit("synthetic_fit_scipy.csv", p, f, r2(syn, p))
    print("synthetic (noisy 0.2%): (L0, A, C, alpha) =", list(p), "objective", f)

    # A large set, where lrs fits in two passes: 2 x 10000 points (every 2nd step), 1% noise.
    big = synthetic_runs(T, 2, 0.01)
    t0 = time.perf_counter()
    p, f = fit(big)
    secs = time.perf_counter() - t0
    write_fit("synthetic_2e4_fit_scipy.csv", p, f, r2(big, p))
    print("synthetic 2e4 points (noisy 1%): (L0, A, C, alpha) =", list(p), "objective", f,
          "time %.3f s" % secs)

    if "--bench" in sys.argv:
        # CPU seconds (process_time) as well as wall seconds: the machine is shared.
        for label, runs_b, n in (("2 runs x 20 points, T=20000", runs, 3),
                                 ("1e5 points (2 runs x 50000), T=100000",
                                  synthetic_runs(100000, 2, 0.002), 1)):
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(n):
                p, f = fit(runs_b)
            print("bench %s: wall %.4f s, cpu %.4f s per fit; (L0, A, C, alpha) = %s "
                  "objective %.10g" % (label, (time.perf_counter() - t0) / n,
                                       (time.process_time() - c0) / n, list(p), f))
        lr = cosine_lr(10**7 - 1, 500, 2e-4, 0.0)
        t0, c0 = time.perf_counter(), time.process_time()
        areas(lr)
        print("bench areas T=1e7 (the authors' loop): wall %.3f s, cpu %.3f s" % (
            time.perf_counter() - t0, time.process_time() - c0))
        t0, c0 = time.perf_counter(), time.process_time()
        s1 = np.cumsum(lr)
        m = np.zeros_like(lr)  # S2 without the Python loop: m = lfilter([1], [1, -lam], -diff)
        from scipy.signal import lfilter
        m[1:] = lfilter([1.0], [1.0, -LAMBDA], lr[:-1] - lr[1:])
        s2 = np.cumsum(m)
        print("bench areas T=1e7 (numpy cumsum + scipy lfilter): wall %.3f s, cpu %.3f s" % (
            time.perf_counter() - t0, time.process_time() - c0))

if __name__ == "__main__":
    main()
