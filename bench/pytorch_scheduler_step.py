#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Cost of one scheduler.step() in PyTorch, to set beside bench/schedules_bench.cpp.
#   /usr/bin/python3 bench/pytorch_scheduler_step.py
import math
import timeit
import warnings

import torch
from torch.optim import lr_scheduler as L

warnings.filterwarnings("ignore")


def opt():
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)


CASES = {
    "lambda": lambda o: L.LambdaLR(o, lambda t: 0.95 ** t),
    "multiplicative": lambda o: L.MultiplicativeLR(o, lambda t: 0.999),
    "step": lambda o: L.StepLR(o, 300, 0.5),
    "multi_step": lambda o: L.MultiStepLR(o, [1000, 2000, 3000], 0.1),
    "constant": lambda o: L.ConstantLR(o, 0.5, 100),
    "linear": lambda o: L.LinearLR(o, 0.01, 1.0, 1000),
    "exponential": lambda o: L.ExponentialLR(o, 0.999),
    "polynomial": lambda o: L.PolynomialLR(o, 4000, 2.0),
    "cosine": lambda o: L.CosineAnnealingLR(o, 1000, 0.001),
    "warm": lambda o: L.CosineAnnealingWarmRestarts(o, 100, 2, 0.001),
    "cyclic": lambda o: L.CyclicLR(o, 0.001, 0.1, 200, 300, mode="exp_range", gamma=0.999),
    "one_cycle": lambda o: L.OneCycleLR(o, 0.1, total_steps=10 ** 7),
    "sequential": lambda o: L.SequentialLR(o, [L.LinearLR(o, 0.1, 1.0, 100),
                                               L.CosineAnnealingLR(o, 3996)], [100]),
    "chained": lambda o: L.ChainedScheduler([L.StepLR(o, 300, 0.5), L.ExponentialLR(o, 0.999)]),
}

print("torch", torch.__version__)
print("%-16s %12s" % ("schedule", "ns/step()"))
for name, make in CASES.items():
    s = make(opt())
    n = 4000
    best = min(timeit.repeat(s.step, number=n, repeat=5)) / n
    print("%-16s %12.0f" % (name, best * 1e9))
