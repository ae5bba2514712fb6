"""Summaries and pictures of a grid for people: what ``redcity demo`` shows.

Everything here reads a :class:`~redcity.grid.GridTree` and the grid wing's
records and returns plain data; the command line only formats it.

>>> from redcity.datasets import BOZHOU, zunyi
>>> [d.name for d in district_summaries(zunyi())]
['红花岗区', '汇川区', '播州区']
>>> next(d for d in district_summaries(zunyi()) if d.id == BOZHOU).counts[Level.GRID]
432
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from redcity.grid import (
    Assignment,
    CardPolicy,
    GridTree,
    Level,
    PartyOrg,
    Threshold,
    party_coverage,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEMO_CARD_POLICY",
    "DistrictSummary",
    "district_summaries",
    "grid_card_metrics",
    "hierarchy_figure",
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
