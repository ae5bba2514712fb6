"""Teach :mod:`redcity.serialize` the grid's own types.

:mod:`redcity.serialize` imports nothing from the grid, so the grid brings
its hooks; :mod:`redcity.grid` imports this module, so they are in place
whenever any grid record exists.  Every other grid record is a plain attrs
class that the converter handles by default.

| Python type | JSON form |
|---|---|
| :class:`~redcity.grid.Level` | its English name, ``"grid"`` (any name :meth:`~redcity.grid.Level.parse` knows, e.g. ``"网格"``, is read) |
| :class:`~redcity.grid.DivisionCode` | its 12 digits, ``"520304001002"`` |
| :data:`~redcity.grid.MetricValue` | int or float as a JSON number; ``Fraction`` as ``"2/3"``; ``Decimal`` as ``"12.50"`` |
| :class:`~redcity.grid.GridTree` | ``{"scheme": {...}, "nodes": [node records in pre-order]}`` |

A tree is read back through :meth:`GridTree.from_records`, so it is checked
as a whole; each problem is reported at its node's path
(``$.nodes[3].parent``).  A bare list of node records (what
:meth:`GridTree.to_json` writes) is read with the default scheme.

>>> import redcity.serialize as rs
>>> from redcity.grid import GridTree, Level
>>> tree = GridTree.from_records([
...     {"id": "c", "parent": None, "level": "社区", "name": "洗马社区"},
...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1"},
... ])
>>> rs.from_json(rs.to_json(tree), GridTree) == tree
True
>>> rs.unstructure({Level.GRID: 3}), rs.structure("楼栋", Level)
({'grid': 3}, <Level.BUILDING: 6>)
"""  # noqa: E501

from __future__ import annotations

import types
from decimal import Decimal
from fractions import Fraction
from typing import Any, Union, get_args, get_origin

import attrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)

from redcity.grid.codes import DivisionCode
from redcity.grid.levels import DEFAULT_SCHEME, Level, LevelScheme
from redcity.grid.tree import GridError, GridTree, Node
from redcity.serialize import converter, register

__all__: list[str] = []


# --------------------------------------------------------------------------
# Level: by English name, any known name read
# --------------------------------------------------------------------------


def _unstructure_level(level: Level) -> str:
    return level.en


def _structure_level(value: Any) -> Level:
    if isinstance(value, str):
        try:
            return Level.parse(value)
        except ValueError:
            pass
    known = ", ".join(f"{lv.en}/{lv.zh}" for lv in Level)
    msg = (
        f"expected a level name such as 'grid' or '网格', got {value!r}; "
        f"known levels: {known}"
    )
    raise ValueError(msg)


# --------------------------------------------------------------------------
# DivisionCode: its 12 digits
# --------------------------------------------------------------------------


def _structure_division_code(value: Any) -> DivisionCode:
    if not isinstance(value, str):
        msg = f"expected a division code of 12 digits as a string, got {value!r}"
        raise TypeError(msg)
    return DivisionCode.parse(value)


# --------------------------------------------------------------------------
# MetricValue: int | Fraction | Decimal | float, told apart by their JSON form
# --------------------------------------------------------------------------

_METRIC_TYPES = frozenset({int, Fraction, Decimal, float})
_NONE = type(None)


def _is_metric_value(cl: Any) -> bool:
    """True for ``MetricValue`` and ``MetricValue | None`` (in any order)."""
    if get_origin(cl) not in (Union, types.UnionType):
        return False
    args = set(get_args(cl))
    return args in (_METRIC_TYPES, _METRIC_TYPES | {_NONE})


def _structure_metric_value(value: Any, cl: Any) -> Any:
    if value is None and _NONE in get_args(cl):
        return None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int | float):
        return value
    elif isinstance(value, str):
        # A Fraction is always written "n/d"; a Decimal never has a slash.
        return converter.structure(value, Fraction if "/" in value else Decimal)
    msg = (
        "expected a number: an integer, a float, a fraction such as '2/3' or "
        f"a decimal such as '12.50', got {value!r}"
    )
    raise TypeError(msg)


# --------------------------------------------------------------------------
# GridTree: its scheme and node records, re-validated as a whole
# --------------------------------------------------------------------------


@attrs.frozen
class _TreeData:
    """The JSON shape of a tree; named ``GridTree`` below for error messages."""

    nodes: tuple[Node, ...]
    scheme: LevelScheme = DEFAULT_SCHEME


_TreeData.__name__ = _TreeData.__qualname__ = "GridTree"
_NODE_FIELDS = frozenset(a.name for a in attrs.fields(Node))


def _unstructure_tree(tree: GridTree) -> dict[str, Any]:
    return {"scheme": converter.unstructure(tree.scheme), "nodes": tree.to_records()}


def _structure_tree(value: Any) -> GridTree:
    if isinstance(value, list):
        value = {"nodes": value}
    data = converter.structure(value, _TreeData)
    rows = [
        {
            "id": n.id,
            "parent": n.parent,
            "level": n.level,
            "name": n.name,
            "code": n.code,
            "households": n.households,
            "population": n.population,
        }
        for n in data.nodes
    ]
    try:
        return GridTree.from_records(rows, scheme=data.scheme)
    except GridError as err:
        raise _located(err, data.nodes) from err


def _located(err: GridError, nodes: tuple[Node, ...]) -> ClassValidationError:
    """The tree's problems as cattrs errors, each at its node's path.

    ``$.nodes[i].field`` for a problem with a node's id and one of its
    fields, ``$.nodes[i]`` for other fields, ``$.nodes`` for problems of the
    whole tree (no root, a cycle named by an id no row has).
    """
    first: dict[str, int] = {}
    for i, n in enumerate(nodes):
        first.setdefault(n.id, i)
    by_row: dict[int, list[Exception]] = {}
    loose: list[Exception] = []
    for p in err.problems:
        at = first.get(p.id)
        if at is None:
            loose.append(ValueError(str(p) if p.id else p.message))
            continue
        problem = ValueError(p.message)
        if p.field in _NODE_FIELDS:
            problem.add_note(
                AttributeValidationNote(f"Checking {p.field}", p.field, Any)
            )
        by_row.setdefault(at, []).append(problem)
    rows: list[Exception] = []
    for i, excs in sorted(by_row.items()):
        row = ClassValidationError(f"While checking node {i}", excs, Node)
        row.add_note(IterableValidationNote(f"Checking node {i}", i, Node))
        rows.append(row)
    parts: list[Exception] = loose
    if rows:
        parts.append(IterableValidationError("While checking nodes", rows, tuple))
    for part in parts:
        part.add_note(AttributeValidationNote("Checking nodes", "nodes", tuple))
    return ClassValidationError("While checking GridTree", parts, GridTree)


# --------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------

register(Level, _unstructure_level, _structure_level)
register(DivisionCode, str, _structure_division_code)
register(GridTree, _unstructure_tree, _structure_tree)
converter.register_structure_hook_func(_is_metric_value, _structure_metric_value)
