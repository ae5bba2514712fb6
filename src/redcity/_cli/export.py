"""``redcity export popolo`` and ``redcity export open311``: open standards out.

Popolo (people, organisations, meetings, motions and votes) from meeting
files; Open311 GeoReport v2 service requests from a tickets file.  Personal
data is masked by the exporters themselves.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from redcity._cli._common import (
    EXIT_OK,
    HelpFormatter,
    emit_json,
    json_option,
    write_output,
)
from redcity._cli.dispatch import load_tickets
from redcity._cli.meetings import load_meeting
from redcity.dispatch import DEFAULT_TAXONOMY, to_open311
from redcity.meetings.popolo import to_popolo

__all__ = ["register"]

R = TypeVar("R")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export popolo`` and ``export open311`` to the ``redcity`` command."""
    export = commands.add_parser(
        "export",
        formatter_class=HelpFormatter,
        help="export meetings as Popolo, tickets as Open311",
        description=(
            "Export to open standards: meetings as one Popolo document, "
            "tickets as Open311 GeoReport v2 service requests. The document "
            "goes to standard output, or to -o FILE."
        ),
    )
    sub = export.add_subparsers(dest="format", required=True, metavar="FORMAT")
    popolo = sub.add_parser(
        "popolo",
        formatter_class=HelpFormatter,
        help="meeting files → one Popolo document",
        description=(
            "Write one Popolo document (persons, organizations, memberships, "
            "events, motions, vote_events) from one or more meeting files; "
            "people's contact details and identity numbers are masked."
        ),
        epilog=(
            "examples:\n"
            "  redcity export popolo examples/meeting-*.json -o popolo.json\n"
            "  redcity export popolo examples/meeting-xingmao.json | jq .events"
        ),
    )
    popolo.add_argument(
        "meetings", type=Path, nargs="+", metavar="MEETING", help="meeting JSON files"
    )
    _output_options(popolo)
    popolo.set_defaults(run=_popolo)

    open311 = sub.add_parser(
        "open311",
        formatter_class=HelpFormatter,
        help="a tickets file → Open311 service requests",
        description=(
            "Write every ticket as an Open311 GeoReport v2 service request "
            "(status open or closed, the history as status notes, redcity's "
            "own fields in extended_attributes); requesters are masked."
        ),
        epilog=(
            "examples:\n  redcity export open311 examples/tickets.json -o open311.json"
        ),
    )
    open311.add_argument(
        "tickets", type=Path, metavar="TICKETS", help="tickets as a JSON list or lines"
    )
    _output_options(open311)
    open311.set_defaults(run=_open311)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the document to FILE instead of standard output",
    )
    json_option(
        parser,
        "with -o, print what was written as JSON (the document itself is JSON "
        "either way)",
    )


def _unique(records: Iterable[R]) -> list[R]:
    """Records once each, by id, the first kept."""
    seen: dict[str, R] = {}
    for r in records:
        seen.setdefault(str(getattr(r, "id", id(r))), r)
    return list(seen.values())


def _emit(args: argparse.Namespace, doc: Any, counts: dict[str, int]) -> int:
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    out: Path | None = args.output
    write_output(text, out)
    if out is None:
        return EXIT_OK
    if args.json:
        emit_json({"wrote": str(out), **counts})
    else:
        print(f"wrote {out}: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
    return EXIT_OK


def _popolo(args: argparse.Namespace) -> int:
    bundles = [load_meeting(path) for path in args.meetings]
    doc = to_popolo(
        meetings=[b.meeting for b in bundles],
        organizations=_unique(o for b in bundles for o in b.organizations),
        persons=_unique(p for b in bundles for p in b.persons),
        memberships=_unique(m for b in bundles for m in b.memberships),
    )
    return _emit(args, doc, {key: len(items) for key, items in doc.items()})


def _open311(args: argparse.Namespace) -> int:
    tickets = load_tickets(args.tickets)
    requests = to_open311(tickets, taxonomy=DEFAULT_TAXONOMY)
    return _emit(args, requests, {"requests": len(requests)})
