#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Golden learning rates from torch.optim.lr_scheduler for tests/schedules/pytorch_parity_test.cpp.
#
# Run with an interpreter that has torch (the committed data came from PyTorch 1.13):
#   /usr/bin/python3 tests/data/pytorch/generate.py > tests/data/pytorch/golden.txt
#
# Record format, one record per line, values with 17 significant digits:
#   C <name> <kind> <steps> <check> key=value ...  a configuration; check is "exact" (the C++
#                                                  value must equal PyTorch's) or "intent" (PyTorch
#                                                  has a known bug here, see docs/pytorch_parity.md;
#                                                  I lines hold the documented intent)
#   B <base_lr> ...                                the optimizer's lr, one per parameter group
#   L <group> <lr at step 0> ... <lr at step steps-1>   PyTorch's lr (get_last_lr after t steps)
#   M <group> <momentum at step 0> ...            cycled momentum (SGD momentum or Adam beta1)
#   I <group> <lr at step 0> ...                  documented intent where PyTorch deviates
#   X <metric 0> ...                              ReduceLROnPlateau: the metric passed at each step
# Nested schedulers (SequentialLR, ChainedScheduler) give their children as keys prefixed
# "s<i>.", e.g. s0.kind=LinearLR s0.start_factor=0.1.
import math
import sys
import warnings

import torch
from torch.optim import lr_scheduler as L

warnings.filterwarnings("ignore")

# Named callables shared with the C++ test (LambdaLR, MultiplicativeLR, CyclicLR scale_fn).
FUNCS = {
    "pow095": lambda t: 0.95 ** t,
    "inv_sqrt": lambda t: 1.0 / math.sqrt(t + 1.0),
    "warmup10": lambda t: min(1.0, (t + 1) / 10.0),
    "const095": lambda t: 0.95,
    "step_down": lambda t: 0.9 if t % 3 == 0 else 1.0,
    "inv_1p": lambda x: 1.0 / (1.0 + 0.1 * x),
    "half_pow": lambda x: 0.5 ** x,
}


def fmt(v):
    return "%.17g" % float(v)


def make_opt(base_lrs, adam=False):
    params = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in base_lrs]
    if adam:
        return torch.optim.Adam(params, lr=base_lrs[0], betas=(0.9, 0.999))
    return torch.optim.SGD(params, lr=base_lrs[0], momentum=0.9)


def parse_value(key, v):
    if key in ("lr_lambda", "scale_fn"):
        return FUNCS[v]
    if key in ("milestones",):
        return [int(x) for x in v.split(",")] if v else []
    if key in ("mode", "threshold_mode", "anneal_strategy", "scale_mode"):
        return v
    if v in ("True", "False"):
        return v == "True"
    if key in ("step_size", "T_max", "T_0", "T_mult", "total_iters", "total_steps", "epochs",
               "steps_per_epoch", "step_size_up", "step_size_down", "patience", "cooldown"):
        return int(v)
    return float(v)


def build(opt, kind, params):
    """A torch scheduler from kind + flat params (children as s<i>.key)."""
    cls = getattr(L, kind)
    kw = {}
    children = {}
    for k, v in params.items():
        if k.startswith("s") and "." in k:
            i, rest = k[1:].split(".", 1)
            children.setdefault(int(i), {})[rest] = v
        elif k != "past_end":
            kw[k] = parse_value(k, v)
    if kind in ("SequentialLR", "ChainedScheduler"):
        scheds = []
        for i in sorted(children):
            c = dict(children[i])
            ck = c.pop("kind")
            scheds.append(build(opt, ck, c))
        if kind == "ChainedScheduler":
            return L.ChainedScheduler(scheds)
        return L.SequentialLR(opt, schedulers=scheds, **kw)
    return cls(opt, **kw)


def momentum_of(group, adam):
    return group["betas"][0] if adam else group["momentum"]


def run(kind, params, base_lrs, steps, adam=False, metrics=None):
    opt = make_opt(base_lrs, adam)
    sched = build(opt, kind, params)
    lrs = [[] for _ in base_lrs]
    moms = [[] for _ in base_lrs]
    for t in range(steps):
        for i, grp in enumerate(opt.param_groups):
            lrs[i].append(grp["lr"])
            moms[i].append(momentum_of(grp, adam))
        opt.step()
        if metrics is not None:
            sched.step(metrics[t])
        else:
            sched.step()
    return lrs, moms


def sequential_intent(params, base_lrs, steps):
    """SequentialLR as documented: child i runs from milestone i-1 with its own step count."""
    ms = [int(x) for x in params["milestones"].split(",")]
    children = {}
    for k, v in params.items():
        if k.startswith("s") and "." in k:
            i, rest = k[1:].split(".", 1)
            children.setdefault(int(i), {})[rest] = v
    curves = []
    for i in sorted(children):
        c = dict(children[i])
        ck = c.pop("kind")
        curves.append(run(ck, c, base_lrs, steps)[0])
    out = [[] for _ in base_lrs]
    import bisect
    for t in range(steps):
        seg = bisect.bisect_right(ms, t)
        start = 0 if seg == 0 else ms[seg - 1]
        for gi in range(len(base_lrs)):
            out[gi].append(curves[seg][gi][t - start])
    return out


def chained_intent(params, base_lrs, steps):
    """ChainedScheduler as documented for multiplicative children: the product of the factors."""
    children = {}
    for k, v in params.items():
        if k.startswith("s") and "." in k:
            i, rest = k[1:].split(".", 1)
            children.setdefault(int(i), {})[rest] = v
    out = [[b] * steps for b in base_lrs]
    for i in sorted(children):
        c = dict(children[i])
        ck = c.pop("kind")
        curve = run(ck, c, base_lrs, steps)[0]
        for gi, b in enumerate(base_lrs):
            out[gi] = [o * v / b for o, v in zip(out[gi], curve[gi])]
    return out


CONFIGS = []


def cfg(name, kind, steps, base_lrs=(0.1,), momentum=False, adam=False, metrics=None, **params):
    CONFIGS.append(dict(name=name, kind=kind, steps=steps, base_lrs=list(base_lrs),
                        momentum=momentum, adam=adam, metrics=metrics,
                        params={k.replace("__", "."): str(v) for k, v in params.items()}))


# LambdaLR / MultiplicativeLR
cfg("lambda_pow", "LambdaLR", 60, lr_lambda="pow095")
cfg("lambda_inv_sqrt_2groups", "LambdaLR", 80, base_lrs=(0.1, 0.03), lr_lambda="inv_sqrt")
cfg("lambda_warmup", "LambdaLR", 30, lr_lambda="warmup10")
cfg("multiplicative_const", "MultiplicativeLR", 60, lr_lambda="const095")
cfg("multiplicative_step_down", "MultiplicativeLR", 40, base_lrs=(0.5, 0.2), lr_lambda="step_down")
# StepLR
cfg("step_default_gamma", "StepLR", 100, step_size=30)
cfg("step_gamma05", "StepLR", 50, base_lrs=(1.0, 0.01), step_size=7, gamma=0.5)
cfg("step_size1", "StepLR", 30, step_size=1, gamma=0.9)
cfg("step_steps1", "StepLR", 1, step_size=3, gamma=0.5)
# MultiStepLR
cfg("multistep_basic", "MultiStepLR", 100, milestones="30,80", gamma=0.1)
cfg("multistep_duplicate", "MultiStepLR", 40, milestones="10,10,25", gamma=0.5)
cfg("multistep_unsorted_2groups", "MultiStepLR", 40, base_lrs=(0.1, 0.2),
    milestones="25,5,15", gamma=0.3)
cfg("multistep_zero", "MultiStepLR", 10, milestones="0,4", gamma=0.5)
# ConstantLR
cfg("constant_default", "ConstantLR", 20)
cfg("constant_half", "ConstantLR", 30, base_lrs=(0.1, 0.05), factor=0.5, total_iters=12)
cfg("constant_factor1", "ConstantLR", 10, factor=1.0, total_iters=4)
cfg("constant_steps1", "ConstantLR", 1, factor=0.25, total_iters=3)
# LinearLR
cfg("linear_default", "LinearLR", 20)
cfg("linear_warmup", "LinearLR", 40, start_factor=0.01, end_factor=1.0, total_iters=25)
cfg("linear_decay_2groups", "LinearLR", 50, base_lrs=(0.3, 0.1), start_factor=1.0,
    end_factor=0.05, total_iters=40)
cfg("linear_to_zero", "LinearLR", 30, start_factor=1.0, end_factor=0.0, total_iters=20)
# ExponentialLR
cfg("exponential_099", "ExponentialLR", 300, gamma=0.99)
cfg("exponential_2groups", "ExponentialLR", 60, base_lrs=(0.1, 1.0), gamma=0.9)
cfg("exponential_gamma1", "ExponentialLR", 10, gamma=1.0)
# PolynomialLR
cfg("polynomial_default", "PolynomialLR", 12)
cfg("polynomial_power2", "PolynomialLR", 60, total_iters=50, power=2.0)
cfg("polynomial_power_half_2groups", "PolynomialLR", 40, base_lrs=(0.2, 0.02), total_iters=30,
    power=0.5)
# CosineAnnealingLR
cfg("cosine_basic", "CosineAnnealingLR", 100, T_max=100)
cfg("cosine_eta_min", "CosineAnnealingLR", 50, T_max=50, eta_min=0.001)
cfg("cosine_past_tmax", "CosineAnnealingLR", 330, T_max=40, eta_min=0.01)
cfg("cosine_tmax1", "CosineAnnealingLR", 12, T_max=1)
cfg("cosine_2groups", "CosineAnnealingLR", 80, base_lrs=(0.1, 0.5), T_max=25, eta_min=0.005)
# CosineAnnealingWarmRestarts
cfg("warm_restarts_t0", "CosineAnnealingWarmRestarts", 60, T_0=10)
cfg("warm_restarts_tmult2", "CosineAnnealingWarmRestarts", 160, T_0=5, T_mult=2, eta_min=0.001)
cfg("warm_restarts_tmult3_2groups", "CosineAnnealingWarmRestarts", 130, base_lrs=(0.1, 0.3),
    T_0=4, T_mult=3, eta_min=0.0)
cfg("warm_restarts_t0_1", "CosineAnnealingWarmRestarts", 8, T_0=1, eta_min=0.01)
# CyclicLR (momentum cycled by default)
cfg("cyclic_triangular", "CyclicLR", 100, momentum=True, base_lr=0.001, max_lr=0.1, step_size_up=10)
cfg("cyclic_triangular_down", "CyclicLR", 100, momentum=True, base_lr=0.01, max_lr=0.1,
    step_size_up=5, step_size_down=15)
cfg("cyclic_triangular2", "CyclicLR", 120, momentum=True, base_lr=0.001, max_lr=0.1,
    step_size_up=8, mode="triangular2")
cfg("cyclic_exp_range", "CyclicLR", 150, momentum=True, base_lr=0.001, max_lr=0.1,
    step_size_up=10, mode="exp_range", gamma=0.99)
cfg("cyclic_exp_range_down", "CyclicLR", 90, momentum=True, base_lr=0.002, max_lr=0.05,
    step_size_up=4, step_size_down=11, mode="exp_range", gamma=0.97, base_momentum=0.85,
    max_momentum=0.95)
cfg("cyclic_scale_fn_cycle", "CyclicLR", 100, momentum=True, base_lr=0.001, max_lr=0.1,
    step_size_up=6, scale_fn="half_pow", scale_mode="cycle")
cfg("cyclic_scale_fn_iterations", "CyclicLR", 100, momentum=True, base_lr=0.001, max_lr=0.1,
    step_size_up=6, step_size_down=9, scale_fn="inv_1p", scale_mode="iterations")
cfg("cyclic_no_momentum", "CyclicLR", 50, base_lr=0.01, max_lr=0.2, step_size_up=3,
    cycle_momentum=False)
cfg("cyclic_default_step", "CyclicLR", 30, momentum=True, base_lr=0.001, max_lr=0.006)
# OneCycleLR
cfg("one_cycle_cos", "OneCycleLR", 100, momentum=True, max_lr=0.1, total_steps=100)
cfg("one_cycle_linear", "OneCycleLR", 100, momentum=True, max_lr=0.1, total_steps=100,
    anneal_strategy="linear")
cfg("one_cycle_three_phase", "OneCycleLR", 100, momentum=True, max_lr=0.1, total_steps=100,
    anneal_strategy="linear", three_phase=True)
cfg("one_cycle_three_phase_cos", "OneCycleLR", 77, momentum=True, max_lr=0.5, total_steps=77,
    three_phase=True, pct_start=0.2)
cfg("one_cycle_epochs", "OneCycleLR", 60, momentum=True, max_lr=0.05, epochs=6, steps_per_epoch=10,
    pct_start=0.25, div_factor=10.0, final_div_factor=100.0)
cfg("one_cycle_momenta", "OneCycleLR", 50, momentum=True, max_lr=1.0, total_steps=50,
    base_momentum=0.8, max_momentum=0.99)
cfg("one_cycle_adam_beta1", "OneCycleLR", 40, momentum=True, adam=True, max_lr=0.01,
    total_steps=40)
cfg("one_cycle_no_momentum", "OneCycleLR", 30, max_lr=0.1, total_steps=30, cycle_momentum=False)
cfg("one_cycle_total1", "OneCycleLR", 1, momentum=True, max_lr=0.1, total_steps=1)
cfg("one_cycle_pct_end", "OneCycleLR", 20, momentum=True, max_lr=0.1, total_steps=20,
    pct_start=0.95, anneal_strategy="linear")
# SequentialLR
cfg("sequential_linear_cosine", "SequentialLR", 100, milestones="10", s0__kind="LinearLR",
    s0__start_factor=0.1, s0__total_iters=10, s1__kind="CosineAnnealingLR", s1__T_max=90)
cfg("sequential_constant_exponential", "SequentialLR", 40, base_lrs=(0.1, 0.4), milestones="5",
    s0__kind="ConstantLR", s0__factor=0.1, s0__total_iters=5, s1__kind="ExponentialLR",
    s1__gamma=0.9)
cfg("sequential_three", "SequentialLR", 60, milestones="10,30", s0__kind="LinearLR",
    s0__start_factor=0.2, s0__total_iters=10, s1__kind="StepLR", s1__step_size=7, s1__gamma=0.5,
    s2__kind="CosineAnnealingLR", s2__T_max=30, s2__eta_min=0.001)
cfg("sequential_exponential_step", "SequentialLR", 40, milestones="12", s0__kind="ExponentialLR",
    s0__gamma=0.8, s1__kind="StepLR", s1__step_size=5, s1__gamma=0.5)
cfg("sequential_linear_linear", "SequentialLR", 40, milestones="8", s0__kind="LinearLR",
    s0__start_factor=0.1, s0__total_iters=8, s1__kind="LinearLR", s1__start_factor=1.0,
    s1__end_factor=0.1, s1__total_iters=30)
cfg("sequential_poly_multistep", "SequentialLR", 40, milestones="6", s0__kind="PolynomialLR",
    s0__total_iters=6, s0__power=1.0, s1__kind="MultiStepLR", s1__milestones="5,15", s1__gamma=0.5)
cfg("sequential_exponential_multiplicative", "SequentialLR", 30, milestones="10",
    s0__kind="ExponentialLR", s0__gamma=0.8, s1__kind="MultiplicativeLR", s1__lr_lambda="const095")
# ChainedScheduler
cfg("chained_constant_exponential", "ChainedScheduler", 40, s0__kind="ConstantLR", s0__factor=0.1,
    s0__total_iters=2, s1__kind="ExponentialLR", s1__gamma=0.9)
cfg("chained_step_linear_2groups", "ChainedScheduler", 60, base_lrs=(0.2, 0.05),
    s0__kind="StepLR", s0__step_size=10, s0__gamma=0.5, s1__kind="LinearLR",
    s1__start_factor=0.25, s1__total_iters=12)
cfg("chained_three", "ChainedScheduler", 50, s0__kind="MultiStepLR", s0__milestones="10,20",
    s0__gamma=0.5, s1__kind="ExponentialLR", s1__gamma=0.98, s2__kind="ConstantLR",
    s2__factor=0.5, s2__total_iters=4)
cfg("chained_exponential_cosine", "ChainedScheduler", 50, s0__kind="ExponentialLR", s0__gamma=0.95,
    s1__kind="CosineAnnealingLR", s1__T_max=20)
# ReduceLROnPlateau
flat = [1.0, 0.9, 0.8] + [0.8] * 30 + [0.5] + [0.5] * 25
wiggle = [1.0 / (1 + 0.3 * t) + (0.05 if t % 4 == 0 else 0.0) for t in range(80)]
rising = [0.1 + 0.01 * min(t, 15) for t in range(60)]
cfg("plateau_min_rel", "ReduceLROnPlateau", len(flat), metrics=flat, patience=3)
cfg("plateau_cooldown", "ReduceLROnPlateau", len(flat), metrics=flat, patience=2, cooldown=4,
    factor=0.5)
cfg("plateau_abs", "ReduceLROnPlateau", len(wiggle), metrics=wiggle, patience=2,
    threshold_mode="abs", threshold=0.01, factor=0.5)
cfg("plateau_max_rel", "ReduceLROnPlateau", len(rising), metrics=rising, mode="max", patience=4,
    threshold=0.05, factor=0.2)
cfg("plateau_max_abs_min_lr", "ReduceLROnPlateau", len(rising), base_lrs=(0.1, 0.01),
    metrics=rising, mode="max", patience=1, threshold_mode="abs", threshold=0.001, factor=0.5,
    min_lr=0.001, cooldown=1)
cfg("plateau_eps", "ReduceLROnPlateau", len(flat), base_lrs=(1e-7, 0.1), metrics=flat,
    patience=0, factor=0.5, eps=1e-8)
cfg("plateau_patience0", "ReduceLROnPlateau", 30, metrics=[1.0] * 30, patience=0, factor=0.7)


def main():
    out = sys.stdout
    out.write("# Generated by tests/data/pytorch/generate.py with torch %s; do not edit.\n"
              % torch.__version__)
    for c in CONFIGS:
        lrs, moms = run(c["kind"], c["params"], c["base_lrs"], c["steps"], c["adam"], c["metrics"])
        intent = None
        if c["kind"] == "SequentialLR":
            intent = sequential_intent(c["params"], c["base_lrs"], c["steps"])
        elif c["kind"] == "ChainedScheduler":
            intent = chained_intent(c["params"], c["base_lrs"], c["steps"])
        check = "exact"
        if intent is not None:
            worst = max(abs(a - b) / max(abs(b), 1e-300)
                        for gi in range(len(lrs)) for a, b in zip(lrs[gi], intent[gi]))
            if worst > 1e-12:
                check = "intent"
        params = " ".join("%s=%s" % (k, v) for k, v in c["params"].items())
        if c["adam"]:
            params += " optimizer=Adam"
        out.write("C %s %s %d %s %s\n" % (c["name"], c["kind"], c["steps"], check, params))
        out.write("B %s\n" % " ".join(fmt(b) for b in c["base_lrs"]))
        if c["metrics"] is not None:
            out.write("X %s\n" % " ".join(fmt(m) for m in c["metrics"]))
        for gi in range(len(lrs)):
            out.write("L %d %s\n" % (gi, " ".join(fmt(v) for v in lrs[gi])))
            if c["momentum"]:
                out.write("M %d %s\n" % (gi, " ".join(fmt(v) for v in moms[gi])))
            if check == "intent":
                out.write("I %d %s\n" % (gi, " ".join(fmt(v) for v in intent[gi])))
    sys.stderr.write("%d configurations\n" % len(CONFIGS))


if __name__ == "__main__":
    main()
