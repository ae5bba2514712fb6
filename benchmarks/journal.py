"""Journal benchmarks: appending 10^6 postings against a bare ``executemany``.

The figure the points issue sets (the target row): appending 10^6 postings
to the journal takes at most twice a bare ``executemany`` of the same rows
into SQLite.  Both sides get the same ready rows, ``(stream, id, payload)``
tuples already serialized by :func:`redcity.points.journal.posting_to_json`:

- *baseline*: the cheapest correct way to put those rows on disk: a plain
  table of the same shape (``seq``, ``stream``, ``id``, ``payload``) without
  the hash column, the ``UNIQUE (stream, id)`` index or the batches table;
  the same pragmas as the journal (WAL, ``synchronous=FULL``, SQLite's
  default page and cache sizes); one transaction; one ``executemany`` of
  one-row ``INSERT`` statements.
- *redcity*: :meth:`Journal.append <redcity.store.Journal.append>` of the
  same rows, with everything the journal guarantees: the record checks,
  the SHA-256 chain, the idempotency index, the batch row, one transaction.

The other rows are for the record (``info``, no target):

- the same journal time against a bare ``executemany`` of multi-row
  ``INSERT`` statements of 128 rows each, the shape the journal itself uses;
- appending from :class:`~redcity.points.Posting` objects: the journal
  through :func:`redcity.points.journal.save`, the baseline serializing with
  the same writer in its ``executemany`` generator;
- the points wing's posting writer against the generic converter (the
  ratio, like every ratio here, is redcity's time over the baseline's).

Each job writes a fresh file and closes it (so the WAL checkpoint is paid on
both sides), then deletes it; the jobs of a row run in turn, ``--repeat``
times, and each keeps its best time, so that load drifts hit both sides.
Run ``python benchmarks/journal.py`` (or ``--rows 100000`` for a quick
look).  Nothing here asserts.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import redcity.serialize as rs
from harness import Table, best_of
from redcity.points import Posting
from redcity.points.journal import POSTINGS, posting_key, posting_to_json, save
from redcity.store import Journal

CST = timezone(timedelta(hours=8))
RULES = (
    (
        "service-hours",
        "志愿服务{h}小时，每小时10分，得{p}分。",
        "{h} h of service: {p} points.",
    ),
    ("micro-wish", "完成微心愿，得{p}分。", "Micro-wish fulfilled: {p} points."),
    ("rating", "群众评单5星，得{p}分。", "Rated 5 stars by a resident: {p} points."),
    ("attendance", "参加主题党日，得{p}分。", "Attended the party day: {p} points."),
    ("deduction", "无故缺席，扣{p}分。", "Absent without leave: {p} points."),
)


def postings(n: int, *, seed: int = 0) -> list[Posting]:
    """``n`` postings like a year of a city's scoring produces."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 8, tzinfo=CST)
    out = []
    for i in range(n):
        rule, zh, en = rng.choice(RULES)
        hours = rng.randint(1, 8)
        points = -rng.randint(1, 10) if rule == "deduction" else 10 * hours
        out.append(
            Posting(
                fact_id=f"f{i:08d}",
                rule_id=rule,
                member_id=f"m{rng.randrange(50_000):06d}",
                node_id=f"520304{rng.randint(1, 5):03d}{rng.randint(1, 27):03d}"
                f"{rng.randint(1, 16):03d}",
                issuer_id=f"org-{rng.randrange(200):03d}",
                at=start + timedelta(minutes=rng.randrange(525_600)),
                points=points,
                explanation_zh=zh.format(h=hours, p=abs(points)),
                explanation_en=en.format(h=hours, p=abs(points)),
            )
        )
    return out


# -- the baselines ------------------------------------------------------------

BARE_TABLE = (
    "CREATE TABLE records (seq INTEGER PRIMARY KEY, stream TEXT NOT NULL, "
    "id TEXT NOT NULL, payload TEXT NOT NULL)"
)

BARE_INSERT = "INSERT INTO records (stream, id, payload) VALUES "

GROUP = 128
"""Rows per statement of the multi-row baseline: the journal's own group."""


def bare(path: Path, rows: Iterable[tuple[str, str, str]]) -> None:
    """The same rows, same pragmas, one transaction, one ``executemany``."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(BARE_TABLE)
        conn.execute("BEGIN")
        conn.executemany(BARE_INSERT + "(?, ?, ?)", rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


def bare_grouped(path: Path, rows: Sequence[tuple[str, str, str]]) -> None:
    """Like :func:`bare`, with :data:`GROUP` rows per ``INSERT`` statement."""
    full = len(rows) // GROUP * GROUP
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(BARE_TABLE)
        conn.execute("BEGIN")
        conn.executemany(
            BARE_INSERT + ", ".join(["(?, ?, ?)"] * GROUP),
            (
                list(itertools.chain.from_iterable(rows[i : i + GROUP]))
                for i in range(0, full, GROUP)
            ),
        )
        conn.executemany(BARE_INSERT + "(?, ?, ?)", rows[full:])
        conn.execute("COMMIT")
    finally:
        conn.close()


# -- the figures ---------------------------------------------------------------


def _fresh(folder: Path, job: Callable[[Path], object]) -> Callable[[], None]:
    """``job`` on a new file each run, deleted afterwards (inside the timing)."""
    counter = itertools.count()

    def run() -> None:
        path = folder / f"run-{next(counter)}.db"
        job(path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return run


def _journal_rows(path: Path, rows: Sequence[tuple[str, str, str]]) -> None:
    with Journal.open(path) as journal:
        journal.append("bench", rows)


def _journal_postings(path: Path, items: Sequence[Posting]) -> None:
    with Journal.open(path) as journal:
        save(journal, "bench", postings=items)


def _in_turn(repeat: int, *jobs: Callable[[], None]) -> list[float]:
    """Each job's best time, the jobs run in turn so that load drifts hit all."""
    best = [float("inf")] * len(jobs)
    for _ in range(repeat):
        for i, job in enumerate(jobs):
            best[i] = min(best[i], best_of(1, job))
    return best


def bench(
    table: Table, *, n_rows: int = 1_000_000, seed: int = 0, repeat: int = 5
) -> None:
    """Add the journal's rows to ``table``: appending ``n_rows`` postings."""
    print(f"[{n_rows:,} postings] building", file=sys.stderr)
    items = postings(n_rows, seed=seed)
    rows = [(POSTINGS, posting_key(p), posting_to_json(p)) for p in items]
    sample = items[: min(n_rows, 20_000)]
    if any(rs.to_json(p) != posting_to_json(p) for p in sample):
        raise SystemExit("posting_to_json disagrees with redcity.serialize")
    with tempfile.TemporaryDirectory(prefix="redcity-bench-") as tmp:
        folder = Path(tmp)

        print(f"[{n_rows:,} postings] ready rows", file=sys.stderr)
        theirs, ours, grouped = _in_turn(
            repeat,
            _fresh(folder, lambda path: bare(path, rows)),
            _fresh(folder, lambda path: _journal_rows(path, rows)),
            _fresh(folder, lambda path: bare_grouped(path, rows)),
        )
        table.cost(
            "append ready rows: Journal.append vs bare executemany (target)",
            n_rows,
            ours,
            theirs,
            2,
        )
        table.info(
            f"append ready rows: Journal.append vs bare {GROUP}-row INSERTs",
            n_rows,
            ours,
            grouped,
        )

        def bare_from_postings(path: Path) -> None:
            bare(path, ((POSTINGS, posting_key(p), posting_to_json(p)) for p in items))

        print(f"[{n_rows:,} postings] from postings", file=sys.stderr)
        theirs, ours = _in_turn(
            max(1, repeat // 2),
            _fresh(folder, bare_from_postings),
            _fresh(folder, lambda path: _journal_postings(path, items)),
        )
        table.info(
            "append postings: save vs bare executemany (both serialize)",
            n_rows,
            ours,
            theirs,
        )

        print(f"[{n_rows:,} postings] writers", file=sys.stderr)
        theirs = best_of(repeat, lambda: [rs.to_json(p) for p in sample])
        ours = best_of(repeat, lambda: [posting_to_json(p) for p in sample])
        table.info(
            "serialize postings: posting_to_json vs redcity.serialize.to_json",
            len(sample),
            ours,
            theirs,
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each job; the best counts"
    )
    args = parser.parse_args(argv)
    table = Table()
    bench(table, n_rows=args.rows, seed=args.seed, repeat=args.repeat)
    table.print()
    print(
        f"\n(SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
