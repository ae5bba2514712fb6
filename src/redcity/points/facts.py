"""Facts: the immutable records that points are computed from.

Every fact has an ``id`` (unique within a district's journal), an aware
timestamp ``at`` (when it happened), the ``member_id`` it concerns and the
grid ``node_id`` where it happened.  Nothing ever changes a fact: a mistake
is corrected by a :class:`Reversal` naming the fact it undoes.

+-----------------------+-------------------------------------------------+
| fact                  | what happened                                   |
+=======================+=================================================+
| :class:`ServiceRecord`| volunteer service, certified by its organiser   |
| :class:`MicroWish`    | a resident's micro-wish fulfilled (微心愿)       |
| :class:`Rating`       | a resident rated the member's work (评单, 1–5)  |
| :class:`Attendance`   | organisational life attended (三会一课, 主题党日) |
| :class:`Registration` | the member registered with a community (双报到)  |
| :class:`Deduction`    | points taken off, with a reason                 |
| :class:`Redemption`   | points spent at a merchant (积分超市)            |
| :class:`Reversal`     | an earlier fact undone                          |
+-----------------------+-------------------------------------------------+

References:
    《志愿服务记录与证明出具办法（试行）》(民政部令第67号, 2020): service
    hours count actual service time only, excluding travel, and the
    organising body records and certifies them (谁组织谁记录、谁记录谁证明).

>>> from datetime import datetime, timezone, timedelta
>>> from redcity.points import ServiceRecord
>>> cst = timezone(timedelta(hours=8))
>>> s = ServiceRecord(
...     id="f1", at=datetime(2026, 3, 5, 9, 0, tzinfo=cst), member_id="m1",
...     node_id="520304001001001", end=datetime(2026, 3, 5, 11, 30, tzinfo=cst),
...     category="助老", organizer_id="org-nanbai")
>>> s.hours, s.kind.value
(Fraction(5, 2), 'service')
"""

from __future__ import annotations

import enum
from datetime import datetime
from fractions import Fraction
from typing import Any, ClassVar, TypeAlias

import attrs

from redcity._validators import aware, non_empty_text, positive_int

__all__ = [
    "ATTENDANCE_KINDS",
    "FACT_TYPES",
    "Attendance",
    "Deduction",
    "Fact",
    "FactKind",
    "MicroWish",
    "Rating",
    "Redemption",
    "Registration",
    "Reversal",
    "ServiceRecord",
]


class FactKind(enum.Enum):
    """The kind of a fact, as rules name it (``kind = "service"``)."""

    SERVICE = "service"
    MICRO_WISH = "micro_wish"
    RATING = "rating"
    ATTENDANCE = "attendance"
    REGISTRATION = "registration"
    DEDUCTION = "deduction"
    REDEMPTION = "redemption"
    REVERSAL = "reversal"

    @property
    def zh(self) -> str:
        """The Chinese name: 志愿服务, 微心愿, 评单 …"""
        return _KIND_ZH[self]


_KIND_ZH = {
    FactKind.SERVICE: "志愿服务",
    FactKind.MICRO_WISH: "微心愿",
    FactKind.RATING: "评单",
    FactKind.ATTENDANCE: "组织生活",
    FactKind.REGISTRATION: "双报到",
    FactKind.DEDUCTION: "扣分",
    FactKind.REDEMPTION: "兑换",
    FactKind.REVERSAL: "冲正",
}

ATTENDANCE_KINDS = ("支部党员大会", "支部委员会", "党小组会", "党课", "主题党日")
"""三会一课 and 主题党日: the organisational life an :class:`Attendance` records.

References:
    《中国共产党支部工作条例（试行）》(2018) art. 17: 三会一课 and 主题党日.
"""


@attrs.frozen(kw_only=True)
class _FactBase:
    """The fields every fact has."""

    kind: ClassVar[FactKind]
    id: str = attrs.field(validator=non_empty_text)
    at: datetime = attrs.field(validator=aware)
    member_id: str = attrs.field(validator=non_empty_text)
    node_id: str = attrs.field(validator=non_empty_text)


@attrs.frozen(kw_only=True)
class ServiceRecord(_FactBase):
    """Volunteer service: ``at`` is when service began, ``end`` when it ended.

    Attributes:
        end: When service ended; ``end - at`` is the actual service time,
            travel excluded.
        category: The activity's category (e.g. 助老, 环境整治, 文明劝导).
        organizer_id: The organising body that records and certifies the
            hours (谁组织谁记录、谁记录谁证明).

    References:
        民政部令第67号 (2020) arts. 6–8: actual service time, recorded and
        certified by the organiser.
    """

    kind: ClassVar[FactKind] = FactKind.SERVICE
    end: datetime = attrs.field(validator=aware)
    category: str = attrs.field(validator=non_empty_text)
    organizer_id: str = attrs.field(validator=non_empty_text)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.at:
            msg = (
                f"Service {self.id!r} ends at {self.end} before it starts at {self.at}."
            )
            raise ValueError(msg)

    @property
    def hours(self) -> Fraction:
        """Hours of actual service, exactly (``end - at``)."""
        delta = self.end - self.at
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return Fraction(micros, 3_600_000_000)


@attrs.frozen(kw_only=True)
class MicroWish(_FactBase):
    """A resident's micro-wish (微心愿) the member fulfilled.

    Attributes:
        wish_id: The wish's id (a ticket id when dispatch issued it).
        description: What was wished for.
    """

    kind: ClassVar[FactKind] = FactKind.MICRO_WISH
    wish_id: str = attrs.field(validator=non_empty_text)
    description: str = ""


def _stars(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if type(value) is not int or not 1 <= value <= 5:
        msg = f"Expected a rating from 1 to 5, got {value!r}."
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class Rating(_FactBase):
    """A resident's rating of the member's work (群众评单), 1 (worst) to 5.

    Attributes:
        score: 1 to 5.
        ticket_id: The request that was rated, when there is one.
    """

    kind: ClassVar[FactKind] = FactKind.RATING
    score: int = attrs.field(validator=_stars)
    ticket_id: str | None = None


@attrs.frozen(kw_only=True)
class Attendance(_FactBase):
    """Attendance at organisational life: 三会一课 or 主题党日.

    Attributes:
        meeting: One of :data:`ATTENDANCE_KINDS`.
        organizer_id: The party organisation that held it.
    """

    kind: ClassVar[FactKind] = FactKind.ATTENDANCE
    meeting: str = attrs.field(validator=attrs.validators.in_(ATTENDANCE_KINDS))
    organizer_id: str = attrs.field(validator=non_empty_text)


@attrs.frozen(kw_only=True)
class Registration(_FactBase):
    """An in-service member registered with their home community (双报到).

    ``node_id`` is the community registered with.

    Attributes:
        employer_id: The member's employer unit (its party organisation
            receives the member's record: 双考双评).
    """

    kind: ClassVar[FactKind] = FactKind.REGISTRATION
    employer_id: str = attrs.field(validator=non_empty_text)


@attrs.frozen(kw_only=True)
class Deduction(_FactBase):
    """Points taken off the member, with the reason.

    Attributes:
        points: How many points, > 0.
        reason: Why, a full sentence residents can read.
    """

    kind: ClassVar[FactKind] = FactKind.DEDUCTION
    points: int = attrs.field(validator=positive_int)
    reason: str = attrs.field(validator=non_empty_text)


@attrs.frozen(kw_only=True)
class Redemption(_FactBase):
    """Points spent at a merchant of the points bank (积分超市).

    Attributes:
        points: How many points, > 0.
        merchant_id: The merchant.
        item: What was bought.
    """

    kind: ClassVar[FactKind] = FactKind.REDEMPTION
    points: int = attrs.field(validator=positive_int)
    merchant_id: str = attrs.field(validator=non_empty_text)
    item: str = ""


@attrs.frozen(kw_only=True)
class Reversal(_FactBase):
    """Undoes an earlier fact, and everything it earned, as if it never was.

    Attributes:
        reverses: The id of the fact undone.
        reason: Why.
    """

    kind: ClassVar[FactKind] = FactKind.REVERSAL
    reverses: str = attrs.field(validator=non_empty_text)
    reason: str = attrs.field(validator=non_empty_text)


Fact: TypeAlias = (
    ServiceRecord
    | MicroWish
    | Rating
    | Attendance
    | Registration
    | Deduction
    | Redemption
    | Reversal
)
"""Any fact; the ``kind`` class attribute tells which."""

FACT_TYPES: dict[FactKind, type[Fact]] = {
    cls.kind: cls
    for cls in (
        ServiceRecord,
        MicroWish,
        Rating,
        Attendance,
        Registration,
        Deduction,
        Redemption,
        Reversal,
    )
}
