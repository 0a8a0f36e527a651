#!/usr/bin/env python3
# Reference values of Hugging Face transformers' LR schedules, computed by the library's own code.
#
# The schedule functions below are extracted from
#   repository: huggingface/transformers
#   path:       src/transformers/optimization.py
#   commit:     005edacb6b5dabbf0843e92c6623de9e07ca6241
#   license:    Apache License 2.0 (Copyright 2018 The Google AI Language Team Authors and The
#               HuggingFace Inc. team; http://www.apache.org/licenses/LICENSE-2.0)
# unchanged except: docstrings removed, get_reduce_on_plateau_schedule and the LayerWiseDummy-
# Optimizer branch of get_scheduler left out (a controller; per-parameter optimizers), and
# SchedulerType (src/transformers/trainer_utils.py, same commit) written as a plain Enum.
# Both definitions of _get_cosine_schedule_with_warmup_lr_lambda are kept in source order: the
# second one (with min_lr_rate) is the one Python binds, also for get_cosine_schedule_with_warmup.
#
# Run:  /usr/bin/python3 tests/data/schedules/hf/generate.py > tests/data/schedules/hf/reference.txt
# (torch 1.13). Each configuration is a Python call with a dummy SGD optimizer `optimizer` of
# learning rate LR; the values are optimizer.param_groups[0]["lr"] before update t (t = 0, 1, ...),
# i.e. after t calls of scheduler.step(), printed with 17 significant digits.
# Format:  C <id> <lr> <steps> | <python call>      V <value_0> <value_1> ...
# A step where the library raises prints "E" (ZeroDivisionError), see the C++ tests.
import math
import warnings
from enum import Enum
from functools import partial
from typing import Optional, Union

import torch
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LambdaLR


class SchedulerType(Enum):
    LINEAR = "linear"
    COSINE = "cosine"
    COSINE_WITH_RESTARTS = "cosine_with_restarts"
    POLYNOMIAL = "polynomial"
    CONSTANT = "constant"
    CONSTANT_WITH_WARMUP = "constant_with_warmup"
    INVERSE_SQRT = "inverse_sqrt"
    REDUCE_ON_PLATEAU = "reduce_lr_on_plateau"
    COSINE_WITH_MIN_LR = "cosine_with_min_lr"
    COSINE_WARMUP_WITH_MIN_LR = "cosine_warmup_with_min_lr"
    WARMUP_STABLE_DECAY = "warmup_stable_decay"


# ---- extracted from src/transformers/optimization.py ----
def _get_constant_lambda(_=None):
    return 1


def get_constant_schedule(optimizer: Optimizer, last_epoch: int = -1):
    return LambdaLR(optimizer, _get_constant_lambda, last_epoch=last_epoch)


def _get_constant_schedule_with_warmup_lr_lambda(current_step: int, *, num_warmup_steps: int):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1.0, num_warmup_steps))
    return 1.0


def get_constant_schedule_with_warmup(optimizer: Optimizer, num_warmup_steps: int, last_epoch: int = -1):
    lr_lambda = partial(_get_constant_schedule_with_warmup_lr_lambda, num_warmup_steps=num_warmup_steps)
    return LambdaLR(optimizer, lr_lambda, last_epoch=last_epoch)


def _get_linear_schedule_with_warmup_lr_lambda(current_step: int, *, num_warmup_steps: int, num_training_steps: int):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))


def get_linear_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, last_epoch=-1):
    lr_lambda = partial(
        _get_linear_schedule_with_warmup_lr_lambda,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
    )
    return LambdaLR(optimizer, lr_lambda, last_epoch)


def _get_cosine_schedule_with_warmup_lr_lambda(
    current_step: int, *, num_warmup_steps: int, num_training_steps: int, num_cycles: float
):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))


def get_cosine_schedule_with_warmup(
    optimizer: Optimizer, num_warmup_steps: int, num_training_steps: int, num_cycles: float = 0.5, last_epoch: int = -1
):
    lr_lambda = partial(
        _get_cosine_schedule_with_warmup_lr_lambda,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        num_cycles=num_cycles,
    )
    return LambdaLR(optimizer, lr_lambda, last_epoch)


def _get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda(
    current_step: int, *, num_warmup_steps: int, num_training_steps: int, num_cycles: int
):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    if progress >= 1.0:
        return 0.0
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * progress) % 1.0))))


def get_cosine_with_hard_restarts_schedule_with_warmup(
    optimizer: Optimizer, num_warmup_steps: int, num_training_steps: int, num_cycles: int = 1, last_epoch: int = -1
):
    lr_lambda = partial(
        _get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        num_cycles=num_cycles,
    )
    return LambdaLR(optimizer, lr_lambda, last_epoch)


def _get_polynomial_decay_schedule_with_warmup_lr_lambda(
    current_step: int,
    *,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float,
    power: float,
    lr_init: int,
):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    elif current_step > num_training_steps:
        return lr_end / lr_init  # as LambdaLR multiplies by lr_init
    else:
        lr_range = lr_init - lr_end
        decay_steps = num_training_steps - num_warmup_steps
        pct_remaining = 1 - (current_step - num_warmup_steps) / decay_steps
        decay = lr_range * pct_remaining**power + lr_end
        return decay / lr_init  # as LambdaLR multiplies by lr_init


def get_polynomial_decay_schedule_with_warmup(
    optimizer, num_warmup_steps, num_training_steps, lr_end=1e-7, power=1.0, last_epoch=-1
):
    lr_init = optimizer.defaults["lr"]
    if not (lr_init > lr_end):
        raise ValueError(f"lr_end ({lr_end}) must be smaller than initial lr ({lr_init})")

    lr_lambda = partial(
        _get_polynomial_decay_schedule_with_warmup_lr_lambda,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        lr_end=lr_end,
        power=power,
        lr_init=lr_init,
    )
    return LambdaLR(optimizer, lr_lambda, last_epoch)


def _get_inverse_sqrt_schedule_lr_lambda(current_step: int, *, num_warmup_steps: int, timescale: Optional[int] = None):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    shift = timescale - num_warmup_steps
    decay = 1.0 / math.sqrt((current_step + shift) / timescale)
    return decay


def get_inverse_sqrt_schedule(
    optimizer: Optimizer, num_warmup_steps: int, timescale: Optional[int] = None, last_epoch: int = -1
):
    if timescale is None:
        timescale = num_warmup_steps or 10_000

    lr_lambda = partial(_get_inverse_sqrt_schedule_lr_lambda, num_warmup_steps=num_warmup_steps, timescale=timescale)
    return LambdaLR(optimizer, lr_lambda, last_epoch=last_epoch)


def _get_cosine_schedule_with_warmup_lr_lambda(
    current_step: int, *, num_warmup_steps: int, num_training_steps: int, num_cycles: float, min_lr_rate: float = 0.0
):
    if current_step < num_warmup_steps:
        return float(current_step) / float(max(1, num_warmup_steps))
    progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
    factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
    factor = factor * (1 - min_lr_rate) + min_lr_rate
    return max(0, factor)


def get_cosine_with_min_lr_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: Optional[float] = None,
    min_lr_rate: Optional[float] = None,
):
    if min_lr is not None and min_lr_rate is not None:
        raise ValueError("Only one of min_lr or min_lr_rate should be set")
    elif min_lr is not None:
        min_lr_rate = min_lr / optimizer.defaults["lr"]
    elif min_lr_rate is None:
        raise ValueError("One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`")

    lr_lambda = partial(
        _get_cosine_schedule_with_warmup_lr_lambda,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        num_cycles=num_cycles,
        min_lr_rate=min_lr_rate,
    )
    return LambdaLR(optimizer, lr_lambda, last_epoch)


def _get_cosine_with_min_lr_schedule_with_warmup_lr_rate_lambda(
    current_step: int,
    *,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float,
    min_lr_rate: float = 0.0,
    warmup_lr_rate: float = None,
):
    current_step = float(current_step)
    num_warmup_steps = float(num_warmup_steps)
    num_training_steps = float(num_training_steps)

    if current_step < num_warmup_steps:
        if warmup_lr_rate is None:
            return (current_step + 1.) / max(1., num_warmup_steps)
        else:
            warmup_lr_rate = float(warmup_lr_rate)
            return warmup_lr_rate + (1.0 - warmup_lr_rate) * (current_step) / (max(1, num_warmup_steps - 1))
    progress = (current_step - num_warmup_steps + 1.) / (max(1., num_training_steps - num_warmup_steps))
    factor = 0.5 * (1.0 + math.cos(math.pi * num_cycles * 2.0 * progress))
    factor = factor * (1 - min_lr_rate) + min_lr_rate
    return max(0, factor)


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: Optional[float] = None,
    min_lr_rate: Optional[float] = None,
    warmup_lr_rate: Optional[float] = None,
):
    if min_lr is not None and min_lr_rate is not None:
        raise ValueError("Only one of min_lr or min_lr_rate should be set")
    elif min_lr is not None:
        min_lr_rate = min_lr / optimizer.defaults["lr"]
    elif min_lr_rate is None:
        raise ValueError("One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`")

    lr_lambda = partial(
        _get_cosine_with_min_lr_schedule_with_warmup_lr_rate_lambda,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        num_cycles=num_cycles,
        min_lr_rate=min_lr_rate,
        warmup_lr_rate=warmup_lr_rate,
    )
    return LambdaLR(optimizer, lr_lambda, last_epoch)


def _get_wsd_scheduler_lambda(
    current_step: int,
    *,
    num_warmup_steps: int,
    num_stable_steps: int,
    num_decay_steps: int,
    warmup_type: str,
    decay_type: str,
    min_lr_ratio: float,
    num_cycles: float,
):
    if current_step < num_warmup_steps:
        progress = float(current_step) / float(max(1, num_warmup_steps))
        if warmup_type == "linear":
            factor = progress
        elif warmup_type == "cosine":
            factor = 0.5 * (1.0 - math.cos(math.pi * progress))
        elif warmup_type == "1-sqrt":
            factor = 1.0 - math.sqrt(1.0 - progress)
        factor = factor * (1.0 - min_lr_ratio) + min_lr_ratio
        return max(0.0, factor)

    if current_step < num_warmup_steps + num_stable_steps:
        return 1.0

    if current_step < num_warmup_steps + num_stable_steps + num_decay_steps:
        progress = float(current_step - num_warmup_steps - num_stable_steps) / float(max(1, num_decay_steps))
        if decay_type == "linear":
            factor = 1.0 - progress
        elif decay_type == "cosine":
            factor = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
        elif decay_type == "1-sqrt":
            factor = 1.0 - math.sqrt(progress)
        factor = factor * (1.0 - min_lr_ratio) + min_lr_ratio
        return max(0.0, factor)
    return min_lr_ratio


def get_wsd_schedule(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_decay_steps: int,
    num_training_steps: Optional[int] = None,
    num_stable_steps: Optional[int] = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
):
    if num_training_steps is None and num_stable_steps is None:
        raise ValueError("Either num_training_steps or num_stable_steps must be specified.")

    if num_training_steps is not None and num_stable_steps is not None:
        warnings.warn("Both num_training_steps and num_stable_steps are specified. num_stable_steps will be used.")

    if warmup_type not in ["linear", "cosine", "1-sqrt"]:
        raise ValueError(f"Unknown warmup type: {warmup_type}, expected 'linear', 'cosine' or '1-sqrt'")

    if decay_type not in ["linear", "cosine", "1-sqrt"]:
        raise ValueError(f"Unknown decay type: {decay_type}, expected 'linear', 'cosine' or '1-sqrt'")

    if num_stable_steps is None:
        num_stable_steps = num_training_steps - num_warmup_steps - num_decay_steps

    lr_lambda = partial(
        _get_wsd_scheduler_lambda,
        num_warmup_steps=num_warmup_steps,
        num_stable_steps=num_stable_steps,
        num_decay_steps=num_decay_steps,
        warmup_type=warmup_type,
        decay_type=decay_type,
        min_lr_ratio=min_lr_ratio,
        num_cycles=num_cycles,
    )
    return LambdaLR(optimizer, lr_lambda, last_epoch)


TYPE_TO_SCHEDULER_FUNCTION = {
    SchedulerType.LINEAR: get_linear_schedule_with_warmup,
    SchedulerType.COSINE: get_cosine_schedule_with_warmup,
    SchedulerType.COSINE_WITH_RESTARTS: get_cosine_with_hard_restarts_schedule_with_warmup,
    SchedulerType.POLYNOMIAL: get_polynomial_decay_schedule_with_warmup,
    SchedulerType.CONSTANT: get_constant_schedule,
    SchedulerType.CONSTANT_WITH_WARMUP: get_constant_schedule_with_warmup,
    SchedulerType.INVERSE_SQRT: get_inverse_sqrt_schedule,
    SchedulerType.COSINE_WITH_MIN_LR: get_cosine_with_min_lr_schedule_with_warmup,
    SchedulerType.COSINE_WARMUP_WITH_MIN_LR: get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    SchedulerType.WARMUP_STABLE_DECAY: get_wsd_schedule,
}


def get_scheduler(
    name: Union[str, SchedulerType],
    optimizer: Optimizer,
    num_warmup_steps: Optional[int] = None,
    num_training_steps: Optional[int] = None,
    scheduler_specific_kwargs: Optional[dict] = None,
):
    name = SchedulerType(name)
    schedule_func = TYPE_TO_SCHEDULER_FUNCTION[name]

    if name == SchedulerType.CONSTANT:
        return schedule_func(optimizer)

    if scheduler_specific_kwargs is None:
        scheduler_specific_kwargs = {}

    # All other schedulers require `num_warmup_steps`
    if num_warmup_steps is None:
        raise ValueError(f"{name} requires `num_warmup_steps`, please provide that argument.")

    if name == SchedulerType.CONSTANT_WITH_WARMUP:
        return schedule_func(optimizer, num_warmup_steps=num_warmup_steps)

    if name == SchedulerType.INVERSE_SQRT:
        return schedule_func(optimizer, num_warmup_steps=num_warmup_steps)

    # wsd scheduler requires either num_training_steps or num_stable_steps
    if name == SchedulerType.WARMUP_STABLE_DECAY:
        return schedule_func(
            optimizer,
            num_warmup_steps=num_warmup_steps,
            num_training_steps=num_training_steps,
            **scheduler_specific_kwargs,
        )

    # All other schedulers require `num_training_steps`
    if num_training_steps is None:
        raise ValueError(f"{name} requires `num_training_steps`, please provide that argument.")

    return schedule_func(
        optimizer,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        **scheduler_specific_kwargs,
    )
# ---- end of the extract ----


# (id, optimizer lr, steps, call). Steps reach past num_training_steps where there is one.
CONFIGS = [
    ("constant", 0.1, 20, "get_constant_schedule(optimizer)"),
    ("constant_warmup", 3e-4, 30, "get_constant_schedule_with_warmup(optimizer, num_warmup_steps=7)"),
    ("constant_warmup0", 0.5, 10, "get_constant_schedule_with_warmup(optimizer, 0)"),
    ("linear", 5e-5, 130, "get_linear_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=100)"),
    ("linear_warmup0", 0.1, 60, "get_linear_schedule_with_warmup(optimizer, 0, 50)"),
    ("linear_warmup_eq_total", 0.1, 40, "get_linear_schedule_with_warmup(optimizer, 30, 30)"),
    ("linear_odd", 0.3, 110, "get_linear_schedule_with_warmup(optimizer, num_warmup_steps=7, num_training_steps=97)"),
    ("cosine", 1e-3, 260, "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=110)"),
    ("cosine_warmup0", 0.7, 90, "get_cosine_schedule_with_warmup(optimizer, 0, 37)"),
    ("cosine_cycles2", 0.1, 120, "get_cosine_schedule_with_warmup(optimizer, 5, 105, num_cycles=2)"),
    ("cosine_cycles_0_3", 0.1, 80, "get_cosine_schedule_with_warmup(optimizer, 3, 63, num_cycles=0.3)"),
    ("cosine_warmup_eq_total", 0.1, 30, "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=20, num_training_steps=20)"),
    ("restarts", 0.1, 120, "get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=100)"),
    ("restarts3", 0.2, 120, "get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, 10, 100, num_cycles=3)"),
    ("restarts7", 0.05, 110, "get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, 0, 91, num_cycles=7)"),
    ("poly", 1e-3, 120, "get_polynomial_decay_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=100)"),
    ("poly_pow2", 0.1, 70, "get_polynomial_decay_schedule_with_warmup(optimizer, 5, 60, lr_end=1e-4, power=2.0)"),
    ("poly_pow05", 0.3, 70, "get_polynomial_decay_schedule_with_warmup(optimizer, 0, 61, lr_end=0.01, power=0.5)"),
    ("poly_end0", 0.1, 40, "get_polynomial_decay_schedule_with_warmup(optimizer, 4, 33, lr_end=0.0, power=3.0)"),
    ("poly_warmup_eq_total", 0.1, 30, "get_polynomial_decay_schedule_with_warmup(optimizer, 20, 20, lr_end=0.001)"),
    ("inv_sqrt", 1e-3, 200, "get_inverse_sqrt_schedule(optimizer, num_warmup_steps=16)"),
    ("inv_sqrt_timescale", 0.1, 120, "get_inverse_sqrt_schedule(optimizer, 10, timescale=37)"),
    ("inv_sqrt_warmup0", 0.1, 50, "get_inverse_sqrt_schedule(optimizer, 0)"),
    ("inv_sqrt_timescale_lt_warmup", 0.1, 60, "get_inverse_sqrt_schedule(optimizer, 20, timescale=5)"),
    ("min_lr", 1e-3, 140, "get_cosine_with_min_lr_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=100, min_lr=1e-5)"),
    ("min_lr_rate", 0.1, 140, "get_cosine_with_min_lr_schedule_with_warmup(optimizer, 10, 100, min_lr_rate=0.1)"),
    ("min_lr_cycles", 0.1, 90, "get_cosine_with_min_lr_schedule_with_warmup(optimizer, 0, 80, num_cycles=1.5, min_lr_rate=0.25)"),
    ("lr_rate", 1e-3, 140, "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, num_warmup_steps=10, num_training_steps=100, min_lr_rate=0.1)"),
    ("lr_rate_warmup", 0.1, 140, "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, 10, 100, min_lr=0.002, warmup_lr_rate=0.05)"),
    ("lr_rate_warmup0", 0.1, 60, "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, 0, 45, num_cycles=0.75, min_lr_rate=0.0)"),
    ("lr_rate_warmup1", 0.1, 30, "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, 1, 20, min_lr_rate=0.05, warmup_lr_rate=0.3)"),
    ("wsd", 1e-3, 130, "get_wsd_schedule(optimizer, num_warmup_steps=10, num_decay_steps=20, num_training_steps=100)"),
    ("wsd_stable", 0.1, 90, "get_wsd_schedule(optimizer, 10, 20, num_stable_steps=50, warmup_type='cosine', decay_type='linear', min_lr_ratio=0.1)"),
    ("wsd_sqrt", 0.1, 90, "get_wsd_schedule(optimizer, 8, 30, num_training_steps=80, warmup_type='1-sqrt', decay_type='1-sqrt', min_lr_ratio=0.05)"),
    ("wsd_cycles", 0.1, 70, "get_wsd_schedule(optimizer, 0, 40, num_training_steps=60, num_cycles=1.0, min_lr_ratio=0.2)"),
    ("wsd_both", 0.1, 60, "get_wsd_schedule(optimizer, 5, 10, num_training_steps=100, num_stable_steps=20, decay_type='linear')"),
    ("sched_linear", 0.1, 60, "get_scheduler('linear', optimizer, num_warmup_steps=5, num_training_steps=50)"),
    ("sched_cosine", 0.1, 120, "get_scheduler(\"cosine\", optimizer, num_warmup_steps=10, num_training_steps=100, scheduler_specific_kwargs={\"num_cycles\": 2})"),
    ("sched_restarts", 0.1, 110, "get_scheduler('cosine_with_restarts', optimizer, 10, 100, {'num_cycles': 4})"),
    ("sched_poly", 0.01, 110, "get_scheduler('polynomial', optimizer, num_warmup_steps=10, num_training_steps=100, scheduler_specific_kwargs={'lr_end': 1e-5, 'power': 2.0})"),
    ("sched_constant", 0.1, 10, "get_scheduler('constant', optimizer, num_warmup_steps=5, num_training_steps=10, scheduler_specific_kwargs={'num_cycles': 3})"),
    ("sched_constant_warmup", 0.1, 20, "get_scheduler('constant_with_warmup', optimizer, num_warmup_steps=5)"),
    ("sched_inv_sqrt", 0.1, 40, "get_scheduler('inverse_sqrt', optimizer, num_warmup_steps=6, scheduler_specific_kwargs={'timescale': 100})"),
    ("sched_min_lr", 0.1, 120, "get_scheduler('cosine_with_min_lr', optimizer, num_warmup_steps=10, num_training_steps=100, scheduler_specific_kwargs={'min_lr': 1e-3})"),
    ("sched_warmup_min_lr", 0.1, 120, "get_scheduler('cosine_warmup_with_min_lr', optimizer, num_warmup_steps=10, num_training_steps=100, scheduler_specific_kwargs={'min_lr_rate': 0.1, 'warmup_lr_rate': 0.01})"),
    ("sched_wsd", 0.1, 110, "get_scheduler('warmup_stable_decay', optimizer, num_warmup_steps=10, num_training_steps=100, scheduler_specific_kwargs={'num_decay_steps': 30, 'decay_type': 'linear'})"),
    ("sched_wsd_stable", 0.1, 110, "get_scheduler('warmup_stable_decay', optimizer, num_warmup_steps=10, scheduler_specific_kwargs={'num_decay_steps': 30, 'num_stable_steps': 40})"),
    ("sched_enum", 0.1, 120, "get_scheduler(SchedulerType.COSINE, optimizer, num_warmup_steps=10, num_training_steps=100)"),
]


def run(lr, steps, call):
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            scheduler = eval(call)
        except ZeroDivisionError:
            return None
        out = ["%.17g" % optimizer.param_groups[0]["lr"]]
        for _ in range(1, steps):
            optimizer.step()
            try:
                scheduler.step()
                out.append("%.17g" % optimizer.param_groups[0]["lr"])
            except ZeroDivisionError:
                out.append("E")  # LambdaLR advanced last_epoch before raising: go on
        return out


print("# Hugging Face transformers schedules (optimization.py @ 005edacb6b5dabbf0843e92c6623de9e07ca6241),")
print("# torch %s; made by tests/data/schedules/hf/generate.py" % torch.__version__)
for cid, lr, steps, call in CONFIGS:
    vals = run(lr, steps, call)
    print("C %s %r %d | %s" % (cid, lr, steps, call))
    print("V " + " ".join(vals))
