"""The ``redcity`` subcommands that work on users' own files (private).

:mod:`redcity.cli` builds the parser and owns the command boundary; each
module here adds one group of subcommands (``grid``, ``points``,
``dispatch``, ``meetings``, ``export``) and sets ``run`` on its parsers.
"""

from redcity._cli._common import CliError, DataProblems, error
from redcity._cli.dispatch import register as register_dispatch
from redcity._cli.export import register as register_export
from redcity._cli.grid import register as register_grid
from redcity._cli.meetings import register as register_meetings
from redcity._cli.points import register as register_points

__all__ = [
    "CliError",
    "DataProblems",
    "error",
    "register_dispatch",
    "register_export",
    "register_grid",
    "register_meetings",
    "register_points",
]
