#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""S1 and S2 of LR sequences whose LR rises after the start, under lrs's warm-up rule.

Independent of lrs: the sequences are built here from their formulas (the cyclic one with
torch.optim.lr_scheduler.CyclicLR), the warm-up rule is applied as documented in
docs/scaling_law.md, and the areas are the authors' definitions (Tissue, Wang, Wang,
arXiv:2408.11029, their fitting script): S1 = np.cumsum(lr), m_0 = 0,
m_i = lambda m_{i-1} + (lr_{i-1} - lr_i), S2 = np.cumsum(m).

Warm-up rule (area_options::warmup_steps): W = -1 detects the end of the leading rise, the first
step whose LR is not below the next one's (0 when the LR does not rise from step 0 to step 1);
steps 0..W-1 then count at the LR of step W. W = 0 is the sequence as recorded.

Writes warmup_detection.csv (id = index in CASES, case, warmup_steps, W used, step, S1, S2) next to this script and
prints the issue's example under the authors' law. Run: /usr/bin/python3 warmup_detection.py
"""
import math
import os

import numpy as np
import torch

LAMBDA = 0.999


def continued():
    """Continued pre-training: 1000 steps at 1e-4, a linear re-warm-up to 2e-4 over 100 steps
    (2e-4 at step 1099), hold, then a cosine to 0 over the last 1000 steps (0 at T - 1 = 2999)."""
    lr = []
    for t in range(3000):
        if t < 1000:
            v = 1e-4
        elif t < 1100:
            v = 1e-4 + 1e-4 * (t - 1000 + 1) / 100
        elif t < 1999:
            v = 2e-4
        else:
            v = 2e-4 * 0.5 * (1 + math.cos(math.pi * (t - 1999) / 1000))
        lr.append(v)
    return lr


def rewarmup():
    """A warm-up to 3e-4 over 200 steps, a cosine to 3e-5 at step 1500, a re-warm-up to 3e-4 over
    100 steps, then a cosine to 0 at step 2999."""
    lr = []
    for t in range(3000):
        if t < 200:
            v = 3e-4 * t / 200
        elif t < 1500:
            v = 3e-5 + 2.7e-4 * 0.5 * (1 + math.cos(math.pi * (t - 200) / 1300))
        elif t < 1600:
            v = 3e-5 + 2.7e-4 * (t - 1500 + 1) / 100
        else:
            v = 3e-4 * 0.5 * (1 + math.cos(math.pi * (t - 1599) / 1400))
        lr.append(v)
    return lr


def step_up(warmup):
    """0.05, 0.1, 0.2 for 500 steps each, then a cosine to 0 over 500 steps; with `warmup`, the
    first 100 steps ramp linearly to 0.05 (0.05 at step 99)."""
    lr = []
    for t in range(2000):
        if warmup and t < 100:
            v = 0.05 * (t + 1) / 100
        elif t < 500:
            v = 0.05
        elif t < 1000:
            v = 0.1
        elif t < 1500:
            v = 0.2
        else:
            v = 0.2 * 0.5 * (1 + math.cos(math.pi * (t - 1500) / 500))
        lr.append(v)
    return lr


def cyclic():
    """torch CyclicLR(base_lr=1e-3, max_lr=6e-3, step_size_up=200), triangular, 1000 steps:
    the LR of update t is get_last_lr() after t calls of step()."""
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1e-3)
    s = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=1e-3, max_lr=6e-3, step_size_up=200,
                                          mode="triangular", cycle_momentum=False)
    lr = []
    for _ in range(1000):
        lr.append(s.get_last_lr()[0])
        opt.step()
        s.step()
    return lr


def warmup_end(lr, warmup_steps):
    if warmup_steps >= 0:
        return warmup_steps
    w = 0
    while w + 1 < len(lr) and lr[w + 1] > lr[w]:
        w += 1
    return w


def areas(lr, warmup_steps):
    lr = np.array(lr, dtype=np.float64)
    w = warmup_end(lr, warmup_steps)
    lr[:w] = lr[w]
    s1 = np.cumsum(lr)
    m = np.zeros_like(lr)
    for i in range(1, len(lr)):
        m[i] = LAMBDA * m[i - 1] + (lr[i - 1] - lr[i])
    return w, s1, np.cumsum(m)


CASES = [
    ("continued", continued, -1),
    ("continued", continued, 1099),
    ("rewarmup", rewarmup, -1),
    ("step_up", lambda: step_up(False), -1),
    ("step_up_warmup", lambda: step_up(True), -1),
    ("cyclic", cyclic, -1),
    ("cyclic", cyclic, 0),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rows = []
    for k, (name, make, ws) in enumerate(CASES):
        lr = make()
        w, s1, s2 = areas(lr, ws)
        n = len(lr)
        steps = sorted(set(list(range(0, n, 50)) + [1, w, max(w - 1, 0), w + 1, 1099, 1100, n - 1]))
        for s in steps:
            if s < n:
                rows.append((k, name, ws, w, s, s1[s], s2[s]))
        print(f"{name:15s} warmup_steps {ws:5d}: W = {w:4d}  S1(T-1) = {s1[-1]:.5f}  "
              f"S2(T-1) = {s2[-1]:+.5f}")
    with open(os.path.join(here, "warmup_detection.csv"), "w") as f:
        f.write("id,case,warmup_steps,W,step,S1,S2\n")
        for k, name, ws, w, s, a, b in rows:
            f.write(f"{k},{name},{ws},{w},{s},{a!r},{b!r}\n")

    # The issue's example under the law SciPy fits to the authors' data (authors_fit_scipy.csv).
    l0, a, alpha, c = 2.6277947500862919, 0.42966732917561273, 0.54984394676470938, 0.41077147803665665
    _, s1, s2 = areas(continued(), -1)
    _, o1, o2 = areas(continued(), 1099)  # every step before the global maximum raised to it
    print(f"continued: S1 {s1[-1]:.5f} S2 {s2[-1]:.5f} S2(1100) {s2[1100]:.5f} "
          f"loss {l0 + a * s1[-1] ** -alpha - c * s2[-1]:.4f}; raised to the maximum: "
          f"S1 {o1[-1]:.5f} S2 {o2[-1]:+.5f} S2(1100) {o2[1100]:.5f} "
          f"loss {l0 + a * o1[-1] ** -alpha - c * o2[-1]:.4f}")


if __name__ == "__main__":
    main()
