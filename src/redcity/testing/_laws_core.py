"""The law runner: results, reports, and the minimal counterexample as a sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from redcity.errors import RedcityError

__all__ = ["LawBroken", "LawReport", "LawResult", "law_settings", "run_law"]

T = TypeVar("T")

Law = Callable[[T], "str | None"]
"""A law: the problem it sees in an example, as a sentence, or ``None``."""


class LawBroken(RedcityError, AssertionError):
    """A law does not hold; the message is its minimal counterexample.

    Attributes:
        law: The law's name (``"caps respected"``).
        message: The smallest counterexample found, in the domain's words.

    >>> str(LawBroken("caps respected", "member m1 earned 25 points on 2026-03-02."))
    'caps respected: member m1 earned 25 points on 2026-03-02.'
    """

    def __init__(self, law: str, message: str) -> None:
        super().__init__(f"{law}: {message}")
        self.law = law
        self.message = message


@attrs.frozen
class LawResult:
    """How one law fared.

    Attributes:
        law: The law's name.
        holds: ``True`` when no counterexample was found, ``False`` when one
            was, ``None`` when the law does not apply to the input.
        message: The counterexample (broken) or why the law does not apply.
    """

    law: str
    holds: bool | None
    message: str = ""

    def __str__(self) -> str:
        if self.holds is None:
            return f"  n/a     {self.law} ({self.message})"
        if self.holds:
            return f"  holds   {self.law}"
        return f"  BROKEN  {self.law}: {self.message}"


@attrs.frozen
class LawReport:
    """The laws checked against one rulebook, card policy or dispatch policy.

    Attributes:
        subject: What was checked, in a few words.
        results: One :class:`LawResult` per law, in the order checked.
        notes: How the input was read (e.g. a rulebook's dates widened).

    >>> report = LawReport("rulebook x", (LawResult("caps respected", True),))
    >>> report.ok, report.broken
    (True, ())
    >>> print(report)
    rulebook x: 1 law holds, 0 broken
      holds   caps respected
    """

    subject: str
    results: tuple[LawResult, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no law is broken."""
        return not self.broken

    @property
    def broken(self) -> tuple[LawBroken, ...]:
        """The broken laws, each with its minimal counterexample."""
        return tuple(
            LawBroken(r.law, r.message) for r in self.results if r.holds is False
        )

    def raise_if_broken(self) -> None:
        """Raise :class:`LawBroken` for the first broken law, naming the others.

        >>> LawReport("x", (LawResult("a", False, "m1 lost."),)).raise_if_broken()
        Traceback (most recent call last):
        ...
        redcity.testing._laws_core.LawBroken: a: m1 lost.
        """
        broken = self.broken
        if not broken:
            return
        first = broken[0]
        message = first.message
        if len(broken) > 1:
            others = ", ".join(b.law for b in broken[1:])
            message = f"{message} (also broken: {others}; see the report)"
        raise LawBroken(first.law, message)

    def __str__(self) -> str:
        holding = sum(1 for r in self.results if r.holds)
        broken = len(self.broken)
        na = sum(1 for r in self.results if r.holds is None)
        head = (
            f"{self.subject}: {holding} law{'s' if holding != 1 else ''} "
            f"hold{'s' if holding == 1 else ''}, {broken} broken"
        )
        if na:
            head += f", {na} not applicable"
        lines = [head, *(str(r) for r in self.results)]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def law_settings(
    base: settings | None, max_examples: int | None, derandomize: bool | None
) -> settings:
    """The settings a law runs with: ``base`` (the loaded profile by default)
    with the overrides given, no example database and no deadline."""
    parent = base if base is not None else settings.default
    assert parent is not None
    overrides: dict[str, Any] = {
        "database": None,
        "deadline": None,
        # the explain phase costs seconds and the message already explains
        "phases": [p for p in parent.phases if p is not Phase.explain],
        "suppress_health_check": [
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    }
    if max_examples is not None:
        overrides["max_examples"] = max_examples
    if derandomize is not None:
        overrides["derandomize"] = derandomize
    return settings(parent, **overrides)


def _guarded(law: Law[T]) -> Law[T]:
    def checked(example: T) -> str | None:
        try:
            return law(example)
        except Exception as exc:  # the input under test raised: a broken law too
            return f"raised {type(exc).__name__}: {exc}"

    return checked


def run_law(
    name: str, strategy: st.SearchStrategy[T], law: Law[T], how: settings
) -> LawResult:
    """Search for an example breaking ``law``; shrink it; say it in words."""
    checked = _guarded(law)
    try:
        example = find(strategy, lambda ex: checked(ex) is not None, settings=how)
    except NoSuchExample:
        return LawResult(name, True)
    return LawResult(name, False, checked(example) or "broken")
