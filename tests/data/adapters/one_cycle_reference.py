# Prints PyTorch's OneCycleLR LR and momentum (SGD momentum and Adam beta1) at chosen steps, the
# reference values of tests/adapters/torch_adapter_test.cpp. Run: /usr/bin/python3 one_cycle_reference.py
import torch

steps = [0, 1, 14, 29, 30, 50, 64, 99]
for name, make in [("SGD", lambda p: torch.optim.SGD(p, lr=1.0, momentum=0.9)),
                   ("Adam", lambda p: torch.optim.Adam(p, lr=1.0))]:
    opt = make([torch.zeros(1, requires_grad=True)])
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=100)
    for t in range(100):
        g = opt.param_groups[0]
        if t in steps:
            m = g["momentum"] if name == "SGD" else g["betas"][0]
            print(f"{name} {t} lr={g['lr']!r} momentum={m!r}")
        opt.step()
        sched.step()
