"""China's working calendar (工作日, 调休, 工作时间) and reporting periods.

Deadlines in redcity count working days and working hours on China's official
calendar: statutory holidays are days off, and the make-up working weekends
(调休上班) that the State Council announces each year are working days.

>>> import pendulum
>>> from redcity.calendars import WorkCalendar, period_of
>>> cal = WorkCalendar.china()
>>> sept_30 = pendulum.datetime(2026, 9, 30, 10, tz="Asia/Shanghai")
>>> cal.add_working_days(sept_30, 1).isoformat()  # 国庆 + 中秋 off, 10-08 back
'2026-10-08T10:00:00+08:00'
>>> cal.is_working_day(pendulum.date(2026, 10, 10))  # a Saturday, 调休上班
True
>>> period_of(sept_30, "quarter").label
'2026-Q3'

Where the data comes from:
    The day-by-day arrangement is the ``holidays`` package's ``CN`` calendar,
    which transcribes each year's notice of the General Office of the State
    Council (国务院办公厅关于××年部分节假日安排的通知).  For a year whose notice
    is not out yet the package still *estimates* holidays from the lunar
    calendar, but it cannot know the 调休, so redcity does not trust it.

How a year is judged official:
    A year counts as official when the package's ``CN`` calendar lists at least
    one make-up working weekend day (``weekend_workdays``) in that year.  Only
    a transcribed notice produces those (every notice from 2001 on has had
    them), while an estimated year never has one.  This uses the package's
    public attributes only; the test suite cross-checks it against the
    package's table of notices.  With holidays 0.109 the official years are
    2001–2026.  A year is also *known* when the calendar's overrides touch it
    or declare it (:meth:`WorkCalendar.with_overrides`).

What happens in an unknown year:
    The calendar emits :class:`~redcity.errors.UnofficialCalendarWarning`
    (once per year per calendar) and falls back to Monday–Friday plus the
    overrides, rather than silently guessing holidays.

Time zones:
    Every datetime must be aware (naive ones raise
    :class:`~redcity.errors.NaiveDatetimeError`); dates and times of day are
    read in the calendar's zone, ``Asia/Shanghai`` by default.  Results are
    pendulum ``DateTime`` objects in that zone.  Internally everything runs on
    day ordinals and microseconds, with per-year sorted arrays of working-day
    ordinals so that :meth:`WorkCalendar.add_working_days` is a binary search.

References:
    《全国年节及纪念日放假办法》(国务院令第795号修订, 2025年1月1日起施行);
    国务院办公厅关于2026年部分节假日安排的通知 (and the notices of earlier years);
    《国务院关于职工工作时间的规定》(国务院令第174号): Saturday and Sunday are
    the weekly rest days.
"""

from __future__ import annotations

import enum
import functools
import math
import re
import sys
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any, TypeAlias, overload

import attrs
import pendulum

from redcity._names import parse_member
from redcity.errors import CalendarError, NaiveDatetimeError, UnofficialCalendarWarning

__all__ = [
    "DEFAULT_TZ",
    "DEFAULT_WORKING_HOURS",
    "Hours",
    "Period",
    "PeriodKind",
    "WorkCalendar",
    "period_of",
    "periods",
]

DEFAULT_TZ = "Asia/Shanghai"
"""The zone in which calendar dates, times of day and periods are read."""

DEFAULT_WORKING_HOURS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(14, 0), time(17, 30)),
)
"""08:30–12:00 and 14:00–17:30: common office hours of Chinese street and
community offices (local practice, so configurable), 7 hours a day."""

Hours: TypeAlias = int | Decimal | Fraction | float | timedelta
"""An amount of working time: a number of hours or a ``timedelta``."""

_US_PER_SECOND = 1_000_000
_US_PER_HOUR = 3600 * _US_PER_SECOND
_US_PER_DAY = 24 * _US_PER_HOUR
_TZ_EXAMPLE = "pendulum.datetime(2026, 9, 30, 10, tz='Asia/Shanghai')"


# --------------------------------------------------------------------------
# Small helpers shared by calendars and periods.


def _zone(name: str) -> tzinfo:
    try:
        return pendulum.timezone(name)
    except Exception as exc:  # pendulum raises several kinds for bad names
        msg = f"Expected an IANA time zone name such as 'Asia/Shanghai', got {name!r}."
        raise CalendarError(msg) from exc


def _check_tz(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str):
        msg = f"Expected a time zone name (str), got {value!r}."
        raise CalendarError(msg)
    _zone(value)


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        msg = (
            f"{what} must be a timezone-aware datetime, got the naive {value!r}; "
            f"attach a zone, e.g. {_TZ_EXAMPLE}."
        )
        raise NaiveDatetimeError(msg)


def _local(value: datetime, zone: tzinfo, what: str) -> datetime:
    _require_aware(value, what)
    return value.astimezone(zone)


def _local_date(value: date, zone: tzinfo, what: str) -> date:
    """The calendar date of a date, or of an aware datetime read in ``zone``."""
    if isinstance(value, datetime):
        return _local(value, zone, what).date()
    if isinstance(value, date):
        return value
    msg = f"{what} must be a date or an aware datetime, got {value!r}."
    raise TypeError(msg)


def _micros_of_day(value: datetime | time) -> int:
    return (
        (value.hour * 60 + value.minute) * 60 + value.second
    ) * _US_PER_SECOND + value.microsecond


def _make_datetime(ordinal: int, micros: int, zone: tzinfo) -> pendulum.DateTime:
    day = date.fromordinal(ordinal)
    seconds, microsecond = divmod(micros, _US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return pendulum.datetime(
        day.year,
        day.month,
        day.day,
        hour,
        minute,
        second,
        microsecond,
        tz=zone,
    )


def _hours_type_message(hours: object) -> str:
    kinds = "an int, Decimal, Fraction or float number of hours, or a timedelta"
    return f"Expected working time as {kinds}, got {hours!r}."


def _hours_to_micros(hours: Hours) -> int:
    """Working time as whole microseconds, rounded half to even."""
    if isinstance(hours, bool):
        raise TypeError(_hours_type_message(hours))
    if isinstance(hours, timedelta):
        micros = (hours.days * 86_400 + hours.seconds) * _US_PER_SECOND
        micros += hours.microseconds
    elif isinstance(hours, int):
        micros = hours * _US_PER_HOUR
    elif isinstance(hours, Decimal):
        if not hours.is_finite():
            msg = f"Expected a finite number of hours, got {hours!r}."
            raise CalendarError(msg)
        micros = int((hours * _US_PER_HOUR).to_integral_value(ROUND_HALF_EVEN))
    elif isinstance(hours, Fraction | float):
        if isinstance(hours, float) and not math.isfinite(hours):
            msg = f"Expected a finite number of hours, got {hours!r}."
            raise CalendarError(msg)
        micros = round(Fraction(hours) * _US_PER_HOUR)
    else:
        raise TypeError(_hours_type_message(hours))
    if micros < 0:
        msg = f"Expected a non-negative amount of working time, got {hours!r}."
        raise CalendarError(msg)
    return micros


def _warn_unofficial(message: str) -> None:
    """Warn, pointing at the first frame outside this module."""
    level = 1
    frame = sys._getframe(0)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, UnofficialCalendarWarning, stacklevel=level)


# --------------------------------------------------------------------------
# Periods.


class PeriodKind(enum.Enum):
    """The length of a reporting period: a month, a quarter or a year.

    >>> PeriodKind.parse("季度") is PeriodKind.QUARTER
    True
    >>> PeriodKind.MONTH.zh, PeriodKind.MONTH.months
    ('月', 1)
    """

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def months(self) -> int:
        """How many calendar months one period of this kind spans."""
        return _KIND_MONTHS[self]

    @property
    def zh(self) -> str:
        """The Chinese name (月, 季度, 年)."""
        return _KIND_ZH[self][0]

    @classmethod
    def parse(cls, value: PeriodKind | str) -> PeriodKind:
        """A kind from a PeriodKind or its English or Chinese name.

        Args:
            value: ``PeriodKind.YEAR``, ``"year"``, ``"YEAR"``, ``"年"`` or ``"年度"``.

        Raises:
            CalendarError: the value names no kind; the message lists the names.

        >>> PeriodKind.parse("Month"), PeriodKind.parse("季")
        (<PeriodKind.MONTH: 'month'>, <PeriodKind.QUARTER: 'quarter'>)
        """
        return parse_member(
            cls, value, what="a period kind", names=_kind_names, error=CalendarError
        )


_KIND_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
_KIND_ZH = {
    PeriodKind.MONTH: ("月", "月度"),
    PeriodKind.QUARTER: ("季度", "季"),
    PeriodKind.YEAR: ("年", "年度"),
}
_KIND_RANK = {PeriodKind.MONTH: 0, PeriodKind.QUARTER: 1, PeriodKind.YEAR: 2}


def _kind_names(kind: PeriodKind) -> tuple[str, ...]:
    return (_KIND_ZH[kind][0], kind.value, *_KIND_ZH[kind])


def _parse_kind(value: PeriodKind | str) -> PeriodKind:
    return PeriodKind.parse(value)


def _kind_rank(kind: PeriodKind) -> int:
    return _KIND_RANK[kind]


_LABEL = re.compile(r"(\d{4})(?:-(?:[Qq]([1-4])|(\d{2})))?")


def _check_year(_instance: object, _attribute: object, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 9998:
        msg = f"Expected a period year between 1 and 9998, got {value!r}."
        raise CalendarError(msg)


def _check_number(instance: Period, _attribute: object, value: int) -> None:
    count = 12 // instance.kind.months
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= count:
        msg = (
            f"Expected a {instance.kind.value} number between 1 and {count}, "
            f"got {value!r}."
        )
        raise CalendarError(msg)


@attrs.frozen(order=True)
class Period:
    """A month, quarter or year in a time zone: the half-open ``[start, end)``.

    Everything evaluated per period (cards, assessments, case rates) keys on
    a ``Period``.  Periods are hashable, order chronologically within a kind
    (months before quarters before years otherwise) and print as their label.

    Attributes:
        kind: Month, quarter or year (a :class:`PeriodKind` or its name).
        year: The calendar year, 1–9998.
        number: The month (1–12) or quarter (1–4) within the year; 1 for a year.
        tz: The zone whose local midnights bound the period.

    >>> q3 = Period.parse("2026-Q3")
    >>> q3.start.isoformat(), q3.end.isoformat()
    ('2026-07-01T00:00:00+08:00', '2026-10-01T00:00:00+08:00')
    >>> print(q3.next(), q3.previous(), Period("month", 2026, 7))
    2026-Q4 2026-Q2 2026-07
    """

    kind: PeriodKind = attrs.field(converter=_parse_kind, order=_kind_rank)
    year: int = attrs.field(validator=_check_year)
    number: int = attrs.field(default=1, validator=_check_number)
    tz: str = attrs.field(default=DEFAULT_TZ, validator=_check_tz)

    @classmethod
    def parse(cls, label: str, tz: str = DEFAULT_TZ) -> Period:
        """The period named by a label: ``"2026"``, ``"2026-Q3"`` or ``"2026-07"``.

        Args:
            label: A year, ``YYYY-Qn`` quarter or ``YYYY-MM`` month.
            tz: The zone of the period.

        Raises:
            CalendarError: the label is none of these forms.

        >>> Period.parse("2026-07")
        Period(kind=<PeriodKind.MONTH: 'month'>, year=2026, number=7,
               tz='Asia/Shanghai')
        >>> Period.parse("2026").end.isoformat()
        '2027-01-01T00:00:00+08:00'
        """
        match = _LABEL.fullmatch(label.strip()) if isinstance(label, str) else None
        if match is None:
            msg = (
                f"Expected a period label like '2026', '2026-Q3' or '2026-07', "
                f"got {label!r}."
            )
            raise CalendarError(msg)
        year, quarter, month = match.groups()
        if quarter is not None:
            return cls(PeriodKind.QUARTER, int(year), int(quarter), tz)
        if month is not None:
            return cls(PeriodKind.MONTH, int(year), int(month), tz)
        return cls(PeriodKind.YEAR, int(year), 1, tz)

    @property
    def label(self) -> str:
        """``"2026"``, ``"2026-Q3"`` or ``"2026-07"``.

        >>> Period("quarter", 2026, 3).label
        '2026-Q3'
        """
        if self.kind is PeriodKind.MONTH:
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"

    @property
    def first_month(self) -> int:
        """The period's first calendar month (1–12)."""
        return (self.number - 1) * self.kind.months + 1

    @property
    def start(self) -> pendulum.DateTime:
        """Local midnight starting the period (inclusive).

        >>> Period("month", 2026, 2).start.isoformat()
        '2026-02-01T00:00:00+08:00'
        """
        return pendulum.datetime(self.year, self.first_month, 1, tz=self.tz)

    @property
    def end(self) -> pendulum.DateTime:
        """Local midnight starting the next period (exclusive).

        >>> Period("month", 2026, 12).end.isoformat()
        '2027-01-01T00:00:00+08:00'
        """
        return self._shift(1).start

    def _shift(self, steps: int) -> Period:
        index = self.year * 12 + self.first_month - 1 + steps * self.kind.months
        year, month0 = divmod(index, 12)
        return Period(self.kind, year, month0 // self.kind.months + 1, self.tz)

    def next(self) -> Period:
        """The period right after this one, of the same kind.

        >>> print(Period.parse("2026-12").next())
        2027-01
        """
        return self._shift(1)

    def previous(self) -> Period:
        """The period right before this one, of the same kind.

        >>> print(Period.parse("2026-Q1").previous())
        2025-Q4
        """
        return self._shift(-1)

    def __contains__(self, moment: object) -> bool:
        """True when an aware datetime (or a date) falls in ``[start, end)``.

        >>> import pendulum
        >>> pendulum.datetime(2026, 9, 30, 16, 30, tz="UTC") in Period.parse("2026-Q4")
        True
        """
        if not isinstance(moment, date):
            return False
        return period_of(moment, self.kind, self.tz) == self

    def __str__(self) -> str:
        return self.label


def period_of(
    moment: date | datetime, kind: PeriodKind | str, tz: str = DEFAULT_TZ
) -> Period:
    """The period of the given kind that contains a moment, read in ``tz``.

    Args:
        moment: An aware datetime (read in ``tz``) or a calendar date.
        kind: Month, quarter or year, as a :class:`PeriodKind` or its name.
        tz: The zone of the period, ``Asia/Shanghai`` by default.

    Raises:
        NaiveDatetimeError: ``moment`` is a naive datetime.

    >>> import pendulum
    >>> late_june_utc = pendulum.datetime(2026, 6, 30, 16, 30, tz="UTC")
    >>> print(period_of(late_june_utc, "quarter"))  # 07-01 00:30 in Shanghai
    2026-Q3
    >>> print(period_of(late_june_utc, "month", tz="UTC"))
    2026-06
    """
    kind = PeriodKind.parse(kind)
    day = _local_date(moment, _zone(tz), "period_of()'s moment")
    return Period(kind, day.year, (day.month - 1) // kind.months + 1, tz)


def periods(
    start: date | datetime,
    end: date | datetime,
    kind: PeriodKind | str,
    tz: str = DEFAULT_TZ,
) -> Iterator[Period]:
    """Every period of a kind that overlaps the half-open range ``[start, end)``.

    Dates stand for their local midnight in ``tz``.  Nothing is yielded when
    ``end <= start``.

    Args:
        start: The first moment of the range (aware datetime or date).
        end: The moment right after the range (aware datetime or date).
        kind: Month, quarter or year.
        tz: The zone of the periods.

    Raises:
        NaiveDatetimeError: ``start`` or ``end`` is a naive datetime.

    >>> import pendulum
    >>> may_15, oct_1 = pendulum.date(2026, 5, 15), pendulum.date(2026, 10, 1)
    >>> [p.label for p in periods(may_15, oct_1, "quarter")]
    ['2026-Q2', '2026-Q3']
    """
    zone = _zone(tz)
    first, stop = _as_moment(start, zone, "start"), _as_moment(end, zone, "end")
    if stop <= first:
        return
    period = period_of(first, kind, tz)
    while period.start < stop:
        yield period
        period = period.next()


def _as_moment(value: date | datetime, zone: tzinfo, what: str) -> datetime:
    if isinstance(value, datetime):
        _require_aware(value, f"periods()'s {what}")
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    msg = f"periods()'s {what} must be a date or an aware datetime, got {value!r}."
    raise TypeError(msg)


# --------------------------------------------------------------------------
# The package's official arrangement, one year at a time.


@attrs.frozen
class _Arrangement:
    """What the holidays package says about one year."""

    official: bool
    days_off: frozenset[date]
    make_up: frozenset[date]


@functools.cache
def _china_year(year: int) -> _Arrangement:
    """The ``holidays`` CN data for one year (immutable, shared by calendars).

    Official when the package lists a make-up working weekend day in the year:
    only a transcribed State Council notice produces those.
    """
    import holidays  # on first use: ``import redcity`` stays light

    cn = holidays.country_holidays("CN", years=year)
    days_off = frozenset(day for day in cn if day.year == year)
    make_up = frozenset(day for day in cn.weekend_workdays if day.year == year)
    return _Arrangement(official=bool(make_up), days_off=days_off, make_up=make_up)


# --------------------------------------------------------------------------
# The calendar.


@attrs.frozen
class _Year:
    """Working days of one year: a flag per day and the sorted ordinals."""

    first: int
    flags: bytes
    ordinals: tuple[int, ...]


class _Cache:
    """Lazily built, private, per-calendar state; never part of equality."""

    __slots__ = ("override_years", "spans", "warned", "years", "zone")

    def __init__(self) -> None:
        self.years: dict[int, _Year] = {}
        self.zone: tzinfo | None = None
        self.spans: tuple[tuple[int, int], ...] | None = None
        self.override_years: frozenset[int] | None = None
        self.warned: set[int] = set()


def _dates(value: Iterable[date]) -> frozenset[date]:
    return frozenset(value)


def _years(value: Iterable[int]) -> frozenset[int]:
    return frozenset(value)


def _intervals(value: Iterable[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    return tuple((start, end) for start, end in value)


def _check_dates(_instance: object, attribute: Any, value: frozenset[date]) -> None:
    for day in value:
        if isinstance(day, datetime) or not isinstance(day, date):
            msg = f"Expected {attribute.name} to hold dates, got {day!r}."
            raise CalendarError(msg)


def _check_disjoint(instance: WorkCalendar, _attribute: object, _value: object) -> None:
    both = instance.holidays & instance.workdays
    if both:
        listed = ", ".join(sorted(day.isoformat() for day in both))
        msg = f"A day cannot be both a holiday and a workday; got both for {listed}."
        raise CalendarError(msg)


def _check_known_years(
    _instance: object, _attribute: object, value: frozenset[int]
) -> None:
    for year in value:
        if not isinstance(year, int) or isinstance(year, bool):
            msg = f"Expected known_years to hold int years, got {year!r}."
            raise CalendarError(msg)


def _check_hours(
    _instance: object, _attribute: object, value: tuple[tuple[time, time], ...]
) -> None:
    if not value:
        msg = "Expected at least one (start, end) working-hours interval, got none."
        raise CalendarError(msg)
    previous_end: time | None = None
    for interval in value:
        start, end = interval
        if not (isinstance(start, time) and isinstance(end, time)):
            msg = f"Expected working hours as (time, time) pairs, got {interval!r}."
            raise CalendarError(msg)
        if start.tzinfo is not None or end.tzinfo is not None:
            msg = (
                f"Working hours are local wall-clock times without a zone, "
                f"got {interval!r}; the calendar's tz says which zone."
            )
            raise CalendarError(msg)
        if not start < end:
            msg = (
                f"Expected each working-hours interval to have start < end, "
                f"got {interval!r}."
            )
            raise CalendarError(msg)
        if previous_end is not None and start < previous_end:
            msg = (
                f"Expected working-hours intervals in order and not overlapping, "
                f"got {interval!r} after one ending at {previous_end!r}."
            )
            raise CalendarError(msg)
        previous_end = end


@attrs.frozen(kw_only=True)
class WorkCalendar:
    """China's working days and working hours, with user overrides.

    Immutable and hashable; equal calendars answer alike.  Build one with
    :meth:`china` and derive others with :meth:`with_overrides` or
    ``attrs.evolve``.  Lookup tables are private, built lazily, per calendar.

    A day is a working day when, in order of precedence: it is in
    ``workdays`` (working) or ``holidays`` (off); else, in a year with
    official data, the State Council arrangement says so (weekdays work
    except holidays and their 调休 days off; make-up weekends work); else it
    is Monday to Friday.

    Attributes:
        tz: Zone whose dates and times of day the calendar reads.
        working_hours: Daily working intervals ``(start, end)``, local times,
            in order, not overlapping.  Default 08:30–12:00, 14:00–17:30.
        holidays: Extra days off, overriding everything else.
        workdays: Extra working days, overriding everything else.
        known_years: Years declared known although the package lacks them.

    References:
        《全国年节及纪念日放假办法》; 国务院办公厅关于2026年部分节假日安排的通知;
        《国务院关于职工工作时间的规定》(国务院令第174号) for the Monday–Friday week.

    >>> from datetime import date
    >>> cal = WorkCalendar.china()
    >>> cal.is_working_day(date(2026, 9, 20)), cal.is_working_day(date(2026, 10, 5))
    (True, False)
    >>> cal == WorkCalendar.china() and hash(cal) == hash(WorkCalendar.china())
    True
    """

    tz: str = attrs.field(default=DEFAULT_TZ, validator=_check_tz)
    working_hours: tuple[tuple[time, time], ...] = attrs.field(
        default=DEFAULT_WORKING_HOURS, converter=_intervals, validator=_check_hours
    )
    holidays: frozenset[date] = attrs.field(
        factory=frozenset, converter=_dates, validator=_check_dates
    )
    workdays: frozenset[date] = attrs.field(
        factory=frozenset,
        converter=_dates,
        validator=[_check_dates, _check_disjoint],
    )
    known_years: frozenset[int] = attrs.field(
        factory=frozenset, converter=_years, validator=_check_known_years
    )
    _cache: _Cache = attrs.field(init=False, factory=_Cache, eq=False, repr=False)

    # ---------------------------------------------------------------- build

    @classmethod
    def china(
        cls,
        *,
        tz: str = DEFAULT_TZ,
        working_hours: Iterable[tuple[time, time]] = DEFAULT_WORKING_HOURS,
    ) -> WorkCalendar:
        """The official calendar of mainland China (the ``holidays`` CN data).

        Args:
            tz: Zone of dates and times of day, ``Asia/Shanghai`` by default.
            working_hours: Daily working intervals as ``(start, end)`` times.

        References:
            国务院办公厅关于2026年部分节假日安排的通知 (and earlier years'),
            as transcribed by the ``holidays`` package.

        >>> from datetime import time
        >>> cal = WorkCalendar.china(working_hours=[(time(9), time(17))])
        >>> cal.working_hours_per_day
        datetime.timedelta(seconds=28800)
        """
        return cls(tz=tz, working_hours=_intervals(working_hours))

    def with_overrides(
        self,
        *,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        known_years: Iterable[int] = (),
    ) -> WorkCalendar:
        """A new calendar with days and years overridden; this one is unchanged.

        New overrides win over older ones (a day moved from ``workdays`` to
        ``holidays`` leaves the former).  Every year touched by an override,
        and every year in ``known_years``, counts as known: it no longer
        warns.  In a year the package has no official data for, the base is
        Monday–Friday, so list all of that year's days off and make-up days.

        Args:
            holidays: Days off, even on weekdays.
            workdays: Working days, even on weekends.
            known_years: Years to declare known without changing any day.

        Raises:
            CalendarError: the same day is given as both holiday and workday.

        >>> from datetime import date
        >>> cal = WorkCalendar.china().with_overrides(
        ...     holidays={date(2031, 1, 1)}, workdays={date(2031, 1, 4)}
        ... )
        >>> cal.is_known_year(2031), cal.is_working_day(date(2031, 1, 4))
        (True, True)
        """
        extra_off, extra_on = frozenset(holidays), frozenset(workdays)
        if extra_off & extra_on:
            listed = ", ".join(sorted(day.isoformat() for day in extra_off & extra_on))
            msg = (
                f"A day cannot be both a holiday and a workday; got both for {listed}."
            )
            raise CalendarError(msg)
        return attrs.evolve(
            self,
            holidays=(self.holidays - extra_on) | extra_off,
            workdays=(self.workdays - extra_off) | extra_on,
            known_years=self.known_years | frozenset(known_years),
        )

    # ----------------------------------------------------------- properties

    @property
    def working_hours_per_day(self) -> timedelta:
        """Total working time in one working day.

        >>> WorkCalendar.china().working_hours_per_day
        datetime.timedelta(seconds=25200)
        """
        return timedelta(microseconds=sum(e - s for s, e in self._spans()))

    def is_official_year(self, year: int) -> bool:
        """True when the ``holidays`` package holds the year's official arrangement.

        >>> cal = WorkCalendar.china()
        >>> cal.is_official_year(2026), cal.is_official_year(2035)
        (True, False)
        """
        return _china_year(year).official

    def is_known_year(self, year: int) -> bool:
        """True when the year is official, overridden or declared known.

        Computations in a year that is not known warn
        :class:`~redcity.errors.UnofficialCalendarWarning`.

        >>> cal = WorkCalendar.china()
        >>> declared = cal.with_overrides(known_years=[2035])
        >>> cal.is_known_year(2035), declared.is_known_year(2035)
        (False, True)
        """
        return (
            year in self.known_years
            or year in self._override_years()
            or self.is_official_year(year)
        )

    # ---------------------------------------------------------- working days

    def is_working_day(self, day: date | datetime) -> bool:
        """True when the day is a working day, make-up weekends (调休) included.

        Args:
            day: A date, or an aware datetime whose local date is meant.

        Raises:
            NaiveDatetimeError: ``day`` is a naive datetime.

        References:
            国务院办公厅关于2026年部分节假日安排的通知: 2026-02-14 and
            2026-02-28 (Saturdays) are worked, 2026-02-15 to 02-23 are off.

        >>> from datetime import date
        >>> cal = WorkCalendar.china()
        >>> [cal.is_working_day(date(2026, 2, d)) for d in (13, 14, 16, 23, 24, 28)]
        [True, True, False, False, True, True]
        """
        ordinal = _local_date(day, self._zone(), "is_working_day()'s day").toordinal()
        return self._is_working_ordinal(ordinal)

    @overload
    def add_working_days(self, start: datetime, n: int) -> pendulum.DateTime: ...

    @overload
    def add_working_days(self, start: date, n: int) -> pendulum.Date: ...

    def add_working_days(
        self, start: date | datetime, n: int
    ) -> pendulum.DateTime | pendulum.Date:
        """The same local time on the ``n``-th working day after ``start``'s date.

        Make-up working weekends (调休) count as working days; holidays and
        ordinary weekends do not.  ``start``'s own date never counts, whether
        or not it is a working day.  Datetimes come back in the calendar's
        zone; dates come back as pendulum dates.  O(log n) per call.

        Args:
            start: An aware datetime or a date.
            n: How many working days to move forward, at least 1.

        Raises:
            CalendarError: ``n < 1``, or the result is past the year 9999.
            NaiveDatetimeError: ``start`` is a naive datetime.

        References:
            国务院办公厅关于2026年部分节假日安排的通知: 国庆节、中秋节
            10月1日至7日放假调休, 9月20日（周日）、10月10日（周六）上班.

        >>> import pendulum
        >>> cal = WorkCalendar.china()
        >>> start = pendulum.datetime(2026, 9, 30, 10, tz="Asia/Shanghai")
        >>> cal.add_working_days(start, 1)
        DateTime(2026, 10, 8, 10, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
        >>> cal.add_working_days(pendulum.date(2026, 10, 8), 2)  # Sat 10-10 is worked
        Date(2026, 10, 10)
        """
        if isinstance(n, bool) or not isinstance(n, int):
            msg = f"Expected n as an int number of working days, got {n!r}."
            raise TypeError(msg)
        if n < 1:
            msg = (
                f"Expected n >= 1 working days, got {n!r}; the start day never counts."
            )
            raise CalendarError(msg)
        if isinstance(start, datetime):
            local = _local(start, self._zone(), "add_working_days()'s start")
            target = self._nth_working_after(local.toordinal(), n)
            return _make_datetime(target, _micros_of_day(local), self._zone())
        target = self._nth_working_after(
            _local_date(start, self._zone(), "add_working_days()'s start").toordinal(),
            n,
        )
        day = date.fromordinal(target)
        return pendulum.date(day.year, day.month, day.day)

    def working_days_between(self, start: date | datetime, end: date | datetime) -> int:
        """How many working days lie after ``start``'s date up to ``end``'s date.

        Counts the days in ``(start, end]``, so it inverts
        :meth:`add_working_days`: ``working_days_between(d, add_working_days(d, n))
        == n``.  Negative when ``end`` comes before ``start``.

        Args:
            start: A date or aware datetime (its local date is used).
            end: A date or aware datetime (its local date is used).

        Raises:
            NaiveDatetimeError: a naive datetime was given.

        >>> from datetime import date
        >>> cal = WorkCalendar.china()
        >>> cal.working_days_between(date(2026, 9, 30), date(2026, 10, 10))  # 8, 9, 10
        3
        """
        zone = self._zone()
        a = _local_date(start, zone, "working_days_between()'s start").toordinal()
        b = _local_date(end, zone, "working_days_between()'s end").toordinal()
        return self._count(a, b) if a <= b else -self._count(b, a)

    def working_days_in(self, period: Period) -> int:
        """How many working days have their date in the period.

        >>> WorkCalendar.china().working_days_in(Period.parse("2026-10"))
        18
        """
        first = date(period.year, period.first_month, 1).toordinal()
        last = period.next()
        stop = date(last.year, last.first_month, 1).toordinal()
        return self._count(first - 1, stop - 1)

    def period_of(self, moment: date | datetime, kind: PeriodKind | str) -> Period:
        """The period of a kind containing ``moment``, in the calendar's zone.

        >>> import pendulum
        >>> late_june_utc = pendulum.datetime(2026, 6, 30, 16, 30)
        >>> WorkCalendar.china().period_of(late_june_utc, "quarter").label
        '2026-Q3'
        """
        return period_of(moment, kind, self.tz)

    # --------------------------------------------------------- working hours

    def is_working_time(self, moment: datetime) -> bool:
        """True when ``moment`` falls in working hours of a working day.

        Intervals are half-open: 08:30 is working time, 12:00 is not.

        Raises:
            NaiveDatetimeError: ``moment`` is naive.

        >>> import pendulum
        >>> cal = WorkCalendar.china()
        >>> t = pendulum.datetime(2026, 10, 9, 11, 59, tz="Asia/Shanghai")
        >>> cal.is_working_time(t), cal.is_working_time(t.add(minutes=1))
        (True, False)
        """
        local = _local(moment, self._zone(), "is_working_time()'s moment")
        if not self._is_working_ordinal(local.toordinal()):
            return False
        micros = _micros_of_day(local)
        return any(s <= micros < e for s, e in self._spans())

    def next_working_time(self, moment: datetime) -> pendulum.DateTime:
        """``moment`` itself if it is working time, else the next working moment.

        Raises:
            NaiveDatetimeError: ``moment`` is naive.

        >>> import pendulum
        >>> cal = WorkCalendar.china()
        >>> evening = pendulum.datetime(2026, 9, 30, 18, tz="Asia/Shanghai")
        >>> cal.next_working_time(evening)
        DateTime(2026, 10, 8, 8, 30, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        local = _local(moment, self._zone(), "next_working_time()'s moment")
        ordinal, micros = self._clamp(local.toordinal(), _micros_of_day(local))
        return _make_datetime(ordinal, micros, self._zone())

    def add_working_hours(self, start: datetime, hours: Hours) -> pendulum.DateTime:
        """The moment when ``hours`` of working time have passed since ``start``.

        The clock runs only inside working hours of working days; if ``start``
        is outside them it starts at the next working moment.  A result that
        ends exactly at the close of an interval is that close (12:00, not
        14:00).  Exact to the microsecond: numbers of hours are rounded half to
        even to whole microseconds.

        Args:
            start: An aware datetime.
            hours: Hours as an ``int``, ``Decimal``, ``Fraction`` or ``float``,
                or a ``timedelta``; not negative.

        Raises:
            CalendarError: ``hours`` is negative or not finite.
            NaiveDatetimeError: ``start`` is naive.

        >>> import pendulum
        >>> from decimal import Decimal
        >>> cal = WorkCalendar.china()
        >>> friday = pendulum.datetime(2026, 10, 9, 11, tz="Asia/Shanghai")
        >>> print(cal.add_working_hours(friday, 2))  # lunch, then Saturday 调休
        2026-10-09 15:00:00+08:00
        >>> print(cal.add_working_hours(friday, Decimal("6.5")))
        2026-10-10 10:30:00+08:00
        """
        total = _hours_to_micros(hours)
        local = _local(start, self._zone(), "add_working_hours()'s start")
        ordinal, micros = self._clamp(local.toordinal(), _micros_of_day(local))
        spans = self._spans()
        for s, e in spans:
            if micros >= e:
                continue
            micros = max(micros, s)
            if total <= e - micros:
                return _make_datetime(ordinal, micros + total, self._zone())
            total -= e - micros
            micros = e
        per_day = sum(e - s for s, e in spans)
        full_days = (total - 1) // per_day  # leave 1..per_day for the last day
        total -= full_days * per_day
        ordinal = self._nth_working_after(ordinal, full_days + 1)
        for s, e in spans:
            if total <= e - s:
                return _make_datetime(ordinal, s + total, self._zone())
            total -= e - s
        raise AssertionError("unreachable: the remainder fits in one working day")

    def working_hours_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time elapsed from ``start`` to ``end`` (negative if reversed).

        Inverts :meth:`add_working_hours`:
        ``working_hours_between(t, add_working_hours(t, h)) == h``.  Divide by
        ``timedelta(hours=1)`` for a number of hours.

        Raises:
            NaiveDatetimeError: ``start`` or ``end`` is naive.

        >>> import pendulum
        >>> cal = WorkCalendar.china()
        >>> opened = pendulum.datetime(2026, 9, 30, 16, tz="Asia/Shanghai")
        >>> closed = pendulum.datetime(2026, 10, 8, 9, 30, tz="Asia/Shanghai")
        >>> cal.working_hours_between(opened, closed) / pendulum.duration(hours=1)
        2.5
        """
        _require_aware(start, "working_hours_between()'s start")
        _require_aware(end, "working_hours_between()'s end")
        if end < start:
            return -self.working_hours_between(end, start)
        zone = self._zone()
        first, last = start.astimezone(zone), end.astimezone(zone)
        a, b = first.toordinal(), last.toordinal()
        if a == b:
            micros = self._worked(a, _micros_of_day(first), _micros_of_day(last))
        else:
            per_day = sum(e - s for s, e in self._spans())
            micros = (
                self._worked(a, _micros_of_day(first), _US_PER_DAY)
                + per_day * self._count(a, b - 1)
                + self._worked(b, 0, _micros_of_day(last))
            )
        return timedelta(microseconds=micros)

    # -------------------------------------------------------------- private

    def _zone(self) -> tzinfo:
        zone = self._cache.zone
        if zone is None:
            zone = self._cache.zone = _zone(self.tz)
        return zone

    def _spans(self) -> tuple[tuple[int, int], ...]:
        spans = self._cache.spans
        if spans is None:
            spans = self._cache.spans = tuple(
                (_micros_of_day(s), _micros_of_day(e)) for s, e in self.working_hours
            )
        return spans

    def _override_years(self) -> frozenset[int]:
        years = self._cache.override_years
        if years is None:
            years = self._cache.override_years = frozenset(
                day.year for day in self.holidays | self.workdays
            )
        return years

    def _year(self, year: int) -> _Year:
        found = self._cache.years.get(year)
        if found is not None:
            return found
        if not MINYEAR <= year <= MAXYEAR:
            msg = f"The calendar covers the years {MINYEAR}–{MAXYEAR}, got {year!r}."
            raise CalendarError(msg)
        if not self.is_known_year(year) and year not in self._cache.warned:
            self._cache.warned.add(year)
            _warn_unofficial(
                f"No official working-day arrangement for {year}: the holidays "
                f"package has no State Council notice for it, so the calendar "
                f"falls back to Monday–Friday plus your overrides. Once the "
                f"notice is out, add its days with "
                f"cal.with_overrides(holidays=..., workdays=...), or declare "
                f"the year with cal.with_overrides(known_years={{{year}}})."
            )
        built = self._cache.years[year] = self._build_year(year)
        return built

    def _build_year(self, year: int) -> _Year:
        arrangement = _china_year(year)
        first = date(year, 1, 1).toordinal()
        stop = date(year + 1, 1, 1).toordinal() if year < MAXYEAR else first + 365
        flags = bytearray(stop - first)
        for offset in range(stop - first):
            day = date.fromordinal(first + offset)
            if day in self.workdays:
                working = True
            elif day in self.holidays:
                working = False
            elif arrangement.official:
                # 全国年节及纪念日放假办法 + that year's State Council notice:
                # weekdays work unless a holiday or a 调休 day off; weekends
                # rest unless the notice makes them make-up working days.
                working = (
                    day in arrangement.make_up
                    if day.weekday() >= 5
                    else day not in arrangement.days_off
                )
            else:
                # No notice: 国务院关于职工工作时间的规定 第七条, Saturday and
                # Sunday are the weekly rest days.
                working = day.weekday() < 5
            flags[offset] = working
        ordinals = tuple(first + i for i, flag in enumerate(flags) if flag)
        return _Year(first=first, flags=bytes(flags), ordinals=ordinals)

    def _is_working_ordinal(self, ordinal: int) -> bool:
        year = self._year(date.fromordinal(ordinal).year)
        return bool(year.flags[ordinal - year.first])

    def _nth_working_after(self, ordinal: int, n: int) -> int:
        """Ordinal of the n-th working day strictly after ``ordinal`` (n >= 1)."""
        year_number = date.fromordinal(ordinal).year
        year = self._year(year_number)
        index = bisect_right(year.ordinals, ordinal)
        while True:
            remaining = len(year.ordinals) - index
            if n <= remaining:
                return year.ordinals[index + n - 1]
            n -= remaining
            year_number += 1
            if year_number > MAXYEAR:
                msg = "The result lies after the year 9999; use a smaller n."
                raise CalendarError(msg)
            year, index = self._year(year_number), 0

    def _count(self, a: int, b: int) -> int:
        """Working days in the ordinals ``(a, b]``, for ``a <= b``."""
        year_a, year_b = date.fromordinal(a).year, date.fromordinal(b).year
        first = self._year(year_a)
        if year_a == year_b:
            return bisect_right(first.ordinals, b) - bisect_right(first.ordinals, a)
        total = len(first.ordinals) - bisect_right(first.ordinals, a)
        for year_number in range(year_a + 1, year_b):
            total += len(self._year(year_number).ordinals)
        return total + bisect_right(self._year(year_b).ordinals, b)

    def _clamp(self, ordinal: int, micros: int) -> tuple[int, int]:
        """The first working moment at or after (ordinal, micros)."""
        spans = self._spans()
        if self._is_working_ordinal(ordinal):
            for s, e in spans:
                if micros < e:
                    return ordinal, max(micros, s)
        return self._nth_working_after(ordinal, 1), spans[0][0]

    def _worked(self, ordinal: int, begin: int, end: int) -> int:
        """Working microseconds of one day between two times of day."""
        if not self._is_working_ordinal(ordinal):
            return 0
        return sum(max(0, min(e, end) - max(s, begin)) for s, e in self._spans())
