"""The points bank (积分银行): a double-entry, hash-chained, append-only ledger.

Every :class:`Transaction` moves points between accounts (:class:`Account`)
and its :class:`Entry` amounts sum to zero (double entry): a member's points
come from an issuing organisation, go to a merchant when redeemed (积分超市),
to an expiry or reset account when they lapse.  Issuers' balances are
therefore negative, and the balances of all accounts always add up to zero.

Decisions worth knowing:

* Posting is idempotent by transaction id; other content under a taken id
  raises :class:`TransactionConflict`.  Every call that posts is atomic.
* Only :meth:`Ledger.redeem` refuses an overdraft
  (:class:`~redcity.errors.InsufficientPoints`); a deduction or a reversal
  records what happened even if it takes a member below zero.
* :meth:`Ledger.verify` returns a :class:`VerifyReport` (it never raises for
  a damaged ledger); :meth:`Ledger.from_records` raises
  :class:`~redcity.errors.LedgerCorrupted`.
* :meth:`Ledger.rollup` takes the member → node mapping from the caller (the
  bank knows accounts, not where members live or registered).

The :class:`Ledger` only appends.  Nothing is ever edited: a mistake is
corrected by a reversal (:meth:`Ledger.reverse`) that posts the opposite
entries.  Each :class:`LedgerRecord` carries the SHA-256 of its transaction's
canonical bytes and of the previous record's hash, so :meth:`Ledger.verify`
finds the exact record where a stored ledger was changed.

Canonical bytes (version 1), stable across processes and library versions:
    A transaction is written as the compact JSON array
    ``[1, id, at, [[account, amount], ...], memo, memo_en, source, reverses]``
    exactly as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``
    writes it, UTF-8 encoded.  ``1`` is the format version; ``at`` is the
    instant as whole microseconds since 1970-01-01T00:00:00Z (an integer, so
    the same instant written with another offset hashes the same); an account
    is ``"kind:id"`` (``"member:m1"``); entries keep their order; ``source``
    and ``reverses`` are a string or ``null``.  A record's hash is
    ``sha256(prev_hash + canonical).hexdigest()``: the previous record's
    64-character lowercase hex hash (:data:`GENESIS`, 64 zeros, before the
    first record) as ASCII, then the canonical bytes.  A transaction computes
    its canonical bytes once, when it is built (it is frozen), so
    :meth:`Ledger.verify` re-hashes them without re-encoding.

>>> from datetime import datetime, timedelta, timezone
>>> cst = timezone(timedelta(hours=8))
>>> bank = Ledger()
>>> _ = bank.post(Transaction("t1", datetime(2026, 3, 5, 9, tzinfo=cst), [
...     Entry(Account.issuer("org-1"), -25), Entry(Account.member("m1"), 25)]))
>>> _ = bank.redeem(id="r1", at=datetime(2026, 3, 6, 10, tzinfo=cst),
...                 member_id="m1", merchant_id="shop-1", points=10)
>>> bank.balance(Account.member("m1")), bank.balance("merchant:shop-1")
(15, 10)
>>> sum(bank.balances().values()), bank.verify().ok
(0, True)
"""

from __future__ import annotations

import calendar
import contextlib
import enum
import functools
import gc
import hashlib
import html
import operator
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import compress
from json.encoder import encode_basestring as _json_string
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

import attrs
import pendulum

from redcity import _html
from redcity._names import parse_member
from redcity._validators import (
    aware,
    non_empty_text,
    non_negative_int,
    optional_text,
    positive_int,
    require_aware,
    string,
)
from redcity.calendars import DEFAULT_TZ, Period
from redcity.errors import (
    InsufficientPoints,
    LedgerCorrupted,
    Problem,
    RedcityError,
    ValidationError,
)
from redcity.points.postings import Posting
from redcity.serialize import register

if TYPE_CHECKING:
    from redcity.grid import GridTree, Level
    from redcity.points.facts import Redemption

__all__ = [
    "CANONICAL_VERSION",
    "GENESIS",
    "Account",
    "AccountKind",
    "Entry",
    "ExpireAfter",
    "Ledger",
    "LedgerPolicy",
    "LedgerProblem",
    "LedgerRecord",
    "ResetEachYear",
    "Statement",
    "StatementLine",
    "Transaction",
    "TransactionConflict",
    "UnknownTransaction",
    "VerifyReport",
    "posting_transaction_id",
    "record_hash",
]

GENESIS: Final = "0" * 64
"""The ``prev_hash`` of the first record: 64 zeros."""

CANONICAL_VERSION: Final = 1
"""The version of the canonical bytes that hashes cover (the array's first item)."""


# --------------------------------------------------------------------------
# Errors of the bank's operations
# --------------------------------------------------------------------------


class TransactionConflict(RedcityError, ValueError):
    """A transaction conflicts with the ledger: its id is taken by other content,
    or it reverses a transaction that is already reversed or does not mirror it.

    >>> issubclass(TransactionConflict, ValueError)
    True
    """


class UnknownTransaction(RedcityError, KeyError):
    """A transaction id the ledger does not hold.

    >>> issubclass(UnknownTransaction, KeyError)
    True
    """

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


# --------------------------------------------------------------------------
# Validators
# --------------------------------------------------------------------------


def _zone(name: str) -> tzinfo:
    return pendulum.timezone(name)


def _check_tz(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    try:
        _zone(value)  # type: ignore[arg-type]
    except Exception:  # pendulum raises several kinds for bad names
        msg = f"Expected an IANA time zone name such as 'Asia/Shanghai', got {value!r}."
        raise ValueError(msg) from None


# --------------------------------------------------------------------------
# Accounts and entries
# --------------------------------------------------------------------------


class AccountKind(enum.Enum):
    """Who holds an account: a member, an issuer, a merchant, or a sink.

    ``EXPIRY`` and ``RESET`` receive the points that lapse under
    :class:`ExpireAfter` and :class:`ResetEachYear`.

    >>> AccountKind.parse("商户") is AccountKind.MERCHANT
    True
    >>> AccountKind.ISSUER.zh
    '发放单位'
    """

    MEMBER = "member"
    ISSUER = "issuer"
    MERCHANT = "merchant"
    EXPIRY = "expiry"
    RESET = "reset"

    @property
    def zh(self) -> str:
        """The Chinese name: 成员, 发放单位, 商户, 过期, 清零."""
        return _KIND_ZH[self]

    @classmethod
    def parse(cls, value: AccountKind | str) -> AccountKind:
        """A kind from a member or its English or Chinese name.

        Raises:
            ValueError: the value names no kind; the message lists the names.

        >>> AccountKind.parse("Member"), AccountKind.parse("过期")
        (<AccountKind.MEMBER: 'member'>, <AccountKind.EXPIRY: 'expiry'>)
        """
        return parse_member(cls, value, what="an account kind", names=_kind_names)


_KIND_ZH = {
    AccountKind.MEMBER: "成员",
    AccountKind.ISSUER: "发放单位",
    AccountKind.MERCHANT: "商户",
    AccountKind.EXPIRY: "过期",
    AccountKind.RESET: "清零",
}
_KIND_RANK = {kind: rank for rank, kind in enumerate(AccountKind)}
_ACCOUNT_TEXT = "'kind:id' such as 'member:m1'"


def _kind_names(kind: AccountKind) -> tuple[str, ...]:
    return (kind.value, kind.zh, kind.name)


def _parse_kind(value: AccountKind | str) -> AccountKind:
    return AccountKind.parse(value)


def _kind_rank(kind: AccountKind) -> int:
    return _KIND_RANK[kind]


@attrs.frozen(cache_hash=True, order=True)
class Account:
    """An account of the points bank: a kind and an id, written ``"member:m1"``.

    Accounts are equal when kind and id are; they order by kind (member,
    issuer, merchant, expiry, reset) then id.  The helpers :meth:`member`,
    :meth:`issuer`, :meth:`merchant`, :meth:`expiry` and :meth:`reset` share
    one object per account.

    Attributes:
        kind: Who holds it (an :class:`AccountKind` or its name).
        id: The holder's id: a member, organisation or merchant id, or for the
            sinks the year the points lapsed in.

    >>> a = Account.member("m1")
    >>> str(a), a == Account("member", "m1"), Account.parse("issuer:org-1").kind
    ('member:m1', True, <AccountKind.ISSUER: 'issuer'>)
    """

    kind: AccountKind = attrs.field(converter=_parse_kind, order=_kind_rank)
    id: str = attrs.field(validator=non_empty_text)
    _label: str = attrs.field(init=False, eq=False, order=False, repr=False)
    _json: str = attrs.field(init=False, eq=False, order=False, repr=False)

    def __attrs_post_init__(self) -> None:
        label = f"{self.kind.value}:{self.id}"
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_json", _json_string(label))

    def __str__(self) -> str:
        return self._label

    @classmethod
    def parse(cls, text: str) -> Account:
        """The account written as ``"kind:id"``; the kind may be its Chinese name.

        Raises:
            ValueError: no ``:``, an unknown kind, or an empty id.

        >>> Account.parse("商户:shop-1")
        Account(kind=<AccountKind.MERCHANT: 'merchant'>, id='shop-1')
        """
        if not isinstance(text, str):
            msg = f"Expected an account written {_ACCOUNT_TEXT}, got {text!r}."
            raise TypeError(msg)
        kind, colon, account_id = text.partition(":")
        if not colon:
            msg = f"Expected an account written {_ACCOUNT_TEXT}, got {text!r}."
            raise ValueError(msg)
        return _account(_parse_kind(kind), account_id)

    @classmethod
    def member(cls, id: str) -> Account:
        """A member's account.

        >>> print(Account.member("m1"))
        member:m1
        """
        return _account(AccountKind.MEMBER, id)

    @classmethod
    def issuer(cls, id: str) -> Account:
        """An issuing organisation's account (it grants points; its balance is < 0).

        >>> print(Account.issuer("org-1"))
        issuer:org-1
        """
        return _account(AccountKind.ISSUER, id)

    @classmethod
    def merchant(cls, id: str) -> Account:
        """A merchant's account (points redeemed there).

        >>> print(Account.merchant("shop-1"))
        merchant:shop-1
        """
        return _account(AccountKind.MERCHANT, id)

    @classmethod
    def expiry(cls, id: str) -> Account:
        """A sink for expired points; :class:`ExpireAfter` uses the year.

        >>> print(Account.expiry("2028"))
        expiry:2028
        """
        return _account(AccountKind.EXPIRY, id)

    @classmethod
    def reset(cls, id: str) -> Account:
        """A sink for points cleared at the annual reset; :class:`ResetEachYear`
        uses the new year.

        >>> print(Account.reset("2027"))
        reset:2027
        """
        return _account(AccountKind.RESET, id)


@functools.lru_cache(maxsize=1 << 16)
def _account(kind: AccountKind, id: str) -> Account:
    """One shared Account per (kind, id), for speed and memory."""
    return Account(kind, id)


def _as_account(value: Account | str) -> Account:
    if isinstance(value, Account):
        return value
    if isinstance(value, str):
        return Account.parse(value)
    msg = f"Expected an Account or 'kind:id' text, got {value!r}."
    raise TypeError(msg)


def _amount(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value == 0:
        msg = f"Expected amount to be a whole number, not 0, got {value!r}."
        raise ValueError(msg)


@attrs.frozen
class Entry:
    """One side of a transaction: an amount added to one account's balance.

    Attributes:
        account: The account.
        amount: Points, never 0; positive raises the account's balance.

    >>> Entry(Account.member("m1"), 25)
    Entry(account=Account(kind=<AccountKind.MEMBER: 'member'>, id='m1'), amount=25)
    """

    account: Account = attrs.field(validator=attrs.validators.instance_of(Account))
    amount: int = attrs.field(validator=_amount)


# --------------------------------------------------------------------------
# Transactions
# --------------------------------------------------------------------------


def _entries(value: Iterable[Entry]) -> tuple[Entry, ...]:
    return tuple(value)


def _balanced(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[Entry, ...]
) -> None:
    if len(value) < 2:
        msg = f"Expected at least two entries (double entry), got {len(value)}."
        raise ValueError(msg)
    total = 0
    for entry in value:
        if not isinstance(entry, Entry):
            msg = f"Expected entries to be Entry records, got {entry!r}."
            raise TypeError(msg)
        total += entry.amount
    if total:
        msg = (
            f"Expected the entries to sum to 0 (double entry), got {total}: "
            + ", ".join(f"{e.account} {e.amount:+d}" for e in value)
            + "."
        )
        raise ValueError(msg)


def _not_self(
    instance: Transaction, attribute: attrs.Attribute[Any], value: object
) -> None:
    optional_text(instance, attribute, value)
    if value is not None and value == instance.id:
        msg = f"Transaction {instance.id!r} cannot reverse itself."
        raise ValueError(msg)


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_since: Final = datetime.__sub__  # the stdlib's, also for pendulum instances


def _micros(at: datetime) -> int:
    """Microseconds since 1970-01-01T00:00:00Z (exact, whatever the offset)."""
    return _since(at, _EPOCH) // _MICROSECOND


def _utc_stamp(at: datetime) -> str:
    """``20260305T010000.000000Z``: a compact UTC stamp for derived ids."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def _json_or_null(value: str | None) -> str:
    return "null" if value is None else _json_string(value)


def _canonical(tx: Transaction) -> bytes:
    entries = ",".join([f"[{e.account._json},{e.amount:d}]" for e in tx.entries])
    text = (
        f"[{CANONICAL_VERSION},{_json_string(tx.id)},{_micros(tx.at):d},"
        f"[{entries}],{_json_string(tx.memo)},{_json_string(tx.memo_en)},"
        f"{_json_or_null(tx.source)},{_json_or_null(tx.reverses)}]"
    )
    return text.encode("utf-8", "surrogatepass")


@attrs.frozen
class Transaction:
    """Points moved between accounts at one instant; the amounts sum to zero.

    Transactions are frozen: their canonical bytes (see the module's
    documentation) are computed once, when one is built, and cover every
    field.  Two transactions are equal when their contents are, the
    timestamp compared as an instant.

    Attributes:
        id: Unique within the ledger; posting it again is a no-op.
        at: When it happened (timezone-aware).
        entries: Two or more :class:`Entry` records summing to zero.
        memo: What it was for, in Chinese (shown on the points card).
        memo_en: The same in English (may be empty).
        source: The fact it comes from (a posting's ``fact_id``), if any.
        reverses: The id of the transaction this one reverses, if any.

    Raises:
        ValueError: fewer than two entries, a non-zero sum, an empty id.
        NaiveDatetimeError: ``at`` is naive.

    >>> from datetime import datetime, timezone
    >>> tx = Transaction("t1", datetime(2026, 3, 5, 1, tzinfo=timezone.utc), [
    ...     Entry(Account.issuer("org-1"), -25), Entry(Account.member("m1"), 25)],
    ...     memo="志愿服务")
    >>> tx.canonical.decode()
    '[1,"t1",1772672400000000,[["issuer:org-1",-25],["member:m1",25]],"志愿服务","",null,null]'
    """

    id: str = attrs.field(validator=non_empty_text)
    at: datetime = attrs.field(validator=aware)
    entries: tuple[Entry, ...] = attrs.field(converter=_entries, validator=_balanced)
    memo: str = attrs.field(default="", kw_only=True, validator=string)
    memo_en: str = attrs.field(default="", kw_only=True, validator=string)
    source: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text
    )
    reverses: str | None = attrs.field(default=None, kw_only=True, validator=_not_self)
    _canonical: bytes = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_canonical", _canonical(self))

    @property
    def canonical(self) -> bytes:
        """The canonical bytes that the record's hash covers (format version 1).

        >>> from datetime import datetime, timedelta, timezone
        >>> entries = [Entry(Account.issuer("o"), -1), Entry(Account.member("m"), 1)]
        >>> a = Transaction("t", datetime(2026, 1, 1, 8, tzinfo=timezone.utc), entries)
        >>> b = Transaction("t", datetime(2026, 1, 1, 16,
        ...                 tzinfo=timezone(timedelta(hours=8))), entries)
        >>> a.canonical == b.canonical and a == b
        True
        """
        return self._canonical

    @classmethod
    def from_posting(cls, posting: Posting) -> Transaction:
        """The transaction that books a posting: issuer → member (member → issuer
        for a deduction), with the id :func:`posting_transaction_id`.

        The memo is the posting's Chinese explanation, ``memo_en`` its English
        one, ``source`` its fact id.

        >>> from datetime import datetime, timezone
        >>> p = Posting(fact_id="f1", rule_id="hours", member_id="m1", node_id="g1",
        ...             issuer_id="org-1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
        ...             points=-5, explanation_zh="扣5分。", explanation_en="5 off.")
        >>> tx = Transaction.from_posting(p)
        >>> tx.id, [(str(e.account), e.amount) for e in tx.entries]
        ('posting:f1:hours', [('member:m1', -5), ('issuer:org-1', 5)])
        """
        if not isinstance(posting, Posting):
            msg = f"Expected a Posting, got {posting!r}."
            raise TypeError(msg)
        points = posting.points
        member = Account.member(posting.member_id)
        issuer = Account.issuer(posting.issuer_id)
        if points > 0:
            entries = (Entry(issuer, -points), Entry(member, points))
        else:
            entries = (Entry(member, points), Entry(issuer, -points))
        return cls(
            posting_transaction_id(posting),
            posting.at,
            entries,
            memo=posting.explanation_zh,
            memo_en=posting.explanation_en,
            source=posting.fact_id,
        )

    def amount_for(self, account: Account) -> int:
        """The net amount this transaction adds to ``account`` (0 if untouched).

        >>> from datetime import datetime, timezone
        >>> tx = Transaction("t", datetime(2026, 1, 1, tzinfo=timezone.utc), [
        ...     Entry(Account.issuer("o"), -3), Entry(Account.member("m"), 3)])
        >>> tx.amount_for(Account.member("m")), tx.amount_for(Account.member("x"))
        (3, 0)
        """
        return sum(e.amount for e in self.entries if e.account == account)


def _escape_id(value: str) -> str:
    """``%`` and ``:`` percent-encoded, so that ids joined by ``:`` stay apart."""
    return value.replace("%", "%25").replace(":", "%3A")


def posting_transaction_id(posting: Posting) -> str:
    """The id of the transaction booking a posting: ``posting:<fact>:<rule>``.

    One fact earns at most one posting per rule, so booking the same postings
    again finds their transactions and adds nothing.  ``%`` and ``:`` in the
    ids are percent-encoded, so different (fact, rule) pairs never share an id.

    >>> from datetime import datetime, timezone
    >>> p = Posting(fact_id="f:1", rule_id="hours", member_id="m1", node_id="g1",
    ...             issuer_id="org-1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
    ...             points=5, explanation_zh="", explanation_en="")
    >>> posting_transaction_id(p)
    'posting:f%3A1:hours'
    """
    return f"posting:{_escape_id(posting.fact_id)}:{_escape_id(posting.rule_id)}"


def record_hash(prev_hash: str, transaction: Transaction) -> str:
    """``sha256(prev_hash + canonical bytes)`` as 64 lowercase hex digits.

    >>> from datetime import datetime, timezone
    >>> tx = Transaction("t", datetime(2026, 1, 1, tzinfo=timezone.utc), [
    ...     Entry(Account.issuer("o"), -1), Entry(Account.member("m"), 1)])
    >>> h = record_hash(GENESIS, tx)
    >>> len(h), h == record_hash("1" * 64, tx)
    (64, False)
    """
    return hashlib.sha256(prev_hash.encode() + transaction.canonical).hexdigest()


@attrs.frozen
class LedgerRecord:
    """A transaction as the ledger stored it: its place and its hash chain link.

    Only types are checked on construction; whether the hashes fit is for
    :meth:`Ledger.verify` to say.

    Attributes:
        seq: Its position in the ledger, from 0.
        transaction: The transaction.
        prev_hash: The previous record's hash (:data:`GENESIS` for seq 0).
        hash: :func:`record_hash` of ``prev_hash`` and the transaction.

    >>> from datetime import datetime, timezone
    >>> bank = Ledger()
    >>> rec = bank.post(Transaction("t", datetime(2026, 1, 1, tzinfo=timezone.utc), [
    ...     Entry(Account.issuer("o"), -1), Entry(Account.member("m"), 1)]))
    >>> rec.seq, rec.prev_hash == GENESIS
    (0, True)
    >>> rec.hash == record_hash(GENESIS, rec.transaction)
    True
    """

    seq: int = attrs.field(validator=non_negative_int)
    transaction: Transaction = attrs.field(
        validator=attrs.validators.instance_of(Transaction)
    )
    prev_hash: str = attrs.field(validator=string)
    hash: str = attrs.field(validator=string)


# --------------------------------------------------------------------------
# Verification results
# --------------------------------------------------------------------------


@attrs.frozen
class LedgerProblem(Problem):
    """One thing :meth:`Ledger.verify` found wrong, at the record where it is.

    Attributes:
        id: The transaction's id (or the account, for a balance problem).
        field: ``"seq"``, ``"prev_hash"``, ``"hash"``, ``"id"``, ``"entries"``,
            ``"reverses"`` or ``"balance"``.
        message: A full sentence.
        seq: The record's ``seq``; ``None`` when no record is at fault.

    >>> print(LedgerProblem("t3", "hash", "The hash does not match.", seq=3))
    seq 3 (t3) hash: The hash does not match.
    """

    seq: int | None = attrs.field(kw_only=True)

    def __str__(self) -> str:
        where = f"seq {self.seq} ({self.id})" if self.seq is not None else self.id
        return f"{where} {self.field}: {self.message}"


@attrs.frozen(kw_only=True)
class VerifyReport:
    """What :meth:`Ledger.verify` found: counts and every problem, in seq order.

    Attributes:
        transactions: Records checked.
        entries: Entries summed.
        head: The last record's hash (:data:`GENESIS` when empty).
        problems: Every problem found, by seq; empty when the ledger is sound.

    >>> report = Ledger().verify()
    >>> report.ok, report.seq, report.transactions
    (True, None, 0)
    """

    transactions: int
    entries: int
    head: str
    problems: tuple[LedgerProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing disagrees."""
        return not self.problems

    @property
    def seq(self) -> int | None:
        """The first bad record's seq, ``None`` if no record is at fault."""
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None

    def raise_for_problems(self) -> None:
        """Raise :class:`~redcity.errors.LedgerCorrupted` listing every problem.

        >>> Ledger().verify().raise_for_problems()  # sound: nothing happens
        """
        if self.problems:
            raise LedgerCorrupted(self.problems)


# --------------------------------------------------------------------------
# Statements (奉献积分卡)
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StatementLine:
    """One line of a points card: a transaction as it touched the member.

    Attributes:
        seq: The record's seq.
        transaction_id: The transaction's id.
        at: When it happened.
        memo: What it was for, in Chinese.
        memo_en: What it was for, in English.
        amount: Points added (> 0) or taken (< 0).
        balance: The member's balance after it (in time order).

    >>> from datetime import datetime, timezone
    >>> line = StatementLine(seq=0, transaction_id="t", memo="志愿服务", memo_en="",
    ...     at=datetime(2026, 1, 1, tzinfo=timezone.utc), amount=25, balance=25)
    >>> line.amount, line.balance
    (25, 25)
    """

    seq: int
    transaction_id: str
    at: datetime = attrs.field(validator=aware)
    memo: str
    memo_en: str
    amount: int
    balance: int


_LABELS = {
    "zh": (
        "奉献积分卡",
        "成员",
        "全部",
        "日期",
        "摘要",
        "积分",
        "余额",
        "期初余额",
        "期末余额",
    ),
    "en": (
        "Points card",
        "member",
        "all time",
        "Date",
        "Memo",
        "Points",
        "Balance",
        "Opening balance",
        "Closing balance",
    ),
}


def _lines(value: Iterable[StatementLine]) -> tuple[StatementLine, ...]:
    return tuple(value)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(map(_char_width, text))


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


@attrs.frozen(kw_only=True)
class Statement:
    """A member's points card (奉献积分卡): opening balance, lines, closing balance.

    Lines are in time order (ties by seq); dates are read in ``tz``.  Render
    with :meth:`to_text` (columns aligned for Chinese characters, which take
    two columns) or :meth:`to_html`; Jupyter shows the HTML.

    Attributes:
        member_id: Whose card it is.
        period: The period covered, or ``None`` for all time.
        tz: The zone dates are read in.
        opening: The balance before the period.
        lines: The transactions in the period.

    >>> from datetime import datetime, timezone
    >>> bank = Ledger()
    >>> _ = bank.post(Transaction("t1", datetime(2026, 3, 5, 1, tzinfo=timezone.utc), [
    ...     Entry(Account.issuer("org-1"), -25), Entry(Account.member("m1"), 25)],
    ...     memo="志愿服务2.5小时"))
    >>> print(bank.statement("m1").to_text())  # doctest: -NORMALIZE_WHITESPACE
    奉献积分卡 · 成员 m1 · 全部
    日期        摘要             积分  余额
                期初余额                  0
    2026-03-05  志愿服务2.5小时   +25    25
                期末余额                 25
    """

    member_id: str = attrs.field(validator=non_empty_text)
    period: Period | None = None
    tz: str = attrs.field(default=DEFAULT_TZ, validator=_check_tz)
    opening: int = 0
    lines: tuple[StatementLine, ...] = attrs.field(default=(), converter=_lines)

    @property
    def closing(self) -> int:
        """The balance after the last line."""
        return self.opening + sum(line.amount for line in self.lines)

    @property
    def earned(self) -> int:
        """Points added in the period."""
        return sum(line.amount for line in self.lines if line.amount > 0)

    @property
    def spent(self) -> int:
        """Points taken in the period (redeemed, deducted, expired), as a number > 0."""
        return -sum(line.amount for line in self.lines if line.amount < 0)

    def _rows(self, lang: str) -> tuple[str, list[tuple[str, str, str, str]]]:
        if lang not in _LABELS:
            msg = f"Expected lang 'zh' or 'en', got {lang!r}."
            raise ValueError(msg)
        title, member, whole, *head, opened, closed = _LABELS[lang]
        covered = self.period.label if self.period is not None else whole
        zone = _zone(self.tz)
        rows = [
            (head[0], head[1], head[2], head[3]),
            ("", opened, "", f"{self.opening}"),
        ]
        for line in self.lines:
            memo = line.memo if lang == "zh" else (line.memo_en or line.memo)
            day = line.at.astimezone(zone).date().isoformat()
            rows.append((day, memo, f"{line.amount:+d}", f"{line.balance}"))
        rows.append(("", closed, "", f"{self.closing}"))
        return f"{title} · {member} {self.member_id} · {covered}", rows

    def to_text(self, *, lang: str = "zh") -> str:
        """The card as aligned plain text, in Chinese (``"zh"``) or English (``"en"``).

        >>> print(Statement(member_id="m1", opening=7).to_text(lang="en"))
        ... # doctest: -NORMALIZE_WHITESPACE
        Points card · member m1 · all time
        Date  Memo             Points  Balance
              Opening balance                7
              Closing balance                7
        """
        title, rows = self._rows(lang)
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        out = [title]
        for k, row in enumerate(rows):
            cells = [
                _pad(row[0], widths[0]),
                _pad(row[1], widths[1]),
                _pad(row[2], widths[2], right=k > 0),
                _pad(row[3], widths[3], right=k > 0),
            ]
            out.append("  ".join(cells).rstrip())
        return "\n".join(out)

    def to_html(self, *, lang: str = "zh") -> str:
        """The card as an HTML table (what Jupyter shows).

        >>> html = Statement(member_id="m<1>").to_html()
        >>> html.startswith('<table class="redcity-statement">'), "m&lt;1&gt;" in html
        (True, True)
        """
        title, rows = self._rows(lang)
        esc = html.escape

        def tr(row: tuple[str, str, str, str], cell: str) -> str:
            left = "".join(f"<{cell}>{esc(v)}</{cell}>" for v in row[:2])
            right = "".join(
                f'<{cell} style="text-align:right">{esc(v)}</{cell}>' for v in row[2:]
            )
            return f"<tr>{left}{right}</tr>"

        body = "".join(tr(row, "td") for row in rows[1:-1])
        return (
            '<table class="redcity-statement">'
            f"<caption>{esc(title)}</caption>"
            f"<thead>{tr(rows[0], 'th')}</thead>"
            f"<tbody>{body}</tbody>"
            f"<tfoot>{tr(rows[-1], 'td')}</tfoot>"
            "</table>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()


# --------------------------------------------------------------------------
# Policies: expiry and annual reset
# --------------------------------------------------------------------------


@runtime_checkable
class LedgerPolicy(Protocol):
    """A rule that, given the ledger and an instant, says what to post.

    A policy is a pure callable: it reads the ledger and returns the
    transactions to post (it never posts them itself).  :meth:`Ledger.apply`
    posts them atomically.  Policies give their transactions ids derived from
    the ledger's state, and compute amounts net of what earlier runs posted,
    so applying a policy twice at the same instant posts nothing new.

    >>> isinstance(ExpireAfter(months=24), LedgerPolicy)
    True
    """

    def __call__(self, ledger: Ledger, at: datetime, /) -> Iterable[Transaction]:
        """The transactions to post at ``at``."""
        ...


def _fresh_id(ledger: Ledger, base: str) -> str:
    """``base``, or ``base#2``, ``base#3`` … the first id the ledger lacks."""
    if base not in ledger:
        return base
    n = 2
    while f"{base}#{n}" in ledger:
        n += 1
    return f"{base}#{n}"


def _reversal_pairs(records: Iterable[LedgerRecord]) -> set[str]:
    """The ids of the reversals among ``records`` and of what they reverse."""
    paired: set[str] = set()
    for rec in records:
        if rec.transaction.reverses is not None:
            paired.update((rec.transaction.id, rec.transaction.reverses))
    return paired


def _months_before(at: datetime, months: int, zone: tzinfo) -> datetime:
    local = at.astimezone(zone)
    year, month0 = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month0 + 1)[1])
    return local.replace(year=year, month=month0 + 1, day=day)


@attrs.frozen(kw_only=True)
class ExpireAfter:
    """Points expire a number of calendar months after they were earned.

    Spending uses the oldest points first (first in, first out).  At
    ``at``, a member loses the points earned at or before ``at`` minus
    ``months`` (read in ``tz``) that spending, deductions and earlier expiries
    have not used up, never more than the balance.  A reversed transaction and
    its reversal are left out on both sides.  The expired points go to
    ``Account.expiry(<year of at>)``.  Expiry takes effect when applied, so
    apply it regularly (e.g. monthly): points spent before a run are spent.

    Attributes:
        months: How long points live (local practice: often 24 or 36).
        tz: The zone in which months are counted.

    >>> from datetime import datetime, timezone
    >>> bank = Ledger()
    >>> _ = bank.post(Transaction("t1", datetime(2024, 3, 5, tzinfo=timezone.utc), [
    ...     Entry(Account.issuer("o"), -30), Entry(Account.member("m1"), 30)]))
    >>> _ = bank.redeem(id="r1", at=datetime(2025, 1, 1, tzinfo=timezone.utc),
    ...                 member_id="m1", merchant_id="s", points=10)
    >>> april = datetime(2026, 4, 1, tzinfo=timezone.utc)
    >>> [rec] = bank.apply(ExpireAfter(months=24), at=april)
    >>> [(str(e.account), e.amount) for e in rec.transaction.entries]
    [('member:m1', -20), ('expiry:2026', 20)]
    >>> bank.balance("member:m1"), bank.apply(ExpireAfter(months=24), at=april)
    (0, [])
    """

    months: int = attrs.field(default=24, validator=positive_int)
    tz: str = attrs.field(default=DEFAULT_TZ, validator=_check_tz)

    def __call__(self, ledger: Ledger, at: datetime, /) -> list[Transaction]:
        """The expiry transactions at ``at``, one per member with points to lose."""
        require_aware(at, "at")
        zone = _zone(self.tz)
        cutoff = _months_before(at, self.months, zone)
        sink = Account.expiry(str(at.astimezone(zone).year))
        stamp = _utc_stamp(at)
        out = []
        for member in ledger.accounts(AccountKind.MEMBER):
            balance = ledger.balance(member)
            if balance <= 0:
                continue
            records = ledger.records_of(member)
            paired = _reversal_pairs(records)
            old = spent = 0
            for rec in records:
                tx = rec.transaction
                if tx.id in paired:
                    continue
                amount = tx.amount_for(member)
                if amount < 0:
                    spent -= amount
                elif tx.at <= cutoff:
                    old += amount
            expired = min(balance, old - spent)
            if expired > 0:
                tx_id = _fresh_id(ledger, f"expiry:{_escape_id(member.id)}:{stamp}")
                out.append(
                    Transaction(
                        tx_id,
                        at,
                        (Entry(member, -expired), Entry(sink, expired)),
                        memo=f"积分过期（获得满{self.months}个月）",
                        memo_en=f"Points expired {self.months} months after earning",
                    )
                )
        return out


@attrs.frozen(kw_only=True)
class ResetEachYear:
    """Every member's balance returns to zero at the start of each calendar year.

    Applied at ``at``, it clears what each member carried into the year of
    ``at`` (read in ``tz``) and still holds.  The carry is the sum of the
    member's entries dated before 1 January 00:00, net of earlier resets into
    that year; spending dated in the new year uses carried points first, so
    what was spent before the run is not cleared again, and a member is never
    taken below zero.  A negative carry (a debt) is forgiven.  A reversed
    transaction and its reversal are left out.  Late bookings dated in the old
    year are cleared by the next run.  The transaction is dated 1 January
    00:00 and moves the points to ``Account.reset(<year>)``.

    Attributes:
        tz: The zone whose midnight starts the year.

    >>> from datetime import datetime, timezone
    >>> bank = Ledger()
    >>> _ = bank.post(Transaction("t1", datetime(2025, 6, 1, tzinfo=timezone.utc), [
    ...     Entry(Account.issuer("o"), -60), Entry(Account.member("m1"), 60)]))
    >>> [rec] = bank.apply(ResetEachYear(), at=datetime(2026, 1, 2, tzinfo=UTC))
    >>> rec.transaction.at.isoformat(), bank.balance("member:m1"), rec.transaction.memo
    ('2026-01-01T00:00:00+08:00', 0, '2025年度积分清零')
    """

    tz: str = attrs.field(default=DEFAULT_TZ, validator=_check_tz)

    def __call__(self, ledger: Ledger, at: datetime, /) -> list[Transaction]:
        """The reset transactions for the year of ``at``."""
        require_aware(at, "at")
        year = at.astimezone(_zone(self.tz)).year
        boundary = pendulum.datetime(year, 1, 1, tz=self.tz)
        sink = Account.reset(str(year))
        out = []
        for member in ledger.accounts(AccountKind.MEMBER):
            records = ledger.records_of(member)
            paired = _reversal_pairs(records)
            carried = spent = 0
            for rec in records:
                tx = rec.transaction
                if tx.id in paired:
                    continue
                amount = tx.amount_for(member)
                if tx.at < boundary or any(e.account == sink for e in tx.entries):
                    carried += amount
                elif amount < 0:
                    spent -= amount
            if carried > 0:
                carried = max(0, min(carried - spent, ledger.balance(member)))
            if carried:
                tx_id = _fresh_id(ledger, f"reset:{year}:{_escape_id(member.id)}")
                out.append(
                    Transaction(
                        tx_id,
                        boundary,
                        (Entry(member, -carried), Entry(sink, carried)),
                        memo=f"{year - 1}年度积分清零",
                        memo_en=f"Points of {year - 1} reset",
                    )
                )
        return out


# --------------------------------------------------------------------------
# The ledger
# --------------------------------------------------------------------------

_TX = operator.attrgetter("transaction")
_SEQ = operator.attrgetter("seq")
_PREV = operator.attrgetter("prev_hash")
_HASH = operator.attrgetter("hash")
_ID = operator.attrgetter("id")
_ENTRIES = operator.attrgetter("entries")
_CANON = operator.attrgetter("_canonical")
_REVERSES = operator.attrgetter("reverses")
_HEXDIGEST = operator.methodcaller("hexdigest")

_VERIFY_IN_HTML: Final = 1_000_000
"""The largest ledger ``Ledger._repr_html_`` verifies (about 2 s)."""
_TOP_MEMBERS: Final = 10

_COUNTERPARTY = {
    AccountKind.ISSUER: ("发放", "Awarded by"),
    AccountKind.MERCHANT: ("兑换", "Redeemed at"),
    AccountKind.EXPIRY: ("过期", "Expired"),
    AccountKind.RESET: ("清零", "Reset"),
    AccountKind.MEMBER: ("转账", "Transfer with"),
}


class Ledger:
    """The points bank: an append-only, hash-chained, double-entry ledger.

    Post transactions with :meth:`post` (or :meth:`post_many`, atomically),
    book scored postings with :meth:`book`, spend with :meth:`redeem`, correct
    with :meth:`reverse`, let points lapse with :meth:`apply` and a policy.
    Posting is idempotent by transaction id: the same content again returns
    the existing record and adds nothing; other content under a taken id
    raises :class:`TransactionConflict`.  A failed call leaves the ledger
    unchanged.

    Balances are kept running, so :meth:`balance` without ``at`` is O(1);
    with ``at`` it sums the account's entries dated at or before then.
    Ledgers are equal when their records are.  Rebuild one from stored
    records with :meth:`from_records`.

    >>> from datetime import datetime, timezone
    >>> bank = Ledger()
    >>> t = Transaction("t1", datetime(2026, 3, 5, tzinfo=timezone.utc), [
    ...     Entry(Account.issuer("org-1"), -25), Entry(Account.member("m1"), 25)])
    >>> bank.post(t) is bank.post(t), len(bank)
    (True, 1)
    >>> Ledger.from_records(bank.records) == bank
    True
    """

    __slots__ = (
        "_accounts",
        "_balances",
        "_by_id",
        "_records",
        "_reversed_by",
        "_touching",
        "_tuple",
    )

    def __init__(self) -> None:
        self._records: list[LedgerRecord] = []
        self._tuple: tuple[LedgerRecord, ...] | None = ()
        self._by_id: dict[str, int] = {}
        # Keyed by the account's text "kind:id": a str hashes in C.
        self._accounts: dict[str, Account] = {}
        self._balances: dict[str, int] = {}
        self._touching: dict[str, list[int]] = {}
        self._reversed_by: dict[str, str] = {}

    # ------------------------------------------------------------ building

    @classmethod
    def from_records(
        cls, records: Iterable[LedgerRecord], *, verify: bool = True
    ) -> Ledger:
        """Rebuild a ledger from its records (as a journal replays them).

        Args:
            records: The records in seq order.
            verify: Run :meth:`verify` and raise if anything disagrees.  With
                ``False`` the records are taken as they are, so that a damaged
                ledger can be inspected.

        Raises:
            LedgerCorrupted: ``verify`` is true and verification failed; the
                error lists every problem with its record's seq.
            TypeError: an item is not a :class:`LedgerRecord`.

        >>> import attrs
        >>> from datetime import datetime, timezone
        >>> bank = Ledger()
        >>> rec = bank.post(Transaction("t", datetime(2026, 1, 1, tzinfo=timezone.utc),
        ...     [Entry(Account.issuer("o"), -1), Entry(Account.member("m"), 1)]))
        >>> Ledger.from_records([attrs.evolve(rec, hash="f" * 64)])
        Traceback (most recent call last):
        ...
        redcity.errors.LedgerCorrupted: 1 problem found:
          - seq 0 (t) hash: The stored hash ffffffffffff… is not the hash of the record's content and prev_hash (...); the record was changed after it was written.
        """  # noqa: E501
        ledger = cls()
        with _gc_paused():
            for record in records:
                if not isinstance(record, LedgerRecord):
                    msg = f"Expected LedgerRecord items, got {record!r}."
                    raise TypeError(msg)
                ledger._index(record)
        if verify:
            ledger.verify().raise_for_problems()
        return ledger

    def _index(self, record: LedgerRecord) -> None:
        """Append a record and update every index (no checks)."""
        seq = len(self._records)
        self._records.append(record)
        self._tuple = None
        tx = record.transaction
        self._by_id.setdefault(tx.id, seq)
        if tx.reverses is not None:
            self._reversed_by.setdefault(tx.reverses, tx.id)
        balances, touching = self._balances, self._touching
        for entry in tx.entries:
            key = entry.account._label
            seqs = touching.get(key)
            if seqs is None:
                touching[key] = [seq]
                balances[key] = entry.amount
                self._accounts[key] = entry.account
                continue
            balances[key] += entry.amount
            if seqs[-1] != seq:
                seqs.append(seq)

    def _append(self, tx: Transaction) -> LedgerRecord:
        prev = self._records[-1].hash if self._records else GENESIS
        record = LedgerRecord(len(self._records), tx, prev, record_hash(prev, tx))
        self._index(record)
        return record

    def _existing(self, tx: Transaction) -> LedgerRecord | None:
        """The record holding ``tx`` already; raises if its id holds other content."""
        seq = self._by_id.get(tx.id)
        if seq is None:
            return None
        record = self._records[seq]
        if record.transaction.canonical != tx.canonical:
            raise _conflict(tx, record.transaction, f"seq {seq}")
        return record

    def _check_reversal(
        self,
        tx: Transaction,
        staged: Mapping[str, Transaction],
        reversed_by: Mapping[str, str],
    ) -> None:
        target_id = tx.reverses
        assert target_id is not None
        seq = self._by_id.get(target_id)
        target = (
            self._records[seq].transaction if seq is not None else staged.get(target_id)
        )
        if target is None:
            msg = (
                f"Transaction {tx.id!r} reverses {target_id!r}, which is not in the "
                "ledger; post the original first."
            )
            raise UnknownTransaction(msg)
        earlier = self._reversed_by.get(target_id) or reversed_by.get(target_id)
        if earlier is not None:
            msg = (
                f"Transaction {target_id!r} is already reversed by {earlier!r}; "
                f"{tx.id!r} cannot reverse it again."
            )
            raise TransactionConflict(msg)
        mirrored = tuple(Entry(e.account, -e.amount) for e in target.entries)
        if tx.entries != mirrored:
            msg = (
                f"Transaction {tx.id!r} must post the opposite of {target_id!r}'s "
                f"entries in the same order ({_describe(mirrored)}), got "
                f"{_describe(tx.entries)}."
            )
            raise TransactionConflict(msg)

    def post(self, transaction: Transaction) -> LedgerRecord:
        """Append a transaction, or return its record if it is already there.

        Raises:
            TransactionConflict: its id holds other content, or it reverses a
                transaction already reversed, or does not mirror it.
            UnknownTransaction: it reverses a transaction not in the ledger.

        >>> from datetime import datetime, timezone
        >>> bank = Ledger()
        >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> _ = bank.post(Transaction("t", at, [
        ...     Entry(Account.issuer("o"), -1), Entry(Account.member("m"), 1)]))
        >>> bank.post(Transaction("t", at, [
        ...     Entry(Account.issuer("o"), -2), Entry(Account.member("m"), 2)]))
        Traceback (most recent call last):
        ...
        redcity.points.ledger.TransactionConflict: Transaction 't' is already in the ledger (seq 0) with other content: ...
        """  # noqa: E501
        return self.post_many([transaction])[0]

    def post_many(self, transactions: Iterable[Transaction]) -> list[LedgerRecord]:
        """Append several transactions atomically: all of them or, on error, none.

        Returns one record per transaction, in order (an existing record for a
        transaction that was already posted, in the ledger or earlier in the
        batch).  A reversal may reverse a transaction earlier in the batch.

        Raises:
            TransactionConflict, UnknownTransaction: as :meth:`post`; nothing
                is posted.

        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> t = Transaction("t", at, [Entry(Account.issuer("o"), -1),
        ...                           Entry(Account.member("m"), 1)])
        >>> r = Transaction("r", at, [Entry(Account.issuer("o"), 1),
        ...                           Entry(Account.member("m"), -1)], reverses="t")
        >>> bank = Ledger()
        >>> [rec.seq for rec in bank.post_many([t, r, t])]
        [0, 1, 0]
        """
        with _gc_paused():
            return self._post_many(transactions)

    def _post_many(self, transactions: Iterable[Transaction]) -> list[LedgerRecord]:
        txs = list(transactions)
        staged: dict[str, Transaction] = {}
        staged_reversals: dict[str, str] = {}
        plan: list[LedgerRecord | Transaction] = []
        for tx in txs:
            if not isinstance(tx, Transaction):
                msg = f"Expected Transaction items, got {tx!r}."
                raise TypeError(msg)
            existing = self._existing(tx)
            if existing is not None:
                plan.append(existing)
                continue
            twin = staged.get(tx.id)
            if twin is not None:
                if twin.canonical != tx.canonical:
                    raise _conflict(tx, twin, "earlier in the batch")
                plan.append(twin)
                continue
            if tx.reverses is not None:
                self._check_reversal(tx, staged, staged_reversals)
                staged_reversals[tx.reverses] = tx.id
            staged[tx.id] = tx
            plan.append(tx)
        out: list[LedgerRecord] = []
        made: dict[str, LedgerRecord] = {}
        for item in plan:
            if isinstance(item, LedgerRecord):
                out.append(item)
                continue
            record = made.get(item.id)
            if record is None:
                record = made[item.id] = self._append(item)
            out.append(record)
        return out

    def book(self, postings: Iterable[Posting]) -> list[LedgerRecord]:
        """Book scored postings, one transaction each, atomically.

        Each posting becomes :meth:`Transaction.from_posting`: issuer → member
        for points earned, member → issuer for a deduction, with the id
        ``posting:<fact_id>:<rule_id>``, so booking the same postings again
        adds nothing.  A deduction may take a member's balance below zero:
        overdrafts are refused only by :meth:`redeem`.

        Raises:
            TransactionConflict: a posting's (fact, rule) was booked with other
                content; nothing is booked.

        >>> from datetime import datetime, timezone
        >>> p = Posting(fact_id="f1", rule_id="hours", member_id="m1", node_id="g1",
        ...             issuer_id="org-1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
        ...             points=25, explanation_zh="志愿服务", explanation_en="Service")
        >>> bank = Ledger()
        >>> [r.transaction.id for r in bank.book([p])], len(bank.book([p])), len(bank)
        (['posting:f1:hours'], 1, 1)
        """
        return self.post_many(map(Transaction.from_posting, postings))

    def redeem(
        self,
        *,
        id: str,
        at: datetime,
        member_id: str,
        merchant_id: str,
        points: int,
        memo: str = "",
        memo_en: str = "",
    ) -> LedgerRecord:
        """Spend a member's points at a merchant (积分超市), refusing an overdraft.

        The member's current balance (all entries, whatever their dates) must
        cover ``points``.  Idempotent by ``id`` like :meth:`post`.

        Raises:
            InsufficientPoints: the balance is smaller than ``points``; the
                ledger is unchanged.  The error carries ``balance`` and
                ``requested``.
            ValueError: ``points`` is not a whole number > 0.
            TransactionConflict: ``id`` holds other content.

        >>> from datetime import datetime, timezone
        >>> bank = Ledger()
        >>> bank.redeem(id="r1", at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        ...             member_id="m1", merchant_id="shop-1", points=5)
        Traceback (most recent call last):
        ...
        redcity.errors.InsufficientPoints: Member 'm1' holds 0 points, fewer than the 5 requested; the redemption was refused and the points bank is unchanged.
        """  # noqa: E501
        if type(points) is not int or points <= 0:
            msg = f"Expected points to be a whole number > 0, got {points!r}."
            raise ValueError(msg)
        member = Account.member(member_id)
        tx = Transaction(
            id,
            at,
            (Entry(member, -points), Entry(Account.merchant(merchant_id), points)),
            memo=memo,
            memo_en=memo_en,
        )
        existing = self._existing(tx)
        if existing is not None:
            return existing
        balance = self._balances.get(member._label, 0)
        if balance < points:
            raise InsufficientPoints(member_id, balance, points)
        return self._append(tx)

    def settle(
        self, postings: Iterable[Posting], redemptions: Iterable[Redemption]
    ) -> list[str]:
        """Book postings and redeem redemptions in time order; the refused ids.

        A redemption sees only the points booked before it (postings at or
        before its time), as the points bank would have seen them that day;
        one the balance cannot cover is refused (:meth:`redeem` raises
        :class:`~redcity.errors.InsufficientPoints`, caught here) and leaves
        the bank unchanged.  Postings are taken in (time, fact, rule) order
        and redemptions in (time, id) order, so the result does not depend on
        the order given.  Idempotent, like :meth:`book` and :meth:`redeem`.

        >>> from datetime import datetime, timezone
        >>> from redcity.points import Redemption
        >>> def at(day):
        ...     return datetime(2026, 3, day, tzinfo=timezone.utc)
        >>> earned = Posting(fact_id="f1", rule_id="hours", member_id="m1",
        ...     node_id="g1", issuer_id="org-1", at=at(5), points=25,
        ...     explanation_zh="志愿服务", explanation_en="Service")
        >>> early = Redemption(id="r1", at=at(1), member_id="m1", node_id="g1",
        ...     merchant_id="shop-1", points=10, item="米")
        >>> later = Redemption(id="r2", at=at(9), member_id="m1", node_id="g1",
        ...     merchant_id="shop-1", points=10, item="油")
        >>> bank = Ledger()
        >>> bank.settle([earned], [later, early]), bank.balance(Account.member("m1"))
        (['r1'], 15)
        """
        ordered = sorted(postings, key=lambda p: (p.at, p.fact_id, p.rule_id))
        refused: list[str] = []
        booked = 0
        for r in sorted(redemptions, key=lambda f: (f.at, f.id)):
            end = booked
            while end < len(ordered) and ordered[end].at <= r.at:
                end += 1
            self.book(ordered[booked:end])
            booked = end
            try:
                self.redeem(
                    id=r.id, at=r.at, member_id=r.member_id,
                    merchant_id=r.merchant_id, points=r.points, memo=r.item,
                )  # fmt: skip
            except InsufficientPoints:
                refused.append(r.id)
        self.book(ordered[booked:])
        return refused

    def reverse(
        self, tx_id: str, *, id: str, at: datetime, reason: str, reason_en: str = ""
    ) -> LedgerRecord:
        """Correct a transaction by posting its opposite entries.

        The reversal's ``source`` is the original's; its memo is ``reason``.
        A transaction is reversed at most once (a reversal may itself be
        reversed).  A reversal is a correction, so it is posted even when it
        takes a member's balance below zero.  Idempotent by ``id``.

        Raises:
            UnknownTransaction: ``tx_id`` is not in the ledger.
            TransactionConflict: it is already reversed, or ``id`` is taken.
            ValueError: ``reason`` is empty.

        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> bank = Ledger()
        >>> _ = bank.post(Transaction("t", at, [Entry(Account.issuer("o"), -5),
        ...                                     Entry(Account.member("m"), 5)]))
        >>> rec = bank.reverse("t", id="t-rev", at=at, reason="重复登记")
        >>> rec.transaction.reverses, bank.balance("member:m")
        ('t', 0)
        """
        if not isinstance(reason, str) or not reason.strip():
            msg = f"Expected a reason for the reversal, got {reason!r}."
            raise ValueError(msg)
        original = self.record(tx_id).transaction
        tx = Transaction(
            id,
            at,
            tuple(Entry(e.account, -e.amount) for e in original.entries),
            memo=reason,
            memo_en=reason_en,
            source=original.source,
            reverses=tx_id,
        )
        return self.post(tx)

    def apply(self, policy: LedgerPolicy, *, at: datetime) -> list[LedgerRecord]:
        """Run a policy (expiry, annual reset …) at ``at`` and post what it says.

        Atomic like :meth:`post_many`; policies compute net of their earlier
        runs, so applying one twice at the same instant posts nothing new.

        Raises:
            NaiveDatetimeError: ``at`` is naive.

        >>> from datetime import datetime, timezone
        >>> Ledger().apply(ExpireAfter(), at=datetime(2026, 1, 1, tzinfo=timezone.utc))
        []
        """
        require_aware(at, "apply()'s at")
        return self.post_many(policy(self, at))

    # ------------------------------------------------------------- reading

    @property
    def records(self) -> tuple[LedgerRecord, ...]:
        """Every record, in seq order (the tuple is cached between appends)."""
        if self._tuple is None:
            self._tuple = tuple(self._records)
        return self._tuple

    @property
    def head(self) -> str:
        """The last record's hash; :data:`GENESIS` when the ledger is empty.

        >>> Ledger().head == GENESIS
        True
        """
        return self._records[-1].hash if self._records else GENESIS

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[LedgerRecord]:
        return iter(self.records)

    def __contains__(self, tx_id: object) -> bool:
        return tx_id in self._by_id

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        return self._records == other._records

    __hash__ = None  # type: ignore[assignment]  # mutable: appends

    def __repr__(self) -> str:
        return (
            f"<Ledger: {len(self._records)} transactions, "
            f"{len(self._balances)} accounts, head {self.head[:12]}…>"
        )

    def _repr_html_(self) -> str:
        """A summary for Jupyter: counts, whether it verifies, balances by kind,
        the members with the most points.

        :meth:`verify` runs for ledgers up to a million transactions (about
        2 s); a larger one says to call it.  A member's card is
        :meth:`statement`.

        >>> from datetime import datetime, timezone
        >>> bank = Ledger()
        >>> _ = bank.post(Transaction("t1", datetime(2026, 3, 5, tzinfo=timezone.utc),
        ...     [Entry(Account.issuer("org-1"), -25), Entry(Account.member("m1"), 25)]))
        >>> page = bank._repr_html_()
        >>> "1 transactions, 2 entries" in page, "✓ sound" in page
        (True, True)
        """
        n = len(self._records)
        if n <= _VERIFY_IN_HTML:
            report = self.verify()
            entries = report.entries
            if report.ok:
                check = "✓ sound: every hash, link and balance agrees"
            else:
                check = (
                    f"✗ {len(report.problems):,} problems, the first at seq "
                    f"{report.seq}; see verify()"
                )
        else:
            entries = sum(len(r.transaction.entries) for r in self._records)
            check = f"not run for {n:,} transactions; call verify()"
        kinds = []
        for kind in AccountKind:
            accounts = self.accounts(kind)
            if accounts:
                total = sum(self._balances[a._label] for a in accounts)
                kinds.append((kind.zh, kind.value, len(accounts), total))
        members = sorted(
            self.balances(AccountKind.MEMBER).items(), key=lambda ab: (-ab[1], ab[0])
        )
        top = members[:_TOP_MEMBERS]
        parts = [
            f"<p>核验 verify(): {_html.esc(check)}</p>",
            _html.table(("类型", "kind", "accounts", "balance"), kinds),
        ]
        if top:
            parts += [
                _html.table(
                    ("成员 member", "积分 balance"),
                    ((a.id, b) for a, b in top),
                    caption=f"积分最多 top {len(top)} of {len(members):,} members",
                ),
            ]
        return _html.block(
            "Ledger",
            f"积分银行 points bank: {n:,} transactions, {entries:,} entries, "
            f"{len(self._balances):,} accounts, head {self.head[:12]}…",
            *parts,
            name="ledger",
        )

    def record(self, tx_id: str) -> LedgerRecord:
        """The record of a transaction id.

        Raises:
            UnknownTransaction: no such transaction.

        >>> Ledger().record("t")
        Traceback (most recent call last):
        ...
        redcity.points.ledger.UnknownTransaction: No transaction 't' in the ledger.
        """
        seq = self._by_id.get(tx_id)
        if seq is None:
            msg = f"No transaction {tx_id!r} in the ledger."
            raise UnknownTransaction(msg)
        return self._records[seq]

    def balance(self, account: Account | str, at: datetime | None = None) -> int:
        """An account's balance: now (O(1)), or as of an instant.

        Args:
            account: An :class:`Account` or its text, ``"member:m1"``.
            at: Count only transactions dated at or before this instant.

        Raises:
            NaiveDatetimeError: ``at`` is naive.

        >>> from datetime import datetime, timezone
        >>> bank = Ledger()
        >>> _ = bank.post(Transaction("t", datetime(2026, 3, 5, tzinfo=timezone.utc), [
        ...     Entry(Account.issuer("o"), -5), Entry(Account.member("m"), 5)]))
        >>> bank.balance("member:m"), bank.balance("member:m",
        ...     at=datetime(2026, 3, 4, tzinfo=timezone.utc)), bank.balance("member:x")
        (5, 0, 0)
        """
        acc = _as_account(account)
        if at is None:
            return self._balances.get(acc._label, 0)
        require_aware(at, "balance()'s at")
        records = self._records
        total = 0
        for seq in self._touching.get(acc._label, ()):
            tx = records[seq].transaction
            if tx.at <= at:
                total += tx.amount_for(acc)
        return total

    def balances(self, kind: AccountKind | str | None = None) -> dict[Account, int]:
        """Every account's balance (of one kind), ordered by account.

        >>> from datetime import datetime, timezone
        >>> bank = Ledger()
        >>> _ = bank.post(Transaction("t", datetime(2026, 3, 5, tzinfo=timezone.utc), [
        ...     Entry(Account.issuer("o"), -5), Entry(Account.member("m"), 5)]))
        >>> {str(a): b for a, b in bank.balances().items()}
        {'member:m': 5, 'issuer:o': -5}
        """
        return {a: self._balances[a._label] for a in self.accounts(kind)}

    def accounts(self, kind: AccountKind | str | None = None) -> tuple[Account, ...]:
        """The accounts the ledger has touched (of one kind), in order.

        >>> Ledger().accounts("member")
        ()
        """
        if kind is None:
            return tuple(sorted(self._accounts.values()))
        wanted = AccountKind.parse(kind)
        return tuple(sorted(a for a in self._accounts.values() if a.kind is wanted))

    def records_of(self, account: Account | str) -> tuple[LedgerRecord, ...]:
        """The records touching an account, in seq order.

        >>> Ledger().records_of("member:m1")
        ()
        """
        records = self._records
        key = _as_account(account)._label
        return tuple(records[s] for s in self._touching.get(key, ()))

    def statement(
        self, member_id: str, *, period: Period | None = None, tz: str | None = None
    ) -> Statement:
        """A member's points card (奉献积分卡) for a period, or for all time.

        Lines are in time order (ties by seq), each with its running balance;
        the opening balance sums everything dated before the period.  An
        empty memo is filled from the other side of the transaction
        (发放/兑换/过期/清零 and its id).

        Args:
            member_id: The member.
            period: A :class:`~redcity.calendars.Period`; all time when ``None``.
            tz: The zone dates are shown in: the period's, else Asia/Shanghai.

        >>> from datetime import datetime, timezone
        >>> from redcity.calendars import Period
        >>> bank = Ledger()
        >>> for i, month in enumerate((2, 3, 4)):
        ...     _ = bank.post(Transaction(f"t{i}", datetime(2026, month, 5,
        ...         tzinfo=timezone.utc), [Entry(Account.issuer("o"), -10),
        ...                                Entry(Account.member("m"), 10)]))
        >>> card = bank.statement("m", period=Period.parse("2026-03"))
        >>> card.opening, [line.balance for line in card.lines], card.closing
        (10, [20], 20)
        >>> card.lines[0].memo
        '发放 o'
        """
        member = Account.member(member_id)
        zone_name = tz if tz is not None else (period.tz if period else DEFAULT_TZ)
        start = period.start if period is not None else None
        end = period.end if period is not None else None
        records = sorted(
            self.records_of(member), key=lambda r: (r.transaction.at, r.seq)
        )
        opening = 0
        lines: list[StatementLine] = []
        running = 0
        for record in records:
            tx = record.transaction
            amount = tx.amount_for(member)
            if start is not None and tx.at < start:
                opening += amount
                continue
            if end is not None and tx.at >= end:
                break
            if amount == 0:
                continue
            if not lines:
                running = opening
            running += amount
            memo, memo_en = tx.memo, tx.memo_en
            other = next((e.account for e in tx.entries if e.account != member), None)
            if other is not None:
                zh, en = _COUNTERPARTY[other.kind]
                memo = memo or f"{zh} {other.id}"
                memo_en = memo_en or f"{en} {other.id}"
            lines.append(
                StatementLine(
                    seq=record.seq,
                    transaction_id=tx.id,
                    at=tx.at,
                    memo=memo,
                    memo_en=memo_en,
                    amount=amount,
                    balance=running,
                )
            )
        return Statement(
            member_id=member_id,
            period=period,
            tz=zone_name,
            opening=opening,
            lines=tuple(lines),
        )

    def rollup(
        self,
        tree: GridTree,
        where: Mapping[str, str],
        *,
        at: datetime | None = None,
        level: Level | str | None = None,
    ) -> dict[str, int]:
        """Members' points summed over the grid: per building, grid, community, street.

        Each member's balance (now, or as of ``at``) is placed at the node
        ``where`` gives for them (e.g. the household or community they
        registered with, 双报到) and summed over every subtree with
        :meth:`GridTree.rollup`.  Members whose balance is 0 need no node.

        Args:
            tree: The grid.
            where: Member id → node id.
            at: Balances as of this instant; now when ``None``.
            level: Return only the nodes at this level.

        Raises:
            ValidationError: members holding points have no node in ``where``
                (every one is listed).
            UnknownNode: a node is not in the tree.

        >>> from datetime import datetime, timezone
        >>> from redcity.grid import GridTree
        >>> tree = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
        ...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格1"},
        ...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格2"}])
        >>> bank = Ledger()
        >>> for m, p in (("m1", 25), ("m2", 10), ("m3", 5)):
        ...     _ = bank.post(Transaction(m, datetime(2026, 1, 1, tzinfo=timezone.utc),
        ...         [Entry(Account.issuer("o"), -p), Entry(Account.member(m), p)]))
        >>> bank.rollup(tree, {"m1": "g1", "m2": "g1", "m3": "g2"})
        {'c': 40, 'g1': 35, 'g2': 5}
        >>> bank.rollup(tree, {"m1": "g1", "m2": "g1", "m3": "g2"}, level="社区")
        {'c': 40}
        """
        values: dict[str, int] = {}
        missing: list[Problem] = []
        for member in self.accounts(AccountKind.MEMBER):
            points = self.balance(member, at)
            if not points:
                continue
            node = where.get(member.id)
            if node is None:
                missing.append(
                    Problem(
                        member.id,
                        "node",
                        f"Member {member.id!r} holds {points} points but has no node "
                        "in where; add one.",
                    )
                )
                continue
            values[node] = values.get(node, 0) + points
        if missing:
            raise ValidationError(missing)
        totals = tree.rollup(values)
        if level is None:
            return totals
        return {node: totals[node] for node in tree.nodes(level)}

    # ----------------------------------------------------------- verifying

    def verify(self) -> VerifyReport:
        """Recompute everything from the records and report where anything disagrees.

        Checks, for every record: its ``seq`` follows the previous one's; its
        ``prev_hash`` is the previous record's hash (:data:`GENESIS` first);
        its hash is :func:`record_hash` of its content; its transaction id is
        new; it has two or more entries summing to zero; a reversal reverses
        an earlier transaction, once, with the opposite entries.  Then every
        account's balance is recomputed from the entries and compared with the
        running balance.  A changed record is reported at its own seq; a
        record re-hashed after a change, at the next record's ``prev_hash``.

        Returns a :class:`VerifyReport` and never raises for a damaged ledger;
        call :meth:`VerifyReport.raise_for_problems` to raise
        :class:`~redcity.errors.LedgerCorrupted`.  :meth:`from_records` raises.

        >>> import attrs
        >>> from datetime import datetime, timezone
        >>> bank = Ledger()
        >>> for i in range(3):
        ...     _ = bank.post(Transaction(f"t{i}", datetime(2026, 1, i + 1, tzinfo=UTC),
        ...         [Entry(Account.issuer("o"), -1), Entry(Account.member("m"), 1)]))
        >>> rows = list(bank.records)
        >>> tx = rows[1].transaction
        >>> rows[1] = attrs.evolve(rows[1], transaction=attrs.evolve(tx, entries=[
        ...     Entry(Account.issuer("o"), -100), Entry(Account.member("m"), 100)]))
        >>> report = Ledger.from_records(rows, verify=False).verify()
        >>> report.ok, report.seq, [p.field for p in report.problems]
        (False, 1, ['hash'])
        """
        records = self._records
        n = len(records)
        problems: list[LedgerProblem] = []
        txs = list(map(_TX, records))

        # The chain: seq numbering, links and hashes (hashing runs in C).
        seqs = list(map(_SEQ, records))
        if seqs != list(range(n)):
            problems.extend(self._seq_problems(seqs, txs))
        prevs = list(map(_PREV, records))
        hashes = list(map(_HASH, records))
        if n and (prevs[0] != GENESIS or prevs[1:] != hashes[:-1]):
            problems.extend(_link_problems(prevs, hashes, txs))
        digests = list(
            map(
                _HEXDIGEST,
                map(
                    hashlib.sha256,
                    map(operator.add, map(str.encode, prevs), map(_CANON, txs)),
                ),
            )
        )
        if digests != hashes:
            for seq in (i for i in range(n) if digests[i] != hashes[i]):
                problems.append(
                    LedgerProblem(
                        txs[seq].id,
                        "hash",
                        f"The stored hash {hashes[seq][:12]}… is not the hash of the "
                        f"record's content and prev_hash ({digests[seq][:12]}…); the "
                        "record was changed after it was written.",
                        seq=seq,
                    )
                )

        # Transactions: unique ids (the id index keeps each id's first seq,
        # so it is shorter than the records exactly when an id repeats),
        # reversals.
        if len(self._by_id) != n:
            first: dict[str, int] = {}
            for seq, tx_id in enumerate(map(_ID, txs)):
                if first.setdefault(tx_id, seq) != seq:
                    problems.append(
                        LedgerProblem(
                            tx_id,
                            "id",
                            f"Transaction id {tx_id!r} was already used at seq "
                            f"{first[tx_id]}.",
                            seq=seq,
                        )
                    )
        reversal_seqs = list(compress(range(n), map(_REVERSES, txs)))
        if reversal_seqs:
            problems.extend(_reversal_problems(reversal_seqs, txs, self._by_id))

        # Entries: two or more per transaction, zero sums, every balance.
        # While summing, balances are keyed by the account's text (a str
        # hashes in C); two-entry transactions, the common case, are unrolled.
        sums: dict[str, int] = {}
        get = sums.get
        unbalanced: list[tuple[Entry, ...]] = []
        wide = wide_entries = 0  # transactions not of two entries, their entries
        for entries in map(_ENTRIES, txs):
            if len(entries) == 2:
                x, y = entries
                a = x.amount
                b = y.amount
                if a + b:
                    unbalanced.append(entries)
                key = x.account._label
                sums[key] = get(key, 0) + a
                key = y.account._label
                sums[key] = get(key, 0) + b
                continue
            total = 0
            for entry in entries:
                amount = entry.amount
                total += amount
                key = entry.account._label
                sums[key] = get(key, 0) + amount
            if total or len(entries) < 2:
                unbalanced.append(entries)
            wide += 1
            wide_entries += len(entries)
        if unbalanced:
            problems.extend(_entry_problems(unbalanced, txs))
        if sums != self._balances:
            problems.extend(self._balance_problems(sums))
        problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
        return VerifyReport(
            transactions=n,
            entries=2 * (n - wide) + wide_entries,
            head=hashes[-1] if n else GENESIS,
            problems=tuple(problems),
        )

    def _seq_problems(
        self, seqs: list[int], txs: list[Transaction]
    ) -> Iterator[LedgerProblem]:
        expected = 0
        for i, seq in enumerate(seqs):
            if seq != expected:
                yield LedgerProblem(
                    txs[i].id,
                    "seq",
                    f"Expected seq {expected} after the previous record, got {seq!r}; "
                    "a record is missing, repeated or out of order.",
                    seq=i,
                )
            expected = (seq if type(seq) is int else i) + 1

    def _balance_problems(self, sums: dict[str, int]) -> Iterator[LedgerProblem]:
        accounts = dict(self._accounts)
        for label in sums.keys() - accounts.keys():
            accounts[label] = Account.parse(label)
        for account in sorted(accounts.values()):
            want = sums.get(account._label, 0)
            got = self._balances.get(account._label, 0)
            if want != got:
                seqs = self._touching.get(account._label)
                yield LedgerProblem(
                    str(account),
                    "balance",
                    f"The running balance of {account} is {got}, but its entries "
                    f"sum to {want}.",
                    seq=seqs[-1] if seqs else None,
                )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while making many acyclic records.

    Booking a year of postings makes millions of small frozen records and no
    reference cycles; the collector's repeated scans would be pure cost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _conflict(tx: Transaction, held: Transaction, where: str) -> TransactionConflict:
    msg = (
        f"Transaction {tx.id!r} is already in the ledger ({where}) with other "
        f"content: held {held.canonical.decode(errors='replace')}, got "
        f"{tx.canonical.decode(errors='replace')}; correct a posted transaction "
        "with a reversal, or give a new transaction a new id."
    )
    return TransactionConflict(msg)


def _describe(entries: Iterable[Entry]) -> str:
    return ", ".join(f"{e.account} {e.amount:+d}" for e in entries)


def _link_problems(
    prevs: list[str], hashes: list[str], txs: list[Transaction]
) -> Iterator[LedgerProblem]:
    for seq, prev in enumerate(prevs):
        expected = hashes[seq - 1] if seq else GENESIS
        if prev != expected:
            before = f"the hash of seq {seq - 1}" if seq else "GENESIS (64 zeros)"
            yield LedgerProblem(
                txs[seq].id,
                "prev_hash",
                f"prev_hash {str(prev)[:12]}… is not {before} ({expected[:12]}…); "
                "the chain is broken here.",
                seq=seq,
            )


def _reversal_problems(
    seqs: list[int], txs: list[Transaction], position: Mapping[str, int]
) -> Iterator[LedgerProblem]:
    """Reversal checks; ``position`` maps each id to the first seq holding it."""
    reversed_at: dict[str, int] = {}
    for seq in seqs:
        tx = txs[seq]
        target_id = tx.reverses
        assert target_id is not None
        target = position.get(target_id)
        if target is None or target >= seq:
            yield LedgerProblem(
                tx.id,
                "reverses",
                f"It reverses {target_id!r}, which is not an earlier transaction.",
                seq=seq,
            )
            continue
        earlier = reversed_at.setdefault(target_id, seq)
        if earlier != seq:
            yield LedgerProblem(
                tx.id,
                "reverses",
                f"{target_id!r} was already reversed at seq {earlier}.",
                seq=seq,
            )
        mirrored = tuple(Entry(e.account, -e.amount) for e in txs[target].entries)
        if tx.entries != mirrored:
            yield LedgerProblem(
                tx.id,
                "reverses",
                f"Its entries ({_describe(tx.entries)}) are not the opposite of "
                f"{target_id!r}'s ({_describe(mirrored)}).",
                seq=seq,
            )


def _entry_problems(
    bad: list[tuple[Entry, ...]], txs: list[Transaction]
) -> Iterator[LedgerProblem]:
    wanted = {id(entries) for entries in bad}
    for seq, tx in enumerate(txs):
        if id(tx.entries) not in wanted:
            continue
        total = sum(e.amount for e in tx.entries)
        if len(tx.entries) < 2:
            message = (
                f"It has {len(tx.entries)} entries; double entry needs two or more."
            )
        else:
            message = (
                f"Its entries sum to {total}, not 0 ({_describe(tx.entries)}); "
                "double entry is broken."
            )
        yield LedgerProblem(tx.id, "entries", message, seq=seq)


# --------------------------------------------------------------------------
# Serialization: an account is its text
# --------------------------------------------------------------------------


def _structure_account(value: Any) -> Account:
    if not isinstance(value, str):
        msg = (
            f"expected an account written 'kind:id' such as 'member:m1', got {value!r}"
        )
        raise TypeError(msg)
    return Account.parse(value)


register(Account, str, _structure_account)
