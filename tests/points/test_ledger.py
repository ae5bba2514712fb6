"""The points bank: double entry, idempotence, overdrafts, reversals, policies,
verification at the exact record, statements, rollups and serialization."""

from __future__ import annotations

import hashlib
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.calendars import Period
from redcity.errors import (
    InsufficientPoints,
    LedgerCorrupted,
    NaiveDatetimeError,
    RedcityError,
    UnknownNode,
    ValidationError,
)
from redcity.grid import GridTree
from redcity.points import (
    GENESIS,
    Account,
    AccountKind,
    Entry,
    ExpireAfter,
    Ledger,
    LedgerPolicy,
    LedgerProblem,
    LedgerRecord,
    Posting,
    ResetEachYear,
    Statement,
    StatementLine,
    Transaction,
    TransactionConflict,
    UnknownTransaction,
    VerifyReport,
    posting_transaction_id,
    record_hash,
)
from redcity.testing.strategies import accounts, ledgers, transactions

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 5, 9, tzinfo=CST)
M1, M2 = Account.member("m1"), Account.member("m2")
ORG = Account.issuer("org-1")
SHOP = Account.merchant("shop-1")


def award(tx_id: str, member: Account, points: int, at: datetime = T0) -> Transaction:
    return Transaction(tx_id, at, [Entry(ORG, -points), Entry(member, points)])


def posting(fact_id: str = "f1", points: int = 25, **kw: Any) -> Posting:
    fields: dict[str, Any] = {
        "fact_id": fact_id,
        "rule_id": "service-hours",
        "member_id": "m1",
        "node_id": "g1",
        "issuer_id": "org-1",
        "at": T0,
        "points": points,
        "explanation_zh": f"志愿服务，得{points}分。",
        "explanation_en": f"Service: {points} points.",
    }
    fields.update(kw)
    return Posting(**fields)


def snapshot(bank: Ledger) -> tuple[Any, ...]:
    return bank.records, bank.balances(), bank.head, len(bank)


def round_trips(record: Any) -> None:
    cls = type(record)
    assert record == rs.structure(rs.unstructure(record), cls)
    assert record == rs.from_json(rs.to_json(record), cls)


# --------------------------------------------------------------------------
# Accounts, entries, transactions
# --------------------------------------------------------------------------


def test_account_text_parse_and_helpers() -> None:
    assert "member:m1" == str(M1)
    assert M1 == Account.parse("member:m1") == Account("member", "m1")
    assert Account.parse("商户:shop-1") == SHOP
    assert Account.parse("expiry:a:b") == Account.expiry("a:b")  # first colon splits
    assert Account.member("m1") is Account.member("m1")  # shared objects
    assert AccountKind.parse("发放单位") is AccountKind.ISSUER
    assert [M1, ORG, SHOP, Account.expiry("2026"), Account.reset("2026")] == sorted(
        [Account.reset("2026"), SHOP, Account.expiry("2026"), ORG, M1]
    )


@pytest.mark.parametrize("text", ["m1", "bank:m1", "member:", "member: "])
def test_account_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="Expected"):
        Account.parse(text)


@pytest.mark.parametrize("amount", [0, True, 1.5, "3"])
def test_entry_refuses_bad_amounts(amount: Any) -> None:
    with pytest.raises(ValueError, match="whole number, not 0"):
        Entry(M1, amount)


def test_entry_needs_an_account() -> None:
    with pytest.raises(TypeError):
        Entry("member:m1", 5)  # type: ignore[arg-type]


def test_transaction_is_double_entry() -> None:
    with pytest.raises(ValueError, match=r"sum to 0 .* got 5"):
        Transaction("t", T0, [Entry(ORG, -20), Entry(M1, 25)])
    with pytest.raises(ValueError, match="at least two entries"):
        Transaction("t", T0, [Entry(M1, 25)])
    with pytest.raises(NaiveDatetimeError):
        Transaction("t", datetime(2026, 3, 5), [Entry(ORG, -1), Entry(M1, 1)])
    with pytest.raises(ValueError, match="non-empty"):
        Transaction(" ", T0, [Entry(ORG, -1), Entry(M1, 1)])
    with pytest.raises(ValueError, match="cannot reverse itself"):
        Transaction("t", T0, [Entry(ORG, -1), Entry(M1, 1)], reverses="t")
    three = Transaction("t", T0, [Entry(ORG, -3), Entry(M1, 1), Entry(M2, 2)])
    assert 3 == len(three.entries)


def test_canonical_bytes_are_the_documented_json() -> None:
    tx = Transaction(
        't"1',
        T0,
        [Entry(ORG, -25), Entry(M1, 25)],
        memo="志愿服务\n2小时",
        source="f1",
        reverses=None,
    )
    micros = (T0 - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    value = [1, 't"1', micros, [["issuer:org-1", -25], ["member:m1", 25]]]
    value += ["志愿服务\n2小时", "", "f1", None]
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert expected.encode() == tx.canonical


def test_the_same_instant_hashes_the_same_in_any_offset() -> None:
    a = award("t", M1, 5, at=T0)
    b = award("t", M1, 5, at=T0.astimezone(UTC))
    assert a == b
    assert a.canonical == b.canonical
    assert record_hash(GENESIS, a) == record_hash(GENESIS, b)


def test_record_hash_is_stable_across_versions() -> None:
    # Pinned: changing the canonical form breaks every stored journal.
    tx = Transaction(
        "posting:f1:service-hours",
        T0,
        [Entry(ORG, -25), Entry(M1, 25)],
        memo="志愿服务2.5小时，每小时10分，得25分。",
        memo_en="2.5 h of service at 10 points an hour: 25 points.",
        source="f1",
    )
    prefix = GENESIS.encode()
    assert hashlib.sha256(prefix + tx.canonical).hexdigest() == record_hash(GENESIS, tx)
    assert (
        "060e9bc2aaf06dc0cd08aa5cd68bd4a5c3c51e27959f476fdfdac13813247e82"
        == record_hash(GENESIS, tx)
    )


def test_posting_ids_never_collide() -> None:
    a = posting_transaction_id(posting(fact_id="a:b", rule_id="c"))
    b = posting_transaction_id(posting(fact_id="a", rule_id="b:c"))
    c = posting_transaction_id(posting(fact_id="a%3Ab", rule_id="c"))
    assert len({a, b, c}) == 3
    assert "posting:a%3Ab:c" == a


# --------------------------------------------------------------------------
# Posting, booking, redeeming
# --------------------------------------------------------------------------


def test_every_transaction_balances_to_zero_across_accounts() -> None:
    bank = Ledger()
    bank.book([posting("f1", 25), posting("f2", 10, member_id="m2")])
    bank.redeem(id="r1", at=T0, member_id="m1", merchant_id="shop-1", points=20)
    assert {M1: 5, M2: 10, ORG: -35, SHOP: 20} == bank.balances()
    assert 0 == sum(bank.balances().values())
    assert {M1: 5, M2: 10} == bank.balances("成员")
    assert (M1, M2) == bank.accounts(AccountKind.MEMBER)


def test_post_is_idempotent_by_id() -> None:
    bank = Ledger()
    first = bank.post(award("t1", M1, 5))
    again = bank.post(award("t1", M1, 5, at=T0.astimezone(UTC)))
    assert first is again
    assert 1 == len(bank)
    before = snapshot(bank)
    with pytest.raises(TransactionConflict, match="'t1' is already in the ledger"):
        bank.post(award("t1", M1, 6))
    assert before == snapshot(bank)


def test_post_many_is_atomic() -> None:
    bank = Ledger()
    bank.post(award("t1", M1, 5))
    before = snapshot(bank)
    with pytest.raises(TransactionConflict, match="earlier in the batch"):
        bank.post_many([award("t2", M1, 1), award("t3", M1, 1), award("t2", M1, 2)])
    assert before == snapshot(bank)
    with pytest.raises(UnknownTransaction):
        bank.post_many(
            [
                award("t4", M1, 1),
                Transaction(
                    "r", T0, [Entry(ORG, 1), Entry(M1, -1)], reverses="missing"
                ),
            ]
        )
    assert before == snapshot(bank)
    with pytest.raises(TypeError):
        bank.post_many([award("t5", M1, 1), "t6"])  # type: ignore[list-item]
    assert before == snapshot(bank)


def test_book_turns_postings_into_transactions() -> None:
    bank = Ledger()
    [earned, lost] = bank.book([posting("f1", 25), posting("f2", -5, rule_id="late")])
    assert "posting:f1:service-hours" == earned.transaction.id
    assert (Entry(ORG, -25), Entry(M1, 25)) == earned.transaction.entries
    assert (Entry(M1, -5), Entry(ORG, 5)) == lost.transaction.entries
    assert "f1" == earned.transaction.source
    assert "志愿服务，得25分。" == earned.transaction.memo
    assert "Service: 25 points." == earned.transaction.memo_en
    assert 20 == bank.balance(M1)


def test_booking_again_adds_nothing() -> None:
    bank = Ledger()
    first = bank.book([posting("f1"), posting("f2")])
    assert first == bank.book([posting("f2"), posting("f1")])[::-1]
    assert 2 == len(bank)
    before = snapshot(bank)
    with pytest.raises(TransactionConflict):  # f1 re-scored to other points
        bank.book([posting("f3"), posting("f1", points=30)])
    assert before == snapshot(bank)


def test_redeem_refuses_an_overdraft_and_leaves_the_bank_unchanged() -> None:
    bank = Ledger()
    bank.book([posting("f1", 25)])
    before = snapshot(bank)
    with pytest.raises(InsufficientPoints) as caught:
        bank.redeem(id="r1", at=T0, member_id="m1", merchant_id="shop-1", points=26)
    assert (25, 26, "m1") == (
        caught.value.balance,
        caught.value.requested,
        caught.value.member_id,
    )
    assert "holds 25 points, fewer than the 26 requested" in str(caught.value)
    assert isinstance(caught.value, RedcityError | ValueError)
    assert before == snapshot(bank)
    assert "r1" not in bank
    rec = bank.redeem(id="r1", at=T0, member_id="m1", merchant_id="shop-1", points=25)
    assert (Entry(M1, -25), Entry(SHOP, 25)) == rec.transaction.entries
    assert 0 == bank.balance(M1)
    # A retried redemption is found by id, not refused for want of points.
    again = bank.redeem(id="r1", at=T0, member_id="m1", merchant_id="shop-1", points=25)
    assert rec is again


@pytest.mark.parametrize("points", [0, -5, True, 2.0])
def test_redeem_needs_positive_whole_points(points: Any) -> None:
    with pytest.raises(ValueError, match="whole number > 0"):
        Ledger().redeem(id="r", at=T0, member_id="m", merchant_id="s", points=points)


def test_insufficient_points_pickles() -> None:
    err = pickle.loads(pickle.dumps(InsufficientPoints("m1", 3, 4)))
    assert (3, 4) == (err.balance, err.requested)


# --------------------------------------------------------------------------
# Reversals
# --------------------------------------------------------------------------


def test_reverse_posts_the_opposite_entries() -> None:
    bank = Ledger()
    bank.book([posting("f1", 25)])
    tx_id = "posting:f1:service-hours"
    rec = bank.reverse(tx_id, id="fix-1", at=T0, reason="重复登记", reason_en="Twice")
    assert (Entry(ORG, 25), Entry(M1, -25)) == rec.transaction.entries
    assert (tx_id, "f1", "重复登记") == (
        rec.transaction.reverses,
        rec.transaction.source,
        rec.transaction.memo,
    )
    assert 0 == bank.balance(M1)
    assert rec is bank.reverse(
        tx_id, id="fix-1", at=T0, reason="重复登记", reason_en="Twice"
    )
    with pytest.raises(TransactionConflict, match="already reversed by 'fix-1'"):
        bank.reverse(tx_id, id="fix-2", at=T0, reason="again")
    with pytest.raises(UnknownTransaction, match="No transaction 'nope'"):
        bank.reverse("nope", id="fix-3", at=T0, reason="?")
    with pytest.raises(ValueError, match="reason"):
        bank.reverse(tx_id, id="fix-4", at=T0, reason=" ")
    # A reversal may itself be reversed (a mistaken correction).
    bank.reverse("fix-1", id="fix-5", at=T0, reason="撤销冲正")
    assert 25 == bank.balance(M1)
    assert bank.verify().ok


def test_a_reversal_must_mirror_its_original() -> None:
    bank = Ledger()
    bank.post(award("t1", M1, 5))
    wrong = Transaction("r", T0, [Entry(ORG, 4), Entry(M1, -4)], reverses="t1")
    with pytest.raises(TransactionConflict, match="must post the opposite"):
        bank.post(wrong)
    swapped = Transaction("r", T0, [Entry(M1, -5), Entry(ORG, 5)], reverses="t1")
    with pytest.raises(TransactionConflict, match="same order"):
        bank.post(swapped)
    assert 1 == len(bank)


def test_a_reversal_may_overdraw_a_member() -> None:
    bank = Ledger()
    bank.book([posting("f1", 25)])
    bank.redeem(id="r1", at=T0, member_id="m1", merchant_id="shop-1", points=20)
    bank.reverse("posting:f1:service-hours", id="fix", at=T0, reason="不实记录")
    assert -20 == bank.balance(M1)


# --------------------------------------------------------------------------
# Balances as of an instant
# --------------------------------------------------------------------------


def test_balance_as_of_an_instant() -> None:
    bank = Ledger()
    bank.post(award("t1", M1, 10, at=T0))
    bank.post(award("t2", M1, 5, at=T0 + timedelta(days=2)))
    bank.post(award("t0", M1, 1, at=T0 - timedelta(days=1)))  # back-dated
    assert 0 == bank.balance(M1, at=T0 - timedelta(days=2))
    assert 11 == bank.balance(M1, at=T0)
    assert 11 == bank.balance("member:m1", at=T0.astimezone(UTC))
    assert 16 == bank.balance(M1, at=T0 + timedelta(days=2)) == bank.balance(M1)
    with pytest.raises(NaiveDatetimeError):
        bank.balance(M1, at=datetime(2026, 3, 5))
    with pytest.raises(TypeError):
        bank.balance(5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Policies
# --------------------------------------------------------------------------


def test_expiry_spends_oldest_points_first() -> None:
    bank = Ledger()
    t0 = datetime(2024, 3, 5, 9, tzinfo=CST)
    bank.post(award("old", M1, 100, at=t0))
    bank.redeem(
        id="r",
        at=t0 + timedelta(days=30),
        member_id="m1",
        merchant_id="shop-1",
        points=30,
    )
    bank.post(award("new", M1, 50, at=datetime(2025, 6, 1, tzinfo=CST)))
    policy = ExpireAfter(months=24)
    assert isinstance(policy, LedgerPolicy)
    # One second early: nothing has lived 24 months yet.
    assert [] == bank.apply(policy, at=t0.replace(year=2026) - timedelta(seconds=1))
    [rec] = bank.apply(policy, at=t0.replace(year=2026))
    assert (
        Entry(M1, -70),
        Entry(Account.expiry("2026"), 70),
    ) == rec.transaction.entries
    assert rec.transaction.id.startswith("expiry:m1:20260305T010000")
    assert 50 == bank.balance(M1)
    assert [] == bank.apply(policy, at=t0.replace(year=2026))  # idempotent
    [later] = bank.apply(policy, at=datetime(2027, 6, 1, tzinfo=CST))
    assert -50 == later.transaction.entries[0].amount
    assert 0 == bank.balance(M1)
    assert bank.verify().ok


def test_expiry_leaves_reversed_points_out_and_never_overdraws() -> None:
    bank = Ledger()
    t0 = datetime(2024, 1, 10, tzinfo=CST)
    bank.post(award("old", M1, 40, at=t0))
    bank.post(award("new", M1, 30, at=datetime(2025, 12, 1, tzinfo=CST)))
    bank.reverse("new", id="fix", at=datetime(2025, 12, 2, tzinfo=CST), reason="误记")
    bank.post(award("old2", M2, 10, at=t0))
    bank.redeem(id="r2", at=t0, member_id="m2", merchant_id="shop-1", points=10)
    records = bank.apply(ExpireAfter(months=24), at=datetime(2026, 2, 1, tzinfo=CST))
    # the reversal of "new" did not use up m1's old points; m2 has none left
    assert [(M1, -40)] == [
        (r.transaction.entries[0].account, r.transaction.entries[0].amount)
        for r in records
    ]
    assert all(b >= 0 for b in bank.balances("member").values())


def test_expiry_counts_calendar_months_in_shanghai() -> None:
    bank = Ledger()
    bank.post(award("t", M1, 5, at=datetime(2024, 2, 29, 3, tzinfo=CST)))
    at = datetime(2024, 3, 31, 2, tzinfo=CST)
    policy = ExpireAfter(months=1)
    # One month before 03-31 02:00 is 02-29 02:00 (the 31st clamped to the 29th).
    assert [] == policy(bank, at)
    assert 1 == len(policy(bank, at + timedelta(hours=1)))
    # In UTC, `at` is 03-30 18:00, a month after 02-29 18:00Z (03-01 02:00 CST).
    assert 1 == len(ExpireAfter(months=1, tz="UTC")(bank, at))


@pytest.mark.parametrize("kw", [{"months": 0}, {"months": 1.5}, {"tz": "Mars/Base"}])
def test_policies_refuse_bad_settings(kw: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Expected"):
        ExpireAfter(**kw)


def test_reset_each_year_clears_what_was_carried() -> None:
    bank = Ledger()
    bank.post(award("a", M1, 60, at=datetime(2025, 6, 1, tzinfo=CST)))
    bank.post(
        Transaction(
            "d", datetime(2025, 7, 1, tzinfo=CST), [Entry(M2, -5), Entry(ORG, 5)]
        )
    )  # a debt
    # 2026-01-01 01:00 in Shanghai is 2025-12-31 17:00 UTC: already the new year.
    bank.post(award("b", M1, 7, at=datetime(2025, 12, 31, 17, tzinfo=UTC)))
    reset = ResetEachYear()
    records = bank.apply(reset, at=datetime(2026, 1, 2, tzinfo=CST))
    assert {M1: -60, M2: 5} == {
        r.transaction.entries[0].account: r.transaction.entries[0].amount
        for r in records
    }
    boundary = datetime(2026, 1, 1, tzinfo=CST)
    assert all(r.transaction.at == boundary for r in records)
    assert {M1: 7, M2: 0} == bank.balances("member")
    assert 60 - 5 == bank.balance(Account.reset("2026"))
    assert [] == bank.apply(reset, at=datetime(2026, 3, 1, tzinfo=CST))
    # A late booking dated in 2025 is cleared by the next run, under a new id.
    bank.post(award("late", M1, 3, at=datetime(2025, 12, 30, tzinfo=CST)))
    [late] = bank.apply(reset, at=datetime(2026, 3, 1, tzinfo=CST))
    assert "reset:2026:m1#2" == late.transaction.id
    assert 7 == bank.balance(M1)
    assert "2025年度积分清零" == late.transaction.memo
    assert bank.verify().ok


# --------------------------------------------------------------------------
# verify(): the exact record
# --------------------------------------------------------------------------


def ten() -> Ledger:
    bank = Ledger()
    for i in range(10):
        bank.post(
            award(f"t{i}", M1 if i % 2 else M2, i + 1, at=T0 + timedelta(hours=i))
        )
    return bank


def fields(report: VerifyReport) -> list[tuple[int | None, str]]:
    return [(p.seq, p.field) for p in report.problems]


def test_a_sound_ledger_verifies() -> None:
    bank = ten()
    report = bank.verify()
    assert report.ok
    assert report.seq is None
    assert (10, 20, bank.head) == (report.transactions, report.entries, report.head)
    report.raise_for_problems()
    assert bank == Ledger.from_records(bank.records)


def test_verify_finds_a_tampered_amount_at_its_record() -> None:
    rows = list(ten().records)
    tx = rows[4].transaction
    rows[4] = attrs.evolve(
        rows[4],
        transaction=attrs.evolve(tx, entries=[Entry(ORG, -500), Entry(M2, 500)]),
    )
    report = Ledger.from_records(rows, verify=False).verify()
    assert [(4, "hash")] == fields(report)
    assert 4 == report.seq
    with pytest.raises(LedgerCorrupted) as caught:
        Ledger.from_records(rows)
    assert 4 == caught.value.seq
    assert isinstance(caught.value, ValidationError)
    assert "seq 4 (t4) hash" in str(caught.value)


def test_verify_finds_a_broken_zero_sum_at_its_record() -> None:
    rows = list(ten().records)
    with attrs.validators.disabled():
        unbalanced = attrs.evolve(
            rows[7].transaction, entries=[Entry(ORG, -8), Entry(M1, 80)]
        )
    rows[7] = attrs.evolve(rows[7], transaction=unbalanced)
    report = Ledger.from_records(rows, verify=False).verify()
    assert [(7, "hash"), (7, "entries")] == fields(report)
    assert "sum to 72, not 0" in report.problems[1].message


def test_verify_finds_a_broken_chain_at_its_record() -> None:
    rows = list(ten().records)
    rows[3] = attrs.evolve(rows[3], prev_hash="1" * 64)
    report = Ledger.from_records(rows, verify=False).verify()
    assert [(3, "prev_hash"), (3, "hash")] == fields(report)


def test_a_record_rehashed_after_a_change_breaks_the_next_link() -> None:
    rows = list(ten().records)
    changed = award("t5", M1, 600, at=rows[5].transaction.at)
    rows[5] = attrs.evolve(
        rows[5], transaction=changed, hash=record_hash(rows[5].prev_hash, changed)
    )
    report = Ledger.from_records(rows, verify=False).verify()
    assert [(6, "prev_hash")] == fields(report)


def test_verify_finds_missing_and_repeated_records() -> None:
    rows = list(ten().records)
    gap = Ledger.from_records(rows[:4] + rows[5:], verify=False).verify()
    assert [(4, "seq"), (4, "prev_hash")] == fields(gap)
    rows[6] = attrs.evolve(
        rows[6],
        transaction=attrs.evolve(rows[6].transaction, id="t2"),
    )
    duplicate = Ledger.from_records(rows, verify=False).verify()
    assert [(6, "hash"), (6, "id")] == fields(duplicate)


def test_verify_checks_reversal_links() -> None:
    bank = ten()
    bank.reverse("t3", id="fix", at=T0, reason="误记")
    rows = list(bank.records)
    bad = attrs.evolve(rows[10].transaction, reverses="t9")  # not its mirror
    rows[10] = attrs.evolve(rows[10], transaction=bad)
    report = Ledger.from_records(rows, verify=False).verify()
    assert [(10, "hash"), (10, "reverses")] == fields(report)
    forward = attrs.evolve(rows[2].transaction, reverses="t5")  # a later one
    rows = list(bank.records)
    rows[2] = attrs.evolve(rows[2], transaction=forward)
    assert [(2, "hash"), (2, "reverses")] == fields(
        Ledger.from_records(rows, verify=False).verify()
    )


def test_verify_finds_running_balances_that_disagree() -> None:
    bank = ten()
    bank._balances["member:m1"] += 1  # an index damaged in memory
    report = bank.verify()
    assert [(9, "balance")] == fields(report)
    assert "member:m1" == report.problems[0].id


def test_from_records_takes_records_only() -> None:
    with pytest.raises(TypeError):
        Ledger.from_records(["r"])  # type: ignore[list-item]


# --------------------------------------------------------------------------
# The container
# --------------------------------------------------------------------------


def test_ledger_container_protocol() -> None:
    bank = ten()
    assert 10 == len(bank)
    assert bank.records is bank.records  # cached until the next append
    assert list(bank) == list(bank.records)
    assert "t3" in bank
    assert "t99" not in bank
    assert bank.records[3] is bank.record("t3")
    assert 3 == bank.record("t3").seq
    other = ten()
    assert bank == other
    other.post(award("x", M1, 1))
    assert bank != other
    assert bank != "ledger"
    with pytest.raises(TypeError):
        hash(bank)
    assert repr(bank).startswith("<Ledger: 10 transactions, 3 accounts, head ")
    assert GENESIS == Ledger().head
    assert isinstance(bank.records[0], LedgerRecord)


# --------------------------------------------------------------------------
# Statements (奉献积分卡)
# --------------------------------------------------------------------------


def card_bank() -> Ledger:
    bank = Ledger()
    bank.book([posting("f1", 25, at=datetime(2026, 2, 27, 9, tzinfo=CST))])
    bank.book([posting("f2", 10, at=datetime(2026, 3, 5, 9, tzinfo=CST))])
    bank.redeem(
        id="r1",
        at=datetime(2026, 3, 20, tzinfo=CST),
        member_id="m1",
        merchant_id="超市",
        points=30,
        memo="兑换大米一袋",
    )
    # booked late, dated earlier in March: shown in time order
    bank.book([posting("f3", 8, at=datetime(2026, 3, 1, 9, tzinfo=CST))])
    bank.book([posting("f4", 4, at=datetime(2026, 4, 1, 9, tzinfo=CST))])
    return bank


def test_statement_for_a_period() -> None:
    card = card_bank().statement("m1", period=Period.parse("2026-03"))
    assert 25 == card.opening
    assert [8, 10, -30] == [line.amount for line in card.lines]
    assert [33, 43, 13] == [line.balance for line in card.lines]
    assert 13 == card.closing
    assert (18, 30) == (card.earned, card.spent)
    assert "Asia/Shanghai" == card.tz
    assert [3, 1, 2] == [line.seq for line in card.lines]


def test_statement_for_all_time_ends_at_the_balance() -> None:
    bank = card_bank()
    card = bank.statement("m1")
    assert 0 == card.opening
    assert bank.balance(M1) == card.closing == card.lines[-1].balance
    assert [] == list(bank.statement("nobody").lines)


def test_statement_text_is_aligned_for_chinese() -> None:
    from redcity.points.ledger import _width

    text = card_bank().statement("m1", period=Period.parse("2026-03")).to_text()
    lines = text.splitlines()
    assert "奉献积分卡 · 成员 m1 · 2026-03" == lines[0]
    assert lines[1].split() == ["日期", "摘要", "积分", "余额"]
    # right-aligned balances end in the same display column
    ends = {_width(line) for line in lines[2:]}
    assert 1 == len(ends)
    assert "2026-03-20  兑换大米一袋" in text
    assert "+8" in lines[3]
    assert lines[3].endswith("33")
    english = card_bank().statement("m1").to_text(lang="en")
    assert english.startswith("Points card · member m1 · all time")
    assert "Redeemed at 超市" in english  # no English memo: the other side named
    with pytest.raises(ValueError, match="lang"):
        card_bank().statement("m1").to_text(lang="fr")


def test_statement_html() -> None:
    card = card_bank().statement("m1")
    html = card.to_html()
    assert html == card._repr_html_()
    assert html.count("<tr>") == len(card.lines) + 3
    assert "<caption>奉献积分卡 · 成员 m1 · 全部</caption>" in html
    assert "&lt;b&gt;" in Statement(member_id="<b>").to_html()
    assert str(card) == card.to_text()


def test_statement_fills_empty_memos_from_the_other_side() -> None:
    bank = Ledger()
    bank.post(award("t", M1, 5))
    bank.redeem(id="r", at=T0, member_id="m1", merchant_id="shop-1", points=5)
    lines = bank.statement("m1").lines
    assert ["发放 org-1", "兑换 shop-1"] == [line.memo for line in lines]
    assert ["Awarded by org-1", "Redeemed at shop-1"] == [
        line.memo_en for line in lines
    ]


# --------------------------------------------------------------------------
# Rollups over the grid
# --------------------------------------------------------------------------

TREE = GridTree.from_records(
    [
        {"id": "s", "parent": None, "level": "街道", "name": "南白街道"},
        {"id": "c", "parent": "s", "level": "社区", "name": "娄山社区"},
        {"id": "g1", "parent": "c", "level": "网格", "name": "网格1"},
        {"id": "g2", "parent": "c", "level": "网格", "name": "网格2"},
    ]
)


def test_rollup_places_member_balances_on_the_grid() -> None:
    bank = Ledger()
    bank.post(award("a", M1, 25, at=T0))
    bank.post(award("b", M2, 10, at=T0 + timedelta(days=1)))
    bank.post(award("c", Account.member("m3"), 5, at=T0))
    where = {"m1": "g1", "m2": "g2", "m3": "g2"}
    assert {"s": 40, "c": 40, "g1": 25, "g2": 15} == bank.rollup(TREE, where)
    assert {"g1": 25, "g2": 5} == bank.rollup(TREE, where, at=T0, level="网格")
    with pytest.raises(ValidationError, match="'m3' holds 5 points") as caught:
        bank.rollup(TREE, {"m1": "g1"})
    assert ["m2", "m3"] == [p.id for p in caught.value.problems]
    with pytest.raises(UnknownNode):
        bank.rollup(TREE, {**where, "m1": "nowhere"})


# --------------------------------------------------------------------------
# Strategies and serialization
# --------------------------------------------------------------------------


@given(accounts())
def test_accounts_round_trip(account: Account) -> None:
    round_trips(account)
    assert str(account) == rs.unstructure(account)
    assert account == Account.parse(str(account))


@given(transactions())
def test_transactions_round_trip(tx: Transaction) -> None:
    round_trips(tx)
    back = rs.from_json(rs.to_json(tx), Transaction)
    assert tx.canonical == back.canonical
    for entry in tx.entries:
        round_trips(entry)


@settings(max_examples=40)
@given(ledgers(max_transactions=15))
def test_drawn_ledgers_verify_replay_and_round_trip(bank: Ledger) -> None:
    assert bank.verify().ok
    assert 0 == sum(bank.balances().values())
    records = [rs.from_json(rs.to_json(r), LedgerRecord) for r in bank.records]
    assert bank == Ledger.from_records(records)
    for record in bank.records:
        round_trips(record)
    round_trips(bank.verify())
    for member in bank.accounts("member"):
        card = bank.statement(member.id)
        assert bank.balance(member) == card.closing
        round_trips(card)
        for line in card.lines:
            round_trips(line)


def test_small_records_round_trip() -> None:
    round_trips(LedgerProblem("t", "hash", "The hash does not match.", seq=3))
    round_trips(LedgerProblem("member:m1", "balance", "Off by one.", seq=None))
    round_trips(ExpireAfter(months=36, tz="UTC"))
    round_trips(ResetEachYear())
    card = card_bank().statement("m1", period=Period.parse("2026-Q1"))
    round_trips(card)
    round_trips(
        StatementLine(
            seq=0, transaction_id="t", at=T0, memo="", memo_en="", amount=1, balance=1
        )
    )
    assert '"member:m1"' == rs.to_json(M1)


@given(st.text(min_size=1).filter(str.strip), st.text(min_size=1).filter(str.strip))
def test_posting_ids_are_injective(fact_id: str, rule_id: str) -> None:
    tx_id = posting_transaction_id(posting(fact_id=fact_id, rule_id=rule_id))
    _, fact, rule = tx_id.split(":")
    assert fact_id == fact.replace("%3A", ":").replace("%25", "%")
    assert rule_id == rule.replace("%3A", ":").replace("%25", "%")


def test_reset_leaves_points_spent_in_the_new_year_alone() -> None:
    bank = Ledger()
    bank.post(award("a", M1, 60, at=datetime(2025, 6, 1, tzinfo=CST)))
    bank.redeem(
        id="r",
        at=datetime(2026, 1, 5, tzinfo=CST),
        member_id="m1",
        merchant_id="shop-1",
        points=50,
    )
    bank.post(award("b", M1, 30, at=datetime(2026, 1, 6, tzinfo=CST)))
    # 50 of the 60 carried were spent first: 10 are cleared, the new 30 stay.
    [rec] = bank.apply(ResetEachYear(), at=datetime(2026, 1, 10, tzinfo=CST))
    assert -10 == rec.transaction.entries[0].amount
    assert 30 == bank.balance(M1)
    # Spent even more than was carried: nothing to clear, never below zero.
    bank.post(award("c", M2, 5, at=datetime(2025, 6, 1, tzinfo=CST)))
    bank.apply(ExpireAfter(months=1), at=datetime(2026, 1, 20, tzinfo=CST))
    assert [] == bank.apply(ResetEachYear(), at=datetime(2026, 1, 20, tzinfo=CST))
    assert 0 == bank.balance(M2)
