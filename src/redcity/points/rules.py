"""Rulebooks: what earns points, written as data a district can publish.

A :class:`RuleBook` is a versioned, dated list of :class:`Rule` records and
:class:`Cap` records.  A rule matches one kind of fact (``kind``), narrows it
with :class:`Condition` records on the fact's fields (all must hold), and
awards points in one of four ways:

+-------------------+------------------------------------------------------+
| award             | points                                               |
+===================+======================================================+
| :class:`Fixed`    | a fixed number, per fact (negative: a deduction)     |
| :class:`PerHour`  | hours × rate × category coefficient (service only)   |
| :class:`PerRating`| a number per star of a resident's rating (评单)       |
| :class:`Deduct`   | minus the points a :class:`Deduction` names          |
+-------------------+------------------------------------------------------+

How rules combine (the rulebook's semantics, in order):

1. **Effective period.**  Only facts whose local date (in ``tz``,
   ``Asia/Shanghai`` by default) lies in ``[effective_from,
   effective_until)`` earn anything; ``effective_until`` is exclusive and
   may be omitted (open-ended).
2. **Groups and precedence.**  Every matching rule applies, except that
   rules sharing a ``group`` are exclusive: of the rules of one group that
   match a fact, only the one with the highest ``precedence`` awards
   points.  A rule without a group is a group of its own.  Two rules of one
   group, kind and precedence that could both match one fact are a
   validation problem, so the winner is never left to chance.
3. **Per-fact caps** live in the award: :attr:`PerHour.max_hours` ("at most
   2 hours counted per activity"), :attr:`Deduct.max_points`.
4. **Rounding.**  Points are whole numbers.  A fractional amount (only
   :class:`PerHour` makes them) is rounded per fact by the rulebook's
   ``rounding``; the default is :attr:`Rounding.HALF_UP` (四舍五入), the
   common practice of Chinese points schemes.
5. **Per-member caps** (:class:`Cap`) bound the running sum of a member's
   postings from the capped rules within each day, ISO week (Monday
   first), month, quarter or year, read in ``tz``.  ``max_points`` clips
   what a posting adds ("at most 40 points a day"), ``min_points`` clips
   what a deduction takes ("deductions floored at 0", 扣完为止).  A posting
   clipped to nothing is not made.

The example rulebooks in ``redcity/points/rulebooks/`` show the three common
shapes: 1 h = 10 points (昆山), 1 h = 1 point with at most 2 h per activity
(海林), and a party members' annual scheme (base 60, additions uncapped,
deductions floored at 0, reset each calendar year).

References:
    DB3205/T 1001—2020《志愿者志愿服务分类和积分管理指南》(苏州市市场监督
    管理局, 2020): service points are computed from the service category's
    coefficient and the unit-time points of the service hours (§5.2, §6);
    :class:`PerHour` follows that structure.
    《志愿服务记录与证明出具办法（试行）》(民政部令第67号, 2020): hours are
    actual service time, recorded and certified by the organiser.

>>> from datetime import date
>>> from redcity.points import Cap, Condition, PerHour, Rule, RuleBook
>>> book = RuleBook(
...     id="demo", version="1", issuer_id="org-1",
...     effective_from=date(2026, 1, 1),
...     rules=[Rule(id="service", kind="service", award=PerHour(rate=10),
...                 when=[Condition("hours", ">=", "0.5")])],
...     caps=[Cap(id="daily", per="day", max_points=40)])
>>> RuleBook.from_toml(book.to_toml()) == book
True
"""

from __future__ import annotations

import enum
import json
import math
import re
import tomllib
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from redcity._names import parse_member
from redcity._validators import optional_string, string
from redcity.errors import Problem, ValidationError
from redcity.points.facts import ATTENDANCE_KINDS, FactKind
from redcity.serialize import register

if TYPE_CHECKING:
    from redcity.grid import GridTree

__all__ = [
    "DAY_KINDS",
    "FIELDS",
    "Award",
    "Cap",
    "CapPeriod",
    "Condition",
    "Deduct",
    "Fixed",
    "Op",
    "PerHour",
    "PerRating",
    "Rounding",
    "Rule",
    "RuleBook",
    "RuleBookError",
]

DEFAULT_TZ: Final = "Asia/Shanghai"


class RuleBookError(ValidationError):
    """A rulebook is invalid; ``.problems`` lists every problem found.

    Each :class:`~redcity.errors.Problem` names the rule (or cap, or the
    rulebook's own id) and the field at fault, e.g. ``service.award.rate``.

    >>> from redcity.errors import Problem
    >>> err = RuleBookError([Problem("r1", "award.rate", "the rate is negative.")])
    >>> isinstance(err, ValueError), err.problems[0].field
    (True, 'award.rate')
    """


# --------------------------------------------------------------------------
# Small enums
# --------------------------------------------------------------------------


class Op(enum.Enum):
    """A condition's operator.

    ``in``/``not_in`` test membership in a set of values (text fields,
    ``weekday``, ``day``); ``>=``, ``>``, ``<=``, ``<`` compare numbers
    (``hours``, ``score``, ``points``); ``within``/``not_within`` test
    whether the fact's grid node lies in the subtree of any listed node.

    >>> Op.parse("≥") is Op.GE, Op.parse("not in") is Op.NOT_IN
    (True, True)
    """

    IN = "in"
    NOT_IN = "not_in"
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    WITHIN = "within"
    NOT_WITHIN = "not_within"

    @classmethod
    def parse(cls, value: Op | str) -> Op:
        """An operator from an Op or its text (``">="``, ``"≥"``, ``"in"`` …).

        Raises:
            ValueError: the text names no operator.

        >>> Op.parse("<=")
        <Op.LE: '<='>
        """
        return parse_member(cls, value, what="an operator", names=_op_names)


_OP_ALIASES: Final = {
    Op.IN: ("in",),
    Op.NOT_IN: ("not in", "not-in"),
    Op.GE: ("≥", "at_least"),
    Op.GT: ("above",),
    Op.LE: ("≤", "at_most"),
    Op.LT: ("below",),
    Op.WITHIN: ("in_subtree",),
    Op.NOT_WITHIN: ("not within",),
}


def _op_names(op: Op) -> tuple[str, ...]:
    return (op.value, *(a for a in _OP_ALIASES[op] if a != op.value), op.name)


class Rounding(enum.Enum):
    """How a fractional amount of points becomes a whole number.

    The default of every rulebook is :attr:`HALF_UP` (四舍五入): 12.5 → 13.

    >>> Rounding.parse("四舍五入") is Rounding.HALF_UP
    True
    >>> Rounding.DOWN.zh, Rounding.DOWN.en
    ('去尾', 'rounded down')
    """

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    DOWN = "down"
    UP = "up"

    @property
    def zh(self) -> str:
        """The Chinese name: 四舍五入, 四舍六入五成双, 去尾, 进一."""
        return _ROUNDING_TEXT[self][0]

    @property
    def en(self) -> str:
        """The English phrase used in explanations (``"rounded half up"``)."""
        return _ROUNDING_TEXT[self][1]

    @classmethod
    def parse(cls, value: Rounding | str) -> Rounding:
        """A mode from a Rounding or its English or Chinese name.

        Raises:
            ValueError: the text names no mode.

        >>> Rounding.parse("down")
        <Rounding.DOWN: 'down'>
        """
        return parse_member(cls, value, what="a rounding mode", names=_rounding_names)

    def apply(self, numerator: int, denominator: int) -> int:
        """The whole number ``numerator / denominator`` rounds to.

        Negative amounts round symmetrically (half up means half away from
        zero); the engine only rounds non-negative amounts.

        >>> [Rounding.HALF_UP.apply(5, 2), Rounding.HALF_EVEN.apply(5, 2),
        ...  Rounding.DOWN.apply(7, 2), Rounding.UP.apply(7, 2)]
        [3, 2, 3, 4]
        """
        if denominator < 0:
            numerator, denominator = -numerator, -denominator
        if numerator < 0:  # symmetric about zero
            return -self.apply(-numerator, denominator)
        q, r = divmod(numerator, denominator)
        if self is Rounding.DOWN or r == 0:
            return q
        if self is Rounding.UP:
            return q + 1
        twice = 2 * r
        if twice > denominator or (
            twice == denominator and (self is Rounding.HALF_UP or q % 2 == 1)
        ):
            return q + 1
        return q


_ROUNDING_TEXT: Final = {
    Rounding.HALF_UP: ("四舍五入", "rounded half up"),
    Rounding.HALF_EVEN: ("四舍六入五成双", "rounded half to even"),
    Rounding.DOWN: ("去尾", "rounded down"),
    Rounding.UP: ("进一", "rounded up"),
}


def _rounding_names(mode: Rounding) -> tuple[str, ...]:
    return (_ROUNDING_TEXT[mode][0], mode.value, mode.name)


class CapPeriod(enum.Enum):
    """The period a :class:`Cap` counts over, read in the rulebook's zone.

    Weeks are ISO weeks (Monday to Sunday); months, quarters and years are
    calendar ones, as :func:`redcity.calendars.period_of` reads them.

    >>> CapPeriod.parse("每日") is CapPeriod.DAY, CapPeriod.WEEK.zh
    (True, '每周')
    """

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def zh(self) -> str:
        """每日, 每周, 每月, 每季度, 每年."""
        return _PERIOD_TEXT[self][0]

    @property
    def en(self) -> str:
        """daily, weekly, monthly, quarterly, yearly."""
        return _PERIOD_TEXT[self][2]

    @classmethod
    def parse(cls, value: CapPeriod | str) -> CapPeriod:
        """A period from a CapPeriod or its name (``"day"``, ``"日"``, ``"每日"``).

        Raises:
            ValueError: the text names no period.

        >>> CapPeriod.parse("quarter")
        <CapPeriod.QUARTER: 'quarter'>
        """
        return parse_member(cls, value, what="a cap period", names=_period_names)


_PERIOD_TEXT: Final = {
    CapPeriod.DAY: ("每日", "日", "daily"),
    CapPeriod.WEEK: ("每周", "周", "weekly"),
    CapPeriod.MONTH: ("每月", "月", "monthly"),
    CapPeriod.QUARTER: ("每季度", "季度", "quarterly"),
    CapPeriod.YEAR: ("每年", "年", "yearly"),
}


def _period_names(period: CapPeriod) -> tuple[str, ...]:
    zh, short, en = _PERIOD_TEXT[period]
    return (period.value, zh, short, en)


def _kind_names(kind: FactKind) -> tuple[str, ...]:
    return (kind.value, kind.zh, kind.name)


def _parse_kind(value: FactKind | str) -> FactKind:
    """A fact kind from a FactKind or its name (``"service"``, ``"志愿服务"``)."""
    return parse_member(FactKind, value, what="a fact kind", names=_kind_names)


# --------------------------------------------------------------------------
# Fields a condition may test
# --------------------------------------------------------------------------

_TEXT, _NUMBER, _NODE, _ENUM = "text", "number", "node", "enum"
_OPS_BY_TYPE: Final = {
    _TEXT: (Op.IN, Op.NOT_IN),
    _ENUM: (Op.IN, Op.NOT_IN),
    _NUMBER: (Op.GE, Op.GT, Op.LE, Op.LT),
    _NODE: (Op.WITHIN, Op.NOT_WITHIN),
}
_SET_OPS: Final = frozenset({Op.IN, Op.NOT_IN})
_NUMBER_OPS: Final = frozenset({Op.GE, Op.GT, Op.LE, Op.LT})
_NODE_OPS: Final = frozenset({Op.WITHIN, Op.NOT_WITHIN})


@attrs.frozen
class _Field:
    """What a condition on a field may say, and the values the field takes."""

    name: str
    type: str
    attr: str | None = None  # the fact attribute, None for derived fields
    domain: frozenset[str | int] | None = None  # finite value sets
    integer: bool = False  # numbers: whole numbers only
    low: int | None = None  # numbers: the least value (inclusive) …
    low_open: bool = False  # … or exclusive
    high: int | None = None  # numbers: the greatest value (inclusive)


DAY_KINDS: Final = ("working", "weekend", "holiday")
"""What a ``day`` condition tells apart, on the working calendar.

``working``: a working day, make-up working weekends (调休上班) included;
``holiday``: a day off of a statutory holiday or its break (the State
Council's notice: 春节, 国庆 …), or a day the calendar's overrides declare a
holiday; ``weekend``: any other day off.  ``rest`` is short for weekend and
holiday together.

>>> Condition("day", "in", ["rest"]).value == frozenset({"weekend", "holiday"})
True
"""
_DAY_ALIASES: Final = {"rest": ("weekend", "holiday")}

_COMMON: Final = (
    _Field("member_id", _TEXT, "member_id"),
    _Field("node", _NODE, "node_id"),
    _Field("weekday", _ENUM, domain=frozenset(range(1, 8))),
    _Field("day", _ENUM, domain=frozenset(DAY_KINDS)),
)
_FIELD_SPECS: Final[dict[FactKind, dict[str, _Field]]] = {
    kind: {f.name: f for f in (*_COMMON, *extra)}
    for kind, extra in (
        (
            FactKind.SERVICE,
            (
                _Field("category", _TEXT, "category"),
                _Field("organizer_id", _TEXT, "organizer_id"),
                _Field("hours", _NUMBER, low=0, low_open=True),
            ),
        ),
        (FactKind.MICRO_WISH, ()),
        (
            FactKind.RATING,
            (_Field("score", _NUMBER, "score", integer=True, low=1, high=5),),
        ),
        (
            FactKind.ATTENDANCE,
            (
                _Field("meeting", _ENUM, "meeting", domain=frozenset(ATTENDANCE_KINDS)),
                _Field("organizer_id", _TEXT, "organizer_id"),
            ),
        ),
        (FactKind.REGISTRATION, (_Field("employer_id", _TEXT, "employer_id"),)),
        (
            FactKind.DEDUCTION,
            (_Field("points", _NUMBER, "points", integer=True, low=1),),
        ),
    )
}

FIELDS: Final[Mapping[FactKind, tuple[str, ...]]] = {
    kind: tuple(sorted(specs)) for kind, specs in _FIELD_SPECS.items()
}
"""The fields a condition may test, per scoreable fact kind.

Every kind has ``member_id``, ``node`` (the grid node; ``within`` tests
subtrees), ``weekday`` (ISO, 1 = Monday … 7 = Sunday, in the rulebook's
zone) and ``day`` (``"working"``, ``"weekend"`` or ``"holiday"`` — see
:data:`DAY_KINDS` — on the :class:`~redcity.calendars.WorkCalendar`, 调休
included; ``"rest"`` is weekend and holiday).  Redemptions and reversals are
not scored, so they have none.

>>> FIELDS[FactKind.SERVICE]
('category', 'day', 'hours', 'member_id', 'node', 'organizer_id', 'weekday')
"""

_UNSCORED: Final = {
    FactKind.REDEMPTION: (
        "redemptions are not scored: spending points is the points bank's "
        "business (Ledger.redeem), not a rule's"
    ),
    FactKind.REVERSAL: (
        "reversals are not scored: a reversal undoes the fact it names, as if "
        "that fact never existed"
    ),
}


# --------------------------------------------------------------------------
# Value conversion
# --------------------------------------------------------------------------


def _to_decimal(value: object) -> Decimal:
    """A finite Decimal from an int, Decimal, numeric string or float."""
    if isinstance(value, bool):
        msg = f"Expected a number, got {value!r}."
        raise TypeError(msg)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            msg = f"Expected a finite number, got {value!r}."
            raise ValueError(msg)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            msg = f"Expected a number such as 10 or '1.5', got {value!r}."
            raise ValueError(msg) from None
    else:
        msg = f"Expected a number such as 10 or '1.5', got {value!r}."
        raise TypeError(msg)
    if not result.is_finite():
        msg = f"Expected a finite number, got {value!r}."
        raise ValueError(msg)
    return result


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else _to_decimal(value)


def _to_int(value: object, what: str = "a whole number") -> int:
    if type(value) is int:
        return value
    if (
        isinstance(value, Decimal)
        and value.is_finite()
        and value == value.to_integral()
    ):
        return int(value)
    msg = f"Expected {what}, got {value!r}."
    raise TypeError(msg)


def _optional_int(value: object) -> int | None:
    return None if value is None else _to_int(value)


def _strings(value: object, what: str) -> frozenset[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Iterable) or isinstance(items, Mapping):
        msg = f"Expected {what} as a list of strings, got {value!r}."
        raise TypeError(msg)
    out = frozenset(items)
    for item in out:
        if not isinstance(item, str):
            msg = f"Expected {what} as a list of strings, got the item {item!r}."
            raise TypeError(msg)
    return out


ConditionValue: TypeAlias = Decimal | frozenset[str] | frozenset[int]


def _condition_value(value: object, self: Any) -> ConditionValue:
    op = self.op
    if op in _NUMBER_OPS:
        return _to_decimal(value)
    if op in _NODE_OPS:
        return _strings(value, "node ids")
    items = [value] if isinstance(value, str | int) else value
    if not isinstance(items, Iterable) or isinstance(items, Mapping):
        msg = f"Expected a list of values for {op.value!r}, got {value!r}."
        raise TypeError(msg)
    if self.field == "day":  # "rest" is weekend and holiday together
        items = [x for v in items for x in _DAY_ALIASES.get(v, (v,))]
    members = frozenset(items)
    if all(isinstance(v, str) for v in members):
        return frozenset(v for v in members if isinstance(v, str))
    if all(type(v) is int for v in members):
        return frozenset(v for v in members if isinstance(v, int))
    msg = f"Expected a list of strings or of whole numbers, got {value!r}."
    raise TypeError(msg)


def _parse_op(value: Op | str) -> Op:
    return Op.parse(value)


def _int(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int:
        msg = f"Expected {attribute.name} to be a whole number, got {value!r}."
        raise TypeError(msg)


def _number_text(value: Decimal | Fraction | int) -> str:
    """A number as it is written in rulebooks and explanations: ``10``, ``1.5``."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        value = Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------
# Conditions
# --------------------------------------------------------------------------


@attrs.frozen
class Condition:
    """One test on a fact's field: ``Condition("hours", ">=", 2)``.

    A rule matches a fact when all its conditions hold.  The value is a
    list for ``in``/``not_in`` (a single string or number is a list of
    one) and for ``within``/``not_within`` (node ids), and a number for the
    comparisons.  Which fields each kind has is in :data:`FIELDS`; whether
    the field fits the kind is checked when the rulebook is built.

    Attributes:
        field: The field: ``category``, ``hours``, ``score``, ``node`` …
        op: The operator (an :class:`Op` or its text).
        value: What the field is compared with.

    >>> str(Condition("category", "in", ["助老", "助残"]))
    'category in [助残, 助老]'
    >>> Condition("hours", "≥", "1.5").value
    Decimal('1.5')
    """

    field: str = attrs.field(validator=string)
    op: Op = attrs.field(converter=_parse_op)
    value: ConditionValue = attrs.field(
        converter=attrs.Converter(_condition_value, takes_self=True)  # type: ignore[misc]
    )

    def __str__(self) -> str:
        value = self.value
        if isinstance(value, Decimal):
            shown = _number_text(value)
        else:
            shown = "[" + ", ".join(str(v) for v in sorted(value, key=str)) + "]"
        return f"{self.field} {self.op.value} {shown}"

    def to_dict(self) -> dict[str, Any]:
        """The condition as JSON-ready data.

        >>> Condition("weekday", "in", [7, 6]).to_dict()
        {'field': 'weekday', 'op': 'in', 'value': [6, 7]}
        """
        value = self.value
        shown: Any
        if isinstance(value, Decimal):
            shown = _decimal_data(value)
        else:
            shown = sorted(value, key=lambda v: (isinstance(v, str), v))
        return {"field": self.field, "op": self.op.value, "value": shown}


def _decimal_data(value: Decimal) -> int | str:
    """An int when whole, else the decimal as a string (never a float)."""
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------
# Awards
# --------------------------------------------------------------------------


def _pairs_decimal(value: object) -> tuple[tuple[str, Decimal], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    if not isinstance(items, Iterable) or isinstance(items, str):
        msg = f"Expected a mapping of category to coefficient, got {value!r}."
        raise TypeError(msg)
    out: dict[str, Decimal] = {}
    for pair in items:
        key, number = pair
        if not isinstance(key, str):
            msg = f"Expected category names as strings, got {key!r}."
            raise TypeError(msg)
        out[key] = _to_decimal(number)
    return tuple(sorted(out.items()))


def _pairs_int(value: object) -> tuple[tuple[int, int], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    if not isinstance(items, Iterable) or isinstance(items, str):
        msg = f"Expected a mapping of score to points, got {value!r}."
        raise TypeError(msg)
    out: dict[int, int] = {}
    for pair in items:
        key, number = pair
        if isinstance(key, str) and key.strip().isdigit():
            key = int(key)
        out[_to_int(key, "a score from 1 to 5")] = _to_int(number, "whole points")
    return tuple(sorted(out.items()))


@attrs.frozen
class Fixed:
    """A fixed number of points per matching fact; negative for a deduction.

    Attributes:
        points: Points per fact, not 0.

    >>> Fixed(5).to_dict()
    {'type': 'fixed', 'points': 5}
    """

    points: int = attrs.field(converter=_to_int)

    def to_dict(self) -> dict[str, Any]:
        """The award as JSON-ready data, tagged ``"type": "fixed"``."""
        return {"type": "fixed", "points": self.points}


@attrs.frozen(kw_only=True)
class PerHour:
    """Points per hour of service: hours × rate × category coefficient.

    The hours are the service record's actual service time
    (:attr:`~redcity.points.ServiceRecord.hours`, travel excluded), at most
    ``max_hours`` of them per activity; a category without a coefficient
    counts at ``default_coefficient``.  The product is rounded by the
    rulebook's :class:`Rounding`.

    Attributes:
        rate: Points per hour, ≥ 0 (Decimal; ints and strings converted).
        coefficients: Category → coefficient (e.g. ``{"应急救援": 1.5}``).
        default_coefficient: Coefficient of other categories, 1 by default.
        max_hours: Most hours counted per activity, or ``None``.

    References:
        DB3205/T 1001—2020《志愿者志愿服务分类和积分管理指南》§5.2 积分系数,
        §6.2–6.3: points = unit-time points × service hours × category
        coefficient.  《社区志愿者积分奖励制度（试行）》(海林) 第七条:
        每次志愿活动最长为2小时 — a ``max_hours`` of 2.

    >>> award = PerHour(rate=10, coefficients={"应急救援": "1.5"}, max_hours=2)
    >>> award.coefficient("应急救援"), award.coefficient("助老")
    (Decimal('1.5'), Decimal('1'))
    """

    rate: Decimal = attrs.field(converter=_to_decimal)
    coefficients: tuple[tuple[str, Decimal], ...] = attrs.field(
        default=(), converter=_pairs_decimal
    )
    default_coefficient: Decimal = attrs.field(
        default=Decimal(1), converter=_to_decimal
    )
    max_hours: Decimal | None = attrs.field(default=None, converter=_optional_decimal)

    def coefficient(self, category: str) -> Decimal:
        """The coefficient of a service category.

        >>> PerHour(rate=1).coefficient("助老")
        Decimal('1')
        """
        for name, value in self.coefficients:
            if name == category:
                return value
        return self.default_coefficient

    def to_dict(self) -> dict[str, Any]:
        """The award as JSON-ready data, tagged ``"type": "per_hour"``.

        >>> PerHour(rate="2.5", max_hours=2).to_dict()
        {'type': 'per_hour', 'rate': '2.5', 'max_hours': 2}
        """
        data: dict[str, Any] = {"type": "per_hour", "rate": _decimal_data(self.rate)}
        if self.max_hours is not None:
            data["max_hours"] = _decimal_data(self.max_hours)
        if self.default_coefficient != 1:
            data["default_coefficient"] = _decimal_data(self.default_coefficient)
        if self.coefficients:
            data["coefficients"] = {k: _decimal_data(v) for k, v in self.coefficients}
        return data


@attrs.frozen
class PerRating:
    """Points per star of a resident's rating (评单); scores not listed earn 0.

    Attributes:
        points: Score (1–5) → points; negative points deduct.

    >>> PerRating({5: 3, 4: 1}).points_for(5), PerRating({5: 3}).points_for(2)
    (3, 0)
    """

    points: tuple[tuple[int, int], ...] = attrs.field(converter=_pairs_int)

    def points_for(self, score: int) -> int:
        """The points a rating of ``score`` stars earns."""
        for stars, points in self.points:
            if stars == score:
                return points
        return 0

    def to_dict(self) -> dict[str, Any]:
        """The award as JSON-ready data (scores as string keys, as JSON needs).

        >>> PerRating({5: 3}).to_dict()
        {'type': 'per_rating', 'points': {'5': 3}}
        """
        return {"type": "per_rating", "points": {str(k): v for k, v in self.points}}


@attrs.frozen(kw_only=True)
class Deduct:
    """Take off the points a :class:`~redcity.points.Deduction` names.

    Attributes:
        max_points: Most points one deduction may take, or ``None``.

    >>> Deduct(max_points=10).to_dict()
    {'type': 'deduct', 'max_points': 10}
    """

    max_points: int | None = attrs.field(default=None, converter=_optional_int)

    def to_dict(self) -> dict[str, Any]:
        """The award as JSON-ready data, tagged ``"type": "deduct"``."""
        data: dict[str, Any] = {"type": "deduct"}
        if self.max_points is not None:
            data["max_points"] = self.max_points
        return data


Award: TypeAlias = Fixed | PerHour | PerRating | Deduct
"""Any award; its ``to_dict()`` carries the tag ``type``.

>>> [a.to_dict()["type"] for a in (Fixed(1), PerHour(rate=1), Deduct())]
['fixed', 'per_hour', 'deduct']
"""

_AWARD_TYPES: Final[dict[str, type[Award]]] = {
    "fixed": Fixed,
    "per_hour": PerHour,
    "per_rating": PerRating,
    "deduct": Deduct,
}
_AWARD_KINDS: Final[dict[type[Award], frozenset[FactKind] | None]] = {
    Fixed: None,
    PerHour: frozenset({FactKind.SERVICE}),
    PerRating: frozenset({FactKind.RATING}),
    Deduct: frozenset({FactKind.DEDUCTION}),
}


def _award(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Fixed | PerHour | PerRating | Deduct):
        msg = f"Expected an award (Fixed, PerHour, PerRating, Deduct), got {value!r}."
        raise TypeError(msg)


def _optional_period(value: CapPeriod | str | None) -> CapPeriod | None:
    return None if value is None else CapPeriod.parse(value)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


# --------------------------------------------------------------------------
# Rules and caps
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Rule:
    """Points for one kind of fact, under conditions.

    Attributes:
        id: Unique within the rulebook; postings name it.
        kind: The fact kind (a :class:`~redcity.points.FactKind` or its
            name, ``"service"`` or ``"志愿服务"``).
        award: What a matching fact earns.
        when: Conditions, all of which must hold (none: every fact of the kind).
        group: Rules sharing a group are exclusive: only the matching one
            with the highest ``precedence`` applies.  ``None``: a group of one.
        precedence: Higher wins within a group.
        title: A name for explanations (e.g. 年度基础分); optional.
        title_en: The English name; optional.

    >>> rule = Rule(id="wish", kind="微心愿", award=Fixed(5))
    >>> rule.kind, rule.to_dict()
    (<FactKind.MICRO_WISH: 'micro_wish'>, {'id': 'wish', 'kind': 'micro_wish', 'award': {'type': 'fixed', 'points': 5}})
    """  # noqa: E501

    id: str = attrs.field(validator=string)
    kind: FactKind = attrs.field(converter=_parse_kind)
    award: Award = attrs.field(validator=_award)
    when: tuple[Condition, ...] = attrs.field(default=(), converter=_tuple)
    group: str | None = attrs.field(default=None, validator=optional_string)
    precedence: int = attrs.field(default=0, validator=_int)
    title: str = attrs.field(default="", validator=string)
    title_en: str = attrs.field(default="", validator=string)

    def to_dict(self) -> dict[str, Any]:
        """The rule as JSON-ready data; defaults are left out."""
        data: dict[str, Any] = {"id": self.id, "kind": self.kind.value}
        if self.title:
            data["title"] = self.title
        if self.title_en:
            data["title_en"] = self.title_en
        if self.group is not None:
            data["group"] = self.group
        if self.precedence:
            data["precedence"] = self.precedence
        if self.when:
            data["when"] = [c.to_dict() for c in self.when]
        data["award"] = self.award.to_dict()
        return data


@attrs.frozen(kw_only=True)
class Cap:
    """Bounds on the points a member collects from some rules in each period.

    The running sum of the member's postings from the capped rules within a
    period (day, ISO week, month, quarter or year, in the rulebook's zone)
    stays within ``[min_points, max_points]``: a posting that would pass
    ``max_points`` is cut to what is left, a deduction that would pass
    ``min_points`` is cut likewise (扣完为止), and one cut to nothing is
    dropped.  Facts fill caps in canonical order (by time, then id).

    Attributes:
        id: Unique within the rulebook (rule ids included).
        per: The period; a cap without one is a validation problem.
        max_points: Upper bound, > 0, or ``None``.
        min_points: Lower bound, ≤ 0, or ``None`` ("floored at 0": 0).
        rules: Ids of the rules capped; empty means every rule.
        title: A name for explanations; optional.

    >>> Cap(id="daily", per="日", max_points=40).to_dict()
    {'id': 'daily', 'per': 'day', 'max_points': 40}
    """

    id: str = attrs.field(validator=string)
    per: CapPeriod | None = attrs.field(default=None, converter=_optional_period)
    max_points: int | None = attrs.field(default=None, converter=_optional_int)
    min_points: int | None = attrs.field(default=None, converter=_optional_int)
    rules: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    title: str = attrs.field(default="", validator=string)

    def to_dict(self) -> dict[str, Any]:
        """The cap as JSON-ready data; defaults are left out."""
        data: dict[str, Any] = {"id": self.id}
        if self.title:
            data["title"] = self.title
        if self.per is not None:
            data["per"] = self.per.value
        if self.max_points is not None:
            data["max_points"] = self.max_points
        if self.min_points is not None:
            data["min_points"] = self.min_points
        if self.rules:
            data["rules"] = list(self.rules)
        return data


def _rounding(value: Rounding | str) -> Rounding:
    return Rounding.parse(value)


@attrs.frozen(kw_only=True)
class RuleBook:
    """A district's points rules: versioned, dated, validated as a whole.

    Build one in Python, or load it with :meth:`from_toml`, :meth:`from_json`,
    :meth:`from_dict` or :meth:`load`; write it back with :meth:`to_toml`,
    :meth:`to_json`, :meth:`to_dict`.  Building validates the whole book and
    raises one :class:`RuleBookError` listing every problem (unknown fact
    kind or field, negative rate, cap without a period, overlapping rules
    of equal precedence, conditions that can never match …).

    Attributes:
        id: The rulebook's id (e.g. ``"kunshan-volunteer"``).
        version: Its version; postings come from one version of one book.
        issuer_id: The organisation granting the points when the fact names
            no organiser (services and meetings name theirs).
        effective_from: First local day the book applies to.
        effective_until: First local day it no longer applies to
            (exclusive), or ``None`` for open-ended.
        rules: The rules, in order (postings of one fact follow it).
        caps: Per-member caps per period.
        rounding: How fractional points round; default 四舍五入.
        tz: The zone whose local dates the book reads, ``Asia/Shanghai``.
        title: A human title.

    >>> from datetime import date
    >>> book = RuleBook(id="hl", version="1", issuer_id="hailin",
    ...                 effective_from=date(2026, 1, 1),
    ...                 rules=[Rule(id="h", kind="service",
    ...                             award=PerHour(rate=1, max_hours=2))])
    >>> book.rounding, book.rules[0].award.max_hours
    (<Rounding.HALF_UP: 'half_up'>, Decimal('2'))
    """

    id: str = attrs.field(validator=string)
    version: str = attrs.field(validator=string)
    issuer_id: str = attrs.field(validator=string)
    effective_from: date = attrs.field()
    rules: tuple[Rule, ...] = attrs.field(converter=_tuple)
    caps: tuple[Cap, ...] = attrs.field(default=(), converter=_tuple)
    effective_until: date | None = None
    rounding: Rounding = attrs.field(default=Rounding.HALF_UP, converter=_rounding)
    tz: str = attrs.field(default=DEFAULT_TZ, validator=string)
    title: str = attrs.field(default="", validator=string)

    def __attrs_post_init__(self) -> None:
        problems = _book_problems(self)
        where = self.id.strip() or "rulebook"
        problems += _rules_problems(where, self.rules, self.caps)
        if problems:
            places = [
                where,
                *(getattr(r, "id", "") for r in self.rules),
                *(getattr(c, "id", "") for c in self.caps),
            ]
            raise RuleBookError(_in_order(problems, places))

    # ------------------------------------------------------------- reading

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleBook:
        """Build a rulebook from a mapping, reporting every problem at once.

        Accepts what :meth:`to_dict` writes: dates as ``date`` objects or
        ISO strings, numbers as ints, Decimals or decimal strings (floats are
        taken at their shortest decimal form).

        Raises:
            RuleBookError: Listing every problem, each with its rule (or
                cap) id and field, such as ``service.award.rate``.

        >>> book = RuleBook.from_dict({
        ...     "id": "x", "version": "1", "issuer_id": "o",
        ...     "effective_from": "2026-01-01",
        ...     "rules": [{"id": "s", "kind": "service",
        ...                "award": {"type": "per_hour", "rate": -1}},
        ...               {"id": "t", "kind": "parade", "award": {"type": "fixed"}}],
        ...     "caps": [{"id": "c", "max_points": 10}]})
        Traceback (most recent call last):
        ...
        redcity.points.rules.RuleBookError: 4 problems found:
          - s.award.rate: the rate is negative (-1); points per hour must be ≥ 0.
          - t.kind: Expected a fact kind, got 'parade'; known names: ...
          - t.award.points: a fixed award needs points.
          - c.per: the cap has no period; give per = "day", "week", "month", "quarter" or "year".
        """  # noqa: E501
        return _Reader().book(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> RuleBook:
        """Parse a rulebook from JSON text (numbers are read as Decimals).

        Raises:
            RuleBookError: The text is not JSON, or the rulebook is invalid.

        >>> RuleBook.from_json('{"id": "x", "version": "1", "issuer_id": "o", '
        ...     '"effective_from": "2026-01-01", "rules": []}').version
        '1'
        """
        try:
            data = json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            msg = f"the text is not valid JSON: {exc}."
            raise RuleBookError([Problem("", "", msg)]) from exc
        return cls.from_dict(_mapping(data))

    @classmethod
    def from_toml(cls, text: str) -> RuleBook:
        """Parse a rulebook from TOML text (floats are read as exact Decimals).

        Raises:
            RuleBookError: The text is not TOML, or the rulebook is invalid.

        >>> RuleBook.from_toml('''
        ... id = "x"
        ... version = "1"
        ... issuer_id = "o"
        ... effective_from = 2026-01-01
        ... [[rules]]
        ... id = "s"
        ... kind = "service"
        ... award = { type = "per_hour", rate = 1.5 }
        ... ''').rules[0].award.rate
        Decimal('1.5')
        """
        try:
            data = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            msg = f"the text is not valid TOML: {exc}."
            raise RuleBookError([Problem("", "", msg)]) from exc
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> RuleBook:
        """Read a rulebook file: ``.toml`` or ``.json`` (UTF-8).

        Raises:
            RuleBookError: The file's rulebook is invalid.
            ValueError: The suffix is neither.

        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = pathlib.Path(d) / "book.json"
        ...     _ = p.write_text('{"id": "x", "version": "1", "issuer_id": "o", '
        ...                      '"effective_from": "2026-01-01", "rules": []}')
        ...     RuleBook.load(p).id
        'x'
        """
        path = Path(path)
        if path.suffix not in (".toml", ".json"):
            msg = f"Expected a .toml or .json rulebook file, got {str(path)!r}."
            raise ValueError(msg)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            return cls.from_toml(text)
        return cls.from_json(text)

    # ------------------------------------------------------------- writing

    def to_dict(self) -> dict[str, Any]:
        """The rulebook as JSON-ready data; :meth:`from_dict` reads it back.

        >>> from datetime import date
        >>> RuleBook(id="x", version="1", issuer_id="o",
        ...          effective_from=date(2026, 1, 1), rules=[]).to_dict()
        {'id': 'x', 'version': '1', 'issuer_id': 'o', 'effective_from': '2026-01-01', 'tz': 'Asia/Shanghai', 'rounding': 'half_up', 'rules': []}
        """  # noqa: E501
        data: dict[str, Any] = {"id": self.id, "version": self.version}
        if self.title:
            data["title"] = self.title
        data["issuer_id"] = self.issuer_id
        data["effective_from"] = self.effective_from.isoformat()
        if self.effective_until is not None:
            data["effective_until"] = self.effective_until.isoformat()
        data["tz"] = self.tz
        data["rounding"] = self.rounding.value
        data["rules"] = [rule.to_dict() for rule in self.rules]
        if self.caps:
            data["caps"] = [cap.to_dict() for cap in self.caps]
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        """The rulebook as JSON text (Chinese kept as is).

        >>> from datetime import date
        >>> book = RuleBook(id="x", version="1", issuer_id="o",
        ...                 effective_from=date(2026, 1, 1), rules=[])
        >>> RuleBook.from_json(book.to_json()) == book
        True
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_toml(self) -> str:
        """The rulebook as TOML text; :meth:`from_toml` reads it back equal.

        Dates are TOML dates, decimals TOML floats (read back exactly), each
        rule a ``[[rules]]`` table with its conditions and award inline.

        >>> from datetime import date
        >>> book = RuleBook(id="x", version="1", issuer_id="o",
        ...                 effective_from=date(2026, 1, 1),
        ...                 rules=[Rule(id="s", kind="service",
        ...                             award=PerHour(rate="1.5"))])
        >>> print(book.to_toml())
        id = "x"
        version = "1"
        issuer_id = "o"
        effective_from = 2026-01-01
        tz = "Asia/Shanghai"
        rounding = "half_up"
        <BLANKLINE>
        [[rules]]
        id = "s"
        kind = "service"
        award = { type = "per_hour", rate = 1.5 }
        <BLANKLINE>
        """
        return _toml(self)


def _mapping(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        msg = f"Expected a rulebook as a table (mapping), got {type(data).__name__}."
        raise RuleBookError([Problem("", "", msg)])
    return data


# --------------------------------------------------------------------------
# Validation of a whole rulebook
# --------------------------------------------------------------------------


def _book_problems(book: RuleBook) -> list[Problem]:
    problems: list[Problem] = []
    where = book.id.strip() or "rulebook"
    for name in ("id", "version", "issuer_id"):
        if not getattr(book, name).strip():
            problems.append(Problem(where, name, f"the {name} is empty."))
    if not isinstance(book.effective_from, date) or isinstance(
        book.effective_from, datetime
    ):
        problems.append(
            Problem(
                where,
                "effective_from",
                f"expected a date, got {book.effective_from!r}.",
            )
        )
    until = book.effective_until
    if until is not None:
        if not isinstance(until, date) or isinstance(until, datetime):
            problems.append(
                Problem(where, "effective_until", f"expected a date, got {until!r}.")
            )
        elif isinstance(book.effective_from, date) and until <= book.effective_from:
            problems.append(
                Problem(
                    where,
                    "effective_until",
                    f"the book ends ({until}) on or before it starts "
                    f"({book.effective_from}); effective_until is exclusive.",
                )
            )
    problem = _tz_problem(book.tz)
    if problem:
        problems.append(Problem(where, "tz", problem))
    for i, rule in enumerate(book.rules):
        if not isinstance(rule, Rule):
            problems.append(
                Problem(where, f"rules[{i}]", f"expected a Rule, got {rule!r}.")
            )
    for i, cap in enumerate(book.caps):
        if not isinstance(cap, Cap):
            problems.append(
                Problem(where, f"caps[{i}]", f"expected a Cap, got {cap!r}.")
            )
    return problems


def _tz_problem(tz: str) -> str:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"expected an IANA time zone such as 'Asia/Shanghai', got {tz!r}."
    return ""


def _rules_problems(
    book_id: str,
    rules: Sequence[Rule],
    caps: Sequence[Cap],
    *,
    other_rule_ids: Iterable[str] = (),
    tree: GridTree | None = None,
) -> list[Problem]:
    """Every semantic problem of the rules and caps (shapes already checked)."""
    problems: list[Problem] = []
    rules = [r for r in rules if isinstance(r, Rule)]
    caps = [c for c in caps if isinstance(c, Cap)]
    seen: set[str] = set()
    for rule in rules:
        if not rule.id.strip():
            problems.append(
                Problem(book_id or "rulebook", "rules", "a rule has no id.")
            )
        elif rule.id in seen:
            problems.append(Problem(rule.id, "id", "two rules have this id."))
        seen.add(rule.id)
        problems.extend(_rule_problems(rule, tree))
    problems.extend(_overlaps(rules, tree))
    rule_ids = seen | set(other_rule_ids)
    cap_ids: set[str] = set()
    for cap in caps:
        if not cap.id.strip():
            problems.append(Problem(book_id or "rulebook", "caps", "a cap has no id."))
        elif cap.id in rule_ids or cap.id in cap_ids:
            problems.append(
                Problem(cap.id, "id", "another cap or rule already has this id.")
            )
        cap_ids.add(cap.id)
        problems.extend(_cap_problems(cap, rule_ids))
    return problems


def _rule_problems(rule: Rule, tree: GridTree | None) -> list[Problem]:
    out: list[Problem] = []
    rid = rule.id
    if rule.kind in _UNSCORED:
        out.append(Problem(rid, "kind", _UNSCORED[rule.kind] + "."))
        return out
    allowed = _AWARD_KINDS[type(rule.award)]
    if allowed is not None and rule.kind not in allowed:
        names = "/".join(sorted(k.value for k in allowed))
        out.append(
            Problem(
                rid,
                "award.type",
                f"a {rule.award.to_dict()['type']} award applies to {names} facts, "
                f"not to {rule.kind.value} facts.",
            )
        )
    award_problems = _award_problems(rid, rule.award)
    specs = _FIELD_SPECS[rule.kind]
    good: list[tuple[int, Condition]] = []
    for i, cond in enumerate(rule.when):
        if not isinstance(cond, Condition):
            out.append(
                Problem(rid, f"when[{i}]", f"expected a Condition, got {cond!r}.")
            )
            continue
        problem = _condition_problem(rule.kind, specs, cond, tree)
        if problem:
            field, message = problem
            out.append(Problem(rid, f"when[{i}].{field}", message))
        else:
            good.append((i, cond))
    for field, indexes in _unsatisfiable(rule.kind, [c for _, c in good], tree):
        shown = ", ".join(str(good[j][1]) for j in indexes)
        first = good[indexes[0]][0]
        out.append(
            Problem(
                rid,
                f"when[{first}]",
                f"the conditions on {field} ({shown}) leave no value, so the rule "
                "can never match.",
            )
        )
    out.extend(award_problems)
    return out


def _award_problems(rid: str, award: Award) -> list[Problem]:
    out: list[Problem] = []
    if isinstance(award, Fixed):
        if award.points == 0:
            out.append(
                Problem(rid, "award.points", "a fixed award of 0 earns nothing.")
            )
    elif isinstance(award, PerHour):
        if award.rate < 0:
            out.append(
                Problem(
                    rid,
                    "award.rate",
                    f"the rate is negative ({_number_text(award.rate)}); points per "
                    "hour must be ≥ 0.",
                )
            )
        for name, value in award.coefficients:
            if value < 0:
                out.append(
                    Problem(
                        rid,
                        f"award.coefficients.{name}",
                        f"the coefficient is negative ({_number_text(value)}).",
                    )
                )
        if award.default_coefficient < 0:
            out.append(
                Problem(
                    rid,
                    "award.default_coefficient",
                    f"the coefficient is negative "
                    f"({_number_text(award.default_coefficient)}).",
                )
            )
        if award.max_hours is not None and award.max_hours <= 0:
            out.append(
                Problem(
                    rid,
                    "award.max_hours",
                    f"expected max_hours > 0, got {_number_text(award.max_hours)}.",
                )
            )
    elif isinstance(award, PerRating):
        if not award.points:
            out.append(Problem(rid, "award.points", "the table of points is empty."))
        for stars, _ in award.points:
            if not 1 <= stars <= 5:
                out.append(
                    Problem(
                        rid,
                        f"award.points.{stars}",
                        f"ratings run from 1 to 5 stars, got {stars}.",
                    )
                )
    elif award.max_points is not None and award.max_points <= 0:
        out.append(
            Problem(
                rid,
                "award.max_points",
                f"expected max_points > 0, got {award.max_points}.",
            )
        )
    return out


def _condition_problem(
    kind: FactKind, specs: Mapping[str, _Field], cond: Condition, tree: GridTree | None
) -> tuple[str, str] | None:
    spec = specs.get(cond.field)
    if spec is None:
        known = ", ".join(sorted(specs))
        return (
            "field",
            f"{kind.value} facts have no field {cond.field!r}; they have {known}.",
        )
    ops = _OPS_BY_TYPE[spec.type]
    if cond.op not in ops:
        shown = ", ".join(repr(o.value) for o in ops)
        return ("op", f"{cond.op.value!r} does not apply to {cond.field}; use {shown}.")
    value = cond.value
    if spec.domain is not None and not isinstance(value, Decimal):
        unknown = sorted((v for v in value if v not in spec.domain), key=str)
        if unknown:
            known = ", ".join(repr(v) for v in sorted(spec.domain, key=str))
            return (
                "value",
                f"{cond.field} takes {known}; got {', '.join(map(repr, unknown))}.",
            )
    elif (
        spec.type == _TEXT
        and not isinstance(value, Decimal)
        and any(not isinstance(v, str) for v in value)
    ):
        return ("value", f"{cond.field} is text; got {sorted(value, key=str)!r}.")
    if spec.type == _NODE and tree is not None and not isinstance(value, Decimal):
        missing = sorted(str(v) for v in value if v not in tree)
        if missing:
            return ("value", f"the grid has no node {', '.join(map(repr, missing))}.")
    return None


# -- satisfiability: can a fact meet all these conditions? -----------------


@attrs.define
class _Space:
    """The values one field may still take under a conjunction of conditions."""

    allowed: frozenset[Any] | None = None
    banned: set[Any] = attrs.Factory(set)
    low: Fraction | None = None
    low_open: bool = False
    high: Fraction | None = None
    high_open: bool = False
    within: list[frozenset[str]] = attrs.Factory(list)

    def add(self, cond: Condition) -> None:
        op, value = cond.op, cond.value
        if isinstance(value, Decimal):
            bound = Fraction(value)
            if op in (Op.GE, Op.GT):
                opened = op is Op.GT
                if (
                    self.low is None
                    or bound > self.low
                    or (bound == self.low and opened)
                ):
                    self.low, self.low_open = bound, opened
            else:
                opened = op is Op.LT
                if (
                    self.high is None
                    or bound < self.high
                    or (bound == self.high and opened)
                ):
                    self.high, self.high_open = bound, opened
        elif op is Op.IN:
            self.allowed = value if self.allowed is None else self.allowed & value
        elif op is Op.WITHIN:
            self.within.append(frozenset(str(v) for v in value))
        else:  # NOT_IN, NOT_WITHIN
            self.banned |= set(value)


def _spaces(conditions: Iterable[Condition]) -> dict[str, _Space]:
    spaces: dict[str, _Space] = {}
    for cond in conditions:
        spaces.setdefault(cond.field, _Space()).add(cond)
    return spaces


def _empty(
    spec: _Field, space: _Space, tree: GridTree | None, *, optimistic: bool
) -> bool:
    """True when no value of the field meets the space.

    Grid conditions need the tree to be decided; without one, a lone rule's
    subtrees are taken to meet (``optimistic``) while two rules' subtrees
    are taken to meet only when they name a common node.
    """
    if spec.type == _NUMBER:
        return _empty_range(spec, space)
    if spec.type == _NODE:
        return not _nodes_meet(space.within, space.banned, tree, optimistic=optimistic)
    if space.allowed is None:
        if spec.domain is None:
            return False
        return not (spec.domain - space.banned)
    values = space.allowed - space.banned
    if spec.domain is not None:
        values &= spec.domain
    return not values


def _empty_range(spec: _Field, space: _Space) -> bool:
    low, low_open = space.low, space.low_open
    if spec.low is not None:
        floor = Fraction(spec.low)
        if low is None or floor > low or (floor == low and spec.low_open):
            low, low_open = floor, spec.low_open
    high, high_open = space.high, space.high_open
    if spec.high is not None:
        ceiling = Fraction(spec.high)
        if high is None or ceiling < high:
            high, high_open = ceiling, False
    if spec.integer:
        least = (
            None
            if low is None
            else math.ceil(low) + (low_open and low.denominator == 1)
        )
        most = (
            None
            if high is None
            else math.floor(high) - (high_open and high.denominator == 1)
        )
        return least is not None and most is not None and least > most
    if low is None or high is None:
        return False
    return low > high or (low == high and (low_open or high_open))


def _nodes_meet(
    within: list[frozenset[str]],
    outside: set[Any],
    tree: GridTree | None,
    *,
    optimistic: bool,
) -> bool:
    if any(not names for names in within):
        return False
    if tree is None:
        if optimistic or not within:
            return not within or not all(names <= outside for names in within)
        common = frozenset.intersection(*within) - outside
        return bool(common)
    if not within:
        return True
    candidates = {n for n in within[0] if n in tree}
    for names in within[1:]:
        nxt: set[str] = set()
        for a in candidates:
            for b in names:
                if b not in tree:
                    continue
                if tree.contains(a, b):
                    nxt.add(b)
                elif tree.contains(b, a):
                    nxt.add(a)
        candidates = nxt
    banned = [x for x in outside if isinstance(x, str) and x in tree]
    return any(not any(tree.contains(x, c) for x in banned) for c in candidates)


def _unsatisfiable(
    kind: FactKind, conditions: list[Condition], tree: GridTree | None
) -> list[tuple[str, list[int]]]:
    """The fields whose conditions (by index) leave no value."""
    specs = _FIELD_SPECS[kind]
    out = []
    for field, space in _spaces(conditions).items():
        if _empty(specs[field], space, tree, optimistic=True):
            indexes = [i for i, c in enumerate(conditions) if c.field == field]
            out.append((field, indexes))
    return out


def _clean(rule: Rule) -> list[Condition]:
    specs = _FIELD_SPECS.get(rule.kind, {})
    return [
        c
        for c in rule.when
        if isinstance(c, Condition)
        and c.field in specs
        and c.op in _OPS_BY_TYPE[specs[c.field].type]
    ]


def _overlaps(rules: Sequence[Rule], tree: GridTree | None) -> list[Problem]:
    """Rules of one group, kind and precedence that one fact could both match."""
    out: list[Problem] = []
    buckets: dict[tuple[FactKind, str, int], list[Rule]] = {}
    for rule in rules:
        if rule.group is not None and rule.kind not in _UNSCORED:
            buckets.setdefault((rule.kind, rule.group, rule.precedence), []).append(
                rule
            )
    for (kind, group, precedence), members in buckets.items():
        specs = _FIELD_SPECS[kind]
        for j, later in enumerate(members):
            for earlier in members[:j]:
                if earlier.id == later.id:
                    continue
                spaces = _spaces([*_clean(earlier), *_clean(later)])
                if any(
                    _empty(specs[f], s, tree, optimistic=False)
                    for f, s in spaces.items()
                ):
                    continue
                out.append(
                    Problem(
                        later.id,
                        "precedence",
                        f"overlaps rule {earlier.id!r}: both are {kind.value} rules "
                        f"of group {group!r} with precedence {precedence}, and one "
                        "fact can match both; give one a higher precedence or "
                        "another group.",
                    )
                )
    return out


def _cap_problems(cap: Cap, rule_ids: set[str]) -> list[Problem]:
    out: list[Problem] = []
    if cap.per is None:
        out.append(
            Problem(
                cap.id,
                "per",
                'the cap has no period; give per = "day", "week", "month", '
                '"quarter" or "year".',
            )
        )
    if cap.max_points is None and cap.min_points is None:
        out.append(
            Problem(
                cap.id,
                "max_points",
                "the cap bounds nothing; give max_points, min_points or both.",
            )
        )
    if cap.max_points is not None and cap.max_points <= 0:
        out.append(
            Problem(
                cap.id, "max_points", f"expected max_points > 0, got {cap.max_points}."
            )
        )
    if cap.min_points is not None and cap.min_points > 0:
        out.append(
            Problem(
                cap.id,
                "min_points",
                f"expected min_points ≤ 0 (a floor under deductions), got "
                f"{cap.min_points}.",
            )
        )
    for i, rid in enumerate(cap.rules):
        if rid not in rule_ids:
            out.append(Problem(cap.id, f"rules[{i}]", f"there is no rule {rid!r}."))
    return out


def _tree_problems(book: RuleBook, tree: GridTree) -> list[Problem]:
    """The problems only a grid reveals: unknown nodes, nested subtrees.

    Loading cannot see whether two rules' subtrees nest; with the tree,
    conditions that can never match and overlapping rules of equal
    precedence are decided exactly.
    """
    if not any(c.field == "node" for r in book.rules for c in r.when):
        return []
    return _rules_problems(book.id, book.rules, book.caps, tree=tree)


# --------------------------------------------------------------------------
# Reading dicts, collecting problems
# --------------------------------------------------------------------------

_BOOK_KEYS: Final = (
    "id",
    "version",
    "title",
    "issuer_id",
    "effective_from",
    "effective_until",
    "tz",
    "rounding",
    "rules",
    "caps",
)
_RULE_KEYS: Final = (
    "id",
    "kind",
    "title",
    "title_en",
    "group",
    "precedence",
    "when",
    "award",
)
_CAP_KEYS: Final = ("id", "title", "per", "max_points", "min_points", "rules")
_CONDITION_KEYS: Final = ("field", "op", "value")
_AWARD_KEYS: Final = {
    "fixed": ("type", "points"),
    "per_hour": ("type", "rate", "max_hours", "default_coefficient", "coefficients"),
    "per_rating": ("type", "points"),
    "deduct": ("type", "max_points"),
}
_AWARD_REQUIRED: Final = {
    "fixed": ("points",),
    "per_hour": ("rate",),
    "per_rating": ("points",),
    "deduct": (),
}


def _in_order(problems: list[Problem], places: list[str]) -> list[Problem]:
    """Problems in document order: the book, then each rule, then each cap."""
    place: dict[str, int] = {}
    for i, name in enumerate(places):
        place.setdefault(name, i)
    return sorted(problems, key=lambda p: place.get(p.id, len(places)))


def _place(raw: object, section: str, index: int) -> str:
    rid = raw.get("id") if isinstance(raw, Mapping) else None
    return rid if isinstance(rid, str) and rid.strip() else f"{section}[{index}]"


def _message(exc: Exception) -> str:
    text = str(exc).strip()
    return text if text.endswith(".") else text + "."


class _Reader:
    """Turns a mapping into a RuleBook, collecting every problem on the way."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, id: str, field: str, message: str) -> None:
        self.problems.append(Problem(id, field, message))

    def extra(self, where: str, data: Mapping[str, Any], known: Sequence[str]) -> None:
        for key in data:
            if key not in known:
                self.add(
                    where,
                    str(key),
                    f"unknown key {key!r}; expected some of {', '.join(known)}.",
                )

    def text(
        self,
        where: str,
        data: Mapping[str, Any],
        key: str,
        *,
        required: bool = True,
        default: str | None = "",
    ) -> str | None:
        if key not in data:
            if required:
                self.add(where, key, f"the {key} is missing.")
            return default
        value = data[key]
        if not isinstance(value, str) or (required and not value.strip()):
            what = "a non-empty string" if required else "a string"
            self.add(where, key, f"expected {what}, got {value!r}.")
            return None
        return value

    def day(
        self, where: str, data: Mapping[str, Any], key: str, *, required: bool
    ) -> date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(where, key, f"the {key} date is missing.")
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.add(where, key, f"expected a date such as 2026-01-01, got {value!r}.")
        return None

    def book(self, data: Mapping[str, Any]) -> RuleBook:
        data = _mapping(data)
        raw_id = data.get("id")
        where = raw_id if isinstance(raw_id, str) and raw_id.strip() else "rulebook"
        self.extra(where, data, _BOOK_KEYS)
        book_id = self.text(where, data, "id")
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            version = str(version)
        if not isinstance(version, str) or not version.strip():
            self.add(where, "version", f"expected a version string, got {version!r}.")
        issuer = self.text(where, data, "issuer_id")
        title = self.text(where, data, "title", required=False)
        start = self.day(where, data, "effective_from", required=True)
        until = self.day(where, data, "effective_until", required=False)
        tz = self.text(where, data, "tz", required=False, default=DEFAULT_TZ)
        if tz is not None and tz != DEFAULT_TZ:
            problem = _tz_problem(tz)
            if problem:
                self.add(where, "tz", problem)
                tz = None
        rounding: Rounding | None = Rounding.HALF_UP
        if "rounding" in data:
            try:
                rounding = Rounding.parse(data["rounding"])
            except ValueError as exc:
                self.add(where, "rounding", _message(exc))
                rounding = None
        raw_rules = self.table_list(where, data, "rules", required=True)
        raw_caps = self.table_list(where, data, "caps", required=False)
        rules: list[Rule] = []
        all_ids: list[str] = []
        for i, raw in enumerate(raw_rules):
            rule = self.rule(i, raw)
            rid = raw.get("id") if isinstance(raw, Mapping) else None
            if isinstance(rid, str):
                all_ids.append(rid)
            if rule is not None:
                rules.append(rule)
        caps = [cap for i, raw in enumerate(raw_caps) if (cap := self.cap(i, raw))]
        if start is not None and until is not None and until <= start:
            self.add(
                where,
                "effective_until",
                f"the book ends ({until}) on or before it starts ({start}); "
                "effective_until is exclusive.",
            )
        failed = set(all_ids) - {r.id for r in rules}
        self.problems += _rules_problems(where, rules, caps, other_rule_ids=failed)
        if self.problems:
            places = [
                where,
                *(_place(r, "rules", i) for i, r in enumerate(raw_rules)),
                *(_place(c, "caps", i) for i, c in enumerate(raw_caps)),
            ]
            raise RuleBookError(_in_order(self.problems, places))
        assert book_id is not None
        assert issuer is not None
        assert start is not None
        assert isinstance(version, str)
        assert rounding is not None
        assert tz is not None
        return RuleBook(
            id=book_id,
            version=version,
            issuer_id=issuer,
            effective_from=start,
            effective_until=until,
            rules=rules,
            caps=caps,
            rounding=rounding,
            tz=tz,
            title=title or "",
        )

    def table_list(
        self, where: str, data: Mapping[str, Any], key: str, *, required: bool
    ) -> list[Any]:
        if key not in data:
            if required:
                self.add(where, key, f"the {key} list is missing (it may be empty).")
            return []
        value = data[key]
        if not isinstance(value, list | tuple):
            self.add(where, key, f"expected a list of tables, got {value!r}.")
            return []
        return list(value)

    def rule(self, i: int, raw: object) -> Rule | None:
        if not isinstance(raw, Mapping):
            self.add(f"rules[{i}]", "", f"expected a table, got {raw!r}.")
            return None
        raw_id = raw.get("id")
        rid = raw_id if isinstance(raw_id, str) and raw_id.strip() else f"rules[{i}]"
        before = len(self.problems)
        self.extra(rid, raw, _RULE_KEYS)
        self.text(rid, raw, "id")
        kind: FactKind | None = None
        if "kind" not in raw:
            self.add(rid, "kind", "the fact kind is missing.")
        else:
            try:
                kind = _parse_kind(raw["kind"])
            except ValueError as exc:
                self.add(rid, "kind", _message(exc))
        for key in ("title", "title_en"):
            self.text(rid, raw, key, required=False)
        group = raw.get("group")
        if group is not None and not isinstance(group, str):
            self.add(rid, "group", f"expected a string, got {group!r}.")
        precedence = raw.get("precedence", 0)
        if type(precedence) is not int:
            self.add(rid, "precedence", f"expected a whole number, got {precedence!r}.")
        when = raw.get("when", [])
        conditions: list[Condition] = []
        if not isinstance(when, list | tuple):
            self.add(rid, "when", f"expected a list of conditions, got {when!r}.")
        else:
            for j, item in enumerate(when):
                cond = self.condition(rid, j, item)
                if cond is not None:
                    conditions.append(cond)
        award = self.award(rid, raw.get("award"))
        if len(self.problems) > before or award is None or kind is None:
            return None
        try:
            return Rule(
                id=raw["id"],
                kind=kind,
                award=award,
                when=conditions,
                group=group,
                precedence=precedence,
                title=raw.get("title", ""),
                title_en=raw.get("title_en", ""),
            )
        except (TypeError, ValueError) as exc:  # pragma: no cover - checked above
            self.add(rid, "", _message(exc))
            return None

    def condition(self, rid: str, j: int, raw: object) -> Condition | None:
        where = f"when[{j}]"
        if not isinstance(raw, Mapping):
            self.add(
                rid, where, f"expected a table with field, op, value; got {raw!r}."
            )
            return None
        bad = False
        for key in raw:
            if key not in _CONDITION_KEYS:
                self.add(rid, f"{where}.{key}", f"unknown key {key!r}.")
                bad = True
        for key in _CONDITION_KEYS:
            if key not in raw:
                self.add(rid, f"{where}.{key}", f"the condition's {key} is missing.")
                bad = True
        if bad:
            return None
        try:
            op = Op.parse(raw["op"])
        except ValueError as exc:
            self.add(rid, f"{where}.op", _message(exc))
            return None
        try:
            return Condition(raw["field"], op, raw["value"])
        except (TypeError, ValueError) as exc:
            field = "field" if not isinstance(raw["field"], str) else "value"
            self.add(rid, f"{where}.{field}", _message(exc))
            return None

    def award(self, rid: str, raw: object) -> Award | None:
        if raw is None:
            self.add(rid, "award", "the award is missing.")
            return None
        if not isinstance(raw, Mapping):
            self.add(rid, "award", f"expected a table, got {raw!r}.")
            return None
        tag = raw.get("type")
        if tag not in _AWARD_TYPES:
            known = ", ".join(repr(t) for t in _AWARD_TYPES)
            self.add(rid, "award.type", f"expected a type of {known}, got {tag!r}.")
            return None
        assert isinstance(tag, str)
        bad = False
        for key in raw:
            if key not in _AWARD_KEYS[tag]:
                self.add(
                    rid,
                    f"award.{key}",
                    f"unknown key {key!r} for a {tag} award; expected some of "
                    f"{', '.join(_AWARD_KEYS[tag][1:])}.",
                )
                bad = True
        for key in _AWARD_REQUIRED[tag]:
            if key not in raw:
                kind = tag.replace("_", " ")
                article = "an" if kind[0] in "aeiou" else "a"
                self.add(rid, f"award.{key}", f"{article} {kind} award needs {key}.")
                bad = True
        if bad:
            return None
        args = {k: v for k, v in raw.items() if k != "type"}
        cls = _AWARD_TYPES[tag]
        try:
            if cls is Fixed:
                return Fixed(args["points"])
            if cls is PerRating:
                return PerRating(args["points"])
            return cls(**args)
        except (TypeError, ValueError) as exc:
            self.add(rid, "award", _message(exc))
            return None

    def cap(self, i: int, raw: object) -> Cap | None:
        if not isinstance(raw, Mapping):
            self.add(f"caps[{i}]", "", f"expected a table, got {raw!r}.")
            return None
        raw_id = raw.get("id")
        cid = raw_id if isinstance(raw_id, str) and raw_id.strip() else f"caps[{i}]"
        before = len(self.problems)
        self.extra(cid, raw, _CAP_KEYS)
        self.text(cid, raw, "id")
        self.text(cid, raw, "title", required=False)
        per = None
        if raw.get("per") is not None:
            try:
                per = CapPeriod.parse(raw["per"])
            except ValueError as exc:
                self.add(cid, "per", _message(exc))
        bounds: dict[str, int | None] = {}
        for key in ("max_points", "min_points"):
            value = raw.get(key)
            if value is not None and type(value) is not int:
                self.add(cid, key, f"expected a whole number, got {value!r}.")
            bounds[key] = value
        rules = raw.get("rules", [])
        if not isinstance(rules, list | tuple) or not all(
            isinstance(r, str) for r in rules
        ):
            self.add(cid, "rules", f"expected a list of rule ids, got {rules!r}.")
        if len(self.problems) > before:
            return None
        return Cap(
            id=raw["id"],
            per=per,
            max_points=bounds["max_points"],
            min_points=bounds["min_points"],
            rules=rules,
            title=raw.get("title", ""),
        )


# --------------------------------------------------------------------------
# A TOML writer for the rulebook's own shape
# --------------------------------------------------------------------------

_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes; DEL is the one
    # control character JSON leaves alone and TOML forbids.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, Mapping):
        inner = ", ".join(
            f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()
        )
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    msg = f"Cannot write {value!r} as TOML."  # pragma: no cover - own shapes only
    raise TypeError(msg)  # pragma: no cover


class _Float(str):
    """A number the TOML writer prints bare (a TOML float)."""


def _toml_any(value: Any) -> str:
    if isinstance(value, _Float):
        return str(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_any(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_any(v) for v in value) + "]"
    return _toml_value(value)


def _award_toml(award: Award) -> dict[str, Any]:
    data = award.to_dict()
    if isinstance(award, PerHour):
        for key in ("rate", "max_hours", "default_coefficient"):
            if isinstance(data.get(key), str):
                data[key] = _Float(data[key])
        if "coefficients" in data:
            data["coefficients"] = {
                k: _Float(v) if isinstance(v, str) else v
                for k, v in data["coefficients"].items()
            }
    return data


def _condition_toml(cond: Condition) -> dict[str, Any]:
    data = cond.to_dict()
    if isinstance(data["value"], str):
        data["value"] = _Float(data["value"])
    return data


def _toml(book: RuleBook) -> str:
    lines = [f"id = {_toml_string(book.id)}", f"version = {_toml_string(book.version)}"]
    if book.title:
        lines.append(f"title = {_toml_string(book.title)}")
    lines.append(f"issuer_id = {_toml_string(book.issuer_id)}")
    lines.append(f"effective_from = {book.effective_from.isoformat()}")
    if book.effective_until is not None:
        lines.append(f"effective_until = {book.effective_until.isoformat()}")
    lines.append(f"tz = {_toml_string(book.tz)}")
    lines.append(f"rounding = {_toml_string(book.rounding.value)}")
    if not book.rules:
        lines.append("rules = []")
    for rule in book.rules:
        lines += ["", "[[rules]]"]
        data = rule.to_dict()
        for key, value in data.items():
            if key == "when":
                conds = [_toml_any(_condition_toml(c)) for c in rule.when]
                lines.append("when = [")
                lines += [f"  {c}," for c in conds]
                lines.append("]")
            elif key == "award":
                lines.append(f"award = {_toml_any(_award_toml(rule.award))}")
            else:
                lines.append(f"{key} = {_toml_value(value)}")
    for cap in book.caps:
        lines += ["", "[[caps]]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in cap.to_dict().items()]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# The one converter learns rulebooks
# --------------------------------------------------------------------------

register(RuleBook, RuleBook.to_dict, RuleBook.from_dict)
