#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes lion_reference.txt: trajectories of Lion as stated in its paper (Chen et al., "Symbolic
# Discovery of Optimization Algorithms", arXiv:2302.06675, Algorithm 2), in plain Python floats
# (IEEE double), for tests/optim/lion_test.cpp:
#   python3 tests/data/optim/lion/lion_reference.py > tests/data/optim/lion/lion_reference.txt
#
# Algorithm 2, one step with gradient g, learning rate lr (eta_t) and weight decay wd (lambda):
#   c = beta1 * m + (1 - beta1) * g
#   x = x - lr * (sign(c) + wd * x)
#   m = beta2 * m + (1 - beta2) * g
# with m = 0 before the first step and sign(0) = 0.
#
# Format (whitespace-separated tokens), per case:
#   case <name> <beta1> <beta2> <weight_decay> <size> <steps>
#   x0 <size values>
#   steps x (step <lr>, g <size values>, x <size values>, m <size values>)
#   end
import math


def sign(v):
    return 1.0 if v > 0 else (-1.0 if v < 0 else 0.0)


def lion_step(x, m, g, lr, beta1, beta2, wd):
    c = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g)]
    x = [xi - lr * (sign(ci) + wd * xi) for xi, ci in zip(x, c)]
    m = [beta2 * mi + (1 - beta2) * gi for mi, gi in zip(m, g)]
    return x, m


def fmt(values):
    return " ".join(repr(float(v)) for v in values)


def run_case(name, beta1, beta2, wd, size, lrs):
    print("case %s %r %r %r %d %d" % (name, beta1, beta2, wd, size, len(lrs)))
    x = [math.sin(0.7 * i + 0.3) for i in range(size)]
    m = [0.0] * size
    print("x0", fmt(x))
    for t, lr in enumerate(lrs):
        # Exact zeros at the first step (c = 0: sign 0) and varied signs and sizes later.
        g = [0.0 if (t == 0 and i % 3 == 0) else math.cos(1.3 * i - 0.9 * t) * (1 + i % 4)
             for i in range(size)]
        x, m = lion_step(x, m, g, lr, beta1, beta2, wd)
        print("step", repr(lr))
        print("g", fmt(g))
        print("x", fmt(x))
        print("m", fmt(m))
    print("end")


run_case("defaults", 0.9, 0.99, 0.0, 19, [1e-3, 2e-3, 3e-3, 3e-3, 1.5e-3, 1e-4])
run_case("decay", 0.95, 0.98, 0.1, 19, [0.01, 0.02, 0.005, 0.0, 0.01, 0.03])
run_case("no_beta1", 0.0, 0.5, 0.5, 5, [0.1, 0.1, 0.2])
