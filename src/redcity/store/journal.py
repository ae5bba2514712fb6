"""The journal: an append-only, idempotent, hash-chained SQLite file.

A :class:`Journal` stores *records*: a stream name (``"points.fact"``), an
id unique within the stream, and a JSON payload written by
:mod:`redcity.serialize`.  It knows no wing: each wing chooses its stream
names and brings its own replay (``redcity.points.journal`` rebuilds the
points bank).

- **Batches.**  :meth:`Journal.append` writes a batch of records in one
  transaction, named by a batch id: all of it or none of it, even when the
  writer is killed.
- **Idempotency.**  A record already in the journal with the same payload is
  skipped, so a retried batch adds nothing; the same stream and id with a
  different payload raises :class:`JournalConflict` and the whole batch is
  rolled back.  Corrections are new records, never edits.
- **Hash chain.**  Each row's hash is SHA-256 of the previous row's hash
  and the row's stream, id and payload; :meth:`Journal.verify` recomputes
  the chain and names every row that was edited or deleted.
- **Versions.**  The file carries its format in ``PRAGMA user_version``; a
  journal of an older format is migrated when opened, one of a newer
  format is refused with :class:`JournalVersionError`.

Durability: the file runs in WAL mode with ``synchronous=FULL`` by default,
so a batch :meth:`~Journal.append` has returned survives a power cut, not
just a crashed process; the price is one ``fsync`` per batch, which large
batches amortise.  ``synchronous="NORMAL"`` keeps every batch atomic and the
file consistent but may lose the last batches on power loss.

>>> import tempfile
>>> from pathlib import Path
>>> from redcity.store import Journal, Record
>>> tmp = tempfile.TemporaryDirectory()
>>> with Journal.open(Path(tmp.name) / "district.journal") as journal:
...     journal.append("2026-03-05", [Record("demo.note", "n1", '{"text": "hi"}')])
...     [row.payload for row in journal.read("demo.note")]
...     journal.verify()
Receipt(batch_id='2026-03-05', added=1, skipped=0, last_seq=1, retried=False)
['{"text": "hi"}']
1
>>> tmp.cleanup()
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from operator import attrgetter
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, NamedTuple, TypeVar

import attrs

from redcity.errors import Problem, RedcityError, ValidationError
from redcity.serialize import from_json, to_json
from redcity.store import _migrations
from redcity.store._format import APPLICATION_ID, FORMAT, GENESIS, SCHEMA

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

T = TypeVar("T")

_STREAM: Final = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")

_GROUP: Final = 128
"""Records per multi-row ``INSERT`` statement on the fast path.

A statement per record costs SQLite a statement start, fresh cursors and a
descent of both B-trees for every row; a statement per 128 records appends
them at the ends of the table and of the ``(stream, id)`` index through one
cursor each.  Larger groups gained nothing when measured.
"""

_ROW: Final = "(?, ?, CAST(? AS TEXT), ?)"
"""One record's values.

The payload comes as the ``bytearray`` of UTF-8 already encoded for its hash
and is stored as TEXT, the value binding the ``str`` would store, without a
second encoding; the hash comes as a ``bytearray`` too.  (``sqlite3`` binds
``str`` and ``bytearray`` directly, but looks up an adapter for every
``bytes`` value, which costs more than SQLite's whole insert of the row.)
"""

_INSERT: Final = "INSERT OR FAIL INTO records (stream, id, payload, hash) VALUES "
"""``OR FAIL``: a statement stopped by a taken ``(stream, id)`` keeps the rows
it inserted before that one, so SQLite keeps no statement journal to undo
them (``ABORT`` would copy aside every page a multi-row statement changes),
and the writer reads how many went in from the last row's ``seq``."""

_INSERT_ONE: Final = _INSERT + _ROW

_INSERT_GROUP: Final = _INSERT + ", ".join([_ROW] * _GROUP)


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class JournalError(RedcityError):
    """Root of the errors a :class:`Journal` raises.

    >>> issubclass(JournalConflict, JournalError)
    True
    """


class JournalArgumentError(JournalError, ValueError):
    """A malformed argument: a stream name, record id, payload or batch id.

    >>> from redcity.store import Record
    >>> Record("Points", "x", "{}").check()
    Traceback (most recent call last):
    ...
    redcity.store.journal.JournalArgumentError: Expected a stream name of ...
    """


class JournalClosedError(JournalError, ValueError):
    """The journal was used after :meth:`Journal.close` (see its example).

    >>> issubclass(JournalClosedError, ValueError)
    True
    """


class JournalConflict(JournalError, ValueError):
    """A batch would change the journal's past; nothing of it was written.

    Raised when a record's stream and id are already in the journal with a
    different payload, or when a batch id that was committed before comes
    back with a record it did not hold.

    Attributes:
        batch_id: The batch that was rolled back.
        stream: The stream of the offending record.
        id: The id of the offending record.

    >>> err = JournalConflict("b2", "points.fact", "f1", "differs")
    >>> err.batch_id, err.stream, err.id, str(err)
    ('b2', 'points.fact', 'f1', 'differs')
    """

    def __init__(self, batch_id: str, stream: str, id: str, message: str) -> None:
        super().__init__(message)
        self.batch_id = batch_id
        self.stream = stream
        self.id = id


class JournalCorrupted(JournalError, ValidationError):
    """:meth:`Journal.verify` found rows that are not as they were written.

    ``problems`` lists every problem, each with its row (``seq 7``); ``seqs``
    holds their row numbers in order and ``seq`` the first of them.

    >>> from redcity.errors import Problem
    >>> err = JournalCorrupted([(7, "row 7 was edited")])
    >>> err.seq, err.seqs, err.problems[0] == Problem("seq 7", "", "row 7 was edited")
    (7, (7,), True)
    >>> print(err)
    The journal failed verification: 1 problem found:
      - seq 7: row 7 was edited
    """

    def __init__(self, problems: Iterable[tuple[int, str]]) -> None:
        found = sorted(problems, key=lambda p: p[0])
        super().__init__(Problem(f"seq {seq}", "", message) for seq, message in found)
        self.seqs: tuple[int, ...] = tuple(seq for seq, _ in found)
        self.seq: int | None = self.seqs[0] if self.seqs else None

    def __str__(self) -> str:
        return f"The journal failed verification: {self.args[0]}"


class JournalVersionError(JournalError, RuntimeError):
    """The journal's format is not the one this library writes.

    A newer format is always refused (upgrade redcity); an older one is
    refused only when migration was turned off.

    Attributes:
        found: The journal's format.
        supported: The format this library writes (:data:`FORMAT`).

    >>> err = JournalVersionError(3, 2, "too new")
    >>> err.found, err.supported
    (3, 2)
    """

    def __init__(self, found: int, supported: int, message: str) -> None:
        super().__init__(message)
        self.found = found
        self.supported = supported


class NotAJournalError(JournalError, ValueError):
    """The file is not a redcity journal (another database, or not SQLite).

    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> notes = Path(tmp.name) / "notes.txt"
    >>> _ = notes.write_text("not a database, just notes" * 100)
    >>> Journal.open(notes)
    Traceback (most recent call last):
    ...
    redcity.store.journal.NotAJournalError: ...notes.txt is not a redcity journal ...
    >>> tmp.cleanup()
    """


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


def _bad_stream(stream: object) -> str | None:
    """Why a stream name is malformed, or ``None`` when it is fine."""
    if not isinstance(stream, str) or _STREAM.fullmatch(stream) is None:
        return (
            "Expected a stream name of lowercase words joined by dots, such as "
            f"'points.fact', got {stream!r}."
        )
    return None


def _bad_record(stream: object, id: object, payload: object) -> str | None:
    """Why a record is malformed, or ``None`` when it is fine."""
    bad = _bad_stream(stream)
    if bad is not None:
        return bad
    if not isinstance(id, str) or not id or "\0" in id:
        return (
            f"Expected the id of a record in stream {stream!r} to be a non-empty "
            f"string without NUL characters, got {id!r}."
        )
    if not isinstance(payload, str):
        return (
            f"Expected the payload of record {id!r} in stream {stream!r} to be "
            f"JSON text (a str, e.g. from redcity.serialize.to_json), got "
            f"{type(payload).__name__} {payload!r:.60}."
        )
    return None


class Record(NamedTuple):
    """One record to append: its stream, its id in the stream, its payload.

    Any ``(stream, id, payload)`` tuple will do; this one names the parts.

    Attributes:
        stream: Lowercase words joined by dots, the wing first
            (``"points.fact"``, ``"points.posting"``, ``"points.ledger"``).
        id: Unique within the stream; a non-empty string without NUL.
        payload: JSON text, as :func:`redcity.serialize.to_json` writes it.

    >>> Record("points.fact", "f1", '{"id": "f1"}').check()
    Record(stream='points.fact', id='f1', payload='{"id": "f1"}')
    """

    stream: str
    id: str
    payload: str

    def check(self) -> Record:
        """Return the record when it is well formed.

        Raises:
            JournalArgumentError: The stream name, id or payload is malformed.

        >>> Record("points.fact", "", "{}").check()
        Traceback (most recent call last):
        ...
        redcity.store.journal.JournalArgumentError: Expected the id of a record ...
        """
        msg = _bad_record(*self)
        if msg is not None:
            raise JournalArgumentError(msg)
        return self


class Row(NamedTuple):
    """One stored record, as :meth:`Journal.read` yields it.

    Attributes:
        seq: Its position in the journal, from 1, in append order.
        stream: Its stream.
        id: Its id in the stream.
        payload: Its JSON text.

    >>> Row(1, "points.fact", "f1", "{}").seq
    1
    """

    seq: int
    stream: str
    id: str
    payload: str


@attrs.frozen
class Receipt:
    """What :meth:`Journal.append` did with a batch.

    Attributes:
        batch_id: The batch.
        added: Records written.
        skipped: Records already in the journal with the same payload.
        last_seq: The journal's last row after the batch.
        retried: True when the batch id had been committed before (then
            ``added`` is 0).

    >>> Receipt("b1", added=2, skipped=0, last_seq=2, retried=False).added
    2
    """

    batch_id: str
    added: int
    skipped: int
    last_seq: int
    retried: bool


@attrs.frozen
class Head:
    """The end of the hash chain: the last row and its hash.

    Publish it (print it in a report, send it to the district) and a later
    :meth:`Journal.verify` with ``anchor=head`` proves that no row up to it
    was rewritten, even by someone who recomputed every hash after it.

    Attributes:
        seq: The last row (0 for an empty journal).
        hash: Its hash as 64 hex digits.

    >>> Head(0, "00" * 32).seq
    0
    """

    seq: int
    hash: str


# --------------------------------------------------------------------------
# The journal
# --------------------------------------------------------------------------

_SYNCHRONOUS: Final = ("FULL", "NORMAL", "EXTRA")


def _configure(conn: sqlite3.Connection, synchronous: str) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")


def _pragma(conn: sqlite3.Connection, name: str) -> int:
    value: int = conn.execute(f"PRAGMA {name}").fetchone()[0]
    return value


def _prepare(conn: sqlite3.Connection, path: Path, *, migrate: bool) -> None:
    """Create the tables of a new journal, or check (and migrate) an old one."""
    if (_pragma(conn, "application_id"), _pragma(conn, "user_version")) == (
        APPLICATION_ID,
        FORMAT,
    ):
        return
    conn.execute("BEGIN IMMEDIATE")  # check again under the write lock
    try:
        app, found = _pragma(conn, "application_id"), _pragma(conn, "user_version")
        if app == 0 and found == 0:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                msg = (
                    f"{path} is an SQLite database but not a redcity journal "
                    f"(it holds {tables} other tables); open a new file instead."
                )
                raise NotAJournalError(msg)
            for statement in SCHEMA:
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
            conn.execute(f"PRAGMA user_version = {FORMAT:d}")
        elif app != APPLICATION_ID:
            msg = (
                f"{path} is an SQLite database but not a redcity journal "
                f"(application id {app:#x}, a journal has {APPLICATION_ID:#x})."
            )
            raise NotAJournalError(msg)
        elif found > FORMAT:
            msg = (
                f"{path} is a journal of format {found}, newer than format "
                f"{FORMAT}, the newest this redcity writes; upgrade redcity "
                "to open it (pip install -U redcity)."
            )
            raise JournalVersionError(found, FORMAT, msg)
        elif found < FORMAT:
            if not migrate or found not in _migrations.STEPS:
                how = (
                    "open it with migrate=True to migrate it in place"
                    if migrate is False
                    else "no migration exists from that format"
                )
                msg = (
                    f"{path} is a journal of format {found}, older than format "
                    f"{FORMAT}, the one this redcity writes; {how}."
                )
                raise JournalVersionError(found, FORMAT, msg)
            _migrations.migrate(conn, found)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Journal:
    """An append-only, idempotent, hash-chained journal in one SQLite file.

    Open it with :meth:`open`, preferably in a ``with`` block, which closes
    it.  One journal object belongs to one thread; several processes may
    open the same file (SQLite serialises their writes, one batch at a time).

    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "district.journal"
    >>> journal = Journal.open(path)
    >>> journal.closed, journal.path == path
    (False, True)
    >>> journal.close()
    >>> journal.closed
    True
    >>> tmp.cleanup()
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        """Wrap an SQLite connection set up by :meth:`open`; call that instead."""
        self._conn: sqlite3.Connection | None = connection
        self._path = path

    @classmethod
    def open(
        cls,
        path: str | PathLike[str],
        *,
        create: bool = True,
        migrate: bool = True,
        synchronous: Literal["FULL", "NORMAL", "EXTRA"] = "FULL",
        timeout: float = 5.0,
    ) -> Journal:
        """Open the journal at ``path``, creating it when it does not exist.

        Args:
            path: The journal's file.
            create: When false, a missing file is an error instead of a new
                journal.
            migrate: When true (the default), a journal of an older format
                is migrated in place, in one transaction; when false it is
                refused.
            synchronous: SQLite's ``synchronous`` setting: ``"FULL"`` (the
                default) makes every committed batch survive a power cut;
                ``"NORMAL"`` only a crash of the process.
            timeout: Seconds to wait for another process's write to finish.

        Raises:
            FileNotFoundError: ``create`` is false and there is no file.
            NotAJournalError: The file is not a redcity journal.
            JournalVersionError: The journal's format is newer than this
                library's (upgrade redcity), or older and ``migrate`` is false.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> with Journal.open(Path(tmp.name) / "new.journal") as journal:
        ...     journal.count()
        0
        >>> Journal.open(Path(tmp.name) / "missing.journal", create=False)
        Traceback (most recent call last):
        ...
        FileNotFoundError: There is no journal at ...missing.journal; ...
        >>> tmp.cleanup()
        """
        file = Path(path)
        if synchronous not in _SYNCHRONOUS:
            msg = (
                f"Expected synchronous to be one of {_SYNCHRONOUS}, "
                f"got {synchronous!r}."
            )
            raise JournalArgumentError(msg)
        if not create and not file.exists():
            msg = f"There is no journal at {file}; pass create=True to start one."
            raise FileNotFoundError(msg)
        conn = sqlite3.connect(file, timeout=timeout, isolation_level=None)
        try:
            try:
                _configure(conn, synchronous)
                _prepare(conn, file, migrate=migrate)
            except sqlite3.DatabaseError as exc:
                if "not a database" not in str(exc):
                    raise
                msg = f"{file} is not a redcity journal (not an SQLite database)."
                raise NotAJournalError(msg) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, file)

    # -- life cycle ------------------------------------------------------

    @property
    def path(self) -> Path:
        """The journal's file."""
        return self._path

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._conn is None

    def close(self) -> None:
        """Close the file; calling it again does nothing.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> journal = Journal.open(Path(tmp.name) / "j")
        >>> journal.close(); journal.close()
        >>> journal.count()
        Traceback (most recent call last):
        ...
        redcity.store.journal.JournalClosedError: The journal ... is closed; ...
        >>> tmp.cleanup()
        """
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else "open"
        return f"<Journal {str(self._path)!r} ({state})>"

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            msg = f"The journal {self._path} is closed; open it again to use it."
            raise JournalClosedError(msg)
        return self._conn

    # -- writing ---------------------------------------------------------

    def append(self, batch_id: str, records: Iterable[tuple[str, str, str]]) -> Receipt:
        """Append a batch of records in one transaction: all or nothing.

        Records already in the journal with the same payload are skipped, so
        retrying a batch (after a timeout, a crash, a lost reply) is safe.
        A batch id already committed must come back with records the
        journal holds, and adds nothing.  ``records`` is read once, in
        chunks: a batch need not fit in memory.

        Args:
            batch_id: Names the batch; choose one per unit of work (an
                import file, a day's scoring run) and reuse it on retry.
            records: ``(stream, id, payload)`` tuples such as :class:`Record`.

        Returns:
            A :class:`Receipt` saying how many records were added and skipped.

        Raises:
            JournalConflict: A record's stream and id are in the journal
                with a different payload, or a committed batch id came back
                with a record it did not hold.  Nothing of the batch is
                written.
            JournalArgumentError: A malformed record or batch id.  Nothing
                of the batch is written.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> journal = Journal.open(Path(tmp.name) / "j")
        >>> batch = [Record("demo.note", "n1", '"a"'), Record("demo.note", "n2", '"b"')]
        >>> journal.append("b1", batch)
        Receipt(batch_id='b1', added=2, skipped=0, last_seq=2, retried=False)
        >>> journal.append("b1", batch)
        Receipt(batch_id='b1', added=0, skipped=2, last_seq=2, retried=True)
        >>> journal.append("b2", [Record("demo.note", "n3", '"c"'),
        ...                       Record("demo.note", "n1", '"changed"')])
        Traceback (most recent call last):
        ...
        redcity.store.journal.JournalConflict: Record 'n1' of stream 'demo.note' ...
        >>> journal.count()
        2
        >>> journal.close(); tmp.cleanup()
        """
        if not isinstance(batch_id, str) or not batch_id.strip():
            msg = f"Expected the batch id to be a non-empty string, got {batch_id!r}."
            raise JournalArgumentError(msg)
        conn = self._live()
        conn.execute("BEGIN IMMEDIATE")
        try:
            receipt = _append(conn, batch_id, records)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return receipt

    def append_objects(
        self,
        batch_id: str,
        stream: str,
        objs: Iterable[T],
        *,
        key: Callable[[T], str] | None = None,
        dump: Callable[[T], str] | None = None,
    ) -> Receipt:
        """Serialize records and append them as one batch (see :meth:`append`).

        Args:
            batch_id: Names the batch.
            stream: The stream every object goes to.
            objs: The records.
            key: Each object's id in the stream; its ``id`` attribute by
                default.
            dump: Each object's JSON text; :func:`redcity.serialize.to_json`
                by default.  Whatever it is, it must write the same object
                the same way every time, or a retry would conflict.

        >>> import tempfile
        >>> from datetime import date
        >>> from pathlib import Path
        >>> from redcity.people import Person
        >>> tmp = tempfile.TemporaryDirectory()
        >>> journal = Journal.open(Path(tmp.name) / "j")
        >>> wang = Person(id="p-1", name="王芳", birth_date=date(1980, 5, 1))
        >>> journal.append_objects("people-1", "people.person", [wang]).added
        1
        >>> list(journal.read_objects("people.person", Person)) == [wang]
        True
        >>> journal.close(); tmp.cleanup()
        """
        key_of: Callable[[Any], str] = key or _id_of
        dump_one: Callable[[Any], str] = dump or to_json
        return self.append(batch_id, ((stream, key_of(o), dump_one(o)) for o in objs))

    # -- reading ---------------------------------------------------------

    def read(self, stream: str | None = None, *, after: int = 0) -> Iterator[Row]:
        """The stored records in append order, one :class:`Row` at a time.

        Rows come from an SQLite cursor as they are iterated, so a journal
        of any size reads in constant memory.

        Args:
            stream: Only this stream's records; every record when ``None``.
            after: Only rows with ``seq > after``: resume where a previous
                read stopped.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> journal = Journal.open(Path(tmp.name) / "j")
        >>> _ = journal.append("b1", [("demo.a", "1", "1"), ("demo.b", "1", "2"),
        ...                           ("demo.a", "2", "3")])
        >>> [(row.seq, row.id) for row in journal.read("demo.a")]
        [(1, '1'), (3, '2')]
        >>> [row.stream for row in journal.read(after=1)]
        ['demo.b', 'demo.a']
        >>> journal.close(); tmp.cleanup()
        """
        conn = self._live()
        if stream is None:
            cursor = conn.execute(
                "SELECT seq, stream, id, payload FROM records WHERE seq > ? "
                "ORDER BY seq",
                (after,),
            )
        else:
            bad = _bad_stream(stream)
            if bad is not None:
                raise JournalArgumentError(bad)
            cursor = conn.execute(
                "SELECT seq, stream, id, payload FROM records "
                "WHERE seq > ? AND stream = ? ORDER BY seq",
                (after, stream),
            )
        return _rows(cursor)

    def read_objects(self, stream: str, cls: type[T], *, after: int = 0) -> Iterator[T]:
        """A stream's records built back into ``cls`` objects, in append order.

        Each payload goes through :func:`redcity.serialize.from_json`; a wing
        whose stream holds several record types reads :meth:`read` and
        builds each row itself.

        Raises:
            SerializationError: A payload does not fit ``cls``.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> journal = Journal.open(Path(tmp.name) / "j")
        >>> _ = journal.append_objects("b1", "demo.n", [3, 4], key=str)
        >>> list(journal.read_objects("demo.n", int))
        [3, 4]
        >>> journal.close(); tmp.cleanup()
        """
        rows = self.read(stream, after=after)
        return (from_json(row.payload, cls) for row in rows)

    def count(self, stream: str | None = None) -> int:
        """How many records the journal (or one stream) holds.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> with Journal.open(Path(tmp.name) / "j") as journal:
        ...     _ = journal.append("b", [("demo.a", "1", "1"), ("demo.b", "1", "1")])
        ...     journal.count(), journal.count("demo.a"), journal.count("demo.c")
        (2, 1, 0)
        >>> tmp.cleanup()
        """
        conn = self._live()
        if stream is None:
            row = conn.execute("SELECT count(*) FROM records").fetchone()
        else:
            row = conn.execute(
                "SELECT count(*) FROM records WHERE stream = ?", (stream,)
            ).fetchone()
        n: int = row[0]
        return n

    def streams(self) -> dict[str, int]:
        """Each stream's name and its number of records, by name.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> with Journal.open(Path(tmp.name) / "j") as journal:
        ...     _ = journal.append("b", [("demo.b", "1", "1"), ("demo.a", "1", "1"),
        ...                              ("demo.b", "2", "1")])
        ...     journal.streams()
        {'demo.a': 1, 'demo.b': 2}
        >>> tmp.cleanup()
        """
        rows = self._live().execute(
            "SELECT stream, count(*) FROM records GROUP BY stream ORDER BY stream"
        )
        return dict(rows)

    def has_batch(self, batch_id: str) -> bool:
        """True when a batch with this id was committed.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> with Journal.open(Path(tmp.name) / "j") as journal:
        ...     _ = journal.append("b1", [])
        ...     journal.has_batch("b1"), journal.has_batch("b2")
        (True, False)
        >>> tmp.cleanup()
        """
        row = (
            self._live()
            .execute("SELECT 1 FROM batches WHERE id = ?", (batch_id,))
            .fetchone()
        )
        return row is not None

    @property
    def head(self) -> Head:
        """The last row and its hash; publish it to anchor a later :meth:`verify`.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> with Journal.open(Path(tmp.name) / "j") as journal:
        ...     journal.head == Head(0, "00" * 32)
        ...     _ = journal.append("b1", [("demo.a", "1", "{}")])
        ...     journal.head.seq, len(journal.head.hash)
        True
        (1, 64)
        >>> tmp.cleanup()
        """
        seq, digest = _last(self._live())
        return Head(seq, digest.hex())

    @property
    def format(self) -> int:
        """The journal's format (``PRAGMA user_version``), :data:`FORMAT` once open.

        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> with Journal.open(Path(tmp.name) / "j") as journal:
        ...     journal.format == FORMAT
        True
        >>> tmp.cleanup()
        """
        return _pragma(self._live(), "user_version")

    # -- checking --------------------------------------------------------

    def verify(self, *, anchor: Head | None = None) -> int:
        """Recompute the hash chain and check every batch; return the rows checked.

        Each row's hash is recomputed from the previous row's stored hash,
        so every edited row is reported at its own ``seq``; deleted rows are
        reported where they are missing, and a batch whose rows or head no
        longer match is reported at its last row.  Reads stream: a journal
        of any size verifies in constant memory.

        Args:
            anchor: A :attr:`head` published earlier; the row at its ``seq``
                must still have its hash.  Without an anchor, someone who
                rewrites rows *and* recomputes every later hash goes
                unnoticed: the chain only proves what an anchor pins.

        Raises:
            JournalCorrupted: Listing every problem, each at its row.

        >>> import sqlite3, tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> path = Path(tmp.name) / "j"
        >>> with Journal.open(path) as journal:
        ...     _ = journal.append("b1", [("demo.a", str(i), str(i)) for i in range(5)])
        ...     journal.verify()
        5
        >>> with sqlite3.connect(path) as db:
        ...     _ = db.execute("UPDATE records SET payload = '99' WHERE seq = 3")
        >>> db.close()
        >>> with Journal.open(path) as journal:
        ...     journal.verify()
        Traceback (most recent call last):
        ...
        redcity.store.journal.JournalCorrupted: The journal failed verification: 1 problem found:
          - seq 3: row 3 (stream 'demo.a', id '2') does not match its hash: ...
        >>> tmp.cleanup()
        """  # noqa: E501
        conn = self._live()
        problems: list[tuple[int, str]] = []
        batches = conn.execute(
            "SELECT id, first_seq, last_seq, head FROM batches ORDER BY rowid"
        ).fetchall()
        heads: dict[int, list[tuple[str, bytes]]] = {}
        end = 0
        for batch_id, first_seq, last_seq, head in batches:
            if first_seq != end + 1:
                problems.append(
                    (
                        max(first_seq, 1),
                        f"batch {batch_id!r} starts at row {first_seq}, but the "
                        f"batch before it ended at row {end}: the batches table "
                        "was edited",
                    )
                )
            heads.setdefault(last_seq, []).append((batch_id, head))
            end = max(end, last_seq)
        pins: dict[int, bytes] = {}
        if anchor is not None:
            try:
                pins[anchor.seq] = bytes.fromhex(anchor.hash)
            except (TypeError, ValueError):
                msg = f"Expected the anchor's hash as 64 hex digits, got {anchor!r}."
                raise JournalArgumentError(msg) from None
        hashes = {0: GENESIS}  # seq -> stored hash, for batch ends and the anchor
        wanted = heads.keys() | pins.keys()
        sha256 = hashlib.sha256
        prev = GENESIS
        expected = 1
        last = 0
        cursor = conn.execute(
            "SELECT seq, stream, id, payload, hash FROM records ORDER BY seq"
        )
        try:
            for seq, stream, id, payload, stored in cursor:
                if seq != expected:
                    missing = (
                        f"row {expected}"
                        if seq == expected + 1
                        else f"rows {expected}–{seq - 1}"
                    )
                    problems.append(
                        (expected, f"{missing} missing: deleted after being written")
                    )
                calc = sha256(prev + f"{stream}\0{id}\0{payload}".encode()).digest()
                if calc != stored:
                    problems.append(
                        (
                            seq,
                            f"row {seq} (stream {stream!r}, id {id!r}) does not "
                            "match its hash: its stream, id, payload or hash was "
                            "changed after it was written, or the row before it "
                            "was deleted",
                        )
                    )
                if seq in wanted:
                    hashes[seq] = stored
                prev = stored
                expected = seq + 1
                last = seq
        finally:
            cursor.close()
        for seq, named in sorted(heads.items()):
            for batch_id, head in named:
                if seq not in hashes:
                    problems.append(
                        (
                            seq,
                            f"batch {batch_id!r} ends at row {seq}, which is "
                            "missing: rows were deleted",
                        )
                    )
                elif hashes[seq] != head:
                    problems.append(
                        (
                            seq,
                            f"batch {batch_id!r} ends at row {seq}, whose hash is "
                            "not the one committed with the batch: rows up to it "
                            "were rewritten",
                        )
                    )
        if last > end:
            problems.append(
                (
                    end + 1,
                    f"rows {end + 1}–{last} belong to no committed batch: they "
                    "were inserted behind the journal's back",
                )
            )
        for seq, pinned in pins.items():
            if hashes.get(seq) != pinned:
                problems.append(
                    (
                        seq,
                        f"row {seq} does not have the hash the anchor pinned: "
                        "the journal was rewritten up to it",
                    )
                )
        if problems:
            raise JournalCorrupted(problems)
        return last


# --------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------

_id_of: Callable[[Any], str] = attrgetter("id")


def _rows(cursor: sqlite3.Cursor) -> Iterator[Row]:
    try:
        yield from map(Row._make, cursor)
    finally:
        cursor.close()


def _last(conn: sqlite3.Connection) -> tuple[int, bytes]:
    row = conn.execute(
        "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return (0, GENESIS) if row is None else (row[0], row[1])


def _append(
    conn: sqlite3.Connection, batch_id: str, records: Iterable[tuple[str, str, str]]
) -> Receipt:
    """The body of :meth:`Journal.append`, inside its transaction."""
    first, head = _last(conn)
    first += 1
    retried = (
        conn.execute("SELECT 1 FROM batches WHERE id = ?", (batch_id,)).fetchone()
        is not None
    )
    writer = _Writer(conn, batch_id, first - 1, head)
    if retried:
        writer.recheck(records)
    else:
        writer.write(iter(records))
    last = first + writer.added - 1
    if not retried:
        conn.execute(
            "INSERT INTO batches (id, first_seq, last_seq, head, committed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (batch_id, first, last, writer.head, datetime.now(UTC).isoformat()),
        )
    return Receipt(batch_id, writer.added, writer.skipped, last, retried)


class _Writer:
    """Appends one batch's records, chaining each row to the one before it.

    The fast path hashes each group of :data:`_GROUP` records and inserts it
    with one multi-row ``INSERT``, all groups through one ``executemany``.
    A record whose stream and id are already taken stops its statement
    there (:data:`_INSERT`): the rows before it stay in, and the rest of the
    group is settled record by record (looked up first: skipped when held
    with the same payload, a conflict when held with another, inserted when
    new), like the short rest of the batch.  The chain goes on from the last
    row written, so nothing is redone and no savepoint is needed; the
    caller's transaction makes the batch all or nothing.
    """

    def __init__(
        self, conn: sqlite3.Connection, batch_id: str, last_seq: int, head: bytes
    ) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.last_seq = last_seq
        """The ``seq`` of the journal's last row, which the chain goes on from."""
        self.head = head
        """The hash of that row."""
        self.added = 0
        self.skipped = 0
        self.pending: list[tuple[str, str, str]] = []
        """The group being inserted; once the records run out, the short rest."""
        self.params: list[str | bytearray] = []
        """The parameters of :attr:`pending`: each record's stream, id, payload
        and hash."""

    def write(self, records: Iterator[tuple[str, str, str]]) -> None:
        """Append every record, skipping those the journal holds."""
        while True:
            try:
                self.conn.executemany(_INSERT_GROUP, self._groups(records))
            except sqlite3.IntegrityError:
                self._settle(self.pending[self._went_in() :])
            else:
                break
        _check_group(self.pending)
        self._settle(self.pending)

    def recheck(self, records: Iterable[tuple[str, str, str]]) -> None:
        """A committed batch came back: each record must be there as it was."""
        for stream, id, payload in records:
            _check(stream, id, payload)
            stored = self._stored(stream, id)
            if stored is None:
                msg = (
                    f"Batch {self.batch_id!r} was committed before without record "
                    f"{id!r} of stream {stream!r}; the batch was rolled back.  A "
                    "batch id names one batch: retry it with the same records, "
                    "or append new records under a new batch id."
                )
                raise JournalConflict(self.batch_id, stream, id, msg)
            self._skip(stream, id, payload, stored)

    def _groups(
        self, records: Iterator[tuple[str, str, str]]
    ) -> Iterator[list[str | bytearray]]:
        """Each full group of records as one statement's parameters.

        ``executemany`` asks for the next group only once the statement of
        the one before it succeeded, so running past ``yield`` means the
        group is in: only then does the writer move on.  The group in
        flight, then the short rest, is left in :attr:`pending`.
        """
        head = self.head
        sha256 = hashlib.sha256
        while len(group := list(islice(records, _GROUP))) == _GROUP:
            self.pending = group
            _check_group(group)
            params: list[str | bytearray] = []
            self.params = params
            extend = params.extend
            for stream, id, payload in group:
                data = bytearray(payload, "utf-8")
                head = sha256(head + f"{stream}\0{id}\0".encode() + data).digest()
                extend((stream, id, data, bytearray(head)))
            yield params
            self.head = head
            self.last_seq += _GROUP
            self.added += _GROUP
        self.pending = group

    def _settle(self, records: list[tuple[str, str, str]]) -> None:
        """Append checked records one at a time, each looked up first."""
        for stream, id, payload in records:
            stored = self._stored(stream, id)
            if stored is not None:
                self._skip(stream, id, payload, stored)
                continue
            data = bytearray(payload, "utf-8")
            head = hashlib.sha256(
                self.head + f"{stream}\0{id}\0".encode() + data
            ).digest()
            self.conn.execute(_INSERT_ONE, (stream, id, data, bytearray(head)))
            self.head = head
            self.last_seq += 1
            self.added += 1

    def _went_in(self) -> int:
        """After a failed statement: how many of its records went in.

        They are the first of :attr:`pending`, with the hashes in
        :attr:`params`, and they count as added.
        """
        seq, head = _last(self.conn)
        n = seq - self.last_seq
        if not 0 <= n < len(self.pending) or head != (
            self.params[4 * n - 1] if n else self.head
        ):  # pragma: no cover - only if sqlite3 changed how executemany runs
            msg = (
                "The journal lost track of its chain while appending batch "
                f"{self.batch_id!r}; the batch was rolled back."
            )
            raise JournalError(msg)
        self.last_seq, self.head = seq, head
        self.added += n
        return n

    def _stored(self, stream: str, id: str) -> str | None:
        row = self.conn.execute(
            "SELECT payload FROM records WHERE stream = ? AND id = ?", (stream, id)
        ).fetchone()
        return None if row is None else str(row[0])

    def _skip(self, stream: str, id: str, payload: str, stored: str) -> None:
        """Skip a record the journal holds, unless its payload differs."""
        if stored != payload:
            msg = (
                f"Record {id!r} of stream {stream!r} is already in the journal "
                f"with a different payload; batch {self.batch_id!r} was rolled "
                "back and nothing of it was written.  A journal never changes a "
                "record: correct it with a new record under a new id (e.g. a "
                f"reversal).\n  stored: {stored:.200}\n  given:  {payload:.200}"
            )
            raise JournalConflict(self.batch_id, stream, id, msg)
        self.skipped += 1


_STREAMS_SEEN: Final[set[str]] = set()
"""Stream names already checked, so that a group's streams need one set lookup."""

_STR: Final = frozenset({str})


def _check_group(group: list[tuple[str, str, str]]) -> None:
    """Check a group of records at once; one by one only when one is off."""
    if not group:
        return
    streams, ids, payloads = zip(*group, strict=True)
    if not (
        _STR.issuperset(map(type, streams))
        and _STREAMS_SEEN.issuperset(streams)
        and _STR.issuperset(map(type, ids))
        and all(ids)
        and "\0" not in "".join(ids)
        and _STR.issuperset(map(type, payloads))
    ):
        for stream, id, payload in group:
            _check(stream, id, payload)


def _check(stream: object, id: object, payload: object) -> None:
    msg = _bad_record(stream, id, payload)
    if msg is not None:
        raise JournalArgumentError(msg)
    if type(stream) is str:
        _STREAMS_SEEN.add(stream)
