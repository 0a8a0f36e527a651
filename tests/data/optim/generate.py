#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes golden.txt: parameter trajectories of torch.optim.SGD / Adam / AdamW (PyTorch 1.13, CPU)
# for the lrs optimizer tests. Run with an interpreter that has torch:
#   /usr/bin/python3 tests/data/optim/generate.py > tests/data/optim/golden.txt
#
# Format (whitespace-separated tokens), per case:
#   case <name> <sgd|adam|adamw> <float64|float32>
#   options: sgd   -> momentum dampening nesterov weight_decay maximize max_grad_norm
#            adam* -> beta1 beta2 eps weight_decay amsgrad maximize max_grad_norm
#   groups G, then G x (lr_scale weight_decay)      weight_decay -1: the optimizer's own
#   tensors K, then K x (size group)
#   K lines of initial parameters
#   steps S, then S x (lr momentum, K gradient lines, K expected-parameter lines)
#                 momentum -1: not changed at this step (else SGD momentum / Adam beta1)
#   end
import torch

torch.set_num_threads(1)


def fmt(values):
    return " ".join("%.17g" % float(v) for v in values)


def run_case(name, kind, dtype, opts, groups, tensors, steps, lrs, moms, grad_scale=1.0, seed=0):
    gen = torch.Generator().manual_seed(seed)
    dt = torch.float64 if dtype == "float64" else torch.float32
    params = [torch.randn(size, generator=gen, dtype=torch.float64).to(dt).requires_grad_(True)
              for size, _ in tensors]
    init = [p.detach().clone() for p in params]
    default_wd = opts["weight_decay"]
    pgroups = []
    for gi, (scale, wd) in enumerate(groups):
        members = [p for p, (_, g) in zip(params, tensors) if g == gi]
        pgroups.append({"params": members, "lr": lrs[0] * scale,
                        "weight_decay": default_wd if wd < 0 else wd})
    if kind == "sgd":
        opt = torch.optim.SGD(pgroups, lr=lrs[0], momentum=opts["momentum"],
                              dampening=opts["dampening"], nesterov=opts["nesterov"],
                              weight_decay=default_wd, maximize=opts["maximize"])
    else:
        cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        opt = cls(pgroups, lr=lrs[0], betas=(opts["beta1"], opts["beta2"]), eps=opts["eps"],
                  weight_decay=default_wd, amsgrad=opts["amsgrad"], maximize=opts["maximize"],
                  foreach=False)
    out = ["case %s %s %s" % (name, kind, dtype)]
    if kind == "sgd":
        out.append(fmt([opts["momentum"], opts["dampening"], int(opts["nesterov"]), default_wd,
                        int(opts["maximize"]), opts["max_grad_norm"]]))
    else:
        out.append(fmt([opts["beta1"], opts["beta2"], opts["eps"], default_wd,
                        int(opts["amsgrad"]), int(opts["maximize"]), opts["max_grad_norm"]]))
    out.append("groups %d" % len(groups))
    out += [fmt(g) for g in groups]
    out.append("tensors %d" % len(tensors))
    out += ["%d %d" % t for t in tensors]
    out += [fmt(p.tolist()) for p in init]
    out.append("steps %d" % steps)
    for t in range(steps):
        lr, mom = lrs[t], moms[t]
        # Shrinking gradients later on make AMSGrad's running max of v matter.
        mag = grad_scale * (2.0 if t < 2 else 0.3)
        grads = [(mag * torch.randn(size, generator=gen, dtype=torch.float64)).to(dt)
                 for size, _ in tensors]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        if opts["max_grad_norm"] > 0:
            torch.nn.utils.clip_grad_norm_(params, opts["max_grad_norm"])
        for gi, group in enumerate(opt.param_groups):
            group["lr"] = lr * groups[gi][0]
            if mom >= 0:
                if kind == "sgd":
                    group["momentum"] = mom
                else:
                    group["betas"] = (mom, group["betas"][1])
        opt.step()
        out.append(fmt([lr, mom]))
        out += [fmt(g.tolist()) for g in grads]
        out += [fmt(p.detach().tolist()) for p in params]
    out.append("end")
    print("\n".join(out))


def sgd_opts(**kw):
    o = dict(momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, maximize=False,
             max_grad_norm=0.0)
    o.update(kw)
    return o


def adam_opts(wd=0.0, **kw):
    o = dict(beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=wd, amsgrad=False, maximize=False,
             max_grad_norm=0.0)
    o.update(kw)
    return o


LRS = [0.1, 0.08, 0.12, 0.05, 0.03, 0.2]
NOMOM = [-1] * 6
CYCLE = [0.95, 0.9, 0.85, 0.9, 0.95, 0.88]
ONE = [(1.0, -1.0)]
TWO = [(1.0, -1.0), (0.5, 0.1)]

for dtype in ("float64", "float32"):
    sfx = "" if dtype == "float64" else "_f32"
    run_case("sgd_plain" + sfx, "sgd", dtype, sgd_opts(), ONE, [(7, 0)], 5, LRS, NOMOM, seed=1)
    run_case("sgd_momentum_dampening_wd_cycled" + sfx, "sgd", dtype,
             sgd_opts(momentum=0.9, dampening=0.1, weight_decay=1e-3), ONE, [(13, 0)], 6, LRS,
             CYCLE, seed=2)
    run_case("sgd_nesterov_maximize_wd" + sfx, "sgd", dtype,
             sgd_opts(momentum=0.9, nesterov=True, weight_decay=1e-2, maximize=True), ONE,
             [(33, 0)], 6, LRS, NOMOM, seed=3)
    run_case("sgd_groups_clip" + sfx, "sgd", dtype,
             sgd_opts(momentum=0.8, weight_decay=1e-3, max_grad_norm=1.0), TWO,
             [(9, 0), (17, 1), (4, 0)], 5, LRS, CYCLE, seed=4)
    run_case("adam_default" + sfx, "adam", dtype, adam_opts(), ONE, [(11, 0)], 6, LRS, NOMOM,
             seed=5)
    run_case("adam_amsgrad_wd_cycled" + sfx, "adam", dtype, adam_opts(wd=1e-2, amsgrad=True),
             ONE, [(19, 0)], 6, LRS, CYCLE, seed=6)
    run_case("adam_maximize_eps_clip" + sfx, "adam", dtype,
             adam_opts(eps=1e-6, beta2=0.99, maximize=True, max_grad_norm=0.5), ONE, [(23, 0)],
             5, LRS, NOMOM, seed=7)
    run_case("adam_groups" + sfx, "adam", dtype, adam_opts(wd=1e-3), TWO,
             [(10, 0), (6, 1), (35, 1)], 5, LRS, CYCLE, seed=8)
    run_case("adamw_default" + sfx, "adamw", dtype, adam_opts(wd=1e-2), ONE, [(12, 0)], 6, LRS,
             NOMOM, seed=9)
    run_case("adamw_amsgrad_cycled" + sfx, "adamw", dtype, adam_opts(wd=0.1, amsgrad=True), ONE,
             [(21, 0)], 6, LRS, CYCLE, seed=10)
    run_case("adamw_groups_maximize_clip" + sfx, "adamw", dtype,
             adam_opts(wd=1e-2, maximize=True, max_grad_norm=2.0), TWO, [(8, 0), (27, 1)], 5,
             LRS, CYCLE, grad_scale=3.0, seed=11)
