"""``redcity meetings minutes``: the minutes (会议纪要) of a meeting file.

A meeting file is a JSON object: either a meeting record as
:mod:`redcity.serialize` writes it, or a bundle ``{"meeting": {…},
"organizations": […], "persons": […], "memberships": […]}`` whose people
and organisations give the minutes their names and the Popolo export its
records.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

import redcity.serialize as rs
from redcity._cli._common import (
    EXIT_OK,
    CliError,
    DataProblems,
    HelpFormatter,
    Located,
    emit_json,
    json_option,
    problem_lines,
    read_json,
)
from redcity.meetings import Meeting
from redcity.meetings.minutes import minutes_html, minutes_markdown
from redcity.people import Membership, Organization, Person

__all__ = ["MeetingFile", "load_meeting", "register"]


@attrs.frozen(kw_only=True)
class MeetingFile:
    """A meeting with the people and organisations its minutes name."""

    meeting: Meeting
    organizations: tuple[Organization, ...] = ()
    persons: tuple[Person, ...] = ()
    memberships: tuple[Membership, ...] = ()

    @property
    def names(self) -> dict[str, str]:
        """Person and organisation id → name, for the minutes."""
        return {
            **{o.id: o.name for o in self.organizations},
            **{p.id: p.name for p in self.persons},
        }


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``meetings minutes`` to the ``redcity`` command."""
    meetings = commands.add_parser(
        "meetings",
        formatter_class=HelpFormatter,
        help="render the minutes of a meeting file",
        description=(
            "Meetings (议事): three-party meetings (三方共议), 红色议事会, "
            "residents' meetings … recorded as JSON."
        ),
    )
    sub = meetings.add_subparsers(dest="action", required=True, metavar="ACTION")
    minutes = sub.add_parser(
        "minutes",
        formatter_class=HelpFormatter,
        help="print the minutes (会议纪要) as Markdown or HTML",
        description=(
            "Render the minutes (会议纪要) of a meeting file: agenda, attendance, "
            "motions and votes, resolutions, action items and feedback. FILE is "
            'a meeting record as JSON, or {"meeting": …, "organizations": […], '
            '"persons": […], "memberships": […]} so that people are named.'
        ),
        epilog=(
            "examples:\n"
            "  redcity meetings minutes examples/meeting-xingmao.json\n"
            "  redcity meetings minutes examples/meeting-longquan.json --html "
            "> minutes.html"
        ),
    )
    minutes.add_argument("file", type=Path, metavar="FILE", help="a meeting JSON file")
    minutes.add_argument(
        "--html", action="store_true", help="a whole HTML page instead of Markdown"
    )
    json_option(minutes, "print the meeting's id, title, state and minutes as JSON")
    minutes.set_defaults(run=_minutes)


def load_meeting(path: Path) -> MeetingFile:
    """A meeting file, bare or bundled with its people.

    Raises:
        CliError: the file cannot be read, or is not a JSON object.
        DataProblems: the record does not fit (every problem, with its path).
    """
    data = read_json(path)
    if not isinstance(data, Mapping):
        msg = (
            f"{path} holds a JSON {type(data).__name__}; expected a meeting "
            'object, or {"meeting": …, "persons": […], …}'
        )
        raise CliError(msg)
    try:
        if "meeting" in data:
            bundle: MeetingFile = rs.structure(data, MeetingFile)
            return bundle
        return MeetingFile(meeting=rs.structure(data, Meeting))
    except ValueError as exc:
        problems = [Located(None, line) for line in problem_lines(exc)]
        raise DataProblems("invalid meeting", path, problems) from exc


def _minutes(args: argparse.Namespace) -> int:
    bundle = load_meeting(args.file)
    m = bundle.meeting
    if args.html:
        text = minutes_html(m, names=bundle.names, document=True)
    else:
        text = minutes_markdown(m, names=bundle.names)
    if args.json:
        out: dict[str, Any] = {
            "id": m.id,
            "title": m.title,
            "state": rs.unstructure(m.state),
            "format": "html" if args.html else "markdown",
            "minutes": text,
        }
        emit_json(out)
        return EXIT_OK
    print(text.rstrip("\n"))
    return EXIT_OK
