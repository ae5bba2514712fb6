"""Strategies for the points bank: accounts, transactions, whole ledgers.

Re-exported by :mod:`redcity.testing.strategies`.

>>> from hypothesis import given, settings
>>> @settings(max_examples=10, deadline=None)
... @given(ledgers(max_transactions=8))
... def test_all_balances_sum_to_zero(bank):
...     assert sum(bank.balances().values()) == 0
>>> test_all_balances_sum_to_zero()
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.points.ledger import (
    Account,
    AccountKind,
    Entry,
    ExpireAfter,
    Ledger,
    ResetEachYear,
    Transaction,
)
from redcity.points.postings import Posting
from redcity.testing._checks import check_size as _check_size

__all__ = ["accounts", "ledgers", "transactions"]

_SHANGHAI = timezone(timedelta(hours=8), "CST")
_ZONES = st.sampled_from([_SHANGHAI, UTC, timezone(timedelta(hours=-5))])
_IDS = st.text(min_size=1, max_size=12).filter(str.strip)
_MEMOS = st.sampled_from(["", "志愿服务2小时", "微心愿：送米面油"]) | st.text(
    max_size=20
)
_START = datetime(2024, 1, 1, 8, tzinfo=_SHANGHAI)


def accounts(*, kind: AccountKind | str | None = None) -> st.SearchStrategy[Account]:
    """:class:`~redcity.points.Account` objects, any kind (or one) and any id.

    Ids are short non-blank texts, ``:`` and Chinese included.  Shrinks toward
    ``member:0``.

    Args:
        kind: Only accounts of this kind.

    Raises:
        hypothesis.errors.InvalidArgument: ``kind`` names no account kind.

    >>> from hypothesis import find
    >>> find(accounts(), lambda a: True)
    Account(kind=<AccountKind.MEMBER: 'member'>, id='0')
    """
    if kind is None:
        kinds: st.SearchStrategy[AccountKind] = st.sampled_from(AccountKind)
    else:
        try:
            kinds = st.just(AccountKind.parse(kind))
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from None
    return st.builds(Account, kinds, _IDS)


@st.composite
def _transaction(draw: st.DrawFn, max_entries: int) -> Transaction:
    k = draw(st.integers(2, max_entries))
    parties = draw(st.lists(accounts(), min_size=k, max_size=k))
    amounts = draw(
        st.lists(
            st.integers(-(10**6), 10**6).filter(bool), min_size=k - 1, max_size=k - 1
        )
    )
    if sum(amounts) == 0:  # the last entry may not be 0
        amounts[0] += 1 if amounts[0] != -1 else 2
    amounts.append(-sum(amounts))
    tx_id = draw(_IDS)
    return Transaction(
        tx_id,
        draw(
            st.datetimes(
                min_value=datetime(2000, 1, 1),
                max_value=datetime(2100, 1, 1),
                timezones=_ZONES,
            )
        ),
        [Entry(a, n) for a, n in zip(parties, amounts, strict=True)],
        memo=draw(_MEMOS),
        memo_en=draw(_MEMOS),
        source=draw(st.none() | _IDS),
        reverses=draw(st.none() | _IDS.filter(lambda r: r != tx_id)),
    )


def transactions(*, max_entries: int = 4) -> st.SearchStrategy[Transaction]:
    """Valid :class:`~redcity.points.Transaction` objects: any accounts, any ids.

    Two to ``max_entries`` entries of non-zero amounts summing to zero,
    timestamps 2000–2100 in UTC, +08:00 or −05:00, memos in Chinese or any
    text.  Each is valid on its own; a ``reverses`` id names no particular
    transaction (use :func:`ledgers` for consistent histories).  Shrinks
    toward two entries between ``member:0`` accounts.

    Args:
        max_entries: Most entries (at least 2).

    Raises:
        hypothesis.errors.InvalidArgument: ``max_entries`` < 2.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(transactions())
    ... def test_zero_sum(tx):
    ...     assert sum(e.amount for e in tx.entries) == 0
    >>> test_zero_sum()
    """
    _check_size("entries", 2, max_entries, 2)
    return _transaction(max_entries)


_OPS = ("book", "redeem", "reverse", "expire", "reset", "deduct")


@st.composite
def _ledger(
    draw: st.DrawFn, min_transactions: int, max_transactions: int, max_members: int
) -> Ledger:
    target = draw(st.integers(min_transactions, max_transactions))
    members = [f"m{i}" for i in range(draw(st.integers(1, max_members)))]
    bank = Ledger()
    clock = _START
    reversed_ids: set[str] = set()
    step = 0
    while len(bank) < target:
        step += 1
        clock += timedelta(hours=draw(st.integers(0, 24 * 90)))
        op = draw(st.sampled_from(_OPS))
        member = draw(st.sampled_from(members))
        if op == "redeem" and bank.balance(Account.member(member)) > 0:
            bank.redeem(
                id=f"redeem-{step}",
                at=clock,
                member_id=member,
                merchant_id=draw(st.sampled_from(["shop-0", "超市-1"])),
                points=draw(st.integers(1, bank.balance(Account.member(member)))),
                memo=draw(st.sampled_from(["", "兑换大米一袋"])),
            )
            continue
        if op == "reverse":
            candidates = [
                r.transaction.id
                for r in bank.records
                if r.transaction.id not in reversed_ids
                and r.transaction.reverses is None
            ]
            if candidates:
                target_id = draw(st.sampled_from(candidates))
                bank.reverse(target_id, id=f"reverse-{step}", at=clock, reason="冲正")
                reversed_ids.add(target_id)
                continue
        if op in ("expire", "reset"):
            policy = (
                ExpireAfter(months=draw(st.integers(1, 24)))
                if op == "expire"
                else ResetEachYear()
            )
            planned = policy(bank, clock)
            if 0 < len(planned) <= target - len(bank):
                bank.apply(policy, at=clock)
                continue
        points = draw(st.integers(1, 100))
        at = clock - timedelta(hours=draw(st.integers(0, 24 * 30)))  # some back-dated
        bank.book(
            [
                Posting(
                    fact_id=f"f{step}",
                    rule_id=draw(st.sampled_from(["hours", "bonus"])),
                    member_id=member,
                    node_id="g1",
                    issuer_id=draw(st.sampled_from(["org-0", "org-1"])),
                    at=at.astimezone(draw(_ZONES)),
                    points=-points if op == "deduct" else points,
                    explanation_zh=f"得{points}分。",
                    explanation_en=f"{points} points.",
                )
            ]
        )
    return bank


def ledgers(
    *, min_transactions: int = 0, max_transactions: int = 20, max_members: int = 4
) -> st.SearchStrategy[Ledger]:
    """:class:`~redcity.points.Ledger` objects grown through the bank's own API.

    A history of booked postings (some back-dated, some deductions),
    redemptions that the balance covers, reversals, and runs of
    :class:`~redcity.points.ExpireAfter` and
    :class:`~redcity.points.ResetEachYear`, between ``m0`` … members, the
    issuers ``org-0``/``org-1`` and two merchants, 2024 onwards.  Every
    ledger verifies.  Shrinks toward few bookings for one member.

    Args:
        min_transactions: Fewest transactions.
        max_transactions: Most transactions.
        max_members: Most members (at least 1).

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(ledgers(min_transactions=1, max_transactions=6))
    ... def test_verifies(bank):
    ...     assert bank.verify().ok and 1 <= len(bank) <= 6
    >>> test_verifies()
    """
    _check_size("transactions", min_transactions, max_transactions)
    _check_size("members", 1, max_members, 1)
    return _ledger(min_transactions, max_transactions, max_members)
