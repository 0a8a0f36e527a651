# SPDX-License-Identifier: MIT
# Predicted final losses of fixed schedules under the Multi-Power Law (Luo et al., ICLR 2025,
# arXiv:2503.12811) with the authors' published parameters, computed in NumPy from the formula of
# their code (src/models.py), independently of lrs. The schedules are rebuilt per step as in
# ../shared/data/loss_curves/multi_power_law/README.md (peak 3e-4, end 3e-5, warm-up W = 2160).
#
# Run: python3 tests/data/multi_power_law/mpl_final_loss.py > tests/data/multi_power_law/mpl_final_loss.csv
import numpy as np

PARAMS = {  # code convention: L0, A, alpha, B, C, beta, gamma
    "25M": [3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257],
    "100M": [2.6514477, 0.60115152, 0.45295811, 437.9464276, 2.13245612, 0.59785199, 0.65523644],
    "400M": [2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735, 0.59350493, 0.63472457],
}
PEAK, END, W, T = 3e-4, 3e-5, 2160, 24000


def schedule(name):
    t = np.arange(T, dtype=np.float64)
    lr = np.full(T, PEAK)
    lr[:W] = np.linspace(0.0, PEAK, W)
    after = t >= W
    if name == "cosine":
        lr[after] = END + 0.5 * (PEAK - END) * (1 + np.cos(np.pi * (t[after] - W) / (T - W)))
    elif name == "wsd_geometric":  # wsd_20000_24000
        d = t >= 20000
        lr[d] = PEAK ** ((24000 - t[d]) / 4000) * END ** ((t[d] - 20000) / 4000)
    elif name == "wsd_linear":  # wsdld_20000_24000
        d = t >= 20000
        f = (t[d] - 20000) / 4000
        lr[d] = PEAK * (1 - f) + END * f
    elif name != "constant":
        raise ValueError(name)
    return lr


def final_loss(p, lr, convention="code"):
    """pred(T-1) of the authors' code; the paper convention keeps only the gaps from step W on."""
    l0, a, alpha, b, c, beta, gamma = p
    s = np.cumsum(lr)
    total = s[-1]
    k = np.arange(1, len(lr))
    if convention == "paper":
        k = np.arange(W, len(lr))
    gap = lr[k] - lr[k - 1]
    area = total - s[k - 1]  # S(s) - S(k-1): sum of lr[k..s]
    g = 1.0 - (1.0 + c * lr[k] ** (-gamma) * area) ** (-beta)
    return l0 + a * total ** (-alpha) + b * np.sum(gap * g)


if __name__ == "__main__":
    print("size,schedule,convention,final_loss")
    for size, p in PARAMS.items():
        for name in ("cosine", "wsd_geometric", "wsd_linear", "constant"):
            for conv in ("code", "paper"):
                print(f"{size},{name},{conv},{final_loss(p, schedule(name), conv)!r}")
