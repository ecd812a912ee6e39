"""Held-out splits that Deja's benchmarks draw the same way: Deja's own seeded shuffle, in Python.

`ts_shuffle` is `new Rng(seed).shuffle(items)` of src/core/rng.ts (mulberry32, in-place Fisher–Yates
from the end) bit for bit, so a recipe can hold out exactly the photos a TypeScript benchmark queries
with. bench/classify.ts shuffles the intel-scenes members (tar order) with Rng(5) and takes the first
20 % as queries (of its 6,000-photo subset, i.e. the first 1,200 of the shuffle); `bench_held_out`
applies the same rule to all of them, so its first 1,200 are those queries.
"""
import math

M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & M32


class Mulberry32:
    """src/core/rng.ts `Rng`: uniform doubles in [0, 1) from a 32-bit state (all arithmetic mod 2^32)."""

    def __init__(self, seed: int = 1):
        self.state = seed & M32

    def next(self) -> float:
        self.state = t = (self.state + 0x6D2B79F5) & M32
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    def int(self, n: int) -> int:
        return math.floor(self.next() * n)


def ts_shuffle(items: list, seed: int) -> list:
    """A shuffled copy of `items`, the order `new Rng(seed).shuffle(items)` gives."""
    out, rng = list(items), Mulberry32(seed)
    for i in range(len(out) - 1, 0, -1):
        j = rng.int(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def bench_held_out(count: int, seed: int = 5, fraction: float = 0.2) -> list:
    """Indices (into the tar-order member list) held out: the first round(fraction · count) of Rng(seed)'s shuffle.

    Rounding is JavaScript's Math.round (half up), as bench/classify.ts rounds its query count.
    """
    k = math.floor(count * fraction + 0.5)
    return ts_shuffle(list(range(count)), seed)[:k]
