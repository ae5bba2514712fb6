"""Service-level deadlines in working time: two clocks, pauses, overdue checks.

接诉即办 holds that every work order has a deadline.  A deadline here is a
:class:`Limit` — so many *working days* or *working hours* on a
:class:`~redcity.calendars.WorkCalendar` (statutory holidays off, make-up
working weekends (调休) on) — looked up in an :class:`SlaTable` by the
ticket's category code and severity, for each of two clocks: the time to
*respond* (contact the resident, accept the order) and the time to
*resolve*.  A clock is paused while the ticket waits on the resident; the
deadline then moves by the paused working time.

>>> import pendulum
>>> from redcity.calendars import WorkCalendar
>>> from redcity.dispatch.sla import SlaTable
>>> cal = WorkCalendar.china()
>>> table = SlaTable.default()
>>> filed = pendulum.datetime(2026, 9, 30, 10, tz="Asia/Shanghai")
>>> print(table.deadline(cal, "A01", "small", filed))  # 7 working days, 国庆 off
2026-10-15 17:30:00+08:00
>>> print(table.deadline(cal, "A01", "small", filed, clock="respond"))
2026-10-08 10:00:00+08:00
>>> table.is_overdue(cal, "A01", "small", filed, filed.add(days=20))
True

Semantics, once:

* **Working days.**  ``n`` working days from a start end at the *close of
  business* (the end of the calendar's last working-hours interval, 17:30 by
  default) of the ``n``-th working day after the start's local date; the
  start's own date never counts (当日不计), as in
  :meth:`WorkCalendar.add_working_days`.  Such a deadline depends only on
  the start's date, so it is monotone in the start and always on a working
  day.
* **Working hours.**  ``h`` working hours from a start is
  :meth:`WorkCalendar.add_working_hours`: the clock runs only inside
  working hours of working days, and a deadline falls inside working hours
  (or at the close of an interval).
* **Pauses.**  Each paused interval ``(start, end)`` (``end=None``: still
  paused) that begins before the running deadline pushes it later by the
  working time it covers after the clock started (for working-day limits
  the clock starts at midnight after the start's date).  Pauses after the
  deadline change nothing: the ticket was already late.  Pausing never
  makes a deadline earlier.
* **Overdue.**  A ticket is overdue at ``at`` when ``at`` is strictly after
  the deadline computed from the pauses known at ``at`` (a pause still
  running at ``at`` counts up to ``at``).  Time spent paused is never
  overdue time.

The figures in :data:`DEFAULT_LIMITS` are *local configuration*, typical of
接诉即办 practice, not national rules: no national regulation fixes response
or resolution times for community work orders.

References:
    《北京市接诉即办工作条例》(2021年9月24日北京市人大常委会通过), 第十九条
    ff.: every work order is handled within a time limit and the resident is
    called back — the principle only; the figures are local configuration.
    国务院办公厅关于2026年部分节假日安排的通知 for the 2026 working days.
"""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs
import pendulum

from redcity._validators import require_aware
from redcity.calendars import WorkCalendar
from redcity.errors import CalendarError, Problem, ValidationError

__all__ = [
    "ANY",
    "DEFAULT_LIMITS",
    "SEVERITIES",
    "Clock",
    "Limit",
    "Pause",
    "SeverityLike",
    "SlaTable",
    "Unit",
    "deadline",
    "deadlines",
    "is_overdue",
    "normalize_severity",
    "remaining",
]

SEVERITIES: tuple[str, ...] = ("small", "big", "urgent")
"""The severities, mildest first: 小事, 大事, 急事."""

ANY = "*"
"""The wildcard category or severity in an :class:`SlaTable`."""

SeverityLike: TypeAlias = "str | enum.Enum"
"""A severity: ``"small"``/``"big"``/``"urgent"``, 小事/大事/急事, or an enum
member whose value is one of those (such as ``redcity.dispatch.Severity``)."""

Pause: TypeAlias = "tuple[datetime, datetime | None]"
"""A paused interval ``(start, end)``; ``end`` is ``None`` while still paused."""

_SEVERITY_NAMES = {
    "small": "small",
    "小事": "small",
    "小": "small",
    "big": "big",
    "大事": "big",
    "大": "big",
    "urgent": "urgent",
    "急事": "urgent",
    "紧急": "urgent",
    "急": "urgent",
}


def normalize_severity(value: SeverityLike) -> str:
    """The canonical severity name: ``"small"``, ``"big"`` or ``"urgent"``.

    Accepts the English names (any case), the Chinese 小事/大事/急事 (紧急),
    or an enum member whose value is one of these.

    Raises:
        ValueError: the value names no severity.

    >>> normalize_severity("BIG"), normalize_severity("急事")
    ('big', 'urgent')
    """
    raw = value.value if isinstance(value, enum.Enum) else value
    found = (
        _SEVERITY_NAMES.get(raw.strip().casefold()) if isinstance(raw, str) else None
    )
    if found is None:
        msg = f"Expected a severity small/big/urgent (小事/大事/急事), got {value!r}."
        raise ValueError(msg)
    return found


class Clock(enum.Enum):
    """The two clocks of a work order: to respond and to resolve.

    >>> Clock.parse("响应") is Clock.RESPOND, Clock.RESOLVE.zh
    (True, '办结')
    """

    RESPOND = "respond"
    RESOLVE = "resolve"

    @property
    def zh(self) -> str:
        """响应 or 办结."""
        return "响应" if self is Clock.RESPOND else "办结"

    @classmethod
    def parse(cls, value: Clock | str) -> Clock:
        """A clock from a Clock or its English or Chinese name.

        Raises:
            ValueError: the value names no clock.
        """
        if isinstance(value, Clock):
            return value
        if isinstance(value, str):
            key = value.strip().casefold()
            for clock in cls:
                if key in (clock.value, clock.zh, clock.name.casefold()):
                    return clock
        msg = f"Expected a clock 'respond' (响应) or 'resolve' (办结), got {value!r}."
        raise ValueError(msg)


class Unit(enum.Enum):
    """What a :class:`Limit` counts: working days or working hours."""

    WORKING_DAYS = "working days"
    WORKING_HOURS = "working hours"


_LIMIT = re.compile(
    r"\s*(?P<amount>\d+(?:\.\d+)?)\s*"
    r"(?:(?P<days>d|days?|working\s+days?|工作日|个工作日)"
    r"|(?P<hours>h|hours?|working\s+hours?|工作小时|个工作小时|小时))\s*",
    re.IGNORECASE,
)


def _check_amount(instance: Limit, _attribute: object, value: int | Decimal) -> None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        msg = f"Expected a limit as an int or Decimal amount, got {value!r}."
        raise TypeError(msg)
    if instance.unit is Unit.WORKING_DAYS and not isinstance(value, int):
        msg = f"Expected a whole number of working days, got {value!r}."
        raise ValueError(msg)
    if not (isinstance(value, int) or value.is_finite()) or value <= 0:
        msg = f"Expected a positive limit, got {value!r}."
        raise ValueError(msg)


def _to_amount(value: int | Decimal | str | float) -> int | Decimal:
    if isinstance(value, bool):
        return value  # refused by the validator
    if isinstance(value, float | str):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            msg = f"Expected a number, got {value!r}."
            raise ValueError(msg) from None
        return int(number) if number == number.to_integral_value() else number
    return value


@attrs.frozen
class Limit:
    """A time limit: a positive number of working days or working hours.

    Attributes:
        amount: Working days as an ``int`` (at least 1), or working hours as
            an ``int`` or ``Decimal`` (positive).
        unit: :attr:`Unit.WORKING_DAYS` or :attr:`Unit.WORKING_HOURS`.

    >>> Limit.parse("7 working days") == Limit.days(7)
    True
    >>> print(Limit.parse("2.5h"), Limit.parse("24 工作小时"))
    2.5 working hours 24 working hours
    """

    amount: int | Decimal = attrs.field(converter=_to_amount, validator=_check_amount)
    unit: Unit = attrs.field(converter=Unit)

    @classmethod
    def days(cls, n: int) -> Limit:
        """``n`` working days (closing at the end of the n-th working day).

        >>> Limit.days(7)
        Limit(amount=7, unit=<Unit.WORKING_DAYS: 'working days'>)
        """
        return cls(n, Unit.WORKING_DAYS)

    @classmethod
    def hours(cls, h: int | Decimal | str) -> Limit:
        """``h`` working hours.

        >>> Limit.hours("1.5").amount
        Decimal('1.5')
        """
        return cls(_to_amount(h), Unit.WORKING_HOURS)

    @classmethod
    def parse(cls, value: Limit | str | Mapping[str, Any]) -> Limit:
        """A limit from text or a one-key mapping.

        Text: ``"7d"``, ``"7 working days"``, ``"7个工作日"``, ``"24h"``,
        ``"2.5 working hours"``, ``"4 工作小时"``.  Mapping:
        ``{"working_days": 7}`` or ``{"working_hours": 24}``.

        Raises:
            ValueError: anything else, or a non-positive amount.

        >>> Limit.parse({"working_hours": 4})
        Limit(amount=4, unit=<Unit.WORKING_HOURS: 'working hours'>)
        """
        if isinstance(value, Limit):
            return value
        if isinstance(value, str):
            match = _LIMIT.fullmatch(value)
            if match is not None:
                unit = Unit.WORKING_DAYS if match["days"] else Unit.WORKING_HOURS
                return cls(_to_amount(match["amount"]), unit)
        elif isinstance(value, Mapping) and len(value) == 1:
            ((key, amount),) = value.items()
            units = {
                "working_days": Unit.WORKING_DAYS,
                "working_hours": Unit.WORKING_HOURS,
            }
            if key in units:
                return cls(_to_amount(amount), units[key])
        msg = (
            "Expected a limit like '7 working days', '7d', '24 working hours', "
            f"'24h' or {{'working_days': 7}}, got {value!r}."
        )
        raise ValueError(msg)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"

    def to_data(self) -> str:
        """The text form :meth:`parse` reads back (``"7 working days"``)."""
        return str(self)


# --------------------------------------------------------------------------
# Deadlines on a calendar.


_ZONES: dict[str, tzinfo] = {}


def _zone(calendar: WorkCalendar) -> tzinfo:
    zone = _ZONES.get(calendar.tz)
    if zone is None:
        zone = _ZONES[calendar.tz] = pendulum.timezone(calendar.tz)
    return zone


def _close_of(calendar: WorkCalendar, day: date) -> pendulum.DateTime:
    close = calendar.working_hours[-1][1]
    return pendulum.datetime(
        day.year,
        day.month,
        day.day,
        close.hour,
        close.minute,
        close.second,
        close.microsecond,
        tz=_zone(calendar),
    )


def _base(
    calendar: WorkCalendar, limit: Limit, start: datetime
) -> tuple[pendulum.DateTime, datetime]:
    """The unpaused deadline and the moment the clock starts running."""
    if limit.unit is Unit.WORKING_HOURS:
        return calendar.add_working_hours(start, limit.amount), start
    local = start.astimezone(_zone(calendar))
    day = local.date()
    assert isinstance(limit.amount, int)
    target = calendar.add_working_days(day, limit.amount)
    after = day + timedelta(days=1)
    origin = pendulum.datetime(after.year, after.month, after.day, tz=_zone(calendar))
    return _close_of(calendar, target), origin


def _merged(
    paused: Iterable[Pause], origin: datetime, until: datetime | None
) -> list[tuple[datetime, datetime]]:
    """Paused intervals clipped to ``[origin, until]``, sorted and merged."""
    spans: list[tuple[datetime, datetime]] = []
    for k, interval in enumerate(paused):
        try:
            a, b = interval
        except (TypeError, ValueError):
            msg = f"Expected paused[{k}] as a (start, end) pair, got {interval!r}."
            raise TypeError(msg) from None
        a = require_aware(a, f"paused[{k}]'s start")
        if b is not None:
            b = require_aware(b, f"paused[{k}]'s end")
            if b < a:
                msg = f"Expected paused[{k}] to end after it starts, got {interval!r}."
                raise CalendarError(msg)
        if until is not None:
            b = until if b is None else min(b, until)
        elif b is None:
            msg = (
                f"paused[{k}] is still running (end None); pass the instant `at` "
                "to ask about a ticket that is paused now."
            )
            raise CalendarError(msg)
        a = max(a, origin)
        if b > a:
            spans.append((a, b))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _deadline(
    calendar: WorkCalendar,
    limit: Limit,
    start: datetime,
    paused: Iterable[Pause],
    until: datetime | None,
) -> pendulum.DateTime:
    require_aware(start, "start")
    due, origin = _base(calendar, limit, start)
    for a, b in _merged(paused, origin, until):
        if a >= due:
            break  # paused after the deadline: already late, nothing moves
        extra = calendar.working_hours_between(a, b)
        if extra:
            due = calendar.add_working_hours(due, extra)
    return due


def deadline(
    calendar: WorkCalendar,
    limit: Limit | str,
    start: datetime,
    paused: Iterable[Pause] = (),
) -> pendulum.DateTime:
    """When a clock of ``limit`` started at ``start`` runs out.

    Args:
        calendar: The working calendar (调休 respected).
        limit: A :class:`Limit` or its text (``"7 working days"``).
        start: When the clock started (an aware datetime).
        paused: Paused intervals ``(start, end)``, in any order, overlapping
            or not; each one begun before the running deadline moves it by
            the working time it covers.  ``end`` must not be ``None`` here
            (see :func:`is_overdue` for a ticket paused now).

    Returns:
        A pendulum ``DateTime`` in the calendar's zone.

    Raises:
        NaiveDatetimeError: a naive datetime was given.
        CalendarError: a paused interval ends before it starts.

    References:
        国务院办公厅关于2026年部分节假日安排的通知: 春节 2月15日至23日放假,
        2月14日（周六）、2月28日（周六）上班.

    >>> import pendulum
    >>> from redcity.calendars import WorkCalendar
    >>> cal = WorkCalendar.china()
    >>> eve = pendulum.datetime(2026, 2, 13, 16, tz="Asia/Shanghai")
    >>> print(deadline(cal, "2 working days", eve))  # Sat 02-14 worked, then 02-24
    2026-02-24 17:30:00+08:00
    >>> away = [(eve.add(days=11, hours=-7), eve.add(days=11, hours=-4))]  # 02-24 09–12
    >>> print(deadline(cal, "2 working days", eve, away))
    2026-02-25 11:30:00+08:00
    """
    return _deadline(calendar, Limit.parse(limit), start, paused, None)


def is_overdue(
    calendar: WorkCalendar,
    limit: Limit | str,
    start: datetime,
    at: datetime,
    paused: Iterable[Pause] = (),
) -> bool:
    """True when, at the instant ``at``, the clock has run out.

    Only the pauses known at ``at`` count: a pause still running (``end``
    ``None``, or ending after ``at``) counts up to ``at``, so a paused ticket
    never becomes overdue while it waits on the resident.  To ask whether a
    finished ticket was late, pass its finishing time as ``at``.

    >>> import pendulum
    >>> from redcity.calendars import WorkCalendar
    >>> cal = WorkCalendar.china()
    >>> t0 = pendulum.datetime(2026, 10, 9, 9, tz="Asia/Shanghai")
    >>> is_overdue(cal, "2h", t0, t0.add(hours=3))
    True
    >>> is_overdue(cal, "2h", t0, t0.add(hours=3), [(t0.add(hours=1), None)])
    False
    """
    at = require_aware(at, "at")
    return at > _deadline(calendar, Limit.parse(limit), start, paused, at)


def remaining(
    calendar: WorkCalendar,
    limit: Limit | str,
    start: datetime,
    at: datetime,
    paused: Iterable[Pause] = (),
) -> timedelta:
    """Working time left on the clock at ``at``; negative once overdue.

    Pauses count as in :func:`is_overdue`.  Divide by ``timedelta(hours=1)``
    for hours.

    >>> import pendulum
    >>> from datetime import timedelta
    >>> from redcity.calendars import WorkCalendar
    >>> cal = WorkCalendar.china()
    >>> t0 = pendulum.datetime(2026, 9, 30, 16, tz="Asia/Shanghai")
    >>> remaining(cal, "4h", t0, t0.add(minutes=30)) / timedelta(hours=1)
    3.5
    >>> remaining(cal, "4h", t0, t0.add(days=8)) / timedelta(hours=1)  # 10-08 16:00
    -3.0
    """
    at = require_aware(at, "at")
    due = _deadline(calendar, Limit.parse(limit), start, paused, at)
    return calendar.working_hours_between(at, due)


def deadlines(
    calendar: WorkCalendar,
    limits: Sequence[Limit],
    starts: Sequence[datetime],
) -> list[pendulum.DateTime]:
    """Unpaused deadlines for many tickets at once (the bulk form of :func:`deadline`).

    ``limits`` and ``starts`` are aligned.  A working-day deadline depends
    only on the start's local date, so it is computed once per (date, limit)
    and the same immutable ``DateTime`` is shared; working-hour deadlines
    are computed one by one.  Equal, element by element, to
    :func:`deadline` without pauses.

    Raises:
        ValueError: the sequences differ in length.
        NaiveDatetimeError: a start is naive.

    >>> import pendulum
    >>> from redcity.calendars import WorkCalendar
    >>> cal = WorkCalendar.china()
    >>> t = pendulum.datetime(2026, 9, 30, 10, tz="Asia/Shanghai")
    >>> [str(d) for d in deadlines(cal, [Limit.days(1), Limit.hours(1)], [t, t])]
    ['2026-10-08 17:30:00+08:00', '2026-09-30 11:00:00+08:00']
    """
    if len(limits) != len(starts):
        msg = f"Expected as many limits as starts, got {len(limits)} and {len(starts)}."
        raise ValueError(msg)
    zone = _zone(calendar)
    memo: dict[tuple[int, int], pendulum.DateTime] = {}
    out: list[pendulum.DateTime] = []
    append = out.append
    days = Unit.WORKING_DAYS
    for k, (limit, start) in enumerate(zip(limits, starts, strict=True)):
        if start.utcoffset() is None:
            require_aware(start, f"starts[{k}]")
        if limit.unit is days:
            key = (start.astimezone(zone).toordinal(), limit.amount)
            found = memo.get(key)  # type: ignore[arg-type]
            if found is None:
                found = memo[key] = _base(calendar, limit, start)[0]  # type: ignore[index]
            append(found)
        else:
            append(calendar.add_working_hours(start, limit.amount))
    return out


# --------------------------------------------------------------------------
# The table.


def _limits(**clocks: str) -> dict[Clock, Limit]:
    return {Clock(name): Limit.parse(text) for name, text in clocks.items()}


DEFAULT_LIMITS: Mapping[str, Mapping[Clock, Limit]] = {
    ANY: _limits(respond="7 working hours", resolve="7 working days"),
    "big": _limits(respond="7 working hours", resolve="15 working days"),
    "urgent": _limits(respond="2 working hours", resolve="1 working days"),
}
"""Default limits by severity (``"*"``: any severity).  Local configuration,
not national figures: respond within one working day's hours (7 working
hours on the default 08:30–12:00/14:00–17:30 calendar) and resolve within 7
working days — common 接诉即办 practice — with 15 working days for big
matters and 2 working hours / 1 working day for urgent ones."""


def _check_rules(
    _instance: object,
    _attribute: object,
    value: Mapping[tuple[str, str], Mapping[Clock, Limit]],
) -> None:
    problems: list[Problem] = []
    for (category, severity), clocks in value.items():
        where = f"{category}/{severity}"
        if severity != ANY and severity not in SEVERITIES:
            problems.append(
                Problem(where, "severity", f"unknown severity {severity!r}")
            )
        for clock, limit in clocks.items():
            if not isinstance(clock, Clock) or not isinstance(limit, Limit):
                problems.append(
                    Problem(where, str(clock), f"expected Clock: Limit, got {limit!r}")
                )
    if problems:
        raise ValidationError(problems)


def _freeze_rules(
    value: Mapping[tuple[str, str], Mapping[Clock, Limit]],
) -> Mapping[tuple[str, str], Mapping[Clock, Limit]]:
    return MappingProxyType(
        {key: MappingProxyType(dict(clocks)) for key, clocks in value.items()}
    )


@attrs.frozen
class SlaTable:
    """Limits per (category code, severity) for the two clocks: plain data.

    A rule is keyed by ``(category, severity)``, either of which may be the
    wildcard :data:`ANY` (``"*"``), and gives a :class:`Limit` for one or
    both clocks.  A lookup tries, per clock, ``(category, severity)``, then
    ``(category, "*")``, then ``("*", severity)``, then ``("*", "*")``,
    then :data:`DEFAULT_LIMITS` — so a table need only list what differs
    from the defaults, and every (category, severity) has both limits.

    Attributes:
        rules: ``{(category, severity): {Clock: Limit}}``.

    Load one with :meth:`from_dict` or :meth:`from_toml`; write it with
    :meth:`to_dict`.

    >>> table = SlaTable.from_toml('''
    ... [default]
    ... resolve = "5 working days"
    ... [severity.urgent]
    ... respond = "1h"
    ... [category."A01".big]
    ... resolve = "10 working days"
    ... ''')
    >>> print(table.limit("A01", "big"), table.limit("B02", "small"))
    10 working days 5 working days
    >>> print(table.limit("A01", "urgent", "respond"))
    1 working hours
    """

    rules: Mapping[tuple[str, str], Mapping[Clock, Limit]] = attrs.field(
        factory=dict, converter=_freeze_rules, validator=_check_rules, hash=False
    )

    @classmethod
    def default(cls) -> SlaTable:
        """The table with no rules of its own: :data:`DEFAULT_LIMITS` throughout."""
        return cls({})

    def limit(
        self,
        category: str,
        severity: SeverityLike,
        clock: Clock | str = Clock.RESOLVE,
    ) -> Limit:
        """The limit of one clock for a category and severity.

        >>> print(SlaTable.default().limit("any-code", "大事"))
        15 working days
        """
        sev, which = normalize_severity(severity), Clock.parse(clock)
        rules = self.rules
        for key in ((category, sev), (category, ANY), (ANY, sev), (ANY, ANY)):
            found = rules.get(key)
            if found is not None and which in found:
                return found[which]
        for fallback in (sev, ANY):
            clocks = DEFAULT_LIMITS.get(fallback)
            if clocks is not None and which in clocks:
                return clocks[which]
        raise AssertionError("unreachable: DEFAULT_LIMITS covers every clock")

    def deadline(
        self,
        calendar: WorkCalendar,
        category: str,
        severity: SeverityLike,
        start: datetime,
        *,
        clock: Clock | str = Clock.RESOLVE,
        paused: Iterable[Pause] = (),
    ) -> pendulum.DateTime:
        """:func:`deadline` with the limit looked up in this table."""
        return deadline(calendar, self.limit(category, severity, clock), start, paused)

    def is_overdue(
        self,
        calendar: WorkCalendar,
        category: str,
        severity: SeverityLike,
        start: datetime,
        at: datetime,
        *,
        clock: Clock | str = Clock.RESOLVE,
        paused: Iterable[Pause] = (),
    ) -> bool:
        """:func:`is_overdue` with the limit looked up in this table."""
        limit = self.limit(category, severity, clock)
        return is_overdue(calendar, limit, start, at, paused)

    def remaining(
        self,
        calendar: WorkCalendar,
        category: str,
        severity: SeverityLike,
        start: datetime,
        at: datetime,
        *,
        clock: Clock | str = Clock.RESOLVE,
        paused: Iterable[Pause] = (),
    ) -> timedelta:
        """:func:`remaining` with the limit looked up in this table."""
        limit = self.limit(category, severity, clock)
        return remaining(calendar, limit, start, at, paused)

    def deadlines(
        self,
        calendar: WorkCalendar,
        categories: Sequence[str],
        severities: Sequence[SeverityLike],
        starts: Sequence[datetime],
        *,
        clock: Clock | str = Clock.RESOLVE,
    ) -> list[pendulum.DateTime]:
        """Unpaused deadlines of many tickets (aligned sequences), in bulk.

        >>> import pendulum
        >>> from redcity.calendars import WorkCalendar
        >>> t = pendulum.datetime(2026, 2, 13, 10, tz="Asia/Shanghai")
        >>> out = SlaTable.default().deadlines(
        ...     WorkCalendar.china(), ["A01", "A01"], ["small", "urgent"], [t, t])
        >>> [str(d) for d in out]
        ['2026-03-02 17:30:00+08:00', '2026-02-14 17:30:00+08:00']
        """
        which = Clock.parse(clock)
        if not len(categories) == len(severities) == len(starts):
            msg = (
                "Expected aligned categories, severities and starts, got lengths "
                f"{len(categories)}, {len(severities)} and {len(starts)}."
            )
            raise ValueError(msg)
        memo: dict[tuple[str, SeverityLike], Limit] = {}
        limits: list[Limit] = []
        for category, severity in zip(categories, severities, strict=True):
            key = (category, severity)
            found = memo.get(key)
            if found is None:
                found = memo[key] = self.limit(category, severity, which)
            limits.append(found)
        return deadlines(calendar, limits, starts)

    # ------------------------------------------------------------ data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaTable:
        """A table from plain data, validated with every problem listed.

        The shape (every section optional)::

            {"default":  {"respond": "7h", "resolve": "7d"},
             "severity": {"urgent": {"respond": "2h"}},
             "category": {"A01": {"*": {...}, "big": {...}}}}

        Limits are text or ``{"working_days": n}`` / ``{"working_hours": h}``.

        Raises:
            ValidationError: listing every unknown key, severity, clock and
                bad limit, each with where it was found.

        >>> SlaTable.from_dict({"severity": {"huge": {"resolve": "0d"}}, "x": 1})
        Traceback (most recent call last):
        ...
        redcity.errors.ValidationError: 3 problems found:
          - x: unknown section; expected default, severity or category
          - severity.huge: unknown severity; expected small, big or urgent
          - severity.huge.resolve: Expected a positive limit, got 0.
        """
        problems: list[Problem] = []
        rules: dict[tuple[str, str], dict[Clock, Limit]] = {}
        if not isinstance(data, Mapping):
            raise ValidationError(
                [Problem("table", "", f"expected a mapping, got {data!r}")]
            )
        for section in data:
            if section not in ("default", "severity", "category"):
                problems.append(
                    Problem(
                        str(section),
                        "",
                        "unknown section; expected default, severity or category",
                    )
                )

        def clocks(where: str, raw: object, key: tuple[str, str] | None) -> None:
            if not isinstance(raw, Mapping):
                problems.append(
                    Problem(where, "", f"expected a table of clocks, got {raw!r}")
                )
                return
            parsed: dict[Clock, Limit] = {}
            for name, text in raw.items():
                try:
                    which = Clock.parse(name)
                except ValueError:
                    problems.append(
                        Problem(
                            where,
                            str(name),
                            "unknown clock; expected respond or resolve",
                        )
                    )
                    continue
                try:
                    parsed[which] = Limit.parse(text)
                except (ValueError, TypeError) as exc:
                    problems.append(Problem(where, str(name), str(exc)))
            if key is not None:
                rules[key] = parsed

        def severity_key(where: str, name: object) -> str | None:
            if name == ANY:
                return ANY
            try:
                return normalize_severity(name)  # type: ignore[arg-type]
            except ValueError:
                problems.append(
                    Problem(
                        where, "", "unknown severity; expected small, big or urgent"
                    )
                )
                return None

        if "default" in data:
            clocks("default", data["default"], (ANY, ANY))
        by_severity = data.get("severity", {})
        if not isinstance(by_severity, Mapping):
            problems.append(
                Problem("severity", "", f"expected a table, got {by_severity!r}")
            )
            by_severity = {}
        for name, raw in by_severity.items():
            sev = severity_key(f"severity.{name}", name)
            clocks(f"severity.{name}", raw, None if sev is None else (ANY, sev))
        by_category = data.get("category", {})
        if not isinstance(by_category, Mapping):
            problems.append(
                Problem("category", "", f"expected a table, got {by_category!r}")
            )
            by_category = {}
        for code, per in by_category.items():
            if not isinstance(code, str) or not code.strip():
                problems.append(
                    Problem(f"category.{code!r}", "", "expected a category code")
                )
                continue
            if not isinstance(per, Mapping):
                problems.append(
                    Problem(f"category.{code}", "", f"expected a table, got {per!r}")
                )
                continue
            for name, raw in per.items():
                sev = severity_key(f"category.{code}.{name}", name)
                key = None if sev is None else (code, sev)
                clocks(f"category.{code}.{name}", raw, key)
        if problems:
            raise ValidationError(problems)
        return cls(rules)

    @classmethod
    def from_toml(cls, text: str) -> SlaTable:
        """A table from TOML text in the :meth:`from_dict` shape.

        Raises:
            ValidationError: the text is not TOML, or the table is invalid.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError([Problem("toml", "", str(exc))]) from exc
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :meth:`from_dict` reads back into an equal table.

        >>> data = {"category": {"A01": {"big": {"resolve": "3d"}}}}
        >>> table = SlaTable.from_dict(data)
        >>> table.to_dict()
        {'category': {'A01': {'big': {'resolve': '3 working days'}}}}
        >>> SlaTable.from_dict(table.to_dict()) == table
        True
        """
        out: dict[str, Any] = {}
        for (category, severity), clocks in sorted(self.rules.items()):
            body = {clock.value: limit.to_data() for clock, limit in clocks.items()}
            if category == ANY and severity == ANY:
                out["default"] = body
            elif category == ANY:
                out.setdefault("severity", {})[severity] = body
            else:
                out.setdefault("category", {}).setdefault(category, {})[severity] = body
        return out
