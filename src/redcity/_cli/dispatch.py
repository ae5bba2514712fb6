"""``redcity dispatch rates``: the official rates of a period from a tickets file.

A tickets file is a JSON list (or JSON Lines) of tickets as
:mod:`redcity.serialize` writes them: ``{"service_request_id": …,
"events": [{"at": …, "action": "report", …}, …]}``; each ticket is
replayed through its state machine as it is read, so an impossible history
is reported with the ticket's place in the file.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import redcity.serialize as rs
from redcity._cli._common import (
    EXIT_OK,
    CliError,
    DataProblems,
    HelpFormatter,
    Located,
    build_items,
    emit_json,
    json_option,
    problem_lines,
    read_items,
    table_lines,
)
from redcity._cli.grid import load_grid
from redcity.calendars import Period
from redcity.dispatch import (
    CaseCounts,
    HotlineCounts,
    Ticket,
    case_counts,
    hotline_counts,
)
from redcity.dispatch.metrics import percent
from redcity.errors import UnknownNode
from redcity.grid import GridTree, Level

__all__ = ["load_tickets", "register"]

_CASE_RATES: tuple[str, ...] = (
    "filing",
    "dispatch",
    "closure",
    "on_time_closure",
    "rework",
    "extension",
)
_HOTLINE_RATES = ("response", "resolution", "satisfaction")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``dispatch rates`` to the ``redcity`` command."""
    dispatch = commands.add_parser(
        "dispatch",
        formatter_class=HelpFormatter,
        help="the official rates of residents' requests and grid cases",
        description=(
            "Dispatch (派单): residents' requests and grid cases as tickets, "
            "each a history of events from report to close."
        ),
    )
    sub = dispatch.add_subparsers(dest="action", required=True, metavar="ACTION")
    rates = sub.add_parser(
        "rates",
        formatter_class=HelpFormatter,
        help="the six 数字城管 rates and the 接诉即办 rates of a period",
        description=(
            "Compute, for one period, the six digital city-management (数字城管) "
            "rates — 立案率, 派遣率, 结案率, 按期结案率, 返工率, 延期率; the last "
            "four over 应结案数, carry-over included — and the 接诉即办 rates "
            "响应率, 解决率, 满意率 (over requests received less those "
            "redirected). Each ticket counts as it stood at the period's end. "
            "Without --tree one row sums every ticket; with --tree one row per "
            "node of the --by level, then the total."
        ),
        epilog=(
            "examples:\n"
            "  redcity dispatch rates examples/tickets.json --period 2026-Q3\n"
            "  redcity dispatch rates examples/tickets.json --period 2026-07 "
            "--tree examples/grid.csv --by community --json"
        ),
    )
    rates.add_argument(
        "tickets", type=Path, metavar="TICKETS", help="tickets as a JSON list or lines"
    )
    rates.add_argument(
        "--period",
        required=True,
        metavar="PERIOD",
        help="a year (2026), quarter (2026-Q3) or month (2026-07), Beijing time",
    )
    rates.add_argument(
        "--tree", type=Path, metavar="FILE", help="the grid file (CSV or JSON)"
    )
    rates.add_argument(
        "--by",
        metavar="LEVEL",
        help=(
            "with --tree, the level to report: street/街道, community/社区 "
            "(the default), grid/网格 …"
        ),
    )
    json_option(rates, "print counts and exact rates per area as JSON")
    rates.set_defaults(run=_rates)


def load_tickets(path: Path) -> list[Ticket]:
    """The tickets of a JSON list or JSON Lines file, each replayed.

    Raises:
        CliError: the file cannot be read as JSON.
        DataProblems: tickets that do not fit or whose history is impossible.
    """
    items = read_items(path, "ticket")
    return build_items(path, "ticket", items, _ticket, id_key="service_request_id")


def _ticket(value: Any) -> Ticket:
    return rs.structure(value, Ticket)


def _parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        msg = f"argument --period: {exc}"
        raise CliError(msg) from exc


def _parse_level(text: str) -> Level:
    try:
        return Level.parse(text)
    except ValueError as exc:
        msg = f"argument --by: {exc}"
        raise CliError(msg) from exc


def _area(
    node_id: str | None, name: str, cases: CaseCounts, hotline: HotlineCounts
) -> dict[str, Any]:
    c, h = cases.rates(), hotline.rates()
    return {
        "id": node_id,
        "name": name,
        "cases": rs.unstructure(cases),
        "hotline": rs.unstructure(hotline),
        "rates": {
            **{k: rs.unstructure(getattr(c, k)) for k in _CASE_RATES},
            **{k: rs.unstructure(getattr(h, k)) for k in _HOTLINE_RATES},
        },
        "percent": {
            **{k: percent(getattr(c, k)) for k in _CASE_RATES},
            **{k: percent(getattr(h, k)) for k in _HOTLINE_RATES},
        },
    }


def _row(area: Mapping[str, Any]) -> list[str]:
    return [
        area["name"],
        f"{area['cases']['due']:,}",
        *(area["percent"][k] for k in (*_CASE_RATES, *_HOTLINE_RATES)),
    ]


def _areas(
    path: Path,
    tickets: Sequence[Ticket],
    period: Period,
    tree: GridTree | None,
    level: Level | None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    try:
        all_cases = case_counts(tickets, period)
        all_hotline = hotline_counts(tickets, period)
        areas = []
        if tree is not None and level is not None:
            cases = case_counts(tickets, period, tree=tree, by=level)
            hotline = hotline_counts(tickets, period, tree=tree, by=level)
            areas = [
                _area(n, tree[n].name, cases[n], hotline[n])
                for n in tree.nodes(level)
                if n in cases or n in hotline
            ]
    except UnknownNode as exc:
        msg = f"{exc} Is --tree the grid these tickets were filed in?"
        raise DataProblems("unknown node", path, [Located(None, msg)]) from exc
    except ValueError as exc:
        problems = [Located(None, line) for line in problem_lines(exc)]
        raise DataProblems("cannot count", path, problems) from exc
    total = _area(
        None,
        "total",
        sum(all_cases.values(), CaseCounts()),
        sum(all_hotline.values(), HotlineCounts()),
    )
    return areas, total


def _rates(args: argparse.Namespace) -> int:
    period = _parse_period(args.period)
    if args.by is not None and args.tree is None:
        msg = "argument --by: needs --tree FILE, the grid that names the areas"
        raise CliError(msg)
    level = _parse_level(args.by if args.by is not None else "community")
    tree = load_grid(args.tree) if args.tree is not None else None
    tickets = load_tickets(args.tickets)
    areas, total = _areas(args.tickets, tickets, period, tree, level)
    if args.json:
        emit_json(
            {
                "period": period.label,
                "tickets": len(tickets),
                "by": level.en if tree is not None else None,
                "areas": areas,
                "total": total,
            }
        )
        return EXIT_OK
    print(
        f"{args.tickets}: {len(tickets):,} tickets; rates of {period.label} "
        "(结案率 … 延期率 over 应结案数, carry-over included; 接诉即办 rates "
        "over requests received less redirected; — where nothing was due)"
    )
    labels = ["area", "应结案数", "立案率", "派遣率", "结案率", "按期结案率"]
    labels += ["返工率", "延期率", "响应率", "解决率", "满意率"]
    rows = [labels, *(_row(a) for a in areas), _row(total)]
    for line in table_lines(rows):
        print(line)
    return EXIT_OK
