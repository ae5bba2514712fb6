"""The law suites: they hold for what redcity ships, and break readably."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pytest

from redcity.calendars import WorkCalendar
from redcity.datasets import zunyi
from redcity.dispatch import BoundedEscalation, SlaTable
from redcity.grid import (
    Card,
    CardHistory,
    CardPolicy,
    GridTree,
    Threshold,
    evaluate_cards,
)
from redcity.points import (
    Cap,
    Condition,
    Fact,
    Fixed,
    PerHour,
    Posting,
    Rule,
    RuleBook,
    compile_rulebook,
    score,
)
from redcity.points.examples import EXAMPLES, example_rulebook
from redcity.testing.laws import (
    LawBroken,
    LawReport,
    check_card_policy,
    check_escalation,
    check_rulebook,
    check_sla,
)

QUICK: dict[str, Any] = {"max_examples": 30, "derandomize": True}


def broken(report: LawReport, law: str) -> str:
    """The message of the one broken law, which must be ``law``."""
    assert [law] == [b.law for b in report.broken]
    return report.broken[0].message


# -- rulebooks ----------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_example_rulebooks_keep_every_law(name: str) -> None:
    report = check_rulebook(example_rulebook(name), **QUICK)
    assert report.ok, str(report)


def test_monotonicity_does_not_apply_to_a_rulebook_with_deductions() -> None:
    report = check_rulebook(example_rulebook("party"), **QUICK)
    [na] = [r for r in report.results if r.holds is None]
    assert na.law.startswith("monotonicity")


TIERS = RuleBook(
    id="tiers",
    version="draft",
    issuer_id="street",
    effective_from=date(2026, 1, 1),
    rules=[
        Rule(id="normal", kind="service", group="hours", award=PerHour(rate=10)),
        Rule(
            id="long",
            kind="service",
            group="hours",
            precedence=1,
            when=[Condition("hours", ">=", 4)],
            award=Fixed(30),
        ),
    ],
)


def test_a_flat_long_service_tier_breaks_monotonicity_minimally() -> None:
    message = broken(
        check_rulebook(TIERS, max_examples=60, derandomize=True),
        "monotonicity: more certified hours never earn fewer points",
    )
    # one member, one service just under 4 h, lengthened past it
    assert message.startswith("member m1 earned 3")
    assert "but 30 once service s lasted" in message
    assert "rule long 0 → 30" in message
    assert "facts: s service by m1 at g1, 2026-" in message
    assert ";" not in message.split("facts: ")[1]  # a single fact


CAPPED = RuleBook(
    id="capped",
    version="1",
    issuer_id="street",
    effective_from=date(2026, 1, 1),
    rules=[Rule(id="service-hours", kind="service", award=PerHour(rate=10))],
    caps=[Cap(id="daily", per="day", max_points=20)],
)
_UNCAPPED = compile_rulebook(attrs.evolve(CAPPED, caps=[]))


def forgets_caps(_book: RuleBook, facts: Sequence[Fact]) -> list[Posting]:
    """A buggy app's scoring path: it scores without the rulebook's caps."""
    return list(score(_UNCAPPED, facts))


def test_a_scorer_that_forgets_caps_breaks_caps_with_member_day_and_facts() -> None:
    report = check_rulebook(CAPPED, scorer=forgets_caps, **QUICK)
    message = broken(report, "caps respected")
    assert message.startswith("member m1 reached 21 points on 2026-")
    assert "under rule service-hours, over its daily cap of 20" in message
    assert "(cap daily over service-hours)" in message
    assert "postings: f0 +21 (service-hours)" in message
    assert "facts: f0 service by m1 at g1" in message
    assert "(2.05 h, " in message


def forgets_order(book: RuleBook, facts: Sequence[Fact]) -> list[Posting]:
    """A buggy scoring path: a cap of 20 filled in the order facts arrive."""
    arrival = {f.id: i for i, f in enumerate(facts)}
    running: dict[str, int] = {}
    kept = []
    for p in sorted(score(book, facts), key=lambda p: arrival[p.fact_id]):
        left = 20 - running.get(p.member_id, 0)
        if left > 0:
            kept.append(attrs.evolve(p, points=min(p.points, left)))
            running[p.member_id] = running.get(p.member_id, 0) + min(p.points, left)
    return kept


def test_a_scorer_that_depends_on_arrival_order_breaks_order_independence() -> None:
    report = check_rulebook(
        attrs.evolve(CAPPED, caps=[]), scorer=forgets_order, **QUICK
    )
    message = report.broken[0].message
    assert "order independence" == report.broken[0].law
    assert message.startswith("the same facts scored differently in the orders [")
    assert (
        "the same postings came out as [f0 (service-hours), f1 (service-hours)]"
        in message
    )


def test_raise_if_broken_raises_the_counterexample() -> None:
    report = check_rulebook(CAPPED, scorer=forgets_caps, **QUICK)
    with pytest.raises(LawBroken, match=r"^caps respected: member m1 reached 21"):
        report.raise_if_broken()


def test_a_rulebook_outside_2026_is_read_as_in_force_and_says_so() -> None:
    later = attrs.evolve(CAPPED, effective_from=date(2030, 1, 1))
    report = check_rulebook(later, max_examples=5, derandomize=True)
    assert report.ok
    assert "as if in force throughout 2026" in report.notes[0]


# -- card policies --------------------------------------------------------------

POLICY = CardPolicy(
    [
        Threshold("满意率", "higher", yellow=90, red=80),
        Threshold("逾期件数", "lower", yellow=2, red=5),
    ]
)


def test_card_policies_keep_the_card_laws() -> None:
    report = check_card_policy(POLICY, **QUICK)
    assert report.ok, str(report)


def hasty(
    policy: CardPolicy, data: Any, *, initial: dict[str, Card] | None = None
) -> CardHistory:
    """A buggy evaluator: every node gets its qualifying card at once."""
    history = evaluate_cards(policy, data, initial=initial)
    decisions = tuple(attrs.evolve(d, card=d.qualifying) for d in history.decisions)
    return attrs.evolve(history, decisions=decisions)


def test_an_evaluator_without_hysteresis_breaks_promotion_laws() -> None:
    report = check_card_policy(POLICY, evaluate=hasty, **QUICK)
    assert [
        "promotion one colour at a time",
        "promotion only after 2 qualifying periods",
    ] == [b.law for b in report.broken]
    message = report.broken[0].message
    assert message.startswith("grid g1 went from 红牌 (red) to 绿牌 (green) in 2026-0")
    assert "skipping 黄牌 (yellow)" in message
    assert "History of g1:" in message


class Inverted:
    """A hand-written policy that reads 满意率 backwards."""

    thresholds = (Threshold("满意率", "higher", yellow=90, red=80),)
    promote_after = 2

    def __call__(self, metrics: Any) -> Card:
        value = metrics.get("满意率")
        return Card.GREEN if value is None or value < 80 else Card.RED


def test_a_policy_where_better_metrics_earn_worse_cards_is_caught() -> None:
    report = check_card_policy(Inverted(), evaluate=lambda p, d, initial: None, **QUICK)  # type: ignore[arg-type]
    law = report.results[0]
    assert "better metrics never earn a worse card" == law.law
    assert law.holds is False
    assert "qualifies for 绿牌 (green), but with the better {满意率: " in law.message
    assert "(满意率: higher is better) for 红牌 (red)" in law.message


# -- escalation -------------------------------------------------------------------


@pytest.fixture(scope="module")
def tree() -> GridTree:
    return zunyi()


def test_the_default_escalation_keeps_the_laws_on_drawn_trees() -> None:
    assert check_escalation(BoundedEscalation(), **QUICK).ok


def test_the_default_escalation_keeps_the_laws_on_zunyi(tree: GridTree) -> None:
    lenient = BoundedEscalation({"small": "社区", "big": "街道", "urgent": "区"})
    for policy in (BoundedEscalation(), lenient):
        report = check_escalation(policy, tree, **QUICK)
        assert report.ok, str(report)


def leapfrog(
    tree: GridTree, node: str, severity: Any, whistled: bool = False
) -> str | None:
    """A broken policy: it jumps two levels at a time."""
    up = tree.parent(node)
    if up is None:
        return None
    return tree.parent(up) or up


def test_a_policy_that_jumps_two_levels_is_named_with_nodes_and_levels() -> None:
    report = check_escalation(leapfrog, **QUICK)
    skip = next(b for b in report.broken if b.law == "escalation never skips a level")
    assert "went without a whistle to" in skip.message
    assert "one level up is" in skip.message
    assert "(区, district)" in skip.message
    assert "(市, city)" in skip.message
    bound = next(
        b for b in report.broken if b.law == "never passes its bound without a whistle"
    )
    assert "without a whistle" in bound.message
    assert "小事不出网格" in bound.message


def test_a_policy_ignoring_bounds_breaks_them_on_zunyi(tree: GridTree) -> None:
    def reckless(
        t: GridTree, node: str, severity: Any, whistled: bool = False
    ) -> str | None:
        return t.parent(node)

    report = check_escalation(
        reckless,
        tree,
        bounds={"small": "网格", "big": "社区", "urgent": "街道"},
        **QUICK,
    )
    message = broken(report, "never passes its bound without a whistle")
    assert "climbed to" in message
    assert "Path:" in message


# -- SLA --------------------------------------------------------------------------


def test_the_default_sla_table_keeps_the_laws() -> None:
    table = SlaTable.from_toml(
        '[default]\nresolve = "5 working days"\n[severity.urgent]\nrespond = "1h"\n'
    )
    for t in (SlaTable.default(), table):
        report = check_sla(t, WorkCalendar.china(), **QUICK)
        assert report.ok, str(report)


class CalendarDays:
    """A broken table: 7 calendar days, ignoring the working calendar."""

    def deadline(
        self,
        calendar: WorkCalendar,
        category: str,
        severity: Any,
        start: datetime,
        *,
        clock: Any = "resolve",
    ) -> datetime:
        return start + timedelta(days=7)


def test_calendar_day_deadlines_break_working_day_and_hour_laws() -> None:
    report = check_sla(CalendarDays(), **QUICK)
    assert [
        "deadlines land on working days",
        "deadlines land within working hours",
    ] == [b.law for b in report.broken]
    day = report.broken[0].message
    assert day.startswith("a small case of category other started ")
    assert ", a day off." in day
    assert (
        "outside the working hours 08:30–12:00, 14:00–17:30" in report.broken[1].message
    )
