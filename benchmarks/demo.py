"""The front door's figures: ``redcity demo`` and ``import redcity``.

Three rows, each against the budget the issue sets (the "baseline" column
is the budget, so the ratio is the share of it used; ≤ 1× is within it):

- the demo's wall time, ``redcity demo --out DIR`` run as a user runs it
  (a fresh process, progress bar off), against one minute;
- its peak memory (the child's maximum resident set size), for the record,
  against a process that only imports redcity;
- ``import redcity`` in a fresh interpreter, against 0.3 s (heavy extras —
  pandas, matplotlib, hypothesis — are imported lazily, so it pays for
  attrs, cattrs, networkx, pendulum and holidays only).

Each is the best of ``--repeat`` runs.  Run ``python benchmarks/demo.py``.
Nothing here asserts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from harness import Table

DEMO_BUDGET = 60.0
"""Seconds: the demo finishes within a minute on a 2-core machine."""

IMPORT_BUDGET = 0.3
"""Seconds: ``import redcity`` (the issue's aim)."""


PEAK = "import resource, sys; print(resource.getrusage(resource.RUSAGE_SELF)"
PEAK += ".ru_maxrss * 1024, file=sys.stderr)"
"""Printed by each child last: its own peak resident bytes (``ru_maxrss``
of the children, as the parent sees it, would count the parent's pages a
child had between fork and exec)."""

DEMO = "import sys; from redcity.cli import main; code = main(sys.argv[1:]); "
DEMO += PEAK + "; sys.exit(code)"

IMPORT = "import time; t = time.perf_counter(); import redcity; "
IMPORT += "print(time.perf_counter() - t); " + PEAK


def _child_run(argv: Sequence[str]) -> tuple[float, int, str]:
    """Wall seconds, peak resident bytes and output of one child process."""
    start = time.perf_counter()
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    took = time.perf_counter() - start
    return took, int(done.stderr.split()[-1]), done.stdout


def bench(table: Table, *, repeat: int = 3) -> None:
    """Add the demo's and the import's rows to ``table``."""
    python = sys.executable
    imports = [_child_run([python, "-c", IMPORT]) for _ in range(repeat)]
    seconds = min(float(out) for _, _, out in imports)
    import_peak = min(peak for _, peak, _ in imports)
    with tempfile.TemporaryDirectory(prefix="redcity-demo-") as tmp:
        runs = [
            _child_run(
                [python, "-c", DEMO, "demo", "--no-progress", "--out", f"{tmp}/{i}"]
            )
            for i in range(repeat)
        ]
    wall = min(t for t, _, _ in runs)
    peak = max(p for _, p, _ in runs)
    print(f"[demo] {wall:.1f} s, peak {peak / 1e6:.0f} MB", file=sys.stderr)
    table.cost(
        "redcity demo --out: wall time vs the 1 min budget", 1, wall, DEMO_BUDGET, 1
    )
    table.info(
        "  demo peak memory vs a process importing redcity", 1, peak, import_peak
    )
    table.cost(
        "import redcity (fresh process) vs the 0.3 s budget",
        1,
        seconds,
        IMPORT_BUDGET,
        1,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    table = Table()
    bench(table, repeat=args.repeat)
    table.print()


if __name__ == "__main__":
    main()
