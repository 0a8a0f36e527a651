#!/usr/bin/env python3
# timm's normal LR noise for small noise_pct, drawn as PyTorch's CPU generator draws
# torch.randn(1) (mt19937 seeded with noise_seed + t; Box-Muller on 53-bit uniforms, the value
# rounded to float32; the second of a pair used when the first is rejected), with timm's
# rejection loop `while abs(noise) >= noise_pct`. Pure Python (no torch): the reference for the
# small-noise_pct rows of tests/schedules/timm_test.cpp, where drawing in torch takes thousands of
# generator calls per step.
#
# Run:  python3 tests/data/schedules/timm/small_noise.py
import math
import struct


class MT19937:
    def __init__(self, seed):
        self.mt = [0] * 624
        self.mt[0] = seed & 0xFFFFFFFF
        for i in range(1, 624):
            prev = self.mt[i - 1]
            self.mt[i] = (1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF
        self.index = 624

    def next(self):
        if self.index >= 624:
            for i in range(624):
                y = (self.mt[i] & 0x80000000) | (self.mt[(i + 1) % 624] & 0x7FFFFFFF)
                v = self.mt[(i + 397) % 624] ^ (y >> 1)
                if y & 1:
                    v ^= 0x9908B0DF
                self.mt[i] = v
            self.index = 0
        y = self.mt[self.index]
        self.index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def noise(t, pct, seed=42):
    g = MT19937((seed + t) & 0xFFFFFFFF)

    def uniform53():
        hi = g.next()
        lo = g.next()
        return ((hi << 32 | lo) & ((1 << 53) - 1)) * 2.0**-53

    while True:
        u1 = uniform53()
        u2 = uniform53()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        first = f32(r * math.cos(theta))
        if abs(first) < pct:
            return first
        second = f32(r * math.sin(theta))
        if abs(second) < pct:
            return second


if __name__ == "__main__":
    for pct in (0.67, 1e-2, 1e-3, 1e-4):
        print(pct, [repr(noise(t, pct)) for t in (1, 2, 3, 1000)])
