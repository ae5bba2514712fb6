"""Hypothesis strategies for redcity's records (needs ``redcity[testing]``).

Grid and calendar strategies live here: trees (:func:`grid_trees`,
:func:`grid_records`, :func:`nodes`, :func:`level_schemes`, :func:`levels`,
:func:`division_codes`), governance records (:func:`grid_bounds`,
:func:`standards`, :func:`assignments`, :func:`party_orgs`,
:func:`thresholds`, :func:`card_policies`, :func:`metric_values`), the
results of the grid's functions on drawn inputs (:func:`merge_results`,
:func:`staffing_reports`, :func:`party_coverages`, :func:`card_histories`)
and calendars (:func:`periods`, :func:`work_calendars`).  The people
strategies (:func:`persons`, :func:`organizations`, :func:`memberships`,
:func:`posts`, :func:`contact_details`, :func:`resident_ids`,
:func:`phone_numbers`) are re-exported from
:mod:`redcity.testing._people_strategies`, and so are the other wings':
points (:func:`facts`, :func:`fact_lists`, :func:`rulebooks`), the bank
(:func:`accounts`, :func:`transactions`, :func:`ledgers`), registry and
assessment (:func:`registrations`, :func:`member_registries`,
:func:`star_thresholds`, :func:`team_star_rules`, :func:`evaluations`,
:func:`assessment_weights`, :func:`grade_cutoffs`), meetings
(:func:`meetings`, :func:`units`, :func:`estates`, :func:`ballots`,
:func:`tallies`, :func:`topics`) and dispatch (:func:`categories`,
:func:`tickets`, :func:`ticket_histories`, :func:`ticket_batches`,
:func:`case_counts_records`, :func:`hotline_counts_records`,
:func:`volunteers`, :func:`match_requests`, :func:`matching_problems`);
strategies for every other public record (configuration records and the
results of redcity's functions on drawn inputs) are re-exported from
:mod:`redcity.testing._more_strategies`, so that every public record type
has one — and ``st.from_type`` finds them all through the ``hypothesis``
entry point.

Every strategy produces values that are valid by construction, takes its
bounds as keyword-only ``min_*``/``max_*`` arguments, raises
:class:`hypothesis.errors.InvalidArgument` for bad arguments, and shrinks
toward small, simple cases.

>>> from hypothesis import given, settings
>>> from redcity.testing.strategies import grid_trees
>>> @settings(max_examples=20, deadline=None)
... @given(grid_trees(max_nodes=12))
... def test_root_contains_everything(tree):
...     assert all(tree.contains(tree.root, i) for i in tree)
>>> test_root_contains_everything()
"""

from __future__ import annotations

import functools
from datetime import date, time
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.calendars import DEFAULT_WORKING_HOURS, Period, PeriodKind, WorkCalendar
from redcity.grid import (
    DEFAULT_MAX_HOUSEHOLDS_PER_WORKER,
    DEFAULT_SCHEME,
    URBAN_GRID_BOUNDS,
    Assignment,
    Card,
    CardHistory,
    CardPolicy,
    Direction,
    GridBounds,
    GridTree,
    Level,
    LevelScheme,
    MergeMode,
    MergeResult,
    MetricValue,
    Node,
    PartyCoverage,
    PartyOrg,
    PartyOrgKind,
    Post,
    StaffingReport,
    Standard,
    Threshold,
    evaluate_cards,
    merge_layers,
    party_coverage,
    staffing_report,
)
from redcity.grid.codes import TownshipKind, VillageKind
from redcity.testing._checks import check_size as _check_size
from redcity.testing._people_strategies import (
    contact_details,
    memberships,
    organizations,
    persons,
    phone_numbers,
    posts,
    resident_ids,
)

__all__ = [
    "accounts",
    "all_parts",
    "area_changes",
    "arrivals",
    "assessment_weights",
    "assessments",
    "assignments",
    "ballots",
    "bounded_escalations",
    "capacities",
    "card_histories",
    "card_policies",
    "case_counts_records",
    "case_rates",
    "categories",
    "closed_loops",
    "contact_details",
    "cost_policies",
    "cross_post_rules",
    "decision_rules",
    "dispatch_assignments",
    "dispatch_comparisons",
    "division_codes",
    "estates",
    "evaluations",
    "expiry_policies",
    "fact_lists",
    "facts",
    "feedbacks",
    "grade_cutoffs",
    "grid_bounds",
    "grid_records",
    "grid_trees",
    "handlers",
    "handling_times",
    "honours_lists",
    "hotline_counts_records",
    "hotline_rates",
    "hotline_weights",
    "ledger_policies",
    "ledgers",
    "level_schemes",
    "levels",
    "limits",
    "match_requests",
    "matching_problems",
    "matchings",
    "meetings",
    "member_registries",
    "memberships",
    "merge_results",
    "metric_values",
    "monthly_agendas",
    "nodes",
    "notice_policies",
    "organizations",
    "owners_approvals",
    "owners_decisions",
    "parts",
    "party_coverages",
    "party_orgs",
    "periods",
    "persons",
    "phone_numbers",
    "postings",
    "posts",
    "registrations",
    "resident_ids",
    "resolution_shares_records",
    "rule_deltas",
    "rulebook_comparisons",
    "rulebooks",
    "simulation_conditions",
    "simulation_policies",
    "simulation_results",
    "sla_tables",
    "staffing_reports",
    "standards",
    "star_thresholds",
    "statements",
    "table_routers",
    "table_whistles",
    "tallies",
    "taxonomies",
    "team_star_rules",
    "thresholds",
    "ticket_batches",
    "ticket_histories",
    "tickets",
    "topics",
    "transactions",
    "units",
    "verify_reports",
    "volunteers",
    "whistles",
    "work_calendars",
]

# Digits of a division code: (start, stop, lowest, highest) per segment.
# 国统字〔2009〕91号: township 001–599, village 001–599; then 3-digit grid
# sequences 001–999.
_SEGMENTS = (
    (0, 2, 10, 99),  # province
    (2, 4, 1, 99),  # prefecture-level city
    (4, 6, 1, 99),  # county/district
    (6, 9, 1, 599),  # township/street
    (9, 12, 1, 599),  # village/community
)
_DIVISION_LENGTH = {
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
}
_TOWNSHIP_RANGE = {
    TownshipKind.STREET: (1, 99),
    TownshipKind.TOWN: (100, 199),
    TownshipKind.TOWNSHIP: (200, 399),
    TownshipKind.TOWNSHIP_LIKE: (400, 599),
}
_VILLAGE_RANGE = {
    VillageKind.RESIDENTS: (1, 199),
    VillageKind.VILLAGERS: (200, 399),
    VillageKind.RESIDENTS_LIKE: (400, 499),
    VillageKind.VILLAGERS_LIKE: (500, 599),
}


_BOOLEANS = st.booleans()
_SEQUENCE = st.integers(1, 999)
_COUNTS = st.tuples(st.none() | st.integers(0, 2000), st.none() | st.integers(0, 2000))


def levels() -> st.SearchStrategy[Level]:
    """Any :class:`~redcity.grid.Level`, shrinking toward ``Level.CITY``.

    >>> from hypothesis import given
    >>> @given(levels())
    ... def test_parse_round_trip(level):
    ...     assert Level.parse(level.zh) is level
    >>> test_parse_round_trip()
    """
    return st.sampled_from(Level)


def division_codes(
    *,
    level: Level | str | None = None,
    kind: TownshipKind | VillageKind | None = None,
) -> st.SearchStrategy[str]:
    """Valid 12-digit statistical division codes (统计用区划代码).

    Args:
        level: ``Level.DISTRICT`` (township and village parts ``000``),
            ``Level.STREET`` (village part ``000``) or ``Level.COMMUNITY``;
            ``None`` for any of the three.
        kind: Restrict the township part (a :class:`TownshipKind`) or the
            village part (a :class:`VillageKind`) to that kind's range.

    Raises:
        hypothesis.errors.InvalidArgument: a level other than the three, or a
            kind the level cannot have (a village kind above a community, a
            township kind at a district).

    References:
        国统字〔2009〕91号: township 001–099 街道, 100–199 镇, 200–399 乡,
        400–599 类似乡级单位; village 001–199 居委会, 200–399 村委会,
        400–499 类似居委会, 500–599 类似村委会.

    >>> from hypothesis import given
    >>> from redcity.grid import DivisionCode
    >>> @given(division_codes(kind=VillageKind.VILLAGERS))
    ... def test_village_codes(code):
    ...     assert DivisionCode.parse(code).village_kind is VillageKind.VILLAGERS
    >>> test_village_codes()
    """
    allowed = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
    wanted: tuple[Level, ...]
    if level is None:
        wanted = allowed
    else:
        try:
            parsed = Level.parse(level)
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from None
        if parsed not in allowed:
            msg = (
                f"division_codes() expected level district, street or community, "
                f"got {level!r}."
            )
            raise InvalidArgument(msg)
        wanted = (parsed,)
    if kind is not None and not isinstance(kind, TownshipKind | VillageKind):
        msg = f"Expected kind to be a TownshipKind or VillageKind, got {kind!r}."
        raise InvalidArgument(msg)
    if isinstance(kind, VillageKind):
        if level is not None and wanted != (Level.COMMUNITY,):
            msg = f"A village kind ({kind.zh}) needs level community, got {level!r}."
            raise InvalidArgument(msg)
        wanted = (Level.COMMUNITY,)
    elif isinstance(kind, TownshipKind):
        if level is not None and wanted == (Level.DISTRICT,):
            msg = f"A township kind ({kind.zh}) needs level street or community."
            raise InvalidArgument(msg)
        if wanted != (Level.COMMUNITY,):
            wanted = (Level.STREET, Level.COMMUNITY)

    township = _TOWNSHIP_RANGE[kind] if isinstance(kind, TownshipKind) else (1, 599)
    village = _VILLAGE_RANGE[kind] if isinstance(kind, VillageKind) else (1, 599)
    county = st.tuples(st.integers(10, 99), st.integers(1, 99), st.integers(1, 99)).map(
        lambda t: f"{t[0]:02d}{t[1]:02d}{t[2]:02d}"
    )

    def build(lv: Level) -> st.SearchStrategy[str]:
        parts: list[st.SearchStrategy[str]] = [county]
        if lv >= Level.STREET:
            parts.append(st.integers(*township).map("{:03d}".format))
        if lv >= Level.COMMUNITY:
            parts.append(st.integers(*village).map("{:03d}".format))
        return st.tuples(*parts).map(lambda t: "".join(t).ljust(12, "0"))

    return st.one_of(*map(build, wanted))


def _check_bounds(min_nodes: object, max_nodes: object, scheme: object) -> None:
    if type(min_nodes) is not int or min_nodes < 1:
        msg = f"Expected min_nodes to be a whole number ≥ 1, got {min_nodes!r}."
        raise InvalidArgument(msg)
    if type(max_nodes) is not int or max_nodes < min_nodes:
        msg = (
            f"Expected max_nodes to be a whole number ≥ min_nodes={min_nodes}, "
            f"got {max_nodes!r}."
        )
        raise InvalidArgument(msg)
    if not isinstance(scheme, LevelScheme):
        msg = f"Expected scheme to be a LevelScheme, got {scheme!r}."
        raise InvalidArgument(msg)


def _child_levels(scheme: LevelScheme, level: Level, grids: int) -> tuple[Level, ...]:
    """Levels a new child of a node may take; ``grids`` counts grids at/above it."""
    return _allowed_children(scheme, level, grids == 1)


@functools.lru_cache(maxsize=256)
def _allowed_children(
    scheme: LevelScheme, level: Level, in_one_grid: bool
) -> tuple[Level, ...]:
    return tuple(
        c
        for c in scheme.children_of(level)
        if not (scheme.building_in_one_grid and c is Level.BUILDING and not in_one_grid)
    )


def _root_levels(scheme: LevelScheme) -> list[Level]:
    """Levels a root may have: a building needs a grid above it."""
    return [
        lv for lv in Level if not (scheme.building_in_one_grid and lv is Level.BUILDING)
    ]


def _code(draw: st.DrawFn, level: Level, above: str) -> tuple[str, str] | None:
    """A code for a node whose nearest coded ancestor's trimmed code is ``above``.

    Returns the code as written and its trimmed form (what descendants
    extend), or None when the level takes no code there.
    """
    if level is Level.GRID:
        target = max(12, len(above)) + 3
    elif level in _DIVISION_LENGTH:
        target = _DIVISION_LENGTH[level]
    else:
        return None
    if target <= len(above):
        return None
    code = above
    for start, stop, low, high in _SEGMENTS:
        if start >= len(code) and stop <= target:
            code += f"{draw(st.integers(low, high)):0{stop - start}d}"
    while len(code) < target:  # grid sequences
        code += f"{draw(_SEQUENCE):03d}"
    written = code
    if level is Level.CITY or (
        level in (Level.DISTRICT, Level.STREET) and draw(_BOOLEANS)
    ):
        written = code.ljust(12, "0")  # the full 12-digit form, trimmed back
    return written, code


@st.composite
def _grid_records(
    draw: st.DrawFn,
    min_nodes: int,
    max_nodes: int,
    scheme: LevelScheme,
    codes: bool,
    households: bool,
) -> list[dict[str, Any]]:
    alone = _root_levels(scheme)
    grows = [lv for lv in alone if _child_levels(scheme, lv, int(lv is Level.GRID))]
    # A scheme under which no root may have a child only has one-node trees
    # (grid_records refuses min_nodes > 1 for it).
    n = draw(st.integers(min_nodes, max_nodes)) if grows else 1
    level = draw(st.sampled_from(grows if n > 1 else alone))
    # per node: level, grids at or above, trimmed code at or above
    nodes: list[tuple[Level, int, str]] = []
    open_nodes: list[int] = []
    rows: list[dict[str, Any]] = []
    for i in range(n):
        if i:
            p = open_nodes[draw(st.integers(0, len(open_nodes) - 1))]
            p_level, p_grids, above = nodes[p]
            options = _child_levels(scheme, p_level, p_grids)
            level = options[draw(st.integers(0, len(options) - 1))]
            parent: str | None = rows[p]["id"]
        else:
            p_grids, above, parent = 0, "", None
        grids = p_grids + (level is Level.GRID)
        code = None
        if codes and level <= Level.GRID and draw(_BOOLEANS):
            made = _code(draw, level, above)
            if made is not None:
                code, above = made
        row: dict[str, Any] = {
            "id": f"n{i}",
            "parent": parent,
            "level": level,
            "name": f"{level.zh}{i}",
        }
        if code is not None:
            row["code"] = code
        if households and draw(_BOOLEANS):
            row["households"], row["population"] = draw(_COUNTS)
        rows.append(row)
        nodes.append((level, grids, above))
        if _child_levels(scheme, level, grids):
            open_nodes.append(i)
    return rows


def grid_records(
    *,
    min_nodes: int = 1,
    max_nodes: int = 50,
    scheme: LevelScheme = DEFAULT_SCHEME,
    codes: bool = True,
    households: bool = True,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Rows that :meth:`GridTree.from_records` accepts, parents before children.

    Each new node picks an earlier node as its parent and a level ``scheme``
    allows under it; a building is only placed where exactly one grid lies
    above (when the scheme asks for it).  Ids are ``n0`` (the root), ``n1`` …;
    names are the level's Chinese name and the number.  Shrinks toward one
    node, then toward nodes hanging from the root at the top-most levels, no
    codes and no counts.

    Args:
        min_nodes: Fewest rows (at least 1).
        max_nodes: Most rows.
        scheme: The level scheme the rows must satisfy.
        codes: Give some district … grid nodes a division or grid code that
            extends the nearest coded ancestor's (sometimes written in the
            12-digit padded form).
        households: Give some nodes ``households`` and ``population``.

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds, a scheme that is not a
            :class:`LevelScheme`, or a scheme under which no tree of
            ``min_nodes`` nodes exists.

    >>> from hypothesis import given
    >>> @given(grid_records(min_nodes=2, max_nodes=5))
    ... def test_rows(rows):
    ...     assert 2 <= len(rows) <= 5 and rows[0]["parent"] is None
    >>> test_rows()
    """
    _check_bounds(min_nodes, max_nodes, scheme)
    if not isinstance(codes, bool) or not isinstance(households, bool):
        msg = f"Expected codes and households as bools, got {codes!r}, {households!r}."
        raise InvalidArgument(msg)
    if min_nodes > 1 and not any(
        _child_levels(scheme, lv, int(lv is Level.GRID)) for lv in _root_levels(scheme)
    ):
        msg = (
            f"No tree of {min_nodes} nodes is valid under {scheme!r}: no level "
            "may have a child."
        )
        raise InvalidArgument(msg)
    return _grid_records(min_nodes, max_nodes, scheme, codes, households)


def grid_trees(
    *,
    min_nodes: int = 1,
    max_nodes: int = 50,
    scheme: LevelScheme = DEFAULT_SCHEME,
    codes: bool = True,
    households: bool = True,
) -> st.SearchStrategy[GridTree]:
    """Valid :class:`~redcity.grid.GridTree` objects, built from :func:`grid_records`.

    Args:
        min_nodes: Fewest nodes (at least 1).
        max_nodes: Most nodes.
        scheme: The level scheme the trees are valid under.
        codes: Give some nodes codes (see :func:`grid_records`).
        households: Give some nodes ``households`` and ``population``.

    Raises:
        hypothesis.errors.InvalidArgument: as :func:`grid_records`.

    >>> from hypothesis import given
    >>> @given(grid_trees(max_nodes=8))
    ... def test_rollup_of_ones(tree):
    ...     assert tree.rollup(dict.fromkeys(tree, 1))[tree.root] == len(tree)
    >>> test_rollup_of_ones()
    """
    rows = grid_records(
        min_nodes=min_nodes,
        max_nodes=max_nodes,
        scheme=scheme,
        codes=codes,
        households=households,
    )
    return rows.map(lambda r: GridTree.from_records(r, scheme=scheme))


# --------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_NAMES = st.text(_HAN, min_size=1, max_size=6) | st.text(min_size=1, max_size=8).filter(
    str.strip
)
_NODE_IDS = st.integers(0, 99).map("n{}".format)
_PERSON_IDS = st.integers(0, 99).map("p{}".format)
_ORG_ID_COUNT = 8
_DUTIES = ("信息采集", "走访入户", "矛盾调解", "巡查", "问题上报", "政策宣传")
_LAYER_NAMES = ("党建", "综治", "卫健", "城管", "应急", "市场监管")
_METRIC_NAMES = st.sampled_from(
    ("满意率", "按期结案率", "逾期件数", "返工率", "户/网格员", "党组织覆盖")
) | st.text(min_size=1, max_size=8).filter(str.strip)
_ZONES = ("Asia/Shanghai", "UTC", "Asia/Urumqi", "Asia/Hong_Kong")
_METRIC_VALUES: st.SearchStrategy[MetricValue] = st.one_of(
    st.integers(-1000, 1000),
    st.fractions(min_value=-1000, max_value=1000, max_denominator=1000),
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.floats(min_value=-1000, max_value=1000),
)
_OPT_METRIC_VALUES = st.none() | _METRIC_VALUES


def _check_tree(tree: object) -> None:
    if tree is not None and (not isinstance(tree, GridTree) or not len(tree)):
        msg = f"Expected tree to be a non-empty GridTree or None, got {tree!r}."
        raise InvalidArgument(msg)


# --------------------------------------------------------------------------
# The grid: nodes, schemes, merges
# --------------------------------------------------------------------------


@st.composite
def _node(draw: st.DrawFn) -> Node:
    i = draw(st.integers(0, 999))
    parent = None if i == 0 else draw(st.none() | st.integers(0, i - 1))
    level = draw(levels())
    households, population = draw(_COUNTS)
    return Node(
        id=f"n{i}",
        parent=None if parent is None else f"n{parent}",
        level=level,
        name=draw(st.just(f"{level.zh}{i}") | _NAMES),
        code=draw(st.none() | division_codes()),
        households=households,
        population=population,
    )


_NODES = _node()


def nodes() -> st.SearchStrategy[Node]:
    """Single :class:`~redcity.grid.Node` records, as ``tree[node_id]`` returns them.

    Ids are ``n0`` … ``n999``; a parent, when there is one, has a smaller
    number.  Names are never blank, counts never negative, codes are valid
    12-digit division codes.  Shrinks toward the root ``n0``, a city, with no
    code or counts.  For nodes that fit together, draw a whole tree with
    :func:`grid_trees`.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(nodes())
    ... def test_never_its_own_parent(node):
    ...     assert node.parent != node.id and node.name.strip()
    >>> test_never_its_own_parent()
    """
    return _NODES


_SCHEMES = st.just(DEFAULT_SCHEME) | st.builds(
    LevelScheme,
    st.frozensets(
        st.sampled_from(sorted(DEFAULT_SCHEME.pairs)) | st.tuples(levels(), levels()),
        max_size=12,
    ),
    building_in_one_grid=st.booleans(),
)


def level_schemes() -> st.SearchStrategy[LevelScheme]:
    """Level schemes: :data:`~redcity.grid.DEFAULT_SCHEME` or any set of level pairs.

    Pairs mix the default scheme's with arbitrary ones (a level may even sit
    under itself); shrinks toward the default scheme.  Pass one to
    :func:`grid_trees` (``scheme=``) for trees valid under it.

    >>> from hypothesis import find
    >>> find(level_schemes(), lambda s: True) == DEFAULT_SCHEME
    True
    """
    return _SCHEMES


def grid_bounds(*, max_households: int = 2000) -> st.SearchStrategy[GridBounds]:
    """:class:`~redcity.grid.GridBounds`: the 300–500 default or any ``min <= max``.

    Args:
        max_households: The largest bound drawn.

    Raises:
        hypothesis.errors.InvalidArgument: ``max_households`` is not a whole
            number ≥ 0.

    >>> from hypothesis import find
    >>> find(grid_bounds(), lambda b: True)
    GridBounds(min_households=300, max_households=500)
    """
    _check_size("households", 0, max_households)
    return st.just(URBAN_GRID_BOUNDS) | st.lists(
        st.integers(0, max_households), min_size=2, max_size=2
    ).map(sorted).map(lambda b: GridBounds(min_households=b[0], max_households=b[1]))


@st.composite
def _merge_result(
    draw: st.DrawFn, min_nodes: int, max_nodes: int, max_layers: int
) -> MergeResult:
    tree = draw(grid_trees(min_nodes=min_nodes, max_nodes=max_nodes))
    buildings = tree.nodes(Level.BUILDING)
    # Mostly buildings; some other nodes and unknown ids make conflicts.
    keys = st.sampled_from(tree.ids) | st.sampled_from(("x1", "x2"))
    if buildings:
        keys = st.sampled_from(buildings) | keys
    grids = st.sampled_from(("G1", "G2", "G3"))
    count = draw(st.integers(1, max_layers))
    names = [
        _LAYER_NAMES[k] if k < len(_LAYER_NAMES) else f"层{k}" for k in range(count)
    ]
    layers = {
        name: draw(st.dictionaries(keys, grids, max_size=len(buildings) + 2))
        for name in names
    }
    return merge_layers(
        tree,
        layers,
        mode=draw(st.sampled_from(MergeMode)),
        bounds=draw(grid_bounds() | st.none()),
    )


def merge_results(
    *, min_nodes: int = 1, max_nodes: int = 30, max_layers: int = 3
) -> st.SearchStrategy[MergeResult]:
    """What :func:`~redcity.grid.merge_layers` returns for a drawn tree and layers.

    Each result comes from calling ``merge_layers`` on a tree from
    :func:`grid_trees` with one to ``max_layers`` departmental layers (党建,
    综治 …) that map some buildings, sometimes other nodes or unknown ids, to
    grids ``G1``–``G3``, so conflicts and grids out of bounds are common.
    Shrinks toward one empty layer over a one-node tree.

    Args:
        min_nodes: Fewest tree nodes (at least 1).
        max_nodes: Most tree nodes.
        max_layers: Most layers (at least 1).

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(merge_results(max_nodes=12))
    ... def test_each_building_in_one_grid(result):
    ...     merged = [b for grid in result.grids for b in grid]
    ...     assert len(merged) == len(set(merged))
    >>> test_each_building_in_one_grid()
    """
    _check_size("nodes", min_nodes, max_nodes, 1)
    _check_size("layers", 1, max_layers, 1)
    return _merge_result(min_nodes, max_nodes, max_layers)


# --------------------------------------------------------------------------
# Staffing (四定) and party organisations
# --------------------------------------------------------------------------

_STANDARDS = st.builds(
    Standard,
    visit_every_days=st.none() | st.integers(1, 365),
    report_within_hours=st.none() | st.integers(1, 168),
)


def standards() -> st.SearchStrategy[Standard]:
    """:class:`~redcity.grid.Standard` (定标), each bound set or not.

    >>> from hypothesis import find
    >>> find(standards(), lambda s: s.visit_every_days is not None)
    Standard(visit_every_days=1, report_within_hours=None)
    """
    return _STANDARDS


def _tree_node_ids(tree: GridTree | None) -> st.SearchStrategy[str]:
    if tree is None:
        return _NODE_IDS
    grids = tree.nodes(Level.GRID)
    anywhere = st.sampled_from(tree.ids)
    return st.sampled_from(grids) | anywhere if grids else anywhere


@st.composite
def _assignment(draw: st.DrawFn, node_ids: st.SearchStrategy[str]) -> Assignment:
    party_member = draw(st.booleans())
    return Assignment(
        person_id=draw(_PERSON_IDS),
        node_id=draw(node_ids),
        post=draw(st.sampled_from(Post)),
        duties=draw(st.lists(st.sampled_from(_DUTIES), max_size=3, unique=True)),
        standard=draw(st.none() | _STANDARDS),
        party_member=party_member,
        in_service=party_member and draw(st.booleans()),
    )


def assignments(*, tree: GridTree | None = None) -> st.SearchStrategy[Assignment]:
    """:class:`~redcity.grid.Assignment` records (定人、定岗、定责、定标).

    People are ``p0`` … ``p99`` (so the same person recurs); only party
    members are ever in service (在职党员).  Shrinks toward a 网格长 with no
    duties and no standard.

    Args:
        tree: Draw node ids from this tree, grids favoured; without a tree
            node ids are ``n0`` … ``n99``, like :func:`grid_records`' ids.

    Raises:
        hypothesis.errors.InvalidArgument: ``tree`` is not a non-empty
            :class:`~redcity.grid.GridTree`.

    >>> from hypothesis import find
    >>> find(assignments(), lambda a: True)
    Assignment(person_id='p0', node_id='n0', post=<Post.GRID_LEADER: '网格长'>,
               duties=(), standard=None, party_member=False, in_service=False)
    """
    _check_tree(tree)
    return _assignment(_tree_node_ids(tree))


@st.composite
def _staffing_report(
    draw: st.DrawFn, min_nodes: int, max_nodes: int, max_assignments: int
) -> StaffingReport:
    tree = draw(grid_trees(min_nodes=min_nodes, max_nodes=max_nodes))
    staff = draw(
        st.lists(assignments(tree=tree) | assignments(), max_size=max_assignments)
    )
    bound = draw(
        st.just(DEFAULT_MAX_HOUSEHOLDS_PER_WORKER) | st.none() | st.integers(1, 1000)
    )
    return staffing_report(tree, staff, max_households_per_worker=bound)


def staffing_reports(
    *, min_nodes: int = 1, max_nodes: int = 30, max_assignments: int = 12
) -> st.SearchStrategy[StaffingReport]:
    """What :func:`~redcity.grid.staffing_report` finds for drawn staff on a drawn tree.

    Assignments mostly name the tree's nodes (grids favoured), sometimes
    unknown ones; the households bound is the default 500, none, or any
    from 1 to 1000, so overloaded grids are common.  Shrinks toward no
    assignments on a one-node tree.

    Args:
        min_nodes: Fewest tree nodes (at least 1).
        max_nodes: Most tree nodes.
        max_assignments: Most assignments.

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(staffing_reports(max_nodes=12))
    ... def test_fully_staffed_grids(report):
    ...     assert 0 <= report.fully_staffed <= report.grids
    >>> test_fully_staffed_grids()
    """
    _check_size("nodes", min_nodes, max_nodes, 1)
    _check_size("assignments", 0, max_assignments)
    return _staffing_report(min_nodes, max_nodes, max_assignments)


@st.composite
def _party_org(draw: st.DrawFn, node_ids: st.SearchStrategy[str]) -> PartyOrg:
    k = draw(st.integers(0, _ORG_ID_COUNT - 1))
    parent = draw(st.none() | st.integers(0, _ORG_ID_COUNT - 2))
    kind = draw(st.sampled_from(PartyOrgKind))
    return PartyOrg(
        id=f"o{k}",
        name=draw(st.just(f"{kind.zh}{k}") | _NAMES),
        kind=kind,
        # never its own parent: skip k
        parent_id=None if parent is None else f"o{parent + (parent >= k)}",
        node_ids=draw(st.frozensets(node_ids, max_size=3)),
    )


def party_orgs(*, tree: GridTree | None = None) -> st.SearchStrategy[PartyOrg]:
    """:class:`~redcity.grid.PartyOrg` records (党工委 … 党小组).

    Ids are ``o0`` … ``o7`` and parents name another of them, so a list of
    organisations has repeats, unknown parents and cycles for
    :func:`~redcity.grid.party_coverage` to find; no organisation is its own
    parent.  Shrinks toward a 党工委 on no node with no parent.

    Args:
        tree: Draw node ids from this tree, grids favoured; without a tree
            node ids are ``n0`` … ``n99``.

    Raises:
        hypothesis.errors.InvalidArgument: ``tree`` is not a non-empty
            :class:`~redcity.grid.GridTree`.

    >>> from hypothesis import find
    >>> find(party_orgs(), lambda o: True)
    PartyOrg(id='o0', name='党工委0',
             kind=<PartyOrgKind.WORKING_COMMITTEE: '党工委'>, parent_id=None,
             node_ids=frozenset())
    """
    _check_tree(tree)
    return _party_org(_tree_node_ids(tree))


@st.composite
def _party_coverage(
    draw: st.DrawFn, min_nodes: int, max_nodes: int, max_orgs: int
) -> PartyCoverage:
    tree = draw(grid_trees(min_nodes=min_nodes, max_nodes=max_nodes))
    orgs = draw(st.lists(party_orgs(tree=tree) | party_orgs(), max_size=max_orgs))
    return party_coverage(tree, orgs, count_level=draw(levels()))


def party_coverages(
    *, min_nodes: int = 1, max_nodes: int = 30, max_orgs: int = 8
) -> st.SearchStrategy[PartyCoverage]:
    """What :func:`~redcity.grid.party_coverage` finds for drawn organisations.

    Organisations come from :func:`party_orgs` (mostly on the tree's nodes),
    counted at a drawn level.  Shrinks toward no organisation on a one-node
    tree.

    Args:
        min_nodes: Fewest tree nodes (at least 1).
        max_nodes: Most tree nodes.
        max_orgs: Most organisations.

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(party_coverages(max_nodes=12))
    ... def test_every_grid_counted_once(coverage):
    ...     assert coverage.covered + len(coverage.uncovered) == coverage.grids
    >>> test_every_grid_counted_once()
    """
    _check_size("nodes", min_nodes, max_nodes, 1)
    _check_size("orgs", 0, max_orgs)
    return _party_coverage(min_nodes, max_nodes, max_orgs)


# --------------------------------------------------------------------------
# Cards (绿/黄/红牌)
# --------------------------------------------------------------------------


def metric_values() -> st.SearchStrategy[MetricValue]:
    """Metric values from -1000 to 1000: ints, Fractions, Decimals and floats.

    Never NaN or infinite.  Shrinks toward the integer 0.

    >>> from hypothesis import find
    >>> find(metric_values(), lambda v: True)
    0
    """
    return _METRIC_VALUES


def _ordered_bounds(direction: Direction, a: Any, b: Any) -> tuple[Any, Any]:
    """(yellow, red) from two bounds such that red is no laxer than yellow."""
    if a is None or b is None:
        return a, b
    low, high = sorted((a, b))
    return (high, low) if direction is Direction.HIGHER_IS_BETTER else (low, high)


@st.composite
def _threshold(draw: st.DrawFn) -> Threshold:
    direction = draw(st.sampled_from(Direction))
    yellow, red = _ordered_bounds(
        direction, draw(_OPT_METRIC_VALUES), draw(_OPT_METRIC_VALUES)
    )
    return Threshold(draw(_METRIC_NAMES), direction, yellow=yellow, red=red)


_THRESHOLDS = _threshold()


def thresholds() -> st.SearchStrategy[Threshold]:
    """:class:`~redcity.grid.Threshold` records that a card policy accepts.

    Bounds are :func:`metric_values` or ``None``; when both are set, red is
    no laxer than yellow.  Shrinks toward a higher-is-better 满意率 with no
    bounds.

    >>> from hypothesis import find
    >>> find(thresholds(), lambda t: True)
    Threshold(metric='满意率', direction=<Direction.HIGHER_IS_BETTER: 'higher'>,
              yellow=None, red=None)
    """
    return _THRESHOLDS


def card_policies(
    *, min_thresholds: int = 0, max_thresholds: int = 3
) -> st.SearchStrategy[CardPolicy]:
    """Valid :class:`~redcity.grid.CardPolicy` objects: one threshold per metric.

    ``promote_after`` is 1–4 and ``on_missing`` any card or ``None``.
    Shrinks toward no thresholds, promotion after one period.

    Args:
        min_thresholds: Fewest thresholds.
        max_thresholds: Most thresholds.

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import find
    >>> find(card_policies(), lambda p: True)
    CardPolicy(thresholds=(), promote_after=1, on_missing=None)
    """
    _check_size("thresholds", min_thresholds, max_thresholds)
    return st.builds(
        CardPolicy,
        st.lists(
            _THRESHOLDS,
            min_size=min_thresholds,
            max_size=max_thresholds,
            unique_by=lambda t: t.metric,
        ),
        promote_after=st.integers(1, 4),
        on_missing=st.none() | st.sampled_from(Card),
    )


@st.composite
def _card_history(
    draw: st.DrawFn, min_periods: int, max_periods: int, max_nodes: int
) -> CardHistory:
    policy = draw(card_policies())
    count = draw(st.integers(min_periods, max_periods))
    months = draw(
        st.lists(st.integers(1, 12), min_size=count, max_size=count, unique=True)
    )
    node_ids = [f"g{k}" for k in range(draw(st.integers(1, max_nodes)))]
    names = st.sampled_from([*(t.metric for t in policy.thresholds), "其他"])
    data = {
        f"2026-{m:02d}": {
            node_id: draw(st.dictionaries(names, _METRIC_VALUES, max_size=3))
            for node_id in node_ids
            if draw(st.booleans())
        }
        for m in months
    }
    initial = draw(st.dictionaries(st.sampled_from(node_ids), st.sampled_from(Card)))
    return evaluate_cards(policy, data, initial=initial)


def card_histories(
    *, min_periods: int = 1, max_periods: int = 4, max_nodes: int = 4
) -> st.SearchStrategy[CardHistory]:
    """What :func:`~redcity.grid.evaluate_cards` returns for drawn metrics.

    A policy from :func:`card_policies` is applied to monthly periods of
    2026 (``"2026-01"`` …) for grids ``g0`` …, each with some of the
    policy's metrics (or none) in some periods, and some grids holding an
    initial card.  Shrinks toward one period with no metrics.

    Args:
        min_periods: Fewest periods.
        max_periods: Most periods (at most 12).
        max_nodes: Most grids (at least 1).

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(card_histories())
    ... def test_one_decision_per_node_and_period(history):
    ...     assert len(history.decisions) == len(history.periods) * len(history.nodes)
    >>> test_one_decision_per_node_and_period()
    """
    _check_size("periods", min_periods, max_periods)
    if max_periods > 12:
        msg = f"Expected max_periods ≤ 12 (the months of 2026), got {max_periods!r}."
        raise InvalidArgument(msg)
    _check_size("nodes", 1, max_nodes, 1)
    return _card_history(min_periods, max_periods, max_nodes)


# --------------------------------------------------------------------------
# Calendars
# --------------------------------------------------------------------------


def _check_years(min_year: int, max_year: int) -> None:
    _check_size("year", min_year, max_year, 1)
    if max_year > 9998:
        msg = f"Expected max_year ≤ 9998, got {max_year!r}."
        raise InvalidArgument(msg)


@st.composite
def _period(draw: st.DrawFn, min_year: int, max_year: int) -> Period:
    kind = draw(st.sampled_from(PeriodKind))
    return Period(
        kind,
        draw(st.integers(min_year, max_year)),
        draw(st.integers(1, 12 // kind.months)),
        draw(st.sampled_from(_ZONES)),
    )


def periods(*, min_year: int = 2000, max_year: int = 2099) -> st.SearchStrategy[Period]:
    """Reporting :class:`~redcity.calendars.Period` objects: months, quarters, years.

    Zones are Asia/Shanghai (first), UTC, Asia/Urumqi and Asia/Hong_Kong.
    Shrinks toward the first month of ``min_year`` in Asia/Shanghai.

    Args:
        min_year: The earliest year (at least 1).
        max_year: The latest year (at most 9998).

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import find
    >>> print(find(periods(), lambda p: True))
    2000-01
    """
    _check_years(min_year, max_year)
    return _period(min_year, max_year)


@st.composite
def _work_calendar(
    draw: st.DrawFn, min_year: int, max_year: int, max_overrides: int
) -> WorkCalendar:
    days = st.dates(date(min_year, 1, 1), date(max_year, 12, 31))
    holidays = draw(st.frozensets(days, max_size=max_overrides))
    workdays = draw(st.frozensets(days, max_size=max_overrides)) - holidays
    hours = draw(
        st.just(DEFAULT_WORKING_HOURS)
        | st.lists(st.times(), min_size=2, max_size=6, unique=True).map(_intervals)
    )
    return WorkCalendar(
        tz=draw(st.sampled_from(_ZONES)),
        working_hours=hours,
        holidays=holidays,
        workdays=workdays,
        known_years=draw(st.frozensets(st.integers(min_year, max_year), max_size=3)),
    )


def _intervals(times: list[time]) -> tuple[tuple[time, time], ...]:
    """Ordered, non-overlapping (start, end) pairs from distinct times."""
    ordered = sorted(times)
    return tuple(zip(ordered[0:-1:2], ordered[1::2], strict=True))


def work_calendars(
    *, min_year: int = 2000, max_year: int = 2099, max_overrides: int = 6
) -> st.SearchStrategy[WorkCalendar]:
    """Valid :class:`~redcity.calendars.WorkCalendar` objects with overrides.

    Working hours are the default or 1–3 ordered, non-overlapping intervals;
    holidays and workdays are disjoint sets of days between the years.
    Shrinks toward ``WorkCalendar.china()``.

    Args:
        min_year: The earliest year of an override (at least 1).
        max_year: The latest year of an override (at most 9998).
        max_overrides: Most holidays, and most workdays.

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(work_calendars())
    ... def test_overrides_are_disjoint(calendar):
    ...     assert not calendar.holidays & calendar.workdays
    >>> test_overrides_are_disjoint()
    """
    _check_years(min_year, max_year)
    _check_size("overrides", 0, max_overrides)
    return _work_calendar(min_year, max_year, max_overrides)


# --------------------------------------------------------------------------
# Dispatch: categories and tickets
# --------------------------------------------------------------------------
# --------------------------------------------------------------------------
# Member registry, star tables and dual assessment (双报到, 星级, 双考双评)
# --------------------------------------------------------------------------
from redcity.testing._assessment_strategies import (  # noqa: E402
    assessment_weights,
    evaluations,
    grade_cutoffs,
    member_registries,
    registrations,
    star_thresholds,
    team_star_rules,
)

# --------------------------------------------------------------------------
# Meetings: the monthly closed loop (议题收集、处置、反馈)
# --------------------------------------------------------------------------
from redcity.testing._cycle_strategies import topics  # noqa: E402
from redcity.testing._dispatch_metric_strategies import (  # noqa: E402
    case_counts_records,
    hotline_counts_records,
    ticket_batches,
)
from redcity.testing._dispatch_strategies import (  # noqa: E402
    categories,
    ticket_histories,
    tickets,
)

# --------------------------------------------------------------------------
# Points bank (积分银行): accounts, transactions, ledgers
# --------------------------------------------------------------------------
from redcity.testing._ledger_strategies import (  # noqa: E402
    accounts,
    ledgers,
    transactions,
)
from redcity.testing._matching_strategies import (  # noqa: E402
    match_requests,
    matching_problems,
    volunteers,
)

# --------------------------------------------------------------------------
# Meetings: owners' decisions (民法典 278) and decision-rule tallies
# --------------------------------------------------------------------------
from redcity.testing._meetings_decision_strategies import (  # noqa: E402
    ballots,
    estates,
    tallies,
    units,
)

# --------------------------------------------------------------------------
# Meetings: records of three-party and joint meetings (三方共议, 红色议事)
# --------------------------------------------------------------------------
from redcity.testing._meetings_strategies import meetings  # noqa: E402

# --------------------------------------------------------------------------
# Every other public record: configuration records drawn directly, results
# as redcity's own functions return them for drawn inputs
# --------------------------------------------------------------------------
from redcity.testing._more_strategies import (  # noqa: E402
    all_parts,
    area_changes,
    arrivals,
    assessments,
    bounded_escalations,
    capacities,
    case_rates,
    closed_loops,
    cost_policies,
    cross_post_rules,
    decision_rules,
    dispatch_assignments,
    dispatch_comparisons,
    expiry_policies,
    feedbacks,
    handlers,
    handling_times,
    honours_lists,
    hotline_rates,
    hotline_weights,
    ledger_policies,
    limits,
    matchings,
    monthly_agendas,
    notice_policies,
    owners_approvals,
    owners_decisions,
    parts,
    postings,
    resolution_shares_records,
    rule_deltas,
    rulebook_comparisons,
    simulation_conditions,
    simulation_policies,
    simulation_results,
    sla_tables,
    statements,
    table_routers,
    table_whistles,
    taxonomies,
    verify_reports,
    whistles,
)

# --------------------------------------------------------------------------
# Points: facts and rulebooks
# --------------------------------------------------------------------------
from redcity.testing._points_strategies import (  # noqa: E402
    fact_lists,
    facts,
    rulebooks,
)
