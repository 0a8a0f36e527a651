#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Expected values for tests/schedules/budgeted_*_test.cpp and tests/schedules/profiles_*_test.cpp,
# evaluated straight from the formulas in docs/budgeted.md (REX: Chen, Wolfe & Kyrillidis,
# arXiv:2107.04197; WSD: Hu et al., arXiv:2404.06395, Hagele et al., arXiv:2405.18392).
# Standard library only.
#   python3 tests/data/budgeted/make_expected.py   (rewrites profiles.csv and schedules.csv)
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def rex(d):
    return lambda z: 0.0 if 1 - d * z <= 0 else (1 - z) / (1 - d * z)


def wsd(decay, shape):
    def f(z):
        if z < 1 - decay:
            return 1.0
        u = min(1.0, (z - (1 - decay)) / decay)
        return {"linear": 1 - u, "cosine": (1 + math.cos(math.pi * u)) / 2,
                "1-sqrt": 1 - math.sqrt(u), "1-square": 1 - u * u}[shape]
    return f


def step(gamma, fracs):
    return lambda z: gamma ** sum(1 for m in fracs if z >= m)


PROFILES = {
    "constant": lambda z: 1.0,
    "linear": lambda z: 1 - z,
    "cosine": lambda z: (1 + math.cos(math.pi * z)) / 2,
    "rex(0.5)": rex(0.5),
    "rex(0.9)": rex(0.9),
    "rex(0)": rex(0.0),
    "rex(1)": rex(1.0),
    "exponential(4)": lambda z: math.exp(-4 * z),
    "exponential(1.5)": lambda z: math.exp(-1.5 * z),
    "step(0.1)": step(0.1, [0.3, 0.6, 0.9]),
    "step(0.5;0.5)": step(0.5, [0.5]),
    "polynomial(2)": lambda z: (1 - z) ** 2,
    "polynomial(0.5)": lambda z: (1 - z) ** 0.5,
    "inverse_sqrt(0.01)": lambda z: 1 / math.sqrt(1 + z / 0.01),
    "inverse_sqrt(0.5)": lambda z: 1 / math.sqrt(1 + z / 0.5),
    "wsd(0.2;linear)": wsd(0.2, "linear"),
    "wsd(0.2;cosine)": wsd(0.2, "cosine"),
    "wsd(0.2;1-sqrt)": wsd(0.2, "1-sqrt"),
    "wsd(0.2;1-square)": wsd(0.2, "1-square"),
    "wsd(1;linear)": wsd(1.0, "linear"),
}
ZS = [0, 0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 0.8, 0.85, 0.9, 0.99, 1]


def budgeted(peak, prof, T, min_lr=0.0, W=0, start=None, shape="linear", k=1, after="hold"):
    start = min_lr if start is None else start

    def lr(t):
        if t >= T:
            if after == "hold":
                return min_lr + (peak - min_lr) * prof(1.0)
            if after == "floor":
                return min_lr
            t %= T
        if t < W:
            u = t / W
            if shape == "linear":
                return start + (peak - start) * u
            if shape == "cosine":
                return start + (peak - start) * (1 - math.cos(math.pi * u)) / 2
            return start * (peak / start) ** u
        w = W + (t - W) // k * k
        return min_lr + (peak - min_lr) * prof((w - W) / (T - W))
    return lr


# name -> (schedule, steps to list)
SCHEDULES = {
    "rex_T10": (budgeted(1.0, rex(0.5), 10), range(0, 12)),
    "rex_T100_min": (budgeted(0.1, rex(0.5), 100, min_lr=0.001), [0, 1, 25, 50, 75, 99, 100, 150]),
    "rex09_T1000_k250": (budgeted(0.1, rex(0.9), 1000, min_lr=0.001, k=250),
                         [0, 249, 250, 499, 500, 750, 999]),
    "cosine_T50_w10": (budgeted(0.2, PROFILES["cosine"], 50, min_lr=0.002, W=10, start=0.01),
                       [0, 1, 5, 9, 10, 11, 30, 49, 50, 60]),
    "linear_T40_cosw8": (budgeted(1.0, PROFILES["linear"], 40, W=8, start=0.1, shape="cosine"),
                         [0, 3, 7, 8, 20, 39, 40]),
    "exp_T30_expw5": (budgeted(0.5, PROFILES["exponential(4)"], 30, min_lr=0.05, W=5, start=0.005,
                               shape="exponential"), [0, 1, 2, 4, 5, 17, 29, 30]),
    "wsd_T100_w10_cos": (budgeted(3e-4, wsd(0.2, "cosine"), 100, min_lr=3e-5, W=10, start=0.0),
                         [0, 5, 10, 50, 81, 82, 90, 99, 100]),
    "wsd_T100_1sqrt": (budgeted(1.0, wsd(0.1, "1-sqrt"), 100), [0, 89, 90, 91, 95, 99, 100]),
    "step_T100_k7_w9": (budgeted(0.1, PROFILES["step(0.1)"], 100, W=9, start=0.01, k=7),
                        [0, 8, 9, 15, 16, 34, 35, 37, 64, 65, 99, 120]),
    "poly_T20_floor": (budgeted(2.0, PROFILES["polynomial(2)"], 20, min_lr=0.5, after="floor"),
                       [0, 10, 19, 20, 25]),
    "invsqrt_T64": (budgeted(1.0, PROFILES["inverse_sqrt(0.5)"], 64), [0, 16, 32, 63, 64]),
    "cosine_T8_cycle": (budgeted(1.0, PROFILES["cosine"], 8, W=2, start=0.5, after="cycle"),
                        [0, 1, 2, 7, 8, 9, 10, 17, 23]),
}


def main():
    with open(os.path.join(HERE, "profiles.csv"), "w") as f:
        f.write("profile,z,value\n")
        for name, p in PROFILES.items():
            for z in ZS:
                f.write(f"{name},{z!r},{p(z)!r}\n")
    with open(os.path.join(HERE, "schedules.csv"), "w") as f:
        f.write("schedule,step,lr\n")
        for name, (s, steps) in SCHEDULES.items():
            for t in steps:
                f.write(f"{name},{t},{s(t)!r}\n")


if __name__ == "__main__":
    main()
