"""The points wing on the journal: every record kind round-trips, replay = memory."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.errors import LedgerCorrupted, SerializationError
from redcity.points import (
    ATTENDANCE_KINDS,
    Attendance,
    Deduction,
    Fact,
    MicroWish,
    Posting,
    Rating,
    Redemption,
    Registration,
    Reversal,
    ServiceRecord,
)
from redcity.points.facts import FACT_TYPES
from redcity.points.journal import (
    FACTS,
    LEDGER,
    POSTINGS,
    fact_from_json,
    fact_to_json,
    load_facts,
    load_postings,
    posting_key,
    posting_to_json,
    replay_ledger,
    save,
)
from redcity.points.ledger import Account, Entry, Ledger, Transaction
from redcity.store import Journal, JournalConflict, JournalCorrupted

CST = timezone(timedelta(hours=8))
AT = datetime(2026, 3, 5, 9, tzinfo=CST)

# ---------------------------------------------------------------------------
# Strategies for every fact kind and for postings
# ---------------------------------------------------------------------------

ids = st.text(min_size=1, max_size=8).filter(lambda s: s.strip() and "\0" not in s)
texts = st.text(max_size=12)
zones = st.sampled_from([UTC, CST, timezone(timedelta(hours=-3, minutes=-30))])
instants = st.builds(
    lambda minutes, tz: (AT + timedelta(minutes=minutes)).astimezone(tz),
    st.integers(-500_000, 500_000),
    zones,
) | st.builds(
    lambda minutes: pendulum.instance(AT).add(minutes=minutes).in_tz("Asia/Shanghai"),
    st.integers(-500_000, 500_000),
)
base = {"id": ids, "at": instants, "member_id": ids, "node_id": ids}


def service_records(**kw: Any) -> st.SearchStrategy[ServiceRecord]:
    return st.builds(
        lambda at, minutes, **rest: ServiceRecord(
            at=at, end=at + timedelta(minutes=minutes), **rest
        ),
        minutes=st.integers(1, 600),
        category=ids,
        organizer_id=ids,
        **base,
    )


FACT_STRATEGIES: dict[type[Any], st.SearchStrategy[Any]] = {
    ServiceRecord: service_records(),
    MicroWish: st.builds(MicroWish, wish_id=ids, description=texts, **base),
    Rating: st.builds(
        Rating, score=st.integers(1, 5), ticket_id=st.none() | ids, **base
    ),
    Attendance: st.builds(
        Attendance, meeting=st.sampled_from(ATTENDANCE_KINDS), organizer_id=ids, **base
    ),
    Registration: st.builds(Registration, employer_id=ids, **base),
    Deduction: st.builds(Deduction, points=st.integers(1, 10**6), reason=ids, **base),
    Redemption: st.builds(
        Redemption, points=st.integers(1, 10**6), merchant_id=ids, item=texts, **base
    ),
    Reversal: st.builds(Reversal, reverses=ids, reason=ids, **base),
}
facts = st.one_of(*FACT_STRATEGIES.values())
postings = st.builds(
    Posting,
    fact_id=ids,
    rule_id=ids,
    member_id=ids,
    node_id=ids,
    issuer_id=ids,
    at=instants,
    points=st.integers(-(10**9), 10**9).filter(bool),
    explanation_zh=texts,
    explanation_en=texts,
)


def test_every_fact_kind_has_a_strategy() -> None:
    assert set(FACT_TYPES.values()) == set(FACT_STRATEGIES)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "district.journal") as j:
        yield j


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------


@given(facts)
def test_facts_round_trip_tagged_by_kind(fact: Fact) -> None:
    text = fact_to_json(fact)
    data = json.loads(text)
    assert fact.kind.value == data["kind"]
    assert "kind" == next(iter(data))
    assert fact == fact_from_json(text)
    assert type(fact) is type(fact_from_json(text))
    assert fact == rs.structure(
        rs.converter.unstructure(fact, unstructure_as=Fact), Fact
    )  # type: ignore[arg-type]


@given(postings)
def test_posting_writer_is_the_converters(posting: Posting) -> None:
    assert rs.to_json(posting) == posting_to_json(posting)
    assert posting == rs.from_json(posting_to_json(posting), Posting)


@given(postings, postings)
def test_posting_keys_never_collide(a: Posting, b: Posting) -> None:
    same = (a.fact_id, a.rule_id) == (b.fact_id, b.rule_id)
    assert same == (posting_key(a) == posting_key(b))


def test_unknown_or_missing_kind_is_refused() -> None:
    with pytest.raises(SerializationError, match="expected a fact kind"):
        fact_from_json('{"kind": "gift", "id": "x"}')
    with pytest.raises(SerializationError, match="needs its 'kind'"):
        fact_from_json('{"id": "x"}')
    with pytest.raises(SerializationError, match="an object with a 'kind'"):
        fact_from_json("[1]")
    bad = json.loads(
        fact_to_json(
            Registration(id="f1", at=AT, member_id="m1", node_id="c1", employer_id="u1")
        )
    )
    bad["score"] = 5
    with pytest.raises(SerializationError, match="unexpected key 'score'"):
        fact_from_json(json.dumps(bad))


@given(st.lists(facts, max_size=6), st.lists(postings, max_size=6))
def test_save_and_load_every_record_kind(
    some_facts: list[Fact], some_postings: list[Posting]
) -> None:
    unique_facts = list({f.id: f for f in some_facts}.values())
    unique_postings = list({posting_key(p): p for p in some_postings}.values())
    with (
        tempfile.TemporaryDirectory() as tmp,
        Journal.open(Path(tmp) / "j", synchronous="NORMAL") as journal,
    ):
        receipt = save(journal, "b1", facts=unique_facts, postings=unique_postings)
        assert len(unique_facts) + len(unique_postings) == receipt.added
        assert unique_facts == list(load_facts(journal))
        assert unique_postings == list(load_postings(journal))
        assert 0 == save(journal, "b1", facts=unique_facts).added


# ---------------------------------------------------------------------------
# The points bank
# ---------------------------------------------------------------------------


def posting(fact_id: str, member: str, points: int, *, day: int = 0) -> Posting:
    return Posting(
        fact_id=fact_id,
        rule_id="service-hours",
        member_id=member,
        node_id="520304001001001",
        issuer_id="org-nanbai",
        at=AT + timedelta(days=day),
        points=points,
        explanation_zh=f"志愿服务，得{points}分。",
        explanation_en=f"Service: {points} points.",
    )


def busy_bank() -> tuple[Ledger, list[Posting]]:
    """A bank with booked postings, a direct post, a redemption, a reversal."""
    bank = Ledger()
    scored = [posting(f"f{i}", f"m{i % 3}", 10 + i, day=i) for i in range(9)]
    scored.append(posting("f-late", "m1", -4, day=9))
    bank.book(scored)
    bank.post(
        Transaction(
            "bonus-1",
            pendulum.datetime(2026, 4, 1, 9, tz="Asia/Shanghai"),
            [Entry(Account.issuer("org-nanbai"), -50), Entry(Account.member("m2"), 50)],
            memo="优秀党员义工",
            memo_en="Outstanding volunteer",
        )
    )
    bank.redeem(
        id="r1",
        at=AT + timedelta(days=20),
        member_id="m0",
        merchant_id="超市-1",
        points=12,
        memo="兑换大米",
    )
    bank.reverse(
        "posting:f3:service-hours",
        id="rev-f3",
        at=AT + timedelta(days=21),
        reason="重复登记",
    )
    return bank, scored


def test_replay_gives_the_bank_in_memory(journal: Journal) -> None:
    bank, scored = busy_bank()
    save(journal, "2026-03", postings=scored, ledger_records=bank.records)
    assert journal.verify() > 0
    replayed = replay_ledger(journal)
    assert bank == replayed
    assert bank.records == replayed.records
    assert bank.head == replayed.head
    assert bank.balances() == replayed.balances()
    assert replayed.verify().ok


def test_saving_the_growing_bank_adds_only_new_records(journal: Journal) -> None:
    bank, _ = busy_bank()
    first = save(journal, "day-1", ledger_records=bank.records[:5])
    assert 5 == first.added
    receipt = save(journal, "day-2", ledger_records=bank.records)
    assert (len(bank) - 5, 5) == (receipt.added, receipt.skipped)
    assert bank == replay_ledger(journal)
    assert save(journal, "day-2", ledger_records=bank.records).retried


def test_a_forked_bank_is_refused(journal: Journal) -> None:
    bank, _ = busy_bank()
    save(journal, "b1", ledger_records=bank.records)
    other = Ledger()
    other.book([posting("f-other", "m9", 7)])
    with pytest.raises(JournalConflict) as caught:
        save(journal, "b2", ledger_records=other.records)
    assert (LEDGER, "0") == (caught.value.stream, caught.value.id)
    assert bank == replay_ledger(journal)


def test_facts_postings_and_bank_in_one_batch_all_or_nothing(
    journal: Journal,
) -> None:
    bank, scored = busy_bank()
    fact = Rating(id="f1", at=AT, member_id="m1", node_id="g1", score=5)
    save(journal, "b1", facts=[fact])
    changed = Rating(id="f1", at=AT, member_id="m1", node_id="g1", score=1)
    with pytest.raises(JournalConflict, match=r"'f1' of stream 'points\.fact'"):
        save(
            journal, "b2", facts=[changed], postings=scored, ledger_records=bank.records
        )
    assert {FACTS: 1} == journal.streams()


def test_an_edited_ledger_row_is_caught_by_both_chains(
    tmp_path: Path,
) -> None:
    path = tmp_path / "district.journal"
    bank, scored = busy_bank()
    with Journal.open(path) as journal:
        save(journal, "b1", postings=scored, ledger_records=bank.records)
        (seq,) = [r.seq for r in journal.read(LEDGER) if r.id == "2"]
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        (payload,) = db.execute(
            "SELECT payload FROM records WHERE seq = ?", (seq,)
        ).fetchone()
        forged = payload.replace('"amount": 12', '"amount": 120').replace(
            '"amount": -12', '"amount": -120'
        )
        assert forged != payload
        db.execute("UPDATE records SET payload = ? WHERE seq = ?", (forged, seq))
    with Journal.open(path) as journal:
        with pytest.raises(JournalCorrupted) as caught:
            journal.verify()
        assert (seq,) == caught.value.seqs
        with pytest.raises(LedgerCorrupted, match="seq 2"):
            replay_ledger(journal)
        assert 2 == replay_ledger(journal, verify=False).records[2].seq


def test_streams_are_named_by_the_points_wing() -> None:
    assert ("points.fact", "points.posting", "points.ledger") == (
        FACTS,
        POSTINGS,
        LEDGER,
    )
