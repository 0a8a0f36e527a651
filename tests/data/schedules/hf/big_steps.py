#!/usr/bin/env python3
# transformers' inverse-sqrt and WSD factors where the step sums pass 2^63 - 1 (Python's ints are
# unbounded): the reference for "hf: step sums past 2^63 - 1" in tests/schedules/hf_test.cpp.
# The lambdas are taken, unchanged, from generate.py beside this file (its torch import is not
# needed for them, so they are read from its source).
#
# Run:  python3 tests/data/schedules/hf/big_steps.py
import ast
import math
import os
from typing import Optional

src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "generate.py")).read()
wanted = {"_get_inverse_sqrt_schedule_lr_lambda", "_get_wsd_scheduler_lambda"}
module = ast.Module(
    body=[n for n in ast.parse(src).body if isinstance(n, ast.FunctionDef) and n.name in wanted],
    type_ignores=[],
)
exec(compile(module, "generate.py", "exec"))

M = 2**63 - 1
for w, ts in ((0, 10000), (0, 3), (5, 7)):
    for t in (M - 10000, M - 9999, M, 2**53 + 1, 2**53 + 3, 2**60 + 12345):
        if t < w:
            continue
        f = _get_inverse_sqrt_schedule_lr_lambda(t, num_warmup_steps=w, timescale=ts)
        print(f"inverse_sqrt w={w} timescale={ts} t={t}: {f!r}")
for w, s, d, kind in ((2**62, 2**62, 2**62, "cosine"), (10, 2**62, M, "cosine"), (10, 2**62, M, "linear"), (1, M, M, "1-sqrt")):
    for t in (M - 1, M):
        f = _get_wsd_scheduler_lambda(
            t, num_warmup_steps=w, num_stable_steps=s, num_decay_steps=d, warmup_type="linear",
            decay_type=kind, min_lr_ratio=0.1, num_cycles=0.5)
        print(f"wsd w={w} s={s} d={d} {kind} t={t}: {f!r}")
