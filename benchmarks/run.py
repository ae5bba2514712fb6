"""Benchmarks: redcity against a networkx baseline, measured in the same run.

Run ``python benchmarks/run.py`` (or ``--sizes 10000 100000`` for a quick
look).  Every figure is timed for redcity and for networkx doing the same job
on the same data, and printed as a ratio next to the target the issue set:
``speedup`` rows must reach at least the target, ``cost`` rows (build time,
memory) must stay at or below it.  Each time is one job (a build, or
``--calls`` queries drawn at random, 20,000 by default so the data do not
all sit in the CPU cache), the best of a few autoranged repeats; the
machine's load moves absolute numbers, not the ratios much.

Nothing here asserts: speed is reported, never tested.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import grid
from harness import Table

SUITES = {"grid": grid}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(SUITES),
        default=sorted(SUITES),
        help="which suites to run",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[100_000, 1_000_000],
        help="grid tree sizes",
    )
    parser.add_argument("--calls", type=int, default=20_000, help="queries per job")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    if "grid" in args.only:
        for n in args.sizes:
            grid.bench(n, table, seed=args.seed, calls=args.calls)
    table.print()


if __name__ == "__main__":
    main()
