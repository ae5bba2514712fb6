"""Errors and warnings raised by redcity.

Every error derives from :class:`RedcityError` and also from the builtin
exception that fits it, so ``except ValueError`` keeps working for callers who
do not know redcity.  Whole-input validation (a tree, a rulebook, a minutes
record) collects every :class:`Problem` and raises once.

>>> from redcity.errors import Problem, ValidationError
>>> err = ValidationError([Problem("n1", "parent", "unknown parent 'x'")])
>>> isinstance(err, ValueError), len(err.problems)
(True, 1)
>>> print(err)
1 problem found:
  - n1.parent: unknown parent 'x'
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "CalendarError",
    "IdentityError",
    "NaiveDatetimeError",
    "Problem",
    "RedcityError",
    "RedcityWarning",
    "SerializationError",
    "UnknownNode",
    "UnofficialCalendarWarning",
    "ValidationError",
]


@attrs.frozen
class Problem:
    """One problem found while validating a whole input.

    Attributes:
        id: The offending record's id (a node id, rule id, row number …).
        field: The offending field, or ``""`` when the whole record is at fault.
        message: A full sentence saying what was expected and what was got.
    """

    id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.id}.{self.field}" if self.field else self.id
        return f"{where}: {self.message}"


class RedcityError(Exception):
    """Root of every error redcity raises."""


class ValidationError(RedcityError, ValueError):
    """A whole input was invalid; ``.problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} found:"]
        lines.extend(f"  - {p}" for p in self.problems)
        super().__init__("\n".join(lines))

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownNode(RedcityError, KeyError):
    """A node id that the tree does not hold."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class NaiveDatetimeError(RedcityError, ValueError):
    """A datetime without a timezone where an aware one is required."""


class CalendarError(RedcityError, ValueError):
    """A calendar was asked something it cannot answer (bad period, n < 1 …)."""


class IdentityError(RedcityError, ValueError):
    """A resident identity number or phone number is malformed."""


class SerializationError(RedcityError, ValueError):
    """Data could not be turned into (or out of) a redcity record."""


class RedcityWarning(UserWarning):
    """Root of every warning redcity emits."""


class UnofficialCalendarWarning(RedcityWarning):
    """A computation reached a year with no official working-day arrangement."""
