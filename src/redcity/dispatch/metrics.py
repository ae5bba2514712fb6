"""The official rates: 数字城管 case rates and 接诉即办 hotline rates, exactly.

Two families of counts, each a frozen, addable record whose ``rates()`` are
exact :class:`~fractions.Fraction` objects (``None`` when the denominator is
0 — "no case to judge", which is not the same as 0 %):

* :class:`CaseCounts` → :class:`CaseRates`, the digital city-management
  (数字城管) rates:

  ========================  =====================================
  立案率 ``filing``          filed / accepted
  派遣率 ``dispatch``        dispatched / filed
  结案率 ``closure``         closed / due
  按期结案率 ``on_time_closure``  closed_on_time / due
  返工率 ``rework``          reworked / due
  延期率 ``extension``       extended / due
  ========================  =====================================

  The last four divide by **应结案数** (``due``): the cases whose deadline
  falls in the period, plus every case due earlier and still open when the
  period starts (carry-over).  Not by the cases filed in the period: a case
  filed on the 30th and due next month is not yet a failure, and a case
  left open from last month must not vanish from this month's figures.

* :class:`HotlineCounts` → :class:`HotlineRates`, the 接诉即办 measures
  响应率, 解决率 and 满意率, with a weight for 基本满意 and a weighted
  composite (:class:`HotlineWeights`, local configuration).

:func:`case_counts` and :func:`hotline_counts` compute the counts from
ticket histories for any :class:`~redcity.calendars.Period`, per node and
rolled up over a :class:`~redcity.grid.GridTree` (counts add; rates never
add — they are computed from the rolled-up counts).  Every count of a period
is taken **as the tickets stood at the period's end** (events strictly
before ``period.end``), so a closed period's figures never change when they
are recomputed later.  :func:`resolution_shares` tells where cases were
resolved (网格内, 社区内, 社区以上); :func:`card_metrics` turns counts into the
plain ``{node id: {metric: value}}`` mapping the grid's card policy reads.

References:
    《数字化城市管理信息系统》 national standard series (GB/T 30428);
    《城市市政综合监管信息系统技术规范》 (CJJ/T 106) and
    《城市市政综合监管信息系统 绩效评价》 (CJ/T 292): the seven-step loop
    and its evaluation by 立案率, 派遣率, 结案率, 按期结案率, 返工率 and
    延期率, the closing rates over 应结案数 (DESIGN §2).
    《北京市接诉即办工作条例》 (2021): assessment by 响应率, 解决率 and
    满意率; the weights of the three and of 基本满意 are local configuration.

>>> from redcity.dispatch.metrics import CaseCounts
>>> counts = CaseCounts(accepted=40, filed=38, dispatched=38, due=25,
...                     closed=22, closed_on_time=20, reworked=2, extended=1)
>>> r = counts.rates()
>>> r.closure, r.on_time_closure
(Fraction(22, 25), Fraction(4, 5))
>>> r.percent("filing")
'95.0%'
>>> print(r)
立案率 95.0%, 派遣率 100.0%, 结案率 88.0%, 按期结案率 80.0%, 返工率 8.0%, 延期率 4.0%
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Final, Literal, TypeAlias

import attrs

from redcity import _html
from redcity.calendars import Period
from redcity.dispatch.policies import Handler, Scope, resolution_scope
from redcity.dispatch.tickets import (
    DEFAULT_PASSING_SCORE,
    Source,
    Status,
    Ticket,
    replay,
)
from redcity.errors import Problem, UnknownNode, ValidationError
from redcity.grid import GridTree, Level

__all__ = [
    "DEFAULT_HOTLINE_WEIGHTS",
    "DEFAULT_SATISFIED_FROM",
    "CaseCounts",
    "CaseRates",
    "HotlineCounts",
    "HotlineRates",
    "HotlineWeights",
    "Rate",
    "ResolutionShares",
    "card_metrics",
    "case_counts",
    "hotline_counts",
    "percent",
    "resolution_shares",
    "ticket_as_of",
]

Rate: TypeAlias = Fraction | None
"""An exact rate, or ``None`` when its denominator is 0 (nothing to judge)."""

Names: TypeAlias = Literal["zh", "en"]

DEFAULT_SATISFIED_FROM: Final = 5
"""The lowest rating (1–5) that counts as 满意 (local practice).

Ratings from :data:`~redcity.dispatch.DEFAULT_PASSING_SCORE` (3) up to
this count as 基本满意; lower ones as 不满意 (they also send the ticket
back, 返工)."""


_CASE_ZH: Final = {
    "accepted": "受理数",
    "filed": "立案数",
    "dispatched": "派遣数",
    "due": "应结案数",
    "closed": "结案数",
    "closed_on_time": "按期结案数",
    "reworked": "返工数",
    "extended": "延期数",
}
_HOTLINE_ZH: Final = {
    "received": "接诉",
    "redirected": "转办",
    "responded": "响应",
    "resolved": "解决",
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
}


# --------------------------------------------------------------------------
# Formatting.


def percent(value: Fraction | int | None, digits: int = 1) -> str:
    """A rate as a percentage, rounded half up; ``"—"`` for ``None``.

    Rounding is done on the exact fraction, so ``1/8`` is ``12.5%`` and
    ``2/3`` is ``66.7%`` — never a float artefact.

    >>> percent(Fraction(2, 3)), percent(Fraction(1, 8), 0), percent(None)
    ('66.7%', '13%', '—')
    """
    if value is None:
        return "—"
    if type(digits) is not int or digits < 0:
        msg = f"Expected digits to be a whole number ≥ 0, got {digits!r}."
        raise ValueError(msg)
    scaled = Fraction(value) * 100 * 10**digits
    sign = "-" if scaled < 0 else ""
    n = int(abs(scaled) + Fraction(1, 2))  # half up, on the exact value
    whole, frac = divmod(n, 10**digits)
    text = f"{whole}.{frac:0{digits}d}" if digits else str(whole)
    return f"{sign}{text}%"


def _rate(numerator: int, denominator: int) -> Rate:
    return None if denominator == 0 else Fraction(numerator, denominator)


class _Rates:
    """Shared behaviour of the rate records: labels, dicts, percentages."""

    LABELS: ClassVar[Mapping[str, str]]

    def as_dict(self, names: Names = "en") -> dict[str, Rate]:
        """Every rate by attribute name (``"en"``) or Chinese label (``"zh"``)."""
        if names not in ("en", "zh"):
            msg = f"Expected names to be 'en' or 'zh', got {names!r}."
            raise ValueError(msg)
        return {
            (label if names == "zh" else attr): getattr(self, attr)
            for attr, label in self.LABELS.items()
        }

    @property
    def zh(self) -> dict[str, Rate]:
        """Every rate keyed by its Chinese label (立案率, 结案率 …)."""
        return self.as_dict("zh")

    def percent(self, name: str, digits: int = 1) -> str:
        """One rate, by attribute name or Chinese label, as a percentage.

        Raises:
            KeyError: no rate has that name.
        """
        for attr, label in self.LABELS.items():
            if name in (attr, label):
                return percent(getattr(self, attr), digits)
        known = ", ".join(f"{a} ({z})" for a, z in self.LABELS.items())
        msg = f"No rate named {name!r}; known: {known}."
        raise KeyError(msg)

    def __str__(self) -> str:
        return ", ".join(
            f"{label} {percent(getattr(self, attr))}"
            for attr, label in self.LABELS.items()
        )

    def _rows(self) -> list[tuple[str, str, str, str]]:
        return [
            (label, attr, percent(getattr(self, attr)), _exact(getattr(self, attr)))
            for attr, label in self.LABELS.items()
        ]

    def _repr_html_(self) -> str:
        """The rates for Jupyter: label, name, percentage and the exact fraction."""
        return _html.block(
            type(self).__name__,
            "",
            _html.table(_RATE_HEAD, self._rows(), right=(2, 3)),
            name="rates",
        )


_RATE_HEAD: Final = ("指标", "rate", "%", "exact")


def _exact(value: Rate) -> str:
    return "" if value is None else f"{value.numerator}/{value.denominator}"


def _counts_html(record: Any, labels: Mapping[str, str], rates: _Rates) -> str:
    counts = [(labels[name], name, getattr(record, name)) for name in record.FIELDS]
    total = sum(record.as_tuple())
    return _html.block(
        type(record).__name__,
        "(empty)" if total == 0 else "",
        _html.table(("数", "count", "n"), counts),
        _html.table(_RATE_HEAD, rates._rows(), right=(2, 3)),
        name="counts",
    )


# --------------------------------------------------------------------------
# Count records.


def _count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int:
        msg = (
            f"Expected {type(instance).__name__}.{attribute.name} to be a whole "
            f"number of tickets (int), got {value!r}."
        )
        raise TypeError(msg)


def _check_counts(
    record: Any, bounds: Iterable[tuple[str, str | None, int, str]]
) -> None:
    """Collect every negative count and every broken bound, then raise once.

    ``bounds``: (field, bound field name or None, bound value, why).
    """
    cls = type(record).__name__
    problems = [
        Problem(cls, a.name, f"expected a count ≥ 0, got {getattr(record, a.name)}.")
        for a in attrs.fields(type(record))
        if getattr(record, a.name) < 0
    ]
    for name, bound_name, bound, why in bounds:
        value = getattr(record, name)
        if value > bound >= 0:
            shown = bound_name or str(bound)
            problems.append(
                Problem(
                    cls,
                    name,
                    f"expected {name} ≤ {shown} ({why}), got {name}={value} > {bound}.",
                )
            )
    if problems:
        raise ValidationError(problems)


def _count_field() -> Any:
    return attrs.field(default=0, validator=_count)


@attrs.frozen(kw_only=True)
class CaseRates(_Rates):
    """The six 数字城管 rates of a :class:`CaseCounts`, as exact fractions.

    Each is ``None`` when its denominator is 0.  ``LABELS`` maps the
    attributes to their Chinese names.

    Attributes:
        filing: 立案率 = filed / accepted.
        dispatch: 派遣率 = dispatched / filed.
        closure: 结案率 = closed / due (应结案数).
        on_time_closure: 按期结案率 = closed_on_time / due.
        rework: 返工率 = reworked / due.
        extension: 延期率 = extended / due.

    >>> r = CaseCounts(due=4, closed=3, closed_on_time=2).rates()
    >>> r.filing is None, r.zh["按期结案率"], r.percent("结案率")
    (True, Fraction(1, 2), '75.0%')
    """

    LABELS: ClassVar[Mapping[str, str]] = {
        "filing": "立案率",
        "dispatch": "派遣率",
        "closure": "结案率",
        "on_time_closure": "按期结案率",
        "rework": "返工率",
        "extension": "延期率",
    }

    filing: Rate
    dispatch: Rate
    closure: Rate
    on_time_closure: Rate
    rework: Rate
    extension: Rate


@attrs.frozen(kw_only=True)
class CaseCounts:
    """The 数字城管 counts of one node in one period; ``rates()`` divides them.

    All counts are whole numbers ≥ 0 (default 0, so ``CaseCounts()`` is the
    zero of ``sum``).  The definitions (see :func:`case_counts`) guarantee
    and the constructor enforces: ``filed ≤ accepted``, ``dispatched ≤
    filed``, ``closed ≤ due``, ``closed_on_time ≤ closed``, ``reworked ≤
    due`` and ``extended ≤ due``.  ``due`` is *not* bounded by ``filed`` or
    ``accepted``: it counts cases whose deadline falls in the period and
    carry-over, whenever they were filed.

    Counts add (``+``, ``sum(counts, CaseCounts())`` or plain ``sum``) for
    rollups; rates never add — take ``rates()`` of the sum.

    Attributes:
        accepted: 受理数 — reports received in the period.
        filed: 立案数 — of those, filed (案卷建立) as cases.
        dispatched: 派遣数 — of those filed, dispatched (任务派遣).
        due: 应结案数 — cases due in the period, carry-over included.
        closed: 结案数 — of the due cases, closed by the period's end.
        closed_on_time: 按期结案数 — of those, closed by their deadline.
        reworked: 返工数 — of the due cases, sent back at least once.
        extended: 延期数 — of the due cases, extended at least once.

    Raises:
        TypeError: a count is not an int.
        ValidationError: counts are negative or inconsistent; lists every
            problem, each naming the field.

    >>> a = CaseCounts(accepted=3, filed=2, dispatched=2, due=2, closed=1)
    >>> b = CaseCounts(accepted=1, filed=1, due=1, closed=1, closed_on_time=1)
    >>> (a + b).rates().closure, sum([a, b]) == a + b
    (Fraction(2, 3), True)
    >>> CaseCounts(due=1, closed=2, closed_on_time=3)
    Traceback (most recent call last):
    ...
    redcity.errors.ValidationError: 2 problems found:
      - CaseCounts.closed: expected closed ≤ due (...), got closed=2 > 1.
      - CaseCounts.closed_on_time: expected closed_on_time ≤ closed (...), ...
    """

    accepted: int = _count_field()
    filed: int = _count_field()
    dispatched: int = _count_field()
    due: int = _count_field()
    closed: int = _count_field()
    closed_on_time: int = _count_field()
    reworked: int = _count_field()
    extended: int = _count_field()

    FIELDS: ClassVar[tuple[str, ...]] = (
        "accepted",
        "filed",
        "dispatched",
        "due",
        "closed",
        "closed_on_time",
        "reworked",
        "extended",
    )
    """The count fields, in order."""

    def __attrs_post_init__(self) -> None:
        _check_counts(
            self,
            [
                ("filed", "accepted", self.accepted, "a case is filed from a report"),
                ("dispatched", "filed", self.filed, "only filed cases are dispatched"),
                ("closed", "due", self.due, "closed counts due cases only"),
                (
                    "closed_on_time",
                    "closed",
                    self.closed,
                    "on-time closures are closures",
                ),
                ("reworked", "due", self.due, "reworked counts due cases only"),
                ("extended", "due", self.due, "extended counts due cases only"),
            ],
        )

    @classmethod
    def from_sequence(cls, values: Iterable[int]) -> CaseCounts:
        """Counts from eight numbers in :attr:`FIELDS` order.

        >>> CaseCounts.from_sequence([2, 2, 1, 1, 1, 1, 0, 0]).dispatched
        1
        """
        return cls(**dict(zip(cls.FIELDS, values, strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        """The counts in :attr:`FIELDS` order."""
        return attrs.astuple(self)

    def __add__(self, other: object) -> CaseCounts:
        if not isinstance(other, CaseCounts):
            return NotImplemented
        return CaseCounts.from_sequence(
            a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)
        )

    def __radd__(self, other: object) -> CaseCounts:
        if other == 0 and type(other) is int:  # sum() without a start
            return self
        return NotImplemented

    def _repr_html_(self) -> str:
        """The counts and their six rates for Jupyter (exact fractions shown).

        >>> page = CaseCounts(due=4, closed=3)._repr_html_()
        >>> "结案率" in page, "75.0%" in page, "3/4" in page
        (True, True, True)
        """
        return _counts_html(self, _CASE_ZH, self.rates())

    def rates(self) -> CaseRates:
        """The six rates, exact; ``None`` where the denominator is 0.

        References:
            GB/T 30428 series; CJJ/T 106; CJ/T 292: 立案率 = 立案数/受理数,
            派遣率 = 派遣数/立案数, and 结案率, 按期结案率, 返工率, 延期率
            over 应结案数 (DESIGN §2).

        >>> CaseCounts(accepted=8, filed=6).rates().filing
        Fraction(3, 4)
        """
        due = self.due
        return CaseRates(
            filing=_rate(self.filed, self.accepted),
            dispatch=_rate(self.dispatched, self.filed),
            # 结案率 etc. divide by 应结案数 (due, carry-over included), not by
            # the cases filed in the period (CJ/T 292; DESIGN §2).
            closure=_rate(self.closed, due),
            on_time_closure=_rate(self.closed_on_time, due),
            rework=_rate(self.reworked, due),
            extension=_rate(self.extended, due),
        )


def _weight(name: str, value: object, problems: list[Problem]) -> Fraction:
    if isinstance(value, bool | float):
        problems.append(
            Problem(
                "HotlineWeights",
                name,
                f"expected an exact weight (int, Fraction, Decimal or a string "
                f"like '0.9'), got {value!r}; write Fraction('{value}') instead.",
            )
        )
        return Fraction(0)
    if not isinstance(value, int | Fraction | Decimal | str):
        problems.append(
            Problem("HotlineWeights", name, f"expected a weight, got {value!r}.")
        )
        return Fraction(0)
    try:
        weight = Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        problems.append(
            Problem("HotlineWeights", name, f"expected a weight, got {value!r}.")
        )
        return Fraction(0)
    if not 0 <= weight <= 1:
        problems.append(
            Problem(
                "HotlineWeights", name, f"expected a weight in [0, 1], got {weight}."
            )
        )
    return weight


@attrs.frozen(kw_only=True, init=False)
class HotlineWeights:
    """The weights of the 接诉即办 assessment: local configuration.

    Attributes:
        response: Weight of 响应率 in the composite score.
        resolution: Weight of 解决率 in the composite score.
        satisfaction: Weight of 满意率 in the composite score.
        basically_satisfied: How much a 基本满意 counts towards 满意率
            (default 9/10; a 满意 counts 1, a 不满意 0).

    The three composite weights must add up to 1; every weight lies in
    [0, 1].  Weights are exact: ints, Fractions, Decimals or strings such as
    ``"0.45"``; floats are refused (``0.9`` is not nine tenths).  The
    defaults (1/10, 9/20, 9/20 and 9/10) are a documented starting point,
    not a national figure.

    Raises:
        ValidationError: listing every bad weight.

    >>> HotlineWeights(response="0.2", resolution="0.4", satisfaction="0.4")
    HotlineWeights(response=Fraction(1, 5), resolution=Fraction(2, 5), satisfaction=Fraction(2, 5), basically_satisfied=Fraction(9, 10))
    >>> HotlineWeights(response=0.5, resolution=0, satisfaction=0)
    Traceback (most recent call last):
    ...
    redcity.errors.ValidationError: 2 problems found:
      - HotlineWeights.response: expected an exact weight ...; write Fraction('0.5') instead.
      - HotlineWeights.satisfaction: expected response + resolution + satisfaction = 1, got 0.
    """  # noqa: E501

    response: Fraction
    resolution: Fraction
    satisfaction: Fraction
    basically_satisfied: Fraction

    def __init__(
        self,
        *,
        response: Fraction | int | str = Fraction(1, 10),
        resolution: Fraction | int | str = Fraction(9, 20),
        satisfaction: Fraction | int | str = Fraction(9, 20),
        basically_satisfied: Fraction | int | str = Fraction(9, 10),
    ) -> None:
        problems: list[Problem] = []
        values = {
            "response": _weight("response", response, problems),
            "resolution": _weight("resolution", resolution, problems),
            "satisfaction": _weight("satisfaction", satisfaction, problems),
            "basically_satisfied": _weight(
                "basically_satisfied", basically_satisfied, problems
            ),
        }
        total = values["response"] + values["resolution"] + values["satisfaction"]
        if total != 1:
            problems.append(
                Problem(
                    "HotlineWeights",
                    "satisfaction",
                    f"expected response + resolution + satisfaction = 1, got {total}.",
                )
            )
        if problems:
            raise ValidationError(problems)
        self.__attrs_init__(**values)


DEFAULT_HOTLINE_WEIGHTS: Final = HotlineWeights()
"""响应率 1/10, 解决率 9/20, 满意率 9/20; 基本满意 counts 9/10 (local configuration)."""


@attrs.frozen(kw_only=True)
class HotlineRates(_Rates):
    """The 接诉即办 rates of a :class:`HotlineCounts`, exact.

    Attributes:
        response: 响应率 = responded / (received − redirected).
        resolution: 解决率 = resolved / (received − redirected).
        satisfaction: 满意率 = (satisfied + w × basically_satisfied) / rated,
            ``w`` the 基本满意 weight (9/10 by default).
        composite: 综合得分, the weighted sum of the three; ``None`` when any
            of them is ``None``.

    >>> r = HotlineCounts(received=10, responded=10, resolved=8, satisfied=6,
    ...                   basically_satisfied=2).rates()
    >>> r.satisfaction, r.composite, r.percent("满意率")
    (Fraction(39, 40), Fraction(719, 800), '97.5%')
    """

    LABELS: ClassVar[Mapping[str, str]] = {
        "response": "响应率",
        "resolution": "解决率",
        "satisfaction": "满意率",
        "composite": "综合得分",
    }

    response: Rate
    resolution: Rate
    satisfaction: Rate
    composite: Rate


@attrs.frozen(kw_only=True)
class HotlineCounts:
    """The 接诉即办 counts of one node in one period; ``rates()`` divides them.

    Redirected requests (转办: emergencies to 110/119/120/122, matters
    outside the duty list) are received but not assessed: the rates divide
    by ``received − redirected`` (:attr:`assessed`).  The constructor
    enforces what the definitions guarantee: ``redirected ≤ received``,
    ``responded ≤ assessed``, ``resolved ≤ responded`` (a ticket is resolved
    only after it was taken) and ``rated ≤ responded``.

    Attributes:
        received: Requests received in the period (接诉).
        redirected: Of those, redirected (转办) by the period's end.
        responded: Of the assessed ones, taken (接单, 响应) by the end.
        resolved: Of the assessed ones, standing resolved at the end.
        satisfied: Of the assessed ones, last rated 满意.
        basically_satisfied: … last rated 基本满意.
        dissatisfied: … last rated 不满意.

    Raises:
        TypeError: a count is not an int.
        ValidationError: counts are negative or inconsistent (every problem
            listed, each naming the field).

    >>> h = HotlineCounts(received=5, redirected=1, responded=4, resolved=3,
    ...                   satisfied=2, dissatisfied=1)
    >>> h.assessed, h.rated, h.rates().resolution
    (4, 3, Fraction(3, 4))
    """

    received: int = _count_field()
    redirected: int = _count_field()
    responded: int = _count_field()
    resolved: int = _count_field()
    satisfied: int = _count_field()
    basically_satisfied: int = _count_field()
    dissatisfied: int = _count_field()

    FIELDS: ClassVar[tuple[str, ...]] = (
        "received",
        "redirected",
        "responded",
        "resolved",
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
    )
    """The count fields, in order."""

    def __attrs_post_init__(self) -> None:
        assessed = self.received - self.redirected
        bounds: list[tuple[str, str | None, int, str]] = [
            ("redirected", "received", self.received, "redirected from received"),
            (
                "responded",
                "received - redirected",
                assessed,
                "only assessed requests are responded to",
            ),
            (
                "resolved",
                "responded",
                self.responded,
                "a request is resolved after it is taken",
            ),
        ]
        _check_counts(self, bounds)
        if self.rated > self.responded:
            problem = Problem(
                "HotlineCounts",
                "dissatisfied",
                f"expected satisfied + basically_satisfied + dissatisfied ≤ "
                f"responded (a request is rated after it is taken), got "
                f"{self.rated} > {self.responded}.",
            )
            raise ValidationError([problem])

    @property
    def assessed(self) -> int:
        """Received minus redirected: the requests the rates judge (应办件)."""
        return self.received - self.redirected

    @property
    def rated(self) -> int:
        """Requests with a rating: 满意 + 基本满意 + 不满意."""
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @classmethod
    def from_sequence(cls, values: Iterable[int]) -> HotlineCounts:
        """Counts from seven numbers in :attr:`FIELDS` order."""
        return cls(**dict(zip(cls.FIELDS, values, strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        """The counts in :attr:`FIELDS` order."""
        return attrs.astuple(self)

    def __add__(self, other: object) -> HotlineCounts:
        if not isinstance(other, HotlineCounts):
            return NotImplemented
        return HotlineCounts.from_sequence(
            a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)
        )

    def __radd__(self, other: object) -> HotlineCounts:
        if other == 0 and type(other) is int:
            return self
        return NotImplemented

    def _repr_html_(self) -> str:
        """The counts and their rates (default weights) for Jupyter."""
        return _counts_html(self, _HOTLINE_ZH, self.rates())

    def rates(self, weights: HotlineWeights = DEFAULT_HOTLINE_WEIGHTS) -> HotlineRates:
        """响应率, 解决率, 满意率 and their weighted composite, exact.

        Args:
            weights: The composite's weights and the weight of 基本满意
                (local configuration; :data:`DEFAULT_HOTLINE_WEIGHTS`).

        References:
            《北京市接诉即办工作条例》 (2021): 响应率, 解决率, 满意率; the
            weights are local configuration.

        >>> h = HotlineCounts(received=4, responded=4, resolved=4,
        ...                   basically_satisfied=4)
        >>> h.rates().satisfaction
        Fraction(9, 10)
        >>> h.rates(HotlineWeights(basically_satisfied=1)).satisfaction
        Fraction(1, 1)
        """
        if not isinstance(weights, HotlineWeights):
            msg = f"Expected weights to be HotlineWeights, got {weights!r}."
            raise TypeError(msg)
        response = _rate(self.responded, self.assessed)
        resolution = _rate(self.resolved, self.assessed)
        rated = self.rated
        satisfaction = (
            None
            if rated == 0
            else (
                self.satisfied + weights.basically_satisfied * self.basically_satisfied
            )
            / rated
        )
        composite = (
            None
            if response is None or resolution is None or satisfaction is None
            else weights.response * response
            + weights.resolution * resolution
            + weights.satisfaction * satisfaction
        )
        return HotlineRates(
            response=response,
            resolution=resolution,
            satisfaction=satisfaction,
            composite=composite,
        )


@attrs.frozen(kw_only=True)
class ResolutionShares:
    """Where the cases closed in a period were resolved: 网格内, 社区内, 社区以上.

    The three classes are disjoint (``community`` excludes the grid's own
    cases); ``grid + community`` is "settled within the community"
    (小事不出网格、大事不出社区).

    Attributes:
        grid: Cases resolved inside the grid where they arose.
        community: Cases resolved in the community, outside that grid.
        above: Cases resolved above the community, or by a department.

    >>> s = ResolutionShares(grid=6, community=3, above=1)
    >>> s.total, s.grid_share, s.within_community_share, s.above_share
    (10, Fraction(3, 5), Fraction(9, 10), Fraction(1, 10))
    >>> ResolutionShares().grid_share is None
    True
    """

    grid: int = _count_field()
    community: int = _count_field()
    above: int = _count_field()

    FIELDS: ClassVar[tuple[str, ...]] = ("grid", "community", "above")

    def __attrs_post_init__(self) -> None:
        _check_counts(self, [])

    @property
    def total(self) -> int:
        """Every case counted."""
        return self.grid + self.community + self.above

    @property
    def grid_share(self) -> Rate:
        """Share resolved within the grid (网格内)."""
        return _rate(self.grid, self.total)

    @property
    def community_share(self) -> Rate:
        """Share resolved in the community but outside the grid (社区内)."""
        return _rate(self.community, self.total)

    @property
    def within_community_share(self) -> Rate:
        """Share resolved within the community, its grids included."""
        return _rate(self.grid + self.community, self.total)

    @property
    def above_share(self) -> Rate:
        """Share resolved above the community (社区以上) or by a department."""
        return _rate(self.above, self.total)

    def shares(self) -> dict[Scope, Rate]:
        """The three disjoint shares by :class:`~redcity.dispatch.policies.Scope`."""
        return {
            Scope.GRID: self.grid_share,
            Scope.COMMUNITY: self.community_share,
            Scope.ABOVE: self.above_share,
        }

    def __add__(self, other: object) -> ResolutionShares:
        if not isinstance(other, ResolutionShares):
            return NotImplemented
        return ResolutionShares(
            grid=self.grid + other.grid,
            community=self.community + other.community,
            above=self.above + other.above,
        )

    def __radd__(self, other: object) -> ResolutionShares:
        if other == 0 and type(other) is int:
            return self
        return NotImplemented


# --------------------------------------------------------------------------
# From ticket histories.


def ticket_as_of(ticket: Ticket, moment: datetime) -> Ticket | None:
    """The ticket as it stood just before ``moment``: the replay of its
    events strictly earlier than ``moment``; ``None`` if it was not yet
    reported.

    >>> from datetime import datetime, timedelta, timezone
    >>> cst = timezone(timedelta(hours=8))
    >>> t = Ticket.report("T1", at=datetime(2026, 3, 31, 9, tzinfo=cst),
    ...     actor="w", service_code="env.garbage", node_id="b1",
    ...     severity="small", source="grid_patrol")
    >>> t = t.file(at=datetime(2026, 4, 1, 9, tzinfo=cst), actor="center")
    >>> ticket_as_of(t, datetime(2026, 4, 1, tzinfo=cst)).status.value
    'reported'
    >>> ticket_as_of(t, datetime(2026, 3, 1, tzinfo=cst)) is None
    True
    """
    events = ticket.events
    if events[-1].at < moment:
        return ticket
    k = bisect.bisect_left(events, moment, key=lambda e: e.at)
    if k == 0:
        return None
    return replay(ticket.service_request_id, events[:k])


_STANDING_RESOLVED: Final = frozenset(
    {Status.RESOLVED, Status.PUBLICIZED, Status.VERIFIED, Status.RATED, Status.CLOSED}
)


def _case_flags(t: Ticket, start: datetime, end: datetime) -> tuple[int, ...]:
    """One ticket's contribution (0/1 per field) to a period's CaseCounts.

    ``t`` is the ticket as of the period's end.
    """
    accepted = start <= t.requested_datetime
    redirected = t.redirected_at is not None
    is_case = not redirected and t.filed_at is not None
    filed = accepted and is_case
    dispatched = filed and t.dispatched_at is not None
    deadline = t.expected_datetime
    closed_at = t.closed_at
    due = (
        is_case
        and deadline is not None
        and deadline < end
        and (
            deadline >= start  # falls in the period
            # carry-over: due earlier and still open when the period starts
            or closed_at is None
            or closed_at >= start
        )
    )
    closed = due and closed_at is not None
    on_time = closed and bool(t.closed_on_time)
    return (
        int(accepted),
        int(filed),
        int(dispatched),
        int(due),
        int(closed),
        int(on_time),
        int(due and t.was_reworked),
        int(due and t.was_extended),
    )


def _period(period: Period | str) -> Period:
    if isinstance(period, Period):
        return period
    if isinstance(period, str):
        return Period.parse(period)
    msg = f"Expected a Period or a label such as '2026-Q1', got {period!r}."
    raise TypeError(msg)


def _own_counts(
    tickets: Iterable[Ticket],
    period: Period,
    flags: Callable[[Ticket, datetime, datetime], tuple[int, ...] | None],
    width: int,
) -> dict[str, list[int]]:
    """Sum each ticket's flags under its own node id."""
    start, end = period.start, period.end
    own: dict[str, list[int]] = {}
    for ticket in tickets:
        if not isinstance(ticket, Ticket):
            msg = f"Expected Tickets, got {ticket!r}; replay stored events first."
            raise TypeError(msg)
        t = ticket_as_of(ticket, end)
        if t is None:
            continue
        row = flags(t, start, end)
        if row is None or not any(row):
            continue
        acc = own.setdefault(t.node_id, [0] * width)
        for i, v in enumerate(row):
            acc[i] += v
    return own


def _level(by: Level | str | None) -> Level | None:
    return None if by is None else Level.parse(by)


def _rolled(
    own: dict[str, list[int]],
    width: int,
    tree: GridTree | None,
    by: Level | str | None,
) -> dict[str, tuple[int, ...]]:
    """Per own node (no tree), or rolled up over the tree and selected by level."""
    level = _level(by)
    if tree is None:
        if level is not None:
            msg = f"by={by!r} needs a tree to find each ticket's ancestor; pass tree=."
            raise ValueError(msg)
        return {node: tuple(row) for node, row in own.items()}
    unknown = sorted(n for n in own if n not in tree)
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        msg = f"Tickets concern nodes not in the tree: {shown}{more}."
        raise UnknownNode(msg)
    ids = tree.ids
    zero = [0] * width
    rows = [own.get(i, zero) for i in ids]
    # Counts add, so each field is one integer rollup (prefix sums).
    columns = [tree.rollup_array([r[k] for r in rows]) for k in range(width)]
    wanted = ids if level is None else tree.nodes(level)
    index = tree.index
    return {n: tuple(col[index(n)] for col in columns) for n in wanted}


def case_counts(
    tickets: Iterable[Ticket],
    period: Period | str,
    *,
    tree: GridTree | None = None,
    by: Level | str | None = None,
) -> dict[str, CaseCounts]:
    """The 数字城管 counts of a period, per node, from ticket histories.

    Every count takes each ticket **as it stood at the period's end** (its
    events strictly before ``period.end``; see :func:`ticket_as_of`), so
    the figures of a past period never change.  With ``start`` and ``end``
    the period's bounds (local midnights in its zone, Asia/Shanghai by
    default):

    * **accepted** (受理数): reported in ``[start, end)``, whatever happened
      next — redirected tickets count here only.
    * **filed** (立案数): of the accepted, filed by ``end`` (the ``file``
      event, or the first dispatch for the five orders) and not redirected
      (转办 to 110/119/120/122 or outside the duty list: not a case).
    * **dispatched** (派遣数): of the filed, dispatched by ``end``.
    * **due** (应结案数): filed (by ``end``), not redirected, and with a
      deadline — the deadline in force at ``end``, so an approved 延期 moves
      a case into the period of its extended deadline — that either falls
      in ``[start, end)``, or falls before ``start`` while the case was
      still open at ``start`` (carry-over: a case open past its deadline
      is due again in every period until it closes).  Tickets without a
      deadline are never due.
    * **closed** (结案数): of the due, closed by ``end``.
    * **closed_on_time** (按期结案数): of the closed, closed by the deadline
      in force when they closed (:attr:`Ticket.closed_on_time`).
    * **reworked** (返工数) / **extended** (延期数): of the due, sent back
      (failed verification or rating, explicit rework) / extended at least
      once by ``end``.

    The intake counts follow the period's reports (a cohort), so that
    ``filed ≤ accepted`` and ``dispatched ≤ filed``: a report received late
    on the last day and filed after ``end`` is never counted as filed.

    Args:
        tickets: Replayed tickets (any order; read once).
        period: A :class:`~redcity.calendars.Period` or its label.
        tree: The grid; without one, counts are keyed by each ticket's own
            ``node_id`` (only nodes with something to count appear).
        by: With a tree, the level whose nodes to report (``"社区"``,
            ``Level.STREET`` …): each node's counts cover every ticket at or
            below it.  ``None`` reports every node of the tree, rolled up
            (the root holds the total).  Tickets above that level are
            counted by no node of it.

    Raises:
        UnknownNode: a ticket concerns a node missing from ``tree``.
        ValueError: ``by`` without a tree, or an unknown level.
        TypeError: something other than a ticket.

    References:
        GB/T 30428 series; CJJ/T 106; CJ/T 292 (数字城管 evaluation): 应结案数
        includes the cases carried over from earlier periods.

    >>> from datetime import datetime, timedelta, timezone
    >>> from redcity.grid import GridTree
    >>> cst = timezone(timedelta(hours=8))
    >>> def at(month, day, hour=9):
    ...     return datetime(2026, month, day, hour, tzinfo=cst)
    >>> tree = GridTree.from_records([
    ...     {"id": "c1", "parent": None, "level": "社区", "name": "娄山社区"},
    ...     {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
    ...     {"id": "b1", "parent": "g1", "level": "楼栋", "name": "1栋"},
    ... ])
    >>> def case(tid, day, due):
    ...     t = Ticket.report(tid, at=at(3, day), actor="w", node_id="b1",
    ...         service_code="env.garbage", severity="small", source="网格巡查")
    ...     return t.file(at=at(3, day, 10), actor="center").dispatch(
    ...         at=at(3, day, 11), to="g1", level="网格", actor="center", due=due)
    >>> late = case("T1", 20, at(3, 25))       # due in March, still open
    >>> done = case("T2", 21, at(3, 28)).accept(at=at(3, 22), actor="w")
    >>> done = done.resolve(at=at(3, 23), actor="w").verify(
    ...     True, at=at(3, 23, 15), actor="s").close(at=at(3, 23, 16), actor="s")
    >>> march = case_counts([late, done], "2026-03", tree=tree, by="社区")
    >>> march["c1"]
    CaseCounts(accepted=2, filed=2, dispatched=2, due=2, closed=1, closed_on_time=1, reworked=0, extended=0)
    >>> case_counts([late, done], "2026-04", tree=tree)["g1"].due   # carry-over
    1
    """  # noqa: E501
    p = _period(period)
    width = len(CaseCounts.FIELDS)
    own = _own_counts(tickets, p, _case_flags, width)
    return {
        n: CaseCounts.from_sequence(row)
        for n, row in _rolled(own, width, tree, by).items()
    }


def _check_scale(satisfied_from: object, basic_from: object) -> None:
    for name, value in (("satisfied_from", satisfied_from), ("basic_from", basic_from)):
        if type(value) is not int or not 1 <= value <= 5:
            msg = f"Expected {name} to be a rating from 1 to 5, got {value!r}."
            raise ValueError(msg)
    assert isinstance(satisfied_from, int)
    assert isinstance(basic_from, int)
    if basic_from > satisfied_from:
        msg = (
            f"Expected basic_from ≤ satisfied_from, got {basic_from} > "
            f"{satisfied_from}."
        )
        raise ValueError(msg)


def hotline_counts(
    tickets: Iterable[Ticket],
    period: Period | str,
    *,
    tree: GridTree | None = None,
    by: Level | str | None = None,
    sources: Collection[Source | str] | None = None,
    satisfied_from: int = DEFAULT_SATISFIED_FROM,
    basic_from: int = DEFAULT_PASSING_SCORE,
) -> dict[str, HotlineCounts]:
    """The 接诉即办 counts of a period, per node, from ticket histories.

    The cohort is the requests received in the period (reported in
    ``[start, end)``), each taken as it stood at the period's end:

    * **received**: reported in the period (from ``sources`` only, if given).
    * **redirected**: of those, redirected (转办) by ``end``: not assessed.
    * **responded** (响应): of the assessed, taken (接单, the first
      ``accept``) by ``end``.  Timeliness against a response clock is not
      judged here: filter the tickets first if your assessment needs it.
    * **resolved** (解决): of the assessed, standing resolved at ``end`` —
      resolved and not sent back since (resolved, publicized, verified,
      rated or closed).
    * **satisfied / basically_satisfied / dissatisfied**: of the assessed,
      by the *last* rating given by ``end`` (the final call-back, 回访):
      ``score ≥ satisfied_from`` is 满意, ``score ≥ basic_from`` 基本满意,
      lower 不满意.

    Args:
        tickets: Replayed tickets (any order; read once).
        period: A :class:`~redcity.calendars.Period` or its label.
        tree: The grid (see :func:`case_counts`).
        by: The level to report (see :func:`case_counts`).
        sources: Only requests from these sources (e.g. ``["12345"]``);
            every source when ``None``.
        satisfied_from: The lowest rating counted 满意 (default 5).
        basic_from: The lowest rating counted 基本满意 (default 3, the
            passing score: lower ratings send the ticket back).

    Raises:
        UnknownNode: a ticket concerns a node missing from ``tree``.
        ValueError: a bad rating bound, ``by`` without a tree.

    References:
        《北京市接诉即办工作条例》 (2021): every request is called back and
        assessed by 响应率, 解决率, 满意率.

    >>> from datetime import datetime, timedelta, timezone
    >>> cst = timezone(timedelta(hours=8))
    >>> def at(day, hour=9):
    ...     return datetime(2026, 5, day, hour, tzinfo=cst)
    >>> t = Ticket.report("H1", at=at(6), actor="12345", node_id="b1",
    ...     service_code="care.wish", severity="small", source="12345")
    >>> t = t.dispatch(at=at(6, 10), to="g1", level="网格", actor="c")
    >>> t = t.accept(at=at(6, 11), actor="m").resolve(at=at(7), actor="m")
    >>> t = t.rate(4, at=at(8), actor="resident")
    >>> h = hotline_counts([t], "2026-05")["b1"]
    >>> h.responded, h.resolved, h.basically_satisfied, h.rates().satisfaction
    (1, 1, 1, Fraction(9, 10))
    """
    _check_scale(satisfied_from, basic_from)
    wanted = None if sources is None else frozenset(Source.parse(s) for s in sources)

    def flags(t: Ticket, start: datetime, end: datetime) -> tuple[int, ...] | None:
        if t.requested_datetime < start or (
            wanted is not None and t.source not in wanted
        ):
            return None
        if t.redirected_at is not None:
            return (1, 1, 0, 0, 0, 0, 0)
        ratings = t.ratings
        last = ratings[-1] if ratings else None
        return (
            1,
            0,
            int(t.accepted_at is not None),
            int(t.status in _STANDING_RESOLVED),
            int(last is not None and last >= satisfied_from),
            int(last is not None and basic_from <= last < satisfied_from),
            int(last is not None and last < basic_from),
        )

    p = _period(period)
    width = len(HotlineCounts.FIELDS)
    own = _own_counts(tickets, p, flags, width)
    return {
        n: HotlineCounts.from_sequence(row)
        for n, row in _rolled(own, width, tree, by).items()
    }


def _resolver(ticket: Ticket) -> Handler | str:
    if ticket.department is not None:
        return Handler.department(ticket.department)
    assert ticket.resolved_node is not None  # closed ⇒ resolved ⇒ handled
    return ticket.resolved_node


def resolution_shares(
    tickets: Iterable[Ticket],
    tree: GridTree,
    period: Period | str,
    *,
    by: Level | str | None = Level.COMMUNITY,
) -> dict[str, ResolutionShares]:
    """Where the cases closed in a period were resolved, per node.

    Counts every ticket closed (结案) in ``[start, end)`` by
    :func:`~redcity.dispatch.policies.resolution_scope` of the node it
    concerns and its resolver: the node that handled it at its last
    resolution (:attr:`Ticket.resolved_node`) — or, when a department was
    responsible (``agency_responsible`` is a department), the department,
    which counts as above the community.  Redirected tickets are never
    closed, so they never count.

    Args:
        tickets: Replayed tickets.
        tree: The grid; it must hold every ticket's node and resolver node.
        period: A :class:`~redcity.calendars.Period` or its label.
        by: The level to report (default communities; ``"街道"`` for
            streets, ``None`` for every node, rolled up).

    Raises:
        UnknownNode: a ticket's node or resolver is missing from ``tree``.

    References:
        中共中央 国务院《关于加强基层治理体系和治理能力现代化建设的意见》
        (2021): 小事不出村、大事不出镇 — here 小事不出网格、大事不出社区.

    >>> from datetime import datetime, timedelta, timezone
    >>> from redcity.grid import GridTree
    >>> cst = timezone(timedelta(hours=8))
    >>> tree = GridTree.from_records([
    ...     {"id": "s1", "parent": None, "level": "街道", "name": "南白街道"},
    ...     {"id": "c1", "parent": "s1", "level": "社区", "name": "娄山社区"},
    ...     {"id": "g1", "parent": "c1", "level": "网格", "name": "网格1"},
    ... ])
    >>> def closed(tid, handler, level):
    ...     t = Ticket.report(tid, at=datetime(2026, 3, 2, tzinfo=cst), actor="w",
    ...         node_id="g1", service_code="x.y", severity="big", source="网格巡查")
    ...     t = t.dispatch(at=t.requested_datetime, to=handler, level=level,
    ...                    actor="c").accept(at=t.requested_datetime, actor="h")
    ...     t = t.resolve(at=datetime(2026, 3, 3, tzinfo=cst), actor="h")
    ...     t = t.verify(True, at=datetime(2026, 3, 3, 1, tzinfo=cst), actor="s")
    ...     return t.close(at=datetime(2026, 3, 3, 2, tzinfo=cst), actor="s")
    >>> ts = [closed("A", "g1", "网格"), closed("B", "g1", "网格"),
    ...       closed("C", "c1", "社区"), closed("D", "s1", "街道")]
    >>> s = resolution_shares(ts, tree, "2026-03")["c1"]
    >>> s, s.grid_share
    (ResolutionShares(grid=2, community=1, above=1), Fraction(1, 2))
    """
    p = _period(period)
    problems: list[str] = []

    def flags(t: Ticket, start: datetime, end: datetime) -> tuple[int, ...] | None:
        closed_at = t.closed_at
        if closed_at is None or closed_at < start:
            return None
        resolver = _resolver(t)
        if isinstance(resolver, str) and resolver not in tree:
            problems.append(f"{t.id!r} resolved at {resolver!r}")
            return None
        if t.node_id not in tree:
            return (1, 0, 0)  # reported by _rolled as an unknown node
        scope = resolution_scope(tree, t.node_id, resolver)
        return (
            int(scope is Scope.GRID),
            int(scope is Scope.COMMUNITY),
            int(scope is Scope.ABOVE),
        )

    width = len(ResolutionShares.FIELDS)
    own = _own_counts(tickets, p, flags, width)
    if problems:
        shown = "; ".join(problems[:5])
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        msg = f"Tickets were resolved at nodes not in the tree: {shown}{more}."
        raise UnknownNode(msg)
    return {
        n: ResolutionShares(grid=row[0], community=row[1], above=row[2])
        for n, row in _rolled(own, width, tree, by).items()
    }


# --------------------------------------------------------------------------
# Cards.


def card_metrics(
    cases: Mapping[str, CaseCounts] | None = None,
    hotline: Mapping[str, HotlineCounts] | None = None,
    *,
    weights: HotlineWeights = DEFAULT_HOTLINE_WEIGHTS,
    names: Names = "zh",
) -> dict[str, dict[str, Fraction]]:
    """Rates as the plain ``{node id: {metric: value}}`` mapping cards read.

    Feed one period's mapping per period label to
    :func:`redcity.grid.cards.evaluate_cards`.  Metric names are the Chinese
    labels (立案率, 结案率, 按期结案率, 返工率, 延期率, 响应率, 解决率, 满意率,
    综合得分) or, with ``names="en"``, the attribute names.  A rate whose
    denominator is 0 is left out (the card policy's ``on_missing`` decides
    what a missing metric means); values are exact fractions in [0, 1].

    Args:
        cases: :class:`CaseCounts` per node (from :func:`case_counts`).
        hotline: :class:`HotlineCounts` per node (from :func:`hotline_counts`).
        weights: For the hotline composite and 基本满意.
        names: ``"zh"`` or ``"en"`` metric names.

    >>> from redcity.grid.cards import CardPolicy, Threshold, evaluate_cards
    >>> policy = CardPolicy([
    ...     Threshold("按期结案率", "higher", yellow=Fraction(9, 10), red=Fraction(7, 10)),
    ...     Threshold("返工率", "lower", yellow=Fraction(1, 10), red=Fraction(1, 5))])
    >>> march = {"g1": CaseCounts(due=10, closed=10, closed_on_time=10),
    ...          "g2": CaseCounts(due=10, closed=9, closed_on_time=8, reworked=1),
    ...          "g3": CaseCounts(due=4, closed=2, closed_on_time=2, reworked=1)}
    >>> metrics = card_metrics(march)
    >>> metrics["g2"]["按期结案率"], "派遣率" in metrics["g2"]
    (Fraction(4, 5), False)
    >>> history = evaluate_cards(policy, {"2026-03": metrics})
    >>> {d.node_id: d.card.zh for d in history.for_period("2026-03")}
    {'g1': '绿牌', 'g2': '黄牌', 'g3': '红牌'}
    """  # noqa: E501
    if names not in ("zh", "en"):
        msg = f"Expected names to be 'zh' or 'en', got {names!r}."
        raise ValueError(msg)
    out: dict[str, dict[str, Fraction]] = {}
    for node, counts in (cases or {}).items():
        row = out.setdefault(node, {})
        row.update(_present(counts.rates().as_dict(names)))
    for node, h in (hotline or {}).items():
        row = out.setdefault(node, {})
        row.update(_present(h.rates(weights).as_dict(names)))
    return out


def _present(rates: Mapping[str, Rate]) -> dict[str, Fraction]:
    return {k: v for k, v in rates.items() if v is not None}
