"""Shared pieces of the ``to_frame()`` functions (pandas comes with ``frames``).

pandas is never imported here at module level: each function that builds a
frame imports it inside, and on failure raises :func:`no_pandas`'s error.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["no_pandas", "times"]


def no_pandas(what: str) -> ImportError:
    """The error raised when ``what`` needs pandas and it is missing.

    >>> print(no_pandas("facts_frame()"))
    facts_frame() needs pandas: pip install 'redcity[frames]'.
    """
    return ImportError(f"{what} needs pandas: pip install 'redcity[frames]'.")


def times(values: Iterable[datetime | None], tz: str) -> pd.DatetimeIndex:
    """Aware instants (``None`` → ``NaT``) as one zone's ``datetime64`` values.

    Instants written with different offsets become comparable in one column.
    """
    import pandas as pd

    column = pd.Index(list(values), dtype=object)
    return pd.DatetimeIndex(pd.to_datetime(column, utc=True)).tz_convert(tz)
