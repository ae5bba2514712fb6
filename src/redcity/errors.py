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
    "EvaluationRefused",
    "IdentityError",
    "IllegalMeetingTransition",
    "IllegalTransition",
    "InsufficientPoints",
    "LedgerCorrupted",
    "MeetingError",
    "NaiveDatetimeError",
    "Problem",
    "RedcityError",
    "RedcityWarning",
    "SerializationError",
    "UnknownMember",
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
        row: The record's position in the input (0-based), when the
            validator knows it: a front end can then point at the line of a
            file without reading the message.
    """

    id: str
    field: str
    message: str
    row: int | None = attrs.field(default=None, kw_only=True)

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


class UnknownMember(RedcityError, KeyError):
    """A member id that the member registry does not hold."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class EvaluationRefused(RedcityError, PermissionError):
    """An evaluator without the right to evaluate a member tried to (评价权).

    Only the community where a member registered (双报到) may give the
    community evaluation, and only the member's employer unit the employer
    evaluation.
    """


class InsufficientPoints(RedcityError, ValueError):
    """A redemption asked for more points than the member holds; nothing changed.

    Attributes:
        member_id: The member whose balance was too small.
        balance: The member's balance when the redemption was refused.
        requested: The points the redemption asked for.

    >>> err = InsufficientPoints("m1", balance=20, requested=30)
    >>> err.balance, err.requested
    (20, 30)
    >>> print(err)
    Member 'm1' holds 20 points, fewer than the 30 requested; the redemption was refused and the points bank is unchanged.
    """  # noqa: E501

    def __init__(self, member_id: str, balance: int, requested: int) -> None:
        super().__init__(member_id, balance, requested)  # picklable: cls(*args)
        self.member_id = member_id
        self.balance = balance
        self.requested = requested

    def __str__(self) -> str:
        return (
            f"Member {self.member_id!r} holds {self.balance} points, fewer than "
            f"the {self.requested} requested; the redemption was refused and the "
            "points bank is unchanged."
        )


class LedgerCorrupted(ValidationError):
    """A points ledger failed verification; ``.problems`` names each bad record.

    Each problem is a :class:`redcity.points.LedgerProblem` carrying the
    record's ``seq``; ``.seq`` is the first of them (``None`` when only the
    running balances disagree).
    """

    @property
    def seq(self) -> int | None:
        """The first bad record's ``seq``."""
        seqs = [s for p in self.problems if (s := getattr(p, "seq", None)) is not None]
        return min(seqs) if seqs else None


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


class IllegalTransition(RedcityError, ValueError):
    """A step the record's state does not allow; the record is unchanged.

    Every wing with a life cycle (meetings, tickets, topics) raises a
    subclass of it, so one ``except IllegalTransition`` catches any.
    """


class MeetingError(RedcityError, ValueError):
    """An operation on a meeting record was refused; the record is unchanged.

    Voting twice on a motion, resolving a motion that did not pass, closing
    a meeting with open action items …
    """


class IllegalMeetingTransition(MeetingError, IllegalTransition):
    """A meeting step was taken out of order (approving the minutes of a
    meeting never held, closing before the minutes are approved …)."""
