# SPDX-License-Identifier: MIT
# Expected iterates of the gradient-regularised Newton method (Semenov, Jaggi, Doikov, Algorithm 1;
# exact Hessian, B = I, gamma0 = 1, eps = 1e-8) on f = x'Ax/2 - b'x, A = diag(1, 10), b = (1, 1),
# x0 = 0, computed from the paper's formulas in plain Python (float64), independently of lrs.
# Run: python3 tests/data/curvature_newton_quadratic.py   (values are hard-coded in the tests)
import math

a = (1.0, 10.0)
b = (1.0, 1.0)


def f(x):
    return sum(0.5 * ai * xi * xi - bi * xi for ai, bi, xi in zip(a, b, x))


def grad(x):
    return [ai * xi - bi for ai, bi, xi in zip(a, b, x)]


def norm(v):
    return math.sqrt(sum(t * t for t in v))


x, gamma, eps = [0.0, 0.0], 1.0, 1e-8
for k in range(5):
    g = grad(x)
    print(f"k={k} x=({x[0]!r}, {x[1]!r}) f={f(x)!r} |g|={norm(g)!r} gamma={gamma!r}")
    for trial in range(40):
        lam = norm(g) / (gamma + eps)
        xn = [xi - gi / (ai + lam) for xi, gi, ai in zip(x, g, a)]  # (A + lam I) diagonal
        if f(x) - f(xn) >= norm(grad(xn)) ** 2 / (8 * lam):
            gamma = max(2 * gamma, 1e-9)
            x = xn
            break
        gamma /= 2
