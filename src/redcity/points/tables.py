"""Facts and postings as tables: HTML for Jupyter, DataFrames for analysis.

:func:`facts_frame` and :func:`postings_frame` turn records into pandas
DataFrames (install ``redcity[frames]``; pandas is imported only when they
are called).  :class:`FactTable` and :class:`PostingTable` hold a list of
records and show it in Jupyter as a compact, escaped HTML table; their
``to_frame()`` calls the functions.

In a frame, times are ``datetime64`` in one zone (``tz``, Asia/Shanghai by
default) whatever offset each record was written with; optional whole
numbers are pandas' nullable ``Int64``; service hours are floats (exact
:class:`~fractions.Fraction` in the records).

>>> from datetime import date, datetime, timedelta, timezone
>>> from redcity.points import Fixed, MicroWish, PostingTable, Rule, RuleBook, score
>>> cst = timezone(timedelta(hours=8))
>>> book = RuleBook(id="wishes", version="1", issuer_id="street-1",
...     effective_from=date(2026, 1, 1),
...     rules=[Rule(id="wish", kind="micro_wish", award=Fixed(5))])
>>> facts = [MicroWish(id=f"f{i}", at=datetime(2026, 5, 4, 9 + i, tzinfo=cst),
...                    member_id="m1", node_id="g1", wish_id=f"w{i}")
...          for i in range(3)]
>>> table = PostingTable(score(book, facts))
>>> len(table), table.total
(3, 15)
>>> "15" in table._repr_html_()
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

import attrs

from redcity import _html
from redcity._frames import no_pandas, times
from redcity.calendars import DEFAULT_TZ
from redcity.points.facts import (
    Attendance,
    Deduction,
    Fact,
    FactKind,
    MicroWish,
    Rating,
    Redemption,
    Registration,
    Reversal,
    ServiceRecord,
)
from redcity.points.postings import Posting

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FACT_COLUMNS",
    "POSTING_COLUMNS",
    "FactTable",
    "PostingTable",
    "facts_frame",
    "postings_frame",
]

FACT_COLUMNS: Final = (
    "kind",
    "at",
    "member_id",
    "node_id",
    "end",
    "hours",
    "category",
    "organizer_id",
    "wish_id",
    "description",
    "score",
    "ticket_id",
    "meeting",
    "employer_id",
    "points",
    "reason",
    "merchant_id",
    "item",
    "reverses",
)
"""The columns of :func:`facts_frame` (indexed by ``id``), in order.

The first four every fact has; the rest are the fields of each kind, empty
(``NaN``/``NaT``/``<NA>``) for facts of other kinds.  ``kind`` is the
:class:`~redcity.points.FactKind` value (``"service"`` …)."""

POSTING_COLUMNS: Final = (
    "fact_id",
    "rule_id",
    "member_id",
    "node_id",
    "issuer_id",
    "at",
    "points",
    "explanation_zh",
    "explanation_en",
)
"""The columns of :func:`postings_frame`, in order: the fields of
:class:`~redcity.points.Posting`."""

_TIMES: Final = frozenset({"at", "end"})
_INTS: Final = frozenset({"score", "points"})


def _check_facts(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    out = tuple(facts)
    for f in out:
        if not isinstance(f, _FACT_TYPES):
            msg = f"Expected facts (ServiceRecord, MicroWish …), got {f!r}."
            raise TypeError(msg)
    return out


def _check_postings(postings: Iterable[Posting]) -> tuple[Posting, ...]:
    out = tuple(postings)
    for p in out:
        if not isinstance(p, Posting):
            msg = f"Expected postings (as score() makes them), got {p!r}."
            raise TypeError(msg)
    return out


_FACT_TYPES: Final = (
    ServiceRecord,
    MicroWish,
    Rating,
    Attendance,
    Registration,
    Deduction,
    Redemption,
    Reversal,
)


def _fact_value(fact: Fact, column: str) -> Any:
    if column == "kind":
        return fact.kind.value
    if column == "hours":
        return float(fact.hours) if isinstance(fact, ServiceRecord) else None
    return getattr(fact, column, None)


def facts_frame(facts: Iterable[Fact], *, tz: str = DEFAULT_TZ) -> pd.DataFrame:
    """Facts as a pandas DataFrame, one row per fact, indexed by ``id``.

    Columns are :data:`FACT_COLUMNS`, whatever kinds are present, so code
    reading the frame does not depend on the sample.  ``hours`` (service
    only) is a float: the record's :attr:`~ServiceRecord.hours` is exact.

    Args:
        facts: Any facts, in the order the rows should have.
        tz: The zone of the ``at`` and ``end`` columns.

    Raises:
        ImportError: pandas is not installed (``pip install 'redcity[frames]'``).
        TypeError: an item is not a fact.

    >>> from datetime import datetime, timezone
    >>> import pandas as pd
    >>> from redcity.points import Rating, ServiceRecord
    >>> utc = timezone.utc
    >>> frame = facts_frame([
    ...     ServiceRecord(id="f1", at=datetime(2026, 3, 5, 1, tzinfo=utc),
    ...         end=datetime(2026, 3, 5, 3, 30, tzinfo=utc), member_id="m1",
    ...         node_id="g1", category="助老", organizer_id="org-1"),
    ...     Rating(id="f2", at=datetime(2026, 3, 6, 1, tzinfo=utc), member_id="m1",
    ...         node_id="g1", score=5)])
    >>> float(frame.loc["f1", "hours"]), int(frame.loc["f2", "score"])
    (2.5, 5)
    >>> str(frame.loc["f1", "at"]), frame.loc["f1", "score"] is pd.NA
    ('2026-03-05 09:00:00+08:00', True)
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise no_pandas("facts_frame()") from exc
    rows = _check_facts(facts)
    data: dict[str, Any] = {}
    for column in FACT_COLUMNS:
        values = [_fact_value(f, column) for f in rows]
        if column in _TIMES:
            data[column] = times(values, tz)
        elif column in _INTS:
            data[column] = pd.array(values, dtype="Int64")
        elif column == "hours":
            data[column] = pd.array(values, dtype="float64")
        else:
            data[column] = values
    index = pd.Index([f.id for f in rows], name="id", dtype=object)
    return pd.DataFrame(data, index=index, columns=list(FACT_COLUMNS))


def postings_frame(
    postings: Iterable[Posting], *, tz: str = DEFAULT_TZ
) -> pd.DataFrame:
    """Postings as a pandas DataFrame, one row per posting, in the order given.

    Columns are :data:`POSTING_COLUMNS`; ``points`` is ``int64`` (points are
    whole numbers), so ``frame.points.sum()`` is exact and
    ``frame.groupby("member_id").points.sum()`` gives each member's total.

    Args:
        postings: Postings, e.g. from :func:`~redcity.points.score`.
        tz: The zone of the ``at`` column.

    Raises:
        ImportError: pandas is not installed (``pip install 'redcity[frames]'``).
        TypeError: an item is not a posting.

    >>> from datetime import datetime, timezone
    >>> p = Posting(fact_id="f1", rule_id="wish", member_id="m1", node_id="g1",
    ...     issuer_id="org-1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
    ...     points=5, explanation_zh="微心愿，得5分。", explanation_en="5 points.")
    >>> frame = postings_frame([p, p])
    >>> list(frame.columns[:3]), int(frame.points.sum())
    (['fact_id', 'rule_id', 'member_id'], 10)
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise no_pandas("postings_frame()") from exc
    rows = _check_postings(postings)
    data: dict[str, Any] = {
        column: [getattr(p, column) for p in rows] for column in POSTING_COLUMNS
    }
    data["at"] = times(data["at"], tz)
    data["points"] = pd.array(data["points"], dtype="int64")
    return pd.DataFrame(data, columns=list(POSTING_COLUMNS))


def _fact_detail(fact: Fact) -> str:
    if isinstance(fact, ServiceRecord):
        return f"{_hours(fact)} h {fact.category} ({fact.organizer_id})"
    if isinstance(fact, MicroWish):
        return f"{fact.wish_id} {fact.description}".strip()
    if isinstance(fact, Rating):
        ticket = f" ({fact.ticket_id})" if fact.ticket_id else ""
        return f"评分 score {fact.score}{ticket}"
    if isinstance(fact, Attendance):
        return f"{fact.meeting} ({fact.organizer_id})"
    if isinstance(fact, Registration):
        return f"单位 employer {fact.employer_id}"
    if isinstance(fact, Deduction):
        return f"−{fact.points}: {fact.reason}"
    if isinstance(fact, Redemption):
        return f"{fact.points} @ {fact.merchant_id} {fact.item}".strip()
    return f"冲正 reverses {fact.reverses}: {fact.reason}"


def _hours(fact: ServiceRecord) -> str:
    h = fact.hours
    return str(h.numerator) if h.denominator == 1 else f"{float(h):.2f}".rstrip("0")


def _positive(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if type(value) is not int or value < 1:
        msg = f"Expected max_rows to be a whole number ≥ 1, got {value!r}."
        raise ValueError(msg)


@attrs.frozen
class FactTable:
    """Facts to look at in Jupyter: a count per kind, then one row per fact.

    Iterates, indexes and measures like the tuple of its facts.

    Attributes:
        facts: The facts, in the order given.
        tz: The zone times are shown in.
        max_rows: Rows shown before "… and N more".

    >>> from datetime import datetime, timezone
    >>> from redcity.points import Deduction
    >>> t = FactTable([Deduction(id="f1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
    ...     member_id="m1", node_id="g1", points=5, reason="<b>缺席</b>")])
    >>> len(t), "&lt;b&gt;缺席" in t._repr_html_()
    (1, True)
    """

    facts: tuple[Fact, ...] = attrs.field(converter=_check_facts)
    tz: str = attrs.field(default=DEFAULT_TZ, kw_only=True)
    max_rows: int = attrs.field(default=20, kw_only=True, validator=_positive)

    def __len__(self) -> int:
        return len(self.facts)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts)

    def __getitem__(self, index: int) -> Fact:
        return self.facts[index]

    def counts(self) -> dict[FactKind, int]:
        """How many facts of each kind, in :class:`FactKind` order."""
        out = dict.fromkeys(FactKind, 0)
        for f in self.facts:
            out[f.kind] += 1
        return {k: n for k, n in out.items() if n}

    def to_frame(self) -> pd.DataFrame:
        """:func:`facts_frame` of the facts (needs ``redcity[frames]``)."""
        return facts_frame(self.facts, tz=self.tz)

    def _repr_html_(self) -> str:
        kinds = "; ".join(f"{k.zh} {k.value} {n:,}" for k, n in self.counts().items())
        shown = self.facts[: self.max_rows]
        return _html.block(
            "Facts",
            f"事实 {len(self.facts):,}" + (f" ({kinds})" if kinds else ""),
            _html.table(
                (
                    "id",
                    "类型 kind",
                    "时间 at",
                    "成员 member",
                    "节点 node",
                    "详情 detail",
                ),
                (
                    (
                        f.id,
                        f.kind.zh,
                        _html.when(f.at, self.tz),
                        f.member_id,
                        f.node_id,
                        _html.clip(_fact_detail(f), 60),
                    )
                    for f in shown
                ),
            ),
            _html.more(len(shown), len(self.facts), "facts 事实"),
            name="facts",
        )


@attrs.frozen
class PostingTable:
    """Postings to look at in Jupyter (晒单): totals, then one row per posting
    with its explanation.

    Iterates, indexes and measures like the tuple of its postings.

    Attributes:
        postings: The postings, in the order given (an iterator is read once).
        tz: The zone times are shown in.
        max_rows: Rows shown before "… and N more".

    >>> from datetime import datetime, timezone
    >>> p = Posting(fact_id="f1", rule_id="wish", member_id="m1", node_id="g1",
    ...     issuer_id="org-1", at=datetime(2026, 3, 5, tzinfo=timezone.utc),
    ...     points=5, explanation_zh="微心愿，得5分。", explanation_en="5 points.")
    >>> PostingTable([p]).by_member()
    {'m1': 5}
    """

    postings: tuple[Posting, ...] = attrs.field(converter=_check_postings)
    tz: str = attrs.field(default=DEFAULT_TZ, kw_only=True)
    max_rows: int = attrs.field(default=20, kw_only=True, validator=_positive)

    def __len__(self) -> int:
        return len(self.postings)

    def __iter__(self) -> Iterator[Posting]:
        return iter(self.postings)

    def __getitem__(self, index: int) -> Posting:
        return self.postings[index]

    @property
    def total(self) -> int:
        """The points of all postings, added (deductions count negative)."""
        return sum(p.points for p in self.postings)

    def by_member(self) -> dict[str, int]:
        """Each member's points, members in order of first appearance."""
        out: dict[str, int] = {}
        for p in self.postings:
            out[p.member_id] = out.get(p.member_id, 0) + p.points
        return out

    def to_frame(self) -> pd.DataFrame:
        """:func:`postings_frame` of the postings (needs ``redcity[frames]``)."""
        return postings_frame(self.postings, tz=self.tz)

    def _repr_html_(self) -> str:
        earned = sum(p.points for p in self.postings if p.points > 0)
        deducted = -sum(p.points for p in self.postings if p.points < 0)
        shown = self.postings[: self.max_rows]
        title = (
            f"积分记录 {len(self.postings):,} postings, "
            f"{len(self.by_member()):,} members: +{earned:,} earned, "
            f"−{deducted:,} deducted, net {self.total:+,}"
        )
        return _html.block(
            "Postings",
            title,
            _html.table(
                (
                    "时间 at",
                    "成员 member",
                    "规则 rule",
                    "事实 fact",
                    "积分 points",
                    "说明 explanation",
                ),
                (
                    (
                        _html.when(p.at, self.tz),
                        p.member_id,
                        p.rule_id,
                        p.fact_id,
                        f"{p.points:+,}",
                        p.explanation_zh,
                    )
                    for p in shown
                ),
                right=(4,),
            ),
            _html.more(len(shown), len(self.postings), "postings 积分记录"),
            name="postings",
        )
