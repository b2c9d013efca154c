"""Medians, percentiles, and running the sides of a comparison interleaved.

Interleaving (A B, B A, ... in shuffled order each round) spreads any drift of the
machine's load over every side, so that the ratio holds even when the load changes.
"""

from __future__ import annotations

import gc
import math
import random
import statistics
from collections.abc import Awaitable, Callable, Mapping, Sequence


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def interleaved(
    sides: Mapping[str, Callable[[], float]], rounds: int, *, seed: int = 0
) -> dict[str, list[float]]:
    """Run each side once per round, in a shuffled order; the samples of each side."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {name: [] for name in sides}
    order = list(sides)
    for _ in range(rounds):
        rng.shuffle(order)
        for name in order:
            gc.collect()
            samples[name].append(sides[name]())
    return samples


async def interleaved_async(
    sides: Mapping[str, Callable[[], Awaitable[float]]], rounds: int, *, seed: int = 0
) -> dict[str, list[float]]:
    """`interleaved` for coroutine sides, all on the running event loop."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {name: [] for name in sides}
    order = list(sides)
    for _ in range(rounds):
        rng.shuffle(order)
        for name in order:
            gc.collect()
            samples[name].append(await sides[name]())
    return samples
