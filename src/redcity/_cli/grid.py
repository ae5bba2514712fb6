"""``redcity grid check`` and ``redcity grid show``: a grid file, checked and read.

A grid file is CSV with the header ``id,parent,level,name`` (optionally
``code,households,population``; an empty cell is "not given", an empty
``parent`` marks the root) or JSON: a list of row objects with the same
keys, what :meth:`GridTree.to_json <redcity.grid.GridTree.to_json>` writes.

Problems are reported by row as a spreadsheet shows it: in a CSV file the
header is row 1, so the first data row is row 2; in a JSON file the rows
are the list's items, counted from 1.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from redcity._cli._common import (
    EXIT_OK,
    CliError,
    DataProblems,
    HelpFormatter,
    Located,
    emit_json,
    json_option,
    read_json,
    read_text,
)
from redcity.grid import GridError, GridTree, Level

__all__ = ["load_grid", "read_grid_rows", "register"]

_REQUIRED = ("id", "parent", "level", "name")
_OPTIONAL = ("code", "households", "population")
_COLUMNS = _REQUIRED + _OPTIONAL
_WHOLE = re.compile(r"[0-9]+")
_SHOWN_CHILDREN = 20


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``grid check`` and ``grid show`` to the ``redcity`` command."""
    grid = commands.add_parser(
        "grid",
        formatter_class=HelpFormatter,
        help="check or look into a grid file (CSV or JSON)",
        description=(
            "Work with your district's grid (网格) as a file: CSV with the header "
            "id,parent,level,name[,code,households,population] or a JSON list "
            "of row objects. Levels may be English or Chinese "
            "(street/街道, community/社区, compound/小区, grid/网格, "
            "building/楼栋 …); the root's parent is empty."
        ),
    )
    sub = grid.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = sub.add_parser(
        "check",
        formatter_class=HelpFormatter,
        help="list every problem in a grid file, with its row",
        description=(
            "Check a grid file as a whole and list every problem with its row "
            "(CSV: the row a spreadsheet shows, the header being row 1; JSON: "
            "the item's position in the list, from 1) and the node id and "
            "field at fault. Exit code 0 when the file is a valid tree, 1 when "
            "it has problems, 2 when it cannot be read."
        ),
        epilog=(
            "examples:\n"
            "  redcity grid check examples/grid.csv\n"
            "  redcity grid check examples/grid-bad.csv --json"
        ),
    )
    check.add_argument("file", type=Path, metavar="FILE", help="a .csv or .json file")
    json_option(check, "print the result as JSON: rows, problems, counts per level")
    check.set_defaults(run=_check)

    show = sub.add_parser(
        "show",
        formatter_class=HelpFormatter,
        help="show one node: its path, figures, children and what lies below",
        description=(
            "Show one node of a grid file: where it sits (its ancestors), its "
            "code, households and population, its children and the count of "
            "each level below."
        ),
        epilog=(
            "examples:\n"
            "  redcity grid show examples/grid.csv --node 520304001001\n"
            "  redcity grid show examples/grid.json --node 兴茂小区 --json"
        ),
    )
    show.add_argument("file", type=Path, metavar="FILE", help="a .csv or .json file")
    show.add_argument(
        "--node",
        required=True,
        metavar="ID",
        help="the node's id, or its name when no other node has that name",
    )
    json_option(show, "print the node as JSON")
    show.set_defaults(run=_show)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def _cell(column: str, value: str | None) -> Any:
    """A CSV cell as a row value: ``None`` when empty, whole numbers as ints."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if column in ("households", "population") and _WHOLE.fullmatch(text):
        return int(text)
    return text


def _csv_rows(path: Path, text: str) -> tuple[list[dict[str, Any]], list[Located]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        msg = f"{path} is empty; expected the header id,parent,level,name"
        raise CliError(msg) from None
    except csv.Error as exc:
        msg = f"{path} is not valid CSV: {exc}"
        raise CliError(msg) from exc
    header_problems: list[Located] = []
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        msg = (
            f"the header lacks the column(s) {', '.join(missing)}; expected "
            f"id,parent,level,name and optionally {','.join(_OPTIONAL)}, "
            f"got {','.join(header)}"
        )
        raise DataProblems("invalid header", path, [Located("row 1", msg)])
    unknown = [c for c in header if c not in _COLUMNS]
    if unknown:
        header_problems.append(
            Located(
                "row 1",
                f"unknown column(s) {', '.join(unknown)}; expected "
                f"{', '.join(_COLUMNS)}",
            )
        )
    rows: list[dict[str, Any]] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                rows.append({})  # keeps row numbers; reported as an empty row
                continue
            if len(record) > len(header):
                header_problems.append(
                    Located(
                        f"row {reader.line_num}",
                        f"{len(record)} cells but the header has {len(header)}",
                    )
                )
            row = {
                column: _cell(column, record[k] if k < len(record) else None)
                for k, column in enumerate(header)
                if column in _COLUMNS
            }
            rows.append(row)
    except csv.Error as exc:
        msg = f"{path} is not valid CSV: {exc} (near row {reader.line_num})"
        raise CliError(msg) from exc
    return rows, header_problems


def read_grid_rows(path: Path) -> tuple[list[Any], list[str], list[Located]]:
    """A grid file's rows, each row's label (``row 2`` …), and header problems.

    Raises:
        CliError: the file cannot be read, or is neither CSV nor a JSON list.
    """
    if path.suffix.lower() == ".json":
        data = read_json(path)
        if not isinstance(data, list):
            msg = (
                f"{path} holds a JSON {type(data).__name__}; expected a list of "
                "row objects with id, parent, level and name"
            )
            raise CliError(msg)
        return data, [f"row {k}" for k in range(1, len(data) + 1)], []
    text = read_text(path)
    rows, header = _csv_rows(path, text)
    empty = [
        Located(f"row {k}", "an empty row; delete it")
        for k, row in enumerate(rows, 2)
        if row == {}
    ]
    kept = [(k, row) for k, row in enumerate(rows, 2) if row != {}]
    return [r for _, r in kept], [f"row {k}" for k, _ in kept], header + empty


def _located(err: GridError, rows: list[Any], labels: list[str]) -> list[Located]:
    """The tree's problems, each at its row, in row order."""
    first: dict[str, int] = {}
    for k, row in enumerate(rows):
        row_id = row.get("id") if isinstance(row, Mapping) else None
        if isinstance(row_id, str):
            first.setdefault(row_id, k)
    placed: list[tuple[int, int, Located]] = []
    for order, p in enumerate(err.problems):
        # A problem names its row when the tree knows it; else the row of
        # its node id (a parent, a cycle …), else none (no root …).
        node_id = p.id if p.id in first else None
        index = p.row if p.row is not None else first.get(p.id)
        message = p.message
        if p.field == "id" and node_id is not None and index != first[p.id]:
            message = (
                f"duplicate id: {labels[first[p.id]]} already has it; ids must "
                "be unique."
            )
        parts = []
        if node_id is not None:
            parts.append(f"id {node_id!r}")
        if p.field:
            parts.append(f"field {p.field}")
        prefix = ", ".join(parts)
        text = f"{prefix}: {message}" if prefix else message
        where = labels[index] if index is not None and index < len(labels) else None
        key = index if index is not None else len(labels)
        placed.append((key, order, Located(where, text)))
    return [loc for _, _, loc in sorted(placed, key=lambda t: (t[0], t[1]))]


def _try_grid(path: Path) -> tuple[GridTree | None, int, list[Located]]:
    # Header and layout problems come first; the rows are still checked so
    # that every problem is listed at once.
    rows, labels, problems = read_grid_rows(path)
    try:
        tree = GridTree.from_records(rows)
    except GridError as err:
        return None, len(rows), problems + _located(err, rows, labels)
    return (tree if not problems else None), len(rows), problems


def load_grid(path: Path) -> GridTree:
    """A valid grid tree from a CSV or JSON file.

    Raises:
        CliError: the file cannot be read.
        DataProblems: the rows do not make a valid tree (every problem).
    """
    tree, _, problems = _try_grid(path)
    if tree is None:
        raise DataProblems("invalid grid", path, problems)
    return tree


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------


def _counts(tree: GridTree) -> dict[str, int]:
    return {lv.en: tree.count(lv) for lv in Level if tree.count(lv)}


def _check(args: argparse.Namespace) -> int:
    path: Path = args.file
    tree, n_rows, problems = _try_grid(path)
    if args.json:
        emit_json(
            {
                "file": str(path),
                "rows": n_rows,
                "valid": tree is not None,
                "problems": [
                    {"row": _row_number(p.where), "message": p.message}
                    for p in problems
                ],
                "counts": _counts(tree) if tree is not None else None,
            }
        )
        if tree is None:
            raise DataProblems("invalid grid", path, problems)
        return EXIT_OK
    if tree is None:
        raise DataProblems("invalid grid", path, problems)
    root = tree[tree.root]
    levels = ", ".join(
        f"{tree.count(lv):,} {lv.zh} ({lv.en})" for lv in Level if tree.count(lv)
    )
    print(f"{path}: {n_rows:,} rows, a valid tree rooted at {root.name} ({root.id})")
    print(f"  {levels}")
    return EXIT_OK


def _row_number(where: str | None) -> int | None:
    if where is None:
        return None
    m = re.fullmatch(r"row (\d+)", where)
    return int(m[1]) if m else None


def _find(tree: GridTree, path: Path, wanted: str) -> str:
    if wanted in tree:
        return wanted
    named = [n for n in tree if tree[n].name == wanted]
    if len(named) == 1:
        return named[0]
    if named:
        msg = (
            f"several nodes in {path} are named {wanted!r} "
            f"({', '.join(named[:5])}); pass the id"
        )
        raise CliError(msg, code=1)
    near = [n for n in tree if wanted in n or wanted in tree[n].name][:5]
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    msg = f"no node with id or name {wanted!r} in {path}{hint}"
    raise CliError(msg, code=1)


def _show(args: argparse.Namespace) -> int:
    path: Path = args.file
    tree = load_grid(path)
    node_id = _find(tree, path, args.node)
    node = tree[node_id]
    below = tree.descendants(node_id)
    below_counts = {lv: sum(1 for n in below if tree.level(n) is lv) for lv in Level}
    children = tree.children(node_id)
    if args.json:
        emit_json(
            {
                **node.to_record(),
                "path": [
                    {"id": a, "name": tree[a].name} for a in tree.ancestors(node_id)
                ],
                "children": [
                    {"id": c, "name": tree[c].name, "level": tree.level(c).en}
                    for c in children
                ],
                "below": {lv.en: n for lv, n in below_counts.items() if n},
            }
        )
        return EXIT_OK
    print(f"{node.name} ({node.id}): a {node.level.zh} ({node.level.en})")
    trail = [tree[a].name for a in tree.ancestors(node_id)]
    print(f"  path: {' › '.join([*trail, node.name])}")
    if node.code is not None:
        print(f"  code: {node.code}")
    if node.households is not None or node.population is not None:
        figures = []
        if node.households is not None:
            figures.append(f"{node.households:,} households (户)")
        if node.population is not None:
            figures.append(f"{node.population:,} residents")
        print(f"  {', '.join(figures)}")
    if children:
        shown = ", ".join(f"{tree[c].name} ({c})" for c in children[:_SHOWN_CHILDREN])
        more = len(children) - _SHOWN_CHILDREN
        tail = f", … and {more} more" if more > 0 else ""
        print(f"  children ({len(children)}): {shown}{tail}")
    else:
        print("  no children")
    if below:
        counts = ", ".join(f"{n:,} {lv.zh}" for lv, n in below_counts.items() if n)
        print(f"  below: {counts}")
    return EXIT_OK
