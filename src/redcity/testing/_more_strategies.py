"""Strategies for the public records no other strategy module draws yet.

Configuration records (SLA limits and tables, escalation bounds, routing
and whistle tables, decision rules, size rules, ledger policies …) are
drawn directly; *results* (matchings, rates, comparisons, statements,
assessments, honours, agendas, simulation results …) are what redcity's
own functions return for drawn inputs, so they are valid by construction.
Re-exported from :mod:`redcity.testing.strategies` on request; used by the
``hypothesis`` entry point (:mod:`redcity.testing._hypothesis_setup`).

>>> from hypothesis import find
>>> print(find(limits(), lambda limit: True))
1 working days
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import pendulum
from hypothesis import strategies as st

from redcity.calendars import WorkCalendar
from redcity.dispatch import (
    DEFAULT_DEPARTMENTS,
    DEFAULT_TAXONOMY,
    Arrivals,
    BoundedEscalation,
    Capacity,
    CaseRates,
    Clock,
    Conditions,
    CostPolicy,
    Handler,
    HandlingTime,
    HotlineRates,
    HotlineWeights,
    Limit,
    Matching,
    Policy,
    ResolutionShares,
    SimulationResult,
    SlaTable,
    TableRouter,
    TableWhistle,
    Taxonomy,
    Whistle,
    match,
    simulate,
)
from redcity.dispatch import Assignment as DispatchAssignment
from redcity.dispatch import Comparison as DispatchComparison
from redcity.dispatch import compare as compare_policies
from redcity.grid import DivisionCode, GridTree, Level
from redcity.meetings import (
    DEFAULT_CROSS_POST_RULES,
    DEFAULT_NOTICE_POLICY,
    AllOf,
    Attendance,
    ClosedLoop,
    CrossPostRule,
    Feedback,
    Matter,
    MonthlyAgenda,
    NoticePolicy,
    Outcome,
    OwnersApproval,
    OwnersCommitteeSize,
    OwnersDecision,
    PartyConsent,
    PartyQuorum,
    ResidentsCommitteeSize,
    ShareOfMembers,
    ShareOfPresent,
    Topic,
    closed_loop,
    monthly_agenda,
    owners_decision,
)
from redcity.points import (
    AccountKind,
    AreaChange,
    Assessment,
    CompiledRuleBook,
    Deduct,
    ExpireAfter,
    Honour,
    LedgerProblem,
    MemberChange,
    Posting,
    ResetEachYear,
    RuleDelta,
    Statement,
    StatementLine,
    VerifyReport,
    assess,
    compile_rulebook,
    honours,
)
from redcity.points import Comparison as RulebookComparison
from redcity.points import compare as compare_rulebooks
from redcity.testing._assessment_strategies import evaluations, member_registries
from redcity.testing._dispatch_metric_strategies import (
    case_counts_records,
    hotline_counts_records,
)
from redcity.testing._ledger_strategies import ledgers
from redcity.testing._matching_strategies import matching_problems
from redcity.testing._meetings_decision_strategies import ballots, estates, tallies
from redcity.testing._points_strategies import fact_lists, facts, rulebooks

__all__ = [
    "all_parts",
    "area_changes",
    "arrivals",
    "assessments",
    "bounded_escalations",
    "capacities",
    "case_rates",
    "closed_loops",
    "cost_policies",
    "cross_post_rules",
    "decision_rules",
    "dispatch_assignments",
    "dispatch_comparisons",
    "expiry_policies",
    "feedbacks",
    "handlers",
    "handling_times",
    "honours_lists",
    "hotline_rates",
    "hotline_weights",
    "ledger_policies",
    "limits",
    "matchings",
    "monthly_agendas",
    "notice_policies",
    "owners_approvals",
    "owners_decisions",
    "parts",
    "postings",
    "resolution_shares_records",
    "rule_deltas",
    "rulebook_comparisons",
    "simulation_conditions",
    "simulation_policies",
    "simulation_results",
    "sla_tables",
    "statements",
    "table_routers",
    "table_whistles",
    "taxonomies",
    "verify_reports",
    "whistles",
]

T = TypeVar("T")

_CST = pendulum.timezone("Asia/Shanghai")
_MOMENTS = st.datetimes(
    datetime(2026, 1, 1), datetime(2026, 11, 30), timezones=st.just(_CST)
)
_IDS = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)
_TEXT = st.sampled_from(["已处理", "居民满意", "已回访", "see minutes"])
_SHARES = st.fractions(Fraction(1, 10), Fraction(11, 12), max_denominator=12)
_CODES = tuple(DEFAULT_TAXONOMY)
_SEVERITY_KEYS = ("small", "big", "urgent")

# --------------------------------------------------------------------------
# Finding the records inside other records
# --------------------------------------------------------------------------


def all_parts(value: object, cls: type[T]) -> list[T]:
    """Every instance of ``cls`` inside ``value`` (itself included), pre-order.

    An object reached twice is listed once.

    Walks attrs fields, mappings (keys and values), and sequences and sets.

    >>> from redcity.dispatch import CaseCounts
    >>> counts = CaseCounts(accepted=2, filed=2, dispatched=1, due=1, closed=1,
    ...                     closed_on_time=1, reworked=0, extended=0)
    >>> all_parts([1, {"x": (counts,)}], CaseCounts) == [counts]
    True
    """
    found: list[T] = []
    seen: set[int] = set()

    def walk(item: object) -> None:
        if id(item) in seen or isinstance(item, str | bytes | int | float):
            return
        seen.add(id(item))
        if isinstance(item, cls):
            found.append(item)
        kind: Any = type(item)
        if attrs.has(kind):
            for field in attrs.fields(kind):
                walk(getattr(item, field.name, None))
        elif isinstance(item, dict) or hasattr(item, "items"):
            try:
                pairs: Iterator[tuple[object, object]] = iter(item.items())
            except (TypeError, AttributeError):
                return
            for key, sub in pairs:
                walk(key)
                walk(sub)
        elif isinstance(item, list | tuple | set | frozenset):
            for sub in item:
                walk(sub)

    walk(value)
    return found


def parts(strategy: st.SearchStrategy[Any], cls: type[T]) -> st.SearchStrategy[T]:
    """Instances of ``cls`` found inside the values ``strategy`` draws.

    Values holding none are skipped (so ``strategy`` should usually hold
    one).

    >>> from hypothesis import find
    >>> find(parts(st.just([1, (Fraction(1, 2),)]), Fraction), lambda f: True)
    Fraction(1, 2)
    """
    return (
        strategy.map(lambda value: all_parts(value, cls))
        .filter(bool)
        .flatmap(st.sampled_from)
    )


# --------------------------------------------------------------------------
# Dispatch: limits, tables, policies, results
# --------------------------------------------------------------------------


def limits() -> st.SearchStrategy[Limit]:
    """SLA limits: 1–20 working days, or 1–40 working hours (ints or halves).

    Shrinks toward one working day.
    """
    return st.one_of(
        st.integers(1, 20).map(Limit.days),
        st.integers(1, 80).map(lambda n: Limit.hours(Decimal(n) / 2)),
    )


@st.composite
def _sla_table(draw: st.DrawFn) -> SlaTable:
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(("*", *_CODES[:6])),
                st.sampled_from(("*", *_SEVERITY_KEYS)),
            ),
            max_size=4,
            unique=True,
        )
    )
    rules = {}
    for key in keys:
        clocks = draw(st.sets(st.sampled_from(("respond", "resolve")), min_size=1))
        rules[key] = {Clock(name): draw(limits()) for name in sorted(clocks)}
    return SlaTable(rules)


def sla_tables() -> st.SearchStrategy[SlaTable]:
    """Valid SLA tables: a few (category, severity) keys, wildcards included.

    Shrinks toward the default table (no rules of its own).
    """
    return _sla_table()


def bounded_escalations() -> st.SearchStrategy[BoundedEscalation]:
    """Escalation bounds: a handling level for each severity, small ≤ big ≤ urgent.

    Shrinks toward 小事不出网格、大事不出网格 (everything bounded at the grid).
    """
    levels = st.sampled_from(
        (Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY)
    )
    return st.lists(levels, min_size=3, max_size=3).map(
        lambda ls: BoundedEscalation(
            dict(zip(_SEVERITY_KEYS, sorted(ls, reverse=True), strict=True))
        )
    )


def handlers() -> st.SearchStrategy[Handler]:
    """Handlers: a department, or a node at a handling level."""
    return st.one_of(
        st.sampled_from(tuple(DEFAULT_DEPARTMENTS)).map(Handler.department),
        st.builds(
            Handler,
            st.sampled_from((Level.GRID, Level.COMMUNITY, Level.STREET)),
            _IDS,
        ),
    )


def dispatch_assignments() -> st.SearchStrategy[DispatchAssignment]:
    """Routing results: who handles a case and who answers for it (首接)."""
    return st.builds(DispatchAssignment, handlers(), handlers())


def table_routers() -> st.SearchStrategy[TableRouter]:
    """Routing tables from category codes to department names."""
    return st.builds(
        TableRouter,
        st.dictionaries(
            st.sampled_from(_CODES), st.sampled_from(tuple(DEFAULT_DEPARTMENTS))
        ),
    )


def table_whistles() -> st.SearchStrategy[TableWhistle]:
    """Whistle tables: categories that summon departments, and how soon."""
    return st.builds(
        TableWhistle,
        st.dictionaries(
            st.sampled_from(_CODES),
            st.lists(
                st.sampled_from(tuple(DEFAULT_DEPARTMENTS)),
                min_size=1,
                max_size=2,
                unique=True,
            ).map(tuple),
        ),
        limits(),
    )


@st.composite
def _whistle(draw: st.DrawFn) -> Whistle:
    from redcity.testing.strategies import grid_trees

    tree = draw(grid_trees(max_nodes=12))
    code = draw(st.sampled_from(_CODES))
    table = TableWhistle({code: draw(st.sampled_from(tuple(DEFAULT_DEPARTMENTS)))})
    node = draw(st.sampled_from(tree.ids))
    whistle = table(tree, node, code, draw(_MOMENTS), WorkCalendar.china())
    assert whistle is not None
    return whistle


def whistles() -> st.SearchStrategy[Whistle]:
    """Whistles blown by a :class:`~redcity.dispatch.TableWhistle` on a drawn tree."""
    return _whistle()


def cost_policies() -> st.SearchStrategy[CostPolicy]:
    """Matching costs growing with distance: building ≤ grid ≤ community ≤ street."""
    return st.lists(st.integers(0, 12), min_size=4, max_size=4).flatmap(
        lambda costs: st.builds(
            CostPolicy,
            **dict(
                zip(
                    ("building", "grid", "community", "street"),
                    map(st.just, sorted(costs)),
                    strict=True,
                )
            ),
            elsewhere=st.none() | st.integers(max(costs), 20),
        )
    )


@st.composite
def _matching(draw: st.DrawFn) -> Matching:
    tree, requests, volunteers = draw(matching_problems())
    return match(tree, requests, volunteers)


def matchings() -> st.SearchStrategy[Matching]:
    """What :func:`~redcity.dispatch.match` returns for drawn problems."""
    return _matching()


def case_rates() -> st.SearchStrategy[CaseRates]:
    """The rates of drawn case counts (:meth:`~redcity.dispatch.CaseCounts.rates`)."""
    return case_counts_records().map(lambda counts: counts.rates())


@st.composite
def _hotline_weights(draw: st.DrawFn) -> HotlineWeights:
    a, b = sorted(draw(st.lists(st.integers(0, 20), min_size=2, max_size=2)))
    return HotlineWeights(
        response=Fraction(a, 20),
        resolution=Fraction(b - a, 20),
        satisfaction=Fraction(20 - b, 20),
        basically_satisfied=draw(st.fractions(0, 1, max_denominator=10)),
    )


def hotline_weights() -> st.SearchStrategy[HotlineWeights]:
    """接诉即办 weights summing to 1, with a 基本满意 credit in [0, 1]."""
    return _hotline_weights()


def hotline_rates() -> st.SearchStrategy[HotlineRates]:
    """The rates of drawn hotline counts under drawn weights."""
    return st.builds(
        lambda counts, weights: counts.rates(weights),
        hotline_counts_records(),
        hotline_weights(),
    )


def resolution_shares_records() -> st.SearchStrategy[ResolutionShares]:
    """Counts of cases resolved in the grid, the community and above."""
    n = st.integers(0, 50)
    return st.builds(ResolutionShares, grid=n, community=n, above=n)


def taxonomies() -> st.SearchStrategy[Taxonomy]:
    """Sub-taxonomies of the default one (with every department they name)."""
    return st.sets(st.sampled_from(_CODES), min_size=1).map(
        lambda codes: Taxonomy(
            {code: DEFAULT_TAXONOMY[code] for code in sorted(codes)},
            DEFAULT_TAXONOMY.departments,
        )
    )


def handling_times() -> st.SearchStrategy[HandlingTime]:
    """Log-normal handling times: a median of 0.5–40 working hours."""
    return st.builds(
        HandlingTime,
        st.integers(1, 80).map(lambda n: n / 2),
        sigma=st.integers(0, 10).map(lambda n: n / 10),
    )


def capacities() -> st.SearchStrategy[Capacity]:
    """Workers per handler at each level (at least one each)."""
    n = st.integers(1, 5)
    return st.builds(
        Capacity, grid=n, compound=n, community=n, street=n, above=n, department=n
    )


def simulation_conditions() -> st.SearchStrategy[Conditions]:
    """Simulation conditions: the defaults with a drawn default handling time."""
    return st.builds(Conditions, default_handling=handling_times())


def simulation_policies() -> st.SearchStrategy[Policy]:
    """District policies to simulate: escalation bounds, SLA table, capacity."""
    return st.builds(
        Policy,
        name=st.sampled_from(("default", "strict", "lenient")),
        escalation=bounded_escalations(),
        sla=sla_tables(),
        capacity=capacities(),
    )


@st.composite
def _arrivals(draw: st.DrawFn) -> Arrivals:
    nodes = draw(st.lists(_IDS, min_size=1, max_size=3, unique=True))
    return Arrivals(
        draw(
            st.dictionaries(
                st.tuples(st.sampled_from(nodes), st.sampled_from(_CODES)),
                st.integers(1, 8).map(lambda n: n / 4),
                min_size=1,
                max_size=4,
            )
        )
    )


def arrivals() -> st.SearchStrategy[Arrivals]:
    """Arrival rates per (node, category) per working day."""
    return _arrivals()


@st.composite
def _simulation(draw: st.DrawFn, name: str | None = None) -> SimulationResult:
    from redcity.testing.strategies import grid_trees

    tree = draw(grid_trees(min_nodes=3, max_nodes=10))
    policy = draw(simulation_policies())
    if name is not None:
        policy = attrs.evolve(policy, name=name)
    grids = tree.nodes(Level.GRID) or tree.ids
    rates = {(g, "env.garbage"): 0.5 for g in grids[:2]}
    start = datetime(2026, 3, 2, tzinfo=UTC)
    days = draw(st.integers(1, 10))
    return simulate(
        tree,
        policy,
        Arrivals(rates),
        (start, start + timedelta(days=days)),
        seed=draw(st.integers(0, 3)),
    )


def simulation_results() -> st.SearchStrategy[SimulationResult]:
    """Short simulations (1–10 days) of drawn policies on small drawn trees."""
    return _simulation()


def dispatch_comparisons() -> st.SearchStrategy[DispatchComparison]:
    """Comparisons of two short simulations (:func:`redcity.dispatch.compare`)."""
    return st.builds(compare_policies, _simulation(name="a"), _simulation(name="b"))


def ticket_tables() -> st.SearchStrategy[Any]:
    """Ticket tables (for Jupyter) of drawn tickets."""
    from redcity.dispatch import TicketTable
    from redcity.testing.strategies import tickets

    return st.lists(tickets(), max_size=4).map(TicketTable)


def rates_tables() -> st.SearchStrategy[Any]:
    """Rates tables (for Jupyter) of drawn case counts per area."""
    from redcity.dispatch import RatesTable

    return st.dictionaries(_IDS, case_counts_records(), max_size=4).map(RatesTable)


# --------------------------------------------------------------------------
# Grid
# --------------------------------------------------------------------------


def division_code_records() -> st.SearchStrategy[DivisionCode]:
    """Parsed division codes (:class:`~redcity.grid.DivisionCode`)."""
    from redcity.testing.strategies import division_codes

    return division_codes().map(DivisionCode.parse)


# --------------------------------------------------------------------------
# Meetings
# --------------------------------------------------------------------------


def decision_rules(
    *, kinds: Iterable[type[Any]] | None = None
) -> st.SearchStrategy[Any]:
    """Decision rules: shares of members or present, party quorum and consent, all-of.

    Args:
        kinds: The rule classes drawn (all by default).

    >>> from hypothesis import find
    >>> find(decision_rules(kinds=[ShareOfPresent]), lambda rule: True)
    ShareOfPresent(share=Fraction(1, 10), strict=False)
    """
    strict = st.booleans()
    simple: dict[type[Any], st.SearchStrategy[Any]] = {
        Attendance: st.builds(Attendance, _SHARES, strict=strict),
        ShareOfMembers: st.builds(ShareOfMembers, _SHARES, strict=strict),
        ShareOfPresent: st.builds(ShareOfPresent, _SHARES, strict=strict),
        PartyQuorum: st.builds(PartyQuorum, share=_SHARES, strict=strict),
        PartyConsent: st.builds(PartyConsent, share=_SHARES, strict=strict),
    }
    any_simple = st.one_of(*simple.values())
    every: dict[type[Any], st.SearchStrategy[Any]] = {
        **simple,
        AllOf: st.lists(any_simple, min_size=1, max_size=3).map(
            lambda rules: AllOf(tuple(rules))
        ),
    }
    chosen = list(every) if kinds is None else list(kinds)
    return st.one_of(*(every[k] for k in chosen))


def outcomes() -> st.SearchStrategy[Outcome]:
    """What drawn decision rules decide on drawn tallies."""
    return st.builds(lambda rule, tally: rule(tally), decision_rules(), tallies())


@st.composite
def _owners_decision(draw: st.DrawFn) -> OwnersDecision:
    estate = draw(estates(max_units=12))
    return owners_decision(draw(st.sampled_from(Matter)), estate, draw(ballots(estate)))


def owners_decisions() -> st.SearchStrategy[OwnersDecision]:
    """Owners' decisions (民法典 278) on drawn estates and ballots."""
    return _owners_decision()


def owners_approvals() -> st.SearchStrategy[OwnersApproval]:
    """References to owners' decisions, as a resolution cites them."""
    return st.builds(
        lambda ref, at, matter, quorum, passed: OwnersApproval(
            reference=ref,
            decided_at=at,
            matter=matter,
            quorum_met=quorum,
            passed=quorum and passed,
        ),
        _IDS,
        _MOMENTS,
        st.sampled_from(Matter),
        st.booleans(),
        st.booleans(),
    )


def feedbacks() -> st.SearchStrategy[Feedback]:
    """Residents' feedback on a meeting's items (晒单/评单)."""
    return st.builds(
        Feedback,
        id=_IDS,
        at=_MOMENTS,
        text=_TEXT,
        item_id=st.none() | _IDS,
        channel=st.none() | st.sampled_from(("wechat", "hotline")),
    )


def notice_policies() -> st.SearchStrategy[NoticePolicy]:
    """Notice policies: the default with other days before and publication windows."""
    return st.builds(
        lambda days, within: attrs.evolve(
            DEFAULT_NOTICE_POLICY, days_before=days, publish_within=within
        ),
        st.integers(0, 15),
        st.integers(1, 10),
    )


def cross_post_rules() -> st.SearchStrategy[CrossPostRule]:
    """The shipped cross-appointment rules (交叉任职)."""
    return st.sampled_from(DEFAULT_CROSS_POST_RULES)


def residents_committee_sizes() -> st.SearchStrategy[ResidentsCommitteeSize]:
    """Residents' committee size rules: 5–9 members by default, other ranges."""
    return st.tuples(st.integers(3, 7), st.integers(0, 6)).map(
        lambda t: ResidentsCommitteeSize(min_members=t[0], max_members=t[0] + t[1])
    )


def owners_committee_sizes() -> st.SearchStrategy[OwnersCommitteeSize]:
    """Owners' committee size rules: the default, or another odd minimum."""
    return st.sampled_from((3, 5, 7)).map(lambda n: OwnersCommitteeSize(min_members=n))


@st.composite
def _topics_and_tree(draw: st.DrawFn) -> tuple[GridTree, list[Topic]]:
    from redcity.testing.strategies import grid_trees, topics

    tree = draw(
        grid_trees(min_nodes=2, max_nodes=12).filter(
            lambda t: t.count(Level.COMMUNITY) > 0
        )
    )
    return tree, draw(topics(tree, min_size=1, max_size=6))


def topic_records() -> st.SearchStrategy[Topic]:
    """Single topics (议题) from :func:`~redcity.testing.strategies.topics`."""
    return _topics_and_tree().flatmap(lambda pair: st.sampled_from(pair[1]))


@st.composite
def _agenda(draw: st.DrawFn) -> MonthlyAgenda:
    tree, found = draw(_topics_and_tree())
    node = draw(st.sampled_from(tree.ids))
    month = f"2026-{draw(st.integers(1, 12)):02d}"
    return monthly_agenda(found, tree, node, month)


def monthly_agendas() -> st.SearchStrategy[MonthlyAgenda]:
    """Monthly agendas of a node for drawn topics."""
    return _agenda()


@st.composite
def _loop(draw: st.DrawFn) -> ClosedLoop:
    tree, found = draw(_topics_and_tree())
    return closed_loop(found, tree, f"2026-{draw(st.integers(1, 12)):02d}")


def closed_loops() -> st.SearchStrategy[ClosedLoop]:
    """Monthly closed-loop figures for drawn topics."""
    return _loop()


# --------------------------------------------------------------------------
# Points
# --------------------------------------------------------------------------


def deducts() -> st.SearchStrategy[Deduct]:
    """Deduction awards, with or without a maximum."""
    return st.builds(Deduct, max_points=st.none() | st.integers(1, 50))


@st.composite
def _posting(draw: st.DrawFn) -> Posting:
    fact = draw(facts(kinds=["service", "micro_wish", "rating"]))
    return Posting(
        fact_id=fact.id,
        rule_id=draw(_IDS),
        member_id=fact.member_id,
        node_id=fact.node_id,
        issuer_id=draw(_IDS),
        at=fact.at,
        points=draw(st.integers(-20, 60).filter(bool)),
        explanation_zh="按规则计分。",
        explanation_en="Scored by the rule.",
    )


def postings() -> st.SearchStrategy[Posting]:
    """Postings for drawn facts (non-zero points, negative for deductions)."""
    return _posting()


def fact_tables() -> st.SearchStrategy[Any]:
    """Fact tables (for Jupyter) of drawn facts."""
    from redcity.points import FactTable

    return fact_lists(max_size=6).map(FactTable)


def posting_tables() -> st.SearchStrategy[Any]:
    """Posting tables (for Jupyter) of drawn postings."""
    from redcity.points import PostingTable

    return st.lists(postings(), max_size=4).map(PostingTable)


def compiled_rulebooks() -> st.SearchStrategy[CompiledRuleBook]:
    """Drawn rulebooks compiled by :func:`~redcity.points.compile_rulebook`."""
    return rulebooks().map(compile_rulebook)


def rulebook_comparisons() -> st.SearchStrategy[RulebookComparison]:
    """:func:`redcity.points.compare` of two drawn rulebooks on drawn facts."""
    return st.builds(compare_rulebooks, rulebooks(), rulebooks(), fact_lists())


def rule_deltas() -> st.SearchStrategy[RuleDelta]:
    """Per-rule differences between two rulebooks."""
    return st.builds(RuleDelta, _IDS, st.integers(0, 100), st.integers(0, 100))


def member_changes() -> st.SearchStrategy[MemberChange]:
    """A member's points under two rulebooks, with per-rule causes."""
    return st.builds(
        MemberChange,
        _IDS,
        st.integers(0, 100),
        st.integers(0, 100),
        causes=st.lists(rule_deltas(), max_size=2).map(tuple),
    )


def area_changes() -> st.SearchStrategy[AreaChange]:
    """An area's points under two rulebooks."""
    return st.builds(
        AreaChange,
        _IDS,
        st.sampled_from((Level.STREET, Level.COMMUNITY, Level.GRID)),
        st.sampled_from(("南白街道", "娄山社区", "第1网格")),
        st.integers(0, 500),
        st.integers(0, 500),
    )


def expiry_policies() -> st.SearchStrategy[ExpireAfter]:
    """Points that expire some months after they are earned."""
    return st.builds(ExpireAfter, months=st.integers(1, 36))


def ledger_policies() -> st.SearchStrategy[ExpireAfter | ResetEachYear]:
    """Ledger policies: expiry after months, or a reset each year."""
    return expiry_policies() | st.builds(ResetEachYear)


def verify_reports() -> st.SearchStrategy[VerifyReport]:
    """What :meth:`~redcity.points.Ledger.verify` reports on drawn ledgers."""
    return ledgers().map(lambda ledger: ledger.verify())


def ledger_problems() -> st.SearchStrategy[LedgerProblem]:
    """Problems a ledger check reports (id, field, message, sequence number)."""
    return st.builds(
        LedgerProblem,
        _IDS,
        st.sampled_from(("hash", "amount", "seq")),
        st.sampled_from(("hash mismatch", "entries do not balance")),
        seq=st.none() | st.integers(0, 100),
    )


@st.composite
def _statement(draw: st.DrawFn) -> Statement:
    ledger = draw(ledgers())
    members = sorted(
        {
            entry.account.id
            for record in ledger.records
            for entry in record.transaction.entries
            if entry.account.kind is AccountKind.MEMBER
        }
    ) or ["m0"]
    return ledger.statement(draw(st.sampled_from(members)))


def statements() -> st.SearchStrategy[Statement]:
    """Members' statements of drawn ledgers."""
    return _statement()


def statement_lines() -> st.SearchStrategy[StatementLine]:
    """Lines of members' statements."""
    return parts(statements(), StatementLine) | st.builds(
        StatementLine,
        seq=st.integers(0, 50),
        transaction_id=_IDS,
        at=_MOMENTS,
        memo=_TEXT,
        memo_en=st.just("memo"),
        amount=st.integers(-50, 50).filter(bool),
        balance=st.integers(0, 500),
    )


@st.composite
def _assessment(draw: st.DrawFn) -> Assessment:
    registry = draw(member_registries(min_members=1))
    found = draw(st.lists(evaluations(registry=registry), max_size=6))
    year = found[0].year if found else 2026
    results = assess(found, registry, year=year, require_all=False)
    return draw(st.sampled_from(sorted(results.values(), key=lambda a: a.member_id)))


def assessments() -> st.SearchStrategy[Assessment]:
    """Dual assessments (双考双评) of drawn registries' members."""
    return _assessment()


@st.composite
def _honours(draw: st.DrawFn) -> tuple[Honour, ...]:
    members = draw(st.lists(_IDS, min_size=1, max_size=5, unique=True))
    points = {m: draw(st.integers(0, 500)) for m in members}
    communities = {m: draw(st.sampled_from(("c1", "c2"))) for m in members}
    return honours(points, communities, top_n=draw(st.integers(1, 3)))


def honours_lists() -> st.SearchStrategy[tuple[Honour, ...]]:
    """Honour lists (:func:`~redcity.points.honours`) of drawn points."""
    return _honours()
