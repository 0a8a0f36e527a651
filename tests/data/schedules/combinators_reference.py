#!/usr/bin/env python3
"""Reference values for tests/schedules/combinators_test.cpp: other libraries' warm-up and
interpolation schedules, written in NumPy from their source (not from lrs).

Followed:
- optax warmup_cosine_decay_schedule, cosine_decay_schedule, piecewise_interpolate_schedule and
  join_schedules: google-deepmind/optax optax/schedules/_schedule.py and _join.py
  (_join.py at commit 58f8353e6883290002c64867bbbfc57515c68b29).
- Hugging Face transformers optimization.py: _get_cosine_schedule_with_warmup_lr_lambda and
  _get_linear_schedule_with_warmup_lr_lambda (LambdaLR factors of the optimizer's lr).
- timm scheduler/cosine_lr.py CosineLRScheduler._get_lr (warmup_prefix=True, cycle_limit=1).

Run: python3 combinators_reference.py
"""
import numpy as np


def optax_linear(init, end, steps, count):
    frac = 1 - np.clip(count, 0, steps) / steps
    return (init - end) * frac + end


def optax_cosine_decay(init, decay_steps, alpha, count):
    count = np.minimum(count, decay_steps)
    c = 0.5 * (1 + np.cos(np.pi * count / decay_steps))
    return init * ((1 - alpha) * c + alpha)


def optax_join(schedules, boundaries, step):
    out = schedules[0](step)
    for b, s in zip(boundaries, schedules[1:]):
        out = np.where(step < b, out, s(step - b))
    return out


def optax_warmup_cosine(init, peak, warmup, decay_steps, end, step):
    alpha = 0.0 if peak == 0.0 else end / peak
    return optax_join([lambda c: optax_linear(init, peak, warmup, c),
                       lambda c: optax_cosine_decay(peak, decay_steps - warmup, alpha, c)],
                      [warmup], step)


def optax_piecewise_interpolate(kind, init, boundaries_and_scales, count):
    b, s = zip(*sorted(boundaries_and_scales.items()))
    bounds = np.stack((0,) + b)
    values = np.cumprod(np.stack((init,) + s))
    sizes = bounds[1:] - bounds[:-1]
    indicator = (bounds[:-1] <= count) & (count < bounds[1:])
    pct = (count - bounds[:-1]) / sizes
    if kind == "linear":
        interp = (values[1:] - values[:-1]) * pct + values[:-1]
    else:
        interp = values[1:] + (values[:-1] - values[1:]) / 2.0 * (np.cos(np.pi * pct) + 1)
    return indicator.dot(interp) + (bounds[-1] <= count) * values[-1]


def hf_cosine_with_warmup(lr, warmup, total, step):
    if step < warmup:
        return lr * (float(step) / float(max(1, warmup)))
    progress = float(step - warmup) / float(max(1, total - warmup))
    return lr * max(0.0, 0.5 * (1.0 + np.cos(np.pi * 0.5 * 2.0 * progress)))


def hf_linear_with_warmup(lr, warmup, total, step):
    if step < warmup:
        return lr * (float(step) / float(max(1, warmup)))
    return lr * max(0.0, float(total - step) / float(max(1, total - warmup)))


def timm_cosine(base, t_initial, lr_min, warmup_t, warmup_lr_init, t):
    if t < warmup_t:
        return warmup_lr_init + t * (base - warmup_lr_init) / warmup_t
    t = t - warmup_t  # warmup_prefix=True
    i = t // t_initial
    t_curr = t - t_initial * i
    if i < 1:  # cycle_limit = 1
        return lr_min + 0.5 * (base - lr_min) * (1 + np.cos(np.pi * t_curr / t_initial))
    return lr_min


def show(label, steps, f):
    print(f"// {label}")
    print("{" + ", ".join(f"{{{t}, {float(f(t))!r}}}" for t in steps) + "},")


steps = [0, 1, 2, 99, 100, 101, 500, 5000, 9999, 10000, 12000]
show("optax warmup_cosine_decay_schedule(init=1e-5, peak=3e-4, warmup=100, decay=10000, end=3e-5)",
     steps, lambda t: optax_warmup_cosine(1e-5, 3e-4, 100, 10000, 3e-5, t))
show("HF get_cosine_schedule_with_warmup, lr 0.1, warmup 100, total 10000", steps[:-1],
     lambda t: hf_cosine_with_warmup(0.1, 100, 10000, t))
show("HF get_linear_schedule_with_warmup, lr 0.1, warmup 100, total 10000", steps,
     lambda t: hf_linear_with_warmup(0.1, 100, 10000, t))
show("timm CosineLRScheduler(t_initial=1000, lr_min=1e-4, warmup_t=20, warmup_lr_init=1e-6, "
     "warmup_prefix=True), base 0.05", [0, 1, 19, 20, 21, 500, 1019, 1020, 3000],
     lambda t: timm_cosine(0.05, 1000, 1e-4, 20, 1e-6, t))
show("optax piecewise_interpolate_schedule('cosine', 0.1, {100: 10, 300: 0.01})",
     [0, 1, 50, 99, 100, 101, 250, 299, 300, 1000],
     lambda t: optax_piecewise_interpolate("cosine", 0.1, {100: 10.0, 300: 0.01}, t))
show("optax piecewise_interpolate_schedule('linear', 0.5, {10: 0.2, 40: 3, 41: 0.5})",
     [0, 3, 9, 10, 11, 25, 39, 40, 41, 100],
     lambda t: optax_piecewise_interpolate("linear", 0.5, {10: 0.2, 40: 3.0, 41: 0.5}, t))
