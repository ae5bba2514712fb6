"""The monthly closed loop of topics: 问题收集、处置、反馈闭环.

Streets in Zunyi hold a monthly joint meeting (党建联席会议) and communities
collect residents' topics (议题) every month; what a month does not settle is
carried over to the next agenda until it is resolved, and residents are told
the result (结果反馈).  This module models that cycle as data:

- :class:`Topic`: one topic, immutable.  Its life is three aware timestamps
  — collected, resolved, fed back — filled in by :meth:`Topic.resolve` and
  :meth:`Topic.feed_back`, which return new records and refuse steps out of
  order.
- :func:`monthly_agenda`: one community's agenda for a month, the month's
  new topics plus every open one carried over, with how many months it has
  waited.
- :func:`closed_loop`: the figures of a period (month, quarter or year) per
  community, street, district and city: collected, resolved, resolved with
  feedback, carried in and carried over, and the median days to resolve.

Counts sit on each topic's node and are summed up the grid with
:meth:`~redcity.grid.GridTree.rollup_array`; medians are not additive, so
the durations are grouped once by every area above each topic.

How the figures are counted (for a period ``[start, end)`` read in its zone):

- *collected*: topics collected in the period;
- *carried in*: collected before the period and still open at its start;
- *resolved*: topics resolved in the period, wherever they were collected;
- *with feedback*: of those, the ones whose feedback was given before the
  period's end;
- *carried over*: collected before the end and open at the end.

So ``carried_in + collected == resolved + carried_over`` in every area.
*Days to resolve* are calendar days in the period's zone (Asia/Shanghai by
default): the local date of resolution minus the local date of collection,
an ``int`` (0 = settled the same day, 当日办结).  Medians are exact
:class:`~fractions.Fraction` values (the middle of an even count is half a
sum), never floats.

>>> import pendulum
>>> from redcity.datasets import XINGMAO, zunyi
>>> from redcity.meetings.cycle import Topic, closed_loop
>>> tree = zunyi()
>>> def at(month, day, hour=9):
...     return pendulum.datetime(2026, month, day, hour, tz="Asia/Shanghai")
>>> leisure = Topic(id="t1", node_id=XINGMAO, title="中心广场增设休闲设施",
...                 collected_at=at(3, 2), source="居民提议", affair="实事")
>>> leisure = leisure.resolve(at(3, 20), meeting_id="m-2026-03").feed_back(at(3, 25))
>>> wires = Topic(id="t2", node_id=XINGMAO, title="飞线充电整治",
...               collected_at=at(3, 28), source="楼栋上报", affair="急事")
>>> march = closed_loop([leisure, wires], tree, "2026-03")
>>> f = march.area("520304001001")  # 南社区, where 兴茂小区 lies
>>> f.collected, f.resolved, f.with_feedback, f.carried_over, f.median_days
(2, 1, 1, 1, Fraction(18, 1))

Where the practice comes from:
    The monthly joint meeting and its agenda collected each month (党建联席
    会议, 每月收集议题) and the closed loop of 问题收集、处置、反馈 are Zunyi
    local practice reported in the seed article, so the cadence is
    configuration (any :class:`~redcity.calendars.Period`), not law.  The
    resolution rate divides as digital city management (数字城管) counts
    结案率: by everything due in the period, carry-over included (应结案数;
    see DESIGN §2).  The median is a plain statistic, not a standard's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from redcity._frames import no_pandas
from redcity._validators import (
    aware,
    non_empty_text,
    optional_aware,
    optional_text,
    require_aware,
)
from redcity.calendars import DEFAULT_TZ, Period, PeriodKind
from redcity.errors import (
    CalendarError,
    IllegalTransition,
    Problem,
    UnknownNode,
    ValidationError,
)
from redcity.grid import GridTree, Level
from redcity.meetings.matters import AffairKind
from redcity.meetings.records import AgendaItem, SourceKind

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_LOOP_LEVELS",
    "AgendaEntry",
    "ClosedLoop",
    "LoopFigures",
    "MonthlyAgenda",
    "Topic",
    "check_topics",
    "closed_loop",
    "monthly_agenda",
]

DEFAULT_LOOP_LEVELS: tuple[Level, ...] = (
    Level.CITY,
    Level.DISTRICT,
    Level.STREET,
    Level.COMMUNITY,
)
"""The levels :func:`closed_loop` reports by default, top first."""


# --------------------------------------------------------------------------
# Validators and converters
# --------------------------------------------------------------------------


def _source(value: object) -> SourceKind:
    return SourceKind.parse(value)


def _opt_affair(value: object) -> AffairKind | None:
    return None if value is None else AffairKind.parse(value)


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):  # a lone id, not its characters
        return (value,)
    return tuple(value)


def _each_text(
    inst: object, attr: attrs.Attribute[Any], value: tuple[str, ...]
) -> None:
    for item in value:
        if not isinstance(item, str) or not item.strip():
            msg = f"Expected {attr.name} to hold non-empty strings, got {item!r}."
            raise ValueError(msg)
    if len(set(value)) != len(value):
        msg = f"Expected {attr.name} to name each meeting once, got {value!r}."
        raise ValueError(msg)


def _period(value: Period | str, what: str) -> Period:
    if isinstance(value, str):
        return Period.parse(value)
    if isinstance(value, Period):
        return value
    msg = f"Expected {what} as a Period or a label like '2026-03', got {value!r}."
    raise TypeError(msg)


def _local_month(moment: datetime, tz: Any) -> int:
    """A month index (year * 12 + month - 1) of a moment read in ``tz``."""
    local = moment.astimezone(tz)
    return local.year * 12 + local.month - 1


def _local_ordinal(moment: datetime, tz: Any) -> int:
    return moment.astimezone(tz).toordinal()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# --------------------------------------------------------------------------
# Topic
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Topic:
    """One topic (议题) collected by a community, and how far it has got.

    A topic's life is collected → resolved → fed back (收集 → 处置 → 反馈).
    Feedback here means telling residents the *result* (结果反馈), so it
    follows resolution and may come on the same day or later; progress
    notes before then are not the loop's feedback.  A topic may be resolved
    the moment it is collected (现场解决); it can never be resolved before.

    Attributes:
        id: Unique within a district's topics.
        node_id: Where it arose: a community, compound, grid or building of
            the :class:`~redcity.grid.GridTree`; figures go to the community
            above it, the street above that, and so on.
        collected_at: When it was collected (aware).
        title: What it is about, e.g. ``"飞线充电整治"``.
        source: Where it came from (:class:`~redcity.meetings.SourceKind`:
            a resident's proposal, a building's report, a ticket …).
        source_ref: The proposal, building, ticket or meeting action id.
        affair: Its 五事联办 kind (:class:`~redcity.meetings.AffairKind`).
        meeting_ids: The meetings that took it up, in order.
        resolved_at: When it was resolved (处置完毕); ``None`` while open.
        feedback_at: When residents were told the result; ``None`` until then.

    Raises:
        NaiveDatetimeError: a timestamp without a zone.
        ValidationError: the timestamps are out of order (each problem names
            the topic and the field).

    >>> import pendulum
    >>> t0 = pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai")
    >>> t = Topic(id="t1", node_id="n", collected_at=t0, title="路灯不亮",
    ...           source="网格上报", affair="急事")
    >>> t.is_open, t.source.zh, t.affair.zh
    (True, '网格上报', '急事')
    >>> Topic(id="t2", node_id="n", collected_at=t0, title="路灯不亮",
    ...       resolved_at=t0.subtract(days=1))
    Traceback (most recent call last):
    ...
    redcity.errors.ValidationError: 1 problem found:
      - t2.resolved_at: resolved at 2026-03-01T09:00:00+08:00, before it was \
collected at 2026-03-02T09:00:00+08:00.
    """

    id: str = attrs.field(validator=non_empty_text)
    node_id: str = attrs.field(validator=non_empty_text)
    collected_at: datetime = attrs.field(validator=aware)
    title: str = attrs.field(validator=non_empty_text)
    source: SourceKind = attrs.field(default=SourceKind.OTHER, converter=_source)
    source_ref: str | None = attrs.field(default=None, validator=optional_text)
    affair: AffairKind | None = attrs.field(default=None, converter=_opt_affair)
    meeting_ids: tuple[str, ...] = attrs.field(
        default=(), converter=_ids, validator=_each_text
    )
    resolved_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    feedback_at: datetime | None = attrs.field(default=None, validator=optional_aware)

    def __attrs_post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValidationError(problems)

    def problems(self) -> list[Problem]:
        """Every inconsistency among the timestamps (empty when consistent)."""
        found = []
        if self.resolved_at is not None and self.resolved_at < self.collected_at:
            found.append(
                Problem(
                    self.id,
                    "resolved_at",
                    f"resolved at {self.resolved_at.isoformat()}, before it was "
                    f"collected at {self.collected_at.isoformat()}.",
                )
            )
        if self.feedback_at is not None:
            if self.resolved_at is None:
                found.append(
                    Problem(
                        self.id,
                        "feedback_at",
                        "feedback given on an unresolved topic; the loop's feedback "
                        "reports the result, so set resolved_at first.",
                    )
                )
            elif self.feedback_at < self.resolved_at:
                found.append(
                    Problem(
                        self.id,
                        "feedback_at",
                        f"feedback at {self.feedback_at.isoformat()}, before the "
                        f"resolution at {self.resolved_at.isoformat()}.",
                    )
                )
        return found

    # -- state --------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True until the topic is resolved."""
        return self.resolved_at is None

    @property
    def fed_back(self) -> bool:
        """True once residents have been told the result."""
        return self.feedback_at is not None

    def open_at(self, moment: datetime) -> bool:
        """Whether the topic was collected by ``moment`` and not yet resolved.

        >>> import pendulum
        >>> t0 = pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai")
        >>> t = Topic(id="t", node_id="n", collected_at=t0, title="积水",
        ...           resolved_at=t0.add(days=3))
        >>> t.open_at(t0.add(days=1)), t.open_at(t0.add(days=3))
        (True, False)
        """
        require_aware(moment, "moment")
        return self.collected_at <= moment and (
            self.resolved_at is None or self.resolved_at > moment
        )

    def days_to_resolve(self, tz: str = DEFAULT_TZ) -> int | None:
        """Calendar days from collection to resolution, read in ``tz``.

        The local date of resolution minus the local date of collection; 0
        when settled the same day; ``None`` while open.

        >>> import pendulum
        >>> late = pendulum.datetime(2026, 3, 31, 23, 30, tz="Asia/Shanghai")
        >>> t = Topic(id="t", node_id="n", collected_at=late, title="噪音",
        ...           resolved_at=late.add(hours=1))
        >>> t.days_to_resolve(), t.days_to_resolve("UTC")
        (1, 0)
        """
        if self.resolved_at is None:
            return None
        zone = pendulum.timezone(tz)
        return _local_ordinal(self.resolved_at, zone) - _local_ordinal(
            self.collected_at, zone
        )

    # -- steps --------------------------------------------------------------

    def take_up(self, meeting_id: str) -> Topic:
        """The topic with one more meeting that took it up (上会).

        Raises:
            IllegalTransition: that meeting already took it up.

        >>> import pendulum
        >>> t0 = pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai")
        >>> t = Topic(id="t", node_id="n", collected_at=t0, title="停车难")
        >>> t.take_up("m-03").take_up("m-04").meeting_ids
        ('m-03', 'm-04')
        """
        if meeting_id in self.meeting_ids:
            msg = f"Meeting {meeting_id!r} has already taken up topic {self.id!r}."
            raise IllegalTransition(msg)
        return attrs.evolve(self, meeting_ids=(*self.meeting_ids, meeting_id))

    def resolve(self, at: datetime, *, meeting_id: str | None = None) -> Topic:
        """The topic resolved at ``at`` (处置), optionally by a meeting.

        Args:
            at: When it was resolved; not before it was collected.
            meeting_id: The meeting that settled it, added to
                :attr:`meeting_ids` unless already there.

        Raises:
            NaiveDatetimeError: ``at`` has no zone.
            IllegalTransition: already resolved, or ``at`` precedes collection.

        >>> import pendulum
        >>> t0 = pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai")
        >>> t = Topic(id="t", node_id="n", collected_at=t0, title="停车难")
        >>> done = t.resolve(t0.add(days=9), meeting_id="m-03")
        >>> done.days_to_resolve(), done.meeting_ids
        (9, ('m-03',))
        >>> done.resolve(t0.add(days=10))
        Traceback (most recent call last):
        ...
        redcity.errors.IllegalTransition: Topic 't' was already resolved at \
2026-03-11T09:00:00+08:00; a topic is resolved once (reopen it as a new topic).
        """
        require_aware(at, "at")
        if self.resolved_at is not None:
            msg = (
                f"Topic {self.id!r} was already resolved at "
                f"{self.resolved_at.isoformat()}; a topic is resolved once "
                "(reopen it as a new topic)."
            )
            raise IllegalTransition(msg)
        if at < self.collected_at:
            msg = (
                f"Topic {self.id!r} cannot be resolved at {at.isoformat()}, before "
                f"it was collected at {self.collected_at.isoformat()}."
            )
            raise IllegalTransition(msg)
        meetings = self.meeting_ids
        if meeting_id is not None and meeting_id not in meetings:
            meetings = (*meetings, meeting_id)
        return attrs.evolve(self, resolved_at=at, meeting_ids=meetings)

    def feed_back(self, at: datetime) -> Topic:
        """The topic with the result fed back to residents at ``at`` (反馈).

        Raises:
            NaiveDatetimeError: ``at`` has no zone.
            IllegalTransition: not resolved yet, already fed back, or ``at``
                precedes the resolution.

        >>> import pendulum
        >>> t0 = pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai")
        >>> t = Topic(id="t", node_id="n", collected_at=t0, title="停车难")
        >>> t.feed_back(t0)
        Traceback (most recent call last):
        ...
        redcity.errors.IllegalTransition: Topic 't' is not resolved yet; feed \
back the result after resolve().
        >>> t.resolve(t0).feed_back(t0.add(days=1)).fed_back
        True
        """
        require_aware(at, "at")
        if self.resolved_at is None:
            msg = (
                f"Topic {self.id!r} is not resolved yet; feed back the result "
                "after resolve()."
            )
            raise IllegalTransition(msg)
        if self.feedback_at is not None:
            msg = (
                f"Topic {self.id!r} was already fed back at "
                f"{self.feedback_at.isoformat()}."
            )
            raise IllegalTransition(msg)
        if at < self.resolved_at:
            msg = (
                f"Topic {self.id!r} cannot be fed back at {at.isoformat()}, before "
                f"its resolution at {self.resolved_at.isoformat()}."
            )
            raise IllegalTransition(msg)
        return attrs.evolve(self, feedback_at=at)


# --------------------------------------------------------------------------
# Whole-input validation
# --------------------------------------------------------------------------


def check_topics(topics: Iterable[Topic], tree: GridTree) -> tuple[Topic, ...]:
    """The topics, validated against ``tree`` and with exact duplicates dropped.

    A topic repeated with the same content (a replayed journal) counts once.

    Raises:
        ValidationError: listing every problem, each naming the topic id and
            the field: an object that is not a :class:`Topic`, a node not in
            the tree, a node with no community at or above it (topics are
            collected by communities), one id carried by different topics.

    >>> import pendulum
    >>> from redcity.datasets import zunyi
    >>> t0 = pendulum.datetime(2026, 3, 2, 9, tz="Asia/Shanghai")
    >>> a = Topic(id="t1", node_id="520304001001", collected_at=t0, title="积水")
    >>> len(check_topics([a, a], zunyi()))
    1
    >>> check_topics([a, attrs.evolve(a, title="停车"),
    ...               attrs.evolve(a, id="t2", node_id="nowhere"),
    ...               attrs.evolve(a, id="t3", node_id="520304001")], zunyi())
    Traceback (most recent call last):
    ...
    redcity.errors.ValidationError: 3 problems found:
      - t1.id: a second topic carries this id with different content; ids must be unique.
      - t2.node_id: unknown node 'nowhere'; the tree has no such id.
      - t3.node_id: node '520304001' is a 街道 (street) with no community at or above it; topics are collected by a community or a place below one.
    """  # noqa: E501
    return tuple(_checked(topics, tree)[0])


def _under_community(tree: GridTree) -> bytearray:
    """A flag per tree position: 1 at and below every community."""
    flags = bytearray(len(tree))
    for community in tree.nodes(Level.COMMUNITY):
        i = tree.index(community)
        stop = i + 1 + len(tree.descendants(community))
        flags[i:stop] = b"\x01" * (stop - i)
    return flags


def _checked(topics: Iterable[Topic], tree: GridTree) -> tuple[list[Topic], list[int]]:
    """The valid, deduplicated topics and their nodes' positions in the tree."""
    problems: list[Problem] = []
    seen: dict[str, Topic] = {}
    kept: list[Topic] = []
    positions: list[int] = []
    clashing: set[str] = set()
    under = _under_community(tree)
    index = tree.index
    for number, topic in enumerate(topics):
        if not isinstance(topic, Topic):
            problems.append(
                Problem(f"#{number}", "", f"expected a Topic, got {topic!r}.")
            )
            continue
        before = seen.get(topic.id)
        if before is not None:
            if before != topic and topic.id not in clashing:
                clashing.add(topic.id)
                problems.append(
                    Problem(
                        topic.id,
                        "id",
                        "a second topic carries this id with different content; "
                        "ids must be unique.",
                    )
                )
            continue
        seen[topic.id] = topic
        node = topic.node_id
        if node not in tree:
            problems.append(
                Problem(
                    topic.id,
                    "node_id",
                    f"unknown node {node!r}; the tree has no such id.",
                )
            )
            continue
        i = index(node)
        if not under[i]:
            level = tree.level(node)
            problems.append(
                Problem(
                    topic.id,
                    "node_id",
                    f"node {node!r} is a {level.zh} ({level.en}) with no community "
                    "at or above it; topics are collected by a community or a "
                    "place below one.",
                )
            )
            continue
        kept.append(topic)
        positions.append(i)
    if problems:
        raise ValidationError(problems)
    return kept, positions


# --------------------------------------------------------------------------
# The monthly agenda
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AgendaEntry:
    """One line of a monthly agenda: a topic, new or carried over.

    Attributes:
        topic: The topic.
        months_carried: Months it has waited: 0 for a topic collected this
            month, 1 for last month's, and so on.

    >>> import pendulum
    >>> t0 = pendulum.datetime(2026, 1, 20, 9, tz="Asia/Shanghai")
    >>> e = AgendaEntry(topic=Topic(id="t", node_id="n", collected_at=t0,
    ...                             title="积水"), months_carried=2)
    >>> e.carried_over
    True
    """

    topic: Topic
    months_carried: int = 0

    @property
    def carried_over(self) -> bool:
        """True for a topic collected in an earlier month (上期结转)."""
        return self.months_carried > 0


@attrs.frozen(kw_only=True)
class MonthlyAgenda:
    """One community's agenda for one month (每月议题).

    Attributes:
        node_id: The community (or any node) the agenda is for.
        month: The month.
        entries: Carried-over topics first, oldest first, then the month's
            new ones; ties by id.
    """

    node_id: str
    month: Period
    entries: tuple[AgendaEntry, ...] = ()

    @property
    def new(self) -> tuple[AgendaEntry, ...]:
        """The entries collected this month."""
        return tuple(e for e in self.entries if not e.carried_over)

    @property
    def carried(self) -> tuple[AgendaEntry, ...]:
        """The entries carried over from earlier months."""
        return tuple(e for e in self.entries if e.carried_over)

    def to_agenda_items(self) -> list[AgendaItem]:
        """The entries as meeting :class:`~redcity.meetings.AgendaItem` records.

        A carried-over topic's source becomes 上期结转 (``CARRIED_OVER``) and
        its ``source_ref`` the topic id; a new topic keeps its own source.
        """
        items = []
        for e in self.entries:
            t = e.topic
            items.append(
                AgendaItem(
                    id=t.id,
                    topic=t.title,
                    source=SourceKind.CARRIED_OVER if e.carried_over else t.source,
                    source_ref=t.id if e.carried_over else t.source_ref,
                    affair=t.affair,
                )
            )
        return items

    def to_rows(self) -> list[dict[str, Any]]:
        """One JSON-ready mapping per entry, for tables and notebooks."""
        return [
            {
                "id": e.topic.id,
                "title": e.topic.title,
                "node_id": e.topic.node_id,
                "collected_at": e.topic.collected_at.isoformat(),
                "source": e.topic.source.zh,
                "affair": e.topic.affair.zh if e.topic.affair else None,
                "months_carried": e.months_carried,
                "resolved_at": (
                    e.topic.resolved_at.isoformat() if e.topic.resolved_at else None
                ),
            }
            for e in self.entries
        ]

    def _repr_html_(self) -> str:
        """A table for Jupyter."""
        head = ("议题 id", "title", "source", "affair", "carried", "resolved")
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(str(c))}</td>"
                for c in (
                    r["id"],
                    r["title"],
                    r["source"],
                    r["affair"] or "",
                    r["months_carried"] or "",
                    r["resolved_at"] or "",
                )
            )
            + "</tr>"
            for r in self.to_rows()
        )
        header = "".join(f"<th>{escape(h)}</th>" for h in head)
        return (
            f"<div><strong>Agenda</strong> {escape(self.node_id)} "
            f"{escape(self.month.label)}: {len(self.new)} new, "
            f"{len(self.carried)} carried over"
            f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody>"
            "</table></div>"
        )


def monthly_agenda(
    topics: Iterable[Topic], tree: GridTree, node: str, month: Period | str
) -> MonthlyAgenda:
    """The agenda of ``node`` (usually a community) for one month.

    The topics collected at or below ``node`` during the month, plus every
    topic collected there earlier and still open when the month began
    (carried over, with how many months it has waited).  A carried-over
    topic resolved during the month stays on that month's agenda.

    Args:
        topics: Topics anywhere in the tree (checked with :func:`check_topics`).
        tree: The grid tree.
        node: The community (or street, grid …) whose agenda this is.
        month: A month :class:`~redcity.calendars.Period` or label
            (``"2026-03"``); its zone bounds the month.

    Raises:
        ValidationError: as :func:`check_topics`.
        UnknownNode: ``node`` is not in the tree.
        CalendarError: ``month`` is not a month.

    >>> import pendulum
    >>> from redcity.datasets import XINGMAO, zunyi
    >>> def at(m, d):
    ...     return pendulum.datetime(2026, m, d, 9, tz="Asia/Shanghai")
    >>> old = Topic(id="t1", node_id=XINGMAO, collected_at=at(1, 15), title="电梯")
    >>> new = Topic(id="t2", node_id=XINGMAO, collected_at=at(3, 3), title="路灯")
    >>> agenda = monthly_agenda([new, old], zunyi(), "520304001001", "2026-03")
    >>> [(e.topic.id, e.months_carried) for e in agenda.entries]
    [('t1', 2), ('t2', 0)]
    """
    period = _period(month, "month")
    if period.kind is not PeriodKind.MONTH:
        msg = f"Expected a month for the agenda, got the {period.kind.value} {period}."
        raise CalendarError(msg)
    if node not in tree:
        msg = f"Node {node!r} is not in the tree."
        raise UnknownNode(msg)
    checked, positions = _checked(topics, tree)
    lo = tree.index(node)
    hi = lo + 1 + len(tree.descendants(node))
    zone = pendulum.timezone(period.tz)
    start, end = _utc(period.start), _utc(period.end)
    this_month = period.year * 12 + period.number - 1
    entries = []
    for t, i in zip(checked, positions, strict=True):
        if t.collected_at >= end or not lo <= i < hi:
            continue
        if t.collected_at >= start:
            entries.append(AgendaEntry(topic=t))
        elif t.resolved_at is None or t.resolved_at >= start:
            waited = this_month - _local_month(t.collected_at, zone)
            entries.append(AgendaEntry(topic=t, months_carried=waited))
    entries.sort(key=lambda e: (e.topic.collected_at, e.topic.id))
    return MonthlyAgenda(node_id=node, month=period, entries=tuple(entries))


# --------------------------------------------------------------------------
# The closed-loop figures
# --------------------------------------------------------------------------


def _rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@attrs.frozen(kw_only=True)
class LoopFigures:
    """The closed-loop figures of one area (community, street …) for a period.

    Attributes:
        node_id: The area.
        level: Its level.
        name: Its name.
        collected: Topics collected in the period.
        carried_in: Topics collected before the period, open at its start.
        resolved: Topics resolved in the period (wherever collected).
        with_feedback: Of those, the ones fed back before the period's end.
        carried_over: Topics open at the period's end.
        median_days: Median calendar days to resolve of the topics resolved
            in the period, exact; ``None`` when none was.

    ``carried_in + collected == resolved + carried_over``.

    >>> from redcity.grid import Level
    >>> f = LoopFigures(node_id="c", level=Level.COMMUNITY, name="南社区",
    ...                 collected=8, carried_in=2, resolved=6, with_feedback=3,
    ...                 carried_over=4, median_days=Fraction(7, 2))
    >>> f.due, f.resolution_rate, f.feedback_rate
    (10, Fraction(3, 5), Fraction(1, 2))
    """

    node_id: str
    level: Level
    name: str
    collected: int = 0
    carried_in: int = 0
    resolved: int = 0
    with_feedback: int = 0
    carried_over: int = 0
    median_days: Fraction | None = None

    @property
    def due(self) -> int:
        """Topics the period had to handle: carried in plus collected (应办数)."""
        return self.carried_in + self.collected

    @property
    def resolution_rate(self) -> Fraction | None:
        """``resolved / due``, carry-over included as 数字城管's 结案率 does."""
        return _rate(self.resolved, self.due)

    @property
    def feedback_rate(self) -> Fraction | None:
        """``with_feedback / resolved``: how much of the loop was closed."""
        return _rate(self.with_feedback, self.resolved)

    def to_row(self) -> dict[str, Any]:
        """A JSON-ready mapping (rates and median as ``"n/d"`` strings or None)."""

        def text(x: Fraction | None) -> str | None:
            return None if x is None else str(x)

        return {
            "node_id": self.node_id,
            "level": self.level.en,
            "name": self.name,
            "collected": self.collected,
            "carried_in": self.carried_in,
            "resolved": self.resolved,
            "with_feedback": self.with_feedback,
            "carried_over": self.carried_over,
            "median_days": text(self.median_days),
            "resolution_rate": text(self.resolution_rate),
            "feedback_rate": text(self.feedback_rate),
        }


_FIGURE_COLUMNS = (
    "node_id",
    "level",
    "name",
    "collected",
    "carried_in",
    "resolved",
    "with_feedback",
    "carried_over",
    "median_days",
    "resolution_rate",
    "feedback_rate",
)


@attrs.frozen(kw_only=True)
class ClosedLoop:
    """The closed-loop figures of a period for every area at some levels.

    Attributes:
        period: The period (its zone bounds it and dates the durations).
        areas: One :class:`LoopFigures` per node at the requested levels,
            in tree pre-order (a street before its communities).
    """

    period: Period
    areas: tuple[LoopFigures, ...] = ()

    def area(self, node_id: str) -> LoopFigures:
        """The figures of one area.

        Raises:
            UnknownNode: the area is not among :attr:`areas`.
        """
        for a in self.areas:
            if a.node_id == node_id:
                return a
        msg = (
            f"No figures for {node_id!r}; the report holds "
            f"{', '.join(sorted({a.level.en for a in self.areas}))} areas."
        )
        raise UnknownNode(msg)

    def at(self, level: Level | str) -> tuple[LoopFigures, ...]:
        """The areas at one level, in tree order."""
        wanted = Level.parse(level)
        return tuple(a for a in self.areas if a.level is wanted)

    def to_rows(self) -> list[dict[str, Any]]:
        """One JSON-ready mapping per area (see :meth:`LoopFigures.to_row`)."""
        return [a.to_row() for a in self.areas]

    def to_frame(self) -> pd.DataFrame:
        """The figures as a pandas DataFrame indexed by node id (needs ``frames``).

        Medians and rates stay exact ``Fraction`` objects (object columns).
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise no_pandas("ClosedLoop.to_frame()") from exc
        rows = [
            {
                **a.to_row(),
                "median_days": a.median_days,
                "resolution_rate": a.resolution_rate,
                "feedback_rate": a.feedback_rate,
            }
            for a in self.areas
        ]
        return pd.DataFrame(rows, columns=list(_FIGURE_COLUMNS)).set_index("node_id")

    def _repr_html_(self) -> str:
        """A table for Jupyter, one row per area."""
        head = (
            "area",
            "level",
            "collected",
            "carried in",
            "resolved",
            "with feedback",
            "carried over",
            "median days",
        )

        def cell(value: object) -> str:
            if value is None:
                return "<td></td>"
            if isinstance(value, int | Fraction):
                shown = (
                    f"{value:,}" if isinstance(value, int) else f"{float(value):.1f}"
                )
                return f"<td style='text-align:right'>{escape(shown)}</td>"
            return f"<td>{escape(str(value))}</td>"

        body = "".join(
            "<tr>"
            + "".join(
                cell(c)
                for c in (
                    a.name,
                    a.level.zh,
                    a.collected,
                    a.carried_in,
                    a.resolved,
                    a.with_feedback,
                    a.carried_over,
                    a.median_days,
                )
            )
            + "</tr>"
            for a in self.areas
        )
        header = "".join(f"<th>{escape(h)}</th>" for h in head)
        return (
            f"<div><strong>Closed loop</strong> {escape(self.period.label)} "
            f"({escape(self.period.tz)}), {len(self.areas):,} areas"
            f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody>"
            "</table></div>"
        )


def _median(values: list[int]) -> Fraction:
    values.sort()
    n = len(values)
    mid = n // 2
    if n % 2:
        return Fraction(values[mid])
    return Fraction(values[mid - 1] + values[mid], 2)


def closed_loop(
    topics: Iterable[Topic],
    tree: GridTree,
    period: Period | str,
    *,
    levels: Sequence[Level | str] = DEFAULT_LOOP_LEVELS,
) -> ClosedLoop:
    """The closed-loop figures of ``period`` for every area at ``levels``.

    Counts are kept per topic node and summed up the grid with
    :meth:`~redcity.grid.GridTree.rollup_array` (one prefix-sum pass per
    figure); median days to resolve are computed per area from the
    durations below it, grouped in one pass over the topics resolved in
    the period.  See the module docstring for what each figure counts.

    Args:
        topics: The topics (checked with :func:`check_topics`).
        tree: The grid tree.
        period: A :class:`~redcity.calendars.Period` (month, quarter, year)
            or its label; its zone bounds it and dates the durations.
        levels: The levels to report, community, street, district and city
            by default; areas come in tree pre-order.

    Raises:
        ValidationError: as :func:`check_topics`.

    >>> import pendulum
    >>> from redcity.datasets import XINGMAO, zunyi
    >>> t0 = pendulum.datetime(2026, 4, 1, 0, 10, tz="Asia/Shanghai")
    >>> t = Topic(id="t", node_id=XINGMAO, collected_at=t0, title="休闲设施",
    ...           resolved_at=t0.add(days=2, hours=23, minutes=55))
    >>> q2 = closed_loop([t], zunyi(), "2026-Q2", levels=["街道"])
    >>> s = q2.area("520304001")  # 南白街道
    >>> s.collected, s.resolved, s.median_days, len(q2.areas)
    (1, 1, Fraction(3, 1), 23)
    """
    period = _period(period, "period")
    wanted = frozenset(Level.parse(lv) for lv in levels)
    checked, positions = _checked(topics, tree)
    zone = pendulum.timezone(period.tz)
    start, end = _utc(period.start), _utc(period.end)

    size = len(tree)
    collected = [0] * size
    carried_in = [0] * size
    resolved = [0] * size
    with_feedback = [0] * size
    carried_over = [0] * size
    durations: dict[str, list[int]] = {}
    areas_above: dict[str, tuple[str, ...]] = {}

    for t, i in zip(checked, positions, strict=True):
        c = t.collected_at
        if c >= end:
            continue
        r = t.resolved_at
        if c >= start:
            collected[i] += 1
        elif r is None or r >= start:
            carried_in[i] += 1
        if r is None or r >= end:
            carried_over[i] += 1
        elif r >= start:
            resolved[i] += 1
            f = t.feedback_at
            if f is not None and f < end:
                with_feedback[i] += 1
            days = _local_ordinal(r, zone) - _local_ordinal(c, zone)
            node = t.node_id
            above = areas_above.get(node)
            if above is None:
                above = areas_above[node] = tuple(
                    a for a in (*tree.ancestors(node), node) if tree.level(a) in wanted
                )
            for a in above:
                group = durations.get(a)
                if group is None:
                    durations[a] = [days]
                else:
                    group.append(days)

    totals = [
        tree.rollup_array(v)
        for v in (collected, carried_in, resolved, with_feedback, carried_over)
    ]
    chosen = sorted(
        (tree.index(n) for lv in wanted for n in tree.nodes(lv)),
    )
    ids = tree.ids
    areas = []
    for i in chosen:
        node = ids[i]
        group = durations.get(node)
        areas.append(
            LoopFigures(
                node_id=node,
                level=tree.level(node),
                name=tree[node].name,
                collected=totals[0][i],
                carried_in=totals[1][i],
                resolved=totals[2][i],
                with_feedback=totals[3][i],
                carried_over=totals[4][i],
                median_days=_median(group) if group else None,
            )
        )
    return ClosedLoop(period=period, areas=tuple(areas))
