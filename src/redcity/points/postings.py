"""Postings: what a fact earned under a rule, and why.

:func:`~redcity.points.score` turns facts into postings; the points bank
(:class:`~redcity.points.Ledger`) books them as balanced transactions.  A
posting carries its provenance (the fact and the rule) and an explanation
in Chinese and English that a resident or member can read (晒单).

>>> from datetime import datetime, timezone
>>> p = Posting(fact_id="f1", rule_id="service-hours", member_id="m1",
...             node_id="g1", issuer_id="org-1",
...             at=datetime(2026, 3, 5, tzinfo=timezone.utc), points=25,
...             explanation_zh="志愿服务2.5小时，每小时10分，得25分。",
...             explanation_en="2.5 h of service at 10 points an hour: 25 points.")
>>> p.points, p.is_earning
(25, True)
"""

from __future__ import annotations

from datetime import datetime

import attrs

from redcity._validators import aware, non_empty_text

__all__ = ["Posting"]


@attrs.frozen(kw_only=True)
class Posting:
    """Points one fact earned (or lost) under one rule.

    Attributes:
        fact_id: The fact that earned them.
        rule_id: The rule that awarded them.
        member_id: Whose points they are.
        node_id: Where the fact happened (for rollups over the grid).
        issuer_id: The organisation that grants (or takes) the points: the
            organiser of a service or meeting, else the rulebook's issuer.
        at: When the fact happened.
        points: Points, > 0 earned, < 0 deducted; never 0.
        explanation_zh: Why, in Chinese.
        explanation_en: Why, in English.
    """

    fact_id: str = attrs.field(validator=non_empty_text)
    rule_id: str = attrs.field(validator=non_empty_text)
    member_id: str = attrs.field(validator=non_empty_text)
    node_id: str = attrs.field(validator=non_empty_text)
    issuer_id: str = attrs.field(validator=non_empty_text)
    at: datetime = attrs.field(validator=aware)
    points: int
    explanation_zh: str
    explanation_en: str

    def __attrs_post_init__(self) -> None:
        if type(self.points) is not int or self.points == 0:
            msg = f"Expected points to be a whole number, not 0, got {self.points!r}."
            raise ValueError(msg)

    @property
    def is_earning(self) -> bool:
        """True when the posting adds points."""
        return self.points > 0
