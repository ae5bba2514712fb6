"""The immutable grid tree: a networkx view plus fast indices.

Every other part of redcity refers to places by node id; :class:`GridTree`
answers the structural questions (who is above whom, what lies below, the
sum over a subtree) in O(1), O(depth) or one pass, while :attr:`GridTree.graph`
stays the networkx view of the same structure.

Nodes are stored in pre-order.  Position ``i``'s subtree is the slice
``[i, end[i])`` of that order, so containment is two comparisons, a subtree
listing is a slice, and a rollup is a prefix sum.

>>> from redcity.grid import GridTree, Level
>>> tree = GridTree.from_records([
...     {"id": "d", "parent": None, "level": "区", "name": "播州区"},
...     {"id": "s", "parent": "d", "level": "街道", "name": "南白街道"},
...     {"id": "c", "parent": "s", "level": "社区", "name": "社区一"},
...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格一"},
...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格二"},
...     {"id": "b", "parent": "g1", "level": "楼栋", "name": "1栋"},
... ])
>>> len(tree), tree.count(Level.GRID), tree.parent("b")
(6, 2, 'g1')
>>> tree.ancestors("b"), tree.ancestor("b", Level.STREET)
(('d', 's', 'c', 'g1'), 's')
>>> tree.contains("c", "b"), tree.contains("g2", "b")
(True, False)
>>> tree.rollup({"b": 3, "g2": 4})["d"]
7
"""

from __future__ import annotations

import contextlib
import gc
import json
import operator
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import accumulate, compress, repeat
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import attrs

from redcity._frames import no_pandas
from redcity.errors import Problem, UnknownNode, ValidationError
from redcity.grid.codes import DivisionCode, code_extends
from redcity.grid.levels import DEFAULT_SCHEME, Level, LevelScheme

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["GridError", "GridTree", "Node", "SupportsAdd"]

_FIELDS = ("id", "parent", "level", "name", "code", "households", "population")
_OPTIONAL_INTS = ("households", "population")


class GridError(ValidationError):
    """A grid tree's records were invalid.

    ``.problems`` holds every :class:`~redcity.errors.Problem` found, each
    naming the node id and the field at fault, not just the first.
    """


@attrs.frozen
class Node:
    """One node of a grid tree: a district, street, community, grid, building …

    Nodes come from :meth:`GridTree.from_records`, which validates them;
    ``tree[node_id]`` returns one.

    Attributes:
        id: Unique string id (often the division or grid code).
        parent: The parent's id, ``None`` at the root.
        level: The node's :class:`~redcity.grid.Level`.
        name: Display name, e.g. ``"南白街道"``.
        code: Division or grid code; extends the nearest coded ancestor's.
        households: Households (户) living in the node, when known.
        population: Residents, when known.
    """

    id: str
    parent: str | None
    level: Level
    name: str
    code: str | None = None
    households: int | None = None
    population: int | None = None

    def to_record(self) -> dict[str, Any]:
        """The node as a JSON-ready mapping (the level by its English name).

        >>> Node("g1", "c", Level.GRID, "网格一", households=320).to_record()
        {'id': 'g1', 'parent': 'c', 'level': 'grid', 'name': '网格一', \
'code': None, 'households': 320, 'population': None}
        """
        return {
            "id": self.id,
            "parent": self.parent,
            "level": self.level.en,
            "name": self.name,
            "code": self.code,
            "households": self.households,
            "population": self.population,
        }


class SupportsAdd(Protocol):
    """A value that rollups can add: int, Decimal, Fraction, float …"""

    def __add__(self, other: Any, /) -> Any: ...


N = TypeVar("N", bound=SupportsAdd)


class GridTree:
    """An immutable tree of grid nodes with O(1) containment and one-pass rollups.

    Build with :meth:`from_records` (or :meth:`from_json`); the tree never
    changes afterwards.  Node ids are strings; the order of iteration,
    :attr:`ids`, is pre-order (a parent before its children, siblings in the
    order their records came).

    >>> tree = GridTree.from_records([
    ...     {"id": "c", "parent": None, "level": "community", "name": "娄山社区"},
    ...     {"id": "g", "parent": "c", "level": "grid", "name": "网格1"},
    ... ])
    >>> list(tree), tree["g"].name, tree.graph.number_of_edges()
    (['c', 'g'], '网格1', 1)
    """

    __slots__ = (
        "_by_level",
        "_end",
        "_hash",
        "_ids",
        "_index",
        "_levels",
        "_parent",
        "_up",
        "graph",
        "scheme",
    )

    _ids: tuple[str, ...]
    _index: dict[str, int]
    _levels: list[Level]
    _parent: array[int]
    _up: dict[str, tuple[str, ...]]
    _end: array[int]
    _by_level: dict[Level, tuple[str, ...]]
    _hash: int | None
    graph: nx.DiGraph
    """The frozen networkx view: edges parent → child, node attributes
    ``level``, ``name`` and, when given, ``code``, ``households``,
    ``population``."""
    scheme: LevelScheme
    """The level scheme the tree was validated against."""

    def __init__(self) -> None:
        msg = "Build a GridTree with GridTree.from_records(rows) or from_json(text)."
        raise TypeError(msg)

    # -- construction -----------------------------------------------------

    @classmethod
    def from_records(
        cls,
        rows: Iterable[Mapping[str, Any]],
        *,
        scheme: LevelScheme = DEFAULT_SCHEME,
    ) -> GridTree:
        """Validate rows and build the tree.

        Args:
            rows: Mappings with ``id``, ``parent`` (``None`` at the root),
                ``level`` (a :class:`Level`, its Chinese or English name) and
                ``name``; optionally ``code``, ``households``, ``population``.
                Rows may come in any order.
            scheme: The allowed (parent level, child level) pairs.

        Raises:
            GridError: listing every problem found (duplicate id, unknown
                parent, cycle, several roots, a level pair the scheme forbids,
                a building outside any grid, a code that does not extend its
                parent's …), each naming the node id and the field.

        >>> GridTree.from_records([
        ...     {"id": "s", "parent": None, "level": "街道", "name": "南白"},
        ...     {"id": "g", "parent": "s", "level": "网格", "name": "网格1"},
        ...     {"id": "x", "parent": "nowhere", "level": "楼栋", "name": "1栋"},
        ... ])
        Traceback (most recent call last):
        ...
        redcity.grid.tree.GridError: 2 problems found:
          - x.parent: unknown parent 'nowhere'; no row has that id.
          - g.level: a 网格 (grid) may not sit directly under a 街道 (street) ...
        """
        with _gc_paused():
            return cls._from_records(rows, scheme)

    @classmethod
    def _from_records(
        cls, rows: Iterable[Mapping[str, Any]], scheme: LevelScheme
    ) -> GridTree:
        problems: list[Problem] = []
        nodes: dict[str, _Row] = {}
        rejected: set[str] = set()  # ids of rows with bad fields
        children: dict[str | None, list[str]] = {}
        for number, raw in enumerate(rows):
            node = _fast_row(raw)
            if node is None:
                bad = len(problems)
                node = _checked_row(number, raw, problems)
                problems[bad:] = [attrs.evolve(p, row=number) for p in problems[bad:]]
                if node is None:
                    if isinstance(raw, Mapping) and type(raw.get("id")) is str:
                        rejected.add(raw["id"])
                    continue
            node_id, parent = node[0], node[1]
            if node_id in nodes:
                problems.append(
                    Problem(
                        node_id,
                        "id",
                        f"duplicate id (again in row {number}).",
                        row=number,
                    )
                )
                continue
            nodes[node_id] = node
            siblings = children.get(parent)
            if siblings is None:
                children[parent] = [node_id]
            else:
                siblings.append(node_id)

        for parent, kids in children.items():
            if parent is not None and parent not in nodes and parent not in rejected:
                problems.extend(
                    Problem(
                        k, "parent", f"unknown parent {parent!r}; no row has that id."
                    )
                    for k in kids
                )
        roots = children.get(None, [])
        if len(roots) > 1:
            problems.append(
                Problem(
                    roots[1],
                    "parent",
                    f"several roots ({', '.join(map(repr, roots))}); "
                    "a tree has exactly one node whose parent is None.",
                )
            )
        elif not roots and nodes:
            problems.append(
                Problem("", "parent", "no root: every node names a parent.")
            )

        order = _preorder(roots, children)
        if len(order) < len(nodes) and len(roots) <= 1:
            problems.extend(_cycles(nodes, set(order)))
        problems.extend(_check_structure(order, nodes, scheme))
        if problems:
            raise GridError(problems)
        return cls._build([nodes[i] for i in order], scheme)

    @classmethod
    def _build(cls, rows: list[_Row], scheme: LevelScheme) -> GridTree:
        """Derive the indices and the graph from valid rows in pre-order."""
        tree = object.__new__(cls)
        ids = tuple([r[0] for r in rows])
        index = {node_id: i for i, node_id in enumerate(ids)}
        size = len(ids)
        parent = [index[r[1]] if r[1] is not None else -1 for r in rows]
        # Subtree sizes in one reverse pass; the subtree of i is [i, end[i]).
        count = [1] * size
        for i in range(size - 1, 0, -1):
            count[parent[i]] += count[i]
        levels = [r[2] for r in rows]
        by_level: dict[Level, list[str]] = {}
        for node_id, level in zip(ids, levels, strict=True):
            by_level.setdefault(level, []).append(node_id)

        # The networkx view, filled through the adjacency attributes networkx
        # lets graph builders assign (its _adj/_pred descriptors reset its
        # caches): one pass instead of add_node/add_edge per node.
        succ: dict[str, dict[str, dict[str, Any]]] = {i: {} for i in ids}
        pred: dict[str, dict[str, dict[str, Any]]] = {i: {} for i in ids}
        for r in rows:
            if r[1] is not None:
                succ[r[1]][r[0]] = pred[r[0]][r[1]] = {}
        import networkx as nx  # on first build: ``import redcity`` stays light

        graph = nx.DiGraph()
        graph._node = {r[0]: _attributes(r) for r in rows}
        graph._adj = succ
        graph._pred = pred

        tree._ids = ids
        tree._index = index
        tree._levels = levels
        # Position arrays hold machine integers: compact, and a random read
        # touches one cache line instead of a list slot and an int object.
        tree._parent = array("q", parent)
        tree._end = array("q", map(operator.add, range(size), count))
        # Every node's ancestors (root first) as one tuple shared by all its
        # siblings: a tuple is made once per node with children, and leaves,
        # most nodes, only point at their parent's.
        up: list[tuple[str, ...]] = [()] * size
        for i in range(1, size):
            j = parent[i]
            # In pre-order a node's first child sits right after it.
            up[i] = (*up[j], ids[j]) if i == j + 1 else up[j + 1]
        # Keyed by id: ancestors(id) is then a single dictionary read.
        tree._up = dict(zip(ids, up, strict=True))
        tree._by_level = {lv: tuple(v) for lv, v in sorted(by_level.items())}
        tree._hash = None
        tree.graph = nx.freeze(graph)
        tree.scheme = scheme
        return tree

    @classmethod
    def from_json(cls, text: str, *, scheme: LevelScheme = DEFAULT_SCHEME) -> GridTree:
        """A tree from the JSON that :meth:`to_json` writes (a list of records).

        >>> t = GridTree.from_json('[{"id": "c", "parent": null, '
        ...                        '"level": "社区", "name": "洗马社区"}]')
        >>> t["c"].level
        <Level.COMMUNITY: 3>
        """
        data = json.loads(text)
        if not isinstance(data, list):
            msg = f"Expected a JSON list of node records, got {type(data).__name__}."
            raise GridError([Problem("", "", msg)])
        return cls.from_records(data, scheme=scheme)

    def to_records(self) -> list[dict[str, Any]]:
        """Every node as a JSON-ready mapping, in pre-order.

        ``GridTree.from_records(tree.to_records()) == tree``.
        """
        return [n.to_record() for n in self._all_nodes()]

    def to_json(self, *, indent: int | None = None) -> str:
        """The records as JSON text (Chinese kept as is).

        >>> t = GridTree.from_records([{"id": "c", "parent": None,
        ...                              "level": "社区", "name": "洗马"}])
        >>> GridTree.from_json(t.to_json()) == t
        True
        """
        return json.dumps(self.to_records(), ensure_ascii=False, indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """The nodes as a pandas DataFrame indexed by id (needs ``redcity[frames]``).

        Also carries ``depth`` and ``subtree_size`` columns.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise no_pandas("GridTree.to_frame()") from exc
        frame = pd.DataFrame.from_records(self.to_records(), index="id")
        frame["depth"] = [len(self.ancestors(i)) for i in self._ids]
        frame["subtree_size"] = list(map(operator.sub, self._end, range(len(self))))
        return frame

    def subtree(self, node_id: str) -> GridTree:
        """The part of the tree at and below ``node_id``, as a tree of its own.

        The new root's ``parent`` is ``None``; nothing is re-validated (a
        part of a valid tree is taken as valid).  A part cut from inside a
        grid keeps its buildings but not their grid, so its :attr:`scheme`
        stops requiring a grid above every building; its records then
        rebuild with ``GridTree.from_records(rows, scheme=part.scheme)``.

        >>> t = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
        ...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1"},
        ...     {"id": "p", "parent": "g", "level": "小区", "name": "兴茂小区"},
        ...     {"id": "b", "parent": "p", "level": "楼栋", "name": "1栋"},
        ... ])
        >>> t.subtree("g").ids, t.subtree("g").scheme == t.scheme
        (('g', 'p', 'b'), True)
        >>> t.subtree("p").scheme.building_in_one_grid
        False
        """
        i = self._position(node_id)
        rows = [_row(n) for n in map(self._node, range(i, self._end[i]))]
        rows[0] = (rows[0][0], None, *rows[0][2:])
        scheme = self.scheme
        if scheme.building_in_one_grid and Level.GRID in map(
            self.level, self.ancestors(node_id)
        ):
            scheme = attrs.evolve(scheme, building_in_one_grid=False)
        return GridTree._build(rows, scheme)

    # -- the mapping face -------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._index

    def __getitem__(self, node_id: str) -> Node:
        return self._node(self._position(node_id))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GridTree):
            return NotImplemented
        if self is other:
            return True
        return (
            self._ids == other._ids
            and self._parent == other._parent
            and self.scheme == other.scheme
            and all(map(operator.eq, self._all_nodes(), other._all_nodes()))
        )

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self._ids, tuple(self._parent), self.scheme))
        return self._hash

    def __repr__(self) -> str:
        counts = ", ".join(f"{lv.en}={len(v)}" for lv, v in self._by_level.items())
        root = self._ids[0] if self._ids else None
        return f"<GridTree root={root!r} nodes={len(self)} {counts}>"

    def _repr_html_(self) -> str:
        """A summary table for Jupyter: the root and the count per level."""
        from html import escape

        root = self._node(0) if self._ids else None
        title = escape(f"{root.name} ({root.level.zh})") if root else "empty"
        rows = "".join(
            f"<tr><td>{lv.zh}</td><td>{lv.en}</td><td style='text-align:right'>"
            f"{len(ids):,}</td></tr>"
            for lv, ids in self._by_level.items()
        )
        return (
            f"<div><strong>GridTree</strong> {title}, {len(self):,} nodes"
            "<table><thead><tr><th>级别</th><th>level</th><th>count</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></div>"
        )

    # -- structure --------------------------------------------------------

    @property
    def ids(self) -> tuple[str, ...]:
        """Every node id in pre-order; the alignment of the array forms."""
        return self._ids

    @property
    def root(self) -> str:
        """The root's id."""
        return self._ids[0]

    def index(self, node_id: str) -> int:
        """The node's position in :attr:`ids` (pre-order).

        >>> t = GridTree.from_records([{"id": "c", "parent": None,
        ...                              "level": "社区", "name": "洗马"}])
        >>> t.index("c")
        0
        """
        return self._position(node_id)

    def level(self, node_id: str) -> Level:
        """The node's level."""
        return self._levels[self._position(node_id)]

    def count(self, level: Level | str | None = None) -> int:
        """How many nodes sit at ``level`` (all nodes when ``None``)."""
        if level is None:
            return len(self._ids)
        return len(self._by_level.get(Level.parse(level), ()))

    def nodes(self, level: Level | str | None = None) -> tuple[str, ...]:
        """The ids at ``level`` in pre-order, or every id when ``level`` is None."""
        if level is None:
            return self._ids
        return self._by_level.get(Level.parse(level), ())

    def parent(self, node_id: str) -> str | None:
        """The parent's id, ``None`` for the root."""
        j = self._parent[self._position(node_id)]
        return self._ids[j] if j >= 0 else None

    def children(self, node_id: str) -> tuple[str, ...]:
        """The ids directly below ``node_id``, in record order."""
        i = self._position(node_id)
        end, stop, ids = self._end, self._end[i], self._ids
        found = []
        j = i + 1
        while j < stop:
            found.append(ids[j])
            j = end[j]
        return tuple(found)

    def descendants(self, node_id: str) -> tuple[str, ...]:
        """The ids strictly below ``node_id``, in pre-order (a slice: O(size))."""
        i = self._position(node_id)
        return self._ids[i + 1 : self._end[i]]

    def ancestors(self, node_id: str) -> tuple[str, ...]:
        """The ids above ``node_id``, root first, excluding the node itself."""
        try:
            return self._up[node_id]
        except (KeyError, TypeError):
            raise _unknown(node_id) from None

    def ancestor(self, node_id: str, level: Level | str) -> str | None:
        """The node's ancestor (or itself) at ``level``, or ``None`` if it has none.

        >>> t = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
        ...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1"},
        ... ])
        >>> t.ancestor("g", "社区"), t.ancestor("g", Level.STREET)
        ('c', None)
        """
        target = Level.parse(level)
        levels, parent = self._levels, self._parent
        j = self._position(node_id)
        while j >= 0:  # no early exit: schemes may nest levels either way
            if levels[j] is target:
                return self._ids[j]
            j = parent[j]
        return None

    def depth(self, node_id: str) -> int:
        """Edges between the root and the node (the root's depth is 0)."""
        return len(self.ancestors(node_id))

    def contains(self, outer: str, inner: str) -> bool:
        """True when ``inner`` is ``outer`` or lies below it (O(1))."""
        index = self._index
        try:
            i, j = index[outer], index[inner]
        except (KeyError, TypeError):
            raise _unknown(inner if outer in index else outer) from None
        return i <= j < self._end[i]

    def contains_many(
        self, outer: str | Sequence[str], inners: Sequence[str]
    ) -> list[bool]:
        """:meth:`contains` for many pairs at once.

        Args:
            outer: One id tested against every inner, or a sequence aligned
                with ``inners``.
            inners: The ids to test.

        >>> t = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
        ...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格1"},
        ...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格2"},
        ... ])
        >>> t.contains_many("g1", ["g1", "g2", "c"])
        [True, False, False]
        >>> t.contains_many(["c", "g2"], ["g2", "g2"])
        [True, True]
        """
        pos = self._positions(inners)
        if isinstance(outer, str):
            lo = self._position(outer)
            hi = self._end[lo]
            return [lo <= j < hi for j in pos]
        starts = self._positions(outer)
        if len(starts) != len(pos):
            msg = (
                f"Expected as many outers as inners, got {len(starts)} and {len(pos)}."
            )
            raise ValueError(msg)
        return self._contains_pairs(starts, pos)

    def positions(self, node_ids: Sequence[str]) -> array[int]:
        """The positions in :attr:`ids` of many nodes: the array forms' input.

        Map ids to positions once, then query with :meth:`contains_array`
        as often as needed.  The result is an ``array('q')`` of machine
        integers: compact, and quick to read in bulk.

        >>> t = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
        ...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1"},
        ... ])
        >>> t.positions(["g", "c"])
        array('q', [1, 0])
        """
        return array("q", self._positions(node_ids))

    def contains_array(
        self, outers: Sequence[int], inners: Sequence[int]
    ) -> list[bool]:
        """:meth:`contains` on positions: is ``inners[k]`` within ``outers[k]``?

        The bulk form for array code: both sequences hold positions in
        :attr:`ids` (see :meth:`positions`), aligned pairwise; no id is
        looked up, so each pair costs two comparisons.

        Raises:
            ValueError: the sequences differ in length.
            IndexError: a position outside ``range(len(tree))``.

        >>> t = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
        ...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格1"},
        ...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格2"},
        ... ])
        >>> t.contains_array([0, 1, 1], [2, 1, 2])
        [True, True, False]
        """
        if len(outers) != len(inners):
            msg = (
                "Expected as many outers as inners, "
                f"got {len(outers)} and {len(inners)}."
            )
            raise ValueError(msg)
        size = len(self._ids)
        for name, seq in (("outers", outers), ("inners", inners)):
            if seq and not (min(seq) >= 0 and max(seq) < size):
                msg = f"{name} holds a position outside range({size})."
                raise IndexError(msg)
        return self._contains_pairs(outers, inners)

    def _contains_pairs(
        self, outers: Sequence[int], inners: Sequence[int]
    ) -> list[bool]:
        end = self._end
        return [
            i <= j < e
            for i, j, e in zip(
                outers, inners, map(end.__getitem__, outers), strict=True
            )
        ]

    # -- rollups ----------------------------------------------------------

    def rollup(self, values: Mapping[str, N]) -> dict[str, N]:
        """Sum values over every subtree: ``{id: value}`` in, ``{id: total}`` out.

        Nodes missing from ``values`` count as 0; every node of the tree is
        in the result.  Integers use prefix sums (exact, at C speed); other
        numbers (Decimal, Fraction, float) are added child into parent.

        >>> t = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
        ...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格1"},
        ...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格2"},
        ... ])
        >>> t.rollup({"g1": 320, "g2": 410, "c": 5})
        {'c': 735, 'g1': 320, 'g2': 410}
        """
        if not values.keys() <= self._index.keys():
            unknown = sorted(values.keys() - self._index.keys())[:5]
            msg = f"rollup got values for ids not in the tree: {unknown!r}."
            raise UnknownNode(msg)
        aligned: list[Any] = list(map(values.get, self._ids, repeat(0, len(self._ids))))
        return dict(zip(self._ids, self.rollup_array(aligned), strict=True))

    def rollup_array(self, values: Sequence[N]) -> list[N]:
        """Subtree sums for values aligned to :attr:`ids` (the bulk form of rollup).

        >>> t = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "南社区"},
        ...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1"},
        ... ])
        >>> t.rollup_array([1, 2])
        [3, 2]
        """
        if len(values) != len(self._ids):
            msg = (
                f"Expected {len(self._ids)} values aligned to tree.ids, "
                f"got {len(values)}."
            )
            raise ValueError(msg)
        if set(map(type, values)) <= {int}:
            # Integers (points, counts): subtree sum of i is
            # prefix[end[i]] - prefix[i], computed at C speed and exact.
            prefix: list[Any] = list(accumulate(values, initial=0))
            return list(
                map(
                    operator.sub,
                    map(prefix.__getitem__, self._end),
                    prefix[: len(self._ids)],
                )
            )
        # Decimal, Fraction, float: plain addition of a subtree's own values,
        # so Decimal's context precision and float rounding act as in sum().
        return self._rollup_by_pass(values)

    def _rollup_by_pass(self, values: Sequence[N]) -> list[N]:
        """One reverse pre-order pass: children are added into their parent."""
        total: list[Any] = list(values)
        parent = self._parent
        for i in range(len(total) - 1, 0, -1):
            total[parent[i]] += total[i]
        return total

    def select(self, mask: Sequence[bool]) -> tuple[str, ...]:
        """The ids whose aligned ``mask`` entry is true (pairs with the array forms)."""
        return tuple(compress(self._ids, mask))

    # -- helpers ----------------------------------------------------------

    def _node(self, i: int) -> Node:
        """The Node at position ``i``, made from the graph's attributes."""
        node_id = self._ids[i]
        a = self.graph._node[node_id]
        j = self._parent[i]
        return Node(
            node_id,
            self._ids[j] if j >= 0 else None,
            a["level"],
            a["name"],
            a.get("code"),
            a.get("households"),
            a.get("population"),
        )

    def _all_nodes(self) -> Iterator[Node]:
        return map(self._node, range(len(self._ids)))

    def _position(self, node_id: str) -> int:
        try:
            return self._index[node_id]
        except (KeyError, TypeError):
            raise _unknown(node_id) from None

    def _positions(self, node_ids: Sequence[str]) -> list[int]:
        try:
            return list(map(self._index.__getitem__, node_ids))
        except (KeyError, TypeError):
            missing = [i for i in node_ids if i not in self._index][:5]
            msg = f"No nodes with ids {missing!r} in this tree."
            raise UnknownNode(msg) from None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building acyclic containers.

    A tree build makes millions of small dicts and tuples and no reference
    cycles; the collector's repeated young-generation scans are pure cost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_Row = tuple[str, str | None, Level, str, str | None, int | None, int | None]
"""A validated row: id, parent, level, name, code, households, population."""

_FIELD_SET = frozenset(_FIELDS)
_LEVEL_BY_NAME = {a: lv for lv in Level for a in lv.aliases}


def _row(node: Node) -> _Row:
    return (node.id, node.parent, node.level, node.name, node.code,
            node.households, node.population)  # fmt: skip


def _unknown(node_id: object) -> UnknownNode:
    msg = f"No node with id {node_id!r} in this tree."
    return UnknownNode(msg)


def _attributes(row: _Row) -> dict[str, Any]:
    """The graph's node attributes: level and name, the optional ones if given."""
    _, _, level, name, code, households, population = row
    if code is None and households is None and population is None:
        return {"level": level, "name": name}
    attributes: dict[str, Any] = {"level": level, "name": name}
    if code is not None:
        attributes["code"] = code
    if households is not None:
        attributes["households"] = households
    if population is not None:
        attributes["population"] = population
    return attributes


def _fast_row(row: Any) -> _Row | None:
    """The common, clean row without ceremony; None sends it to the full check."""
    try:
        node_id, parent, level, name = (
            row["id"],
            row["parent"],
            row["level"],
            row["name"],
        )
        code, households, population = (
            row.get("code"), row.get("households"), row.get("population")
        )  # fmt: skip
        if not row.keys() <= _FIELD_SET:
            return None
    except (KeyError, TypeError, AttributeError):
        return None
    if type(level) is not Level:
        level = _LEVEL_BY_NAME.get(level) if type(level) is str else None
    if (
        level is None
        or not (
            code is None
            or (
                type(code) is str
                and code.isascii()
                and code.isdigit()
                and not Level.DISTRICT <= level <= Level.COMMUNITY  # division codes
            )
        )
        or type(node_id) is not str
        or not node_id
        or type(name) is not str
        or not name.strip()
        or not (
            parent is None or (type(parent) is str and parent and parent != node_id)
        )
        or not (households is None or (type(households) is int and households >= 0))
        or not (population is None or (type(population) is int and population >= 0))
    ):
        return None
    return (node_id, parent, level, name, code, households, population)


def _checked_row(number: int, row: Any, problems: list[Problem]) -> _Row | None:
    """One row checked field by field: a valid row, or None and its problems."""
    if not isinstance(row, Mapping):
        problems.append(
            Problem(
                f"row {number}", "", f"expected a mapping, got {type(row).__name__}."
            )
        )
        return None
    node_id = row.get("id")
    where = node_id if isinstance(node_id, str) and node_id else f"row {number}"
    bad = len(problems)
    extra = row.keys() - _FIELDS
    if extra:
        problems.append(
            Problem(
                where,
                sorted(extra)[0],
                f"unknown field(s) {sorted(extra)!r}; expected {', '.join(_FIELDS)}.",
            )
        )
    if not isinstance(node_id, str) or not node_id:
        problems.append(
            Problem(where, "id", f"expected a non-empty string id, got {node_id!r}.")
        )
    if "parent" not in row:
        problems.append(Problem(where, "parent", "missing; use None at the root."))
    parent = row.get("parent")
    if parent is not None and (not isinstance(parent, str) or not parent):
        problems.append(
            Problem(where, "parent", f"expected a string id or None, got {parent!r}.")
        )
    elif parent is not None and parent == node_id:
        problems.append(Problem(where, "parent", "a node cannot be its own parent."))
    try:
        level = Level.parse(row.get("level"))  # type: ignore[arg-type]
    except ValueError as exc:
        problems.append(Problem(where, "level", str(exc)))
        level = Level.CITY
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(
            Problem(where, "name", f"expected a non-empty name, got {name!r}.")
        )
    code = row.get("code")
    if code is not None:
        if not isinstance(code, str) or not code.isascii() or not code.isdigit():
            problems.append(
                Problem(where, "code", f"expected a string of digits, got {code!r}.")
            )
        elif Level.DISTRICT <= level <= Level.COMMUNITY:
            try:
                DivisionCode.parse(code.ljust(12, "0"))
            except ValueError as exc:
                problems.append(Problem(where, "code", str(exc)))
    counts = []
    for field in _OPTIONAL_INTS:
        value = row.get(field)
        if value is not None and (type(value) is not int or value < 0):
            problems.append(
                Problem(
                    where, field, f"expected a whole number ≥ 0 or None, got {value!r}."
                )
            )
        counts.append(value)
    if len(problems) > bad:
        return None
    return (node_id, parent, level, name, code, counts[0], counts[1])  # type: ignore[return-value]


def _preorder(roots: list[str], children: dict[str | None, list[str]]) -> list[str]:
    order: list[str] = []
    stack = list(reversed(roots))
    while stack:
        node_id = stack.pop()
        order.append(node_id)
        kids = children.get(node_id)
        if kids:
            stack.extend(reversed(kids))
    return order


def _cycles(nodes: Mapping[str, _Row], reached: set[str]) -> list[Problem]:
    """A problem for each cycle of parents among the nodes no root reaches."""
    problems = []
    done: set[str] = set(reached)
    for start in nodes:
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        j: str | None = start
        while j is not None and j in nodes and j not in done and j not in on_path:
            path.append(j)
            on_path.add(j)
            j = nodes[j][1]
        if j is not None and j in on_path:
            cycle = path[path.index(j) :]
            chain = " → ".join([*cycle, cycle[0]])
            problems.append(
                Problem(min(cycle), "parent", f"parents form a cycle: {chain}.")
            )
        done.update(path)
    return problems


def _check_structure(
    order: list[str], nodes: Mapping[str, _Row], scheme: LevelScheme
) -> list[Problem]:
    """Level pairs, grids above buildings and codes, top-down in one pass."""
    problems = []
    grids_above: dict[str | None, int] = {None: 0}
    coded: dict[str | None, str | None] = {None: None}  # nearest code at or above
    allows = scheme.pairs
    for node_id in order:
        _, up, level, _, code, _, _ = nodes[node_id]
        if up is not None:
            above = nodes[up][2]
            if (above, level) not in allows:
                permitted = (
                    "/".join(lv.zh for lv in scheme.children_of(above)) or "nothing"
                )
                problems.append(
                    Problem(
                        node_id,
                        "level",
                        f"a {level.zh} ({level.en}) may not sit directly "
                        f"under a {above.zh} ({above.en}) in this scheme; under a "
                        f"{above.zh} it allows {permitted}.",
                    )
                )
        grids = grids_above[up] + (level is Level.GRID)
        grids_above[node_id] = grids
        if scheme.building_in_one_grid and level is Level.BUILDING and grids != 1:
            problems.append(
                Problem(
                    node_id,
                    "parent",
                    "a building must lie in exactly one grid; "
                    f"{grids} grids are above it.",
                )
            )
        inherited = coded[up]
        if code is not None:
            if inherited is not None and not code_extends(code, inherited):
                problems.append(
                    Problem(
                        node_id,
                        "code",
                        f"code {code!r} does not extend the code {inherited!r} "
                        "of the nearest coded node above it.",
                    )
                )
            coded[node_id] = code
        else:
            coded[node_id] = inherited
    return problems
