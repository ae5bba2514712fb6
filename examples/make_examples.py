"""Write the sample input files of ``examples/`` from redcity's bundled data.

Run from the repository root, after changing the sample data or a format::

    .venv/bin/python examples/make_examples.py

Every file is derived deterministically (fixed seeds, no clock), so running
the script again gives the same bytes; ``tests/test_cli_files.py`` checks
that the committed files are up to date.  What it writes:

* ``grid.csv`` / ``grid.json``: 南白街道 (播州区) with two of its communities,
  南社区 (which holds 兴茂小区) and 仁和苑社区, down to the buildings.
* ``grid-bad.csv``: the top of ``grid.csv`` with deliberate mistakes.
* ``facts.jsonl``: a year of facts of the seven members of the synthetic
  播州区 service year who live in those two communities.
* ``rulebook.toml``: the shipped party members' annual rulebook plus one
  rule with a ``within`` condition (so scoring needs ``--tree``).
* ``tickets.json``: a simulated 2026-Q3 of requests in the example grid.
* ``meeting-xingmao.json`` / ``meeting-longquan.json``: the seed article's
  two meetings with the people and organisations they name.

Records are written in :mod:`redcity.serialize`'s form with empty optional
fields left out (``None``, ``""``, ``[]``, ``{}``); the script checks that
each record reads back equal to the original.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import redcity.serialize as rs
from redcity.datasets import bozhou_service_year, seed_meetings, zunyi
from redcity.dispatch import Arrivals, Policy, Ticket, simulate
from redcity.grid import GridTree
from redcity.people import Membership, Organization, Person
from redcity.points import Fact
from redcity.points.examples import example_rulebook_text
from redcity.points.journal import fact_to_json

HERE = Path(__file__).resolve().parent

STREET = "520304001"  # 南白街道, 播州区
COMMUNITIES = ("520304001001", "520304001002")  # 南社区, 仁和苑社区
PERIOD = "2026-Q3"
SEED = 2026
PER_GRID = 0.015  # requests per grid per working day: a few dozen tickets
MEMBERS = 120  # the synthetic service year's size; seven live in the grid
COLUMNS = ("id", "parent", "level", "name", "code", "households", "population")

RULEBOOK_EXTRA = """
# Added for the examples: a bonus for service in 南社区, which needs the grid
# (--tree) to tell which nodes lie within 520304001001.
[[rules]]
id = "nanshe-service-bonus"
kind = "service"
title = "南社区志愿服务加分"
title_en = "service in 南社区"
when = [{ field = "node", op = "within", value = ["520304001001"] }]
award = { type = "fixed", points = 1 }
"""

# (row to change, by id; field; new value) — each a mistake a clerk makes.
BAD_EDITS: tuple[tuple[str, str, str], ...] = (
    ("520304001001-C01", "parent", "520304009999"),  # a parent that is not there
    ("520304001001001", "level", "网络"),  # a typo for 网格
    ("520304001001001-B01", "households", "十二"),  # not a number
    ("520304001001001-B02", "name", ""),  # no name
    ("520304001001001-B03", "code", "5.20304E+11"),  # a code Excel mangled
    ("520304001001001-B04", "parent", "520304001001"),  # a building outside a grid
)
BAD_ROWS = 12  # grid-bad.csv keeps the top of grid.csv


def example_tree() -> GridTree:
    """南白街道 with its first two communities, everything below them kept."""
    tree = zunyi()
    keep = {STREET}
    for community in COMMUNITIES:
        keep.add(community)
        keep.update(tree.descendants(community))
    records = [r for r in tree.subtree(STREET).to_records() if r["id"] in keep]
    return GridTree.from_records(records)


def _compact(value: Any) -> Any:
    """Drop empty optional fields (``None``, ``""``, ``[]``, ``{}``) from objects."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _checked(obj: Any, cls: Any) -> Any:
    """``obj`` as compact JSON data, after checking that it reads back equal."""
    data = _compact(rs.unstructure(obj))
    if rs.structure(data, cls) != obj:  # pragma: no cover - a format change
        msg = f"{type(obj).__name__} does not survive compaction; write it whole."
        raise AssertionError(msg)
    return data


def _lines(items: Sequence[Any], dump: Callable[[Any], str]) -> str:
    """A JSON list with one item per line: short, and diffs stay readable."""
    return "[\n" + ",\n".join(dump(i) for i in items) + "\n]\n"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def grid_csv(records: Sequence[dict[str, Any]]) -> str:
    """Records as CSV: empty cells for ``None``, Unix line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in records:
        writer.writerow(["" if r[c] is None else r[c] for c in COLUMNS])
    return buffer.getvalue()


def bad_records(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The top rows of the grid, with the mistakes of :data:`BAD_EDITS`."""
    rows = [dict(r) for r in records[:BAD_ROWS]]
    by_id = {r["id"]: r for r in rows}
    for node_id, field, value in BAD_EDITS:
        by_id[node_id][field] = value
    rows.append(dict(rows[-1]))  # the last row entered twice
    return rows


def facts(tree: GridTree) -> list[Fact]:
    """The service year's facts of the members living in the example grid."""
    year = bozhou_service_year(members=MEMBERS, seed=SEED)
    members = {m.id for m in year.members if m.community_id in COMMUNITIES}
    chosen = [f for f in year.facts if f.member_id in members]
    outside = [f.id for f in chosen if f.node_id not in tree]
    if outside:  # pragma: no cover - the sample changed
        msg = f"facts outside the example grid: {outside[:5]}"
        raise AssertionError(msg)
    return chosen


def tickets(tree: GridTree) -> list[Ticket]:
    """A simulated quarter of requests in the example grid."""
    arrivals = Arrivals.from_tree(tree, per_grid=PER_GRID)
    return list(simulate(tree, Policy(), arrivals, PERIOD, seed=SEED).tickets)


def meeting_files() -> dict[str, dict[str, Any]]:
    """The seed meetings as bundles: meeting, organisations, persons, memberships."""
    out = {}
    for name, seed in zip(("xingmao", "longquan"), seed_meetings(), strict=True):
        out[name] = {
            "meeting": _checked(seed.meeting, type(seed.meeting)),
            "organizations": [_checked(o, Organization) for o in seed.organizations],
            "persons": [_checked(p, Person) for p in seed.persons],
            "memberships": [_checked(m, Membership) for m in seed.memberships],
        }
    return out


def contents() -> dict[str, str]:
    """Every example file's name and text."""
    tree = example_tree()
    records = tree.to_records()
    files = {
        "grid.csv": grid_csv(records),
        "grid.json": _lines(records, _json),
        "grid-bad.csv": grid_csv(bad_records(records)),
        "facts.jsonl": "".join(fact_to_json(f) + "\n" for f in facts(tree)),
        "rulebook.toml": example_rulebook_text("party").rstrip("\n")
        + "\n"
        + RULEBOOK_EXTRA,
        "tickets.json": _lines([_checked(t, Ticket) for t in tickets(tree)], _json),
    }
    for name, bundle in meeting_files().items():
        text = json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"
        files[f"meeting-{name}.json"] = text
    return files


def main(out: Path = HERE) -> list[Path]:
    """Write every example file into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in contents().items():
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
