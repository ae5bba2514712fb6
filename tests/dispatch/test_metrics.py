"""The official rates: hand-computed figures over a small district, edge
cases, and properties over drawn ticket histories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redcity.calendars import Period
from redcity.dispatch import Status, Ticket, replay
from redcity.dispatch.metrics import (
    DEFAULT_HOTLINE_WEIGHTS,
    CaseCounts,
    CaseRates,
    HotlineCounts,
    HotlineWeights,
    ResolutionShares,
    card_metrics,
    case_counts,
    hotline_counts,
    percent,
    resolution_shares,
    ticket_as_of,
)
from redcity.dispatch.policies import Scope
from redcity.errors import UnknownNode, ValidationError
from redcity.grid import GridTree, Level
from redcity.grid.cards import CardPolicy, Threshold, evaluate_cards
from redcity.testing._dispatch_metric_strategies import (
    case_counts_records,
    hotline_counts_records,
    ticket_batches,
)

CST = timezone(timedelta(hours=8))
FEB, MARCH, APRIL = (Period("month", 2026, m) for m in (2, 3, 4))

# d1 ─ s1 ─ c1 ─ g1 ─ b1        d1 ─ s2 ─ c3 ─ g4 ─ b4
#           │    └ g2 ─ b2
#           └ c2 ─ g3 ─ b3
TREE = GridTree.from_records(
    [
        {"id": "d1", "parent": None, "level": "区", "name": "播州区"},
        {"id": "s1", "parent": "d1", "level": "街道", "name": "南白街道"},
        {"id": "c1", "parent": "s1", "level": "社区", "name": "娄山社区"},
        {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
        {"id": "b1", "parent": "g1", "level": "楼栋", "name": "1栋"},
        {"id": "g2", "parent": "c1", "level": "网格", "name": "网格2"},
        {"id": "b2", "parent": "g2", "level": "楼栋", "name": "2栋"},
        {"id": "c2", "parent": "s1", "level": "社区", "name": "南社区"},
        {"id": "g3", "parent": "c2", "level": "网格", "name": "网格3"},
        {"id": "b3", "parent": "g3", "level": "楼栋", "name": "3栋"},
        {"id": "s2", "parent": "d1", "level": "街道", "name": "播南街道"},
        {"id": "c3", "parent": "s2", "level": "社区", "name": "火车站社区"},
        {"id": "g4", "parent": "c3", "level": "网格", "name": "网格4"},
        {"id": "b4", "parent": "g4", "level": "楼栋", "name": "4栋"},
    ]
)
BUILDINGS = ("b1", "b2", "b3", "b4")


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=CST)


def report(
    tid: str, when: datetime, node: str, *, due: datetime | None = None
) -> Ticket:
    return Ticket.report(
        tid,
        at=when,
        actor="grid-worker",
        service_code="env.garbage",
        node_id=node,
        severity="small",
        source="网格巡查",
        expected_datetime=due,
    )


def dispatched(
    tid: str,
    when: datetime,
    node: str,
    due: datetime,
    *,
    to: str,
    file: bool = True,
    department: str | None = None,
) -> Ticket:
    t = report(tid, when, node)
    if file:
        t = t.file(at=when + timedelta(hours=1), actor="center")
    return t.dispatch(
        at=when + timedelta(hours=2),
        to=to,
        level=TREE.level(to),
        actor="center",
        department=department,
        due=due,
    )


def done(t: Ticket, when: datetime, *, rating: int | None = None) -> Ticket:
    """Accept, resolve, check (verify, or rate) and close at ``when``."""
    t = t.accept(at=when - timedelta(hours=4), actor="handler")
    t = t.resolve(at=when - timedelta(hours=3), actor="handler")
    if rating is None:
        t = t.verify(True, at=when - timedelta(hours=1), actor="supervisor")
    else:
        t = t.rate(rating, at=when - timedelta(hours=1), actor="resident")
    return t.close(at=when, actor="center")


def district() -> list[Ticket]:
    """Thirteen tickets around March 2026 (figures in the tests below)."""
    t01 = done(
        dispatched("T01", at(3, 2), "b1", at(3, 10), to="g1"), at(3, 5), rating=4
    )
    t02 = dispatched("T02", at(3, 3), "b1", at(3, 12), to="c1")
    t02 = t02.accept(at=at(3, 4), actor="c").resolve(at=at(3, 8), actor="c")
    t02 = t02.verify(False, at=at(3, 9), actor="supervisor")  # 返工
    t02 = done(t02, at(3, 11))
    t03 = dispatched("T03", at(3, 4), "b2", at(3, 15), to="g2")
    t03 = t03.accept(at=at(3, 5), actor="w")
    t03 = t03.extend(at=at(3, 14), until=at(4, 10), actor="s1", reason="等待配件")
    t03 = t03.resolve(at=at(4, 7), actor="w").verify(True, at=at(4, 8), actor="s")
    t03 = t03.close(at=at(4, 8, 10), actor="center")
    t04 = dispatched("T04", at(3, 5), "b2", at(3, 20), to="g2", department="housing")
    t04 = t04.extend(at=at(3, 18), until=at(3, 28), actor="s1", reason="协调")
    t04 = done(t04, at(3, 27))
    t05 = done(dispatched("T05", at(2, 20), "b3", at(2, 25), to="s1"), at(3, 15))
    t06 = dispatched("T06", at(2, 10), "b3", at(2, 15), to="g3")
    t07 = done(dispatched("T07", at(2, 5), "b1", at(2, 10), to="g1"), at(2, 9))
    t08 = report("T08", at(3, 6), "b4").redirect(
        "119", at=at(3, 6, 10), actor="hotline", reason="火情"
    )
    t09 = report("T09", at(3, 7), "b4").file(at=at(3, 7, 10), actor="center")
    t09 = t09.redirect("outside_duty", at=at(3, 7, 11), actor="c", reason="非职责")
    t10 = report("T10", at(3, 31, 22), "b4").file(at=at(4, 1), actor="center")
    t10 = t10.dispatch(at=at(4, 1, 10), to="g4", level="网格", actor="c", due=at(4, 5))
    t10 = done(t10, at(4, 6))
    t11 = dispatched("T11", at(3, 20), "b2", at(3, 25), to="g2", file=False)
    t11 = t11.accept(at=at(3, 21), actor="m").resolve(at=at(3, 22), actor="m")
    t11 = t11.rate(2, at=at(3, 23), actor="resident")  # 不满意: back to the handler
    t11 = done(t11, at(3, 30), rating=5)
    t12 = dispatched("T12", at(3, 25), "b1", at(4, 2), to="g1")
    t13 = report("T13", at(3, 10), "b3", due=at(3, 20))  # never filed
    return [t01, t02, t03, t04, t05, t06, t07, t08, t09, t10, t11, t12, t13]


TICKETS = district()


def counts(**kw: int) -> CaseCounts:
    return CaseCounts(**kw)


# --------------------------------------------------------------------------
# Hand-computed examples.


def test_march_by_community() -> None:
    expected = {
        "c1": counts(
            accepted=6,  # T01–T04, T11, T12
            filed=6,  # T11 filed by its dispatch (five orders)
            dispatched=6,
            due=4,  # T01, T02, T04 (extended within March), T11; T03 → April
            closed=4,
            closed_on_time=3,  # T11 closed 03-30 after its 03-25 deadline
            reworked=2,  # T02 failed verification, T11 failed rating
            extended=1,  # T04
        ),
        # T13 received, never filed; T05 and T06 carried over from February.
        "c2": counts(accepted=1, due=2, closed=1),
        # T08, T09 redirected; T10 filed only in April.
        "c3": counts(accepted=3),
    }
    assert expected == case_counts(TICKETS, MARCH, tree=TREE, by=Level.COMMUNITY)


def test_march_rolls_up_and_rates_come_from_rolled_counts() -> None:
    by_street = case_counts(TICKETS, MARCH, tree=TREE, by="街道")
    s1 = counts(
        accepted=7,
        filed=6,
        dispatched=6,
        due=6,
        closed=5,
        closed_on_time=3,
        reworked=2,
        extended=1,
    )
    assert {"s1": s1, "s2": counts(accepted=3)} == by_street
    assert (
        CaseRates(
            filing=Fraction(6, 7),
            dispatch=Fraction(1),
            closure=Fraction(5, 6),
            on_time_closure=Fraction(1, 2),
            rework=Fraction(1, 3),
            extension=Fraction(1, 6),
        )
        == s1.rates()
    )
    everything = case_counts(TICKETS, MARCH, tree=TREE)
    assert set(TREE.ids) == set(everything)
    assert s1 + by_street["s2"] == everything["d1"]


def test_march_by_grid_and_own_node() -> None:
    grids = case_counts(TICKETS, MARCH, tree=TREE, by="网格")
    # g1 holds b1: T01, T02, T12 accepted; T01, T02 due and closed on time.
    assert (
        counts(
            accepted=3,
            filed=3,
            dispatched=3,
            due=2,
            closed=2,
            closed_on_time=2,
            reworked=1,
        )
        == grids["g1"]
    )
    own = case_counts(TICKETS, MARCH)  # no tree: each ticket's own node
    assert {"b1", "b2", "b3", "b4"} == set(own)
    assert grids["g1"] == own["b1"]


def test_february_and_april() -> None:
    feb = case_counts(TICKETS, FEB, tree=TREE, by="社区")
    assert (
        counts(accepted=1, filed=1, dispatched=1, due=1, closed=1, closed_on_time=1)
        == feb["c1"]
    )
    assert counts(accepted=2, filed=2, dispatched=2, due=2) == feb["c2"]
    april = case_counts(TICKETS, APRIL, tree=TREE, by="社区")
    # T03 (extended into April, closed on time), T12 (open)
    assert counts(due=2, closed=1, closed_on_time=1, extended=1) == april["c1"]
    # T06 still open: due again (carry-over); T05 closed in March: not due.
    assert counts(due=1) == april["c2"]
    # T10 was accepted in March: April counts its deadline, not its intake.
    assert counts(due=1, closed=1) == april["c3"]


def test_quarter_is_not_the_sum_of_months_for_due() -> None:
    q1 = case_counts(TICKETS, "2026-Q1", tree=TREE, by="区")["d1"]
    assert 10 + 3 == q1.accepted  # every report of February and March
    # T06 counts once in the quarter, though due in February and March.
    months = [case_counts(TICKETS, p, tree=TREE, by="区")["d1"] for p in (FEB, MARCH)]
    assert sum(m.due for m in months) > q1.due


def test_hotline_march() -> None:
    hot = hotline_counts(TICKETS, MARCH, tree=TREE, by="社区")
    c1 = HotlineCounts(
        received=6,
        responded=5,  # T12 not taken yet
        resolved=4,  # T01, T02, T04, T11; T03 still being handled
        satisfied=1,  # T11: last rating 5
        basically_satisfied=1,  # T01: 4
    )
    assert c1 == hot["c1"]
    r = c1.rates()
    assert (Fraction(5, 6), Fraction(2, 3), Fraction(19, 20)) == (
        r.response,
        r.resolution,
        r.satisfaction,
    )
    assert (
        Fraction(1, 10) * Fraction(5, 6)
        + Fraction(9, 20) * Fraction(2, 3)
        + Fraction(9, 20) * Fraction(19, 20)
        == r.composite
    )
    assert HotlineCounts(received=3, redirected=2) == hot["c3"]
    assert Fraction(0) == hot["c3"].rates().response
    assert HotlineCounts(received=1) == hot["c2"]  # T13


def test_hotline_sources_and_rating_scale() -> None:
    only_12345 = hotline_counts(TICKETS, MARCH, sources=["12345"])
    assert {} == only_12345
    strict = hotline_counts(
        TICKETS, MARCH, tree=TREE, by="社区", satisfied_from=5, basic_from=5
    )
    assert (1, 0, 1) == (
        strict["c1"].satisfied,
        strict["c1"].basically_satisfied,
        strict["c1"].dissatisfied,
    )
    with pytest.raises(ValueError, match="basic_from ≤ satisfied_from"):
        hotline_counts(TICKETS, MARCH, satisfied_from=3, basic_from=4)
    with pytest.raises(ValueError, match="rating from 1 to 5"):
        hotline_counts(TICKETS, MARCH, satisfied_from=6)


def test_resolution_shares_march() -> None:
    shares = resolution_shares(TICKETS, TREE, MARCH)
    # T01, T11 in their grid; T02 by the community; T04 by a department.
    assert ResolutionShares(grid=2, community=1, above=1) == shares["c1"]
    assert ResolutionShares(above=1) == shares["c2"]  # T05 by the street
    assert ResolutionShares() == shares["c3"]
    street = resolution_shares(TICKETS, TREE, MARCH, by="街道")["s1"]
    assert (Fraction(2, 5), Fraction(1, 5), Fraction(2, 5)) == (
        street.grid_share,
        street.community_share,
        street.above_share,
    )
    assert Fraction(3, 5) == street.within_community_share
    assert {
        Scope.GRID: None,
        Scope.COMMUNITY: None,
        Scope.ABOVE: None,
    } == shares["c3"].shares()


def test_resolution_shares_unknown_resolver() -> None:
    t = done(dispatched("X", at(3, 2), "b1", at(3, 9), to="g1"), at(3, 4))
    small = GridTree.from_records(
        [
            {"id": "c1", "parent": None, "level": "社区", "name": "娄山社区"},
            {"id": "g9", "parent": "c1", "level": "网格", "name": "网格9"},
            {"id": "b1", "parent": "g9", "level": "楼栋", "name": "1栋"},
        ]
    )
    with pytest.raises(UnknownNode, match="'X' resolved at 'g1'"):
        resolution_shares([t], small, MARCH)


def test_card_metrics_drive_cards() -> None:
    policy = CardPolicy(
        [
            Threshold("结案率", "higher", yellow=Fraction(9, 10), red=Fraction(3, 5)),
            Threshold("满意率", "higher", yellow=Fraction(9, 10)),
        ]
    )
    months = {
        p.label: card_metrics(
            case_counts(TICKETS, p, tree=TREE, by="社区"),
            hotline_counts(TICKETS, p, tree=TREE, by="社区"),
        )
        for p in (FEB, MARCH)
    }
    assert {"立案率", "派遣率", "结案率", "按期结案率", "返工率", "延期率"} | {
        "响应率",
        "解决率",
        "满意率",
        "综合得分",
    } == set(months["2026-03"]["c1"])
    assert "结案率" not in months["2026-03"]["c3"]  # nothing due: left out
    history = evaluate_cards(policy, months)
    assert {"c1": "绿牌", "c2": "红牌", "c3": "绿牌"} == {
        d.node_id: d.card.zh for d in history.for_period("2026-03")
    }
    en = card_metrics(case_counts(TICKETS, MARCH, tree=TREE, by="社区"), names="en")
    assert Fraction(1) == en["c1"]["closure"]


# --------------------------------------------------------------------------
# Records, rates and edges.


def test_zero_denominators_are_none() -> None:
    r = CaseCounts().rates()
    assert all(v is None for v in r.as_dict().values())
    assert "立案率 —, 派遣率 —, 结案率 —, 按期结案率 —, 返工率 —, 延期率 —" == str(r)
    h = HotlineCounts(received=2, redirected=2).rates()
    assert (None, None, None, None) == (
        h.response,
        h.resolution,
        h.satisfaction,
        h.composite,
    )
    # Nothing rated: 满意率 and the composite are None, the others are not.
    h = HotlineCounts(received=2, responded=1).rates()
    assert (Fraction(1, 2), Fraction(0), None, None) == (
        h.response,
        h.resolution,
        h.satisfaction,
        h.composite,
    )


def test_case_counts_validation_names_every_field() -> None:
    with pytest.raises(ValidationError) as info:
        CaseCounts(accepted=1, filed=2, dispatched=3, due=-1, reworked=1)
    fields = [p.field for p in info.value.problems]
    assert ["due", "filed", "dispatched"] == fields  # reworked ≤ due: moot
    with pytest.raises(TypeError, match=r"CaseCounts\.closed"):
        CaseCounts(due=1, closed=True)
    with pytest.raises(TypeError, match="whole number"):
        CaseCounts(due=1.0)  # type: ignore[arg-type]


def test_hotline_counts_validation() -> None:
    with pytest.raises(ValidationError, match="responded"):
        HotlineCounts(received=2, redirected=1, responded=2)
    with pytest.raises(ValidationError, match="resolved"):
        HotlineCounts(received=2, responded=1, resolved=2)
    with pytest.raises(ValidationError, match="rated after it is taken"):
        HotlineCounts(received=2, responded=1, satisfied=1, dissatisfied=1)


def test_weights() -> None:
    assert Fraction(9, 10) == DEFAULT_HOTLINE_WEIGHTS.basically_satisfied
    w = HotlineWeights(response=0, resolution="1/2", satisfaction="0.5")
    assert Fraction(1, 2) == w.resolution
    with pytest.raises(ValidationError) as info:
        HotlineWeights(response=0.1, basically_satisfied=2)  # type: ignore[arg-type]
    assert {"response", "basically_satisfied", "satisfaction"} == {
        p.field for p in info.value.problems
    }
    h = HotlineCounts(received=1, responded=1, resolved=1, basically_satisfied=1)
    assert Fraction(1) == h.rates(HotlineWeights(basically_satisfied=1)).satisfaction
    assert (
        Fraction(4, 5)
        == h.rates(HotlineWeights(basically_satisfied="0.8")).satisfaction
    )
    with pytest.raises(TypeError, match="HotlineWeights"):
        h.rates({"basic": 1})  # type: ignore[arg-type]


def test_addition_and_sum() -> None:
    a = CaseCounts(accepted=2, filed=1, due=3, closed=1)
    b = CaseCounts(accepted=1, filed=1, dispatched=1, due=1, extended=1)
    assert (
        CaseCounts(accepted=3, filed=2, dispatched=1, due=4, closed=1, extended=1)
        == a + b
    )
    assert a + b == sum([a, b], CaseCounts()) == sum([a, b])
    with pytest.raises(TypeError):
        _ = a + 1
    with pytest.raises(TypeError):
        _ = 1 + a
    h = HotlineCounts(received=1)
    assert HotlineCounts(received=2) == sum([h, h])
    assert ResolutionShares(grid=2) == sum([ResolutionShares(grid=1)] * 2)


def test_percent_and_labels() -> None:
    assert "12.5%" == percent(Fraction(1, 8))
    assert "13%" == percent(Fraction(1, 8), 0)
    assert "100.00%" == percent(Fraction(1), 2)
    assert "—" == percent(None)
    r = CaseCounts(accepted=3, filed=2).rates()
    assert "66.7%" == r.percent("filing") == r.percent("立案率")
    assert Fraction(2, 3) == r.zh["立案率"]
    with pytest.raises(KeyError, match="known: filing"):
        r.percent("closing")
    with pytest.raises(ValueError, match="digits"):
        percent(Fraction(1, 2), -1)


def test_arguments() -> None:
    with pytest.raises(ValueError, match="needs a tree"):
        case_counts(TICKETS, MARCH, by="社区")
    with pytest.raises(UnknownNode, match="'b1'"):
        case_counts(
            TICKETS,
            MARCH,
            tree=GridTree.from_records(
                [{"id": "c9", "parent": None, "level": "社区", "name": "洗马社区"}]
            ),
        )
    with pytest.raises(TypeError, match="Expected Tickets"):
        case_counts([TICKETS[0].events[0]], MARCH)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="Period"):
        case_counts(TICKETS, 2026)  # type: ignore[arg-type]
    assert case_counts(TICKETS, "2026-03") == case_counts(TICKETS, MARCH)


def test_ticket_as_of() -> None:
    t10 = TICKETS[9]
    before = ticket_as_of(t10, APRIL.start)
    assert before is not None
    assert Status.REPORTED == before.status
    assert ticket_as_of(t10, MARCH.start) is None
    assert t10 is ticket_as_of(t10, at(5, 1))


# --------------------------------------------------------------------------
# Properties over drawn histories.

BATCHES = ticket_batches(
    node_ids=BUILDINGS, start=datetime(2026, 2, 10, tzinfo=CST), max_size=6
)
PERIODS = st.sampled_from([FEB, MARCH, APRIL, Period.parse("2026-Q1")])
FEW = settings(max_examples=40, deadline=None)


def _truncate(tickets: list[Ticket], moment: datetime) -> list[Ticket]:
    out = []
    for t in tickets:
        events = [e for e in t.events if e.at < moment]
        if events:
            out.append(replay(t.id, events))
    return out


@FEW
@given(BATCHES, PERIODS)
def test_streets_are_the_sum_of_their_communities(
    tickets: list[Ticket], period: Period
) -> None:
    for compute, zero in (
        (case_counts, CaseCounts()),
        (hotline_counts, HotlineCounts()),
        (
            lambda ts, p, tree, by: resolution_shares(ts, tree, p, by=by),
            ResolutionShares(),
        ),
    ):
        fn: Callable[..., dict[str, object]] = compute  # type: ignore[assignment]
        streets = fn(tickets, period, tree=TREE, by="街道")
        communities = fn(tickets, period, tree=TREE, by="社区")
        for s, total in streets.items():
            parts = [communities[c] for c in TREE.nodes("社区") if TREE.contains(s, c)]
            assert total == sum(parts, zero)  # type: ignore[type-var]


@FEW
@given(BATCHES, PERIODS)
def test_rates_are_in_the_unit_interval(tickets: list[Ticket], period: Period) -> None:
    cases = case_counts(tickets, period, tree=TREE)
    hot = hotline_counts(tickets, period, tree=TREE)
    for m in card_metrics(cases, hot).values():
        assert all(0 <= v <= 1 for v in m.values())
    shares = resolution_shares(tickets, TREE, period, by=None)
    for s in shares.values():
        assert all(v is None or 0 <= v <= 1 for v in s.shares().values())


@FEW
@given(BATCHES, PERIODS, st.randoms(use_true_random=False))
def test_counts_do_not_depend_on_ticket_order(
    tickets: list[Ticket], period: Period, rnd: object
) -> None:
    shuffled = list(tickets)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert case_counts(tickets, period, tree=TREE) == case_counts(
        shuffled, period, tree=TREE
    )
    assert hotline_counts(tickets, period) == hotline_counts(iter(shuffled), period)


@FEW
@given(BATCHES, PERIODS)
def test_counts_are_final_at_the_period_end(
    tickets: list[Ticket], period: Period
) -> None:
    """Events after the period's end change none of its figures."""
    cut = _truncate(tickets, period.end)
    assert case_counts(tickets, period, tree=TREE) == case_counts(
        cut, period, tree=TREE
    )
    assert hotline_counts(tickets, period) == hotline_counts(cut, period)


def _oracle_due(t: Ticket, period: Period) -> bool:
    """应结案 from the definition, on a plain replay of the prefix."""
    events = [e for e in t.events if e.at < period.end]
    if not events:
        return False
    s = replay(t.id, events)
    if s.status is Status.REDIRECTED or s.filed_at is None:
        return False
    d = s.expected_datetime
    if d is None or d >= period.end:
        return False
    return d >= period.start or s.closed_at is None or s.closed_at >= period.start


@FEW
@given(BATCHES, st.sampled_from([FEB, MARCH]))
def test_due_includes_carry_over(tickets: list[Ticket], period: Period) -> None:
    nxt = period.next()
    for t in tickets:
        mine = case_counts([t], period).get(t.node_id, CaseCounts())
        later = case_counts([t], nxt).get(t.node_id, CaseCounts())
        assert _oracle_due(t, period) == bool(mine.due)
        assert _oracle_due(t, nxt) == bool(later.due)
        s = ticket_as_of(t, nxt.end)
        if (
            s is not None
            and mine.due
            and not mine.closed
            and s.status is not Status.REDIRECTED
            and s.expected_datetime is not None
            and s.expected_datetime < nxt.end
        ):
            assert 1 == later.due  # still open: due again


@FEW
@given(BATCHES, PERIODS)
def test_counts_add_over_tickets(tickets: list[Ticket], period: Period) -> None:
    total = case_counts(tickets, period, tree=TREE, by="区")["d1"]
    one_by_one = [case_counts([t], period, tree=TREE, by="区")["d1"] for t in tickets]
    assert total == sum(one_by_one, CaseCounts())


@given(case_counts_records())
def test_case_rates_match_the_formulas(c: CaseCounts) -> None:
    def div(a: int, b: int) -> Fraction | None:
        return Fraction(a, b) if b else None

    r = c.rates()
    assert div(c.filed, c.accepted) == r.filing
    assert div(c.dispatched, c.filed) == r.dispatch
    assert div(c.closed, c.due) == r.closure
    assert div(c.closed_on_time, c.due) == r.on_time_closure
    assert div(c.reworked, c.due) == r.rework
    assert div(c.extended, c.due) == r.extension
    assert all(v is None or 0 <= v <= 1 for v in r.as_dict().values())


@given(hotline_counts_records(), hotline_counts_records())
def test_hotline_rates_match_the_formulas(h: HotlineCounts, g: HotlineCounts) -> None:
    r = h.rates()
    n = h.received - h.redirected
    rated = h.satisfied + h.basically_satisfied + h.dissatisfied
    assert (Fraction(h.responded, n) if n else None) == r.response
    assert (Fraction(h.resolved, n) if n else None) == r.resolution
    sat = (
        (h.satisfied + Fraction(9, 10) * h.basically_satisfied) / rated
        if rated
        else None
    )
    assert sat == r.satisfaction
    assert all(v is None or 0 <= v <= 1 for v in r.as_dict().values())
    assert (h + g).as_tuple() == tuple(
        a + b for a, b in zip(h.as_tuple(), g.as_tuple(), strict=True)
    )
