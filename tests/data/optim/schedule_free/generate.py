#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes trajectories.txt: y, x and z of Schedule-Free SGD / AdamW per step, for the tests of
# lrs::sgd_schedule_free and lrs::adamw_schedule_free. Run with an interpreter that has torch
# (PyTorch 1.13, CPU):
#   /usr/bin/python3 tests/data/optim/schedule_free/generate.py > tests/data/optim/schedule_free/trajectories.txt
#
# The steps below are transcriptions of the authors' code, facebookresearch/schedule_free at commit
# 70785b53e778d0e872c0bbb75ff4ee54ee10c291 (the torch.optim.Optimizer plumbing left out, the
# arithmetic kept op for op):
#   reference form  schedulefree/sgd_schedulefree_reference.py   SGDScheduleFreeReference.step
#                   schedulefree/adamw_schedulefree_reference.py AdamWScheduleFreeReference.step
#   memory-light    schedulefree/sgd_schedulefree.py             SGDScheduleFree.step (loop branch)
#                   schedulefree/adamw_schedulefree.py           AdamWScheduleFree.step (loop branch)
# The reference form keeps x, y and z; the memory-light form keeps y (in the parameter) and z only.
# The gradients are taken at the reference run's y and recorded; the memory-light run is fed the
# same gradients, so both trajectories answer the same question. The script checks that the two
# forms agree (they are the same algebra, so only rounding separates them).
#
# Format (whitespace-separated tokens), per case:
#   case <name> <sgd|adamw> <float64|float32>
#   options: sgd   -> momentum weight_decay r weight_lr_power max_grad_norm
#            adamw -> beta1 beta2 eps weight_decay decay_at_z inner_momentum r weight_lr_power
#                     max_grad_norm
#   light <0|1>                                  1: memory-light trajectories follow each step
#   groups G, then G x (lr_scale weight_decay)   weight_decay -1: the optimizer's own
#   tensors K, then K x (size group)
#   K lines of initial parameters
#   steps S, then S x (lr, K gradient lines, K y lines, K x lines, K z lines
#                      [, K light-y lines, K light-z lines])
#     lr is the LR of group 0 at that step (the caller's warm-up or schedule); group i uses
#     lr * lr_scale[i]. Gradients are raw (before clipping).
#   end
import math
import sys

import torch

torch.set_num_threads(1)


def fmt(values):
    return " ".join("%.17g" % float(v) for v in values)


# --- Transcriptions ------------------------------------------------------------------------------

def _ckp1(group, lr):
    """Shared head of every step: lr_max, weight, weight_sum and ckp1, as the authors write it."""
    k = group['k']
    r = group['r']
    weight_lr_power = group['weight_lr_power']
    lr_max = group['lr_max'] = max(lr, group['lr_max'])
    weight = ((k + 1) ** r) * (lr_max ** weight_lr_power)
    weight_sum = group['weight_sum'] = group['weight_sum'] + weight
    try:
        ckp1 = weight / weight_sum
    except ZeroDivisionError:
        ckp1 = 0
    return ckp1


def _sched(group):
    k = group['k']
    warmup_steps = group['warmup_steps']
    if k < warmup_steps:
        sched = (k + 1) / warmup_steps
    else:
        sched = 1.0
    return sched


@torch.no_grad()
def sgd_reference_step(groups, state):
    # SGDScheduleFreeReference.step
    for group in groups:
        momentum = group['momentum']
        weight_decay = group['weight_decay']
        k = group['k']
        lr = group['lr'] * _sched(group)
        ckp1 = _ckp1(group, lr)
        for p in group['params']:
            if p.grad is None:
                continue
            grad = p.grad
            st = state.setdefault(id(p), {})
            if 'z' not in st:
                st['z'] = torch.clone(p)
                st['x'] = torch.clone(p)
                st['y'] = torch.clone(p)
            z, x, y = st['z'], st['x'], st['y']
            if weight_decay != 0:
                grad.add_(y, alpha=weight_decay)
            z.sub_(grad, alpha=lr)
            x.mul_(1 - ckp1).add_(z, alpha=ckp1)
            y.copy_(x.mul(momentum).add_(z, alpha=1 - momentum))
            p.copy_(y)
        group['k'] = k + 1


@torch.no_grad()
def sgd_light_step(groups, state):
    # SGDScheduleFree.step, non-foreach branch
    for group in groups:
        momentum = group['momentum']
        weight_decay = group['weight_decay']
        k = group['k']
        lr = group['lr'] * _sched(group)
        ckp1 = _ckp1(group, lr)
        active_p = [p for p in group['params'] if p.grad is not None]
        for p in active_p:
            if 'z' not in state.setdefault(id(p), {}):
                state[id(p)]['z'] = torch.clone(p)
        for p in active_p:
            y = p
            grad = p.grad
            z = state[id(p)]['z']
            if weight_decay != 0:
                grad.add_(y, alpha=weight_decay)
            y.lerp_(end=z, weight=ckp1)
            y.add_(grad, alpha=lr * (momentum * (1 - ckp1) - 1))
            z.sub_(grad, alpha=lr)
        group['k'] = k + 1


@torch.no_grad()
def adamw_reference_step(groups, state):
    # AdamWScheduleFreeReference.step
    for group in groups:
        eps = group['eps']
        decay = group['weight_decay']
        beta1, beta2 = group['betas']
        k = group['k']
        decay_at_z = group['decay_at_z']
        inner_momentum = group['inner_momentum']
        sched = _sched(group)
        bias_correction2 = 1 - beta2 ** (k + 1)
        if inner_momentum != 0:
            bias_correction1 = 1 - inner_momentum ** (k + 1)
        lr = group['lr'] * sched
        ckp1 = _ckp1(group, lr)
        for p in group['params']:
            if p.grad is None:
                continue
            grad = p.grad
            st = state.setdefault(id(p), {})
            if 'z' not in st:
                st['z'] = torch.clone(p)
                st['exp_avg_sq'] = torch.zeros_like(p)
                st['x'] = torch.clone(p)
                st['y'] = torch.clone(p)
                if inner_momentum != 0:
                    st['exp_avg'] = torch.zeros_like(p)
            exp_avg_sq, z, x, y = st['exp_avg_sq'], st['z'], st['x'], st['y']
            if decay != 0:
                decay_point = z if decay_at_z else y
                z.sub_(decay_point, alpha=lr * decay)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = exp_avg_sq.div(bias_correction2).sqrt_().add_(eps)
            if inner_momentum != 0:
                exp_avg = st['exp_avg']
                exp_avg.mul_(inner_momentum).add_(grad, alpha=1 - inner_momentum)
                update_num = exp_avg.div(bias_correction1)
            else:
                update_num = grad
            z.addcdiv_(update_num, denom, value=-lr)
            x.mul_(1 - ckp1).add_(z, alpha=ckp1)
            y.copy_(x.mul(beta1).add_(z, alpha=1 - beta1))
            p.copy_(y)
        group['k'] = k + 1


@torch.no_grad()
def adamw_light_step(groups, state):
    # AdamWScheduleFree.step, non-foreach branch (weight decay at y only)
    for group in groups:
        eps = group['eps']
        beta1, beta2 = group['betas']
        decay = group['weight_decay']
        k = group['k']
        inner_momentum = group['inner_momentum']
        sched = _sched(group)
        bias_correction2 = 1 - beta2 ** (k + 1)
        if inner_momentum != 0:
            bias_correction1 = 1 - inner_momentum ** (k + 1)
        lr = group['lr'] * sched
        ckp1 = _ckp1(group, lr)
        active_p = [p for p in group['params'] if p.grad is not None]
        for p in active_p:
            st = state.setdefault(id(p), {})
            if 'z' not in st:
                st['z'] = torch.clone(p)
                st['exp_avg_sq'] = torch.zeros_like(p)
                if inner_momentum != 0:
                    st['exp_avg'] = torch.zeros_like(p)
        for p in active_p:
            y = p
            grad = p.grad
            st = state[id(p)]
            z = st['z']
            exp_avg_sq = st['exp_avg_sq']
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = exp_avg_sq.div(bias_correction2).sqrt_().add_(eps)
            if inner_momentum != 0:
                exp_avg = st['exp_avg']
                exp_avg.mul_(inner_momentum).add_(grad, alpha=1 - inner_momentum)
                grad_normalized = exp_avg.div(bias_correction1).div_(denom)
            else:
                grad_normalized = grad.div_(denom)
            if decay != 0:
                grad_normalized.add_(y, alpha=decay)
            y.lerp_(end=z, weight=ckp1)
            y.add_(grad_normalized, alpha=lr * (beta1 * (1 - ckp1) - 1))
            z.sub_(grad_normalized, alpha=lr)
        group['k'] = k + 1


# --- Cases ---------------------------------------------------------------------------------------

class Problem:
    """A smooth non-quadratic loss per tensor: grad = a * (p - t) + b * sin(3 p), with curvatures
    a spread over four decades and a few coordinates whose gradient is exactly 0 (so that v = 0
    and the Adam denominator is eps)."""

    def __init__(self, sizes, seed):
        gen = torch.Generator().manual_seed(seed)
        self.a, self.t, self.b, self.mask, self.init = [], [], [], [], []
        for n in sizes:
            self.a.append(torch.pow(10.0, torch.rand(n, generator=gen, dtype=torch.float64) * 4 - 2))
            self.t.append(torch.randn(n, generator=gen, dtype=torch.float64) * 3)
            self.b.append(torch.rand(n, generator=gen, dtype=torch.float64))
            m = torch.ones(n, dtype=torch.float64)
            m[::5] = 0.0
            self.mask.append(m)
            self.init.append(torch.randn(n, generator=gen, dtype=torch.float64) *
                             torch.pow(10.0, torch.rand(n, generator=gen, dtype=torch.float64) * 2 - 1))

    def grad(self, i, p):
        q = p.double()
        g = (self.a[i] * (q - self.t[i]) + self.b[i] * torch.sin(3 * q)) * self.mask[i]
        return g.to(p.dtype)


def run_case(out, name, kind, dtype, opts, groups, tensors, lrs, warmup, base_lr, light,
             max_grad_norm=0.0, seed=0):
    """lrs: None to use the authors' warm-up (warmup_steps), else a list of per-step factors of
    base_lr set as group['lr'] before each step (the way a user drives a schedule)."""
    dt = torch.float64 if dtype == "float64" else torch.float32
    prob = Problem([n for n, _ in tensors], seed)
    steps = len(lrs) if lrs is not None else 12

    def make_groups():
        params = [prob.init[i].to(dt).clone() for i in range(len(tensors))]
        gs = []
        for gi, (scale, wd) in enumerate(groups):
            g = dict(opts)
            g['lr'] = base_lr * scale
            g['weight_decay'] = opts['weight_decay'] if wd < 0 else wd
            g.update(k=0, warmup_steps=warmup, weight_sum=0.0, lr_max=-1.0)
            g['params'] = [params[i] for i, (_, tg) in enumerate(tensors) if tg == gi]
            gs.append(g)
        return params, gs

    ref_p, ref_g = make_groups()
    lig_p, lig_g = make_groups()
    ref_s, lig_s = {}, {}
    ref_step = sgd_reference_step if kind == "sgd" else adamw_reference_step
    lig_step = sgd_light_step if kind == "sgd" else adamw_light_step

    out.append("case %s %s %s" % (name, kind, dtype))
    if kind == "sgd":
        out.append(fmt([opts['momentum'], opts['weight_decay'], opts['r'], opts['weight_lr_power'],
                        max_grad_norm]))
    else:
        out.append(fmt([opts['betas'][0], opts['betas'][1], opts['eps'], opts['weight_decay'],
                        1 if opts['decay_at_z'] else 0, opts['inner_momentum'], opts['r'],
                        opts['weight_lr_power'], max_grad_norm]))
    out.append("light %d" % (1 if light else 0))
    out.append("groups %d" % len(groups))
    for scale, wd in groups:
        out.append(fmt([scale, wd]))
    out.append("tensors %d" % len(tensors))
    for n, g in tensors:
        out.append("%d %d" % (n, g))
    for p in ref_p:
        out.append(fmt(p))
    out.append("steps %d" % steps)
    worst = 0.0
    for k in range(steps):
        if lrs is not None:
            for gs in (ref_g, lig_g):
                for gi, g in enumerate(gs):
                    g['lr'] = base_lr * lrs[k] * groups[gi][0]
            lr0 = base_lr * lrs[k]
        else:
            lr0 = base_lr * ((k + 1) / warmup if k < warmup else 1.0)
        raw = [prob.grad(i, p) for i, p in enumerate(ref_p)]
        for p, g in zip(ref_p, raw):
            p.grad = g.clone()
        for p, g in zip(lig_p, raw):
            p.grad = g.clone()
        if max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(ref_p, max_grad_norm)
            torch.nn.utils.clip_grad_norm_(lig_p, max_grad_norm)
        ref_step(ref_g, ref_s)
        if light:
            lig_step(lig_g, lig_s)
        out.append("%.17g" % lr0)
        for g in raw:
            out.append(fmt(g))
        for p in ref_p:
            out.append(fmt(ref_s[id(p)]['y']))
        for p in ref_p:
            out.append(fmt(ref_s[id(p)]['x']))
        for p in ref_p:
            out.append(fmt(ref_s[id(p)]['z']))
        if light:
            for p in lig_p:
                out.append(fmt(p))
            for p in lig_p:
                out.append(fmt(lig_s[id(p)]['z']))
            for p, q in zip(ref_p, lig_p):
                scale = max(1.0, float(p.abs().max()))
                worst = max(worst, float((p.double() - q.double()).abs().max()) / scale)
    out.append("end")
    if light:
        print("%-28s light vs reference: max |diff| / max(1, max|y|) = %.3g" % (name, worst),
              file=sys.stderr)
        assert worst < (1e-12 if dtype == "float64" else 1e-5), name


def main():
    out = []
    sgd = lambda m=0.9, wd=0.0, r=0.0, wlp=2.0: dict(momentum=m, weight_decay=wd, r=r,
                                                     weight_lr_power=wlp)

    def adamw(b1=0.9, b2=0.999, eps=1e-8, wd=0.0, at_z=False, im=0.0, r=0.0, wlp=2.0):
        return dict(betas=(b1, b2), eps=eps, weight_decay=wd, decay_at_z=at_z, inner_momentum=im,
                    r=r, weight_lr_power=wlp)

    one = [(1.0, -1.0)]
    two = [(1.0, -1.0), (0.5, 0.05)]
    t1 = [(13, 0)]
    t3 = [(13, 0), (7, 0), (21, 0)]
    t3g = [(13, 0), (7, 1), (21, 1)]
    # Schedules with a decay at the end (WSD-like) and an LR that returns to 0.
    wsd = [0.25, 0.5, 0.75, 1, 1, 1, 1, 1, 0.75, 0.5, 0.25, 0.0]
    for dtype in ("float64", "float32"):
        s = "" if dtype == "float64" else "_f32"
        run_case(out, "sgd_default" + s, "sgd", dtype, sgd(), one, t3, None, 0, 0.1, True)
        run_case(out, "sgd_warmup5_wd_m098" + s, "sgd", dtype, sgd(m=0.98, wd=0.01), one, t3, None,
                 5, 0.1, True, seed=1)
        run_case(out, "sgd_warmup3_r1_wlp0" + s, "sgd", dtype, sgd(r=1.0, wlp=0.0), one, t1, None,
                 3, 0.05, True, seed=2)
        run_case(out, "sgd_two_groups_r05" + s, "sgd", dtype, sgd(wd=0.001, r=0.5), two, t3g,
                 None, 4, 0.1, True, seed=3)
        run_case(out, "sgd_warmup20_clip" + s, "sgd", dtype, sgd(), one, t3, None, 20, 0.2, True,
                 max_grad_norm=1.0, seed=4)
        run_case(out, "sgd_wsd_lr_r2" + s, "sgd", dtype, sgd(m=0.98, r=2.0), one, t3, wsd, 0, 0.1,
                 True, seed=5)
        run_case(out, "adamw_default" + s, "adamw", dtype, adamw(), one, t3, None, 0, 0.01, True,
                 seed=6)
        run_case(out, "adamw_warmup5_wd_y" + s, "adamw", dtype, adamw(wd=0.1), one, t3, None, 5,
                 0.02, True, seed=7)
        run_case(out, "adamw_warmup3_wd_z_b098" + s, "adamw", dtype, adamw(b1=0.98, wd=0.1,
                 at_z=True), one, t3, None, 3, 0.02, False, seed=8)
        run_case(out, "adamw_warmup4_r2_wlp0" + s, "adamw", dtype, adamw(r=2.0, wlp=0.0), one, t3,
                 None, 4, 0.01, True, seed=9)
        run_case(out, "adamw_inner_momentum" + s, "adamw", dtype, adamw(im=0.9, wd=0.05), one, t3,
                 None, 2, 0.01, True, seed=10)
        run_case(out, "adamw_two_groups_r1" + s, "adamw", dtype, adamw(wd=0.01, r=1.0, b2=0.99),
                 two, t3g, None, 6, 0.02, True, seed=11)
        run_case(out, "adamw_two_groups_wd_z" + s, "adamw", dtype, adamw(wd=0.01, at_z=True,
                 im=0.9, b1=0.98), two, t3g, None, 2, 0.02, False, seed=12)
        run_case(out, "adamw_clip_wsd_lr" + s, "adamw", dtype, adamw(wd=0.02), one, t3, wsd, 0,
                 0.03, True, max_grad_norm=0.5, seed=13)
    print("\n".join(out))


if __name__ == "__main__":
    main()
