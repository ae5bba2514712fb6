"""Rulebook laws: order independence, duplicates, caps, monotonicity."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import settings
from hypothesis import strategies as st

from redcity.calendars import WorkCalendar
from redcity.grid import GridTree, Level
from redcity.points import (
    CapPeriod,
    CompiledRuleBook,
    Deduct,
    Fact,
    Posting,
    RuleBook,
    ServiceRecord,
    compile_rulebook,
    score,
)
from redcity.testing._laws_core import LawReport, LawResult, law_settings, run_law
from redcity.testing._points_strategies import CATEGORIES, MEMBER_IDS, fact_lists
from redcity.testing._points_strategies import facts as facts_of

__all__ = ["Scorer", "check_rulebook", "describe_fact"]

Scorer = Callable[[RuleBook, Sequence[Fact]], Iterable[Posting]]
"""Scores facts under a rulebook, as :func:`redcity.points.score` does."""

_COMMON = frozenset({"id", "at", "member_id", "node_id", "kind"})


def _hours(value: Fraction) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text} h"


def describe_fact(fact: Fact, tz: str = "Asia/Shanghai") -> str:
    """One fact in words: id, kind, member, node, local time, and what it says.

    >>> from datetime import datetime, timedelta, timezone
    >>> from redcity.points import ServiceRecord
    >>> cst = timezone(timedelta(hours=8))
    >>> print(describe_fact(ServiceRecord(id="f1", member_id="m1", node_id="g1",
    ...     at=datetime(2026, 3, 2, 8, tzinfo=cst),
    ...     end=datetime(2026, 3, 2, 10, 30, tzinfo=cst),
    ...     category="助老", organizer_id="o")))
    f1 service by m1 at g1, 2026-03-02 08:00–10:30 (2.5 h, 助老)
    """
    zone = ZoneInfo(tz)
    local = fact.at.astimezone(zone)
    head = f"{fact.id} {fact.kind.value} by {fact.member_id} at {fact.node_id}, "
    if isinstance(fact, ServiceRecord):
        end = fact.end.astimezone(zone)
        until = (
            f"{end:%H:%M}" if end.date() == local.date() else f"{end:%Y-%m-%d %H:%M}"
        )
        return (
            f"{head}{local:%Y-%m-%d %H:%M}–{until} "
            f"({_hours(fact.hours)}, {fact.category})"
        )
    extra = [
        f"{f.name} {getattr(fact, f.name)!s}"
        for f in attrs.fields(type(fact))
        if f.name not in _COMMON and getattr(fact, f.name) not in (None, "", ())
    ]
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"{head}{local:%Y-%m-%d %H:%M}{tail}"


def _facts_text(facts: Sequence[Fact], tz: str) -> str:
    if not facts:
        return "no facts"
    return "facts: " + "; ".join(describe_fact(f, tz) for f in facts)


def _postings_key(postings: Iterable[Posting]) -> list[tuple[str, str, str, int]]:
    return [(p.fact_id, p.rule_id, p.member_id, p.points) for p in postings]


def _first_difference(
    a: list[tuple[str, str, str, int]], b: list[tuple[str, str, str, int]]
) -> str:
    amap = {(f, r, m): pts for f, r, m, pts in a}
    bmap = {(f, r, m): pts for f, r, m, pts in b}
    for key in sorted(amap.keys() | bmap.keys()):
        if amap.get(key) != bmap.get(key):
            fact_id, rule_id, member = key
            return (
                f"fact {fact_id} earned member {member} {amap.get(key, 0)} points "
                f"under rule {rule_id} the first time and {bmap.get(key, 0)} "
                "the second"
            )
    first = ", ".join(f"{f} ({r})" for f, r, _, _ in a)
    second = ", ".join(f"{f} ({r})" for f, r, _, _ in b)
    return (
        f"the same postings came out as [{first}] the first time and "
        f"[{second}] the second"
    )


def _period_key(cap_per: CapPeriod | None, at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone)
    if cap_per is CapPeriod.DAY:
        return f"on {local:%Y-%m-%d}"
    if cap_per is CapPeriod.WEEK:
        year, week, _ = local.isocalendar()
        return f"in ISO week {year}-W{week:02d}"
    if cap_per is CapPeriod.MONTH:
        return f"in {local:%Y-%m}"
    if cap_per is CapPeriod.QUARTER:
        return f"in {local.year}-Q{(local.month - 1) // 3 + 1}"
    return f"in {local.year}"


def _in_force_2026(book: RuleBook) -> tuple[RuleBook, tuple[str, ...]]:
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    until = book.effective_until
    if book.effective_from <= start and (until is None or until >= end):
        return book, ()
    widened = attrs.evolve(book, effective_from=start, effective_until=None)
    note = (
        f"the rulebook runs from {book.effective_from} to {until or 'open end'}; "
        "its rules and caps were checked as if in force throughout 2026, "
        "the year of the drawn facts"
    )
    return widened, (note,)


def _categories(book: RuleBook) -> tuple[str, ...]:
    found = set(CATEGORIES)
    for rule in book.rules:
        for condition in rule.when:
            if condition.field == "category" and isinstance(
                condition.value, frozenset | tuple | list
            ):
                found.update(v for v in condition.value if isinstance(v, str))
    return tuple(sorted(found))


def check_rulebook(
    book: RuleBook,
    *,
    tree: GridTree | None = None,
    calendar: WorkCalendar | None = None,
    scorer: Scorer | None = None,
    members: Sequence[str] = MEMBER_IDS,
    max_days: int = 10,
    max_facts: int = 12,
    max_examples: int | None = None,
    derandomize: bool | None = None,
    settings: settings | None = None,
) -> LawReport:
    """Check the rulebook laws; each broken law comes with its smallest example.

    Laws:

    * **order independence** — the same facts in any order score the same;
    * **idempotence under duplicated facts** — sending a fact twice changes
      nothing;
    * **caps respected** — no member's running total under a cap's rules
      passes its ``max_points`` (or falls below its ``min_points``) in any
      of its periods, in the rulebook's zone;
    * **monotonicity** — more certified hours never earn fewer points (for a
      rulebook without deductions: not applicable otherwise).

    Facts are drawn with :func:`~redcity.testing.strategies.fact_lists` in
    2026, over ``members``, the grids of ``tree`` (else ``g1``, ``g2``) and
    every service category the rulebook names.

    Args:
        book: The draft rulebook.
        tree: The grid, when rules condition on ``node``.
        calendar: For ``day`` conditions; ``WorkCalendar.china()`` by default.
        scorer: How facts are scored: ``scorer(book, facts)`` → postings; by
            default :func:`redcity.points.score`.  Pass your app's own
            scoring path to check it keeps the laws too.
        members: Member ids the facts are drawn for.
        max_days: How many days the facts spread over (fewer crowd caps).
        max_facts: Most facts in one example.
        max_examples: Examples per law; the loaded Hypothesis profile's by
            default.
        derandomize: Search deterministically (as the ``ci`` profile does).
        settings: Hypothesis settings to start from.

    >>> from redcity.points.examples import example_rulebook
    >>> report = check_rulebook(example_rulebook("hailin"), max_examples=10)
    >>> report.ok
    True
    """
    checked, notes = _in_force_2026(book)
    if scorer is None:
        frozen: CompiledRuleBook = compile_rulebook(
            checked, tree=tree, calendar=calendar
        )

        def scored(_book: RuleBook, facts: Sequence[Fact]) -> list[Posting]:
            return list(score(frozen, facts))

        run: Scorer = scored
    else:
        run = scorer
    tz = checked.tz
    zone = ZoneInfo(tz)
    nodes = (tree.nodes(Level.GRID) or tree.ids) if tree is not None else ("g1", "g2")
    vocabulary: dict[str, Any] = {
        "member_ids": members,
        "node_ids": nodes,
        "categories": _categories(checked),
        "max_size": max_facts,
        "max_days": max_days,
    }
    facts = fact_lists(**vocabulary)
    service = facts_of(
        kinds=["service"],
        member_ids=members,
        node_ids=nodes,
        categories=vocabulary["categories"],
    )
    how = law_settings(settings, max_examples, derandomize)
    results = [
        run_law(
            "order independence", _permuted(facts), _order_law(checked, run, tz), how
        ),
        run_law(
            "idempotence under duplicated facts",
            _duplicated(facts),
            _duplicate_law(checked, run, tz),
            how,
        ),
        run_law("caps respected", facts, _caps_law(checked, run, tz, zone), how),
    ]
    name = "monotonicity: more certified hours never earn fewer points"
    deducting = [r.id for r in checked.rules if isinstance(r.award, Deduct)]
    if deducting:
        results.append(
            LawResult(name, None, f"rules {', '.join(deducting)} deduct points")
        )
    else:
        # First one service alone (tiers, upper bounds on hours), then one
        # among other facts (caps whose rule sets cross): a search over
        # long lists spends its examples varying the other facts.
        pivots = _hour_pivots(checked)
        monotone = _monotone_law(checked, run, tz)
        result = run_law(name, _lengthened(st.just([]), service, pivots), monotone, how)
        if result.holds:
            result = run_law(name, _lengthened(facts, service, pivots), monotone, how)
        results.append(result)
    return LawReport(f"rulebook {book.id} {book.version}", tuple(results), notes)


# -- strategies -----------------------------------------------------------


def _permuted(
    facts: st.SearchStrategy[list[Fact]],
) -> st.SearchStrategy[tuple[list[Fact], list[Fact]]]:
    # Independent draws shrink better than a flatmap: the facts, then sort keys.
    def apply(pair: tuple[list[Fact], list[int]]) -> tuple[list[Fact], list[Fact]]:
        fs, keys = pair
        order = sorted(range(len(fs)), key=lambda i: keys[i % len(keys)] - i)
        return fs, [fs[i] for i in order]

    keys = st.lists(st.integers(0, 30), min_size=1, max_size=30)
    return st.tuples(facts, keys).map(apply)


def _duplicated(
    facts: st.SearchStrategy[list[Fact]],
) -> st.SearchStrategy[tuple[list[Fact], list[Fact]]]:
    def apply(pair: tuple[list[Fact], list[int]]) -> tuple[list[Fact], list[Fact]]:
        fs, picks = pair
        return fs, [fs[i % len(fs)] for i in picks] if fs else []

    picks = st.lists(st.integers(0, 30), min_size=1, max_size=3)
    return st.tuples(facts, picks).map(apply)


def _hour_pivots(book: RuleBook) -> list[int]:
    """Service lengths in minutes just under the hours a rule tests."""
    pivots: set[int] = set()
    for rule in book.rules:
        for condition in rule.when:
            if condition.field == "hours" and isinstance(
                condition.value, int | Decimal
            ):
                edge = int(condition.value * 60)
                pivots.update(m for m in (edge - 30, edge - 5, edge - 1) if m > 0)
    return sorted(pivots)


def _lengthened(
    context: st.SearchStrategy[list[Fact]],
    service: st.SearchStrategy[Fact],
    pivots: Sequence[int],
) -> st.SearchStrategy[tuple[list[Fact], int, int]]:
    # The service to lengthen is drawn on its own (id "s", any length up to
    # 8 h), so shrinking can drop every other fact without changing which
    # one is lengthened.
    def apply(
        drawn: tuple[Fact, int, list[Fact], int],
    ) -> tuple[list[Fact], int, int]:
        target, length, others, minutes = drawn
        assert isinstance(target, ServiceRecord)
        end = target.at + timedelta(minutes=length)
        return [attrs.evolve(target, id="s", end=end), *others], 0, minutes

    return st.tuples(service, st.integers(1, 480), context, st.integers(1, 480)).map(
        apply
    )


# -- laws -------------------------------------------------------------------


def _order_law(book: RuleBook, run: Scorer, tz: str) -> Callable[[Any], str | None]:
    def law(example: tuple[list[Fact], list[Fact]]) -> str | None:
        facts, other = example
        a, b = _postings_key(run(book, facts)), _postings_key(run(book, other))
        if a == b:
            return None
        order_a = ", ".join(f.id for f in facts)
        order_b = ", ".join(f.id for f in other)
        return (
            f"the same facts scored differently in the orders [{order_a}] and "
            f"[{order_b}]: {_first_difference(a, b)}; {_facts_text(facts, tz)}."
        )

    return law


def _duplicate_law(book: RuleBook, run: Scorer, tz: str) -> Callable[[Any], str | None]:
    def law(example: tuple[list[Fact], list[Fact]]) -> str | None:
        facts, again = example
        a, b = _postings_key(run(book, facts)), _postings_key(run(book, facts + again))
        if a == b:
            return None
        ids = ", ".join(sorted({f.id for f in again}))
        return (
            f"sending {ids} twice changed the postings: {_first_difference(a, b)}; "
            f"{_facts_text(facts, tz)}."
        )

    return law


def _caps_law(
    book: RuleBook, run: Scorer, tz: str, zone: ZoneInfo
) -> Callable[[list[Fact]], str | None]:
    all_rules = tuple(r.id for r in book.rules)

    def law(facts: list[Fact]) -> str | None:
        postings = sorted(run(book, facts), key=lambda p: p.at)  # stable
        for cap in book.caps:
            rules = set(cap.rules or all_rules)
            running: dict[tuple[str, str], int] = {}
            seen: dict[tuple[str, str], list[Posting]] = {}
            for p in postings:
                if p.rule_id not in rules:
                    continue
                key = (p.member_id, _period_key(cap.per, p.at, zone))
                running[key] = running.get(key, 0) + p.points
                seen.setdefault(key, []).append(p)
                total = running[key]
                over = cap.max_points is not None and total > cap.max_points
                under = cap.min_points is not None and total < cap.min_points
                if not (over or under):
                    continue
                member, when = key
                period = cap.per.en if cap.per is not None else "per-period"
                limit = (
                    f"over its {period} cap of {cap.max_points}"
                    if over
                    else f"below its {period} floor of {cap.min_points}"
                )
                lines = ", ".join(
                    f"{q.fact_id} {q.points:+d} ({q.rule_id})" for q in seen[key]
                )
                return (
                    f"member {member} reached {total} points {when} under rule "
                    f"{p.rule_id}, {limit} (cap {cap.id} over "
                    f"{', '.join(sorted(rules))}); postings: {lines}; "
                    f"{_facts_text(facts, tz)}."
                )
        return None

    return law


def _monotone_law(book: RuleBook, run: Scorer, tz: str) -> Callable[[Any], str | None]:
    def totals(facts: Sequence[Fact]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for p in run(book, facts):
            rules = out.setdefault(p.member_id, {})
            rules[p.rule_id] = rules.get(p.rule_id, 0) + p.points
        return out

    def law(example: tuple[list[Fact], int, int]) -> str | None:
        facts, index, minutes = example
        if index < 0:
            return None
        fact = facts[index]
        assert isinstance(fact, ServiceRecord)
        longer = attrs.evolve(fact, end=fact.end + timedelta(minutes=minutes))
        more = [longer if i == index else f for i, f in enumerate(facts)]
        before, after = totals(facts), totals(more)
        for member, rules in sorted(before.items()):
            was, now = sum(rules.values()), sum(after.get(member, {}).values())
            if now >= was:
                continue
            changed = ", ".join(
                f"rule {r} {rules.get(r, 0)} → {after.get(member, {}).get(r, 0)}"
                for r in sorted(rules.keys() | after.get(member, {}).keys())
                if rules.get(r, 0) != after.get(member, {}).get(r, 0)
            )
            return (
                f"member {member} earned {was} points, but {now} once service "
                f"{fact.id} lasted {minutes} minutes longer "
                f"({_hours(fact.hours)} → {_hours(longer.hours)}): {changed}; "
                f"{_facts_text(facts, tz)}."
            )
        return None

    return law
