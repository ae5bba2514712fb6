"""Ready-made property suites a district runs against its own rules.

Each check is one call that searches with Hypothesis for an input breaking
a law, shrinks it, and reports it in the domain's words: which member,
which facts (ids, kinds, times, hours), which rule or cap, expected against
got.  A :class:`LawReport` lists every law; :meth:`LawReport.raise_if_broken`
raises :class:`LawBroken` with the minimal counterexample.

=======================  ===================================================
:func:`check_rulebook`   order independence, duplicated facts, caps, more
                         hours never fewer points
:func:`check_card_policy`  better metrics never a worse card; 绿黄红牌
                         hysteresis (demotion at once, promotion one colour
                         at a time after ``promote_after`` periods)
:func:`check_escalation`  one level at a time, within the severity's bound
                         unless whistled (小事不出网格、大事不出社区)
:func:`check_sla`        deadlines on working days, within working hours,
                         after the start, monotone in the start
=======================  ===================================================

Every check takes ``max_examples``, ``derandomize`` and ``settings``
(defaults: the loaded Hypothesis profile), and writes no example database.
From pytest, use the fixture of :mod:`redcity.testing.plugin`.

>>> from redcity.points.examples import example_rulebook
>>> from redcity.testing.laws import check_rulebook
>>> print(check_rulebook(example_rulebook("kunshan"), max_examples=10,
...                      derandomize=True))
rulebook kunshan-volunteer 2025.1: 4 laws hold, 0 broken
  holds   order independence
  holds   idempotence under duplicated facts
  holds   caps respected
  holds   monotonicity: more certified hours never earn fewer points
"""

from __future__ import annotations

from redcity.testing._laws_cards import CardEvaluator, check_card_policy
from redcity.testing._laws_core import LawBroken, LawReport, LawResult
from redcity.testing._laws_dispatch import DeadlineTable, check_escalation, check_sla
from redcity.testing._laws_points import Scorer, check_rulebook, describe_fact

__all__ = [
    "CardEvaluator",
    "DeadlineTable",
    "LawBroken",
    "LawReport",
    "LawResult",
    "Scorer",
    "check_card_policy",
    "check_escalation",
    "check_rulebook",
    "check_sla",
    "describe_fact",
]
