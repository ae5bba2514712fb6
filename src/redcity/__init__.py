"""redcity: party-building-led grassroots governance (党建引领基层治理) as data.

Import it as ``rc``; the wings are subpackages, the most used names are here
too.

>>> import redcity as rc
>>> rc.__version__ == rc.version()
True
>>> rc.Level.parse("网格") is rc.grid.Level.GRID
True
"""

from __future__ import annotations

from importlib.metadata import version as _dist_version

from redcity import calendars, errors, grid, people, serialize
from redcity.calendars import WorkCalendar
from redcity.errors import RedcityError
from redcity.grid import GridError, GridTree, Level

__all__ = [
    "GridError",
    "GridTree",
    "Level",
    "RedcityError",
    "WorkCalendar",
    "__version__",
    "calendars",
    "errors",
    "grid",
    "people",
    "serialize",
    "version",
]


def version() -> str:
    """The installed distribution's version."""
    return _dist_version("redcity")


__version__ = version()
