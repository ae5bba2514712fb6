"""Summaries and pictures of a grid for people: what ``redcity demo`` shows.

Everything here reads a :class:`~redcity.grid.GridTree` and the wings'
records (grid, points, meetings, dispatch) and returns plain data; the
command line only formats it.

>>> from redcity.datasets import BOZHOU, zunyi
>>> [d.name for d in district_summaries(zunyi())]
['红花岗区', '汇川区', '播州区']
>>> next(d for d in district_summaries(zunyi()) if d.id == BOZHOU).counts[Level.GRID]
432
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from redcity.calendars import Period
from redcity.dispatch import (
    Arrivals,
    CaseCounts,
    CaseRates,
    Conditions,
    HotlineCounts,
    HotlineRates,
    Policy,
    ResolutionShares,
    Ticket,
    card_metrics,
    case_counts,
    hotline_counts,
    simulate,
)
from redcity.dispatch.metrics import percent
from redcity.dispatch.simulate import DEFAULT_PER_GRID
from redcity.grid import (
    Assignment,
    Card,
    CardDecision,
    CardHistory,
    CardPolicy,
    Direction,
    GridTree,
    Level,
    PartyOrg,
    Threshold,
    evaluate_cards,
    party_coverage,
)
from redcity.meetings.cycle import LoopFigures, Topic, closed_loop
from redcity.points import (
    NATIONAL,
    Fact,
    Ledger,
    Posting,
    Redemption,
    Reversal,
    RuleBook,
    ServiceRecord,
    score,
    star_distribution,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEMO_CARD_POLICY",
    "DISPATCH_CARD_POLICY",
    "AreaDispatch",
    "DispatchQuarter",
    "DistrictSummary",
    "LoopYear",
    "PointsYear",
    "card_breaches",
    "describe_card_policy",
    "dispatch_quarter",
    "district_summaries",
    "grid_card_metrics",
    "hierarchy_figure",
    "loop_year",
    "points_year",
]

HOUSEHOLDS_PER_WORKER = "户/网格员"
PARTY_COVERED = "党组织覆盖"

DEMO_CARD_POLICY = CardPolicy(
    [
        Threshold(HOUSEHOLDS_PER_WORKER, "lower", yellow=450, red=500),
        Threshold(PARTY_COVERED, "higher", red=1),
    ]
)
"""The demo's illustrative card policy (local practice, not law).

Yellow above 450 households per grid worker, red above 500 (the staffing
report's default bound); red for a grid no grid-level party organisation
covers.  Districts set their own thresholds.
"""


def describe_card_policy(policy: CardPolicy) -> str:
    """A card policy's thresholds in a line, rates as percentages.

    >>> describe_card_policy(DEMO_CARD_POLICY)
    '户/网格员 yellow above 450, red above 500; 党组织覆盖 red below 1'
    """
    parts = []
    for t in policy.thresholds:
        word = "below" if t.direction is Direction.HIGHER_IS_BETTER else "above"
        bounds = [
            f"{colour} {word} {_shown(bound, t.metric, digits=0)}"
            for colour, bound in (("yellow", t.yellow), ("red", t.red))
            if bound is not None
        ]
        parts.append(f"{t.metric} " + ", ".join(bounds))
    return "; ".join(parts)


def card_breaches(decision: CardDecision, policy: CardPolicy) -> str:
    """The thresholds a card decision's metrics breach, rates as percentages.

    Empty for a green card.

    >>> from redcity.grid import evaluate_cards
    >>> cards = evaluate_cards(DEMO_CARD_POLICY, {"2026": {"g1": {"户/网格员": 480}}})
    >>> card_breaches(cards.for_period("2026")[0], DEMO_CARD_POLICY)
    '户/网格员 480 > 450'
    """
    notes = []
    for t in policy.thresholds:
        value = decision.metrics.get(t.metric)
        if value is None:
            continue
        card = t.card(value)
        bound = t.red if card is Card.RED else t.yellow
        if card is not Card.GREEN and bound is not None:
            sign = "<" if t.direction is Direction.HIGHER_IS_BETTER else ">"
            notes.append(
                f"{t.metric} {_shown(value, t.metric)} {sign} "
                f"{_shown(bound, t.metric, digits=0)}"
            )
    return "; ".join(notes)


def _shown(value: object, metric: str, *, digits: int = 1) -> str:
    """A threshold or metric value: a percentage for rates (…率)."""
    if metric.endswith("率"):
        return percent(Fraction(str(value)), digits)
    return f"{float(str(value)):g}"


@attrs.frozen(kw_only=True)
class DistrictSummary:
    """Counts per level, households and population below one district.

    Attributes:
        id: The district's node id.
        name: Its name, e.g. ``"播州区"``.
        code: Its division code, when the tree has one.
        counts: Nodes per level below (and including) the district.
        households: Households summed over the district's buildings.
        population: Residents summed over the district's buildings.
    """

    id: str
    name: str
    code: str | None
    counts: Mapping[Level, int]
    households: int
    population: int


def district_summaries(tree: GridTree) -> tuple[DistrictSummary, ...]:
    """One summary per district of ``tree``, in tree order.

    Households and population are summed over buildings only, so each
    household counts once whatever the levels above record.

    >>> from redcity.datasets import zunyi
    >>> sum(d.counts[Level.GRID] for d in district_summaries(zunyi()))
    1932
    """
    buildings = tree.nodes(Level.BUILDING)
    households = tree.rollup({b: tree[b].households or 0 for b in buildings})
    population = tree.rollup({b: tree[b].population or 0 for b in buildings})
    summaries = []
    for district in tree.nodes(Level.DISTRICT):
        counts = dict.fromkeys(Level, 0)
        for node_id in (district, *tree.descendants(district)):
            counts[tree.level(node_id)] += 1
        node = tree[district]
        summaries.append(
            DistrictSummary(
                id=district,
                name=node.name,
                code=node.code,
                counts={lv: n for lv, n in counts.items() if n},
                households=households[district],
                population=population[district],
            )
        )
    return tuple(summaries)


def grid_card_metrics(
    tree: GridTree,
    assignments: Iterable[Assignment],
    party_orgs: Iterable[PartyOrg],
    *,
    within: str | None = None,
) -> dict[str, dict[str, Fraction | int]]:
    """The metrics :data:`DEMO_CARD_POLICY` reads, for every grid ``within`` a node.

    ``户/网格员`` is a grid's households per grid worker (专职 or 兼职), an
    exact Fraction; a grid without a worker gets its whole household count
    (as if one worker served it), so it still shows as overloaded.
    ``党组织覆盖`` is 1 when a grid-level party organisation covers the
    grid, else 0.

    >>> from redcity.datasets import BOZHOU, zunyi, zunyi_staffing
    >>> staff = zunyi_staffing()
    >>> metrics = grid_card_metrics(
    ...     zunyi(), staff.assignments, staff.party_orgs, within=BOZHOU)
    >>> len(metrics), all(m["党组织覆盖"] == 1 for m in metrics.values())
    (432, True)
    """
    scope = tree.subtree(within) if within is not None else tree
    grids = scope.nodes(Level.GRID)
    workers = dict.fromkeys(grids, 0)
    for a in assignments:
        if a.post.is_worker and a.node_id in scope:
            grid = scope.ancestor(a.node_id, Level.GRID)
            if grid is not None:
                workers[grid] += 1
    covered = party_coverage(scope, party_orgs).covering
    return {
        g: {
            HOUSEHOLDS_PER_WORKER: Fraction(scope[g].households or 0, workers[g] or 1),
            PARTY_COVERED: int(g in covered),
        }
        for g in grids
    }


def hierarchy_figure(
    tree: GridTree, root: str, *, bottom: Level = Level.GRID
) -> Figure:
    """A picture of the hierarchy below ``root`` down to ``bottom`` (needs ``plot``).

    Nodes are laid out as a tidy tree, one row per depth: each leaf takes
    the next slot, each parent sits over the middle of its children.  Colours
    tell the levels apart.

    Raises:
        ImportError: matplotlib is missing (``pip install 'redcity[plot]'``).
    """
    try:
        import matplotlib as mpl

        mpl.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the install
        msg = "hierarchy_figure() needs matplotlib: pip install 'redcity[plot]'."
        raise ImportError(msg) from exc

    shown = [n for n in (root, *tree.descendants(root)) if tree.level(n) <= bottom]
    keep = set(shown)
    depth0 = tree.depth(root)
    x: dict[str, float] = {}
    slot = 0
    for node_id in reversed(shown):  # children before parents
        kids = [k for k in tree.children(node_id) if k in keep]
        if kids:
            x[node_id] = sum(x[k] for k in kids) / len(kids)
        else:
            x[node_id] = -slot  # reversed order: negate so siblings read left→right
            slot += 1
    offset = min(x.values())
    colours = plt.get_cmap("tab10")
    width = max(8.0, min(40.0, slot * 0.18))
    fig, ax = plt.subplots(figsize=(width, 6), dpi=100)
    for node_id in shown:
        parent = tree.parent(node_id)
        if node_id != root and parent is not None:
            ax.plot(
                [x[parent] - offset, x[node_id] - offset],
                [-(tree.depth(parent) - depth0), -(tree.depth(node_id) - depth0)],
                color="#bbbbbb",
                linewidth=0.6,
                zorder=1,
            )
    for level in sorted({tree.level(n) for n in shown}):
        at = [n for n in shown if tree.level(n) is level]
        ax.scatter(
            [x[n] - offset for n in at],
            [-(tree.depth(n) - depth0) for n in at],
            s=18 if level >= Level.GRID else 40,
            color=colours(int(level)),
            label=f"{level.en} ({len(at)})",
            zorder=2,
        )
    # Latin text only: the default fonts carry no CJK glyphs.
    ax.set_title(f"{tree.level(root).en} {root}: hierarchy down to {bottom.en}")
    ax.legend(loc="lower right", fontsize="small")
    ax.set_axis_off()
    fig.tight_layout()
    return fig


@attrs.frozen(kw_only=True)
class PointsYear:
    """A district's year of points, as the demo shows it.

    Attributes:
        rulebook_id: The rulebook scored under.
        facts: How many facts were scored.
        postings: The postings they earned.
        ledger: The points bank after booking the postings and the
            redemptions in time order.
        refused_redemptions: Redemptions refused for want of points.
        hours: Certified service hours per member (reversed services left out).
        stars: Members per star level (national thresholds).
        points_by_street: Points earned, per street id.
        top_by_street: Per street id, its best members as (member, points),
            by points then member id.
    """

    rulebook_id: str
    facts: int
    postings: tuple[Posting, ...]
    ledger: Ledger
    refused_redemptions: int
    hours: Mapping[str, Fraction]
    stars: Mapping[int, int]
    points_by_street: Mapping[str, int]
    top_by_street: Mapping[str, tuple[tuple[str, int], ...]]


def points_year(
    tree: GridTree,
    facts: Sequence[Fact],
    rulebook: RuleBook,
    *,
    top: int = 3,
) -> PointsYear:
    """Score a year of facts, run the points bank, and sum it up per street.

    Postings are booked and redemptions redeemed in time order, so a
    redemption sees only the points earned before it.

    >>> from redcity.datasets import bozhou_service_year, zunyi
    >>> from redcity.points.examples import example_rulebook
    >>> year = bozhou_service_year(members=40)
    >>> summary = points_year(zunyi(), year.facts, example_rulebook("kunshan"))
    >>> summary.ledger.verify().ok, sum(summary.stars.values())
    (True, 40)
    """
    postings = tuple(score(rulebook, facts, tree=tree))
    ledger = Ledger()
    refused = len(
        ledger.settle(postings, [f for f in facts if isinstance(f, Redemption)])
    )

    reversed_ids = {f.reverses for f in facts if isinstance(f, Reversal)}
    hours: dict[str, Fraction] = {}
    for f in facts:
        if isinstance(f, ServiceRecord) and f.id not in reversed_ids:
            hours[f.member_id] = hours.get(f.member_id, Fraction(0)) + f.hours
    members = {f.member_id for f in facts}
    all_hours = {m: hours.get(m, Fraction(0)) for m in sorted(members)}

    by_node: dict[str, int] = {}
    earned: dict[str, int] = {}
    street_of: dict[str, str] = {}
    for p in postings:
        by_node[p.node_id] = by_node.get(p.node_id, 0) + p.points
        earned[p.member_id] = earned.get(p.member_id, 0) + p.points
        street = tree.ancestor(p.node_id, Level.STREET)
        if street is not None:
            street_of.setdefault(p.member_id, street)
    totals = tree.rollup(by_node)
    streets = [s for s in tree.nodes(Level.STREET) if totals[s]]
    top_by_street = {
        s: tuple(
            sorted(
                ((m, pts) for m, pts in earned.items() if street_of.get(m) == s),
                key=lambda mp: (-mp[1], mp[0]),
            )[:top]
        )
        for s in streets
    }
    return PointsYear(
        rulebook_id=rulebook.id,
        facts=len(facts),
        postings=postings,
        ledger=ledger,
        refused_redemptions=refused,
        hours=all_hours,
        stars=star_distribution(all_hours, NATIONAL),
        points_by_street={s: totals[s] for s in streets},
        top_by_street=top_by_street,
    )


@attrs.frozen(kw_only=True)
class LoopYear:
    """An area's year of the monthly closed loop (问题收集、处置、反馈闭环).

    Attributes:
        area: The area's node id (a district, usually).
        year: The calendar year.
        months: The area's figures month by month, January first.
        total: The area's figures for the whole year.
        streets: The year's figures of each street in the area, in tree
            order, each with its communities' figures.
    """

    area: str
    year: int
    months: tuple[LoopFigures, ...]
    total: LoopFigures
    streets: tuple[tuple[LoopFigures, tuple[LoopFigures, ...]], ...]


def loop_year(
    tree: GridTree, topics: Iterable[Topic], year: int, *, within: str
) -> LoopYear:
    """The closed-loop figures of ``within`` for each month of ``year`` and the year.

    Each month and the year are counted by
    :func:`~redcity.meetings.cycle.closed_loop`: a month's *carried in* are
    the topics still open from earlier months, so the months chain (one
    month's carried over is the next one's carried in).

    >>> from redcity.datasets import BOZHOU, seed_topics, zunyi
    >>> loop = loop_year(zunyi(), seed_topics(), 2026, within=BOZHOU)
    >>> len(loop.months), len(loop.streets), loop.total.collected
    (12, 5, 1288)
    >>> all(a.carried_over == b.carried_in
    ...     for a, b in zip(loop.months, loop.months[1:]))
    True
    """
    checked = tuple(topics)
    level = tree.level(within)
    months = tuple(
        closed_loop(checked, tree, Period("month", year, m), levels=[level]).area(
            within
        )
        for m in range(1, 13)
    )
    whole = closed_loop(
        checked,
        tree,
        Period("year", year),
        levels=[level, Level.STREET, Level.COMMUNITY],
    )
    inside = [a for a in whole.areas if tree.contains(within, a.node_id)]
    streets = tuple(
        (
            s,
            tuple(
                c
                for c in inside
                if c.level is Level.COMMUNITY and tree.contains(s.node_id, c.node_id)
            ),
        )
        for s in inside
        if s.level is Level.STREET
    )
    return LoopYear(
        area=within, year=year, months=months, total=whole.area(within), streets=streets
    )


DISPATCH_CARD_POLICY = CardPolicy(
    [
        Threshold("按期结案率", "higher", yellow=Fraction(9, 10), red=Fraction(4, 5)),
        Threshold("返工率", "lower", yellow=Fraction(1, 10), red=Fraction(1, 5)),
        Threshold("延期率", "lower", yellow=Fraction(1, 10), red=Fraction(1, 5)),
        Threshold("满意率", "higher", yellow=Fraction(9, 10), red=Fraction(4, 5)),
    ]
)
"""The demo's illustrative card policy for dispatch rates (configuration, not law).

Yellow when 按期结案率 falls below 90 %, red below 80 %; yellow when 返工率
or 延期率 rises above 10 %, red above 20 %; yellow when 满意率 falls below
90 %, red below 80 %.  A bound itself is fine.  A rate with nothing to
judge (no case due, no rating) is left out by
:func:`~redcity.dispatch.card_metrics` and not checked.  No regulation
fixes these figures: districts set their own.
"""


@attrs.frozen(kw_only=True)
class AreaDispatch:
    """One area's dispatch figures for a period: a community, or the street.

    Attributes:
        id: The area's node id.
        name: Its name, e.g. ``"南社区"``.
        level: Its level (社区 or 街道).
        cases: The 数字城管 counts (:func:`~redcity.dispatch.case_counts`).
        hotline: The 接诉即办 counts (:func:`~redcity.dispatch.hotline_counts`).
        shares: Where its cases closed in the period were resolved.
        card: Its card under the policy, and why.
        grid_cards: Its grids per card, carded on their own rates (every
            card listed).
    """

    id: str
    name: str
    level: Level
    cases: CaseCounts
    hotline: HotlineCounts
    shares: ResolutionShares
    card: CardDecision
    grid_cards: Mapping[Card, int]

    @property
    def rates(self) -> CaseRates:
        """立案率, 派遣率, 结案率, 按期结案率, 返工率, 延期率 (exact)."""
        return self.cases.rates()

    @property
    def hotline_rates(self) -> HotlineRates:
        """响应率, 解决率, 满意率 (default weights, 基本满意 counts 9/10)."""
        return self.hotline.rates()


@attrs.frozen(kw_only=True)
class DispatchQuarter:
    """A street's simulated period of requests, as the demo shows it.

    Attributes:
        period: The period simulated and reported (e.g. ``"2026-Q3"``).
        seed: The simulation's seed.
        per_grid: Requests per grid per working day.
        street: The street's figures.
        communities: Each community's figures, in tree order.
        arrived: Tickets reported in the period.
        closed: Of those, closed (结案) by the period's end.
        redirected: Of those, redirected (转办: 110/119/120/122, outside the
            duty list).
        open: Of those, still open at the period's end.
        open_by: The open ones by the kind of handler holding them (grid,
            community, …, department).
        flagged: The decisions of the street's grids carded yellow or red,
            in tree order.
        cards: Every card decision: the street, its communities, its grids.
        tickets: Every ticket, in arrival order.
    """

    period: str
    seed: int
    per_grid: float
    street: AreaDispatch
    communities: tuple[AreaDispatch, ...]
    arrived: int
    closed: int
    redirected: int
    open: int
    open_by: Mapping[str, int]
    flagged: tuple[CardDecision, ...]
    cards: CardHistory = attrs.field(repr=False)
    tickets: tuple[Ticket, ...] = attrs.field(repr=False)


def dispatch_quarter(
    tree: GridTree,
    street: str,
    period: Period | str,
    *,
    seed: int,
    policy: Policy | None = None,
    per_grid: float = DEFAULT_PER_GRID,
    conditions: Conditions | None = None,
    card_policy: CardPolicy = DISPATCH_CARD_POLICY,
) -> DispatchQuarter:
    """Simulate a period of requests in one street and sum it up per community.

    Requests arrive in every grid of ``street`` at ``per_grid`` a working
    day, spread over the default taxonomy's categories
    (:meth:`~redcity.dispatch.Arrivals.from_tree`), and are played through
    the whole tree under ``policy`` by :func:`~redcity.dispatch.simulate`
    (so a case may climb above the street).  The rates are those of the
    period, each ticket as it stood at the period's end; the street, its
    communities and its grids are carded by ``card_policy`` from
    :func:`~redcity.dispatch.card_metrics` (one period: no hysteresis yet).

    Args:
        tree: The grid tree.
        street: The street's node id.
        period: The period to simulate and report, usually a quarter.
        seed: The simulation's seed: same inputs, same figures.
        policy: The dispatch policy (the default
            :class:`~redcity.dispatch.Policy` when ``None``).
        per_grid: Requests per grid per working day (an assumption).
        conditions: How the world answers: handling times, reworks,
            extensions (:class:`~redcity.dispatch.Conditions`; its defaults
            when ``None``).
        card_policy: The thresholds (:data:`DISPATCH_CARD_POLICY`).

    Raises:
        UnknownNode: ``street`` is not in the tree.
        ValueError: ``street`` is no street, or no community lies below it.

    >>> from redcity.datasets import synthetic
    >>> tree = synthetic(300)
    >>> street = tree.nodes(Level.STREET)[0]
    >>> q = dispatch_quarter(tree, street, "2026-Q3", seed=1)
    >>> q.arrived == q.closed + q.redirected + q.open
    True
    >>> len(q.communities), sum(q.street.grid_cards.values()) == len(
    ...     [g for g in tree.nodes(Level.GRID) if tree.contains(street, g)])
    (4, True)
    >>> sum((c.cases for c in q.communities), CaseCounts()) == q.street.cases
    True
    >>> q.street.rates.on_time_closure > Fraction(9, 10), q.street.card.card.zh
    (True, '绿牌')
    """
    label = period.label if isinstance(period, Period) else period
    level = tree.level(street)  # raises UnknownNode
    below = tree.descendants(street)
    communities = [n for n in below if tree.level(n) is Level.COMMUNITY]
    if level is not Level.STREET or not communities:
        msg = (
            f"Expected a street with communities below it, got {street!r} "
            f"({tree[street].name}, a {level.zh} with {len(communities)} "
            "communities below); pass a street's node id."
        )
        raise ValueError(msg)
    grids = [n for n in below if tree.level(n) is Level.GRID]
    arrivals = Arrivals.from_tree(tree, per_grid=per_grid, within=street)
    result = simulate(
        tree,
        Policy() if policy is None else policy,
        arrivals,
        period,
        seed=seed,
        conditions=conditions,
    )
    in_street = set(grids)
    grid_cases = {
        g: c
        for g, c in case_counts(result.tickets, label, tree=tree, by=Level.GRID).items()
        if g in in_street
    }
    grid_hotline = {
        g: h
        for g, h in hotline_counts(
            result.tickets, label, tree=tree, by=Level.GRID
        ).items()
        if g in in_street
    }
    areas = [street, *communities]
    metrics = card_metrics(
        {**grid_cases, **{a: result.cases[a] for a in areas}},
        {**grid_hotline, **{a: result.hotline[a] for a in areas}},
    )
    cards = evaluate_cards(
        card_policy, {label: {n: metrics.get(n, {}) for n in (*areas, *grids)}}
    )
    decided = {d.node_id: d for d in cards.for_period(label)}

    def tally(area: str) -> dict[Card, int]:
        counts = dict.fromkeys(Card, 0)
        for g in grids:
            if tree.contains(area, g):
                counts[decided[g].card] += 1
        return counts

    figures = {
        a: AreaDispatch(
            id=a,
            name=tree[a].name,
            level=tree.level(a),
            cases=result.cases[a],
            hotline=result.hotline[a],
            shares=result.shares[a],
            card=decided[a],
            grid_cards=tally(a),
        )
        for a in areas
    }
    return DispatchQuarter(
        period=label,
        seed=seed,
        per_grid=per_grid,
        street=figures[street],
        communities=tuple(figures[c] for c in communities),
        arrived=len(result.tickets),
        closed=result.closed,
        redirected=result.redirected,
        open=result.backlog,
        open_by=result.backlog_by,
        flagged=tuple(decided[g] for g in grids if decided[g].card is not Card.GREEN),
        cards=cards,
        tickets=result.tickets,
    )
