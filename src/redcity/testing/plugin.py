"""A pytest plugin: the ``redcity_laws`` fixture runs redcity's law suites.

Opt in from a district's ``conftest.py``::

    pytest_plugins = ["redcity.testing.plugin"]

or on the command line, ``pytest -p redcity.testing.plugin``.  Then::

    def test_our_rulebook(redcity_laws):
        redcity_laws.rulebook(RuleBook.load("ours.toml"))

Each method runs one check of :mod:`redcity.testing.laws` with the loaded
Hypothesis profile (so ``ci``/``dev`` profiles apply) and fails the test
with the minimal counterexample when a law is broken; it returns the
:class:`~redcity.testing.laws.LawReport` otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from redcity.testing.laws import (
    LawReport,
    check_card_policy,
    check_escalation,
    check_rulebook,
    check_sla,
)

__all__ = ["Laws", "redcity_laws"]


class Laws:
    """The law suites as methods that fail the calling test when a law breaks.

    Keyword arguments pass through to the ``check_*`` functions.

    >>> from redcity.dispatch import SlaTable
    >>> Laws().sla(SlaTable.default(), max_examples=5).ok
    True
    """

    def _done(self, report: LawReport) -> LawReport:
        broken = report.broken
        if broken:
            __tracebackhide__ = True
            pytest.fail(str(report), pytrace=False)
        return report

    def rulebook(self, book: Any, **options: Any) -> LawReport:
        """:func:`~redcity.testing.laws.check_rulebook`; fails on a broken law."""
        return self._done(check_rulebook(book, **options))

    def card_policy(self, policy: Any, **options: Any) -> LawReport:
        """:func:`~redcity.testing.laws.check_card_policy`; fails on a broken law."""
        return self._done(check_card_policy(policy, **options))

    def escalation(self, policy: Any, tree: Any = None, **options: Any) -> LawReport:
        """:func:`~redcity.testing.laws.check_escalation`; fails on a broken law."""
        return self._done(check_escalation(policy, tree, **options))

    def sla(self, table: Any, calendar: Any = None, **options: Any) -> LawReport:
        """:func:`~redcity.testing.laws.check_sla`; fails on a broken law."""
        return self._done(check_sla(table, calendar, **options))


@pytest.fixture
def redcity_laws() -> Laws:
    """redcity's law suites: ``redcity_laws.rulebook(book)`` and friends."""
    return Laws()
