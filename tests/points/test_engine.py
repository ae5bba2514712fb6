"""Scoring: hand-computed examples, semantics, and properties against an oracle."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import holidays
import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from redcity.calendars import WorkCalendar
from redcity.grid import GridTree
from redcity.points import (
    Attendance,
    Cap,
    CapPeriod,
    Condition,
    Deduct,
    Deduction,
    Fact,
    FactConflictError,
    Fixed,
    MicroWish,
    PerHour,
    PerRating,
    Posting,
    Rating,
    Redemption,
    Registration,
    Reversal,
    Rule,
    RuleBook,
    ScoringError,
    ServiceRecord,
    UnknownReversalError,
    compile_rulebook,
    score,
)
from redcity.points.rules import _FIELD_SPECS
from redcity.testing.strategies import fact_lists, facts, rulebooks

EXAMPLES = Path(__file__).parents[2] / "src" / "redcity" / "points" / "rulebooks"
CST = timezone(timedelta(hours=8))


def load(name: str) -> RuleBook:
    return RuleBook.load(EXAMPLES / f"{name}.toml")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CST)


def service(
    fid: str,
    start: datetime,
    minutes: int,
    *,
    member: str = "m1",
    node: str = "g1",
    category: str = "助老",
) -> ServiceRecord:
    return ServiceRecord(
        id=fid,
        at=start,
        end=start + timedelta(minutes=minutes),
        member_id=member,
        node_id=node,
        category=category,
        organizer_id="org-1",
    )


def wish(fid: str, when: datetime, member: str = "m1", node: str = "g1") -> MicroWish:
    return MicroWish(id=fid, at=when, member_id=member, node_id=node, wish_id="w" + fid)


def book(*rules: Rule, caps: Sequence[Cap] = (), **kw: Any) -> RuleBook:
    return RuleBook(
        id="b",
        version="1",
        issuer_id="street",
        effective_from=kw.pop("effective_from", date(2026, 1, 1)),
        rules=rules,
        caps=caps,
        **kw,
    )


def points(postings: Iterable[Posting]) -> list[tuple[str, str, int]]:
    return [(p.fact_id, p.rule_id, p.points) for p in postings]


# -- the example rulebooks, by hand -----------------------------------------


@pytest.mark.parametrize(
    ("minutes", "kunshan", "hailin"),
    [
        (150, 25, 2),  # 2.5 h: 25; 海林 counts 2 h at most
        (75, 13, 1),  # 1.25 h: 12.5 rounds half up to 13; 海林 drops the fraction
        (20, 3, None),  # 1/3 h: 3.33 → 3; 海林: 0 points, no posting
        (60, 10, 1),
        (90, 15, 1),
        (240, 40, 2),
        (1, None, None),  # 1 minute: 0.17 → 0 under 昆山 as well
    ],
)
def test_kunshan_and_hailin_by_hand(
    minutes: int, kunshan: int | None, hailin: int | None
) -> None:
    fact = service("s", at(3, 5), minutes)
    for name, expected in (("kunshan", kunshan), ("hailin", hailin)):
        got = [p.points for p in score(load(name), [fact])]
        assert ([] if expected is None else [expected]) == got


def test_the_explanations_say_why() -> None:
    [p] = score(load("hailin"), [service("s", at(3, 5), 150)])
    assert "志愿服务（助老）2.5小时，按每小时1分计，本活动最多计2小时，得2分。" == (
        p.explanation_zh
    )
    assert (
        "2.5 h of volunteer service (助老) at 1 point an hour, at most 2 h counted "
        "per activity: 2 points."
    ) == p.explanation_en
    [p] = score(load("kunshan"), [service("s", at(3, 5), 75)])
    assert (
        "志愿服务（助老）1.25小时，按每小时10分计，折合12.5分按四舍五入取整，得13分。"
        == p.explanation_zh
    )
    [p] = score(load("hailin"), [service("s", at(3, 5), 200)])
    assert (
        "志愿服务（助老）3.33小时，按每小时1分计，本活动最多计2小时，得2分。"
        == p.explanation_zh
    )
    [p] = score(load("hailin"), [service("s", at(3, 5), 100)])
    assert "折合1.67分按去尾取整，得1分。" in p.explanation_zh
    assert "1.67 points rounded down: 1 point." in p.explanation_en


def test_the_party_scheme_by_hand() -> None:
    m = "m1"
    facts = [
        # Deducted before the year's registration: the floor (0) leaves nothing.
        Deduction(
            id="d0", at=at(1, 2), member_id=m, node_id="g1", points=5, reason="迟到"
        ),
        Registration(id="r1", at=at(1, 3), member_id=m, node_id="c1", employer_id="e"),
        # A second registration in the year: the base counts once a year.
        Registration(id="r2", at=at(6, 3), member_id=m, node_id="c1", employer_id="e"),
        Attendance(
            id="a1",
            at=at(1, 10),
            member_id=m,
            node_id="g1",
            meeting="党小组会",
            organizer_id="branch",
        ),
        Attendance(
            id="a2",
            at=at(1, 11),
            member_id=m,
            node_id="g1",
            meeting="主题党日",
            organizer_id="branch",
        ),
        service("s1", at(2, 1), 150),
        wish("w1", at(2, 2)),
        Rating(id="t5", at=at(2, 3), member_id=m, node_id="g1", score=5),
        Rating(id="t3", at=at(2, 4), member_id=m, node_id="g1", score=3),
        Deduction(
            id="d1", at=at(3, 1), member_id=m, node_id="g1", points=100, reason="x"
        ),
        service("s2", at(4, 1), 60),
        Deduction(
            id="d2", at=at(4, 2), member_id=m, node_id="g1", points=3, reason="y"
        ),
        # Next year: the book has ended.
        Registration(
            id="r3",
            at=datetime(2027, 1, 5, tzinfo=CST),
            member_id=m,
            node_id="c1",
            employer_id="e",
        ),
    ]
    got = points(score(load("party"), facts))
    # 60 base + 2 + 3 + 3 (2.5 h rounds up) + 3 + 2 = 73 before d1, which the
    # floor cuts from -100 to -73; then 1 h of service +1 and d2 takes it.
    assert [
        ("r1", "base", 60),
        ("a1", "three-meetings-one-lesson", 2),
        ("a2", "themed-party-day", 3),
        ("s1", "service", 3),
        ("w1", "micro-wish", 3),
        ("t5", "good-rating", 2),
        ("d1", "deduction", -73),
        ("s2", "service", 1),
        ("d2", "deduction", -1),
    ] == got
    postings = list(score(load("party"), facts))
    d1 = next(p for p in postings if p.fact_id == "d1")
    assert (
        "扣分事由：x，应扣100分，每年积分不低于0分（扣完为止），实扣73分。"
        == d1.explanation_zh
    )
    assert "yearly floor of 0 points (扣完为止) allows only 73" in d1.explanation_en
    issuers = {p.fact_id: p.issuer_id for p in postings}
    assert ("org-1", "branch", "bozhou-party-committee") == (
        issuers["s1"],
        issuers["a1"],
        issuers["w1"],
    )


# -- semantics -----------------------------------------------------------------


def test_a_daily_cap_is_filled_in_canonical_order_and_explained() -> None:
    b = book(
        Rule(id="hours", kind="service", award=PerHour(rate=10)),
        caps=[Cap(id="daily", per="day", max_points=40, title="每日上限")],
    )
    facts = [
        service("late", at(3, 5, 15), 180),
        service("early", at(3, 5, 8), 180),
        service("next", at(3, 6, 8), 60),
    ]
    postings = list(score(b, facts))
    assert [("early", "hours", 30), ("late", "hours", 10), ("next", "hours", 10)] == (
        points(postings)
    )
    assert (
        "志愿服务（助老）3小时，按每小时10分计，应得30分，已达每日上限40分（每日上限），"
        "实得10分。" == postings[1].explanation_zh
    )
    assert (
        "3 h of volunteer service (助老) at 10 points an hour: 30 points due, but "
        "the daily cap of 40 points (每日上限) leaves room for 10."
    ) == postings[1].explanation_en


def test_periods_are_read_in_asia_shanghai() -> None:
    b = book(
        Rule(id="wish", kind="micro_wish", award=Fixed(5)),
        caps=[Cap(id="daily", per="day", max_points=5)],
    )
    utc = [
        # 15:59 UTC is 23:59 in Shanghai; 16:00 UTC is the next day there.
        wish("a", datetime(2026, 3, 1, 15, 59, tzinfo=UTC)),
        wish("b", datetime(2026, 3, 1, 16, 0, tzinfo=UTC)),
        wish("c", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
    ]
    assert [("c", "wish", 5), ("b", "wish", 5)] == points(score(b, utc))


@pytest.mark.parametrize(
    ("per", "days", "expected"),
    [
        # 2026-03-01 is a Sunday, 03-02 a Monday: ISO weeks break between.
        ("week", ((3, 1), (3, 2)), [5, 5]),
        ("week", ((3, 2), (3, 8)), [5]),
        ("month", ((3, 31), (4, 1)), [5, 5]),
        ("month", ((3, 1), (3, 31)), [5]),
        ("quarter", ((3, 31), (4, 1)), [5, 5]),
        ("quarter", ((4, 1), (6, 30)), [5]),
        ("year", ((1, 1), (12, 31)), [5]),
    ],
)
def test_every_cap_period(
    per: str, days: tuple[tuple[int, int], ...], expected: list[int]
) -> None:
    b = book(
        Rule(id="wish", kind="micro_wish", award=Fixed(5)),
        caps=[Cap(id="c", per=per, max_points=5)],
    )
    facts = [wish(f"f{i}", at(m, d)) for i, (m, d) in enumerate(days)]
    assert expected == [p.points for p in score(b, facts)]


def test_caps_count_per_member_and_only_their_rules() -> None:
    b = book(
        Rule(id="wish", kind="micro_wish", award=Fixed(5)),
        Rule(id="rating", kind="rating", award=PerRating({5: 2})),
        caps=[Cap(id="c", per="day", max_points=5, rules=["wish"])],
    )
    facts = [
        wish("a", at(3, 1, 9), member="m1"),
        wish("b", at(3, 1, 10), member="m1"),
        wish("c", at(3, 1, 10), member="m2"),
        Rating(id="r", at=at(3, 1, 11), member_id="m1", node_id="g1", score=5),
    ]
    assert [("a", "wish", 5), ("c", "wish", 5), ("r", "rating", 2)] == points(
        score(b, facts)
    )


def test_two_caps_on_one_rule_take_the_tighter() -> None:
    b = book(
        Rule(id="wish", kind="micro_wish", award=Fixed(4)),
        caps=[
            Cap(id="daily", per="day", max_points=6),
            Cap(id="weekly", per="week", max_points=10),
        ],
    )
    facts = [wish(f"f{d}{h}", at(3, d, h)) for d in (2, 3, 4) for h in (9, 10)]
    assert [4, 2, 4] == [p.points for p in score(b, facts)]


def test_precedence_within_a_group_and_every_group_applying() -> None:
    b = book(
        Rule(id="base", kind="service", group="hours", award=PerHour(rate=10)),
        Rule(
            id="long",
            kind="service",
            group="hours",
            precedence=1,
            award=PerHour(rate=12),
            when=[Condition("hours", ">=", 3)],
        ),
        Rule(id="bonus", kind="service", award=Fixed(2)),
    )
    facts = [service("short", at(3, 5), 60), service("long", at(3, 6), 180)]
    assert [
        ("short", "base", 10),
        ("short", "bonus", 2),
        ("long", "long", 36),
        ("long", "bonus", 2),
    ] == points(score(b, facts))


def test_category_coefficients_per_db3205() -> None:
    b = book(
        Rule(
            id="hours",
            kind="service",
            award=PerHour(
                rate=10, coefficients={"应急救援": "1.5"}, default_coefficient=1
            ),
        )
    )
    facts = [
        service("a", at(3, 5), 120, category="应急救援"),
        service("b", at(3, 6), 120, category="助老"),
    ]
    postings = list(score(b, facts))
    assert [30, 20] == [p.points for p in postings]
    assert "按每小时10分计、类别系数1.5" in postings[0].explanation_zh
    assert "category coefficient 1.5" in postings[0].explanation_en


def test_conditions_on_every_field() -> None:
    tree = GridTree.from_records(
        [
            {"id": "s", "parent": None, "level": "街道", "name": "南白街道"},
            {"id": "c1", "parent": "s", "level": "社区", "name": "南社区"},
            {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
            {"id": "g2", "parent": "s", "level": "社区", "name": "娄山社区"},
        ]
    )
    b = book(
        Rule(
            id="in-c1-on-rest-days",
            kind="micro_wish",
            award=Fixed(5),
            when=[
                Condition("node", "within", ["c1"]),
                Condition("day", "in", ["rest"]),
                Condition("member_id", "not_in", ["m9"]),
            ],
        ),
        Rule(
            id="weekend-elsewhere",
            kind="micro_wish",
            award=Fixed(1),
            when=[
                Condition("node", "not_within", ["c1"]),
                Condition("weekday", "in", [6, 7]),
            ],
        ),
    )
    facts = [
        wish("sat-worked", at(2, 14), node="g1"),  # Saturday, 调休: a working day
        wish("sun-rest", at(2, 15), node="g1"),
        wish("holiday", at(2, 16), node="g1"),  # Monday in the 春节 break
        wish("m9", at(2, 16), member="m9", node="g1"),
        wish("sat-away", at(2, 14), node="g2"),
        wish("mon-away", at(2, 16), node="g2"),
    ]
    assert [
        ("sat-away", "weekend-elsewhere", 1),
        ("sun-rest", "in-c1-on-rest-days", 5),
        ("holiday", "in-c1-on-rest-days", 5),
    ] == points(score(b, facts, tree=tree))
    # A calendar that works 2026-02-16 changes the answer.
    cal = WorkCalendar.china().with_overrides(workdays=[date(2026, 2, 16)])
    assert ["sat-away", "sun-rest"] == [
        p.fact_id for p in score(b, facts, tree=tree, calendar=cal)
    ]


def test_holidays_weekends_and_working_days() -> None:
    def only(*kinds: str) -> RuleBook:
        return book(
            Rule(
                id="r",
                kind="micro_wish",
                award=Fixed(1),
                when=[Condition("day", "in", list(kinds))],
            )
        )

    facts = [
        wish("national-day", at(10, 1)),  # 国庆: a statutory holiday
        wish("break-weekend", at(10, 3)),  # a Saturday inside the 国庆 break
        wish("make-up", at(10, 10)),  # a Saturday worked (调休)
        wish("weekend", at(3, 7)),  # an ordinary Saturday
        wish("weekday", at(3, 9)),
    ]
    assert ["weekend", "national-day", "break-weekend"] == [
        p.fact_id for p in score(only("rest"), facts)
    ]
    assert ["national-day", "break-weekend"] == [
        p.fact_id for p in score(only("holiday"), facts)
    ]
    assert ["weekend"] == [p.fact_id for p in score(only("weekend"), facts)]
    assert ["weekday", "make-up"] == [p.fact_id for p in score(only("working"), facts)]
    assert frozenset({"weekend", "holiday"}) == Condition("day", "in", "rest").value
    cal = WorkCalendar.china().with_overrides(holidays=[date(2026, 3, 9)])
    assert ["weekday", "national-day", "break-weekend"] == [
        p.fact_id for p in score(only("holiday"), facts, calendar=cal)
    ]


def test_numeric_conditions_are_exact() -> None:
    b = book(
        Rule(
            id="third",
            kind="service",
            award=Fixed(1),
            when=[Condition("hours", ">", "0.5"), Condition("hours", "<=", "1.25")],
        ),
        Rule(
            id="good",
            kind="rating",
            award=Fixed(1),
            when=[Condition("score", ">", "3.5"), Condition("score", "<", 5)],
        ),
        Rule(
            id="big",
            kind="deduction",
            award=Deduct(max_points=8),
            when=[Condition("points", ">=", 5)],
        ),
    )
    facts = [
        service("30m", at(3, 1), 30),
        service("31m", at(3, 2), 31),
        service("75m", at(3, 3), 75),
        service("76m", at(3, 4), 76),
        *(
            Rating(id=f"s{s}", at=at(3, 5), member_id="m", node_id="g", score=s)
            for s in range(1, 6)
        ),
        *(
            Deduction(
                id=f"d{n}",
                at=at(3, 6),
                member_id="m",
                node_id="g",
                points=n,
                reason="r",
            )
            for n in (4, 5, 20)
        ),
    ]
    assert [
        ("31m", "third", 1),
        ("75m", "third", 1),
        ("s4", "good", 1),
        ("d20", "big", -8),
        ("d5", "big", -5),
    ] == points(score(b, facts))
    d20 = next(p for p in score(b, facts) if p.fact_id == "d20")
    assert "记20分，每次最多扣8分，扣8分。" in d20.explanation_zh


def test_the_effective_period_in_local_days() -> None:
    b = book(
        Rule(id="wish", kind="micro_wish", award=Fixed(5)),
        effective_from=date(2026, 3, 1),
        effective_until=date(2026, 4, 1),
    )
    facts = [
        wish("before", datetime(2026, 2, 28, 15, 59, tzinfo=UTC)),  # 02-28 23:59
        wish("first", datetime(2026, 2, 28, 16, 0, tzinfo=UTC)),  # 03-01 00:00
        wish("last", at(3, 31, 23, 59)),
        wish("after", at(4, 1, 0, 0)),
    ]
    assert ["first", "last"] == [p.fact_id for p in score(b, facts)]


def test_redemptions_and_unmatched_facts_earn_nothing() -> None:
    b = book(Rule(id="wish", kind="micro_wish", award=Fixed(5)))
    spend = Redemption(
        id="x", at=at(3, 1), member_id="m1", node_id="g1", points=50, merchant_id="shop"
    )
    assert [] == list(score(b, [spend, service("s", at(3, 1), 60)]))


def test_a_fact_seen_twice_counts_once() -> None:
    b = load("kunshan")
    fact = service("s", at(3, 5), 90)
    twin = attrs.evolve(fact)
    assert [("s", "service-hours", 15)] == points(score(b, [fact, twin, fact]))


def test_one_id_with_two_contents_is_an_error_naming_the_id() -> None:
    b = load("kunshan")
    fact = service("s-17", at(3, 5), 90)
    with pytest.raises(FactConflictError, match=r"'s-17'.*differ in end") as info:
        score(b, [fact, service("s-17", at(3, 5), 120)])
    assert "s-17" == info.value.fact_id
    with pytest.raises(FactConflictError, match="one is a service fact"):
        score(b, [fact, wish("s-17", at(3, 5))])


def test_reversals() -> None:
    b = book(
        Rule(id="wish", kind="micro_wish", award=Fixed(5)),
        caps=[Cap(id="daily", per="day", max_points=5)],
    )
    first, second = wish("a", at(3, 1, 9)), wish("b", at(3, 1, 10))

    def undo(rid: str, target: str) -> Reversal:
        return Reversal(
            id=rid,
            at=at(3, 2),
            member_id="m1",
            node_id="g1",
            reverses=target,
            reason="错",
        )

    assert [("a", "wish", 5)] == points(score(b, [first, second]))
    # Undoing a frees the cap it filled: b earns as if a never was.
    assert [("b", "wish", 5)] == points(score(b, [first, second, undo("r1", "a")]))
    # Undoing the undo revives a.
    assert [("a", "wish", 5)] == points(
        score(b, [first, second, undo("r1", "a"), undo("r2", "r1")])
    )
    # Two reversals of one fact: it stays undone while either stands.
    assert [("b", "wish", 5)] == points(
        score(b, [first, second, undo("r1", "a"), undo("r3", "a"), undo("r2", "r1")])
    )
    with pytest.raises(UnknownReversalError, match="'r1' undoes fact 'zz'") as info:
        score(b, [first, undo("r1", "zz")])
    assert ("r1", "zz") == (info.value.fact_id, info.value.reverses)
    with pytest.raises(ScoringError, match="cycle"):
        score(b, [undo("r1", "r2"), undo("r2", "r1")])


def test_errors_come_when_score_is_called_not_when_iterated() -> None:
    b = load("kunshan")
    with pytest.raises(TypeError, match="Expected facts"):
        score(b, [service("s", at(3, 5), 60), "not a fact"])  # type: ignore[list-item]
    compiled = compile_rulebook(b)
    with pytest.raises(TypeError, match="compile_rulebook"):
        score(compiled, [], tree=GridTree.from_records([]))


def test_a_compiled_rulebook_scores_many_fact_sets() -> None:
    compiled = compile_rulebook(load("kunshan"))
    assert [60] == [p.points for p in compiled([service("a", at(3, 5), 360)])]
    assert [10] == [p.points for p in compiled([service("a", at(3, 5), 60)])]


def test_zones_with_and_without_summer_time() -> None:
    b = book(Rule(id="wish", kind="micro_wish", award=Fixed(5)))
    berlin = ZoneInfo("Europe/Berlin")
    # 2026-10-25 02:00-03:00 happens twice in Berlin; fold=1 is the later hour,
    # so 02:15 (fold=1, 01:15 UTC) comes after 02:45 (fold=0, 00:45 UTC),
    # though it reads earlier on the clock.
    facts = [
        wish("late", datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=berlin)),
        wish("early", datetime(2026, 10, 25, 2, 45, tzinfo=berlin)),
        wish("utc", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        wish("pendulum", pendulum.datetime(2026, 10, 25, 8, 0, tz="Asia/Shanghai")),
    ]
    got = list(score(b, facts))
    assert ["pendulum", "utc", "early", "late"] == [p.fact_id for p in got]
    for _ in range(5):
        random.shuffle(facts)
        assert got == list(score(b, facts))


def test_a_zone_other_than_shanghai() -> None:
    b = book(
        Rule(id="wish", kind="micro_wish", award=Fixed(5)),
        caps=[Cap(id="daily", per="day", max_points=5)],
        tz="Europe/Berlin",
    )
    facts = [
        wish("a", datetime(2026, 7, 1, 21, 30, tzinfo=UTC)),  # 23:30 in Berlin
        wish("b", datetime(2026, 7, 1, 22, 30, tzinfo=UTC)),  # 00:30 next day
    ]
    assert ["a", "b"] == [p.fact_id for p in score(b, facts)]
    old = [wish("c", datetime(1985, 7, 1, 16, 30, tzinfo=UTC))]
    old_book = attrs.evolve(b, effective_from=date(1980, 1, 1))
    assert ["c"] == [p.fact_id for p in score(old_book, old)]


def test_shanghai_summer_time_years_take_the_slow_path() -> None:
    b = book(
        Rule(
            id="sunday",
            kind="micro_wish",
            award=Fixed(1),
            when=[Condition("weekday", "in", [7])],
        ),
        effective_from=date(1980, 1, 1),
    )
    # 1988-07-09 16:30 UTC: 01:30 on Sunday 07-10 under 1988's summer time
    # (UTC+9), but still Saturday at +8.
    fact = wish("dst", datetime(1988, 7, 9, 16, 30, tzinfo=UTC))
    assert ["dst"] == [p.fact_id for p in score(b, [fact])]


# -- an oracle: the semantics written out plainly -----------------------------


def _holds(
    cond: Condition, f: Any, local: date, tree: GridTree | None, cal: WorkCalendar
) -> bool:
    field, op, value = cond.field, cond.op.value, cond.value
    if field == "hours":
        x: Any = f.hours
    elif field == "weekday":
        x = local.isoweekday()
    elif field == "day":
        if cal.is_working_day(local):
            x = "working"
        elif local in holidays.country_holidays("CN", years=local.year):
            x = "holiday"
        else:
            x = "weekend"
    elif field == "node":
        assert tree is not None
        inside = any(tree.contains(n, f.node_id) for n in value)
        return inside if op == "within" else not inside
    else:
        spec = _FIELD_SPECS[f.kind][field]
        x = getattr(f, spec.attr or field)
    if op == "in":
        return x in value
    if op == "not_in":
        return x not in value
    bound = Fraction(value)
    return {">=": x >= bound, ">": x > bound, "<=": x <= bound, "<": x < bound}[op]


def _raw(rule: Rule, f: Any, book: RuleBook) -> int:
    award = rule.award
    if isinstance(award, Fixed):
        return award.points
    if isinstance(award, PerRating):
        return award.points_for(f.score)
    if isinstance(award, Deduct):
        return -min(f.points, award.max_points or f.points)
    hours = f.hours
    if award.max_hours is not None:
        hours = min(hours, Fraction(award.max_hours))
    exact = hours * Fraction(award.rate) * Fraction(award.coefficient(f.category))
    return book.rounding.apply(exact.numerator, exact.denominator)


def _period(per: CapPeriod, day: date) -> Any:
    if per is CapPeriod.DAY:
        return day
    if per is CapPeriod.WEEK:
        return day.isocalendar()[:2]
    if per is CapPeriod.MONTH:
        return (day.year, day.month)
    if per is CapPeriod.QUARTER:
        return (day.year, (day.month - 1) // 3)
    return day.year


def oracle(
    book: RuleBook, facts: Iterable[Fact], tree: GridTree | None = None
) -> list[tuple[str, str, int]]:
    cal = WorkCalendar.china()
    unique: dict[str, Fact] = {}
    for f in facts:
        unique.setdefault(f.id, f)

    def undone(fid: str) -> bool:
        return any(
            isinstance(r, Reversal) and r.reverses == fid and not undone(r.id)
            for r in unique.values()
        )

    live = [f for f in unique.values() if not undone(f.id)]
    live.sort(key=lambda f: (f.at.astimezone(UTC), f.id))
    zone = ZoneInfo(book.tz)
    totals: dict[tuple[str, str, Any], int] = {}
    out = []
    for f in live:
        local = f.at.astimezone(zone).date()
        if local < book.effective_from or (
            book.effective_until and local >= book.effective_until
        ):
            continue
        winners: dict[str, Rule] = {}
        for rule in book.rules:
            if rule.kind is not f.kind:
                continue
            if not all(_holds(c, f, local, tree, cal) for c in rule.when):
                continue
            key = rule.group if rule.group is not None else "\0" + rule.id
            if key not in winners or rule.precedence > winners[key].precedence:
                winners[key] = rule
        # postings follow the groups' first appearance among the kind's rules
        order = []
        for rule in book.rules:
            key = rule.group if rule.group is not None else "\0" + rule.id
            if rule.kind is f.kind and key not in order:
                order.append(key)
        for key in order:
            if key not in winners:
                continue
            rule = winners[key]
            raw = final = _raw(rule, f, book)
            if not raw:
                continue
            caps = [c for c in book.caps if not c.rules or rule.id in c.rules]
            for cap in caps:
                assert cap.per is not None
                total = totals.get((cap.id, f.member_id, _period(cap.per, local)), 0)
                if final > 0 and cap.max_points is not None:
                    final = min(final, cap.max_points - total)
                elif final < 0 and cap.min_points is not None:
                    final = max(final, cap.min_points - total)
            if not final:
                continue
            for cap in caps:
                assert cap.per is not None
                k = (cap.id, f.member_id, _period(cap.per, local))
                totals[k] = totals.get(k, 0) + final
            out.append((f.id, rule.id, final))
    return out


TREE = GridTree.from_records(
    [
        {"id": "c1", "parent": None, "level": "社区", "name": "南社区"},
        {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
        {"id": "g2", "parent": "c1", "level": "网格", "name": "网格2"},
    ]
)


@settings(max_examples=100)
@given(rulebooks(node_ids=["g1", "g2", "c1"]), fact_lists(max_size=25))
def test_the_engine_agrees_with_the_oracle(book: RuleBook, facts: list[Fact]) -> None:
    assert oracle(book, facts, TREE) == points(score(book, facts, tree=TREE))


@pytest.mark.parametrize("name", ["kunshan", "hailin", "party"])
@settings(max_examples=25)
@given(facts=fact_lists(max_size=30))
def test_the_examples_agree_with_the_oracle(name: str, facts: list[Fact]) -> None:
    book = attrs.evolve(load(name), effective_from=date(2025, 1, 1))
    assert oracle(book, facts) == points(score(book, facts))


# -- properties ------------------------------------------------------------------


@settings(max_examples=50)
@given(rulebooks(), fact_lists(max_size=25), st.randoms(use_true_random=False))
def test_order_does_not_matter(
    book: RuleBook, facts: list[Fact], rnd: random.Random
) -> None:
    expected = list(score(book, facts))
    shuffled = list(facts)
    rnd.shuffle(shuffled)
    assert expected == list(score(book, shuffled))


@settings(max_examples=50)
@given(rulebooks(), fact_lists(min_size=1, max_size=20), st.data())
def test_duplicates_count_once(
    book: RuleBook, facts: list[Fact], data: st.DataObject
) -> None:
    again = data.draw(st.lists(st.sampled_from(facts), max_size=10))
    copies = [attrs.evolve(f) for f in again]
    assert list(score(book, facts)) == list(score(book, facts + copies + again))


@settings(max_examples=50)
@given(rulebooks(), fact_lists(min_size=1, max_size=20, max_reversals=0), st.data())
def test_a_reversal_is_as_if_the_fact_never_existed(
    book: RuleBook, facts: list[Fact], data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(facts))
    undo = Reversal(
        id="undo",
        at=target.at + timedelta(days=1),
        member_id=target.member_id,
        node_id=target.node_id,
        reverses=target.id,
        reason="错",
    )
    without = [f for f in facts if f.id != target.id]
    assert list(score(book, without)) == list(score(book, [*facts, undo]))


@settings(max_examples=80)
@given(rulebooks(), fact_lists(max_size=30))
def test_caps_are_never_exceeded(book: RuleBook, facts: list[Fact]) -> None:
    postings = list(score(book, facts))
    zone = ZoneInfo(book.tz)
    for cap in book.caps:
        assert cap.per is not None
        running: dict[tuple[str, Any], int] = {}
        for p in postings:
            if cap.rules and p.rule_id not in cap.rules:
                continue
            key = (p.member_id, _period(cap.per, p.at.astimezone(zone).date()))
            running[key] = running.get(key, 0) + p.points
            if cap.max_points is not None:
                assert running[key] <= cap.max_points
            if cap.min_points is not None:
                assert running[key] >= cap.min_points
    for p in postings:  # the fast path builds records the constructor accepts
        attrs.validate(p)
        assert p == Posting(**attrs.asdict(p, recurse=False))


def _totals(postings: Iterable[Posting]) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in postings:
        out[p.member_id] = out.get(p.member_id, 0) + p.points
    return out


@settings(max_examples=50)
@given(
    rulebooks(monotone=True, deductions=False),
    fact_lists(max_size=20, kinds=["service", "micro_wish", "rating"]),
    st.data(),
)
def test_more_certified_hours_never_earn_fewer_points(
    book: RuleBook, facts: list[Fact], data: st.DataObject
) -> None:
    services = [f for f in facts if isinstance(f, ServiceRecord)]
    assume(services)
    longer = data.draw(st.sampled_from(services))
    extra = data.draw(st.integers(1, 240))
    more = [
        attrs.evolve(f, end=f.end + timedelta(minutes=extra)) if f is longer else f
        for f in facts
    ]
    before, after = _totals(score(book, facts)), _totals(score(book, more))
    for member in before.keys() | after.keys():
        assert before.get(member, 0) <= after.get(member, 0)
    # and one more certified service never earns anyone less either
    added = attrs.evolve(longer, id="added")
    plus = _totals(score(book, [*facts, added]))
    for member in before.keys() | plus.keys():
        assert before.get(member, 0) <= plus.get(member, 0)


@given(facts())
def test_every_drawn_fact_scores_under_the_examples(fact: Fact) -> None:
    book = attrs.evolve(load("party"), effective_from=date(2025, 1, 1))
    facts_ = [fact] if not isinstance(fact, Reversal) else []
    for p in score(book, facts_):
        assert p.fact_id == fact.id
        assert p.explanation_zh.endswith("。")
        assert p.explanation_en.endswith(".")


# -- the fast paths make the same records ---------------------------------------


def test_uncached_texts_match_the_template_path() -> None:
    b = book(Rule(id="wish", kind="micro_wish", title="{奖励}", award=Fixed(5)))
    [p] = score(b, [wish("a", at(3, 1))])
    assert "完成微心愿（wa），按“{奖励}”计5分，得5分。" == p.explanation_zh
    assert "Micro-wish wa fulfilled, 5 points under “{奖励}”: 5 points." == (
        p.explanation_en
    )


def test_the_collector_is_left_as_it_was() -> None:
    import gc

    b = load("kunshan")
    facts = [service(f"s{i}", at(3, 1 + i % 28), 60) for i in range(5000)]
    it = score(b, facts)
    next(it)
    assert gc.isenabled()
    del it  # abandoned half-way
    assert gc.isenabled()
    gc.disable()
    try:
        assert 5000 == len(list(score(b, facts)))
        assert not gc.isenabled()
    finally:
        gc.enable()
