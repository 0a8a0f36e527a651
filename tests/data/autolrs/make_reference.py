#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Reference values for tests/analysis/autolrs_*_test.cpp and
# tests/controllers/autolrs_controller_test.cpp, computed with scikit-learn and SciPy.
# Run with Debian's interpreter: /usr/bin/python3 tests/data/autolrs/make_reference.py
# (needs python3-sklearn, python3-scipy, python3-numpy). Writes gp_sklearn.txt and
# exp_forecast_scipy.txt next to this script.
import os

import numpy as np
import scipy
import sklearn
from scipy import optimize
from scipy.interpolate import UnivariateSpline
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(v):
    return repr(float(v))


# --- Gaussian process: scikit-optimize's "GP" surrogate built from scikit-learn parts ---------
def gp_cases():
    rng = np.random.RandomState(1234)
    cases = []
    cases.append(([0.5], [1.3]))
    cases.append(([0.0, 1.0], [2.0, 1.0]))
    x = [0.1, 0.35, 0.6, 0.9]
    cases.append((x, [1.0 + (u - 0.4) ** 2 for u in x]))
    x = list(rng.uniform(0, 1, 7))
    cases.append((x, [float(np.sin(6 * u) + 0.05 * rng.randn()) for u in x]))
    x = list(np.linspace(0, 1, 10))
    cases.append((x, [float(2.5 - 1.5 * u + 0.8 * u * u + 0.1 * rng.randn()) for u in x]))
    return cases


def write_gp():
    lines = ["# scikit-learn %s: ConstantKernel(1,(0.01,1000))*Matern(1,(0.01,100),nu=2.5)"
             "+WhiteKernel(1,(1e-5,1e5)), normalize_y=True, alpha=0, n_restarts_optimizer=2,"
             " random_state=0" % sklearn.__version__,
             "# case: x / y / fitted amplitude length_scale noise neg_log_marginal_likelihood /"
             " pred u mean std (noise-free std, hyper-parameters as fitted)"]
    for x, y in gp_cases():
        kernel = ConstantKernel(1.0, (0.01, 1000.0)) * Matern(1.0, (0.01, 100.0), nu=2.5) \
            + WhiteKernel(1.0, (1e-5, 1e5))
        gp = GaussianProcessRegressor(kernel=kernel, alpha=0.0, normalize_y=True,
                                      n_restarts_optimizer=2, random_state=0)
        X = np.array(x).reshape(-1, 1)
        gp.fit(X, np.array(y))
        p = gp.kernel_.get_params()
        amp, ls, noise = p["k1__k1__constant_value"], p["k1__k2__length_scale"], \
            p["k2__noise_level"]
        nll = -gp.log_marginal_likelihood_value_
        gp.kernel_.set_params(k2__noise_level=0.0)  # scikit-optimize predicts without noise
        lines.append("case")
        lines.append("x " + " ".join(fmt(v) for v in x))
        lines.append("y " + " ".join(fmt(v) for v in y))
        lines.append("fitted %s %s %s %s" % (fmt(amp), fmt(ls), fmt(noise), fmt(nll)))
        us = np.linspace(0, 1, 11)
        mean, std = gp.predict(us.reshape(-1, 1), return_std=True)
        for u, m, s in zip(us, mean, std):
            lines.append("pred %s %s %s" % (fmt(u), fmt(m), fmt(s)))
    with open(os.path.join(HERE, "gp_sklearn.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


# --- Exponential forecaster: the AutoLRS procedure with SciPy's spline and Nelder-Mead --------
def rss(beta, x, y):
    A = np.vstack([np.exp(-np.exp(beta) * x), np.ones(len(x))]).T
    return np.linalg.lstsq(A, y, rcond=None)[1]


def denoise(ys, training):
    n0 = len(ys)
    xs = np.arange(n0, dtype=float)
    bound = xs[int((n0 - 1) * 0.5)]
    keep_x, keep_y = xs.copy(), np.array(ys, dtype=float)
    for _ in range(10 if training else 1):
        fit = UnivariateSpline(keep_x, keep_y, k=2)(keep_x)
        dev = np.abs(keep_y - fit)
        order = sorted(range(len(dev)), key=lambda i: dev[i])
        worst = order[int(round(-len(dev) * 0.03)):] if training else order[-1:]
        drop = {i for i in worst if i < bound}
        keep = [i for i in range(len(keep_x)) if i not in drop]
        keep_x, keep_y = keep_x[keep], keep_y[keep]
    return xs, UnivariateSpline(keep_x, keep_y, k=2)(xs)


def forecast(ys, at, training):
    xs, smooth = denoise(ys, training)
    beta = optimize.fmin(rss, 0, args=(xs, smooth), xtol=1e-5, ftol=1e-5, disp=False)[0]
    b = -np.exp(beta)
    A = np.vstack([np.exp(b * xs), np.ones(len(xs))]).T
    a, c = np.linalg.lstsq(A, smooth, rcond=None)[0]
    return a, b, c, a * np.exp(b * at) + c


def series_cases():
    rng = np.random.RandomState(7)
    out = []
    t = np.arange(100)
    y = 0.9 * np.exp(-0.04 * t) + 0.5 + 0.02 * rng.randn(100)
    y[[3, 11, 20, 70]] += [0.6, -0.4, 0.5, 0.3]
    out.append(("noisy100", list(y), 1000, True))
    t = np.arange(200)
    y = 2.3 * np.exp(-0.01 * t) + 0.1 + 0.05 * rng.randn(200)
    out.append(("noisy200", list(y), 2000, True))
    t = np.arange(100)
    y = 1.5 - 0.002 * t + 0.01 * rng.randn(100)
    out.append(("slow100", list(y), 1000, True))
    t = np.arange(16)
    y = 0.6 * np.exp(-0.2 * t) + 0.3 + 0.01 * rng.randn(16)
    y[2] += 0.2
    out.append(("val16", list(y), 160, False))
    return out


def write_forecast():
    lines = ["# SciPy %s: UnivariateSpline(k=2) de-noising + fmin(xtol=ftol=1e-5)" % scipy.__version__,
             "# series name training(0/1) at / y values / fit a b c forecast"]
    for name, y, at, training in series_cases():
        a, b, c, fc = forecast(np.array(y), at, training)
        lines.append("series %s %d %d" % (name, 1 if training else 0, at))
        lines.append("y " + " ".join(fmt(v) for v in y))
        lines.append("fit %s %s %s %s" % (fmt(a), fmt(b), fmt(c), fmt(fc)))
    with open(os.path.join(HERE, "exp_forecast_scipy.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    write_gp()
    write_forecast()
