"""支部建在网格上: party organisations attached to grids, and their coverage.

A :class:`PartyOrg` (党工委, 党委, 党总支, 党支部, 网格党支部, 党小组) is
attached to one or more tree nodes and has its own parent chain of
organisations.  :func:`party_coverage` answers how many grids a grid-level
organisation covers and checks the organisations' own structure.

**The coverage rule.**  A grid is *covered* when an organisation of a
grid-level kind — by default a 网格党支部 (:attr:`PartyOrgKind.GRID_BRANCH`)
or a 党小组 (:attr:`PartyOrgKind.GROUP`) — is attached to the grid itself
or to a node inside it (a compound or building within the grid).  An
organisation attached above the grid (a community 党委, a compound holding
several grids) covers none of them: 支部建在网格上 asks for an organisation
on each grid.

References:
    《中国共产党支部工作条例（试行）》(2018): 党支部 and 党小组.
    中共中央办公厅《关于加强和改进城市基层党的建设工作的意见》(2019):
    street and community party organisations lead grid governance.
    支部建在网格上 with 网格党支部 and 党小组 is Zunyi practice (播州区: 432
    grids, 39 grid party branches, 229 grid party groups).

>>> from redcity.grid import GridTree
>>> from redcity.grid.party import PartyOrg, party_coverage
>>> tree = GridTree.from_records([
...     {"id": "c", "parent": None, "level": "社区", "name": "永和社区"},
...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格1"},
...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格2"},
... ])
>>> orgs = [PartyOrg("o1", "永和社区党委", "党委", None, {"c"}),
...         PartyOrg("o2", "网格1党支部", "网格党支部", "o1", {"g1"})]
>>> report = party_coverage(tree, orgs, count_level="社区")
>>> report.ratio, report.uncovered
(Fraction(1, 2), ('g2',))
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction

import attrs

from redcity._names import parse_member
from redcity.errors import Problem
from redcity.grid.levels import Level
from redcity.grid.tree import GridTree

__all__ = [
    "GRID_LEVEL_KINDS",
    "PartyCoverage",
    "PartyOrg",
    "PartyOrgKind",
    "party_coverage",
]


class PartyOrgKind(enum.Enum):
    """A kind of party organisation, from the 党工委 down to the 党小组.

    >>> [k.zh for k in PartyOrgKind]
    ['党工委', '党委', '党总支', '党支部', '网格党支部', '党小组']
    >>> PartyOrgKind.parse("group") is PartyOrgKind.GROUP
    True
    """

    WORKING_COMMITTEE = "党工委"
    COMMITTEE = "党委"
    GENERAL_BRANCH = "党总支"
    BRANCH = "党支部"
    GRID_BRANCH = "网格党支部"
    GROUP = "党小组"

    @property
    def zh(self) -> str:
        """The Chinese name, e.g. ``'网格党支部'``."""
        return self.value

    @property
    def en(self) -> str:
        """The English name, e.g. ``'grid branch'``."""
        return self.name.lower().replace("_", " ")

    @classmethod
    def parse(cls, value: PartyOrgKind | str) -> PartyOrgKind:
        """A kind from a PartyOrgKind, its Chinese or its English name.

        Raises:
            ValueError: the value names no kind; the message lists them.
        """
        what = "a party organisation kind"
        return parse_member(cls, value, what=what, names=_kind_names)


def _kind_names(kind: PartyOrgKind) -> tuple[str, ...]:
    return (kind.zh, kind.name, kind.en)


GRID_LEVEL_KINDS: frozenset[PartyOrgKind] = frozenset(
    {PartyOrgKind.GRID_BRANCH, PartyOrgKind.GROUP}
)
"""The kinds that cover a grid by default: 网格党支部 and 党小组."""


def _kind(value: PartyOrgKind | str) -> PartyOrgKind:
    return PartyOrgKind.parse(value)


def _node_ids(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        msg = f"Expected node_ids as a set of ids, got the string {value!r}."
        raise TypeError(msg)
    ids = frozenset(value)
    for node_id in ids:
        if not isinstance(node_id, str) or not node_id:
            msg = f"Expected node ids to be non-empty strings, got {node_id!r}."
            raise ValueError(msg)
    return ids


def _non_empty(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        msg = f"Expected {attribute.name} to be a non-empty string, got {value!r}."
        raise ValueError(msg)


@attrs.frozen
class PartyOrg:
    """A party organisation attached to tree nodes.

    Attributes:
        id: Unique id among the organisations.
        name: Display name, e.g. ``"播南街道党工委"``.
        kind: The :class:`PartyOrgKind` (Chinese or English name accepted).
        parent_id: The id of the organisation it reports to, ``None`` at the top.
        node_ids: The tree nodes it is attached to (built on).

    >>> PartyOrg("o1", "网格1党小组", "党小组", "o0", ["g1"]).node_ids
    frozenset({'g1'})
    """

    id: str = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=_non_empty)
    kind: PartyOrgKind = attrs.field(converter=_kind)
    parent_id: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_non_empty),
    )
    node_ids: frozenset[str] = attrs.field(default=frozenset(), converter=_node_ids)


@attrs.frozen(kw_only=True)
class PartyCoverage:
    """What :func:`party_coverage` found.

    Grid and node ids come in tree order, organisation ids in the order given.

    Attributes:
        grids: How many grids the tree has.
        covered: How many of them a grid-level organisation covers.
        ratio: ``covered / grids`` exactly, ``None`` when there is no grid.
        uncovered: The grids no grid-level organisation covers.
        covering: Each covered grid → the ids of the organisations covering it.
        count_level: The level of :attr:`counts` and :attr:`coverage_by`.
        counts: Node at ``count_level`` → organisations per kind with a node
            in its subtree (every kind a key).
        coverage_by: Node at ``count_level`` → its grids' coverage ratio
            (``None`` without grids).
        duplicate_ids: Organisation ids given more than once (the first kept).
        unknown_nodes: ``(org id, node id)`` pairs naming nodes not in the tree.
        unknown_parents: Organisations whose parent id names no organisation.
        cycles: Parent chains that loop, each from its smallest id.
        outside_parent: ``(org id, node id)`` pairs: the organisation's node
            lies outside every node of its parent organisation.
    """

    grids: int
    covered: int
    ratio: Fraction | None
    uncovered: tuple[str, ...] = ()
    covering: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    count_level: Level = Level.DISTRICT
    counts: Mapping[str, Mapping[PartyOrgKind, int]] = attrs.field(factory=dict)
    coverage_by: Mapping[str, Fraction | None] = attrs.field(factory=dict)
    duplicate_ids: tuple[str, ...] = ()
    unknown_nodes: tuple[tuple[str, str], ...] = ()
    unknown_parents: tuple[str, ...] = ()
    cycles: tuple[tuple[str, ...], ...] = ()
    outside_parent: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        """True when every grid is covered and the organisations are sound."""
        return not self.problems

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every finding as a :class:`~redcity.errors.Problem`."""
        found = [
            Problem(g, "party", "no 网格党支部 or 党小组 is built on this grid.")
            for g in self.uncovered
        ]
        found.extend(
            Problem(o, "id", "duplicate organisation id; the first one is kept.")
            for o in self.duplicate_ids
        )
        found.extend(
            Problem(o, "node_ids", f"no node {n!r} in the tree.")
            for o, n in self.unknown_nodes
        )
        found.extend(
            Problem(o, "parent_id", "the parent names no organisation.")
            for o in self.unknown_parents
        )
        found.extend(
            Problem(
                min(c), "parent_id", f"parents form a cycle: {' → '.join((*c, c[0]))}."
            )
            for c in self.cycles
        )
        found.extend(
            Problem(
                o,
                "node_ids",
                f"node {n!r} lies outside every node of the parent organisation.",
            )
            for o, n in self.outside_parent
        )
        return tuple(found)


def party_coverage(
    tree: GridTree,
    orgs: Iterable[PartyOrg],
    *,
    grid_kinds: Iterable[PartyOrgKind | str] = GRID_LEVEL_KINDS,
    count_level: Level | str = Level.DISTRICT,
) -> PartyCoverage:
    """How far 支部建在网格上 reaches, and whether the organisations are sound.

    A grid is covered when an organisation of one of ``grid_kinds`` is
    attached to the grid or to a node inside it.  The organisations are
    checked as a whole: duplicate ids, nodes not in the tree, unknown
    parents, parent cycles, and nodes that lie outside every node of the
    parent organisation (by :meth:`GridTree.contains`; a parent attached to
    no node covers nothing).  Nothing is raised; the report lists it all.

    Args:
        tree: The grid tree.
        orgs: The party organisations.
        grid_kinds: Kinds that cover a grid (default 网格党支部 and 党小组).
        count_level: Level of the per-node counts and ratios (default 区).

    References:
        《中国共产党支部工作条例（试行）》(2018); Zunyi practice of
        支部建在网格上 (网格党支部, 党小组).

    >>> tree = GridTree.from_records([
    ...     {"id": "s", "parent": None, "level": "街道", "name": "南白街道"},
    ...     {"id": "c1", "parent": "s", "level": "社区", "name": "社区一"},
    ...     {"id": "c2", "parent": "s", "level": "社区", "name": "社区二"},
    ...     {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
    ...     {"id": "g2", "parent": "c2", "level": "网格", "name": "网格2"},
    ... ])
    >>> report = party_coverage(tree, [
    ...     PartyOrg("w", "南白街道党工委", "党工委", None, {"s"}),
    ...     PartyOrg("k", "社区一党委", "党委", "w", {"c1"}),
    ...     PartyOrg("b", "网格2党小组", "党小组", "k", {"g2"}),
    ... ], count_level="社区")
    >>> report.ratio, report.outside_parent
    (Fraction(1, 2), (('b', 'g2'),))
    >>> report.counts["c2"][PartyOrgKind.GROUP], report.coverage_by
    (1, {'c1': Fraction(0, 1), 'c2': Fraction(1, 1)})
    """
    kinds = frozenset(map(PartyOrgKind.parse, grid_kinds))
    level = Level.parse(count_level)
    by_id: dict[str, PartyOrg] = {}
    duplicates: list[str] = []
    for org in orgs:
        if org.id in by_id:
            duplicates.append(org.id)
        else:
            by_id[org.id] = org

    unknown_nodes = [
        (org.id, n)
        for org in by_id.values()
        for n in sorted(org.node_ids)
        if n not in tree
    ]
    unknown_parents = [
        org.id
        for org in by_id.values()
        if org.parent_id is not None and org.parent_id not in by_id
    ]

    # Coverage: every grid at or above a node a grid-level organisation is on.
    covering: dict[str, list[str]] = {}
    for org in by_id.values():
        if org.kind not in kinds:
            continue
        for n in org.node_ids:
            if n not in tree:
                continue
            for up in (*tree.ancestors(n), n):
                if tree[up].level is Level.GRID:
                    covering.setdefault(up, []).append(org.id)
    grids = tree.nodes(Level.GRID)
    uncovered = tuple(g for g in grids if g not in covering)

    outside: list[tuple[str, str]] = []
    for org in by_id.values():
        parent = by_id.get(org.parent_id) if org.parent_id is not None else None
        if parent is None:
            continue
        above = parent.node_ids
        for n in sorted(org.node_ids, key=_tree_order(tree)):
            if n in tree and not any(x in above for x in (n, *tree.ancestors(n))):
                outside.append((org.id, n))

    counts: dict[str, dict[PartyOrgKind, int]] = {
        node_id: dict.fromkeys(PartyOrgKind, 0) for node_id in tree.nodes(level)
    }
    for org in by_id.values():
        places = {tree.ancestor(n, level) for n in org.node_ids if n in tree}
        for place in places:
            if place is not None:
                counts[place][org.kind] += 1

    grids_in: dict[str, list[int]] = {node_id: [0, 0] for node_id in tree.nodes(level)}
    for g in grids:
        place = tree.ancestor(g, level)
        if place is not None:
            grids_in[place][0] += g in covering
            grids_in[place][1] += 1

    return PartyCoverage(
        grids=len(grids),
        covered=len(grids) - len(uncovered),
        ratio=_ratio(len(grids) - len(uncovered), len(grids)),
        uncovered=uncovered,
        covering={g: tuple(covering[g]) for g in grids if g in covering},
        count_level=level,
        counts=counts,
        coverage_by={p: _ratio(c, n) for p, (c, n) in grids_in.items()},
        duplicate_ids=tuple(duplicates),
        unknown_nodes=tuple(unknown_nodes),
        unknown_parents=tuple(unknown_parents),
        cycles=_cycles(by_id),
        outside_parent=tuple(outside),
    )


def _ratio(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _tree_order(tree: GridTree) -> Callable[[str], tuple[int, str]]:
    def key(node_id: str) -> tuple[int, str]:
        return (tree.index(node_id) if node_id in tree else len(tree), node_id)

    return key


def _cycles(by_id: Mapping[str, PartyOrg]) -> tuple[tuple[str, ...], ...]:
    """Each loop of parent ids once, rotated to start at its smallest id."""
    found: list[tuple[str, ...]] = []
    done: set[str] = set()
    for start in by_id:
        path: list[str] = []
        on_path: set[str] = set()
        j: str | None = start
        while j is not None and j in by_id and j not in done and j not in on_path:
            path.append(j)
            on_path.add(j)
            j = by_id[j].parent_id
        if j is not None and j in on_path:
            loop = path[path.index(j) :]
            k = loop.index(min(loop))
            found.append((*loop[k:], *loop[:k]))
        done.update(path)
    return tuple(found)
