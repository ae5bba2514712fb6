"""redcity: party-building-led grassroots governance (党建引领基层治理) as data.

>>> import redcity as rc
>>> rc.__version__ == rc.version()
True
"""

from __future__ import annotations

from importlib.metadata import version as _dist_version

__all__ = ["__version__", "version"]


def version() -> str:
    """The installed distribution's version."""
    return _dist_version("redcity")


__version__ = version()
