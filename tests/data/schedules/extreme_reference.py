#!/usr/bin/env python3
"""Reference values for tests/schedules/overflow_regression_test.cpp, from the schedules'
formulas evaluated in 400-digit arithmetic (mpmath). Run: python3 extreme_reference.py"""
import mpmath as mp

mp.mp.dps = 400
M = 2**63 - 1


def cosine(base, eta, t, period):
    return eta + (base - eta) * (1 + mp.cos(mp.pi * t / period)) / 2


def show(label, v):
    print(f"{label}: {mp.nstr(v, 17)}")


# CosineAnnealingLR(T_max=5e18), base 0.1: t mod 2 T_max = t for every t <= M.
for t in [2**53, M - 1, M]:
    show(f"cos_tmax5e18 t={t}", cosine(mp.mpf("0.1"), 0, t, 5 * 10**18))
# CosineAnnealingWarmRestarts(T_0=2, T_mult=2^62): runs [0, 2), [2, 2 + 2^63).
for t in [2**31, 2**53, M]:
    show(f"warm_2_2^62 t={t}", cosine(mp.mpf("0.1"), 0, t - 2, 2**63))
# CosineAnnealingLR(T_max=10, eta_min=1e308), base 0.1.
for t in [0, 3, 5, 10, 17]:
    show(f"cos_eta1e308 t={t}", cosine(mp.mpf("0.1"), mp.mpf("1e308"), t % 20, 10))
# CosineAnnealingLR(T_max=10, eta_min=0), base 1.5e308.
for t in [0, 1, 5]:
    show(f"cos_base1.5e308 t={t}", cosine(mp.mpf("1.5e308"), 0, t, 10))
# budgeted exponential warmup from 1e-300 to 1e300 over W = 10: start (peak / start)^(t / W).
for t in [0, 5, 9]:
    show(f"expwarm t={t}", mp.mpf("1e-300") * (mp.mpf("1e600")) ** (mp.mpf(t) / 10))
# budgeted cosine warmup from 0 to the largest double over W = 10.
big = mp.mpf(2) ** 1024 * (1 - mp.mpf(2) ** -53)
for t in [7, 9]:
    show(f"coswarm t={t}", big * (1 - mp.cos(mp.pi * t / 10)) / 2)
# budgeted linear decay over T = M, area over [M - 10, M - 1): sum of (M - t) / M.
show("linear_area", mp.fsum((M - t) / mp.mpf(M) for t in range(M - 10, M - 1)))
# budgeted constant profile with a linear warmup of W = M - 1 steps from 0 to 1:
# area over [M - 5, M - 1) = sum of t / W.
show("warm_area", mp.fsum(mp.mpf(t) / (M - 1) for t in range(M - 5, M - 1)))
# budgeted cosine over T = M sampled every 2^62 steps: area over [M - 3, M - 1) = 2 lr(2^62).
show("window_area", 2 * (1 + mp.cos(mp.pi * mp.mpf(2**62) / M)) / 2)
