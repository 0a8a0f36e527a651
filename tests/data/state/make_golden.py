#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden states in the lrs state format (docs/state.md), written from the layout table with
Python's struct (explicit little-endian) and zlib.crc32 -- independently of the C++ writer.

    python3 tests/data/state/make_golden.py    # rewrites the .bin files next to this script

tests/core/state_test.cpp and tests/io/checkpoint_test.cpp decode them and check the values
below; they also check that the C++ writer produces the same bytes."""
import os
import struct
import zlib

F64, I64, BOOL, STR = 1, 2, 3, 4
NONE, FLOAT, DOUBLE = 0, 1, 2


def string(s):
    b = s.encode("utf-8")
    return struct.pack("<I", len(b)) + b


def hyper(name, value):
    if isinstance(value, bool):
        return string(name) + struct.pack("<BB", BOOL, 1 if value else 0)
    if isinstance(value, int):
        return string(name) + struct.pack("<Bq", I64, value)
    if isinstance(value, float):
        return string(name) + struct.pack("<Bd", F64, value)
    return string(name) + struct.pack("<B", STR) + string(value)


def state(kind, scalar, hypers, payload, kind_version=1):
    body = string(kind) + struct.pack("<IB", kind_version, scalar)
    body += struct.pack("<I", len(hypers)) + b"".join(hyper(n, v) for n, v in hypers)
    body += struct.pack("<Q", len(payload)) + payload
    total = 4 + 4 + 8 + len(body) + 4
    head = b"LRSS" + struct.pack("<IQ", 1, total)
    data = head + body
    return data + struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF)


def doubles(xs):
    return struct.pack("<Q", len(xs)) + struct.pack("<%dd" % len(xs), *xs)


def floats(xs):
    return struct.pack("<Q", len(xs)) + struct.pack("<%df" % len(xs), *xs)


# A state of every field type. Expected values: tests/core/state_test.cpp.
generic = state(
    "golden", DOUBLE,
    [("alpha", 0.1), ("count", -3), ("flag", True), ("mode", "min")],
    struct.pack("<B", 7) + struct.pack("<I", 0xDEADBEEF) + struct.pack("<q", -2)
    + struct.pack("<d", -1.5) + struct.pack("<f", 0.25) + string("plateau")
    + doubles([1.0, 0.1, -0.0, float("inf"), 5e-324]) + floats([0.5, -3.0])
    + struct.pack("<Q", 3) + struct.pack("<3q", 1, -1, 2**62)
    + struct.pack("<Q", 2) + bytes([0xAB, 0xCD]))

# lrs::adam<double> (default options) with one tensor of 3 parameters after 2 steps, beta1 0.85
# (set_beta1), and a second, never-stepped tensor.
adam = state(
    "adam", DOUBLE,
    [("beta2", 0.999), ("eps", 1e-8), ("weight_decay", 0.0), ("amsgrad", False),
     ("maximize", False), ("max_grad_norm", 0.0), ("groups", 1)],
    struct.pack("<d", 0.85) + struct.pack("<Q", 2)
    + struct.pack("<qq", 2, 3) + doubles([0.1, -0.2, 0.3]) + doubles([0.01, 0.04, 0.09]) + doubles([])
    + struct.pack("<qq", 0, -1) + doubles([]) + doubles([]) + doubles([]))

# lrs::reduce_lr_on_plateau<float>({0.1, 0.2}, max, factor 0.5, patience 3, threshold 0.01, abs,
# cooldown 2, min_lrs {0.001, 0}, eps 1e-8) after 7 epochs.
plateau = state(
    "reduce_lr_on_plateau", FLOAT,
    [("mode", "max"), ("threshold_mode", "abs"), ("factor", 0.5), ("patience", 3),
     ("threshold", struct.unpack("<f", struct.pack("<f", 0.01))[0]), ("cooldown", 2),
     ("eps", struct.unpack("<f", struct.pack("<f", 1e-8))[0]), ("groups", 2),
     ("min_lr[0]", struct.unpack("<f", struct.pack("<f", 0.001))[0]), ("min_lr[1]", 0.0)],
    floats([0.05, 0.1]) + struct.pack("<f", 0.75) + struct.pack("<qqq", 1, 2, 7))

# A checkpoint file holding both, as "optimizer" and "scheduler".
entries = [("optimizer", adam), ("scheduler", plateau)]
checkpoint = state(
    "checkpoint", NONE, [],
    struct.pack("<I", len(entries))
    + b"".join(string(n) + struct.pack("<Q", len(b)) + b for n, b in entries))

here = os.path.dirname(os.path.abspath(__file__))
for name, data in [("generic", generic), ("adam", adam), ("plateau", plateau),
                   ("checkpoint", checkpoint)]:
    with open(os.path.join(here, name + ".bin"), "wb") as f:
        f.write(data)
    print(name, len(data), "bytes, crc32 %08x" % (zlib.crc32(data[:-4]) & 0xFFFFFFFF))
