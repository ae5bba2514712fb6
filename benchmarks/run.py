"""Benchmarks: redcity against a baseline doing the same job, in the same run.

Run ``python benchmarks/run.py`` (``--only grid`` or ``--quick`` for a short
look).  Every figure is timed for redcity and for its baseline — networkx for
the grid, a hand-written loop or another package for points, a bare
``executemany`` for the journal — on the same data, and printed as a ratio
next to the target the issue set:
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

import demo
import dispatch
import grid
import journal
import ledger
import matching
import meetings
import scoring
import simulate
from harness import Table

SUITES = {
    "grid": grid,
    "scoring": scoring,
    "ledger": ledger,
    "journal": journal,
    "meetings": meetings,
    "dispatch": dispatch,
    "matching": matching,
    "simulate": simulate,
    "demo": demo,
}


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
    parser.add_argument(
        "--quick", action="store_true", help="10x smaller sizes: a smoke run"
    )
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    table = Table()
    if "grid" in args.only:
        for n in args.sizes:
            grid.bench(n // scale, table, seed=args.seed, calls=args.calls // scale)
    if "scoring" in args.only:
        scoring.bench(table, n_facts=1_000_000 // scale, seed=args.seed)
    if "ledger" in args.only:
        ledger.bench(table, n_entries=1_000_000 // scale, seed=args.seed)
    if "journal" in args.only:
        journal.bench(table, n_rows=1_000_000 // scale, seed=args.seed)
    if "meetings" in args.only:
        meetings.bench_all(
            table, n_units=5_000, n_meetings=10_000 // scale, seed=args.seed
        )
    if "dispatch" in args.only:
        dispatch.bench(table, n_tickets=1_000_000 // scale, seed=args.seed)
    if "matching" in args.only:
        matching.bench(table, n_wishes=1_000, n_members=300, seed=args.seed)
    if "simulate" in args.only:
        simulate.bench(table, n_tickets=100_000 // scale, seed=args.seed)
    if "demo" in args.only:
        demo.bench(table, repeat=1 if args.quick else 3)
    table.print()


if __name__ == "__main__":
    main()
