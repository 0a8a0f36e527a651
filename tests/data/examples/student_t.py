#!/usr/bin/python3
"""One-sided 95 % quantiles of Student's t (scipy.stats.t.ppf(0.95, df)) for df = 1..30, the
table in examples/common/stats.hpp, and a few values above 30 for its expansion's test."""
from scipy.stats import t

print("table:", ", ".join(f"{t.ppf(0.95, df):.6f}" for df in range(1, 31)))
for df in (31, 40, 60, 120, 1000):
    print(f"df {df}: {t.ppf(0.95, df):.6f}")

# Paired one-sided tests of examples/common/stats.hpp's significantly_greater: p < 0.05 means
# "a beats b beyond the noise".
from scipy.stats import ttest_rel

cases = {
    "clear": ([83.1, 84.0, 83.5], [82.0, 83.1, 82.2]),
    "noisy": ([80.0, 81.0, 82.0], [79.5, 81.2, 81.4]),
    "borderline_in": ([1.0, 2.0, 3.0], [0.3, 1.0, 2.55]),
    "four_seeds": ([87.1, 87.3, 86.9, 87.6], [86.8, 87.4, 86.5, 87.2]),
}
for name, (a, b) in cases.items():
    r = ttest_rel(a, b, alternative="greater")
    print(f"{name}: t {r.statistic:.6f} p {r.pvalue:.6f}")
