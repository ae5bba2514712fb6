"""Hypothesis strategies for redcity's records (needs ``redcity[testing]``).

Grid strategies live here; the people strategies (:func:`persons`,
:func:`organizations`, :func:`memberships`, :func:`posts`,
:func:`contact_details`, :func:`resident_ids`, :func:`phone_numbers`) are
re-exported from :mod:`redcity.testing._people_strategies`.

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
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.grid import DEFAULT_SCHEME, GridTree, Level, LevelScheme
from redcity.grid.codes import TownshipKind, VillageKind
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
    "contact_details",
    "division_codes",
    "grid_records",
    "grid_trees",
    "levels",
    "memberships",
    "organizations",
    "persons",
    "phone_numbers",
    "posts",
    "resident_ids",
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
    n = draw(st.integers(min_nodes, max_nodes))
    alone = _root_levels(scheme)
    grows = [lv for lv in alone if _child_levels(scheme, lv, int(lv is Level.GRID))]
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
