"""Migrations from older journal formats to :data:`~redcity.store.FORMAT`.

Each step takes a journal of format ``n`` to ``n + 1`` inside the caller's
write transaction (``BEGIN IMMEDIATE``), so a journal is either migrated
completely or left as it was.  Add a step to :data:`STEPS` whenever the
format changes, and keep the old layout here so that the tests can build a
journal of every older format.

Format 1 (redcity before the hash chain) kept each record's batch id on the
row and nothing else: no hash, no batch ranges.  Migrating it computes the
hash chain over the rows in ``seq`` order and the batches' ranges and heads
from the rows each batch holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Final

from redcity.store._format import FORMAT, GENESIS, SCHEMA, row_hash

__all__ = ["STEPS", "V1_SCHEMA", "migrate"]

V1_SCHEMA: Final = (
    """
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        committed_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE records (
        seq INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        id TEXT NOT NULL,
        payload TEXT NOT NULL,
        batch_id TEXT NOT NULL REFERENCES batches (id),
        UNIQUE (stream, id)
    )
    """,
)
"""The tables of format 1: batches in commit order, records naming their batch."""


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Add the hash chain and the batches' ranges and heads."""
    conn.execute("ALTER TABLE records RENAME TO records_v1")
    conn.execute("ALTER TABLE batches RENAME TO batches_v1")
    for statement in SCHEMA:
        conn.execute(statement)
    # batch id -> [first seq, last seq, head after it]
    spans: dict[str, tuple[int, int, bytes]] = {}

    def chained() -> Iterator[tuple[int, str, str, str, bytes]]:
        prev = GENESIS
        rows = conn.execute(
            "SELECT seq, stream, id, payload, batch_id FROM records_v1 ORDER BY seq"
        )
        for seq, stream, id, payload, batch_id in rows:
            prev = row_hash(prev, stream, id, payload)
            first = spans[batch_id][0] if batch_id in spans else seq
            spans[batch_id] = (first, seq, prev)
            yield seq, stream, id, payload, prev

    conn.executemany(
        "INSERT INTO records (seq, stream, id, payload, hash) VALUES (?, ?, ?, ?, ?)",
        chained(),
    )
    last_seq, head = 0, GENESIS
    batches = conn.execute(
        "SELECT id, committed_at FROM batches_v1 ORDER BY rowid"
    ).fetchall()
    for batch_id, committed_at in batches:
        first_seq = last_seq + 1
        if batch_id in spans:  # else the batch added nothing: an empty range
            _, last_seq, head = spans[batch_id]
        conn.execute(
            "INSERT INTO batches (id, first_seq, last_seq, head, committed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (batch_id, first_seq, last_seq, head, committed_at),
        )
    conn.execute("DROP TABLE records_v1")
    conn.execute("DROP TABLE batches_v1")


STEPS: Final[dict[int, Callable[[sqlite3.Connection], None]]] = {1: _v1_to_v2}
"""``STEPS[n]`` migrates a journal of format ``n`` to format ``n + 1``."""


def migrate(conn: sqlite3.Connection, found: int) -> None:
    """Migrate from format ``found`` to :data:`FORMAT`, one step at a time.

    The caller holds the write transaction and commits it.
    """
    for version in range(found, FORMAT):
        STEPS[version](conn)
        conn.execute(f"PRAGMA user_version = {version + 1:d}")
