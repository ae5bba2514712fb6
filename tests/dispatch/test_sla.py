"""Working-time SLAs: examples on the real 2026 calendar and properties."""

from __future__ import annotations

import enum
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from redcity.calendars import WorkCalendar
from redcity.dispatch.sla import (
    DEFAULT_LIMITS,
    Clock,
    Limit,
    SlaTable,
    Unit,
    deadline,
    deadlines,
    is_overdue,
    normalize_severity,
    remaining,
)
from redcity.errors import CalendarError, NaiveDatetimeError, ValidationError

CAL = WorkCalendar.china()
TZ = "Asia/Shanghai"
CST = timezone(timedelta(hours=8))


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=TZ)


# -- examples on 2026's official arrangement ----------------------------------


def test_national_day_2026_working_days() -> None:
    # 10-01..10-07 off, Sat 10-10 worked (国务院办公厅 2026 notice).
    start = at(2026, 9, 30, 10)
    assert at(2026, 10, 8, 17, 30) == deadline(CAL, "1 working days", start)
    assert at(2026, 10, 10, 17, 30) == deadline(CAL, Limit.days(3), start)
    assert at(2026, 10, 12, 17, 30) == deadline(CAL, Limit.days(4), start)


def test_make_up_sunday_before_national_day_counts() -> None:
    # Sun 09-20 is a make-up working day: a Saturday ticket is due that day.
    assert at(2026, 9, 20, 17, 30) == deadline(CAL, "1d", at(2026, 9, 19, 9))


def test_spring_festival_2026() -> None:
    # 02-15..02-23 off; Sat 02-14 and Sat 02-28 worked.
    start = at(2026, 2, 13, 16)
    assert at(2026, 2, 14, 17, 30) == deadline(CAL, "1d", start)
    assert at(2026, 2, 24, 17, 30) == deadline(CAL, "2d", start)
    assert at(2026, 2, 28, 17, 30) == deadline(CAL, "6d", start)
    # 4 working hours from Friday 16:00: 1.5 h Friday, 2.5 h on Saturday 02-14.
    assert at(2026, 2, 14, 11) == deadline(CAL, "4h", start)


def test_working_hours_over_lunch_and_holiday() -> None:
    assert at(2026, 9, 30, 15) == deadline(CAL, "2h", at(2026, 9, 30, 11))
    assert at(2026, 10, 8, 9, 30) == deadline(CAL, "2.5h", at(2026, 9, 30, 16))
    assert at(2026, 9, 30, 12) == deadline(CAL, "1h", at(2026, 9, 30, 11))


def test_pause_moves_the_deadline_by_paused_working_time() -> None:
    start = at(2026, 9, 28, 9)  # Monday; 2 working days -> Wed 09-30 17:30
    assert at(2026, 9, 30, 17, 30) == deadline(CAL, "2d", start)
    # Paused Tue 14:00 to Fri 10-09 08:30: 3.5 h Tue + 7 h Wed + 7 h Thu 10-08
    # (国庆 off) = 17.5 h, added after Wed 17:30: 10-08, 10-09, and 3.5 h of
    # the make-up Saturday 10-10.
    paused = [(at(2026, 9, 29, 14), at(2026, 10, 9, 8, 30))]
    assert at(2026, 10, 10, 12) == deadline(CAL, "2d", start, paused)


def test_pause_on_the_start_date_does_not_count_for_working_days() -> None:
    start = at(2026, 9, 28, 9)
    paused = [(at(2026, 9, 28, 9), at(2026, 9, 28, 17))]
    assert deadline(CAL, "2d", start) == deadline(CAL, "2d", start, paused)
    # … but it does for a working-hours clock, which runs from the start.
    # 2 h + 6 h paused from Mon 09:00: 6.5 h on Monday, 1.5 h on Tuesday.
    assert at(2026, 9, 29, 10) == deadline(CAL, "2h", start, paused)


def test_pause_after_the_deadline_changes_nothing() -> None:
    start = at(2026, 9, 28, 9)
    paused = [(at(2026, 10, 12, 9), at(2026, 10, 13, 9))]
    assert deadline(CAL, "2d", start) == deadline(CAL, "2d", start, paused)


def test_overlapping_and_unsorted_pauses_merge() -> None:
    start = at(2026, 9, 28, 9)
    one = [(at(2026, 9, 28, 10), at(2026, 9, 28, 12))]
    many = [
        (at(2026, 9, 28, 11), at(2026, 9, 28, 12)),
        (at(2026, 9, 28, 10), at(2026, 9, 28, 11, 30)),
    ]
    assert deadline(CAL, "3h", start, one) == deadline(CAL, "3h", start, many)


def test_overdue_and_remaining_at_an_instant() -> None:
    start = at(2026, 10, 9, 9)  # 2 h -> 11:00
    assert not is_overdue(CAL, "2h", start, at(2026, 10, 9, 11))
    assert is_overdue(CAL, "2h", start, at(2026, 10, 9, 11, 0, 1))
    assert timedelta(hours=1) == remaining(CAL, "2h", start, at(2026, 10, 9, 10))
    assert timedelta(hours=-1) == remaining(CAL, "2h", start, at(2026, 10, 9, 12))
    # A pause running now freezes the clock: never overdue while waiting.
    waiting = [(at(2026, 10, 9, 10), None)]
    later = at(2026, 10, 12, 16)
    assert not is_overdue(CAL, "2h", start, later, waiting)
    assert timedelta(hours=1) == remaining(CAL, "2h", start, later, waiting)
    # The same pause, ended: the remaining hour runs after it.
    ended = [(at(2026, 10, 9, 10), at(2026, 10, 10, 9, 30))]  # Sat 10-10 worked
    assert not is_overdue(CAL, "2h", start, at(2026, 10, 10, 10, 30), ended)
    assert is_overdue(CAL, "2h", start, at(2026, 10, 10, 10, 31), ended)


def test_open_pause_needs_an_instant() -> None:
    with pytest.raises(CalendarError, match="still running"):
        deadline(CAL, "2h", at(2026, 10, 9, 9), [(at(2026, 10, 9, 10), None)])


def test_bad_pause_refused() -> None:
    with pytest.raises(CalendarError, match="end after"):
        deadline(
            CAL, "2h", at(2026, 10, 9, 9), [(at(2026, 10, 9, 10), at(2026, 10, 9, 9))]
        )


def test_naive_datetimes_refused() -> None:
    naive = datetime(2026, 10, 9, 9)
    with pytest.raises(NaiveDatetimeError):
        deadline(CAL, "2h", naive)
    with pytest.raises(NaiveDatetimeError):
        is_overdue(CAL, "2h", at(2026, 10, 9, 9), naive)
    with pytest.raises(NaiveDatetimeError):
        deadline(CAL, "2h", at(2026, 10, 9, 9), [(naive, naive)])
    with pytest.raises(NaiveDatetimeError):
        deadlines(CAL, [Limit.days(1)], [naive])


def test_other_zones_are_read_in_the_calendar_zone() -> None:
    utc = pendulum.datetime(2026, 9, 30, 16, 30, tz="UTC")  # 10-01 00:30 in Shanghai
    assert at(2026, 10, 9, 17, 30) == deadline(CAL, "2d", utc)


# -- limits and the table --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", Limit(7, Unit.WORKING_DAYS)),
        ("7 working days", Limit(7, Unit.WORKING_DAYS)),
        ("7个工作日", Limit(7, Unit.WORKING_DAYS)),
        ("24h", Limit(24, Unit.WORKING_HOURS)),
        ("1.5 working hours", Limit(Decimal("1.5"), Unit.WORKING_HOURS)),
        ("4 工作小时", Limit(4, Unit.WORKING_HOURS)),
        ({"working_days": 3}, Limit(3, Unit.WORKING_DAYS)),
    ],
)
def test_limit_parse(text: object, expected: Limit) -> None:
    assert expected == Limit.parse(text)  # type: ignore[arg-type]
    assert expected == Limit.parse(str(expected))


@pytest.mark.parametrize("bad", ["0d", "-1h", "1.5d", "7 weeks", "", {"days": 1}, 7])
def test_limit_parse_refuses(bad: object) -> None:
    with pytest.raises(ValueError, match="Expected"):
        Limit.parse(bad)  # type: ignore[arg-type]


def test_severity_names_and_enums() -> None:
    class Severity(enum.Enum):
        SMALL = "small"
        URGENT = "urgent"

    assert "small" == normalize_severity(Severity.SMALL)
    assert "big" == normalize_severity("大事")
    assert "urgent" == normalize_severity(" Urgent ")
    with pytest.raises(ValueError, match="severity"):
        normalize_severity("huge")


def test_default_table_limits() -> None:
    table = SlaTable.default()
    assert Limit.days(7) == table.limit("env.garbage", "small")
    assert Limit.days(15) == table.limit("env.garbage", "big")
    assert Limit.hours(2) == table.limit("env.garbage", "urgent", Clock.RESPOND)
    assert Limit.hours(7) == table.limit("env.garbage", "big", "响应")
    assert set(DEFAULT_LIMITS) == {"*", "big", "urgent"}


def test_table_lookup_order() -> None:
    table = SlaTable.from_dict(
        {
            "default": {"resolve": "5d"},
            "severity": {"big": {"resolve": "10d"}},
            "category": {
                "A": {"*": {"resolve": "3d"}, "big": {"respond": "1h"}},
                "B": {"urgent": {"resolve": "4h"}},
            },
        }
    )
    assert Limit.days(3) == table.limit("A", "big")  # (A, *) beats (*, big)
    assert Limit.hours(1) == table.limit("A", "big", "respond")
    assert Limit.days(3) == table.limit("A", "small")
    assert Limit.days(10) == table.limit("C", "big")
    assert Limit.days(5) == table.limit("C", "small")
    assert Limit.hours(4) == table.limit("B", "urgent")
    assert Limit.days(5) == table.limit("B", "small")
    assert Limit.hours(2) == table.limit("C", "urgent", "respond")  # built-in default
    assert table == SlaTable.from_dict(table.to_dict())


def test_table_from_toml_round_trip() -> None:
    table = SlaTable.from_toml(
        """
        [default]
        respond = "1d"
        [category."env.garbage".small]
        resolve = { working_days = 2 }
        """
    )
    assert Limit.days(2) == table.limit("env.garbage", "小事")
    assert Limit.days(1) == table.limit("x", "big", "respond")


def test_table_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as info:
        SlaTable.from_dict(
            {
                "default": {"resolve": "soon", "answer": "1d"},
                "severity": {"huge": {"resolve": "1d"}, "big": "7d"},
                "category": {"A": {"small": {"respond": "0h"}}, "B": 3},
                "extra": {},
            }
        )
    fields = {(p.id, p.field) for p in info.value.problems}
    assert {
        ("extra", ""),
        ("default", "resolve"),
        ("default", "answer"),
        ("severity.huge", ""),
        ("severity.big", ""),
        ("category.A.small", "respond"),
        ("category.B", ""),
    } == fields


def test_table_from_toml_bad_text() -> None:
    with pytest.raises(ValidationError):
        SlaTable.from_toml("[default\n")


def test_table_deadlines_bulk_matches_one_by_one() -> None:
    table = SlaTable.default()
    starts = [at(2026, 9, 30, 10), at(2026, 9, 30, 23), at(2026, 2, 13, 9)] * 2
    cats = ["a", "b", "c", "a", "b", "c"]
    sevs = ["small", "big", "urgent", "urgent", "small", "big"]
    for clock in Clock:
        bulk = table.deadlines(CAL, cats, sevs, starts, clock=clock)
        one = [
            table.deadline(CAL, c, s, t, clock=clock)
            for c, s, t in zip(cats, sevs, starts, strict=True)
        ]
        assert one == bulk
    with pytest.raises(ValueError, match="aligned"):
        table.deadlines(CAL, cats, sevs, starts[:2])


# -- properties ------------------------------------------------------------------

# 2025–2026 are official years; deadlines may run into 2027, declared known
# (Monday–Friday) so that no UnofficialCalendarWarning is raised.
PCAL = WorkCalendar.china().with_overrides(known_years={2027})
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 11, 30)
).map(lambda d: d.replace(tzinfo=CST))
day_limits = st.integers(1, 30).map(Limit.days)
hour_limits = st.one_of(
    st.integers(1, 60).map(Limit.hours),
    st.decimals("0.25", "40", places=2).map(Limit.hours),
)
limits = st.one_of(day_limits, hour_limits)


def _pauses(start: datetime) -> st.SearchStrategy[list[tuple[datetime, datetime]]]:
    pair = st.tuples(
        st.timedeltas(timedelta(0), timedelta(days=20)),
        st.timedeltas(timedelta(0), timedelta(days=5)),
    ).map(lambda p: (start + p[0], start + p[0] + p[1]))
    return st.lists(pair, max_size=4)


@given(limits, moments, moments)
def test_deadline_monotone_in_start(limit: Limit, a: datetime, b: datetime) -> None:
    a, b = min(a, b), max(a, b)
    assert deadline(PCAL, limit, a) <= deadline(PCAL, limit, b)


@given(limits, moments, st.data())
def test_deadline_monotone_in_start_with_later_pauses(
    limit: Limit, a: datetime, data: st.DataObject
) -> None:
    b = a + data.draw(st.timedeltas(timedelta(0), timedelta(days=3)))
    pauses = data.draw(_pauses(b + timedelta(days=1)))
    assert deadline(PCAL, limit, a, pauses) <= deadline(PCAL, limit, b, pauses)


@given(day_limits, moments, st.data())
def test_day_deadlines_on_working_days_at_close(
    limit: Limit, start: datetime, data: st.DataObject
) -> None:
    pauses = data.draw(_pauses(start))
    due = deadline(PCAL, limit, start, pauses)
    assert PCAL.is_working_day(due)
    if not pauses:
        assert time(17, 30) == due.time()
        assert limit.amount == PCAL.working_days_between(start, due)


@given(hour_limits, moments, st.data())
def test_hour_deadlines_within_working_hours(
    limit: Limit, start: datetime, data: st.DataObject
) -> None:
    pauses = data.draw(_pauses(start))
    due = deadline(PCAL, limit, start, pauses)
    # Inside working hours, or exactly at the close of an interval.
    inside = PCAL.is_working_time(due) or PCAL.is_working_time(
        due - timedelta(microseconds=1)
    )
    assert inside
    if not pauses:
        budget = timedelta(hours=1) * float(limit.amount)
        assert abs(budget - PCAL.working_hours_between(start, due)) < timedelta(
            microseconds=2
        )


@given(limits, moments, st.data())
def test_pausing_never_makes_a_deadline_earlier(
    limit: Limit, start: datetime, data: st.DataObject
) -> None:
    some = data.draw(_pauses(start))
    more = some + data.draw(_pauses(start))
    plain = deadline(PCAL, limit, start)
    with_some = deadline(PCAL, limit, start, some)
    assert plain <= with_some <= deadline(PCAL, limit, start, more)


@given(hour_limits, moments, st.data())
def test_paused_working_time_is_added_exactly(
    limit: Limit, start: datetime, data: st.DataObject
) -> None:
    # One pause fully before the unpaused deadline moves it by its working time.
    plain = deadline(PCAL, limit, start)
    assume(plain - start > timedelta(minutes=2))
    offset = data.draw(
        st.timedeltas(timedelta(0), plain - start - timedelta(minutes=1))
    )
    length = data.draw(st.timedeltas(timedelta(0), timedelta(days=3)))
    pause = (start + offset, start + offset + length)
    moved = deadline(PCAL, limit, start, [pause])
    assert PCAL.working_hours_between(*pause) == PCAL.working_hours_between(
        plain, moved
    )


@given(limits, moments, st.timedeltas(timedelta(0), timedelta(days=60)))
def test_overdue_iff_after_deadline(
    limit: Limit, start: datetime, gap: timedelta
) -> None:
    when = start + gap
    due = deadline(PCAL, limit, start)
    assert (when > due) == is_overdue(PCAL, limit, start, when)
    assert (remaining(PCAL, limit, start, when) < timedelta(0)) <= (when > due)


@given(st.lists(st.tuples(limits, moments), max_size=20))
def test_bulk_equals_single(rows: list[tuple[Limit, datetime]]) -> None:
    lims = [r[0] for r in rows]
    starts = [r[1] for r in rows]
    assert [deadline(PCAL, x, t) for x, t in rows] == deadlines(PCAL, lims, starts)


def test_unofficial_year_warns() -> None:
    from redcity.errors import UnofficialCalendarWarning

    with pytest.warns(UnofficialCalendarWarning):
        deadline(WorkCalendar.china(), "1d", at(2035, 3, 1, 9))
    declared = WorkCalendar.china().with_overrides(known_years={2035})
    assert date(2035, 3, 2) == deadline(declared, "1d", at(2035, 3, 1, 9)).date()
