"""The points bank as a state machine: any sequence of bookings, redemptions
(some overdrawing), reversals, expiries and resets keeps the bank sound.

A model keeps the balances the machine expects from the entries it saw
posted; the invariants compare the bank with the model, with its own
records, and with a replay of its records.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from redcity.errors import InsufficientPoints
from redcity.points import (
    Account,
    ExpireAfter,
    Ledger,
    LedgerRecord,
    Posting,
    ResetEachYear,
    TransactionConflict,
)

CST = timezone(timedelta(hours=8))
MEMBERS = st.sampled_from(["m1", "m2", "m3"])
ISSUERS = st.sampled_from(["org-1", "org-2"])
MERCHANTS = st.sampled_from(["shop-1", "超市"])
HOURS = st.integers(0, 24 * 120)


class LedgerMachine(RuleBasedStateMachine):
    """Drives one Ledger; ``expected`` is what its balances must be."""

    def __init__(self) -> None:
        super().__init__()
        self.bank = Ledger()
        self.expected: defaultdict[Account, int] = defaultdict(int)
        self.clock = datetime(2024, 1, 1, 8, tzinfo=CST)
        self.step = 0
        # Members whose balance a deduction or a correction may take below 0.
        self.may_owe: set[Account] = set()

    @initialize()
    def start(self) -> None:
        assert 0 == len(self.bank)

    # ------------------------------------------------------------ helpers

    def tick(self, hours: int) -> datetime:
        self.step += 1
        self.clock += timedelta(hours=hours)
        return self.clock

    def took(self, before: int, records: list[LedgerRecord]) -> None:
        """Add the entries of records new since ``before`` to the model."""
        for record in records:
            if record.seq >= before:
                for entry in record.transaction.entries:
                    self.expected[entry.account] += entry.amount
        assert len(self.bank) == before + len(
            {r.seq for r in records if r.seq >= before}
        )

    # --------------------------------------------------------------- rules

    @rule(
        member=MEMBERS,
        issuer=ISSUERS,
        points=st.integers(-30, 100).filter(bool),
        hours=HOURS,
        backdate=st.integers(0, 24 * 60),
        rule_id=st.sampled_from(["hours", "bonus"]),
    )
    def book(
        self,
        member: str,
        issuer: str,
        points: int,
        hours: int,
        backdate: int,
        rule_id: str,
    ) -> None:
        at = self.tick(hours) - timedelta(hours=backdate)
        posting = Posting(
            fact_id=f"f{self.step}",
            rule_id=rule_id,
            member_id=member,
            node_id="g1",
            issuer_id=issuer,
            at=at.astimezone(UTC) if points % 2 else at,
            points=points,
            explanation_zh=f"得{points}分。",
            explanation_en=f"{points} points.",
        )
        before = len(self.bank)
        records = self.bank.book([posting])
        self.took(before, records)
        if points < 0:
            self.may_owe.add(Account.member(member))
        # Booking the same posting again adds nothing.
        assert records == self.bank.book([posting])
        assert before + 1 == len(self.bank)

    @rule(member=MEMBERS, merchant=MERCHANTS, points=st.integers(1, 300), hours=HOURS)
    def redeem(self, member: str, merchant: str, points: int, hours: int) -> None:
        account = Account.member(member)
        balance = self.bank.balance(account)
        at = self.tick(hours)
        before = len(self.bank)
        records, balances, head = (
            self.bank.records,
            self.bank.balances(),
            self.bank.head,
        )
        tx_id = f"redeem-{self.step}"
        if points > balance:
            with pytest.raises(InsufficientPoints) as caught:
                self.bank.redeem(
                    id=tx_id,
                    at=at,
                    member_id=member,
                    merchant_id=merchant,
                    points=points,
                )
            assert (balance, points) == (caught.value.balance, caught.value.requested)
            # Refused: the bank is exactly as it was.
            assert records == self.bank.records
            assert balances == self.bank.balances()
            assert head == self.bank.head
            assert tx_id not in self.bank
            assert balance == self.bank.balance(account)
            return
        record = self.bank.redeem(
            id=tx_id, at=at, member_id=member, merchant_id=merchant, points=points
        )
        self.took(before, [record])
        assert 0 <= self.bank.balance(account) == balance - points

    @precondition(lambda self: len(self.bank) > 0)
    @rule(data=st.data(), hours=HOURS)
    def reverse(self, data: st.DataObject, hours: int) -> None:
        target = data.draw(st.sampled_from(self.bank.records)).transaction
        at = self.tick(hours)
        tx_id = f"reverse-{self.step}"
        before = len(self.bank)
        already = any(r.transaction.reverses == target.id for r in self.bank.records)
        if already:
            with pytest.raises(TransactionConflict, match="already reversed"):
                self.bank.reverse(target.id, id=tx_id, at=at, reason="再次冲正")
            assert before == len(self.bank)
            return
        record = self.bank.reverse(target.id, id=tx_id, at=at, reason="冲正")
        self.took(before, [record])
        self.may_owe.update(
            e.account
            for e in record.transaction.entries
            if e.account.kind.value == "member"
        )

    @precondition(lambda self: len(self.bank) > 0)
    @rule(data=st.data())
    def repost(self, data: st.DataObject) -> None:
        record = data.draw(st.sampled_from(self.bank.records))
        before = self.bank.records
        assert record is self.bank.post(record.transaction)
        assert before == self.bank.records

    @rule(months=st.integers(1, 24), hours=HOURS)
    def expire(self, months: int, hours: int) -> None:
        policy = ExpireAfter(months=months)
        at = self.tick(hours)
        before = len(self.bank)
        records = self.bank.apply(policy, at=at)
        self.took(before, records)
        for record in records:
            member, sink = record.transaction.entries
            assert member.amount < 0 < sink.amount
            assert 0 <= self.bank.balance(member.account)
        assert [] == self.bank.apply(policy, at=at)

    @rule(hours=HOURS)
    def reset(self, hours: int) -> None:
        at = self.tick(hours)
        before = len(self.bank)
        records = self.bank.apply(ResetEachYear(), at=at)
        self.took(before, records)
        assert [] == self.bank.apply(ResetEachYear(), at=at)

    # ---------------------------------------------------------- invariants

    @invariant()
    def balances_match_the_model(self) -> None:
        assert dict(self.expected) == self.bank.balances()

    @invariant()
    def each_balance_is_the_sum_of_its_entries(self) -> None:
        for account in self.bank.accounts():
            total = sum(
                e.amount
                for r in self.bank.records_of(account)
                for e in r.transaction.entries
                if e.account == account
            )
            assert total == self.bank.balance(account)

    @invariant()
    def all_accounts_sum_to_zero(self) -> None:
        assert 0 == sum(self.bank.balances().values())

    @invariant()
    def members_owe_only_after_deductions_or_corrections(self) -> None:
        for member, balance in self.bank.balances("member").items():
            assert balance >= 0 or member in self.may_owe

    @invariant()
    def replay_reproduces_the_state(self) -> None:
        replayed = Ledger.from_records(self.bank.records)
        assert self.bank == replayed
        assert self.bank.balances() == replayed.balances()
        assert self.bank.head == replayed.head

    @invariant()
    def the_bank_verifies(self) -> None:
        report = self.bank.verify()
        assert report.ok, report.problems
        assert len(self.bank) == report.transactions

    @invariant()
    def the_far_future_sees_every_entry(self) -> None:
        later = self.clock + timedelta(days=3650)
        for account in self.bank.accounts("member"):
            assert self.bank.balance(account) == self.bank.balance(account, at=later)
            assert self.bank.balance(account) == self.bank.statement(account.id).closing


# As many examples as the active profile asks for (dev 150, ci 60), longer runs.
LedgerMachine.TestCase.settings = settings(
    LedgerMachine.TestCase.settings, stateful_step_count=50, deadline=None
)
TestLedgerMachine = LedgerMachine.TestCase
