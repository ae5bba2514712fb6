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
machine's load moves absolute numbers, not the ratios much.  Each suite
runs in a fresh process, so that what one leaves on the heap does not slow
the next; each suite's rows come from one process, so ours and the
baseline's share its state.

Nothing here asserts: speed is reported, never tested.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

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


ORDER = tuple(SUITES)
"""The suites in the order they run and print (grid first, the demo last)."""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(SUITES),
        default=list(ORDER),
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
    parser.add_argument("--rows-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    only = [name for name in ORDER if name in args.only]
    if args.rows_to is not None:  # a child: one suite, rows to a file
        table = Table()
        run_suite(only[0], table, args)
        args.rows_to.write_text(json.dumps(table.rows), "utf-8")
        return
    # Each suite runs in a fresh process: what one leaves on the heap (a
    # million-node tree, a million postings) must not slow the next.
    table = Table()
    passed = _without_only(list(sys.argv[1:] if argv is None else argv))
    with tempfile.TemporaryDirectory(prefix="redcity-bench-") as tmp:
        for name in only:
            rows = Path(tmp) / f"{name}.json"
            command = [sys.executable, __file__, *passed, "--only", name]
            subprocess.run([*command, "--rows-to", str(rows)], check=True)
            table.rows.extend(tuple(r) for r in json.loads(rows.read_text("utf-8")))
    table.print()


def _without_only(argv: list[str]) -> list[str]:
    """The command line less its ``--only`` names."""
    out: list[str] = []
    skipping = False
    for a in argv:
        if a == "--only":
            skipping = True
        elif skipping and not a.startswith("--"):
            continue
        else:
            skipping = False
            out.append(a)
    return out


def run_suite(name: str, table: Table, args: argparse.Namespace) -> None:
    """Add one suite's rows to ``table``."""
    scale = 10 if args.quick else 1
    if name == "grid":
        for n in args.sizes:
            grid.bench(n // scale, table, seed=args.seed, calls=args.calls // scale)
    elif name == "scoring":
        scoring.bench(table, n_facts=1_000_000 // scale, seed=args.seed)
    elif name == "ledger":
        ledger.bench(table, n_entries=1_000_000 // scale, seed=args.seed)
    elif name == "journal":
        journal.bench(table, n_rows=1_000_000 // scale, seed=args.seed)
    elif name == "meetings":
        meetings.bench_all(
            table, n_units=5_000, n_meetings=10_000 // scale, seed=args.seed
        )
    elif name == "dispatch":
        dispatch.bench(table, n_tickets=1_000_000 // scale, seed=args.seed)
    elif name == "matching":
        matching.bench(table, n_wishes=1_000, n_members=300, seed=args.seed)
    elif name == "simulate":
        simulate.bench(table, n_tickets=100_000 // scale, seed=args.seed)
    elif name == "demo":
        demo.bench(table, repeat=1 if args.quick else 3)


if __name__ == "__main__":
    main()
