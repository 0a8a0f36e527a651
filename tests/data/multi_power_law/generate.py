"""Reference predictions of the Multi-Power Law (MPL) for tests of a C++ implementation.

An independent NumPy implementation of the law of papers.md section 8, in both conventions:

  code convention (the authors' code, github.com/thu-yao-01-luo/MultiPowerLaw @ 8da9f19):
    lrs     = the whole per-step LR schedule, warm-up included (steps 0 .. T-1)
    S(s)    = cumsum(lrs)[s]                  (includes lrs[s]; S(-1) = 0)
    pred(s) = L0 + A * S(s)^-alpha
                 + B * sum_{k=1..s} (lrs[k] - lrs[k-1]) * (1 - (1 + C * lrs[k]^-gamma * (S(s) - S(k-1)))^-beta)
  paper convention (the paper's eq. 1-2): the same, but the gap sum runs over k >= max(1, W) only, W being
  the first step after the warm-up (W = 2160 for the published runs). With the same parameters the two differ
  by the warm-up terms (about B * eta_max * G); the published parameters are fitted in the code convention,
  so the paper-convention rows are test vectors of the formula, not fits.

Zero learning rates (the authors' code gives NaN there, 0 * inf): a term whose lrs[k] is 0 is evaluated as
the limit lrs[k] -> 0+ with the other LRs fixed, for gamma < 1: G = 1 if S(s) - S(k-1) > 0 (later steps have
a positive LR) and G = 0 if it is 0 (the LR is still 0 from k to s). Terms with lrs[k] - lrs[k-1] == 0
contribute exactly 0. The synthetic schedules that contain zero LRs use gamma < 1.

The sums are evaluated in long double (x87 80-bit) from the float64 LR values, so the printed values are the
formula to about 1e-16 relative; a float64 implementation should agree to about 1e-12 relative.

Inputs: ../shared/data/loss_curves/multi_power_law/<size>/<run>.csv relative to the repository root (only
the logged steps are read; the LR of every step is rebuilt from the run name as that folder's README says).

Outputs (in this directory):
  mpl_vectors.csv        size,run,step,convention,pred   (pred with 17 significant digits)
                         size is 25M / 100M / 400M (the published parameters of that size, code convention)
                         or "synthetic" (the run's own parameters from mpl_params.csv); convention is
                         "code" or "paper"; step is the 0-based step index s above.
  mpl_params.csv         set,L0,A,alpha,B,C,beta,gamma,W    (W: warm-up length used by the paper convention)
  mpl_synthetic_lrs.csv  run,step,lr   (every step's LR of the synthetic schedules, 17 significant digits)

Run from anywhere:  /usr/bin/python3 tests/data/multi_power_law/generate.py
It prints the check against papers.md's test vectors (must agree to 1e-9 relative) and exits non-zero if the
check fails or the data folder is missing.
"""

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.abspath(os.path.join(REPO, "..", "shared", "data", "loss_curves", "multi_power_law"))

SIZES = ["25M", "100M", "400M"]
RUNS = ["cosine_24000", "constant_24000", "wsdcon_9",  # the paper's fit runs
        "constant_72000", "cosine_72000", "wsd_20000_24000", "wsdld_20000_24000", "wsdcon_3", "wsdcon_18"]
FIT_RUNS = RUNS[:3]
HELD_OUT_RUNS = RUNS[3:]
PARAM_NAMES = ["L0", "A", "alpha", "B", "C", "beta", "gamma"]

# The authors' fitted parameters (their README / src/config.py), code convention.
PUBLISHED = {
    "25M": [3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257],
    "100M": [2.6514477, 0.60115152, 0.45295811, 437.9464276, 2.13245612, 0.59785199, 0.65523644],
    "400M": [2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735, 0.59350493, 0.63472457],
}

PEAK, END, WARMUP = 3e-4, 3e-5, 2160

# papers.md section 8 test vectors: code convention, 400M published parameters.
PAPER_VECTORS = [
    ("cosine_72000", 2176, 3.5736129609), ("cosine_72000", 24000, 2.7948712591),
    ("cosine_72000", 71936, 2.6184812163),
    ("wsd_20000_24000", 20000, 2.8412244354), ("wsd_20000_24000", 22000, 2.7363853235),
    ("wsd_20000_24000", 23936, 2.7004518262),
    ("wsdcon_3", 8000, 3.0040275037), ("wsdcon_3", 8064, 2.9288738277), ("wsdcon_3", 15936, 2.8490611874),
]


def run_lrs(run):
    """Every step's LR of a published run, rebuilt from its name (data README; float64, as NumPy does)."""
    warm = np.linspace(0.0, PEAK, WARMUP)
    if run.startswith("cosine_"):
        total = int(run.split("_")[1])
        t = np.arange(WARMUP, total)
        rest = END + 0.5 * (PEAK - END) * (1 + np.cos(np.pi * (t - WARMUP) / (total - WARMUP)))
    elif run.startswith("constant_"):
        total = int(run.split("_")[1])
        rest = np.full(total - WARMUP, PEAK)
    elif run.startswith("wsdcon_"):
        total, stage_a = 16000, 8000
        rest = np.concatenate([np.full(stage_a - WARMUP, PEAK), np.full(total - stage_a, int(run.split("_")[1]) * 1e-5)])
    elif run.startswith("wsd_") or run.startswith("wsdld_"):
        total, decay = 24000, 20000
        t = np.arange(decay, total)
        if run.startswith("wsd_"):
            tail = PEAK ** ((total - t) / (total - decay)) * END ** ((t - decay) / (total - decay))
        else:
            tail = PEAK * (1 - (t - decay) / (total - decay)) + END * (t - decay) / (total - decay)
        rest = np.concatenate([np.full(decay - WARMUP, PEAK), tail])
    else:
        raise ValueError(run)
    return np.concatenate([warm, rest])


def load_run(size, run):
    """(logged steps, losses) of a published run (float64, as written in the CSV)."""
    d = np.genfromtxt(os.path.join(DATA, size, run + ".csv"), delimiter=",", skip_header=1)
    return d[:, 0].astype(np.int64), d[:, 2].astype(np.float64)


def mpl_predict(params, lrs, steps, convention="code", warmup=WARMUP, dtype=np.longdouble):
    """MPL prediction at the 0-based steps `steps` of the per-step schedule `lrs` (module docstring)."""
    L0, A, alpha, B, C, beta, gamma = [dtype(p) for p in params]
    lrs = np.asarray(lrs, dtype=np.float64).astype(dtype)
    S = np.cumsum(lrs)
    Sm1 = np.concatenate([np.zeros(1, dtype=dtype), S[:-1]])  # S(k-1)
    gap = np.zeros_like(lrs)
    gap[1:] = lrs[1:] - lrs[:-1]
    first = 1 if convention == "code" else max(1, warmup)
    ks = np.nonzero(gap)[0]
    ks = ks[ks >= first]
    gk, lk = gap[ks], lrs[ks]
    pos = lk > 0
    ck = np.zeros_like(lk)
    ck[pos] = C * lk[pos] ** (-gamma)
    out = np.empty(len(steps), dtype=dtype)
    for i, s in enumerate(steps):
        s = int(s)
        m = ks <= s
        area = S[s] - Sm1[ks[m]]
        G = np.where(pos[m], 1 - (1 + ck[m] * area) ** (-beta), np.where(area > 0, dtype(1), dtype(0)))
        out[i] = L0 + A * S[s] ** (-alpha) + B * np.sum(gk[m] * G)
    return out


def mpl_predict64(params, lrs, steps, convention="code", warmup=WARMUP):
    """The same in float64 (fast enough for objectives and metrics)."""
    return mpl_predict(params, lrs, steps, convention, warmup, dtype=np.float64).astype(np.float64)


def huber(r, delta=1e-3):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def metrics(loss, pred):
    """The per-run metrics of the authors' src/evaluation.py (R2 as sklearn's r2_score)."""
    err = loss - pred
    return {
        "R2": 1.0 - np.sum(err ** 2) / np.sum((loss - loss.mean()) ** 2),
        "MAE": np.mean(np.abs(err)),
        "RMSE": np.sqrt(np.mean(err ** 2)),
        "PredE": np.mean(np.abs(err) / loss),
        "WorstE": np.max(np.abs(err) / loss),
    }


# Synthetic schedules that stress the formula: (per-step LR, logged steps, parameters, W).
def synthetic():
    out = {}
    # A step schedule that drops to 0, stays there, then restarts: terms with lrs[k] = 0 (area 0, then > 0).
    lrs = np.concatenate([np.linspace(0.0, 1e-3, 100), np.full(400, 1e-3), np.full(300, 1e-4),
                          np.zeros(200), np.full(200, 5e-4)])
    steps = sorted(set(range(100, 1200, 50)) | {499, 500, 501, 799, 800, 801, 900, 999, 1000, 1001, 1199})
    out["step_to_zero"] = (lrs, steps, [2.5, 0.6, 0.45, 400.0, 2.0, 0.6, 0.65], 100)
    # A re-warm-up after the warm-up (positive gaps), then a linear decay that ends exactly at 0.
    t = np.arange(1000, 2000)
    lrs = np.concatenate([np.linspace(0.0, 6e-4, 200), np.full(800, 6e-4),
                          6e-5 + 0.5 * (6e-4 - 6e-5) * (1 + np.cos(np.pi * (t - 1000) / 1000)),
                          np.linspace(6e-5, 4e-4, 200), np.full(400, 4e-4), np.linspace(4e-4, 0.0, 400)])
    steps = sorted(set(range(200, 3000, 100)) | {999, 1000, 1999, 2000, 2001, 2199, 2200, 2599, 2600, 2998, 2999})
    out["rewarmup"] = (lrs, steps, [3.0, 0.5, 0.5, 300.0, 1.5, 0.5, 0.5], 200)
    # A 2-step run: s = 0 (empty gap sum) and s = 1 (one drop), gamma = beta = 1 (the bounds of (0, 1]).
    out["two_step"] = (np.array([1e-3, 4e-4]), [0, 1], [2.0, 0.1, 0.3, 50.0, 3.0, 1.0, 1.0], 1)
    return out


def g17(x):
    return "%.17g" % float(x)


def main():
    if not os.path.isdir(DATA):
        print(f"data folder {DATA} is missing (the Multi-Power Law curves; see the README of "
              "../shared/data/loss_curves/multi_power_law or github.com/thu-yao-01-luo/MultiPowerLaw, "
              "folder loss_curve_repo)")
        return 2

    ok = True
    print("check against papers.md section 8 test vectors (code convention, 400M published parameters):")
    for run, s, want in PAPER_VECTORS:
        got = float(mpl_predict(PUBLISHED["400M"], run_lrs(run), [s])[0])
        rel = abs(got - want) / abs(want)
        good = rel <= 1e-9
        ok &= good
        print(f"  {run:17s} s={s:6d}  got {got:.12f}  want {want:.10f}  rel {rel:.1e}  {'ok' if good else 'FAIL'}")

    rows = []
    for size in SIZES:
        for run in RUNS:
            steps, _ = load_run(size, run)
            lrs = run_lrs(run)
            assert steps.max() < len(lrs), (size, run)
            for conv in ["code", "paper"]:
                pred = mpl_predict(PUBLISHED[size], lrs, steps, conv)
                rows += [f"{size},{run},{s},{conv},{g17(p)}" for s, p in zip(steps, pred)]
    synth = synthetic()
    for run, (lrs, steps, params, w) in synth.items():
        for conv in ["code", "paper"]:
            pred = mpl_predict(params, lrs, steps, conv, warmup=w)
            assert np.all(np.isfinite(pred)), run
            rows += [f"synthetic,{run},{s},{conv},{g17(p)}" for s, p in zip(steps, pred)]

    with open(os.path.join(HERE, "mpl_vectors.csv"), "w") as f:
        f.write("size,run,step,convention,pred\n" + "\n".join(rows) + "\n")
    with open(os.path.join(HERE, "mpl_params.csv"), "w") as f:
        f.write("set," + ",".join(PARAM_NAMES) + ",W\n")
        for size in SIZES:
            f.write(size + "," + ",".join(g17(p) for p in PUBLISHED[size]) + f",{WARMUP}\n")
        for run, (_, _, params, w) in synth.items():
            f.write(run + "," + ",".join(g17(p) for p in params) + f",{w}\n")
    with open(os.path.join(HERE, "mpl_synthetic_lrs.csv"), "w") as f:
        f.write("run,step,lr\n")
        for run, (lrs, _, _, _) in synth.items():
            f.writelines(f"{run},{t},{g17(v)}\n" for t, v in enumerate(lrs))

    # How far a float64 evaluation is from the long-double reference (what a C++ double implementation sees).
    worst = 0.0
    for run in ["cosine_72000", "wsd_20000_24000"]:
        steps, _ = load_run("400M", run)
        a = mpl_predict(PUBLISHED["400M"], run_lrs(run), steps).astype(np.float64)
        b = mpl_predict64(PUBLISHED["400M"], run_lrs(run), steps)
        worst = max(worst, float(np.max(np.abs(a - b) / np.abs(a))))
    print(f"float64 evaluation vs the long-double reference (400M cosine_72000, wsd_20000_24000): "
          f"max rel {worst:.1e}")
    print(f"wrote {len(rows)} rows to mpl_vectors.csv "
          f"({os.path.getsize(os.path.join(HERE, 'mpl_vectors.csv'))} bytes), mpl_params.csv, mpl_synthetic_lrs.csv")
    print("test vectors:", "ok" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
