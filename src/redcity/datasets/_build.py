"""Shared helpers for the dataset generators: exact splits and household totals."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

__all__ = ["fill_totals", "split"]


def split(
    total: int,
    parts: int,
    rng: random.Random,
    *,
    spread: float = 0.3,
    minimum: int = 1,
) -> list[int]:
    """``parts`` whole numbers near ``total / parts`` that sum to ``total`` exactly.

    Each part gets ``minimum`` first; the rest is shared by random weights in
    ``[1 - spread, 1 + spread]`` (largest remainders settle the rounding), so
    fan-outs vary the way real ones do without the long tails of a uniform
    composition.

    >>> counts = split(432, 27, random.Random(0))
    >>> sum(counts), len(counts), min(counts) >= 1
    (432, 27, True)
    """
    if parts <= 0:
        return []
    extra = total - minimum * parts
    if extra < 0:
        msg = f"Cannot split {total} into {parts} parts of at least {minimum}."
        raise ValueError(msg)
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = extra / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    short = extra - sum(counts)
    if short:
        by_remainder = sorted(
            range(parts), key=lambda i: shares[i] - counts[i], reverse=True
        )
        for i in by_remainder[:short]:
            counts[i] += 1
    return [c + minimum for c in counts]


def fill_totals(
    rows: Sequence[dict[str, Any]], parents: Sequence[int], leaf: Sequence[int]
) -> None:
    """Set ``households`` and ``population`` of every row to its subtree's total.

    Args:
        rows: Records in an order where each parent comes before its children.
        parents: The position of each row's parent in ``rows`` (-1 at the root).
        leaf: For each row, 1 when its own ``households``/``population`` are
            the leaf figures to add up, 0 when they are to be computed.
    """
    size = len(rows)
    households = [rows[i]["households"] if leaf[i] else 0 for i in range(size)]
    population = [rows[i]["population"] if leaf[i] else 0 for i in range(size)]
    for i in range(size - 1, 0, -1):
        p = parents[i]
        households[p] += households[i]
        population[p] += population[i]
    for i, row in enumerate(rows):
        row["households"] = households[i]
        row["population"] = population[i]
