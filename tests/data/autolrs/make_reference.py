#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Reference values for tests/analysis/autolrs_*_test.cpp and
# tests/controllers/autolrs_controller_test.cpp, computed with scikit-learn and SciPy.
# Run with Debian's interpreter: /usr/bin/python3 tests/data/autolrs/make_reference.py
# (needs python3-sklearn, python3-scipy, python3-numpy). Writes gp_sklearn.txt,
# gp_normalization.txt, exp_forecast_scipy.txt and spline_scipy.txt next to this script.
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


# --- Target normalisation: mean only (scikit-learn 0.21.3, the authors' pin) vs mean and std ---
# scikit-learn 0.21.3's normalize_y=True subtracts the mean only; that is normalize_y=False on
# y - mean(y), with the mean added back to the prediction.
def normalization_cases():
    # Forecast losses of scale ~0.1 at 4 and 2 explored points, and of scale ~100 at 5.
    return [
        ("loss0.15_4pts", [0.0707, 0.8399, 0.1213, 0.5693], [0.13676, 0.14301, 0.11615, 0.17358]),
        ("loss0.3_2pts", [0.2156, 0.3539], [0.30294, 0.30982]),
        ("loss100_5pts", [0.05, 0.3, 0.55, 0.8, 0.95], [131.0, 118.5, 112.2, 125.9, 160.3]),
    ]


def write_normalization():
    lines = ["# scikit-learn %s: the GP of gp_sklearn.txt with normalize_y=True (mode std) or "
             "normalize_y=False on y - mean(y) (mode mean, scikit-learn 0.21.3's normalize_y)"
             % sklearn.__version__,
             "# case name / x / y / mode std|mean amplitude length_scale noise nll lcb_argmin"
             " (kappa 1e6, 20001-point grid) / pred u mean std (at the fitted hyper-parameters)"]
    for name, x, y in normalization_cases():
        lines.append("case " + name)
        lines.append("x " + " ".join(fmt(v) for v in x))
        lines.append("y " + " ".join(fmt(v) for v in y))
        for mode in ("std", "mean"):
            kernel = ConstantKernel(1.0, (0.01, 1000.0)) * Matern(1.0, (0.01, 100.0), nu=2.5) \
                + WhiteKernel(1.0, (1e-5, 1e5))
            yy = np.array(y, dtype=float)
            shift = 0.0
            if mode == "mean":
                shift = yy.mean()
                yy = yy - shift
            gp = GaussianProcessRegressor(kernel=kernel, alpha=0.0, normalize_y=(mode == "std"),
                                          n_restarts_optimizer=2, random_state=0)
            gp.fit(np.array(x).reshape(-1, 1), yy)
            p = gp.kernel_.get_params()
            amp, ls, noise = p["k1__k1__constant_value"], p["k1__k2__length_scale"], \
                p["k2__noise_level"]
            nll = -gp.log_marginal_likelihood_value_
            gp.kernel_.set_params(k2__noise_level=0.0)
            us = np.linspace(0, 1, 20001)
            mean, std = gp.predict(us.reshape(-1, 1), return_std=True)
            u_best = us[np.argmin(mean + shift - 1e6 * std)]
            lines.append("mode %s %s %s %s %s %s" % (mode, fmt(amp), fmt(ls), fmt(noise), fmt(nll),
                                                     fmt(u_best)))
            for u in np.linspace(0, 1, 6):
                m, sd = gp.predict(np.array([[u]]), return_std=True)
                lines.append("pred %s %s %s" % (fmt(u), fmt(m[0] + shift), fmt(sd[0])))
    with open(os.path.join(HERE, "gp_normalization.txt"), "w") as f:
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
    # Series where UnivariateSpline(k=2, s=n) is not the least-squares quadratic: the residual of
    # the quadratic exceeds s = n, so FITPACK adds knots and tunes its smoothing parameter.
    rng = np.random.RandomState(0)
    t = np.arange(100)
    out.append(("issue_scale100", list(100 * (0.8 * np.exp(-0.03 * t) + 1.2) + 3 * rng.randn(100)),
                1000, True))
    rng = np.random.RandomState(0)
    out.append(("issue_sigma2", list(6 * np.exp(-0.02 * t) + 4 + 2 * rng.randn(100)), 1000, True))
    rng = np.random.RandomState(11)
    for scale in (1e-3, 1e-1, 1e1, 1e3):
        for sigma in (0.0, 0.5, 2.0):
            y = scale * (0.8 * np.exp(-0.03 * t) + 1.2) + sigma * rng.randn(100)
            y[[4, 17, 33, 80]] += scale * np.array([0.9, -0.5, 0.7, 0.4])
            out.append(("scale%g_sigma%g" % (scale, sigma), list(y), 1000, True))
    t = np.arange(2000)
    y = 30 * (np.exp(-0.002 * t) + 0.5) + 2.0 * rng.randn(2000)
    y[[10, 200, 700, 1500]] += [25, -20, 15, 10]
    out.append(("long2000_sigma2", list(y), 20000, True))
    y = 0.9 * np.exp(-0.002 * t) + 0.4 + 0.02 * rng.randn(2000)
    out.append(("long2000_unit", list(y), 20000, True))
    t = np.arange(16)
    y = 200 * (np.exp(-0.1 * t) + 1) + 2.0 * rng.randn(16)
    out.append(("val16_scale200", list(y), 160, False))
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


# --- FITPACK's smoothing spline: UnivariateSpline(x, y, k, s) ---------------------------------
def spline_cases():
    rng = np.random.RandomState(2024)
    out = []
    for n in (16, 100, 2000):
        t = np.arange(n, dtype=float)
        for scale in (1e-3, 1.0, 1e3):
            for sigma in (0.0, 0.1, 2.0):
                if n == 2000 and (scale, sigma) not in ((1e3, 2.0), (1.0, 0.1), (1e-3, 2.0)):
                    continue
                y = scale * (0.8 * np.exp(-30.0 * t / n) + 1.2) + sigma * rng.randn(n)
                bad = rng.choice(n, max(2, n // 25), replace=False)
                y[bad] += scale * rng.uniform(-1.0, 1.0, len(bad))
                out.append(("n%d_scale%g_sigma%g" % (n, scale, sigma), t, y, 2, None))
    t = np.sort(rng.uniform(0.0, 50.0, 60))
    y = np.sin(t / 5.0) + 0.3 * rng.randn(60)
    out.append(("uneven_k2_s10", t, y, 2, 10.0))
    out.append(("uneven_k3_default", t, y, 3, None))
    out.append(("uneven_k1_s3", t, y, 1, 3.0))
    return out


def write_spline():
    lines = ["# SciPy %s: scipy.interpolate.UnivariateSpline(x, y, k, s) (FITPACK curfit)"
             % scipy.__version__,
             "# spline name k s(-1: default len(x)) n_knots ier residual / x / y / at / values"]
    for name, x, y, k, s in spline_cases():
        sp = UnivariateSpline(x, y, k=k, s=s)
        n_knots, ier = int(sp._data[7]), int(sp._data[-1])
        at = np.concatenate([x[::max(1, len(x) // 100)], np.linspace(x[0] - 3.0, x[-1] + 3.0, 25)])
        lines.append("spline %s %d %s %d %d %s" % (name, k, fmt(-1 if s is None else s), n_knots,
                                                   ier, fmt(sp.get_residual())))
        lines.append("x " + " ".join(fmt(v) for v in x))
        lines.append("y " + " ".join(fmt(v) for v in y))
        lines.append("at " + " ".join(fmt(v) for v in at))
        lines.append("values " + " ".join(fmt(v) for v in sp(at)))
    with open(os.path.join(HERE, "spline_scipy.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    write_gp()
    write_normalization()
    write_forecast()
    write_spline()
