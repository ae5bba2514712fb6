"""The monthly closed loop: topics, agendas and closed-loop figures."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import redcity.serialize as rs
from redcity.calendars import Period, period_of
from redcity.datasets import XINGMAO, zunyi
from redcity.errors import (
    CalendarError,
    IllegalTransition,
    NaiveDatetimeError,
    UnknownNode,
    ValidationError,
)
from redcity.grid import GridTree, Level
from redcity.meetings.cycle import (
    AgendaEntry,
    ClosedLoop,
    LoopFigures,
    MonthlyAgenda,
    Topic,
    check_topics,
    closed_loop,
    monthly_agenda,
)
from redcity.meetings.matters import AffairKind
from redcity.meetings.records import SourceKind
from redcity.testing._cycle_strategies import topics

SHANGHAI = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))
ZUNYI = zunyi()

# 播州区 and two of its streets, three of their communities.
BOZHOU = "520304"
NANBAI = "520304001"  # 南白街道
BONAN = "520304002"  # 播南街道
NAN = "520304001001"  # 南社区 (兴茂小区 lies in it)
RENHEYUAN = "520304001002"  # 仁和苑社区
YONGHE = "520304002001"  # 永和社区
YONGHE_GRID = "520304002001001"  # 永和社区第1网格
NAN_GRID = "520304001001004"
RENHEYUAN_GRID = "520304001002001"
RENHEYUAN_BUILDING = "520304001002001-B01"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def topic(topic_id: str, node: str, collected: str, **kw: object) -> Topic:
    for name in ("resolved_at", "feedback_at"):
        if isinstance(kw.get(name), str):
            kw[name] = at(str(kw[name]))
    return Topic(
        id=topic_id, node_id=node, collected_at=at(collected), title="议题", **kw
    )  # type: ignore[arg-type]


# Hand-checked sample (every time in Asia/Shanghai):
SAMPLE = (
    # carried in from February, resolved 5 March (23 days), fed back 6 March
    topic(
        "a",
        XINGMAO,
        "2026-02-10T09:00+08:00",
        resolved_at="2026-03-05T10:00+08:00",
        feedback_at="2026-03-06T09:00+08:00",
    ),
    # collected and resolved in March (10 days), no feedback
    topic(
        "b", NAN_GRID, "2026-03-02T09:00+08:00", resolved_at="2026-03-12T15:00+08:00"
    ),
    # 31 March 23:30 in Shanghai is still 31 March 15:30 UTC: March, open
    topic("c", RENHEYUAN_BUILDING, "2026-03-31T23:30+08:00"),
    # ten minutes past midnight on 1 April: April
    topic("d", RENHEYUAN_GRID, "2026-04-01T00:10+08:00"),
    # collected in January, still open
    topic("e", YONGHE_GRID, "2026-01-20T10:00+08:00"),
    # settled the same day (0 days); feedback only in April
    topic(
        "f",
        YONGHE,
        "2026-03-15T08:00+08:00",
        resolved_at="2026-03-15T18:00+08:00",
        feedback_at="2026-04-02T09:00+08:00",
    ),
    # collected in March, resolved 3 April (14 days)
    topic("g", NAN, "2026-03-20T09:00+08:00", resolved_at="2026-04-03T11:00+08:00"),
)


def figures(report: ClosedLoop, node: str) -> tuple[object, ...]:
    f = report.area(node)
    return (
        f.collected,
        f.carried_in,
        f.resolved,
        f.with_feedback,
        f.carried_over,
        f.median_days,
    )


# --------------------------------------------------------------------------
# Topic records
# --------------------------------------------------------------------------


def test_lifecycle_steps_return_new_records() -> None:
    t0 = at("2026-03-02T09:00+08:00")
    open_ = Topic(id="t", node_id=NAN, collected_at=t0, title="飞线充电")
    done = open_.resolve(t0 + timedelta(days=3), meeting_id="m1")
    told = done.feed_back(t0 + timedelta(days=4))
    assert open_.is_open
    assert None is open_.resolved_at
    assert ("m1",) == done.meeting_ids
    assert 3 == done.days_to_resolve()
    assert told.fed_back
    assert not done.fed_back
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        told.resolved_at = None  # type: ignore[misc]


def test_same_moment_resolution_and_feedback_are_lawful() -> None:
    t0 = at("2026-03-02T09:00+08:00")
    t = Topic(id="t", node_id=NAN, collected_at=t0, title="现场解决")
    assert 0 == t.resolve(t0).feed_back(t0).days_to_resolve()


def test_illegal_steps_are_refused() -> None:
    t0 = at("2026-03-02T09:00+08:00")
    t = Topic(id="t", node_id=NAN, collected_at=t0, title="停车难")
    with pytest.raises(IllegalTransition, match="before it was collected"):
        t.resolve(t0 - timedelta(minutes=1))
    with pytest.raises(IllegalTransition, match="not resolved yet"):
        t.feed_back(t0)
    done = t.resolve(t0 + timedelta(days=1))
    with pytest.raises(IllegalTransition, match="already resolved"):
        done.resolve(t0 + timedelta(days=2))
    with pytest.raises(IllegalTransition, match="before its resolution"):
        done.feed_back(t0)
    told = done.feed_back(t0 + timedelta(days=2))
    with pytest.raises(IllegalTransition, match="already fed back"):
        told.feed_back(t0 + timedelta(days=3))
    with pytest.raises(IllegalTransition, match="already taken up"):
        t.take_up("m1").take_up("m1")


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 2, 9)
    with pytest.raises(NaiveDatetimeError):
        Topic(id="t", node_id=NAN, collected_at=naive, title="积水")
    t = Topic(id="t", node_id=NAN, collected_at=naive.replace(tzinfo=CST), title="x")
    with pytest.raises(NaiveDatetimeError):
        t.resolve(naive + timedelta(days=1))
    with pytest.raises(NaiveDatetimeError):
        t.open_at(naive)


def test_inconsistent_record_lists_every_problem() -> None:
    t0 = at("2026-03-02T09:00+08:00")
    with pytest.raises(ValidationError) as caught:
        Topic(
            id="t",
            node_id=NAN,
            collected_at=t0,
            title="x",
            feedback_at=t0,
        )
    assert [("t", "feedback_at")] == [(p.id, p.field) for p in caught.value.problems]
    with pytest.raises(ValidationError) as caught:
        Topic(
            id="u",
            node_id=NAN,
            collected_at=t0,
            title="x",
            resolved_at=t0 - timedelta(days=1),
            feedback_at=t0 - timedelta(days=2),
        )
    assert [("u", "resolved_at"), ("u", "feedback_at")] == [
        (p.id, p.field) for p in caught.value.problems
    ]


def test_fields_parse_names() -> None:
    t = topic("t", NAN, "2026-03-02T09:00+08:00", source="工单", affair="难事")
    assert SourceKind.TICKET is t.source
    assert AffairKind.DIFFICULT is t.affair
    assert ("m1",) == attrs.evolve(t, meeting_ids="m1").meeting_ids
    with pytest.raises(ValueError, match="each meeting once"):
        attrs.evolve(t, meeting_ids=("m1", "m1"))


# --------------------------------------------------------------------------
# Whole-input validation
# --------------------------------------------------------------------------


def test_one_error_lists_every_bad_topic() -> None:
    good = SAMPLE[0]
    bad = [
        good,
        good,  # the same again: a replay, fine
        attrs.evolve(good, title="另一件事"),  # same id, other content
        attrs.evolve(good, id="x1", node_id="nowhere"),
        attrs.evolve(good, id="x2", node_id=NANBAI),  # a street: no community
        attrs.evolve(good, id="x3", node_id=ZUNYI.root),
        "not a topic",
    ]
    with pytest.raises(ValidationError) as caught:
        closed_loop(bad, ZUNYI, "2026-03")  # type: ignore[arg-type]
    assert [
        ("a", "id"),
        ("x1", "node_id"),
        ("x2", "node_id"),
        ("x3", "node_id"),
        ("#6", ""),
    ] == [(p.id, p.field) for p in caught.value.problems]
    assert isinstance(caught.value, ValueError)


def test_exact_duplicates_count_once() -> None:
    doubled = closed_loop([*SAMPLE, *SAMPLE], ZUNYI, "2026-03")
    assert closed_loop(SAMPLE, ZUNYI, "2026-03") == doubled
    assert len(SAMPLE) == len(check_topics([*SAMPLE, *SAMPLE], ZUNYI))


# --------------------------------------------------------------------------
# Hand-checked figures on 播州区
# --------------------------------------------------------------------------


def test_march_figures_by_community_street_district() -> None:
    march = closed_loop(SAMPLE, ZUNYI, "2026-03")
    # collected, carried in, resolved, with feedback, carried over, median days
    assert (2, 1, 2, 1, 1, Fraction(33, 2)) == figures(march, NAN)
    assert (1, 0, 0, 0, 1, None) == figures(march, RENHEYUAN)
    assert (1, 1, 1, 0, 1, Fraction(0)) == figures(march, YONGHE)
    assert (3, 1, 2, 1, 2, Fraction(33, 2)) == figures(march, NANBAI)
    assert (1, 1, 1, 0, 1, Fraction(0)) == figures(march, BONAN)
    assert (4, 2, 3, 1, 3, Fraction(10)) == figures(march, BOZHOU)
    assert (4, 2, 3, 1, 3, Fraction(10)) == figures(march, ZUNYI.root)
    assert (0, 0, 0, 0, 0, None) == figures(march, "520304003")  # 影山湖街道


def test_april_figures_pick_up_what_march_left() -> None:
    april = closed_loop(SAMPLE, ZUNYI, Period.parse("2026-04"))
    assert (0, 1, 1, 0, 0, Fraction(14)) == figures(april, NAN)
    assert (1, 1, 0, 0, 2, None) == figures(april, RENHEYUAN)
    # f was resolved in March: its April feedback is not an April resolution
    assert (0, 1, 0, 0, 1, None) == figures(april, YONGHE)


def test_quarter_and_year() -> None:
    q1 = closed_loop(SAMPLE, ZUNYI, "2026-Q1")
    assert (3, 0, 2, 1, 1, Fraction(33, 2)) == figures(q1, NAN)
    year = closed_loop(SAMPLE, ZUNYI, "2026")
    assert (7, 0, 4, 2, 3, Fraction(12)) == figures(year, BOZHOU)


def test_month_boundary_in_shanghai() -> None:
    late = at("2026-03-31T23:30+08:00")
    assert "2026-03-31T15:30:00+00:00" == late.astimezone(UTC).isoformat()
    march = closed_loop(SAMPLE, ZUNYI, "2026-03")
    april = closed_loop(SAMPLE, ZUNYI, "2026-04")
    assert 1 == march.area(RENHEYUAN).collected  # c, at 23:30 on 31 March
    assert 1 == april.area(RENHEYUAN).collected  # d, at 00:10 on 1 April
    # The same instants written in UTC land in the same months.
    in_utc = [
        attrs.evolve(t, collected_at=t.collected_at.astimezone(UTC)) for t in SAMPLE
    ]
    assert march == closed_loop(in_utc, ZUNYI, "2026-03")
    # Read in UTC instead, c (15:30 UTC on 31 March) and d (16:10 UTC) are
    # both March.
    utc_march = closed_loop(SAMPLE, ZUNYI, Period("month", 2026, 3, tz="UTC"))
    assert 2 == utc_march.area(RENHEYUAN).collected


def test_days_count_shanghai_calendar_dates() -> None:
    late = at("2026-03-31T23:30+08:00")
    t = topic("t", NAN, late.isoformat(), resolved_at=late + timedelta(minutes=45))
    assert 1 == t.days_to_resolve()
    report = closed_loop([t], ZUNYI, "2026-04", levels=[Level.COMMUNITY])
    assert Fraction(1) == report.area(NAN).median_days


def test_levels_and_order() -> None:
    report = closed_loop(SAMPLE, ZUNYI, "2026-03", levels=["街道", "社区"])
    assert {Level.STREET, Level.COMMUNITY} == {a.level for a in report.areas}
    assert 23 == len(report.at("street"))
    assert 177 == len(report.at(Level.COMMUNITY))
    ids = [a.node_id for a in report.areas]
    assert sorted(ids, key=ZUNYI.index) == ids
    assert "南社区" == report.area(NAN).name
    with pytest.raises(UnknownNode):
        report.area(BOZHOU)


# --------------------------------------------------------------------------
# Monthly agenda
# --------------------------------------------------------------------------


def agenda_ids(node: str, month: str) -> list[tuple[str, int]]:
    agenda = monthly_agenda(SAMPLE, ZUNYI, node, month)
    return [(e.topic.id, e.months_carried) for e in agenda.entries]


def test_monthly_agenda_carries_open_topics() -> None:
    assert [("a", 1), ("b", 0), ("g", 0)] == agenda_ids(NAN, "2026-03")
    assert [("g", 1)] == agenda_ids(NAN, "2026-04")
    assert [("c", 0)] == agenda_ids(RENHEYUAN, "2026-03")
    assert [("c", 1), ("d", 0)] == agenda_ids(RENHEYUAN, "2026-04")
    assert [("e", 2), ("f", 0)] == agenda_ids(YONGHE, "2026-03")
    assert [("e", 5)] == agenda_ids(YONGHE, "2026-06")
    assert [] == agenda_ids(NAN, "2026-05")


def test_agenda_parts_and_agenda_items() -> None:
    agenda = monthly_agenda(SAMPLE, ZUNYI, NAN, "2026-03")
    assert ["a"] == [e.topic.id for e in agenda.carried]
    assert ["b", "g"] == [e.topic.id for e in agenda.new]
    items = agenda.to_agenda_items()
    assert SourceKind.CARRIED_OVER is items[0].source
    assert "a" == items[0].source_ref
    assert 3 == len(agenda.to_rows())
    assert "1 carried over" in agenda._repr_html_()


def test_agenda_refuses_bad_arguments() -> None:
    with pytest.raises(CalendarError):
        monthly_agenda(SAMPLE, ZUNYI, NAN, "2026-Q1")
    with pytest.raises(UnknownNode):
        monthly_agenda(SAMPLE, ZUNYI, "nowhere", "2026-03")


# --------------------------------------------------------------------------
# Output and serialization
# --------------------------------------------------------------------------


def test_rows_html_and_frame() -> None:
    report = closed_loop(SAMPLE, ZUNYI, "2026-03", levels=["区"])
    rows = report.to_rows()
    assert {
        "node_id": BOZHOU,
        "level": "district",
        "name": "播州区",
        "collected": 4,
        "carried_in": 2,
        "resolved": 3,
        "with_feedback": 1,
        "carried_over": 3,
        "median_days": "10",
        "resolution_rate": "1/2",
        "feedback_rate": "1/3",
    } == rows[2]
    assert "播州区" in report._repr_html_()
    pytest.importorskip("pandas")
    frame = report.to_frame()
    assert Fraction(10) == frame.loc[BOZHOU, "median_days"]
    assert 3 == frame.loc[BOZHOU, "resolved"]


def test_records_round_trip_through_serialize() -> None:
    report = closed_loop(SAMPLE, ZUNYI, "2026-03")
    agenda = monthly_agenda(SAMPLE, ZUNYI, NAN, "2026-03")
    for record, cls in [
        (report, ClosedLoop),
        (agenda, MonthlyAgenda),
        (agenda.entries[0], AgendaEntry),
        (report.areas[0], LoopFigures),
        *[(t, Topic) for t in SAMPLE],
    ]:
        assert record == rs.from_json(rs.to_json(record), cls)


def test_serialized_inconsistent_topic_is_refused() -> None:
    text = rs.to_json(SAMPLE[0]).replace("2026-03-05T10", "2026-01-05T10")
    with pytest.raises(ValueError, match="before it was"):
        rs.from_json(text, Topic)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

SMALL = GridTree.from_records(
    [
        {"id": "d", "parent": None, "level": "区", "name": "播州区"},
        {"id": "s1", "parent": "d", "level": "街道", "name": "南白街道"},
        {"id": "s2", "parent": "d", "level": "街道", "name": "播南街道"},
        {"id": "c1", "parent": "s1", "level": "社区", "name": "南社区"},
        {"id": "c2", "parent": "s1", "level": "社区", "name": "仁和苑社区"},
        {"id": "c3", "parent": "s2", "level": "社区", "name": "永和社区"},
        {"id": "p1", "parent": "c1", "level": "小区", "name": "兴茂小区"},
        {"id": "g1", "parent": "p1", "level": "网格", "name": "网格1"},
        {"id": "b1", "parent": "g1", "level": "楼栋", "name": "1栋"},
        {"id": "g2", "parent": "c2", "level": "网格", "name": "网格2"},
        {"id": "g3", "parent": "c3", "level": "网格", "name": "网格3"},
        {"id": "p3", "parent": "g3", "level": "小区", "name": "龙泉小区"},
    ]
)
PERIODS = st.one_of(
    st.integers(1, 12).map(lambda m: Period("month", 2026, m)),
    st.integers(1, 4).map(lambda q: Period("quarter", 2026, q)),
    st.just(Period("year", 2026)),
)
LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
COUNTS = ("collected", "carried_in", "resolved", "with_feedback", "carried_over")


@given(topics(SMALL, max_size=30), PERIODS, st.randoms(use_true_random=False))
def test_figures_do_not_depend_on_order(
    ts: list[Topic], period: Period, rnd: random.Random
) -> None:
    shuffled = list(ts)
    rnd.shuffle(shuffled)
    assert closed_loop(ts, SMALL, period) == closed_loop(shuffled, SMALL, period)


@given(topics(SMALL, max_size=30), PERIODS)
def test_street_counts_sum_their_communities(ts: list[Topic], period: Period) -> None:
    report = closed_loop(ts, SMALL, period)
    for upper, lower in (
        (Level.STREET, Level.COMMUNITY),
        (Level.DISTRICT, Level.STREET),
    ):
        for area in report.at(upper):
            below = [
                a for a in report.at(lower) if SMALL.parent(a.node_id) == area.node_id
            ]
            for name in COUNTS:
                assert getattr(area, name) == sum(getattr(a, name) for a in below)


@given(topics(SMALL, max_size=30), PERIODS)
def test_flow_balances(ts: list[Topic], period: Period) -> None:
    for a in closed_loop(ts, SMALL, period).areas:
        assert a.resolved <= a.collected + a.carried_in
        assert a.carried_in + a.collected == a.resolved + a.carried_over
        assert a.with_feedback <= a.resolved
        assert (a.median_days is None) == (a.resolved == 0)


@given(topics(SMALL, max_size=30), st.integers(1, 11))
def test_resolved_in_a_month_is_not_carried_into_the_next(
    ts: list[Topic], month: int
) -> None:
    this, following = Period("month", 2026, month), Period("month", 2026, month + 1)
    resolved_now = {
        t.id
        for t in ts
        if t.resolved_at is not None and period_of(t.resolved_at, "month") == this
    }
    for community in SMALL.nodes(Level.COMMUNITY):
        agenda = monthly_agenda(ts, SMALL, community, following)
        carried = {e.topic.id for e in agenda.carried}
        assert not carried & resolved_now
        for e in agenda.entries:
            assert e.topic.open_at(following.start) or e.topic.collected_at in following
    nxt = closed_loop(ts, SMALL, following)
    now = closed_loop(ts, SMALL, this)
    for a in now.areas:
        assert a.carried_over == nxt.area(a.node_id).carried_in


@given(topics(SMALL, min_size=1, max_size=30), PERIODS)
def test_adding_a_topic_never_decreases_collected(
    ts: list[Topic], period: Period
) -> None:
    *before, _last = ts
    with_it = closed_loop(ts, SMALL, period)
    without = closed_loop(before, SMALL, period)
    for a in with_it.areas:
        assert a.collected >= without.area(a.node_id).collected


def naive_days(t: Topic) -> int:
    assert t.resolved_at is not None
    resolved = t.resolved_at.astimezone(SHANGHAI).date()
    return (resolved - t.collected_at.astimezone(SHANGHAI).date()).days


@given(topics(SMALL, max_size=30), PERIODS)
def test_median_matches_statistics_median(ts: list[Topic], period: Period) -> None:
    report = closed_loop(ts, SMALL, period, levels=LEVELS)
    for a in report.areas:
        days = [
            naive_days(t)
            for t in ts
            if SMALL.contains(a.node_id, t.node_id)
            and t.resolved_at is not None
            and period.start <= t.resolved_at < period.end
        ]
        expected = statistics.median(map(Fraction, days)) if days else None
        assert expected == a.median_days
        assert isinstance(a.median_days, Fraction | None)


@given(topics(SMALL, max_size=10))
def test_topics_round_trip(ts: list[Topic]) -> None:
    for t in ts:
        assert t == rs.from_json(rs.to_json(t), Topic)


@given(topics(ZUNYI.subtree(NANBAI), max_size=10))
def test_strategy_topics_are_valid(ts: list[Topic]) -> None:
    tree = ZUNYI.subtree(NANBAI)
    assert len(ts) == len(check_topics(ts, tree))
    assert len(ts) == len({t.id for t in ts})


def test_strategy_refuses_bad_arguments() -> None:
    streets_only = GridTree.from_records(
        [{"id": "s", "parent": None, "level": "街道", "name": "南白街道"}]
    )
    with pytest.raises(InvalidArgument):
        topics(streets_only, min_size=1)
    with pytest.raises(InvalidArgument):
        topics(SMALL, min_size=3, max_size=2)
    with pytest.raises(InvalidArgument):
        topics(SMALL, year=1900)
    with pytest.raises(InvalidArgument):
        topics("not a tree")  # type: ignore[arg-type]


def test_pendulum_and_stdlib_times_agree() -> None:
    t0 = pendulum.datetime(2026, 3, 31, 23, 30, tz="Asia/Shanghai")
    a = Topic(id="p", node_id=NAN, collected_at=t0, title="x")
    b = attrs.evolve(a, collected_at=at("2026-03-31T23:30+08:00"))
    assert closed_loop([a], ZUNYI, "2026-03") == closed_loop([b], ZUNYI, "2026-03")
