"""Summaries and pictures of a grid for people: what ``redcity demo`` shows.

Everything here reads a :class:`~redcity.grid.GridTree` and the wings'
records (grid, points, meetings) and returns plain data; the command line
only formats it.

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
from redcity.errors import InsufficientPoints
from redcity.grid import (
    Assignment,
    CardPolicy,
    GridTree,
    Level,
    PartyOrg,
    Threshold,
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
    "DistrictSummary",
    "LoopYear",
    "PointsYear",
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
    redemptions = sorted(
        (f for f in facts if isinstance(f, Redemption)), key=lambda f: (f.at, f.id)
    )
    refused = 0
    booked = 0
    for r in redemptions:
        end = booked
        while end < len(postings) and postings[end].at <= r.at:
            end += 1
        ledger.book(postings[booked:end])
        booked = end
        try:
            ledger.redeem(
                id=r.id, at=r.at, member_id=r.member_id,
                merchant_id=r.merchant_id, points=r.points, memo=r.item,
            )  # fmt: skip
        except InsufficientPoints:
            refused += 1
    ledger.book(postings[booked:])

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
