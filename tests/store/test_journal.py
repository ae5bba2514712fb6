"""The journal: batches all or nothing, idempotent retries, the hash chain, formats.

The killed-writer tests run a real subprocess that appends a large batch and
is sent SIGKILL while inside the transaction.
"""

from __future__ import annotations

import ast
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redcity.errors import RedcityError
from redcity.store import (
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
    _migrations,
)
from redcity.store._format import APPLICATION_ID, GENESIS, row_hash

SRC = Path(__file__).parents[2] / "src" / "redcity"


def notes(*ids: str, stream: str = "test.note", text: str = "x") -> list[Record]:
    return [Record(stream, i, json.dumps({"id": i, "text": text})) for i in ids]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "district.journal"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    with Journal.open(path) as j:
        yield j


def raw(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Run SQL on the file behind the journal's back (and close properly)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        return db.execute(sql, params).fetchall()


# ---------------------------------------------------------------------------
# Appending and reading
# ---------------------------------------------------------------------------


def test_append_then_read_in_order(journal: Journal) -> None:
    receipt = journal.append("b1", notes("n1", "n2") + notes("m1", stream="test.b"))
    assert Receipt("b1", added=3, skipped=0, last_seq=3, retried=False) == receipt
    rows = list(journal.read())
    assert [1, 2, 3] == [r.seq for r in rows]
    assert ["n1", "n2", "m1"] == [r.id for r in rows]
    assert isinstance(rows[0], Row)
    assert ["m1"] == [r.id for r in journal.read("test.b")]
    assert ["n2", "m1"] == [r.id for r in journal.read(after=1)]
    assert {"test.b": 1, "test.note": 2} == journal.streams()
    assert 3 == journal.count()
    assert 3 == journal.verify()


def test_reading_streams_rows_from_a_cursor(journal: Journal) -> None:
    journal.append("b1", notes(*(f"n{i}" for i in range(10))))
    rows = journal.read()
    assert isinstance(rows, Iterator)
    assert 1 == next(rows).seq
    journal.append("b2", notes("late"))  # writing while a read is open is fine
    assert 10 == len(list(journal.read(after=1)))


def test_chinese_payloads_round_trip(journal: Journal) -> None:
    payload = json.dumps({"名称": "兴茂小区"}, ensure_ascii=False)
    journal.append("b1", [Record("test.note", "兴茂", payload)])
    assert [("兴茂", payload)] == [(r.id, r.payload) for r in journal.read()]
    journal.verify()


def test_empty_batch_is_recorded(journal: Journal) -> None:
    assert 0 == journal.append("nothing", []).added
    assert journal.has_batch("nothing")
    assert 0 == journal.verify()


def test_a_batch_larger_than_a_chunk(journal: Journal) -> None:
    records = notes(*(f"n{i}" for i in range(10_000)))
    assert 10_000 == journal.append("big", iter(records)).added
    assert 10_000 == journal.verify()


# ---------------------------------------------------------------------------
# Idempotency and conflicts
# ---------------------------------------------------------------------------


def test_retried_batch_adds_nothing(journal: Journal) -> None:
    batch = notes("n1", "n2", "n3")
    journal.append("b1", batch)
    before = list(journal.read())
    head = journal.head
    receipt = journal.append("b1", batch)
    assert Receipt("b1", added=0, skipped=3, last_seq=3, retried=True) == receipt
    assert before == list(journal.read())
    assert head == journal.head
    # A retry may send fewer records (a subset of the committed batch).
    assert 1 == journal.append("b1", batch[1:2]).skipped


def test_records_already_held_are_skipped_in_a_new_batch(journal: Journal) -> None:
    journal.append("b1", notes("n1", "n2"))
    receipt = journal.append("b2", notes("n2", "n3", "n1"))
    assert (1, 2) == (receipt.added, receipt.skipped)
    assert ["n1", "n2", "n3"] == [r.id for r in journal.read()]
    journal.verify()


def test_duplicates_within_a_batch_count_once(journal: Journal) -> None:
    receipt = journal.append("b1", notes("n1", "n2", "n1"))
    assert (2, 1) == (receipt.added, receipt.skipped)
    journal.verify()


def test_same_id_in_another_stream_is_another_record(journal: Journal) -> None:
    journal.append("b1", notes("n1") + notes("n1", stream="test.other"))
    assert 2 == journal.count()


@pytest.mark.parametrize("position", [0, 3, 127, 128, 5_000, 9_999])
def test_conflict_rolls_back_the_whole_batch(journal: Journal, position: int) -> None:
    journal.append("b1", notes("old", "n5"))
    before, head = list(journal.read()), journal.head
    batch = notes(*(f"new{i}" for i in range(10_000)))
    batch.insert(position, notes("n5", text="changed")[0])
    with pytest.raises(JournalConflict) as caught:
        journal.append("b2", batch)
    err = caught.value
    assert ("b2", "test.note", "n5") == (err.batch_id, err.stream, err.id)
    assert "'n5' of stream 'test.note'" in str(err)
    assert "nothing of it was written" in str(err)
    assert isinstance(err, ValueError)
    assert before == list(journal.read())
    assert head == journal.head
    assert not journal.has_batch("b2")
    journal.verify()
    # The journal is still usable, and a corrected batch goes in.
    batch.pop(position)
    assert 10_000 == journal.append("b2", batch).added
    journal.verify()


def test_conflict_within_one_batch(journal: Journal) -> None:
    with pytest.raises(JournalConflict, match=r"'n1' of stream 'test\.note'"):
        journal.append("b1", notes("n1") + notes("n1", text="other"))
    assert 0 == journal.count()
    assert not journal.has_batch("b1")


def test_committed_batch_id_with_new_records_is_refused(journal: Journal) -> None:
    journal.append("b1", notes("n1"))
    with pytest.raises(JournalConflict, match="committed before without record"):
        journal.append("b1", notes("n1", "n2"))
    assert 1 == journal.count()


@pytest.mark.parametrize(
    ("record", "match"),
    [
        (("Test.Note", "n1", "{}"), "stream name"),
        (("test..note", "n1", "{}"), "stream name"),
        ((None, "n1", "{}"), "stream name"),
        (("test.note", "", "{}"), "non-empty string"),
        (("test.note", 7, "{}"), "non-empty string"),
        (("test.note", "a\0b", "{}"), "without NUL"),
        (("test.note", "n1", {"a": 1}), "JSON text"),
    ],
)
def test_malformed_records_write_nothing(
    journal: Journal, record: tuple[object, object, object], match: str
) -> None:
    batch = [*notes("ok1", "ok2"), record]
    with pytest.raises(JournalArgumentError, match=match):
        journal.append("b1", batch)  # type: ignore[arg-type]
    assert 0 == journal.count()
    assert not journal.has_batch("b1")


def test_a_malformed_record_in_a_large_batch_writes_nothing(journal: Journal) -> None:
    batch: list[tuple[object, object, object]] = list(notes(*map(str, range(300))))
    batch[150] = ("test.note", "", "{}")
    with pytest.raises(JournalArgumentError, match="non-empty string"):
        journal.append("b1", batch)  # type: ignore[arg-type]
    assert 0 == journal.count()
    assert not journal.has_batch("b1")


def test_malformed_batch_id(journal: Journal) -> None:
    with pytest.raises(JournalArgumentError, match="batch id"):
        journal.append(" ", notes("n1"))


def test_an_error_in_the_records_iterable_rolls_back(journal: Journal) -> None:
    def records() -> Iterator[Record]:
        yield from notes(*(f"n{i}" for i in range(5000)))
        raise OSError("the import file went away")

    with pytest.raises(OSError, match="went away"):
        journal.append("b1", records())
    assert 0 == journal.count()


def test_two_journals_on_one_file_share_the_chain(path: Path) -> None:
    with Journal.open(path) as a, Journal.open(path) as b:
        a.append("a1", notes("n1"))
        b.append("b1", notes("n2", "n1"))
        a.append("a2", notes("n3"))
        assert ["n1", "n2", "n3"] == [r.id for r in b.read()]
        assert 3 == a.verify()


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["b1", "b2", "b3", "b4"]),
            st.lists(
                st.tuples(
                    st.sampled_from(["test.a", "test.b"]),
                    st.sampled_from(["1", "2", "3", "4"]),
                    st.sampled_from(['"x"', '"y"']),
                ),
                max_size=5,
            ),
        ),
        max_size=6,
    )
)
def test_journal_matches_a_model(
    batches: list[tuple[str, list[tuple[str, str, str]]]],
) -> None:
    stored: dict[tuple[str, str], str] = {}  # in append order
    committed: set[str] = set()
    with (
        tempfile.TemporaryDirectory() as tmp,
        Journal.open(Path(tmp) / "j", synchronous="NORMAL") as journal,
    ):
        for batch_id, records in batches:
            model = dict(stored)
            problem = False
            for stream, id, payload in records:
                if (stream, id) in model:
                    problem |= model[stream, id] != payload
                elif batch_id in committed:
                    problem = True
                else:
                    model[stream, id] = payload
            if problem:
                with pytest.raises(JournalConflict):
                    journal.append(batch_id, records)
            else:
                receipt = journal.append(batch_id, records)
                assert len(model) - len(stored) == receipt.added
                assert (batch_id in committed) == receipt.retried
                stored = model
                committed.add(batch_id)
        expected = [(s, i, p) for (s, i), p in stored.items()]
        assert expected == [(r.stream, r.id, r.payload) for r in journal.read()]
        assert len(stored) == journal.verify()


def model_append(
    stored: dict[tuple[str, str], str],
    committed: set[str],
    batch_id: str,
    records: list[tuple[str, str, str]],
) -> dict[tuple[str, str], str] | None:
    """What the journal holds after the batch, or None when it must conflict."""
    model = dict(stored)
    for stream, id, payload in records:
        if (stream, id) in model:
            if model[stream, id] != payload:
                return None
        elif batch_id in committed:
            return None
        else:
            model[stream, id] = payload
    return model


def stored_rows(path: Path) -> list[tuple[object, ...]]:
    return raw(path, "SELECT seq, stream, id, payload, hash FROM records ORDER BY seq")


def test_payloads_and_hashes_are_stored_as_text_and_blob(
    journal: Journal, path: Path
) -> None:
    payloads = ['{"名称": "兴茂小区"}', "plain ascii", "nul \0 inside", "😀 astral", ""]
    records = [Record("test.note", f"n{i}", p) for i, p in enumerate(payloads * 60)]
    journal.append("b1", records)
    assert {("text", "blob", 32)} == set(
        raw(path, "SELECT typeof(payload), typeof(hash), length(hash) FROM records")
    )
    assert payloads == [r.payload for r in journal.read()][: len(payloads)]
    prev = GENESIS
    for _, stream, id, payload, stored in stored_rows(path):
        assert isinstance(stream, str)
        assert isinstance(id, str)
        assert isinstance(payload, str)
        prev = row_hash(prev, stream, id, payload)
        assert prev == stored
    assert journal.head == Head(len(records), prev.hex())


@pytest.mark.parametrize(
    "positions",
    [[0], [1, 2], [127], [128], [126, 127, 128, 129], [300], list(range(130, 260))],
)
def test_records_held_are_skipped_wherever_they_fall(
    journal: Journal, positions: list[int]
) -> None:
    journal.append("b1", notes("old1", "old2"))
    batch = notes(*(f"new{i}" for i in range(310)))
    for position in positions:  # held records, and one repeated from the batch
        batch.insert(position, notes("old1", "old2", "new0")[position % 3])
    receipt = journal.append("b2", batch)
    assert (310, len(positions)) == (receipt.added, receipt.skipped)
    assert receipt.last_seq == 312 == journal.verify()
    assert ["old1", "old2"] + [f"new{i}" for i in range(310)] == [
        r.id for r in journal.read()
    ]


def test_a_record_of_a_str_subclass_is_checked_on_its_own(journal: Journal) -> None:
    class Text(str):
        pass

    batch = notes(*(f"n{i}" for i in range(200)))
    batch[150] = Record(Text("test.note"), Text("n150"), Text('"sub"'))
    assert 200 == journal.append("b1", batch).added
    assert '"sub"' == list(journal.read())[150].payload
    journal.verify()


record_pool = st.tuples(
    st.sampled_from(["test.a", "test.b"]),
    st.integers(0, 300).map(str),
    st.sampled_from(['"x"'] * 30 + ['"y"']),
)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["b1", "b2", "b3"]),
            st.lists(record_pool, max_size=400),
        ),
        max_size=4,
    )
)
def test_large_batches_match_a_model(
    batches: list[tuple[str, list[tuple[str, str, str]]]],
) -> None:
    stored: dict[tuple[str, str], str] = {}
    committed: set[str] = set()
    with (
        tempfile.TemporaryDirectory() as tmp,
        Journal.open(Path(tmp) / "j", synchronous="NORMAL") as journal,
    ):
        for batch_id, records in batches:
            model = model_append(stored, committed, batch_id, records)
            if model is None:
                with pytest.raises(JournalConflict):
                    journal.append(batch_id, records)
                continue
            receipt = journal.append(batch_id, records)
            assert len(model) - len(stored) == receipt.added
            assert len(records) - receipt.added == receipt.skipped
            stored = model
            committed.add(batch_id)
        expected = [(s, i, p) for (s, i), p in stored.items()]
        assert expected == [(r.stream, r.id, r.payload) for r in journal.read()]
        assert len(stored) == journal.verify()


# ---------------------------------------------------------------------------
# A writer killed mid-batch
# ---------------------------------------------------------------------------

CHILD = """
import sys, time
from redcity.store import Journal

path, n, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

def records():
    for i in range(n):
        if i == 6000:  # the first chunk is in: we are inside the transaction
            sys.stdout.write("inside\\n")
            sys.stdout.flush()
            time.sleep(pause)
        yield ("test.note", f"k{i}", '{"i": %d}' % i)

with Journal.open(path) as journal:
    journal.append("big", records())
print("committed", flush=True)
"""


def big_batch(n: int) -> Iterator[tuple[str, str, str]]:
    return (("test.note", f"k{i}", f'{{"i": {i}}}') for i in range(n))


@pytest.mark.parametrize("pause", [30.0, 0.0], ids=["sleeping", "writing"])
def test_writer_killed_mid_batch_leaves_all_or_nothing(
    path: Path, pause: float
) -> None:
    n = 200_000
    with Journal.open(path) as journal:
        journal.append("before", notes("n1", "n2"))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(n), str(pause)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert "inside" == child.stdout.readline().strip()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
    if pause:
        assert -signal.SIGKILL == child.returncode
    with Journal.open(path) as journal:
        count = journal.count()
        if journal.has_batch("big"):  # the kill came after the commit
            assert 2 + n == count
        else:
            assert 2 == count
            assert ["n1", "n2"] == [r.id for r in journal.read()]
        assert count == journal.verify()
        receipt = journal.append("big", big_batch(n))  # the retry
        assert 2 + n == journal.count()
        assert receipt.added in (0, n)
        assert 2 + n == journal.verify()


# ---------------------------------------------------------------------------
# Tampering
# ---------------------------------------------------------------------------


@pytest.fixture
def filled(path: Path) -> Path:
    with Journal.open(path) as journal:
        journal.append("b1", notes(*(f"n{i}" for i in range(1, 6))))
        journal.append("b2", notes(*(f"n{i}" for i in range(6, 11))))
    return path


def corrupted(path: Path, anchor: Head | None = None) -> JournalCorrupted:
    with Journal.open(path) as journal, pytest.raises(JournalCorrupted) as caught:
        journal.verify(anchor=anchor)
    return caught.value


@pytest.mark.parametrize("seq", [1, 4, 10])
def test_an_edited_payload_is_caught_at_its_row(filled: Path, seq: int) -> None:
    raw(filled, 'UPDATE records SET payload = \'{"id": "forged"}\' WHERE seq = ?', seq)
    err = corrupted(filled)
    assert (seq,) == err.seqs
    assert seq == err.seq
    assert f"seq {seq}" == err.problems[0].id
    assert f"row {seq} (stream 'test.note', id 'n{seq}') does not match" in str(err)
    assert isinstance(err, ValueError)
    assert isinstance(err, RedcityError)


def test_every_edited_row_is_named(filled: Path) -> None:
    raw(filled, "UPDATE records SET payload = '{}' WHERE seq IN (2, 7)")
    raw(filled, "UPDATE records SET id = 'n99' WHERE seq = 9")
    assert (2, 7, 9) == corrupted(filled).seqs


def test_an_edited_stream_is_caught(filled: Path) -> None:
    raw(filled, "UPDATE records SET stream = 'test.other' WHERE seq = 3")
    assert (3,) == corrupted(filled).seqs


def test_a_deleted_row_is_caught_where_it_was(filled: Path) -> None:
    raw(filled, "DELETE FROM records WHERE seq = 4")
    err = corrupted(filled)
    assert 4 == err.seq
    assert "row 4 missing" in str(err)


def test_deleted_last_rows_are_caught_by_the_batch_head(filled: Path) -> None:
    raw(filled, "DELETE FROM records WHERE seq >= 9")
    err = corrupted(filled)
    assert (10,) == err.seqs
    assert "batch 'b2' ends at row 10, which is missing" in str(err)


def test_rows_slipped_in_behind_the_journal_are_caught(filled: Path) -> None:
    last = raw(filled, "SELECT hash FROM records WHERE seq = 10")[0][0]
    assert isinstance(last, bytes)
    forged = row_hash(last, "test.note", "n11", "{}")
    raw(filled, "INSERT INTO records VALUES (11, 'test.note', 'n11', '{}', ?)", forged)
    assert (11,) == corrupted(filled).seqs


def test_a_rehashed_rewrite_is_caught_by_the_batch_head(filled: Path) -> None:
    # Edit row 3 and recompute every later hash: the chain alone holds, but
    # batch b1's head (row 5) no longer matches.
    raw(filled, "UPDATE records SET payload = '{}' WHERE seq = 3")
    prev = raw(filled, "SELECT hash FROM records WHERE seq = 2")[0][0]
    assert isinstance(prev, bytes)
    for seq, stream, id, payload in raw(
        filled, "SELECT seq, stream, id, payload FROM records WHERE seq >= 3"
    ):
        assert isinstance(stream, str)
        assert isinstance(id, str)
        assert isinstance(payload, str)
        prev = row_hash(prev, stream, id, payload)
        raw(filled, "UPDATE records SET hash = ? WHERE seq = ?", prev, seq)
    assert (5, 10) == corrupted(filled).seqs


def test_an_anchor_catches_a_rewrite_of_rows_and_batches(filled: Path) -> None:
    with Journal.open(filled) as journal:
        anchor = journal.head
        assert 10 == journal.verify(anchor=anchor)
    raw(filled, "UPDATE records SET payload = '{}' WHERE seq = 3")
    prev = GENESIS
    for seq, stream, id, payload in raw(
        filled, "SELECT seq, stream, id, payload FROM records ORDER BY seq"
    ):
        assert isinstance(stream, str)
        assert isinstance(id, str)
        assert isinstance(payload, str)
        prev = row_hash(prev, stream, id, payload)
        raw(filled, "UPDATE records SET hash = ? WHERE seq = ?", prev, seq)
        raw(filled, "UPDATE batches SET head = ? WHERE last_seq = ?", prev, seq)
    with Journal.open(filled) as journal:
        assert 10 == journal.verify()  # consistent without an anchor
    err = corrupted(filled, anchor)
    assert (10,) == err.seqs
    assert "the anchor pinned" in str(err)


def test_an_edited_batches_table_is_caught(filled: Path) -> None:
    raw(filled, "UPDATE batches SET first_seq = 7 WHERE id = 'b2'")
    assert 7 == corrupted(filled).seq


# ---------------------------------------------------------------------------
# Formats: new, older (migrated), newer (refused), not a journal
# ---------------------------------------------------------------------------


def test_a_new_journal_carries_its_format(journal: Journal, path: Path) -> None:
    assert FORMAT == journal.format
    assert [(FORMAT,)] == raw(path, "PRAGMA user_version")
    assert [(APPLICATION_ID,)] == raw(path, "PRAGMA application_id")
    assert [("wal",)] == raw(path, "PRAGMA journal_mode")


def test_a_newer_format_is_refused_clearly(path: Path) -> None:
    with Journal.open(path) as journal:
        journal.append("b1", notes("n1"))
    raw(path, f"PRAGMA user_version = {FORMAT + 1}")
    with pytest.raises(JournalVersionError) as caught:
        Journal.open(path)
    err = caught.value
    assert (FORMAT + 1, FORMAT) == (err.found, err.supported)
    assert f"format {FORMAT + 1}, newer than format {FORMAT}" in str(err)
    assert "upgrade redcity" in str(err)
    assert isinstance(err, RuntimeError)
    assert isinstance(err, JournalError)
    assert [(FORMAT + 1,)] == raw(path, "PRAGMA user_version")  # left alone


V1_BATCHES = [
    ("2025-01", notes("n1", "n2")),
    ("2025-02", []),  # a batch whose records were all there already
    ("2025-03", notes("n3") + notes("m1", stream="test.b")),
]


def make_v1(path: Path) -> None:
    """A journal as redcity's format 1 wrote it: no hash chain, no ranges."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("BEGIN")
        for statement in _migrations.V1_SCHEMA:
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("PRAGMA user_version = 1")
        for batch_id, records in V1_BATCHES:
            db.execute(
                "INSERT INTO batches VALUES (?, '2025-01-31T16:00:00+00:00')",
                (batch_id,),
            )
            db.executemany(
                "INSERT INTO records (stream, id, payload, batch_id) "
                "VALUES (?, ?, ?, ?)",
                [(*r, batch_id) for r in records],
            )
        db.execute("COMMIT")


def test_an_older_format_is_migrated(path: Path) -> None:
    make_v1(path)
    with Journal.open(path) as journal:
        assert FORMAT == journal.format
        expected = [r for _, records in V1_BATCHES for r in records]
        assert expected == [(r.stream, r.id, r.payload) for r in journal.read()]
        assert [1, 2, 3, 4] == [r.seq for r in journal.read()]
        assert 4 == journal.verify()
        for batch_id, records in V1_BATCHES:  # old batches retry as no-ops
            assert journal.append(batch_id, records).retried
        journal.append("2026-01", notes("n4"))
        assert 5 == journal.verify()
    assert [("batches",), ("records",)] == raw(
        path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    )


def test_an_older_format_is_refused_when_migration_is_off(path: Path) -> None:
    make_v1(path)
    with pytest.raises(JournalVersionError, match="migrate=True") as caught:
        Journal.open(path, migrate=False)
    assert (1, FORMAT) == (caught.value.found, caught.value.supported)
    assert "format 1, older than format" in str(caught.value)
    assert [(1,)] == raw(path, "PRAGMA user_version")


def test_a_failed_migration_leaves_the_old_journal(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_v1(path)
    real = _migrations.STEPS[1]

    def half_way(conn: sqlite3.Connection) -> None:
        real(conn)
        raise OSError("disk full")

    monkeypatch.setitem(_migrations.STEPS, 1, half_way)
    with pytest.raises(OSError, match="disk full"):
        Journal.open(path)
    assert [(1,)] == raw(path, "PRAGMA user_version")
    monkeypatch.setitem(_migrations.STEPS, 1, real)
    with Journal.open(path) as journal:
        assert 4 == journal.verify()


def test_another_database_is_not_a_journal(path: Path) -> None:
    raw(path, "CREATE TABLE accounts (id TEXT)")
    with pytest.raises(NotAJournalError, match="not a redcity journal"):
        Journal.open(path)
    raw(path, "PRAGMA application_id = 42")
    with pytest.raises(NotAJournalError, match="application id 0x2a"):
        Journal.open(path)


def test_a_file_that_is_not_sqlite_is_not_a_journal(path: Path) -> None:
    path.write_bytes(b"redcity? no: " * 100)
    with pytest.raises(NotAJournalError, match="not an SQLite database"):
        Journal.open(path)


# ---------------------------------------------------------------------------
# Life cycle
# ---------------------------------------------------------------------------


def test_open_without_create_needs_a_file(path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no journal at"):
        Journal.open(path, create=False)
    assert not path.exists()


def test_a_closed_journal_refuses_work(path: Path) -> None:
    journal = Journal.open(path)
    assert "(open)" in repr(journal)
    journal.close()
    assert "(closed)" in repr(journal)
    for call in (
        lambda: journal.append("b", []),
        lambda: journal.read(),
        lambda: journal.verify(),
        lambda: journal.head,
    ):
        with pytest.raises(JournalClosedError, match="is closed"):
            call()


def test_bad_synchronous_is_refused(path: Path) -> None:
    with pytest.raises(JournalArgumentError, match="synchronous"):
        Journal.open(path, synchronous="OFF")  # type: ignore[arg-type]


def test_synchronous_is_applied(path: Path) -> None:
    with Journal.open(path, synchronous="NORMAL") as journal:
        conn = journal._conn
        assert conn is not None
        assert 1 == conn.execute("PRAGMA synchronous").fetchone()[0]
    with Journal.open(path) as journal:
        conn = journal._conn
        assert conn is not None
        assert 2 == conn.execute("PRAGMA synchronous").fetchone()[0]


# ---------------------------------------------------------------------------
# Layering
# ---------------------------------------------------------------------------


def test_store_knows_no_wing() -> None:
    imported: set[str] = set()
    for module in (SRC / "store").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = {name.split(".")[1] for name in imported if name.startswith("redcity.")}
    assert ours <= {"errors", "serialize", "calendars", "store"}


def test_reading_a_malformed_stream_name_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalArgumentError, match="stream name"):
        journal.read("Points")


def test_a_malformed_anchor_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalArgumentError, match="64 hex digits"):
        journal.verify(anchor=Head(0, "not hex"))
    journal.append("b1", notes("n1"))
    with pytest.raises(JournalCorrupted, match="anchor pinned"):
        journal.verify(anchor=Head(1, "00" * 32))
    with pytest.raises(JournalCorrupted, match="anchor pinned"):
        journal.verify(anchor=Head(5, "00" * 32))  # a row the journal lacks
    assert 1 == journal.verify(anchor=Head(0, "00" * 32))
