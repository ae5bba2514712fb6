"""The durable journal: facts and results in one SQLite file (the embedded default).

A :class:`Journal` appends batches of serialized records in one transaction
each, skips what it already holds (a retried batch adds nothing), chains
every row to the one before it with SHA-256, and migrates older formats.  It
knows no wing: ``redcity.points.journal`` saves facts, postings and the
points bank to it and replays them.

>>> import tempfile
>>> from pathlib import Path
>>> from redcity.store import Journal
>>> tmp = tempfile.TemporaryDirectory()
>>> with Journal.open(Path(tmp.name) / "district.journal") as journal:
...     journal.append("b1", [("demo.note", "n1", '"hello"')]).added
...     journal.verify()
1
1
>>> tmp.cleanup()
"""

from redcity.store.journal import (
    FORMAT,
    Head,
    Journal,
    JournalArgumentError,
    JournalClosedError,
    JournalConflict,
    JournalCorrupted,
    JournalError,
    JournalVersionError,
    NotAJournalError,
    Receipt,
    Record,
    Row,
)

__all__ = [
    "FORMAT",
    "Head",
    "Journal",
    "JournalArgumentError",
    "JournalClosedError",
    "JournalConflict",
    "JournalCorrupted",
    "JournalError",
    "JournalVersionError",
    "NotAJournalError",
    "Receipt",
    "Record",
    "Row",
]
