#!/usr/bin/env python3
"""Reference values for tests/schedules/timm_test.cpp and tests/io/timm_spec_test.cpp.

The scheduler classes below are copied verbatim from timm (pytorch-image-models):
  repository: huggingface/pytorch-image-models
  commit:     aa4b5850c1543fa488abf260f18390eda46cf85d
  paths:      timm/scheduler/scheduler.py, cosine_lr.py, tanh_lr.py, step_lr.py,
              multistep_lr.py, poly_lr.py (only the relative imports removed)
  license:    Apache License 2.0, Copyright 2019 Ross Wightman
and run on torch with a dummy optimizer (one parameter group, lr = the config's lr), stepped per
update (t_in_epochs=False): value 0 is the optimizer's LR after construction, value t >= 1 the LR
after scheduler.step_update(num_updates=t).

Run: python3 generate.py > reference.txt
Output: 'C name lr steps' then 'P call' (the Python call without the optimizer) then 'V values'.
"""
import abc
import bisect
import logging
import math
from abc import ABC
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import torch

_logger = logging.getLogger(__name__)

# ---- timm/scheduler/scheduler.py (class body verbatim) ----
class Scheduler(ABC):
    """ Parameter Scheduler Base Class
    A scheduler base class that can be used to schedule any optimizer parameter groups.

    Unlike the builtin PyTorch schedulers, this is intended to be consistently called
    * At the END of each epoch, before incrementing the epoch count, to calculate next epoch's value
    * At the END of each optimizer update, after incrementing the update count, to calculate next update's value

    The schedulers built on this should try to remain as stateless as possible (for simplicity).

    This family of schedulers is attempting to avoid the confusion of the meaning of 'last_epoch'
    and -1 values for special behaviour. All epoch and update counts must be tracked in the training
    code and explicitly passed in to the schedulers on the corresponding step or step_update call.

    Based on ideas from:
     * https://github.com/pytorch/fairseq/tree/master/fairseq/optim/lr_scheduler
     * https://github.com/allenai/allennlp/tree/master/allennlp/training/learning_rate_schedulers
    """

    def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            param_group_field: str,
            t_in_epochs: bool = True,
            noise_range_t: Union[List[int], Tuple[int, int], int, None] = None,
            noise_type: str = 'normal',
            noise_pct: float = 0.67,
            noise_std: float = 1.0,
            noise_seed: Optional[int] = None,
            initialize: bool = True,
    ) -> None:
        self.optimizer = optimizer
        self.param_group_field = param_group_field
        self._initial_param_group_field = f"initial_{param_group_field}"
        if initialize:
            for i, group in enumerate(self.optimizer.param_groups):
                if param_group_field not in group:
                    raise KeyError(f"{param_group_field} missing from param_groups[{i}]")
                group.setdefault(self._initial_param_group_field, group[param_group_field])
        else:
            for i, group in enumerate(self.optimizer.param_groups):
                if self._initial_param_group_field not in group:
                    raise KeyError(f"{self._initial_param_group_field} missing from param_groups[{i}]")
        self.base_values = [group[self._initial_param_group_field] for group in self.optimizer.param_groups]
        self.metric = None  # any point to having this for all?
        self.t_in_epochs = t_in_epochs
        self.noise_range_t = noise_range_t
        self.noise_pct = noise_pct
        self.noise_type = noise_type
        self.noise_std = noise_std
        self.noise_seed = noise_seed if noise_seed is not None else 42
        self.update_groups(self.base_values)

    def state_dict(self) -> Dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != 'optimizer'}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    @abc.abstractmethod
    def _get_lr(self, t: int) -> List[float]:
        pass

    def _get_values(self, t: int, on_epoch: bool = True) -> Optional[List[float]]:
        proceed = (on_epoch and self.t_in_epochs) or (not on_epoch and not self.t_in_epochs)
        if not proceed:
            return None
        return self._get_lr(t)

    def step(self, epoch: int, metric: Optional[float] = None) -> None:
        self.metric = metric
        values = self._get_values(epoch, on_epoch=True)
        if values is not None:
            values = self._add_noise(values, epoch)
            self.update_groups(values)

    def step_update(self, num_updates: int, metric: Optional[float] = None) -> None:
        self.metric = metric
        values = self._get_values(num_updates, on_epoch=False)
        if values is not None:
            values = self._add_noise(values, num_updates)
            self.update_groups(values)

    def update_groups(self, values: Union[float, List[float]]) -> None:
        if not isinstance(values, (list, tuple)):
            values = [values] * len(self.optimizer.param_groups)
        for param_group, value in zip(self.optimizer.param_groups, values):
            if 'lr_scale' in param_group:
                param_group[self.param_group_field] = value * param_group['lr_scale']
            else:
                param_group[self.param_group_field] = value

    def _add_noise(self, lrs: List[float], t: int) -> List[float]:
        if self._is_apply_noise(t):
            noise = self._calculate_noise(t)
            lrs = [v + v * noise for v in lrs]
        return lrs

    def _is_apply_noise(self, t: int) -> bool:
        """Return True if scheduler in noise range."""
        apply_noise = False
        if self.noise_range_t is not None:
            if isinstance(self.noise_range_t, (list, tuple)):
                apply_noise = self.noise_range_t[0] <= t < self.noise_range_t[1]
            else:
                apply_noise = t >= self.noise_range_t
        return apply_noise

    def _calculate_noise(self, t) -> float:
        g = torch.Generator()
        g.manual_seed(self.noise_seed + t)
        if self.noise_type == 'normal':
            while True:
                # resample if noise out of percent limit, brute force but shouldn't spin much
                noise = torch.randn(1, generator=g).item()
                if abs(noise) < self.noise_pct:
                    return noise
        else:
            noise = 2 * (torch.rand(1, generator=g).item() - 0.5) * self.noise_pct
        return noise


# ---- timm/scheduler/cosine_lr.py (class body verbatim) ----
class CosineLRScheduler(Scheduler):
    """
    Cosine decay with restarts.
    This is described in the paper https://arxiv.org/abs/1608.03983.

    Inspiration from
    https://github.com/allenai/allennlp/blob/master/allennlp/training/learning_rate_schedulers/cosine.py

    k-decay option based on `k-decay: A New Method For Learning Rate Schedule` - https://arxiv.org/abs/2004.05909
    """

    def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            t_initial: int,
            lr_min: float = 0.,
            cycle_mul: float = 1.,
            cycle_decay: float = 1.,
            cycle_limit: int = 1,
            warmup_t: int = 0,
            warmup_lr_init: float = 0.,
            warmup_prefix: bool = False,
            t_in_epochs: bool = True,
            noise_range_t: Union[List[int], Tuple[int, int], int, None] = None,
            noise_pct: float = 0.67,
            noise_std: float = 1.0,
            noise_seed: int = 42,
            k_decay: float = 1.0,
            initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer,
            param_group_field="lr",
            t_in_epochs=t_in_epochs,
            noise_range_t=noise_range_t,
            noise_pct=noise_pct,
            noise_std=noise_std,
            noise_seed=noise_seed,
            initialize=initialize,
        )

        assert t_initial > 0
        assert lr_min >= 0
        if t_initial == 1 and cycle_mul == 1 and cycle_decay == 1:
            _logger.warning(
                "Cosine annealing scheduler will have no effect on the learning "
                "rate since t_initial = t_mul = eta_mul = 1.")
        self.t_initial = t_initial
        self.lr_min = lr_min
        self.cycle_mul = cycle_mul
        self.cycle_decay = cycle_decay
        self.cycle_limit = cycle_limit
        self.warmup_t = warmup_t
        self.warmup_lr_init = warmup_lr_init
        self.warmup_prefix = warmup_prefix
        self.k_decay = k_decay
        if self.warmup_t:
            self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in self.base_values]
            super().update_groups(self.warmup_lr_init)
        else:
            self.warmup_steps = [1 for _ in self.base_values]

    def _get_lr(self, t: int) -> List[float]:
        if t < self.warmup_t:
            lrs = [self.warmup_lr_init + t * s for s in self.warmup_steps]
        else:
            if self.warmup_prefix:
                t = t - self.warmup_t

            if self.cycle_mul != 1:
                i = math.floor(math.log(1 - t / self.t_initial * (1 - self.cycle_mul), self.cycle_mul))
                t_i = self.cycle_mul ** i * self.t_initial
                t_curr = t - (1 - self.cycle_mul ** i) / (1 - self.cycle_mul) * self.t_initial
            else:
                i = t // self.t_initial
                t_i = self.t_initial
                t_curr = t - (self.t_initial * i)

            gamma = self.cycle_decay ** i
            lr_max_values = [v * gamma for v in self.base_values]
            k = self.k_decay

            if i < self.cycle_limit:
                lrs = [
                    self.lr_min + 0.5 * (lr_max - self.lr_min) * (1 + math.cos(math.pi * t_curr ** k / t_i ** k))
                    for lr_max in lr_max_values
                ]
            else:
                lrs = [self.lr_min for _ in self.base_values]

        return lrs

    def get_cycle_length(self, cycles=0):
        cycles = max(1, cycles or self.cycle_limit)
        if self.cycle_mul == 1.0:
            t = self.t_initial * cycles
        else:
            t = int(math.floor(-self.t_initial * (self.cycle_mul ** cycles - 1) / (1 - self.cycle_mul)))
        return t + self.warmup_t if self.warmup_prefix else t


# ---- timm/scheduler/tanh_lr.py (class body verbatim) ----
class TanhLRScheduler(Scheduler):
    """
    Hyberbolic-Tangent decay with restarts.
    This is described in the paper https://arxiv.org/abs/1806.01593
    """

    def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            t_initial: int,
            lb: float = -7.,
            ub: float = 3.,
            lr_min: float = 0.,
            cycle_mul: float = 1.,
            cycle_decay: float = 1.,
            cycle_limit: int = 1,
            warmup_t: int = 0,
            warmup_lr_init: float = 0.,
            warmup_prefix: bool = False,
            t_in_epochs: bool = True,
            noise_range_t: Union[List[int], Tuple[int, int], int, None] = None,
            noise_pct: float = 0.67,
            noise_std: float = 1.0,
            noise_seed: int = 42,
            initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer,
            param_group_field="lr",
            t_in_epochs=t_in_epochs,
            noise_range_t=noise_range_t,
            noise_pct=noise_pct,
            noise_std=noise_std,
            noise_seed=noise_seed,
            initialize=initialize,
        )

        assert t_initial > 0
        assert lr_min >= 0
        assert lb < ub
        assert cycle_limit >= 0
        assert warmup_t >= 0
        assert warmup_lr_init >= 0
        self.lb = lb
        self.ub = ub
        self.t_initial = t_initial
        self.lr_min = lr_min
        self.cycle_mul = cycle_mul
        self.cycle_decay = cycle_decay
        self.cycle_limit = cycle_limit
        self.warmup_t = warmup_t
        self.warmup_lr_init = warmup_lr_init
        self.warmup_prefix = warmup_prefix
        if self.warmup_t:
            t_v = self.base_values if self.warmup_prefix else self._get_lr(self.warmup_t)
            self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in t_v]
            super().update_groups(self.warmup_lr_init)
        else:
            self.warmup_steps = [1 for _ in self.base_values]

    def _get_lr(self, t: int) -> List[float]:
        if t < self.warmup_t:
            lrs = [self.warmup_lr_init + t * s for s in self.warmup_steps]
        else:
            if self.warmup_prefix:
                t = t - self.warmup_t

            if self.cycle_mul != 1:
                i = math.floor(math.log(1 - t / self.t_initial * (1 - self.cycle_mul), self.cycle_mul))
                t_i = self.cycle_mul ** i * self.t_initial
                t_curr = t - (1 - self.cycle_mul ** i) / (1 - self.cycle_mul) * self.t_initial
            else:
                i = t // self.t_initial
                t_i = self.t_initial
                t_curr = t - (self.t_initial * i)

            if i < self.cycle_limit:
                gamma = self.cycle_decay ** i
                lr_max_values = [v * gamma for v in self.base_values]

                tr = t_curr / t_i
                lrs = [
                    self.lr_min + 0.5 * (lr_max - self.lr_min) * (1 - math.tanh(self.lb * (1. - tr) + self.ub * tr))
                    for lr_max in lr_max_values
                ]
            else:
                lrs = [self.lr_min for _ in self.base_values]
        return lrs

    def get_cycle_length(self, cycles=0):
        cycles = max(1, cycles or self.cycle_limit)
        if self.cycle_mul == 1.0:
            t = self.t_initial * cycles
        else:
            t = int(math.floor(-self.t_initial * (self.cycle_mul ** cycles - 1) / (1 - self.cycle_mul)))
        return t + self.warmup_t if self.warmup_prefix else t


# ---- timm/scheduler/step_lr.py (class body verbatim) ----
class StepLRScheduler(Scheduler):
    """
    """

    def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            decay_t: float,
            decay_rate: float = 1.,
            warmup_t: int = 0,
            warmup_lr_init: float = 0.,
            warmup_prefix: bool = True,
            t_in_epochs: bool = True,
            noise_range_t: Union[List[int], Tuple[int, int], int, None] = None,
            noise_pct: float = 0.67,
            noise_std: float = 1.0,
            noise_seed: int = 42,
            initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer,
            param_group_field="lr",
            t_in_epochs=t_in_epochs,
            noise_range_t=noise_range_t,
            noise_pct=noise_pct,
            noise_std=noise_std,
            noise_seed=noise_seed,
            initialize=initialize,
        )

        self.decay_t = decay_t
        self.decay_rate = decay_rate
        self.warmup_t = warmup_t
        self.warmup_lr_init = warmup_lr_init
        self.warmup_prefix = warmup_prefix
        if self.warmup_t:
            self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in self.base_values]
            super().update_groups(self.warmup_lr_init)
        else:
            self.warmup_steps = [1 for _ in self.base_values]

    def _get_lr(self, t: int) -> List[float]:
        if t < self.warmup_t:
            lrs = [self.warmup_lr_init + t * s for s in self.warmup_steps]
        else:
            if self.warmup_prefix:
                t = t - self.warmup_t
            lrs = [v * (self.decay_rate ** (t // self.decay_t)) for v in self.base_values]
        return lrs


# ---- timm/scheduler/multistep_lr.py (class body verbatim) ----
class MultiStepLRScheduler(Scheduler):
    """
    """

    def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            decay_t: List[int],
            decay_rate: float = 1.,
            warmup_t: int = 0,
            warmup_lr_init: float = 0.,
            warmup_prefix: bool = True,
            t_in_epochs: bool = True,
            noise_range_t: Union[List[int], Tuple[int, int], int, None] = None,
            noise_pct: float = 0.67,
            noise_std: float = 1.0,
            noise_seed: int = 42,
            initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer,
            param_group_field="lr",
            t_in_epochs=t_in_epochs,
            noise_range_t=noise_range_t,
            noise_pct=noise_pct,
            noise_std=noise_std,
            noise_seed=noise_seed,
            initialize=initialize,
        )

        self.decay_t = decay_t
        self.decay_rate = decay_rate
        self.warmup_t = warmup_t
        self.warmup_lr_init = warmup_lr_init
        self.warmup_prefix = warmup_prefix
        if self.warmup_t:
            self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in self.base_values]
            super().update_groups(self.warmup_lr_init)
        else:
            self.warmup_steps = [1 for _ in self.base_values]

    def get_curr_decay_steps(self, t):
        # find where in the array t goes,
        # assumes self.decay_t is sorted
        return bisect.bisect_right(self.decay_t, t + 1)

    def _get_lr(self, t: int) -> List[float]:
        if t < self.warmup_t:
            lrs = [self.warmup_lr_init + t * s for s in self.warmup_steps]
        else:
            if self.warmup_prefix:
                t = t - self.warmup_t
            lrs = [v * (self.decay_rate ** self.get_curr_decay_steps(t)) for v in self.base_values]
        return lrs


# ---- timm/scheduler/poly_lr.py (class body verbatim) ----
class PolyLRScheduler(Scheduler):
    """ Polynomial LR Scheduler w/ warmup, noise, and k-decay

    k-decay option based on `k-decay: A New Method For Learning Rate Schedule` - https://arxiv.org/abs/2004.05909
    """

    def __init__(
            self,
            optimizer: torch.optim.Optimizer,
            t_initial: int,
            power: float = 0.5,
            lr_min: float = 0.,
            cycle_mul: float = 1.,
            cycle_decay: float = 1.,
            cycle_limit: int = 1,
            warmup_t: int = 0,
            warmup_lr_init: float = 0.,
            warmup_prefix: bool = False,
            t_in_epochs: bool = True,
            noise_range_t: Union[List[int], Tuple[int, int], int, None] = None,
            noise_pct: float = 0.67,
            noise_std: float = 1.0,
            noise_seed: int = 42,
            k_decay: float = 1.0,
            initialize: bool = True,
    ) -> None:
        super().__init__(
            optimizer,
            param_group_field="lr",
            t_in_epochs=t_in_epochs,
            noise_range_t=noise_range_t,
            noise_pct=noise_pct,
            noise_std=noise_std,
            noise_seed=noise_seed,
            initialize=initialize
        )

        assert t_initial > 0
        assert lr_min >= 0
        if t_initial == 1 and cycle_mul == 1 and cycle_decay == 1:
            _logger.warning("Cosine annealing scheduler will have no effect on the learning "
                            "rate since t_initial = t_mul = eta_mul = 1.")
        self.t_initial = t_initial
        self.power = power
        self.lr_min = lr_min
        self.cycle_mul = cycle_mul
        self.cycle_decay = cycle_decay
        self.cycle_limit = cycle_limit
        self.warmup_t = warmup_t
        self.warmup_lr_init = warmup_lr_init
        self.warmup_prefix = warmup_prefix
        self.k_decay = k_decay
        if self.warmup_t:
            self.warmup_steps = [(v - warmup_lr_init) / self.warmup_t for v in self.base_values]
            super().update_groups(self.warmup_lr_init)
        else:
            self.warmup_steps = [1 for _ in self.base_values]

    def _get_lr(self, t: int) -> List[float]:
        if t < self.warmup_t:
            lrs = [self.warmup_lr_init + t * s for s in self.warmup_steps]
        else:
            if self.warmup_prefix:
                t = t - self.warmup_t

            if self.cycle_mul != 1:
                i = math.floor(math.log(1 - t / self.t_initial * (1 - self.cycle_mul), self.cycle_mul))
                t_i = self.cycle_mul ** i * self.t_initial
                t_curr = t - (1 - self.cycle_mul ** i) / (1 - self.cycle_mul) * self.t_initial
            else:
                i = t // self.t_initial
                t_i = self.t_initial
                t_curr = t - (self.t_initial * i)

            gamma = self.cycle_decay ** i
            lr_max_values = [v * gamma for v in self.base_values]
            k = self.k_decay

            if i < self.cycle_limit:
                lrs = [
                    self.lr_min + (lr_max - self.lr_min) * (1 - t_curr ** k / t_i ** k) ** self.power
                    for lr_max in lr_max_values
                ]
            else:
                lrs = [self.lr_min for _ in self.base_values]

        return lrs

    def get_cycle_length(self, cycles=0):
        cycles = max(1, cycles or self.cycle_limit)
        if self.cycle_mul == 1.0:
            t = self.t_initial * cycles
        else:
            t = int(math.floor(-self.t_initial * (self.cycle_mul ** cycles - 1) / (1 - self.cycle_mul)))
        return t + self.warmup_t if self.warmup_prefix else t


# ---- driver (not from timm) ----
CONFIGS = [
    # name, lr, steps, call (without the optimizer)
    ("cos_default", 0.1, 130, "CosineLRScheduler(t_initial=100, t_in_epochs=False)"),
    ("cos_epochs", 0.1, 14, "CosineLRScheduler(t_initial=10)"),
    ("cos_warmup", 3e-4, 125, "CosineLRScheduler(t_initial=100, lr_min=1e-5, warmup_t=10, warmup_lr_init=1e-6, t_in_epochs=False)"),
    ("cos_warmup_prefix", 3e-4, 125, "CosineLRScheduler(t_initial=100, lr_min=1e-5, warmup_t=10, warmup_lr_init=1e-6, warmup_prefix=True, t_in_epochs=False)"),
    ("cos_warmup_eq_total", 0.05, 45, "CosineLRScheduler(t_initial=20, warmup_t=20, warmup_lr_init=0.001, t_in_epochs=False)"),
    ("cos_warmup_eq_total_prefix", 0.05, 45, "CosineLRScheduler(t_initial=20, warmup_t=20, warmup_lr_init=0.001, warmup_prefix=True, t_in_epochs=False)"),
    ("cos_restarts_decay", 0.1, 140, "CosineLRScheduler(t_initial=30, lr_min=0.001, cycle_decay=0.5, cycle_limit=4, t_in_epochs=False)"),
    ("cos_mul2", 0.1, 330, "CosineLRScheduler(t_initial=10, cycle_mul=2.0, cycle_limit=5, t_in_epochs=False)"),
    ("cos_mul15_quirk", 0.1, 260, "CosineLRScheduler(t_initial=16, cycle_mul=1.5, cycle_decay=0.9, cycle_limit=6, lr_min=0.0001, t_in_epochs=False)"),
    ("cos_mul3_quirk", 1.0, 250, "CosineLRScheduler(t_initial=2, cycle_mul=3.0, cycle_limit=10, t_in_epochs=False)"),
    ("cos_k_decay2", 0.1, 60, "CosineLRScheduler(t_initial=50, k_decay=2.0, lr_min=0.002, t_in_epochs=False)"),
    ("cos_k_decay05_mul", 0.1, 100, "CosineLRScheduler(t_initial=12, k_decay=0.5, cycle_mul=1.5, cycle_limit=4, warmup_t=4, warmup_prefix=True, t_in_epochs=False)"),
    ("cos_cycle_limit0", 0.1, 20, "CosineLRScheduler(t_initial=10, cycle_limit=0, lr_min=0.01, warmup_t=5, t_in_epochs=False)"),
    ("cos_lr_min_above", 0.01, 40, "CosineLRScheduler(t_initial=30, lr_min=0.02, t_in_epochs=False)"),
    ("tanh_default", 0.1, 120, "TanhLRScheduler(t_initial=100, t_in_epochs=False)"),
    ("tanh_warmup", 0.1, 70, "TanhLRScheduler(t_initial=50, lb=-6.0, ub=4.0, lr_min=0.001, warmup_t=5, warmup_lr_init=0.0001, t_in_epochs=False)"),
    ("tanh_warmup_prefix_cycles", 0.1, 80, "TanhLRScheduler(t_initial=20, cycle_decay=0.8, cycle_limit=3, warmup_t=5, warmup_lr_init=0.01, warmup_prefix=True, t_in_epochs=False)"),
    ("tanh_mul", 0.1, 150, "TanhLRScheduler(t_initial=10, cycle_mul=1.5, cycle_limit=4, lr_min=1e-4, t_in_epochs=False)"),
    ("tanh_mul3_quirk", 1.0, 250, "TanhLRScheduler(t_initial=2, cycle_mul=3.0, cycle_limit=10, t_in_epochs=False)"),
    ("step_default_rate", 0.1, 40, "StepLRScheduler(decay_t=10, t_in_epochs=False)"),
    ("step_basic", 0.1, 100, "StepLRScheduler(decay_t=30, decay_rate=0.1, t_in_epochs=False)"),
    ("step_warmup_prefix", 0.1, 50, "StepLRScheduler(decay_t=10, decay_rate=0.5, warmup_t=5, warmup_lr_init=0.001, t_in_epochs=False)"),
    ("step_warmup_noprefix", 0.1, 50, "StepLRScheduler(decay_t=10, decay_rate=0.5, warmup_t=5, warmup_lr_init=0.001, warmup_prefix=False, t_in_epochs=False)"),
    ("step_fractional", 0.1, 40, "StepLRScheduler(decay_t=2.4, decay_rate=0.97, t_in_epochs=False)"),
    ("step_epochs", 0.1, 12, "StepLRScheduler(decay_t=3, decay_rate=0.5)"),
    ("multistep_basic", 0.1, 100, "MultiStepLRScheduler(decay_t=[30, 60, 90], decay_rate=0.1, t_in_epochs=False)"),
    ("multistep_warmup", 0.1, 50, "MultiStepLRScheduler(decay_t=[10, 20, 20, 40], decay_rate=0.5, warmup_t=3, warmup_lr_init=0.01, t_in_epochs=False)"),
    ("multistep_noprefix", 0.1, 50, "MultiStepLRScheduler(decay_t=[10, 20, 40], decay_rate=0.5, warmup_t=3, warmup_lr_init=0.01, warmup_prefix=False, t_in_epochs=False)"),
    ("multistep_first_1", 0.1, 10, "MultiStepLRScheduler(decay_t=[1, 5], decay_rate=0.1, t_in_epochs=False)"),
    ("poly_default", 0.1, 110, "PolyLRScheduler(t_initial=100, t_in_epochs=False)"),
    ("poly_power2_warmup", 0.01, 130, "PolyLRScheduler(t_initial=100, power=2.0, lr_min=1e-4, warmup_t=10, warmup_lr_init=1e-5, warmup_prefix=True, k_decay=1.5, t_in_epochs=False)"),
    ("poly_warmup_noprefix", 0.01, 60, "PolyLRScheduler(t_initial=50, power=1.0, warmup_t=10, t_in_epochs=False)"),
    ("poly_cycles", 0.1, 80, "PolyLRScheduler(t_initial=10, power=1.0, cycle_mul=2.0, cycle_decay=0.7, cycle_limit=3, lr_min=0.001, t_in_epochs=False)"),
    ("poly_mul3_quirk", 1.0, 250, "PolyLRScheduler(t_initial=2, power=0.5, cycle_mul=3.0, cycle_limit=10, t_in_epochs=False)"),
    ("cos_noise", 0.1, 60, "CosineLRScheduler(t_initial=50, noise_range_t=10, t_in_epochs=False)"),
    ("cos_noise_range", 0.1, 40, "CosineLRScheduler(t_initial=30, warmup_t=3, noise_range_t=[2, 25], noise_pct=0.2, noise_seed=7, t_in_epochs=False)"),
    ("step_noise_small_pct", 0.1, 40, "StepLRScheduler(decay_t=10, decay_rate=0.5, noise_range_t=0, noise_pct=0.05, t_in_epochs=False)"),
    ("multistep_noise", 0.1, 40, "MultiStepLRScheduler(decay_t=[10, 30], decay_rate=0.1, noise_range_t=[5, 35], noise_pct=0.5, noise_seed=1000, t_in_epochs=False)"),
    ("tanh_noise", 0.1, 40, "TanhLRScheduler(t_initial=30, noise_range_t=1, noise_pct=0.3, noise_std=5.0, t_in_epochs=False)"),
    ("poly_noise_epochs", 0.1, 30, "PolyLRScheduler(t_initial=25, noise_range_t=3, noise_seed=123)"),
]

CLASSES = {c.__name__: c for c in (CosineLRScheduler, TanhLRScheduler, StepLRScheduler,
                                   MultiStepLRScheduler, PolyLRScheduler)}


def run(lr, steps, call):
    name, args = call.split("(", 1)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    sched = eval("CLASSES[name](opt, " + args)
    out = [opt.param_groups[0]["lr"]]
    for t in range(1, steps):
        if sched.t_in_epochs:
            sched.step(epoch=t)
        else:
            sched.step_update(num_updates=t)
        out.append(opt.param_groups[0]["lr"])
    return out


def main():
    print("# Generated by tests/data/schedules/timm/generate.py with torch %s; do not edit."
          % torch.__version__)
    for name, lr, steps, call in CONFIGS:
        print("C %s %s %d" % (name, repr(lr), steps))
        print("P " + call)
        print("V " + " ".join("%.17g" % v for v in run(lr, steps, call)))


if __name__ == "__main__":
    main()
