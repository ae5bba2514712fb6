"""多网合一: merging departmental grids (党建, 综治, 卫健, 城管 …) into one.

Each department draws its own grid over the same buildings.  A *layer* maps
building ids to that department's grid id; :func:`merge_layers` puts the
layers together in one of two ways:

* :attr:`MergeMode.COARSEST` — the finest partition that never splits a
  department grid: two buildings end up together when a chain of "same grid
  in some layer" links them (connected components, by union-find).  This is
  what 一网统筹 asks for when no department may redraw its grid.
* :attr:`MergeMode.REFINEMENT` — the common refinement: two buildings stay
  together only when every layer puts them in the same grid.  Nothing any
  department separates is ever joined.

A building missing from a layer is a conflict and counts, in that layer, as
a grid of its own (it joins nothing in either mode).  Grid ids are scoped by
layer: grid ``"1"`` of 党建 and grid ``"1"`` of 城管 are different grids.

References:
    中共中央 国务院《关于加强基层治理体系和治理能力现代化建设的意见》(2021):
    网格化管理服务, integrating the grids of different departments.
    国统字〔2009〕91号 and Zunyi practice: a grid belongs to exactly one
    community or village, so a department grid straddling communities is a
    conflict.  The 300–500 households per urban grid of :class:`GridBounds`
    is local practice, not law.

>>> from redcity.grid import GridTree
>>> from redcity.grid.overlays import merge_layers
>>> tree = GridTree.from_records([
...     {"id": "c", "parent": None, "level": "社区", "name": "娄山社区"},
...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1"},
...     *({"id": b, "parent": "g", "level": "楼栋", "name": b, "households": 120}
...       for b in ("b1", "b2", "b3")),
... ])
>>> layers = {"党建": {"b1": "P1", "b2": "P1", "b3": "P2"},
...           "城管": {"b1": "U1", "b2": "U2", "b3": "U2"}}
>>> [sorted(g) for g in merge_layers(tree, layers).grids]
[['b1', 'b2', 'b3']]
>>> [sorted(g) for g in merge_layers(tree, layers, mode="refinement").grids]
[['b1'], ['b2'], ['b3']]
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from redcity._names import parse_member
from redcity._validators import non_negative_int
from redcity.errors import Problem
from redcity.grid.levels import Level
from redcity.grid.tree import GridTree

__all__ = [
    "URBAN_GRID_BOUNDS",
    "ConflictKind",
    "GridBounds",
    "LayerConflict",
    "MergeMode",
    "MergeResult",
    "OutOfBounds",
    "layer_from_tree",
    "merge_layers",
]


class MergeMode(enum.Enum):
    """How :func:`merge_layers` combines the layers.

    >>> MergeMode.parse("refinement") is MergeMode.REFINEMENT, MergeMode.COARSEST.zh
    (True, '最粗合并')
    """

    COARSEST = "coarsest"
    REFINEMENT = "refinement"

    @property
    def zh(self) -> str:
        """The Chinese name: 最粗合并 or 公共加细."""
        return "最粗合并" if self is MergeMode.COARSEST else "公共加细"

    @classmethod
    def parse(cls, value: MergeMode | str) -> MergeMode:
        """A mode from a MergeMode or its name (``"coarsest"``, ``"refinement"``).

        Raises:
            ValueError: the value names no mode.
        """
        return parse_member(cls, value, what="a merge mode", names=_mode_names)


def _mode_names(mode: MergeMode) -> tuple[str, ...]:
    return (mode.zh, mode.value)


@attrs.frozen
class GridBounds:
    """Households a merged grid should hold: ``min_households`` to ``max_households``.

    The default of 300–500 households per urban grid is local practice
    (Zunyi and many other cities), not law; rural grids usually follow a
    village's size instead.  Pass other bounds, or ``bounds=None`` to
    :func:`merge_layers` to skip the check.

    >>> GridBounds().allows(320), GridBounds().allows(520)
    (True, False)
    >>> GridBounds(min_households=500, max_households=300)
    Traceback (most recent call last):
    ...
    ValueError: Expected max_households ≥ min_households, got 300 < 500.
    """

    min_households: int = attrs.field(default=300, validator=non_negative_int)
    max_households: int = attrs.field(default=500, validator=non_negative_int)

    def __attrs_post_init__(self) -> None:
        if self.max_households < self.min_households:
            msg = (
                "Expected max_households ≥ min_households, got "
                f"{self.max_households} < {self.min_households}."
            )
            raise ValueError(msg)

    def allows(self, households: int) -> bool:
        """True when ``min_households <= households <= max_households``."""
        return self.min_households <= households <= self.max_households


URBAN_GRID_BOUNDS = GridBounds(min_households=300, max_households=500)
"""300–500 households per urban grid: local practice, the default bounds."""


class ConflictKind(enum.Enum):
    """What is wrong with a layer."""

    UNKNOWN_BUILDING = "unknown_building"
    """The layer names a building id the tree does not hold."""
    NOT_A_BUILDING = "not_a_building"
    """The layer names a tree node that is not a building (楼栋)."""
    MISSING_BUILDING = "missing_building"
    """A building of the tree is in no grid of this layer."""
    STRADDLES_COMMUNITIES = "straddles_communities"
    """A department grid spans buildings of several communities."""


@attrs.frozen(kw_only=True)
class LayerConflict:
    """One conflict between a layer and the tree.

    Attributes:
        kind: What is wrong.
        layer: The layer's name (``"党建"`` …).
        building: The building id at fault, for building conflicts.
        grid: The department grid id at fault (or the grid the unknown
            building was put in).
        communities: For straddling grids, the communities spanned, in tree
            order.
        message: A full sentence.
    """

    kind: ConflictKind
    layer: str
    building: str | None = None
    grid: str | None = None
    communities: tuple[str, ...] = ()
    message: str

    @property
    def problem(self) -> Problem:
        """The conflict as a :class:`~redcity.errors.Problem` (field: the layer)."""
        where = self.building if self.building is not None else self.grid
        return Problem(where or "", self.layer, self.message)


@attrs.frozen(kw_only=True)
class OutOfBounds:
    """A merged grid whose household count falls outside the bounds.

    Attributes:
        index: Position of the grid in :attr:`MergeResult.grids`.
        buildings: The grid's buildings.
        households: Sum of its buildings' households (unknown counted as 0).
        bound: The bound breached: the minimum when below, the maximum above.
        unknown: Its buildings whose households are unknown (``None``).
    """

    index: int
    buildings: frozenset[str]
    households: int
    bound: int
    unknown: tuple[str, ...] = ()

    @property
    def below(self) -> bool:
        """True when the grid holds too few households, False when too many."""
        return self.households < self.bound


@attrs.frozen(kw_only=True)
class MergeResult:
    """What :func:`merge_layers` found.

    Attributes:
        mode: How the layers were combined.
        layers: The layer names, in the order given.
        grids: The merged grids as sets of building ids, ordered by their
            first building in tree pre-order; every building of the tree is
            in exactly one.
        households: Households per merged grid, aligned with ``grids``.
        conflicts: Every conflict found, layer by layer.
        bounds: The bounds checked, or ``None``.
        out_of_bounds: Merged grids outside ``bounds``.
        unknown_households: Buildings whose households are unknown (``None``),
            counted as 0, in tree order.
    """

    mode: MergeMode
    layers: tuple[str, ...]
    grids: tuple[frozenset[str], ...]
    households: tuple[int, ...]
    conflicts: tuple[LayerConflict, ...] = ()
    bounds: GridBounds | None = None
    out_of_bounds: tuple[OutOfBounds, ...] = ()
    unknown_households: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when there is no conflict and every grid is within bounds."""
        return not self.conflicts and not self.out_of_bounds

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Conflicts, out-of-bounds grids and unknown households as Problems."""
        found = [c.problem for c in self.conflicts]
        for o in self.out_of_bounds:
            side = "fewer" if o.below else "more"
            first = min(o.buildings)
            note = (
                f"; {len(o.unknown)} building(s) of unknown size" if o.unknown else ""
            )
            found.append(
                Problem(
                    f"merged grid {o.index}",
                    "households",
                    f"holds {o.households} households (from {first!r} …), "
                    f"{side} than {o.bound}{note}.",
                )
            )
        found.extend(
            Problem(b, "households", "unknown; counted as 0 households.")
            for b in self.unknown_households
        )
        return tuple(found)

    def as_layer(self, prefix: str = "m") -> dict[str, str]:
        """Building id → merged grid label (``prefix`` + 1-based position).

        The result is itself a layer, so merges chain.

        >>> r = MergeResult(mode=MergeMode.COARSEST, layers=(),
        ...                 grids=(frozenset({"b2", "b1"}),), households=(0,))
        >>> r.as_layer()
        {'b1': 'm1', 'b2': 'm1'}
        """
        return {
            b: f"{prefix}{k}"
            for k, grid in enumerate(self.grids, start=1)
            for b in sorted(grid)
        }


def layer_from_tree(tree: GridTree, level: Level | str = Level.GRID) -> dict[str, str]:
    """The tree's own grid as a layer: building id → its ancestor at ``level``.

    Buildings with no ancestor at ``level`` are left out.

    >>> t = GridTree.from_records([
    ...     {"id": "c", "parent": None, "level": "社区", "name": "洗马社区"},
    ...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1"},
    ...     {"id": "b", "parent": "g", "level": "楼栋", "name": "1栋"},
    ... ])
    >>> layer_from_tree(t), layer_from_tree(t, "社区")
    ({'b': 'g'}, {'b': 'c'})
    """
    found: dict[str, str] = {}
    for b in tree.nodes(Level.BUILDING):
        up = tree.ancestor(b, level)
        if up is not None:
            found[b] = up
    return found


def merge_layers(
    tree: GridTree,
    layers: Mapping[str, Mapping[str, str]],
    *,
    mode: MergeMode | str = MergeMode.COARSEST,
    bounds: GridBounds | None = URBAN_GRID_BOUNDS,
) -> MergeResult:
    """Merge departmental grid layers over the tree's buildings (多网合一).

    Args:
        tree: The grid tree; its buildings (楼栋) are the units merged.
        layers: Layer name (``"党建"``, ``"综治"``, ``"卫健"``, ``"城管"`` …)
            → {building id: that department's grid id}.
        mode: :attr:`MergeMode.COARSEST` (connected components of "same grid
            in some layer": no department grid is ever split) or
            :attr:`MergeMode.REFINEMENT` (buildings together only when every
            layer agrees: nothing a department separates is joined).
        bounds: Households per merged grid (default 300–500, local practice);
            ``None`` skips the check.

    Returns:
        A :class:`MergeResult`.  Conflicts are reported, never raised: an
        unknown building id or a non-building node (ignored in the merge), a
        building missing from a layer (a grid of its own in that layer), and
        a department grid whose buildings lie in several communities.  A
        building with unknown households counts as 0 and is listed in
        ``unknown_households``.

    Raises:
        ValueError: no layers, or an unknown mode.
        TypeError: a layer is not a mapping of str to str.

    References:
        中共中央 国务院《关于加强基层治理体系和治理能力现代化建设的意见》(2021),
        网格化管理服务; a grid belongs to exactly one community (国统字〔2009〕91号).

    >>> tree = GridTree.from_records([
    ...     {"id": "s", "parent": None, "level": "街道", "name": "南白街道"},
    ...     {"id": "c1", "parent": "s", "level": "社区", "name": "社区一"},
    ...     {"id": "c2", "parent": "s", "level": "社区", "name": "社区二"},
    ...     {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
    ...     {"id": "g2", "parent": "c2", "level": "网格", "name": "网格2"},
    ...     {"id": "b1", "parent": "g1", "level": "楼栋", "name": "1栋",
    ...      "households": 200},
    ...     {"id": "b2", "parent": "g2", "level": "楼栋", "name": "2栋",
    ...      "households": 150},
    ... ])
    >>> result = merge_layers(tree, {"综治": {"b1": "Z1", "b2": "Z1"}})
    >>> [sorted(g) for g in result.grids], result.households
    ([['b1', 'b2']], (350,))
    >>> result.conflicts[0].kind.value, result.conflicts[0].communities
    ('straddles_communities', ('c1', 'c2'))
    >>> merge_layers(tree, {"综治": {"b1": "Z1"}}).out_of_bounds[0].below
    True
    """
    how = MergeMode.parse(mode)
    if not layers:
        msg = "Expected at least one layer to merge, got none."
        raise ValueError(msg)
    _check_layers(layers)

    buildings = tree.nodes(Level.BUILDING)
    index = {b: i for i, b in enumerate(buildings)}
    community = [tree.ancestor(b, Level.COMMUNITY) for b in buildings]
    conflicts: list[LayerConflict] = []
    # Per layer, the valid (building position → grid) assignment.
    assigned: list[dict[int, str]] = []
    for name, layer in layers.items():
        valid: dict[int, str] = {}
        for b, g in layer.items():
            i = index.get(b)
            if i is not None:
                valid[i] = g
                continue
            if b in tree:
                level = tree[b].level
                conflicts.append(
                    LayerConflict(
                        kind=ConflictKind.NOT_A_BUILDING,
                        layer=name,
                        building=b,
                        grid=g,
                        message=f"{b!r} is a {level.zh} ({level.en}), not a "
                        f"building; layers assign buildings (楼栋) to grids.",
                    )
                )
            else:
                conflicts.append(
                    LayerConflict(
                        kind=ConflictKind.UNKNOWN_BUILDING,
                        layer=name,
                        building=b,
                        grid=g,
                        message=f"no building {b!r} in the tree (assigned to "
                        f"grid {g!r}); it is left out of the merge.",
                    )
                )
        conflicts.extend(
            LayerConflict(
                kind=ConflictKind.MISSING_BUILDING,
                layer=name,
                building=b,
                message=f"building {b!r} is in no {name} grid; "
                "it counts as a grid of its own in this layer.",
            )
            for i, b in enumerate(buildings)
            if i not in valid
        )
        conflicts.extend(_straddling(name, valid, community))
        assigned.append(valid)

    if how is MergeMode.COARSEST:
        blocks = _components(len(buildings), assigned)
    else:
        blocks = _refinement(len(buildings), assigned)

    sizes = [tree[b].households for b in buildings]
    unknown = tuple(b for b, h in zip(buildings, sizes, strict=True) if h is None)
    counts = [h or 0 for h in sizes]
    grids = tuple(frozenset(buildings[i] for i in block) for block in blocks)
    households = tuple(sum(counts[i] for i in block) for block in blocks)
    out: list[OutOfBounds] = []
    if bounds is not None:
        for k, (block, h) in enumerate(zip(blocks, households, strict=True)):
            if bounds.allows(h):
                continue
            out.append(
                OutOfBounds(
                    index=k,
                    buildings=grids[k],
                    households=h,
                    bound=bounds.min_households
                    if h < bounds.min_households
                    else bounds.max_households,
                    unknown=tuple(buildings[i] for i in block if sizes[i] is None),
                )
            )
    return MergeResult(
        mode=how,
        layers=tuple(layers),
        grids=grids,
        households=households,
        conflicts=tuple(conflicts),
        bounds=bounds,
        out_of_bounds=tuple(out),
        unknown_households=unknown,
    )


def _check_layers(layers: Mapping[str, Mapping[str, str]]) -> None:
    for name, layer in layers.items():
        if not isinstance(name, str) or not name:
            msg = f"Expected layer names to be non-empty strings, got {name!r}."
            raise TypeError(msg)
        if not isinstance(layer, Mapping):
            msg = (
                f"Expected layer {name!r} to map building ids to grid ids, "
                f"got {type(layer).__name__}."
            )
            raise TypeError(msg)
        for b, g in layer.items():
            if not isinstance(b, str) or not isinstance(g, str):
                msg = (
                    f"Expected layer {name!r} to map str building ids to str "
                    f"grid ids, got {b!r}: {g!r}."
                )
                raise TypeError(msg)


def _straddling(
    name: str, valid: Mapping[int, str], community: list[str | None]
) -> list[LayerConflict]:
    """A conflict for each grid of the layer spanning several communities."""
    spans: dict[str, dict[str, None]] = {}  # grid → communities, insertion-ordered
    first: dict[str, int] = {}
    for i, g in sorted(valid.items()):
        c = community[i]
        first.setdefault(g, i)
        if c is not None:
            spans.setdefault(g, {})[c] = None
    found = []
    for g in sorted(spans, key=first.__getitem__):
        cs = tuple(spans[g])
        if len(cs) > 1:
            found.append(
                LayerConflict(
                    kind=ConflictKind.STRADDLES_COMMUNITIES,
                    layer=name,
                    grid=g,
                    communities=cs,
                    message=f"{name} grid {g!r} spans {len(cs)} communities "
                    f"({', '.join(cs)}); a grid belongs to exactly one community.",
                )
            )
    return found


def _components(size: int, assigned: list[dict[int, str]]) -> list[list[int]]:
    """Connected components of "same grid in some layer", by union-find."""
    parent = list(range(size))
    rank = [0] * size

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    for valid in assigned:
        head: dict[str, int] = {}
        for i, g in valid.items():
            j = head.setdefault(g, i)
            if j == i:
                continue
            a, b = find(i), find(j)
            if a == b:
                continue
            if rank[a] < rank[b]:
                a, b = b, a
            parent[b] = a
            if rank[a] == rank[b]:
                rank[a] += 1
    blocks: dict[int, list[int]] = {}
    for i in range(size):  # pre-order, so blocks come by their first building
        blocks.setdefault(find(i), []).append(i)
    return list(blocks.values())


def _refinement(size: int, assigned: list[dict[int, str]]) -> list[list[int]]:
    """Blocks of buildings with the same grid in every layer.

    A building missing from some layer is a block of its own.
    """
    blocks: dict[object, list[int]] = {}
    for i in range(size):
        grids = tuple(valid.get(i) for valid in assigned)
        blocks.setdefault(i if None in grids else grids, []).append(i)
    return list(blocks.values())
