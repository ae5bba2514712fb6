"""Journal benchmarks: appending postings against a bare ``executemany``.

The figure the points issue sets: appending 10^6 postings to the journal
must take at most twice a bare ``executemany`` of the same rows into SQLite.
The baseline is the cheapest correct way to put those rows on disk: one
table of the same shape (``seq``, ``stream``, ``id``, ``payload``) without
the hash column, the ``UNIQUE (stream, id)`` index or the batches table,
the same pragmas (WAL, ``synchronous=FULL``), one transaction, one
``executemany``.  The journal adds the SHA-256 chain, the idempotency index,
the batch row, chunked savepoints and the record checks.

Two rows, each timed against its own baseline in the same run:

- *from postings*: both sides start from the :class:`~redcity.points.Posting`
  objects and serialize them with the same writer
  (:func:`redcity.points.journal.posting_to_json`): the journal through
  :func:`redcity.points.journal.save`, the baseline in its ``executemany``
  generator.  This is the issue's figure: what it costs to journal postings.
- *serialized rows*: both sides get the same ready ``(stream, id, payload)``
  tuples, so the ratio is the journal's own overhead alone (the stricter).

Each job writes a fresh file and closes it (so the WAL checkpoint is paid on
both sides), then deletes it.  Run ``python benchmarks/journal.py`` (or
``--rows 100000`` for a quick look).  Nothing here asserts.
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


# -- the baseline --------------------------------------------------------------

BARE_TABLE = (
    "CREATE TABLE records (seq INTEGER PRIMARY KEY, stream TEXT NOT NULL, "
    "id TEXT NOT NULL, payload TEXT NOT NULL)"
)


def bare(path: Path, rows: Iterable[tuple[str, str, str]]) -> None:
    """The same rows, same pragmas, one transaction, one ``executemany``."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(BARE_TABLE)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO records (stream, id, payload) VALUES (?, ?, ?)", rows
        )
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


def _interleaved(
    repeat: int, ours: Callable[[], None], theirs: Callable[[], None]
) -> tuple[float, float]:
    """Best times of both jobs, measured in turn so that load drifts hit both."""
    best_ours = best_theirs = float("inf")
    for _ in range(repeat):
        best_theirs = min(best_theirs, best_of(1, theirs))
        best_ours = min(best_ours, best_of(1, ours))
    return best_ours, best_theirs


def bench(table: Table, *, n_rows: int = 1_000_000, seed: int = 0) -> None:
    """Add the journal's rows to ``table``: appending ``n_rows`` postings."""
    print(f"[{n_rows:,} postings] building", file=sys.stderr)
    items = postings(n_rows, seed=seed)
    rows = [(POSTINGS, posting_key(p), posting_to_json(p)) for p in items]
    sample = items[: min(n_rows, 20_000)]
    if any(rs.to_json(p) != posting_to_json(p) for p in sample):
        raise SystemExit("posting_to_json disagrees with redcity.serialize")
    repeat = 3
    with tempfile.TemporaryDirectory(prefix="redcity-bench-") as tmp:
        folder = Path(tmp)

        def bare_from_postings(path: Path) -> None:
            bare(path, ((POSTINGS, posting_key(p), posting_to_json(p)) for p in items))

        print(f"[{n_rows:,} postings] from postings", file=sys.stderr)
        from_postings, theirs = _interleaved(
            repeat,
            _fresh(folder, lambda path: _journal_postings(path, items)),
            _fresh(folder, bare_from_postings),
        )
        table.cost(
            "append postings: journal vs bare executemany (both serialize)",
            n_rows,
            from_postings,
            theirs,
            2,
        )

        print(f"[{n_rows:,} postings] serialized rows", file=sys.stderr)
        ours, ready = _interleaved(
            repeat,
            _fresh(folder, lambda path: _journal_rows(path, rows)),
            _fresh(folder, lambda path: bare(path, rows)),
        )
        info(
            table, "append ready rows: journal vs bare executemany", n_rows, ours, ready
        )
        info(
            table,
            "append postings (journal) vs ready rows (bare executemany)",
            n_rows,
            from_postings,
            ready,
        )

        print(f"[{n_rows:,} postings] writers", file=sys.stderr)
        theirs = best_of(repeat, lambda: [rs.to_json(p) for p in sample])
        ours = best_of(repeat, lambda: [posting_to_json(p) for p in sample])
        table.speedup(
            "posting_to_json vs redcity.serialize.to_json", len(sample), ours, theirs, 2
        )


def info(table: Table, name: str, n: int, ours: float, theirs: float) -> None:
    """A row the issue sets no target for, reported for the record."""
    table.rows.append((name, n, ours, theirs, ours / theirs, "info", True))


def print_table(table: Table) -> None:
    """The table, its columns named for these rows (the baseline is SQLite's)."""
    head = ("figure", "rows", "redcity", "baseline", "ratio", "target", "")
    print(f"| {' | '.join(head)} |")
    print("|" + "---|" * len(head))
    for name, n, ours, theirs, ratio, target, ok in table.rows:
        cells = (
            name,
            f"{n:,}",
            f"{ours:.4g} s",
            f"{theirs:.4g} s",
            f"{ratio:.2f}×",
            "" if target == "info" else target,
            "" if target == "info" else ("ok" if ok else "MISSED"),
        )
        print(f"| {' | '.join(cells)} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    bench(table, n_rows=args.rows, seed=args.seed)
    print_table(table)
    print(
        f"\n(SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
