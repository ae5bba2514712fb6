"""Shared measuring tools for the benchmark scripts: timings, memory, the table."""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def best_of(repeat: int, job: Callable[[], Any], *, at_least: float = 0.2) -> float:
    """Seconds one run of ``job`` takes: the best of ``repeat`` measurements.

    Like :mod:`timeit`'s autorange, each measurement loops ``job`` enough
    times to last ``at_least`` seconds, so short jobs are not lost in timer
    noise; the collector runs once before, not between loops, so caches
    stay as a caller's would be.
    """
    gc.collect()
    loops = 1
    while True:
        took = _timed(job, loops)
        if took >= at_least or loops >= 1 << 20:
            break
        loops = max(loops * 2, int(loops * at_least / max(took, 1e-9)) + 1)
    best = took
    for _ in range(repeat - 1):
        best = min(best, _timed(job, loops))
    return best / loops


def _timed(job: Callable[[], Any], loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        job()
    return time.perf_counter() - start


def retained_bytes(job: Callable[[], Any]) -> int:
    """Bytes still allocated by ``job``'s result once it returns."""
    gc.collect()
    tracemalloc.start()
    result = job()
    gc.collect()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del result
    return size


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int, float, float, float, str, bool]] = []

    def speedup(
        self, name: str, n: int, ours: float, theirs: float, at_least: float
    ) -> None:
        """A row where the baseline's time over ours must reach ``at_least``."""
        ratio = theirs / ours
        ok = ratio >= at_least
        self.rows.append((name, n, ours, theirs, ratio, f"≥ {at_least:g}×", ok))

    def cost(
        self, name: str, n: int, ours: float, theirs: float, at_most: float
    ) -> None:
        """A row where our cost over the baseline's must stay within ``at_most``."""
        ratio = ours / theirs
        ok = ratio <= at_most
        self.rows.append((name, n, ours, theirs, ratio, f"≤ {at_most:g}×", ok))

    def info(
        self, name: str, n: int, ours: float, theirs: float, *, speedup: bool = False
    ) -> None:
        """A row reported for the record, with no target: the ratio is the
        baseline's time over ours when ``speedup``, else ours over the
        baseline's."""
        ratio = theirs / ours if speedup else ours / theirs
        self.rows.append((name, n, ours, theirs, ratio, "info", True))

    def print(self) -> None:
        head = ("figure", "size", "redcity", "baseline", "ratio", "target", "")
        print(f"| {' | '.join(head)} |")
        print("|" + "---|" * len(head))
        for name, n, ours, theirs, ratio, target, ok in self.rows:
            unit = "MB" if "memory" in name else "s"
            scale = 1e-6 if unit == "MB" else 1.0
            cells = (
                name,
                f"{n:,}",
                f"{ours * scale:.4g} {unit}",
                f"{theirs * scale:.4g} {unit}",
                f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.1f}×",
                "" if target == "info" else target,
                "" if target == "info" else ("ok" if ok else "MISSED"),
            )
            print(f"| {' | '.join(cells)} |")
