"""Tests for redcity.calendars: working days, 调休, working hours, periods."""

from __future__ import annotations

import pickle
import warnings
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import attrs
import holidays
import pendulum
import pytest
from holidays.countries.china import ChinaStaticHolidays
from hypothesis import given
from hypothesis import strategies as st

from redcity.calendars import (
    DEFAULT_WORKING_HOURS,
    Period,
    PeriodKind,
    WorkCalendar,
    period_of,
    periods,
)
from redcity.errors import CalendarError, NaiveDatetimeError, UnofficialCalendarWarning

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar.china()
HOUR = timedelta(hours=1)

# Years the holidays package (>= 0.85) holds official CN notices for; the
# property tests stay inside them so that no UnofficialCalendarWarning fires.
FIRST_YEAR, LAST_YEAR = 2020, 2026
CN = holidays.country_holidays("CN", years=range(FIRST_YEAR, LAST_YEAR + 1))


def sh(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> pendulum.DateTime:
    """A pendulum datetime in Asia/Shanghai."""
    return pendulum.datetime(year, month, day, hour, minute, tz="Asia/Shanghai")


# ---------------------------------------------------------------- strategies

# Starts end a year early so that adding up to ~100 working days stays in 2026.
start_days = st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR - 1, 12, 31))
all_days = st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31))
moments = st.datetimes(
    datetime(FIRST_YEAR, 1, 1),
    datetime(LAST_YEAR - 1, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([SHANGHAI, UTC]),
)
steps = st.integers(1, 100)
durations = st.timedeltas(timedelta(0), timedelta(hours=300))


# ---------------------------------------------------- the 2026 arrangement


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), False),  # 元旦
        (date(2026, 1, 2), False),  # 调休 day off
        (date(2026, 1, 4), True),  # Sunday, 调休上班
        (date(2026, 2, 13), True),
        (date(2026, 2, 14), True),  # Saturday, 调休上班 (Spring Festival)
        (date(2026, 2, 15), False),  # Sunday
        *((date(2026, 2, d), False) for d in range(16, 24)),  # 春节 16..23
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, 调休上班
        (date(2026, 5, 5), False),  # 劳动节
        (date(2026, 5, 9), True),  # Saturday, 调休上班
        (date(2026, 9, 20), True),  # Sunday, 调休上班 (National Day)
        (date(2026, 9, 25), False),  # 中秋节 (Friday)
        (date(2026, 9, 30), True),
        *((date(2026, 10, d), False) for d in range(1, 8)),  # 国庆节 1..7
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, 调休上班
        (date(2026, 10, 11), False),  # an ordinary Sunday
    ],
)
def test_is_working_day_follows_2026_notice(day: date, expected: bool) -> None:
    assert expected == CAL.is_working_day(day)


def test_is_working_day_reads_datetimes_in_the_calendar_zone() -> None:
    utc_evening = pendulum.datetime(2026, 9, 30, 17, tz="UTC")  # 10-01 01:00 local
    assert not CAL.is_working_day(utc_evening)
    assert CAL.is_working_day(utc_evening.in_tz("Asia/Shanghai").subtract(hours=2))
    utc_cal = WorkCalendar.china(tz="UTC")
    assert utc_cal.is_working_day(utc_evening)


def test_first_working_day_after_national_day_eve() -> None:
    assert pendulum.date(2026, 10, 8) == CAL.add_working_days(date(2026, 9, 30), 1)


def test_add_working_days_keeps_local_time_across_national_day() -> None:
    result = CAL.add_working_days(sh(2026, 9, 30, 10), 1)
    assert sh(2026, 10, 8, 10) == result
    assert isinstance(result, pendulum.DateTime)
    assert result.timezone_name == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (sh(2026, 3, 2, 9), 5, sh(2026, 3, 9, 9)),  # an ordinary week
        (sh(2026, 3, 6, 17, 45), 1, sh(2026, 3, 9, 17, 45)),  # Friday → Monday
        (sh(2026, 3, 7, 10), 1, sh(2026, 3, 9, 10)),  # from a Saturday
        (sh(2026, 2, 13, 9), 1, sh(2026, 2, 14, 9)),  # make-up Saturday counts
        (sh(2026, 2, 14, 9), 1, sh(2026, 2, 24, 9)),  # over Spring Festival
        (sh(2026, 2, 14, 9), 5, sh(2026, 2, 28, 9)),  # 24, 25, 26, 27, Sat 28
        (sh(2026, 10, 8, 9), 2, sh(2026, 10, 10, 9)),  # Saturday 10-10 counts
        (sh(2026, 9, 19, 9), 1, sh(2026, 9, 20, 9)),  # Sunday 09-20 counts
        (sh(2026, 9, 24, 9), 1, sh(2026, 9, 28, 9)),  # over 中秋节
        (sh(2025, 12, 31, 9), 1, sh(2026, 1, 4, 9)),  # over 元旦 to Sunday 调休
        (sh(2026, 1, 4, 9), 1, sh(2026, 1, 5, 9)),
    ],
)
def test_add_working_days_examples(
    start: pendulum.DateTime, n: int, expected: pendulum.DateTime
) -> None:
    assert expected == CAL.add_working_days(start, n)


def test_add_working_days_accepts_stdlib_and_utc_datetimes() -> None:
    stdlib = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
    assert sh(2026, 10, 8, 10) == CAL.add_working_days(stdlib, 1)
    # 2026-09-30T20:00Z is 10-01 04:00 in Shanghai: the start date is 10-01.
    utc = datetime(2026, 9, 30, 20, tzinfo=UTC)
    assert sh(2026, 10, 8, 4) == CAL.add_working_days(utc, 1)


@pytest.mark.parametrize("n", [0, -1, -100])
def test_add_working_days_rejects_n_below_one(n: int) -> None:
    with pytest.raises(CalendarError, match="n >= 1"):
        CAL.add_working_days(sh(2026, 3, 2), n)


@pytest.mark.parametrize("n", [True, 1.0, "1"])
def test_add_working_days_rejects_non_int_n(n: object) -> None:
    with pytest.raises(TypeError, match="int number of working days"):
        CAL.add_working_days(sh(2026, 3, 2), n)  # type: ignore[call-overload]


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CAL.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert CAL.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    days_2026 = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    expected = sum(CN.is_working_day(day) for day in days_2026)
    assert expected == CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31))


def test_working_days_in_periods() -> None:
    assert CAL.working_days_in(Period.parse("2026-10")) == 18
    in_year = CAL.working_days_in(Period.parse("2026"))
    in_months = sum(
        CAL.working_days_in(p)
        for p in periods(date(2026, 1, 1), date(2027, 1, 1), "月")
    )
    assert in_year == in_months


# ------------------------------------------------------------- naive input


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: CAL.is_working_day(naive),
        lambda naive: CAL.add_working_days(naive, 1),
        lambda naive: CAL.working_days_between(naive, date(2026, 1, 1)),
        lambda naive: CAL.is_working_time(naive),
        lambda naive: CAL.next_working_time(naive),
        lambda naive: CAL.add_working_hours(naive, 1),
        lambda naive: CAL.working_hours_between(naive, sh(2026, 1, 1)),
        lambda naive: CAL.working_hours_between(sh(2026, 1, 1), naive),
        lambda naive: period_of(naive, "month"),
        lambda naive: list(periods(naive, sh(2026, 12, 1), "month")),
        lambda naive: naive in Period.parse("2026"),
    ],
)
def test_naive_datetimes_are_refused(call: object) -> None:
    naive = datetime(2026, 9, 30, 10)
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        call(naive)  # type: ignore[operator]


# ------------------------------------------------------------ working hours


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (sh(2026, 9, 30, 9), 2, sh(2026, 9, 30, 11)),  # inside the morning
        (sh(2026, 9, 30, 11), 1, sh(2026, 9, 30, 12)),  # ends at the close
        (sh(2026, 9, 30, 11), 2, sh(2026, 9, 30, 15)),  # across lunch
        (sh(2026, 9, 30, 12, 30), Decimal("0.5"), sh(2026, 9, 30, 14, 30)),  # at lunch
        (sh(2026, 9, 30, 16, 30), 2, sh(2026, 10, 8, 9, 30)),  # night + 国庆
        (sh(2026, 10, 3, 10), 1, sh(2026, 10, 8, 9, 30)),  # starts on a holiday
        (sh(2026, 9, 24, 17), 1, sh(2026, 9, 28, 9)),  # over 中秋节 + weekend
        (sh(2026, 10, 9, 17), 1, sh(2026, 10, 10, 9)),  # into a make-up Saturday
        (sh(2026, 3, 2, 7), 7, sh(2026, 3, 2, 17, 30)),  # a whole day
        (sh(2026, 3, 2, 7), 14, sh(2026, 3, 3, 17, 30)),  # two whole days
        (sh(2026, 3, 2, 18), 0, sh(2026, 3, 3, 8, 30)),  # zero: next working moment
        (sh(2026, 3, 2, 10), 0, sh(2026, 3, 2, 10)),  # zero inside working time
    ],
)
def test_add_working_hours_examples(
    start: pendulum.DateTime, hours: int | Decimal, expected: pendulum.DateTime
) -> None:
    assert expected == CAL.add_working_hours(start, hours)


@pytest.mark.parametrize(
    "hours",
    [Decimal("1.5"), Fraction(3, 2), 1.5, timedelta(minutes=90)],
)
def test_add_working_hours_accepts_every_kind_of_hours(
    hours: Decimal | Fraction | float | timedelta,
) -> None:
    assert sh(2026, 9, 30, 14, 30) == CAL.add_working_hours(sh(2026, 9, 30, 11), hours)


@pytest.mark.parametrize(
    "hours", [-1, Decimal("-0.5"), timedelta(minutes=-1), Decimal("NaN"), float("inf")]
)
def test_add_working_hours_rejects_negative_or_infinite_hours(hours: object) -> None:
    with pytest.raises(CalendarError):
        CAL.add_working_hours(sh(2026, 3, 2), hours)  # type: ignore[arg-type]


@pytest.mark.parametrize("hours", [True, "1", None])
def test_add_working_hours_rejects_other_types(hours: object) -> None:
    with pytest.raises(TypeError, match="working time"):
        CAL.add_working_hours(sh(2026, 3, 2), hours)  # type: ignore[arg-type]


def test_working_hours_between_examples() -> None:
    opened, closed = sh(2026, 9, 30, 16), sh(2026, 10, 8, 9, 30)
    assert CAL.working_hours_between(opened, closed) == 2.5 * HOUR
    assert CAL.working_hours_between(closed, opened) == -2.5 * HOUR
    assert CAL.working_hours_between(sh(2026, 3, 2, 11), sh(2026, 3, 2, 15)) == 2 * HOUR
    assert timedelta(0) == CAL.working_hours_between(sh(2026, 10, 2), sh(2026, 10, 5))
    assert CAL.working_hours_between(sh(2026, 3, 2), sh(2026, 3, 3)) == 7 * HOUR
    in_utc = pendulum.datetime(2026, 3, 2, 1, tz="UTC")  # 09:00 Shanghai
    assert CAL.working_hours_between(sh(2026, 3, 2, 8), in_utc) == 0.5 * HOUR


def test_is_working_time_and_next_working_time() -> None:
    assert CAL.is_working_time(sh(2026, 3, 2, 8, 30))
    assert not CAL.is_working_time(sh(2026, 3, 2, 12))
    assert not CAL.is_working_time(sh(2026, 10, 1, 10))  # holiday
    assert CAL.is_working_time(sh(2026, 10, 10, 10))  # make-up Saturday
    assert sh(2026, 3, 2, 14) == CAL.next_working_time(sh(2026, 3, 2, 12, 1))
    assert sh(2026, 3, 2, 10) == CAL.next_working_time(sh(2026, 3, 2, 10))
    assert sh(2026, 10, 8, 8, 30) == CAL.next_working_time(sh(2026, 9, 30, 17, 30))


def test_custom_working_hours() -> None:
    cal = WorkCalendar.china(working_hours=[(time(9), time(12)), (time(13), time(18))])
    assert cal.working_hours_per_day == 8 * HOUR
    assert sh(2026, 3, 3, 10) == cal.add_working_hours(sh(2026, 3, 2, 17), 2)
    assert CAL.working_hours_per_day == 7 * HOUR
    assert CAL.working_hours == DEFAULT_WORKING_HOURS


@pytest.mark.parametrize(
    ("intervals", "match"),
    [
        ([], "at least one"),
        ([(time(12), time(9))], "start < end"),
        ([(time(9), time(12)), (time(11), time(13))], "not overlapping"),
        ([(time(14), time(17)), (time(9), time(12))], "not overlapping"),
        ([(time(9, tzinfo=UTC), time(12))], "without a zone"),
        ([("09:00", "12:00")], r"\(time, time\)"),
    ],
)
def test_bad_working_hours_are_refused(intervals: list[object], match: str) -> None:
    with pytest.raises(CalendarError, match=match):
        WorkCalendar.china(working_hours=intervals)  # type: ignore[arg-type]


def test_bad_time_zone_is_refused() -> None:
    with pytest.raises(CalendarError, match="IANA"):
        WorkCalendar.china(tz="Mars/Olympus_Mons")


# ------------------------------------------------- official years, warnings


def test_official_years_match_the_packages_table_of_notices() -> None:
    notices = ChinaStaticHolidays.special_public_holidays
    for year in range(1990, 2041):
        assert (year in notices) == CAL.is_official_year(year), year
    assert all(CAL.is_official_year(y) for y in range(FIRST_YEAR, LAST_YEAR + 1))


def test_unofficial_year_warns_and_falls_back_to_monday_to_friday() -> None:
    cal = WorkCalendar.china()
    assert not cal.is_known_year(2031)
    with pytest.warns(UnofficialCalendarWarning, match="2031") as record:
        assert cal.is_working_day(date(2031, 10, 1))  # a Wednesday, no notice
    assert __file__ == record[0].filename  # points at the caller
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not cal.is_working_day(date(2031, 10, 4))  # once per year: silent
    with pytest.warns(UnofficialCalendarWarning, match="2032"):
        cal.add_working_days(date(2031, 12, 31), 1)


def test_deadline_reaching_an_unpublished_year_warns() -> None:
    cal = WorkCalendar.china()
    year = 2027
    if cal.is_official_year(year):  # a newer holidays release has the notice
        pytest.skip(f"the installed holidays package knows {year}")
    with pytest.warns(UnofficialCalendarWarning, match=str(year)):
        cal.add_working_days(sh(2026, 12, 30, 10), 5)


def test_official_year_does_not_warn() -> None:
    cal = WorkCalendar.china()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cal.is_working_day(date(2026, 6, 1))
        cal.add_working_days(sh(2026, 1, 5, 9), 200)
        cal.add_working_hours(sh(2026, 1, 5, 9), 1000)


def test_overrides_define_an_unpublished_year_and_silence_the_warning() -> None:
    national_day = {date(2031, 10, d) for d in range(1, 8)}
    cal = WorkCalendar.china().with_overrides(
        holidays=national_day, workdays={date(2031, 9, 28), date(2031, 10, 11)}
    )
    assert cal.is_known_year(2031)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not cal.is_working_day(date(2031, 10, 1))
        assert cal.is_working_day(date(2031, 9, 28))  # Sunday, declared worked
        assert sh(2031, 10, 8, 9) == cal.add_working_days(sh(2031, 9, 30, 9), 1)


def test_known_years_declares_a_year_without_changing_days() -> None:
    cal = WorkCalendar.china().with_overrides(known_years=[2031])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cal.is_working_day(date(2031, 10, 1))


def test_overrides_apply_in_official_years_and_later_ones_win() -> None:
    local_day_off = date(2026, 3, 3)
    cal = CAL.with_overrides(holidays={local_day_off})
    assert not cal.is_working_day(local_day_off)
    assert CAL.is_working_day(local_day_off)  # the original is unchanged
    assert sh(2026, 3, 4, 9) == cal.add_working_days(sh(2026, 3, 2, 9), 1)
    back = cal.with_overrides(workdays={local_day_off})
    assert local_day_off not in back.holidays
    assert back.is_working_day(local_day_off)
    with pytest.raises(CalendarError, match="both a holiday and a workday"):
        CAL.with_overrides(holidays={local_day_off}, workdays={local_day_off})
    with pytest.raises(CalendarError, match="hold dates"):
        CAL.with_overrides(holidays={sh(2026, 3, 3)})


def test_calendar_is_immutable_hashable_and_cheap_to_copy() -> None:
    a, b = WorkCalendar.china(), WorkCalendar.china()
    a.is_working_day(date(2026, 1, 5))  # fills a's private cache only
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.tz = "UTC"  # type: ignore[misc]
    assert a != a.with_overrides(known_years=[2031])
    assert a == pickle.loads(pickle.dumps(a))
    utc = attrs.evolve(a, tz="UTC")  # a fresh cache: the new zone is used
    assert not a.is_working_day(sh(2026, 10, 1, 2))
    assert utc.is_working_day(sh(2026, 10, 1, 2))  # 09-30 18:00 in UTC


# ------------------------------------------------------------------ periods


def test_q3_2026_boundaries_in_shanghai() -> None:
    q3 = Period.parse("2026-Q3")
    assert sh(2026, 7, 1) == q3.start
    assert sh(2026, 10, 1) == q3.end
    assert pendulum.datetime(2026, 6, 30, 16, tz="UTC") == q3.start


def test_period_of_late_june_utc_is_q3_in_shanghai() -> None:
    moment = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)  # 07-01 00:30 Shanghai
    assert Period(PeriodKind.QUARTER, 2026, 3) == period_of(moment, "quarter")
    assert period_of(moment, PeriodKind.MONTH).label == "2026-07"
    assert period_of(moment, "year").label == "2026"
    assert period_of(moment, "quarter", tz="UTC").label == "2026-Q2"
    assert CAL.period_of(moment, "季度").label == "2026-Q3"
    assert moment in Period.parse("2026-Q3")
    assert moment not in Period.parse("2026-Q2")


@pytest.mark.parametrize(
    ("label", "kind", "year", "number"),
    [
        ("2026", PeriodKind.YEAR, 2026, 1),
        ("2026-Q3", PeriodKind.QUARTER, 2026, 3),
        ("2026-q1", PeriodKind.QUARTER, 2026, 1),
        ("2026-07", PeriodKind.MONTH, 2026, 7),
    ],
)
def test_period_parse(label: str, kind: PeriodKind, year: int, number: int) -> None:
    assert Period(kind, year, number) == Period.parse(label)


@pytest.mark.parametrize(
    "label", ["2026-Q5", "2026-13", "2026-00", "26-Q1", "2026Q3", ""]
)
def test_period_parse_rejects_bad_labels(label: str) -> None:
    with pytest.raises(CalendarError):
        Period.parse(label)


def test_period_navigation_and_order() -> None:
    assert Period.parse("2026-12").next().label == "2027-01"
    assert Period.parse("2026-Q1").previous().label == "2025-Q4"
    assert Period.parse("2026").previous().label == "2025"
    months = [Period.parse(f"2026-{m:02d}") for m in (12, 1, 7)]
    assert [p.label for p in sorted(months)] == ["2026-01", "2026-07", "2026-12"]
    with pytest.raises(CalendarError, match="between 1 and 4"):
        Period("quarter", 2026, 5)
    with pytest.raises(CalendarError, match="period kind"):
        Period("week", 2026, 1)


def test_periods_iterates_over_a_range() -> None:
    labels = [p.label for p in periods(sh(2026, 5, 15), sh(2026, 10, 1), "quarter")]
    assert labels == ["2026-Q2", "2026-Q3"]
    labels = [p.label for p in periods(date(2026, 1, 31), date(2026, 3, 2), "month")]
    assert labels == ["2026-01", "2026-02", "2026-03"]
    assert list(periods(sh(2026, 7, 15), sh(2026, 7, 10), "month")) == []
    assert len(list(periods(date(2026, 1, 1), date(2027, 1, 1), "month"))) == 12


# --------------------------------------------------------------- properties


@given(day=all_days)
def test_is_working_day_agrees_with_a_naive_reference(day: date) -> None:
    reference = day in CN.weekend_workdays if day.weekday() >= 5 else day not in CN
    assert reference == CAL.is_working_day(day)
    assert CN.is_working_day(day) == CAL.is_working_day(day)


@given(start=moments, n=steps)
def test_add_working_days_lands_on_a_working_day_at_the_same_local_time(
    start: datetime, n: int
) -> None:
    result = CAL.add_working_days(start, n)
    local = start.astimezone(SHANGHAI)
    assert CAL.is_working_day(result)
    assert local.time() == result.time()
    assert result.date() > local.date()
    assert n == CAL.working_days_between(start, result)


@given(start=moments, n=steps)
def test_add_working_days_is_strictly_monotone(start: datetime, n: int) -> None:
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@given(start=moments, a=steps, b=steps)
def test_add_working_days_composes(start: datetime, a: int, b: int) -> None:
    assert CAL.add_working_days(CAL.add_working_days(start, a), b) == (
        CAL.add_working_days(start, a + b)
    )


@given(day=start_days, n=steps)
def test_add_working_days_on_dates_matches_datetimes(day: date, n: int) -> None:
    at_noon = datetime.combine(day, time(12), SHANGHAI)
    assert CAL.add_working_days(at_noon, n).date() == CAL.add_working_days(day, n)


@given(start=moments, duration=durations)
def test_working_hours_between_inverts_add_working_hours(
    start: datetime, duration: timedelta
) -> None:
    end = CAL.add_working_hours(start, duration)
    assert duration == CAL.working_hours_between(start, end)
    assert end >= start


@given(
    start=moments,
    hours=st.decimals(0, 200, places=3),
)
def test_decimal_hours_are_exact(start: datetime, hours: Decimal) -> None:
    end = CAL.add_working_hours(start, hours)
    micros = int(hours * 3_600_000_000)  # 3 places of an hour: whole microseconds
    assert timedelta(microseconds=micros) == CAL.working_hours_between(start, end)


@given(start=moments, a=durations, b=durations.filter(bool))
def test_add_working_hours_composes(
    start: datetime, a: timedelta, b: timedelta
) -> None:
    first = CAL.add_working_hours(start, a)
    assert CAL.add_working_hours(start, a + b) == CAL.add_working_hours(first, b)


@given(start=moments, duration=durations)
def test_add_working_hours_ends_in_or_at_the_close_of_working_time(
    start: datetime, duration: timedelta
) -> None:
    end = CAL.add_working_hours(start, duration)
    closes = {close for _, close in CAL.working_hours}
    assert CAL.is_working_time(end) or (
        CAL.is_working_day(end) and end.time() in closes
    )


@given(
    moment=moments,
    kind=st.sampled_from(PeriodKind),
    tz=st.sampled_from(["Asia/Shanghai", "UTC", "Asia/Urumqi"]),
)
def test_period_of_contains_the_moment(
    moment: datetime, kind: PeriodKind, tz: str
) -> None:
    period = period_of(moment, kind, tz)
    assert period.start <= moment < period.end
    assert period == Period.parse(period.label, tz=tz)
    assert period == period.next().previous()
    assert period.end == period.next().start
