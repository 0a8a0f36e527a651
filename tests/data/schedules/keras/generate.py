#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values of Keras 3's learning-rate schedules (keras.optimizers.schedules).

Source transcribed: keras-team/keras, keras/src/optimizers/schedules/learning_rate_schedule.py
at commit 3422977a5e38fb2f7709aaa9a08e47f0c43d0f60 (2026-08-21; the file's last change is
180285f8ae9b07313bbb982b8ed332bce6ab6928, a docstring; formulas unchanged since
b9ff57a8213a7353a65ad8e8759e9e134edf6420). Keras is Apache-2.0; the functions below are a
transcription of its __call__ bodies into NumPy float64, one line per Keras operation, in
Keras's order (ops.floor -> floor, ops.power -> pow, ops.minimum -> min, ops.where/ops.cond ->
if). Keras computes in the dtype of initial_learning_rate (float32 by default); here every
value is a float64.

Transcendental functions are libm's (math.log, math.cos, math.pow), the functions C++'s std::
calls: NumPy's own vectorised float64 log differs from libm by one ulp at some arguments,
which moves the steps where CosineDecayRestarts' floor(log(.)/log(t_mul)) lands on the previous
cycle (see the `agree` check printed at the end).

Run: /usr/bin/python3 tests/data/schedules/keras/generate.py > tests/data/schedules/keras/reference.txt

Output, one block per configuration:
  C <name> <Keras class> <key=value ...>   (lists comma-separated, None, True/False)
  P <the Python call, as pasted>
  S <steps>
  V <values, 17 significant digits>
"""
import math
import sys

import numpy as np

f64 = np.float64
PI = f64(math.pi)


def exponential_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    initial_learning_rate = f64(initial_learning_rate)
    decay_steps = f64(decay_steps)
    decay_rate = f64(decay_rate)
    global_step_recomp = f64(step)
    p = global_step_recomp / decay_steps
    if staircase:
        p = f64(math.floor(p))
    return initial_learning_rate * f64(math.pow(decay_rate, p))


def piecewise_constant_decay(step, boundaries, values):
    boundaries = [int(b) for b in boundaries]  # cast to the step's integer dtype
    values = [f64(v) for v in values]
    step = int(step)
    result_value = f64(0)
    result_value += f64(step <= boundaries[0]) * values[0]
    result_value += f64(step > boundaries[-1]) * values[-1]
    for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
        result_value += f64((step > low) & (step <= high)) * value
    return result_value


def polynomial_decay(step, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False):
    initial_learning_rate = f64(initial_learning_rate)
    end_learning_rate = f64(end_learning_rate)
    power = f64(power)
    global_step_recomp = f64(step)
    decay_steps_recomp = f64(decay_steps)
    if cycle:
        multiplier = (f64(1.0) if global_step_recomp == 0
                      else f64(math.ceil(global_step_recomp / f64(decay_steps))))
        decay_steps_recomp = decay_steps_recomp * multiplier
    else:
        global_step_recomp = min(global_step_recomp, decay_steps_recomp)
    p = global_step_recomp / decay_steps_recomp
    return (initial_learning_rate - end_learning_rate) * f64(math.pow(1 - p, power)) + \
        end_learning_rate


def inverse_time_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    initial_learning_rate = f64(initial_learning_rate)
    decay_steps = f64(decay_steps)
    decay_rate = f64(decay_rate)
    global_step_recomp = f64(step)
    p = global_step_recomp / decay_steps
    if staircase:
        p = f64(math.floor(p))
    const = f64(1)
    denom = const + decay_rate * p
    return initial_learning_rate / denom


def _cosine_decay_function(step, decay_steps, decay_from_lr, alpha):
    completed_fraction = step / decay_steps
    cosine_decayed = 0.5 * (1.0 + f64(math.cos(PI * completed_fraction)))
    decayed = (1 - f64(alpha)) * cosine_decayed + f64(alpha)
    return decay_from_lr * decayed


def _cosine_warmup_function(step, warmup_steps, warmup_target, initial_learning_rate):
    completed_fraction = step / warmup_steps
    total_step_delta = warmup_target - initial_learning_rate
    return total_step_delta * completed_fraction + initial_learning_rate


def cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None,
                 warmup_steps=0):
    initial_learning_rate = f64(initial_learning_rate)
    decay_steps = f64(decay_steps)
    global_step_recomp = f64(step)
    if warmup_target is None:
        global_step_recomp = min(global_step_recomp, decay_steps)
        return _cosine_decay_function(global_step_recomp, decay_steps, initial_learning_rate,
                                      alpha)
    warmup_target = f64(warmup_target)
    warmup_steps = f64(warmup_steps)
    global_step_recomp = min(global_step_recomp, decay_steps + warmup_steps)
    if global_step_recomp < warmup_steps:
        return _cosine_warmup_function(global_step_recomp, warmup_steps, warmup_target,
                                       initial_learning_rate)
    return _cosine_decay_function(global_step_recomp - warmup_steps, decay_steps, warmup_target,
                                  alpha)


def _restart_index(completed_fraction, t_mul, log):
    return f64(math.floor(log(f64(1.0) - completed_fraction * (1.0 - t_mul)) / log(t_mul)))


def cosine_decay_restarts(step, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                          alpha=0.0, log=math.log):
    initial_learning_rate = f64(initial_learning_rate)
    first_decay_steps = f64(first_decay_steps)
    alpha = f64(alpha)
    t_mul = f64(t_mul)
    m_mul = f64(m_mul)
    global_step_recomp = f64(step)
    completed_fraction = global_step_recomp / first_decay_steps
    if t_mul == 1.0:
        i_restart = f64(math.floor(completed_fraction))
        completed_fraction -= i_restart
    else:
        i_restart = _restart_index(completed_fraction, t_mul, log)
        sum_r = (1.0 - f64(math.pow(t_mul, i_restart))) / (1.0 - t_mul)
        completed_fraction = (completed_fraction - sum_r) / f64(math.pow(t_mul, i_restart))
    m_fac = f64(math.pow(m_mul, i_restart))
    cosine_decayed = 0.5 * m_fac * (1.0 + f64(math.cos(PI * completed_fraction)))
    decayed = (1 - alpha) * cosine_decayed + alpha
    return initial_learning_rate * decayed


FUNCS = {
    "ExponentialDecay": exponential_decay,
    "PiecewiseConstantDecay": piecewise_constant_decay,
    "PolynomialDecay": polynomial_decay,
    "InverseTimeDecay": inverse_time_decay,
    "CosineDecay": cosine_decay,
    "CosineDecayRestarts": cosine_decay_restarts,
}


def py(v):
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(py(x) for x in v) + "]"
    return repr(v)


def token(v):
    if isinstance(v, (list, tuple)):
        return ",".join(repr(x) for x in v)
    return repr(v)


def restart_steps(first, t_mul, count):
    out, s, length = [], 0.0, float(first)
    for _ in range(count):
        s += length
        length *= t_mul
        if s == round(s) and s < 2.0**62:
            out.append(int(s))
    return out


def around(points, width=1):
    out = set()
    for p in points:
        for d in range(-width, width + 1):
            if p + d >= 0:
                out.add(p + d)
    return out


# (name, class, positional args, keyword args, steps, spec call text or None for the default)
CONFIGS = []


def add(name, cls, args, kwargs, steps, call=None):
    CONFIGS.append((name, cls, args, kwargs, sorted(set(steps)), call))


R = range
# ExponentialDecay
add("exp_continuous", "ExponentialDecay", [0.1], dict(decay_steps=10, decay_rate=0.96), R(61))
add("exp_staircase", "ExponentialDecay", [0.1, 10, 0.5], dict(staircase=True), R(61))
add("exp_docstring", "ExponentialDecay", [0.1], dict(decay_steps=100000, decay_rate=0.96,
    staircase=True), list(R(3)) + list(around([100000, 200000, 1000000])) + [10**9, 2**53])
add("exp_rate_zero", "ExponentialDecay", [1.0, 5, 0.0], {}, R(21))
add("exp_fractional_steps", "ExponentialDecay", [0.01, 2.5, 0.9], dict(name="ed"), R(31))
add("exp_fractional_staircase", "ExponentialDecay", [0.01, 2.5, 0.9, True], {}, R(31))
# PiecewiseConstantDecay
add("pw_docstring", "PiecewiseConstantDecay", [[100000, 110000], [1.0, 0.5, 0.1]], {},
    list(R(3)) + list(around([100000, 110000], 2)) + [10**7, 2**62])
add("pw_one_boundary", "PiecewiseConstantDecay", [], dict(boundaries=[10], values=[0.1, 0.01]),
    R(21))
add("pw_boundary_zero", "PiecewiseConstantDecay", [[0, 5, 6, 20],
    [1.0, 0.5, 0.25, 0.125, 0.0625]], dict(name="pc"), R(26))
# PolynomialDecay
add("poly_linear_default_end", "PolynomialDecay", [0.1, 20], {}, R(41))
add("poly_docstring_sqrt", "PolynomialDecay", [0.1, 10000, 0.01], dict(power=0.5),
    list(R(0, 12001, 250)) + list(around([1, 5000, 9999, 10000])))
add("poly_power2_to_zero", "PolynomialDecay", [1.0, 30, 0.0, 2.0], {}, R(51))
add("poly_cycle", "PolynomialDecay", [0.1, 10, 0.001, 1.0, True], {}, R(46))
add("poly_cycle_power3", "PolynomialDecay", [0.5], dict(decay_steps=7, end_learning_rate=0.05,
    power=3.0, cycle=True), list(R(51)) + [7000, 7001, 2**40])
add("poly_rising", "PolynomialDecay", [0.001, 10, 0.1], {}, R(21))
add("poly_power_zero", "PolynomialDecay", [0.1, 10, 0.01, 0.0], {}, R(16))
# InverseTimeDecay
add("inv_docstring", "InverseTimeDecay", [0.1, 1.0, 0.5], {}, list(R(31)) + [10**6, 2**53])
add("inv_staircase", "InverseTimeDecay", [0.1, 7, 0.5], dict(staircase=True), R(51))
add("inv_fractional", "InverseTimeDecay", [0.05], dict(decay_steps=2.5, decay_rate=3.0,
    name="it"), R(31))
# CosineDecay
add("cos_plain", "CosineDecay", [0.1, 100], {}, list(R(131)) + [10**9])
add("cos_alpha", "CosineDecay", [0.1, 50], dict(alpha=0.1), R(81))
add("cos_docstring_warmup", "CosineDecay", [0, 1000], dict(warmup_target=0.1,
    warmup_steps=1000), list(R(0, 2201, 10)) + list(around([1, 500, 999, 1000, 1001, 1999,
    2000, 2001])))
add("cos_warmup_alpha", "CosineDecay", [0.01, 40, 0.05], dict(warmup_target=0.5,
    warmup_steps=10), R(71))
add("cos_warmup_zero_steps", "CosineDecay", [0.01, 30], dict(warmup_target=0.2,
    warmup_steps=0), R(41))
add("cos_warmup_steps_no_target", "CosineDecay", [0.1, 30], dict(warmup_steps=10), R(41))
add("cos_warmup_down", "CosineDecay", [1.0, 20], dict(warmup_target=0.1, warmup_steps=5,
    alpha=0.5, name="cd"), R(31))
add("cos_positional_all", "CosineDecay", [0.2, 25, 0.0, "warm", 0.4, 15], {}, R(50))
# CosineDecayRestarts
add("sgdr_default", "CosineDecayRestarts", [0.1, 10], {}, list(R(161)) +
    list(around(restart_steps(10, 2.0, 50))))
add("sgdr_tmul_one", "CosineDecayRestarts", [0.1, 10], dict(t_mul=1.0, m_mul=0.5, alpha=0.1),
    list(R(61)) + [10**6, 10**6 + 5])
add("sgdr_mmul_alpha", "CosineDecayRestarts", [1.0, 5, 2.0, 0.5, 0.2], {}, R(81))
add("sgdr_tmul3", "CosineDecayRestarts", [0.1, 4], dict(t_mul=3.0, alpha=0.01),
    list(R(201)) + list(around(restart_steps(4, 3.0, 38))))
add("sgdr_tmul1_5", "CosineDecayRestarts", [0.1, 8, 1.5, 0.9, 0.01], {}, R(201))
add("sgdr_large", "CosineDecayRestarts", [0.1, 1000], dict(name="SGDRDecay"),
    around(restart_steps(1000, 2.0, 40)) | set(R(0, 40001, 500)))
add("sgdr_tmul3_step_one", "CosineDecayRestarts", [1.0, 1, 3.0, 0.8], {},
    list(R(130)) + list(around(restart_steps(1, 3.0, 38))))
add("sgdr_tmul10", "CosineDecayRestarts", [0.05, 2, 10.0], dict(alpha=0.1),
    list(R(250)) + list(around(restart_steps(2, 10.0, 18))))
add("sgdr_tmul1_fractional", "CosineDecayRestarts", [0.1, 2.5], dict(t_mul=1.0), R(31))

SIGNATURE = {
    "ExponentialDecay": ["initial_learning_rate", "decay_steps", "decay_rate", "staircase",
                         "name"],
    "PiecewiseConstantDecay": ["boundaries", "values", "name"],
    "PolynomialDecay": ["initial_learning_rate", "decay_steps", "end_learning_rate", "power",
                        "cycle", "name"],
    "InverseTimeDecay": ["initial_learning_rate", "decay_steps", "decay_rate", "staircase",
                         "name"],
    "CosineDecay": ["initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target",
                    "warmup_steps"],
    "CosineDecayRestarts": ["initial_learning_rate", "first_decay_steps", "t_mul", "m_mul",
                            "alpha", "name"],
}


def main():
    out = sys.stdout
    out.write("# Generated by tests/data/schedules/keras/generate.py (keras-team/keras "
              "3422977a5e38fb2f7709aaa9a08e47f0c43d0f60); do not edit.\n")
    disagree = []
    total = 0
    for name, cls, args, kwargs, steps, call in CONFIGS:
        sig = SIGNATURE[cls]
        bound = dict(zip(sig, args))
        bound.update(kwargs)
        params = {k: v for k, v in bound.items() if k != "name"}
        fn = FUNCS[cls]
        values = [fn(s, **params) for s in steps]
        if cls == "CosineDecayRestarts":
            for s in steps:
                a = fn(s, **params)
                b = fn(s, **params, log=lambda x: float(np.log(f64(x))))
                if a != b:
                    disagree.append((name, s, float(a), float(b)))
        total += len(values)
        text = cls + "(" + ", ".join([py(a) for a in args] +
                                     [k + "=" + py(v) for k, v in kwargs.items()]) + ")"
        out.write("C %s %s %s\n" % (name, cls, " ".join(
            "%s=%s" % (k, token(v)) for k, v in params.items())))
        out.write("P %s\n" % (call or text))
        out.write("S %s\n" % " ".join(str(s) for s in steps))
        out.write("V %s\n" % " ".join("%.17g" % v for v in values))
    sys.stderr.write("%d configurations, %d values\n" % (len(CONFIGS), total))
    sys.stderr.write("agree: NumPy's log and libm's log give different values at %d steps%s\n" %
                     (len(disagree), "".join("\n  %s step %d: libm %.17g, numpy %.17g" % d
                                             for d in disagree)))


def scan_restart_quirk():
    """Exact restart steps (below 2^53) where the run index is not the run that starts there:
    in float64 with libm's log, with NumPy's float64 log, and in float32 (Keras's default dtype,
    NumPy float32 operations, steps below 2^24)."""
    f32 = np.float32
    for first in [1, 2, 3, 4, 5, 7, 10, 100, 1000]:
        for t_mul in [1.25, 1.5, 2.0, 3.0, 4.0, 10.0]:
            hits = {"libm": [], "numpy": [], "float32": []}
            start, length = 0.0, float(first)
            for n in range(1, 200):
                start += length
                length *= t_mul
                if start > 2.0**53:
                    break
                if start != round(start):
                    continue
                frac = f64(start) / f64(first)
                if _restart_index(frac, f64(t_mul), math.log) != n:
                    hits["libm"].append(int(start))
                if _restart_index(frac, f64(t_mul), lambda x: float(np.log(f64(x)))) != n:
                    hits["numpy"].append(int(start))
                if start < 2.0**24:
                    c = f32(start) / f32(first)
                    i = np.floor(np.log(f32(f32(1.0) - c * (f32(1.0) - f32(t_mul)))) /
                                 np.log(f32(t_mul)))
                    if i != n:
                        hits["float32"].append(int(start))
            sys.stderr.write("restart quirk first_decay_steps=%d t_mul=%g: %s\n" % (
                first, t_mul, "; ".join("%s %s" % (k, v[:6]) for k, v in hits.items())))


if __name__ == "__main__":
    main()
    scan_restart_quirk()
