"""Points: facts, rulebooks, scoring, the points bank, stars and assessment.

>>> from redcity.points import FactKind
>>> FactKind.SERVICE.zh
'志愿服务'
"""

from redcity.points.facts import (
    ATTENDANCE_KINDS,
    Attendance,
    Deduction,
    Fact,
    FactKind,
    MicroWish,
    Rating,
    Redemption,
    Registration,
    Reversal,
    ServiceRecord,
)
from redcity.points.postings import Posting

__all__ = [
    "ATTENDANCE_KINDS",
    "Attendance",
    "Deduction",
    "Fact",
    "FactKind",
    "MicroWish",
    "Posting",
    "Rating",
    "Redemption",
    "Registration",
    "Reversal",
    "ServiceRecord",
]
