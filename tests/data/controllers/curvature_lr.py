# SPDX-License-Identifier: MIT
# Expected LR and momentum of lrs::lanczos_lr_controller on quadratics with known Hessians,
# computed with NumPy from the true spectrum and the learner formulas of Granziol, Zohren, Roberts
# (arXiv 2006.09092) as their code (diegogranziol/GadamX, run_ssgd*_fastanddirty.py) applies them:
#   L = max |theta|, median = median(|theta|), mu ("minimum") = min |theta| after deleting, while
#   the largest weight is > 0.5, the heaviest pair; mu ("median") = median.
#   SSGD lr = 2 / (L + median); heavy ball lr = (2 / (sqrt L + sqrt mu))^2, momentum Polyak
#   ((sqrt L - sqrt mu) / (sqrt L + sqrt mu))^2 or the code's ((sqrt L - sqrt mu) / (sqrt L + mu))^2;
#   MN lr = sqrt(mu / L), momentum (sqrt L - sqrt mu) / (sqrt L + sqrt mu).
# With as many Lanczos steps as distinct eigenvalues, the Ritz values are the distinct eigenvalues
# and the quadrature weight of each is the squared norm of the unit start vector's projection on
# its eigenspace: for a diagonal Hessian and a +-1 start vector, multiplicity / n.
# The spectrum here comes from numpy.linalg.eigh of the dense matrix, not from its construction.
# Run: python3 tests/data/controllers/curvature_lr.py   (values are hard-coded in
# tests/controllers/curvature_lr_test.cpp)
import numpy as np


def learners(theta, weights):
    lam = np.abs(np.asarray(theta, dtype=np.float64))
    w = np.asarray(weights, dtype=np.float64)
    big_l = lam.max()
    med = np.median(lam)
    eig, wt = lam.copy(), w.copy()
    while len(wt) > 0 and wt.max() > 0.5:
        i = int(np.argmax(wt))
        eig, wt = np.delete(eig, i), np.delete(wt, i)
    mu_min = eig.min() if len(eig) > 0 else med
    out = {"L": big_l, "median": med, "mu_min": mu_min}
    out["ssgd_lr"] = 2.0 / (big_l + med)
    for name, mu in (("min", mu_min), ("med", med)):
        sl, sm = np.sqrt(big_l), np.sqrt(mu)
        out["hb_lr_" + name] = (2.0 / (sl + sm)) ** 2
        out["hb_polyak_" + name] = ((sl - sm) / (sl + sm)) ** 2
        out["hb_code_" + name] = ((sl - sm) / (sl + mu)) ** 2
        out["mn_lr_" + name] = np.sqrt(mu / big_l)
        out["mn_mom_" + name] = (sl - sm) / (sl + sm)
    return out


def spectrum_and_weights(h, v0):
    """Distinct eigenvalues of h (numpy.linalg.eigh) and the weight of each seen from v0."""
    vals, vecs = np.linalg.eigh(h)
    q = v0 / np.linalg.norm(v0)
    proj = (vecs.T @ q) ** 2
    groups = []  # merge eigenvalues equal to round-off
    for v, p in zip(vals, proj):
        if groups and abs(v - groups[-1][0]) <= 1e-12 * max(1.0, abs(v)):
            groups[-1][1] += p
        else:
            groups.append([v, p])
    return [g[0] for g in groups], [g[1] for g in groups]


def show(name, out):
    print(name)
    for k, v in out.items():
        print(f"  {k} = {v!r}")


# A: diagonal, 12 distinct eigenvalues over three decades (k = n = 12). Any +-1 start vector
# gives weight 1/12 to each eigenvalue.
d_a = np.array([0.02, 0.05, 0.1, 0.3, 0.7, 1.1, 2.0, 3.5, 6.0, 11.0, 19.0, 42.0])
theta, w = spectrum_and_weights(np.diag(d_a), np.ones(12))
show("A: diag(0.02 ... 42)", learners(theta, w))

# B: diagonal with a degenerate bulk: 0.01 eight times, then 0.5, 2, 7, 30 (n = 12). The bulk
# has weight 8/12 > 0.5 and is deleted by the "minimum" rule; Lanczos stops after 5 steps.
d_b = np.array([0.01] * 8 + [0.5, 2.0, 7.0, 30.0])
theta, w = spectrum_and_weights(np.diag(d_b), np.ones(12))
print("B weights", w)
show("B: bulk 0.01 x 8, 0.5, 2, 7, 30", learners(theta, w))

# C: the Householder reflection P = I - 2 u u' / u'u, u_i = i + 1 (i = 0..29), applied to
# diag(d_c), d_c = 10^(-3 + 5 i / 29): a dense Hessian H = P diag(d_c) P with a condition
# number of 1e5 (k = n = 30; only L and the median matter for SSGD and the median rule).
n = 30
u = np.arange(1, n + 1, dtype=np.float64)
p = np.eye(n) - 2.0 * np.outer(u, u) / (u @ u)
d_c = 10.0 ** (-3.0 + 5.0 * np.arange(n) / (n - 1))
h_c = p @ np.diag(d_c) @ p
theta, w = spectrum_and_weights(h_c, np.ones(n))
out = learners(theta, [1.0 / n] * n)  # weights depend on the start vector: SSGD and median only
show("C: Householder-rotated diag(1e-3 ... 1e2)",
     {k: v for k, v in out.items() if k in ("L", "median", "ssgd_lr") or k.endswith("_med")})
