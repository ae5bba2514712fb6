"""The journal's on-disk format: its tables, its version and its hash chain.

Kept apart from :mod:`redcity.store.journal` so that the migrations, which
must build the current tables and hash rows the same way, can import it.
"""

from __future__ import annotations

import hashlib
from typing import Final

FORMAT: Final = 2
"""The journal format this library writes (``PRAGMA user_version``)."""

APPLICATION_ID: Final = 0x72636A6E
"""``PRAGMA application_id`` of every redcity journal: ``"rcjn"`` in ASCII."""

GENESIS: Final = bytes(32)
"""The "previous hash" of the first row: 32 zero bytes."""

SCHEMA: Final = (
    """
    CREATE TABLE records (
        seq INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        id TEXT NOT NULL,
        payload TEXT NOT NULL,
        hash BLOB NOT NULL,
        UNIQUE (stream, id)
    )
    """,
    """
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        head BLOB NOT NULL,
        committed_at TEXT NOT NULL
    )
    """,
)
"""The current format's tables.

``records`` holds one row per record, in append order (``seq``); ``hash`` is
the row's link in the chain (:func:`row_hash`).  ``batches`` holds one row
per committed batch, in commit order: the rows it added are
``first_seq … last_seq`` (none when ``last_seq < first_seq``) and ``head``
is the chain's hash after it, so a row deleted from the end is noticed.
"""


def row_hash(prev: bytes, stream: str, id: str, payload: str) -> bytes:
    """A row's link in the chain: SHA-256 of the previous hash and the row.

    The row is encoded as UTF-8 ``stream NUL id NUL payload``; neither a
    stream name nor an id may contain NUL, and the payload comes last, so the
    encoding is unambiguous.
    """
    return hashlib.sha256(prev + f"{stream}\0{id}\0{payload}".encode()).digest()
