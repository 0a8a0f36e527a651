"""The Multi-Power Law authors' fitting code, run here: timings, parameters, objective, held-out metrics.

Runs the fitting procedure of github.com/thu-yao-01-luo/MultiPowerLaw (commit 8da9f19) as its main.py does it
(src/data_loader.load_data, src/fitting.initialize_params, generate_init_params, mpl_adam_fit) on the paper's
split (fit on cosine_24000, constant_24000, wsdcon_9; predict the other six) for 25M, 100M and 400M, on the
curves in ../shared/data/loss_curves/multi_power_law/ (relative to the repository root; identical to the
authors' loss_curve_repo/csv_*). Their progress bars and the loss-curve plot inside mpl_adam_fit are replaced
by no-ops (not part of the fit), and with torch < 2.0 the logged steps their preprocess_data turns into an int32
index tensor are made int64 (same values; torch 1.13 refuses int32 indices); nothing else of theirs is changed.

For each size it prints
  - wall time of the fit (time.perf_counter around initialize_params + generate_init_params + mpl_adam_fit;
    data loading excluded), split into the L-BFGS-B initialisation and the AdamW phase, and the process CPU
    time; once on one thread (OMP/MKL/OpenBLAS threads 1 and torch.set_num_threads(1)) and once with the
    default threads (--threads takes a list of thread counts and "default"); each fit runs in its own
    process, one after the other;
  - the fitted parameters [L0, A, alpha, B, C, beta, gamma] and the number of AdamW steps taken;
  - the authors' objective, sum over the fit runs' logged points of Huber_{1e-3}(log L - log L_hat), evaluated
    by an independent NumPy function (tests/data/multi_power_law/generate.py) on the returned parameters
    (losses as float64; and rounded to float32, as their preprocess_data stores them), beside the value
    mpl_adam_fit returns (which is the objective one AdamW step before the returned parameters);
  - the held-out metrics R2, MAE, RMSE, PredE, WorstE (per run, as their src/evaluation.py computes them,
    then averaged over the six held-out runs) by the NumPy code, and by their evaluate_mpl for comparison.
Before that (NumPy only) it prints the same objective and held-out metrics for the parameters the authors
published (their README / src/config.py).

Run (Debian's python3-torch, python3-scipy, python3-numpy, python3-matplotlib, python3-sklearn, python3-tqdm):
  git clone https://github.com/thu-yao-01-luo/MultiPowerLaw /tmp/MultiPowerLaw
  git -C /tmp/MultiPowerLaw checkout 8da9f1902602f3391b971a811e3cc51604541769
  /usr/bin/python3 bench/python/mpl_authors_fit.py /tmp/MultiPowerLaw [--sizes 25,100,400] [--threads 1,default,2]
The output of one run is bench/python/mpl_authors_fit.out.txt.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "data", "multi_power_law"))
import generate as mpl  # noqa: E402  (NumPy only)

import numpy as np  # noqa: E402

COMMIT = "8da9f1902602f3391b971a811e3cc51604541769"
THREAD_VARS = ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"]
README_ROW = {  # the authors' README, "authors' code re-run": R2, MAE, RMSE, PredE, WorstE
    "25M": [0.9988, 0.00376, 0.00465, 0.00110, 0.00409],
    "100M": [0.9983, 0.00435, 0.00592, 0.00142, 0.00583],
    "400M": [0.9978, 0.00484, 0.00730, 0.00168, 0.00995],
}
METRICS = ["R2", "MAE", "RMSE", "PredE", "WorstE"]


def objective(params, size, float32_losses=False):
    total = 0.0
    for run in mpl.FIT_RUNS:
        steps, loss = mpl.load_run(size, run)
        if float32_losses:
            loss = loss.astype(np.float32).astype(np.float64)
        pred = mpl.mpl_predict64(params, mpl.run_lrs(run), steps)
        total += float(np.sum(mpl.huber(np.log(loss) - np.log(pred))))
    return total


def held_out(params, size):
    per_run = []
    for run in mpl.HELD_OUT_RUNS:
        steps, loss = mpl.load_run(size, run)
        per_run.append(mpl.metrics(loss, mpl.mpl_predict64(params, mpl.run_lrs(run), steps)))
    return {m: float(np.mean([r[m] for r in per_run])) for m in METRICS}


def fmt_metrics(d):
    return f"{d['R2']:.4f} / {d['MAE']:.5f} / {d['RMSE']:.5f} / {d['PredE']:.5f} / {d['WorstE']:.5f}"


def child(authors, size, threads):
    """One fit in this process; prints one JSON line."""
    import torch
    if threads != "default":
        torch.set_num_threads(int(threads))
    sys.path.insert(0, authors)
    import src.fitting as F
    from src.config import TRAIN_SET, TEST_SET
    from src.data_loader import load_data
    from src.evaluation import evaluate_mpl

    F.plot_loss_curve = lambda *a, **k: None
    # torch < 2.0 (Debian's 1.13) does not index with int32 tensors, which their preprocess_data makes of the
    # logged steps; the same values as int64 (torch >= 2.0 runs their code unchanged).
    if int(torch.__version__.split(".")[0]) < 2:
        import types
        import src.utils as U
        U.torch = types.SimpleNamespace(**{k: getattr(torch, k) for k in dir(torch) if not k.startswith("__")})
        U.torch.tensor = lambda x, dtype=None, **k: torch.tensor(
            x, dtype=torch.int64 if dtype is torch.int32 else dtype, **k)
    F.tqdm = lambda it, **k: it
    adam_steps = [0]
    compute_loss = F.compute_loss

    def counted(*a, **k):
        adam_steps[0] += 1
        return compute_loss(*a, **k)

    F.compute_loss = counted

    data = load_data(os.path.join(mpl.DATA, f"{size}M"))
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as fig:
        c0, t0 = time.process_time(), time.perf_counter()
        init = F.initialize_params(data, TRAIN_SET)
        t1 = time.perf_counter()
        init_params = F.generate_init_params(init)
        best_params, best_loss = F.mpl_adam_fit(data, TRAIN_SET, TEST_SET, init_params, fig)
        t2, c2 = time.perf_counter(), time.process_time()
        evaluate_mpl(data, TEST_SET, best_params, fig)
    theirs = {m: float(np.mean([data[f][k] for f in TEST_SET]))
              for m, k in zip(METRICS, ["r2_score", "mae_loss", "rmse_loss", "prede", "worste"])}
    print(json.dumps({
        "size": f"{size}M", "threads": threads, "torch_threads": torch.get_num_threads(),
        "load": load, "t_init": t1 - t0, "t_adam": t2 - t1, "t_fit": t2 - t0, "cpu_fit": c2 - c0,
        "init": [float(x) for x in init], "params": [float(x) for x in best_params],
        "best_loss": float(best_loss), "adam_steps": adam_steps[0], "their_metrics": theirs,
        "torch": torch.__version__,
    }))


def main():
    args = sys.argv[1:]
    if len(args) >= 4 and args[0] == "--child":
        child(args[1], args[2], args[3])
        return 0
    sizes, thread_modes, authors = ["25", "100", "400"], ["1", "default"], None
    i = 0
    while i < len(args):
        if args[i] == "--sizes":
            sizes, i = args[i + 1].split(","), i + 2
        elif args[i] == "--threads":
            thread_modes, i = args[i + 1].split(","), i + 2
        else:
            authors, i = os.path.abspath(args[i]), i + 1

    if not os.path.isdir(mpl.DATA):
        print(f"data folder {mpl.DATA} is missing (see github.com/thu-yao-01-luo/MultiPowerLaw, loss_curve_repo)")
        return 2

    print("# Multi-Power Law: the authors' fitting code, run here")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; {os.cpu_count()} cores; "
          f"load average at start {os.getloadavg()[0]:.2f}")
    print()
    print("## The authors' published parameters (README / src/config.py), evaluated by NumPy")
    print("objective = sum over the fit runs' logged points of Huber_1e-3(log L - log L_hat)")
    print("held-out = R2 / MAE / RMSE / PredE / WorstE, per run, averaged over the six held-out runs")
    for size in [s + "M" for s in sizes]:
        p = mpl.PUBLISHED[size]
        print(f"{size}: objective {objective(p, size):.10e}; held-out {fmt_metrics(held_out(p, size))}; "
              f"README {' / '.join(map(str, README_ROW[size]))}")
    print()

    if authors is None or not os.path.isfile(os.path.join(authors, "src", "fitting.py")):
        print("the authors' code is needed for the fits: pass the path of an unpacked copy of "
              f"github.com/thu-yao-01-luo/MultiPowerLaw at commit {COMMIT}, e.g.\n"
              "  git clone https://github.com/thu-yao-01-luo/MultiPowerLaw /tmp/MultiPowerLaw\n"
              f"  git -C /tmp/MultiPowerLaw checkout {COMMIT}\n"
              "  /usr/bin/python3 bench/python/mpl_authors_fit.py /tmp/MultiPowerLaw")
        return 2

    print(f"## The authors' fit (main.py's steps), code from {authors}")
    results = []
    for threads in thread_modes:
        for size in sizes:
            env = dict(os.environ, MPLBACKEND="Agg")
            for v in THREAD_VARS:
                env.pop(v, None)
                if threads != "default":
                    env[v] = threads
            try:
                out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", authors, size, threads],
                                     env=env, capture_output=True, text=True, timeout=900)
            except subprocess.TimeoutExpired:
                print(f"{size}M threads={threads}: the fit took more than 900 s; stopped")
                return 1
            if out.returncode != 0:
                print(out.stderr)
                return 1
            r = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(r)
            p = r["params"]
            print(f"\n### {r['size']}, threads={threads} (torch threads {r['torch_threads']}, torch {r['torch']}, "
                  f"load average before the fit {r['load']:.2f})")
            print(f"wall time of the fit: {r['t_fit']:.2f} s (initialize_params {r['t_init']:.2f} s, "
                  f"AdamW phase {r['t_adam']:.2f} s, {r['adam_steps']} AdamW steps); process CPU {r['cpu_fit']:.2f} s")
            print(f"initialisation [L0, A, alpha, B] = {r['init']}")
            print(f"fitted [L0, A, alpha, B, C, beta, gamma] = {p}")
            pub = mpl.PUBLISHED[r["size"]]
            print(f"max relative difference from the published parameters: "
                  f"{max(abs(a - b) / abs(b) for a, b in zip(p, pub)):.2e}")
            print(f"objective at the returned parameters (NumPy): {objective(p, r['size']):.10e} "
                  f"(losses rounded to float32: {objective(p, r['size'], True):.10e}); "
                  f"mpl_adam_fit's returned best_loss: {r['best_loss']:.10e}")
            print(f"held-out R2 / MAE / RMSE / PredE / WorstE (NumPy):    {fmt_metrics(held_out(p, r['size']))}")
            print(f"held-out R2 / MAE / RMSE / PredE / WorstE (evaluate_mpl): {fmt_metrics(r['their_metrics'])}")
            sys.stdout.flush()

    print("\n## Summary (wall seconds of the fit; objective by NumPy at the returned parameters)")
    print("| size | 1 thread | default threads | AdamW steps | objective | held-out R2 / MAE / RMSE / PredE / WorstE |")
    print("| --- | --- | --- | --- | --- | --- |")
    for size in [s + "M" for s in sizes]:
        rs = {r["threads"]: r for r in results if r["size"] == size}
        first = next(iter(rs.values()))
        t1 = f"{rs['1']['t_fit']:.2f}" if "1" in rs else "-"
        td = f"{rs['default']['t_fit']:.2f}" if "default" in rs else "-"
        print(f"| {size} | {t1} | {td} | {first['adam_steps']} | {objective(first['params'], size):.6e} | "
              f"{fmt_metrics(held_out(first['params'], size))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
