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
    from importlib.metadata import version as dist_version  # ~35 ms: on demand

    return dist_version("redcity")


def __getattr__(name: str) -> str:
    # ``__version__`` is read from the package metadata when first asked for,
    # so that ``import redcity`` does not pay for importlib.metadata.
    if name == "__version__":
        return version()
    msg = f"module 'redcity' has no attribute {name!r}"
    raise AttributeError(msg)
