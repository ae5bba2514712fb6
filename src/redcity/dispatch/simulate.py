"""A reproducible discrete-event simulation of a district's dispatch.

Use it to compare dispatch policies before changing them.

:func:`simulate` plays a horizon (a quarter, a year) of residents' requests
and grid cases through the grid: requests arrive per (grid, category) at
the rates of an :class:`Arrivals` record; each is routed, given its SLA
deadline, dispatched, queued at its handler (grid workers, community and
street staff, departments — a :class:`Capacity`), taken when a worker is
free, resolved after a handling time, called back (rated or verified) and
closed.  Along the way an overdue case still waiting in a queue climbs one
level of the tree at a time within its severity's bound (the
:class:`Policy`'s escalation policy, 小事不出网格、大事不出社区); some
late cases get an extension (延期); a failed call-back sends a case back
(返工); the categories that need a department's powers blow a whistle
(吹哨) and the departments report (报到) before they act; emergencies and
matters outside the duty list are redirected (转办).  Work happens in
working hours of working days only, on a
:class:`~redcity.calendars.WorkCalendar` (调休 respected).

Every ticket is a real :class:`~redcity.dispatch.Ticket` built through its
public methods, so each one replays from its events, exports with
:func:`~redcity.dispatch.to_open311` and feeds
:mod:`redcity.dispatch.metrics`, which computes the result's rates.  Same
inputs and seed, same result; two policies on the same seed see the same
requests with the same work and the same residents' answers (common random
numbers), so their difference is the policies' alone.

How the model runs, once (the figures are :class:`Conditions`):

* **Time.**  The clock is *working time*: seconds inside the calendar's
  working hours, counted from the horizon's first working moment.  Requests
  arrive in working time (a Poisson process per (node, category), rates
  per working day; a report made after hours is received at the next
  working moment anyway) and every event is converted back to an aware
  datetime in the calendar's zone.  Events at or after the horizon's end do
  not happen: those tickets stay open (the backlog).
* **Intake.**  A report is routed at once (:attr:`Policy.routing`,
  memoized per (node, category)) and dispatched with its resolve deadline
  (:attr:`Policy.sla`, from the report time).  Grid patrol findings are
  filed (立案) first.  A category with a redirect (110/119/120/122, outside
  the duty list) is redirected at once and never dispatched.
* **Whistle.**  When :attr:`Policy.whistle` answers a whistle, the
  departments are summoned with its response deadline; each reports after
  a share of the response limit (within it for
  :attr:`Conditions.whistle_on_time` of the cases, up to twice it
  otherwise).  A case routed to a department is dispatched to the
  summoning street with that department responsible and joins the
  department's queue once the department reports.
* **Queues.**  Each handler (a node of the tree, or a department, district
  wide) has a number of workers (:class:`Capacity`) and serves its queue
  earliest deadline first.  A worker takes a case (接单) and resolves it
  after its handling time (:class:`HandlingTime` per category, times
  :attr:`Conditions.severity_factor`).
* **Deadline.**  At a case's deadline: a case still waiting in a node's
  queue escalates one level (:attr:`Policy.escalation`; a whistled case has
  its bound lifted) and is checked again every
  :attr:`Conditions.escalation_wait` working hours while it waits; a case
  that may not climb, or is in hand, is extended once with probability
  :attr:`Conditions.extension_rate` (by :attr:`Conditions.extension`).
* **Call-back.**  After :attr:`Conditions.callback_hours` (on average) the
  resident rates the result (grid patrol cases are verified instead; a
  resident's order, 群众点单, is publicized, 晒单, first).  With
  probability :attr:`Conditions.rework_rate` the first check fails and the
  case goes back to its handler for :attr:`Conditions.rework_factor` of its
  handling time; the second check passes.  A passing check closes the case.

The result (:class:`SimulationResult`) holds the tickets, the backlog and,
for a reporting period, the official rates per community and street
(:func:`~redcity.dispatch.metrics.case_counts`,
:func:`~redcity.dispatch.metrics.hotline_counts`) and where cases were
resolved (:func:`~redcity.dispatch.metrics.resolution_shares`).
:func:`compare` sets several results side by side.

>>> from redcity.datasets import synthetic
>>> from redcity.dispatch.simulate import Arrivals, Policy, simulate
>>> tree = synthetic(300)
>>> arrivals = Arrivals.from_tree(tree, per_grid=2)
>>> result = simulate(tree, Policy(), arrivals, "2026-03", seed=7)
>>> result == simulate(tree, Policy(), arrivals, "2026-03", seed=7)
True
>>> len(result.tickets) == result.closed + result.redirected + result.backlog
True
>>> t = result.tickets[0]
>>> from redcity.dispatch import Ticket
>>> Ticket.from_events(t.id, t.events) == t
True
"""

from __future__ import annotations

import heapq
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from fractions import Fraction
from html import escape
from itertools import accumulate
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeAlias
from zoneinfo import ZoneInfo

import attrs

from redcity._frames import no_pandas
from redcity.calendars import Period, PeriodKind, WorkCalendar, period_of
from redcity.dispatch.metrics import (
    CaseCounts,
    HotlineCounts,
    ResolutionShares,
    case_counts,
    hotline_counts,
    percent,
    resolution_shares,
)
from redcity.dispatch.policies import (
    BoundedEscalation,
    EscalationPolicy,
    Handler,
    RoutingPolicy,
    TableRouter,
    TableWhistle,
    WhistlePolicy,
    summoning_node,
)
from redcity.dispatch.sla import Limit, SlaTable, deadline, normalize_severity
from redcity.dispatch.taxonomy import DEFAULT_TAXONOMY, Taxonomy
from redcity.dispatch.tickets import Severity, Source, Status, Ticket
from redcity.errors import NaiveDatetimeError
from redcity.grid import GridTree, Level

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_CATEGORY_SHARES",
    "DEFAULT_HANDLING",
    "DEFAULT_PER_GRID",
    "DEFAULT_SEVERITY_MIX",
    "DEFAULT_SOURCES",
    "Arrivals",
    "Capacity",
    "Comparison",
    "Conditions",
    "HandlingTime",
    "Policy",
    "SimulationResult",
    "compare",
    "simulate",
]

SourceWeights: TypeAlias = "Mapping[Source, float] | Mapping[str, float]"
"""Weights of request sources, keyed by :class:`~redcity.dispatch.Source` or name."""

Horizon: TypeAlias = "Period | str | tuple[datetime, datetime]"
"""What :func:`simulate` plays: a :class:`~redcity.calendars.Period` (or its
label) or an aware ``(start, end)`` pair, end excluded."""

# --------------------------------------------------------------------------
# Defaults: local configuration, not national figures.

DEFAULT_PER_GRID: Final = 0.4
"""Requests per grid per working day (all categories): about 10^5 a year in
a district of ~1,000 grids such as 红花岗区 (968 grids × ~250 working days ×
0.4).  An assumption for planning, not a published figure."""

DEFAULT_CATEGORY_SHARES: Final[Mapping[str, float]] = MappingProxyType(
    {
        "facility.manhole": 3,
        "facility.streetlight": 4,
        "road.damage": 4,
        "greening.damage": 3,
        "env.garbage": 14,
        "env.noise": 6,
        "ads.illegal": 5,
        "order.street_vending": 5,
        "order.parking": 7,
        "construction.illegal": 2,
        "dispute.neighbour": 8,
        "dispute.property": 7,
        "safety.hazard": 4,
        "safety.fire_hazard": 2,
        "food.safety": 2,
        "health.public": 2,
        "care.elderly_disabled": 5,
        "care.meal": 3,
        "care.wish": 6,
        "emergency.crime": 1,
        "emergency.fire": 0.5,
        "emergency.medical": 1,
        "emergency.traffic": 1,
        "other.outside_duty": 2,
    }
)
"""Relative weights of the categories of
:data:`~redcity.dispatch.DEFAULT_TAXONOMY` among requests (an assumption:
city-management events and disputes dominate; a category missing from a
custom taxonomy's table gets weight 1)."""

DEFAULT_SOURCES: Final[Mapping[Source, float]] = MappingProxyType(
    {
        Source.HOTLINE_12345: 0.40,
        Source.GRID_PATROL: 0.35,
        Source.RESIDENT_ORDER: 0.15,
        Source.BUILDING_REPORT: 0.10,
    }
)
"""Where requests come from (weights; an assumption).  Grid patrol findings
follow the city-management loop (filed, verified); the others are rated by
the resident."""

DEFAULT_SEVERITY_MIX: Final[Mapping[str, float]] = MappingProxyType(
    {"small": 0.70, "big": 0.25, "urgent": 0.05}
)
"""Shares of small, big and urgent matters (an assumption)."""


def _positive_float(
    instance: object, attribute: attrs.Attribute[Any], value: Any
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        msg = f"Expected {attribute.name} to be a number, got {value!r}."
        raise TypeError(msg)
    if not math.isfinite(value) or value <= 0:
        msg = f"Expected {attribute.name} to be positive and finite, got {value!r}."
        raise ValueError(msg)


def _non_negative(
    instance: object, attribute: attrs.Attribute[Any], value: Any
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"Expected {attribute.name} to be a number, got {value!r}."
        raise TypeError(msg)
    if not math.isfinite(value) or value < 0:
        msg = f"Expected {attribute.name} ≥ 0 and finite, got {value!r}."
        raise ValueError(msg)


def _limit(value: Limit | str) -> Limit:
    return Limit.parse(value)


def _share(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        msg = f"Expected {attribute.name} to be a probability, got {value!r}."
        raise TypeError(msg)
    if not 0 <= value <= 1:
        msg = f"Expected {attribute.name} between 0 and 1, got {value!r}."
        raise ValueError(msg)


@attrs.frozen
class HandlingTime:
    """How long a worker takes on one case: log-normal, in working hours.

    Attributes:
        median: The median handling time, working hours (positive).
        sigma: The spread (the log-normal's sigma; 0 for a fixed time).

    >>> HandlingTime(2).hours(0.0), round(HandlingTime(2, 0.5).hours(1.0), 3)
    (2.0, 3.297)
    """

    median: float = attrs.field(validator=_positive_float)
    sigma: float = attrs.field(
        default=0.6,
        validator=_non_negative,
    )

    def hours(self, z: float) -> float:
        """The handling time for a standard normal draw ``z``."""
        return float(self.median) * math.exp(self.sigma * z)


DEFAULT_HANDLING: Final[Mapping[str, HandlingTime]] = MappingProxyType(
    {
        "dispute.neighbour": HandlingTime(4),
        "dispute.property": HandlingTime(4),
        "construction.illegal": HandlingTime(4),
        "care.elderly_disabled": HandlingTime(1.5),
        "care.meal": HandlingTime(1),
        "care.wish": HandlingTime(1.5),
    }
)
"""Per-category handling times that differ from :attr:`Conditions.default_handling`
(2 working hours median): disputes and illegal construction take longer,
services less (assumptions)."""


def _frozen(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


def _severity_factor(value: Mapping[Any, float]) -> Mapping[str, float]:
    return MappingProxyType({normalize_severity(k): float(v) for k, v in value.items()})


@attrs.frozen(kw_only=True)
class Conditions:
    """How the world answers: handling times, call-backs, rework, extensions.

    Not policy: the same conditions apply to every policy compared.
    Every figure is an assumption for planning, to be fitted to local data.

    Attributes:
        handling: Handling time per category code.
        default_handling: For categories missing from ``handling``.
        severity_factor: Multiplies handling times per severity (big
            matters take longer).
        callback_hours: Mean working hours from resolution to the call-back
            (rating or verification), exponential.
        rework_rate: Probability that a case's first check fails (返工).
        rework_factor: A reworked case takes this share of its handling time.
        extension_rate: Probability that a late case gets an extension (延期),
            once.
        extension: By how much an extension moves the deadline.
        escalation_wait: Working hours an escalated case waits before it
            may climb again.
        whistle_on_time: Share of summoned departments that report within
            the whistle's response limit.

    >>> Conditions(rework_rate=0.1).rework_rate
    0.1
    """

    handling: Mapping[str, HandlingTime] = attrs.field(
        default=DEFAULT_HANDLING, converter=_frozen
    )
    default_handling: HandlingTime = HandlingTime(2)
    severity_factor: Mapping[str, float] = attrs.field(
        default=MappingProxyType({"small": 1.0, "big": 2.5, "urgent": 1.0}),
        converter=_severity_factor,
    )
    callback_hours: float = attrs.field(default=4.0, validator=_positive_float)
    rework_rate: float = attrs.field(default=0.05, validator=_share)
    rework_factor: float = attrs.field(default=0.5, validator=_positive_float)
    extension_rate: float = attrs.field(default=0.3, validator=_share)
    extension: Limit = attrs.field(default=Limit.days(5), converter=_limit)
    escalation_wait: float = attrs.field(default=7.0, validator=_positive_float)
    whistle_on_time: float = attrs.field(default=0.9, validator=_share)

    def handling_time(self, category: str) -> HandlingTime:
        """The handling time of a category."""
        return self.handling.get(category, self.default_handling)


def _count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or value < 1:
        msg = f"Expected {attribute.name} to be a whole number ≥ 1, got {value!r}."
        raise ValueError(msg)


def _counts(
    instance: object, attribute: attrs.Attribute[Any], value: Mapping[str, int]
) -> None:
    for key, n in value.items():
        if type(n) is not int or n < 1:
            msg = f"Expected {attribute.name}[{key!r}] ≥ 1 workers, got {n!r}."
            raise ValueError(msg)


@attrs.frozen(kw_only=True)
class Capacity:
    """Workers taking cases, per handler: the simulation's servers.

    Attributes:
        grid: Grid workers per grid (四定: one full-time worker per grid is
            Zunyi's figure — 播州区 432 workers for 432 grids).
        compound: Per compound that sits between grids and their community
            (its party branch and 红色物业).
        community: Community staff taking escalated cases.
        street: Street staff.
        above: Staff of any higher node (district, city).
        department: Officers per department answering whistles, district
            wide (one queue per department).
        overrides: Workers per node id or department id, overriding the above.

    >>> Capacity(grid=2).workers(Level.GRID, "g1"), Capacity().department
    (2, 20)
    """

    grid: int = attrs.field(default=1, validator=_count)
    compound: int = attrs.field(default=1, validator=_count)
    community: int = attrs.field(default=2, validator=_count)
    street: int = attrs.field(default=3, validator=_count)
    above: int = attrs.field(default=3, validator=_count)
    department: int = attrs.field(default=20, validator=_count)
    overrides: Mapping[str, int] = attrs.field(
        factory=dict, converter=_frozen, validator=_counts, hash=False
    )

    def workers(self, level: Level | None, key: str) -> int:
        """Workers at a node of ``level`` (``None``: a department) named ``key``."""
        found = self.overrides.get(key)
        if found is not None:
            return found
        if level is None:
            return self.department
        if level is Level.GRID:
            return self.grid
        if level is Level.COMPOUND:
            return self.compound
        if level is Level.COMMUNITY:
            return self.community
        if level is Level.STREET:
            return self.street
        return self.above


def _severity_mix(value: Mapping[Any, float]) -> Mapping[str, float]:
    out = {normalize_severity(k): float(v) for k, v in value.items()}
    if any(v < 0 or not math.isfinite(v) for v in out.values()) or not sum(
        out.values()
    ):
        msg = (
            "Expected non-negative severity weights with a positive sum, "
            f"got {value!r}."
        )
        raise ValueError(msg)
    return MappingProxyType(out)


@attrs.frozen(kw_only=True)
class Policy:
    """What a district decides: routing, escalation, whistle, SLA, staffing.

    Attributes:
        name: A label for comparisons.
        routing: Who takes a case first (首接); by default departments for
            the categories needing a whistle, else the grid.
        escalation: Where an overdue case climbs (one level at a time);
            :class:`~redcity.dispatch.BoundedEscalation` with
            :data:`~redcity.dispatch.DEFAULT_BOUNDS` by default.
        whistle: Which cases summon departments, and how soon they must
            report; ``None`` for no whistle at all.
        sla: The deadlines.
        severity_mix: Shares of small, big and urgent matters (how strictly
            matters are classified is a policy too).
        capacity: Workers per handler.

    >>> strict = Policy(name="strict", capacity=Capacity(grid=2),
    ...     escalation=BoundedEscalation({"small": "网格", "big": "网格",
    ...                                   "urgent": "社区"}))
    >>> strict.capacity.grid, strict.escalation.bounds["big"].zh
    (2, '网格')
    """

    name: str = "default"
    routing: RoutingPolicy = attrs.field(
        factory=lambda: TableRouter.from_taxonomy(DEFAULT_TAXONOMY)
    )
    escalation: EscalationPolicy = attrs.field(factory=BoundedEscalation)
    whistle: WhistlePolicy | None = attrs.field(
        factory=lambda: TableWhistle.from_taxonomy(DEFAULT_TAXONOMY)
    )
    sla: SlaTable = attrs.field(factory=SlaTable.default)
    severity_mix: Mapping[str, float] = attrs.field(
        default=DEFAULT_SEVERITY_MIX, converter=_severity_mix, hash=False
    )
    capacity: Capacity = attrs.field(factory=Capacity)


def _rates(value: Mapping[tuple[str, str], float]) -> Mapping[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for key, rate in value.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            msg = f"Expected rates keyed by (node id, category), got the key {key!r}."
            raise TypeError(msg)
        if isinstance(rate, bool) or not isinstance(rate, int | float | Fraction):
            msg = f"Expected a rate per working day for {key!r}, got {rate!r}."
            raise TypeError(msg)
        if rate < 0 or not math.isfinite(rate):
            msg = f"Expected a non-negative rate for {key!r}, got {rate!r}."
            raise ValueError(msg)
        if rate:
            out[key] = float(rate)
    return MappingProxyType(dict(sorted(out.items())))


def _sources(value: SourceWeights) -> Mapping[Source, float]:
    out = {Source.parse(k): float(v) for k, v in value.items()}
    if any(v < 0 for v in out.values()) or not sum(out.values()):
        msg = (
            f"Expected non-negative source weights with a positive sum, got {value!r}."
        )
        raise ValueError(msg)
    return MappingProxyType(out)


@attrs.frozen
class Arrivals:
    """How many requests arrive: a rate per working day per (node, category).

    Attributes:
        rates: ``{(node id, category code): requests per working day}``; the
            node is usually a grid (any node of the tree will do).
        sources: Weights of the requests' sources.

    Build one with :meth:`from_tree` (the default rates) or
    :meth:`from_callable`.

    >>> Arrivals({("g1", "env.garbage"): 0.5, ("g1", "care.wish"): 0.25}).per_day
    0.75
    """

    rates: Mapping[tuple[str, str], float] = attrs.field(converter=_rates, hash=False)
    sources: Mapping[Source, float] = attrs.field(
        default=DEFAULT_SOURCES, converter=_sources, hash=False
    )

    @classmethod
    def from_tree(
        cls,
        tree: GridTree,
        taxonomy: Taxonomy = DEFAULT_TAXONOMY,
        *,
        per_grid: float = DEFAULT_PER_GRID,
        shares: Mapping[str, float] | None = None,
        within: str | None = None,
        sources: SourceWeights = DEFAULT_SOURCES,
    ) -> Arrivals:
        """The same rate in every grid, split over the taxonomy's categories.

        Args:
            tree: The grid tree.
            taxonomy: The categories (codes) requests fall into.
            per_grid: Requests per grid per working day, all categories
                (:data:`DEFAULT_PER_GRID`).
            shares: Category weights (:data:`DEFAULT_CATEGORY_SHARES`; a
                category missing from it weighs 1).
            within: Only the grids inside this node (a street, a community).
            sources: Source weights.

        >>> from redcity.datasets import synthetic
        >>> tree = synthetic(300)
        >>> a = Arrivals.from_tree(tree, per_grid=1)
        >>> round(a.per_day, 9) == tree.count("网格")
        True
        """
        weights = DEFAULT_CATEGORY_SHARES if shares is None else shares
        codes = list(taxonomy)
        w = [float(weights.get(c, 1.0)) for c in codes]
        total = sum(w)
        grids = tree.nodes(Level.GRID)
        if within is not None:
            grids = tuple(g for g in grids if tree.contains(within, g))
        rates = {
            (g, c): per_grid * wc / total
            for g in grids
            for c, wc in zip(codes, w, strict=True)
            if wc
        }
        return cls(rates, sources)

    @classmethod
    def from_callable(
        cls,
        tree: GridTree,
        rate: Callable[[str, str], float],
        taxonomy: Taxonomy = DEFAULT_TAXONOMY,
        *,
        level: Level | str = Level.GRID,
        sources: SourceWeights = DEFAULT_SOURCES,
    ) -> Arrivals:
        """Rates from ``rate(node_id, category)`` for every node of ``level``.

        >>> from redcity.datasets import synthetic
        >>> tree = synthetic(300)
        >>> wishes = lambda g, c: 0.1 if c == "care.wish" else 0
        >>> a = Arrivals.from_callable(tree, wishes)
        >>> len(a.rates) == tree.count("网格")
        True
        """
        return cls(
            {(n, c): rate(n, c) for n in tree.nodes(level) for c in taxonomy},
            sources,
        )

    @property
    def per_day(self) -> float:
        """All requests per working day."""
        return sum(self.rates.values())

    def scaled(self, factor: float) -> Arrivals:
        """Every rate times ``factor``.

        >>> Arrivals({("g1", "x"): 1}).scaled(3).per_day
        3.0
        """
        return Arrivals({k: r * factor for k, r in self.rates.items()}, self.sources)


# --------------------------------------------------------------------------
# Working time.


class _Axis:
    """Working seconds from the first working moment of a horizon, and back."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.zone: tzinfo = ZoneInfo(calendar.tz)
        self.spans = [(_seconds(s), _seconds(e)) for s, e in calendar.working_hours]
        self.per_day = sum(e - s for s, e in self.spans)
        days: list[date] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        self.days = days
        self.ordinals = [d.toordinal() for d in days]
        self.end = len(days) * self.per_day

    def offset(self, moment: datetime) -> int:
        """Working seconds up to ``moment`` (clamped to the axis)."""
        local = moment.astimezone(self.zone)
        k = bisect_left(self.ordinals, local.toordinal())
        if k == len(self.ordinals):
            return self.end
        base = k * self.per_day
        if self.ordinals[k] != local.toordinal():
            return base
        now = local.hour * 3600 + local.minute * 60 + local.second
        worked = 0
        for s, e in self.spans:
            worked += max(0, min(e, now) - s)
        return base + worked

    def moment(self, offset: int) -> datetime:
        """The aware datetime of a working offset (a span's close, not the
        next span's opening, for an offset on a boundary)."""
        k, rem = divmod(offset, self.per_day)
        if rem == 0 and k > 0:
            k, rem = k - 1, self.per_day
        day = self.days[k]
        second = self.spans[-1][1]
        for s, e in self.spans:
            if rem <= e - s:
                second = s + rem
                break
            rem -= e - s
        hour, rest = divmod(second, 3600)
        return datetime(
            day.year, day.month, day.day, hour, rest // 60, rest % 60, tzinfo=self.zone
        )


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _horizon(horizon: Horizon, tz: str) -> tuple[datetime, datetime, Period | None]:
    if isinstance(horizon, str):
        horizon = Period.parse(horizon, tz)
    if isinstance(horizon, Period):
        return horizon.start, horizon.end, horizon
    if not (isinstance(horizon, tuple) and len(horizon) == 2):
        msg = (
            "Expected the horizon as a Period, a period label such as '2026-Q1' "
            f"or an aware (start, end) pair, got {horizon!r}."
        )
        raise TypeError(msg)
    start, end = horizon
    for what, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime):
            msg = f"Expected the horizon's {what} as an aware datetime, got {value!r}."
            raise TypeError(msg)
        if value.utcoffset() is None:
            msg = (
                f"Expected the horizon's {what} to be timezone-aware, got the naive "
                f"{value!r}; attach a zone, e.g. "
                "pendulum.instance(dt, 'Asia/Shanghai')."
            )
            raise NaiveDatetimeError(msg)
    if end <= start:
        msg = f"Expected the horizon to end after it starts, got {start!r} to {end!r}."
        raise ValueError(msg)
    return start, end, None


def _report_period(start: datetime, end: datetime, tz: str) -> Period | None:
    """The smallest month, quarter or year holding ``[start, end)``, if any."""
    last = end - timedelta(microseconds=1)
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        p = period_of(start, kind, tz)
        if p == period_of(last, kind, tz):
            return p
    return None


# --------------------------------------------------------------------------
# The simulation.

_DONE, _CALLBACK, _RESPOND, _DEADLINE = 0, 1, 2, 3
_SCORES_PASS: Final = ((0.7, 5), (0.9, 4), (1.0, 3))
_SEVERITIES: Final = ("small", "big", "urgent")
_SEVERITY_ENUM: Final = {s.value: s for s in Severity}
_LATE_REASON: Final = "逾期未办结，提级处置 (overdue: one level up)"
_WHISTLE_STATUSES: Final = frozenset({Status.FILED, Status.DISPATCHED, Status.ACCEPTED})
_LATE_STATUSES: Final = frozenset({Status.DISPATCHED, Status.ACCEPTED})


@attrs.frozen
class _Draws:
    """One ticket's random numbers, drawn at arrival from the arrival stream."""

    severity: float
    source: float
    z: float
    callback: float
    score: float
    check: float
    extension: float
    whistle: float


@attrs.frozen
class _Intake:
    """One arrival, routed and with its deadline, before the run."""

    offset: int
    node: str
    category: str
    draws: _Draws
    severity: Severity
    route: Handler
    at: datetime
    due: datetime


def _arrivals(
    arrivals: Arrivals, rng: random.Random, start: int, end: int, per_day: int
) -> list[tuple[int, str, str, _Draws]]:
    keys = list(arrivals.rates)
    cum = list(accumulate(arrivals.rates[k] for k in keys))
    total = cum[-1] if cum else 0.0
    out: list[tuple[int, str, str, _Draws]] = []
    if total <= 0:
        return out
    per_second = total / per_day
    t = float(start)
    expo, rand, gauss = rng.expovariate, rng.random, rng.gauss
    while True:
        t += expo(per_second)
        if t >= end:
            return out
        node, category = keys[min(bisect_right(cum, rand() * total), len(keys) - 1)]
        draws = _Draws(
            rand(), rand(), gauss(0.0, 1.0), rand(), rand(), rand(), rand(), rand()
        )
        out.append((int(t), node, category, draws))


def _pick(cum: Sequence[tuple[float, Any]], u: float) -> Any:
    total = cum[-1][0]
    for edge, value in cum:
        if u * total < edge:
            return value
    return cum[-1][1]


def _cumulative(weights: Mapping[Any, float]) -> list[tuple[float, Any]]:
    out: list[tuple[float, Any]] = []
    acc = 0.0
    for key, w in weights.items():
        if w > 0:
            acc += w
            out.append((acc, key))
    return out


class _Run:
    """The mutable state of one run; never escapes :func:`simulate`."""

    def __init__(
        self,
        tree: GridTree,
        policy: Policy,
        conditions: Conditions,
        calendar: WorkCalendar,
        taxonomy: Taxonomy,
        axis: _Axis,
        horizon_end: int,
        severity_cum: list[tuple[float, Any]],
        source_cum: list[tuple[float, Any]],
    ) -> None:
        self.severity_cum, self.source_cum = severity_cum, source_cum
        self.tree, self.policy, self.conditions = tree, policy, conditions
        self.calendar, self.taxonomy, self.axis = calendar, taxonomy, axis
        self.stop = horizon_end
        self.heap: list[tuple[int, int, int, int]] = []
        self.seq = 0
        self.tickets: list[Ticket] = []
        self.deadline: list[int] = []
        self.work: list[float] = []
        self.draws: list[_Draws] = []
        self.queue_of: list[str | None] = []  # the queue a ticket waits in
        self.token: list[int] = []  # its entry in that queue (-1: not waiting)
        self.extended: list[bool] = []
        self.checks: list[int] = []
        self.queues: dict[str, list[tuple[int, int, int]]] = {}
        self.free: dict[str, int] = {}
        self.levels: dict[str, Level | None] = {}

    # ---------------------------------------------------------- plumbing

    def at(self, offset: int) -> datetime:
        return self.axis.moment(offset)

    def schedule(self, when: int, kind: int, i: int) -> None:
        if when < self.stop:
            self.seq += 1
            heapq.heappush(self.heap, (when, kind, self.seq, i))

    def queue_key(self, level: Level | None, name: str) -> str:
        key = name if level is not None else "dept:" + name
        if key not in self.free:
            self.free[key] = self.policy.capacity.workers(level, name)
            self.queues[key] = []
            self.levels[key] = level
        return key

    def enqueue(self, i: int, key: str, now: int) -> None:
        self.seq += 1
        self.queue_of[i], self.token[i] = key, self.seq
        heapq.heappush(self.queues[key], (self.deadline[i], self.seq, i))
        self.start_work(key, now)

    def start_work(self, key: str, now: int) -> None:
        queue = self.queues[key]
        while self.free[key] and queue:
            _, token, i = heapq.heappop(queue)
            if self.token[i] != token or self.queue_of[i] != key:
                continue  # left this queue (escalated)
            self.token[i] = -1
            self.free[key] -= 1
            t = self.tickets[i]
            self.tickets[i] = t.accept(at=self.at(now), actor=f"worker@{key}")
            self.schedule(now + max(1, round(self.work[i] * 3600)), _DONE, i)

    # ------------------------------------------------------------ events

    def arrive(self, now: int, intake: _Intake) -> None:
        i = len(self.tickets)
        cond, policy = self.conditions, self.policy
        node, category, draws = intake.node, intake.category, intake.draws
        severity, route, at, due = intake.severity, intake.route, intake.at, intake.due
        source: Source = _pick(self.source_cum, draws.source)
        t = Ticket.report(
            f"S{i + 1:07d}",
            at=at,
            actor="hotline" if source is Source.HOTLINE_12345 else f"grid@{node}",
            service_code=category,
            node_id=node,
            severity=severity,
            source=source,
        )
        self.tickets.append(t)
        self.deadline.append(self.stop)
        self.draws.append(draws)
        self.queue_of.append(None)
        self.token.append(-1)
        self.extended.append(False)
        self.checks.append(0)
        cat = self.taxonomy.get(category)
        hours = cond.handling_time(category).hours(draws.z)
        self.work.append(hours * cond.severity_factor.get(severity.value, 1.0))
        if cat is not None and cat.redirect is not None:
            self.tickets[i] = t.redirect(
                cat.redirect,
                at=at,
                actor="hotline",
                reason=f"{cat.zh}: {cat.redirect.zh}",
                department=cat.department,
            )
            return
        self.deadline[i] = self.axis.offset(due)
        if source is Source.GRID_PATROL:
            t = t.file(at=at, actor=f"grid@{node}")
        whistle = (
            None
            if policy.whistle is None
            else policy.whistle(self.tree, node, category, at, self.calendar)
        )
        if route.is_department:
            street = (
                whistle.summoner
                if whistle is not None
                else summoning_node(self.tree, node)
            )
            t = t.dispatch(
                at=at,
                to=street,
                level=self.tree.level(street),
                actor="dispatch-center",
                department=route.id,
                due=due,
            )
            key = self.queue_key(None, route.id)
        else:
            level = self.tree.level(route.id)
            t = t.dispatch(
                at=at, to=route.id, level=level, actor="dispatch-center", due=due
            )
            key = self.queue_key(level, route.id)
        waits_for = False
        if whistle is not None:
            t = t.whistle(
                whistle.departments,
                at=at,
                respond_by=whistle.respond_by,
                actor=whistle.summoner,
                reason=f"{category}: 吹哨, departments summoned",
            )
            limit = max(1, self.axis.offset(whistle.respond_by) - now)
            u, on_time = draws.whistle, cond.whistle_on_time
            if u < on_time:
                share = 0.25 + 0.75 * u / on_time
            else:
                share = 1.0 + (u - on_time) / max(1e-9, 1 - on_time)
            delay = max(1, round(limit * share))
            for k, _department in enumerate(whistle.departments):
                self.schedule(now + delay + k, _RESPOND, i)
            waits_for = route.is_department and route.id in whistle.departments
        self.tickets[i] = t
        self.queue_of[i] = key
        self.schedule(self.deadline[i], _DEADLINE, i)
        if not waits_for:
            self.enqueue(i, key, now)

    def respond(self, now: int, i: int) -> None:
        t = self.tickets[i]
        pending = [s.department for s in t.summonses if s.responded_at is None]
        if not pending or t.status not in _WHISTLE_STATUSES:
            return
        department = pending[0]
        self.tickets[i] = t.respond(department, at=self.at(now), actor=department)
        key = self.queue_of[i]
        if (
            key == "dept:" + department
            and self.token[i] == -1
            and self.tickets[i].status is Status.DISPATCHED
        ):
            self.enqueue(i, key, now)

    def done(self, now: int, i: int) -> None:
        key = self.queue_of[i]
        assert key is not None
        self.tickets[i] = self.tickets[i].resolve(
            at=self.at(now), actor=f"worker@{key}"
        )
        self.free[key] += 1
        self.start_work(key, now)
        wait = -math.log(1.0 - self.draws[i].callback) * self.conditions.callback_hours
        self.schedule(now + max(1, round(wait * 3600)), _CALLBACK, i)

    def callback(self, now: int, i: int) -> None:
        t, draws, cond = self.tickets[i], self.draws[i], self.conditions
        at = self.at(now)
        ok = self.checks[i] > 0 or draws.check >= cond.rework_rate
        self.checks[i] += 1
        if t.source is Source.GRID_PATROL:
            t = t.verify(ok, at=at, actor="supervisor")
        else:
            if t.source is Source.RESIDENT_ORDER and t.status is Status.RESOLVED:
                t = t.publicize(at=at, actor="community")
            score = (
                _pick(_SCORES_PASS, draws.score)
                if ok
                else (1 if draws.score < 0.5 else 2)
            )
            t = t.rate(score, at=at, actor="resident")
        if ok:
            self.tickets[i] = t.close(at=at, actor="dispatch-center")
            return
        self.tickets[i] = t
        self.work[i] *= cond.rework_factor
        key = self.queue_of[i]
        assert key is not None
        if now >= self.deadline[i]:
            self.schedule(now + round(cond.escalation_wait * 3600), _DEADLINE, i)
        self.enqueue(i, key, now)

    def overdue(self, now: int, i: int) -> None:
        t = self.tickets[i]
        if now < self.deadline[i] or t.status not in _LATE_STATUSES:
            return  # a stale check (extended), or resolved meanwhile
        waiting = self.token[i] != -1
        if waiting and t.handler_level is not None and t.department is None:
            assert t.handler_node is not None
            up = self.policy.escalation(
                self.tree, t.handler_node, t.severity, bool(t.summonses)
            )
            if up is not None:
                level = self.tree.level(up)
                self.tickets[i] = t.escalate(
                    at=self.at(now),
                    to=up,
                    level=level,
                    actor="dispatch-center",
                    reason=_LATE_REASON,
                )
                wait = round(self.conditions.escalation_wait * 3600)
                self.schedule(now + wait, _DEADLINE, i)
                self.enqueue(i, self.queue_key(level, up), now)
                return
        if self.extended[i]:
            return
        if self.draws[i].extension < self.conditions.extension_rate:
            current = t.expected_datetime
            assert current is not None
            until = deadline(self.calendar, self.conditions.extension, current)
            self.tickets[i] = t.extend(
                at=self.at(now),
                until=until,
                actor="street",
                reason="延期: 逾期申请延期",
            )
            self.extended[i] = True
            self.deadline[i] = self.axis.offset(until)
            self.schedule(self.deadline[i], _DEADLINE, i)

    def run(self, intakes: Sequence[_Intake]) -> None:
        heap = self.heap
        pop = heapq.heappop
        handlers = (self.done, self.callback, self.respond, self.overdue)
        k, n = 0, len(intakes)
        while k < n or heap:
            if k < n and (not heap or intakes[k].offset <= heap[0][0]):
                self.arrive(intakes[k].offset, intakes[k])
                k += 1
                continue
            when, kind, _, i = pop(heap)
            handlers[kind](when, i)


def _routes(
    tree: GridTree, policy: Policy, pairs: Sequence[tuple[str, str]]
) -> list[Handler]:
    distinct = sorted(set(pairs))
    router = policy.routing
    if isinstance(router, TableRouter):
        found = router.route_many(
            tree, [n for n, _ in distinct], [c for _, c in distinct]
        )
    else:
        found = [router(tree, n, c).handler for n, c in distinct]
    memo = dict(zip(distinct, found, strict=True))
    return [memo[p] for p in pairs]


def simulate(
    tree: GridTree,
    policy: Policy,
    arrivals: Arrivals,
    horizon: Horizon,
    seed: int = 0,
    *,
    conditions: Conditions | None = None,
    calendar: WorkCalendar | None = None,
    taxonomy: Taxonomy = DEFAULT_TAXONOMY,
    report: Period | str | None = None,
) -> SimulationResult:
    """Simulate a horizon of requests under a policy; see the module docstring.

    Args:
        tree: The grid tree; every node of ``arrivals`` must be in it.
        policy: Routing, escalation, whistle, SLA, severity mix, capacity.
        arrivals: Requests per working day per (node, category).
        horizon: A :class:`~redcity.calendars.Period`, its label, or an aware
            ``(start, end)`` pair (end excluded).
        seed: The random seed: same inputs and seed, same result.
        conditions: Handling times, call-backs, rework, extensions
            (:class:`Conditions` defaults).
        calendar: The working calendar (``WorkCalendar.china()``).
        taxonomy: Categories (redirects) by code.
        report: The period whose rates the result carries; by default the
            horizon when it is a period, else the smallest month, quarter or
            year holding it (``None`` when there is none: pass one).

    Returns:
        A :class:`SimulationResult`.

    Raises:
        UnknownNode: a node of ``arrivals`` is not in the tree.
        NaiveDatetimeError: a naive horizon.

    >>> from redcity.datasets import synthetic
    >>> tree = synthetic(300)
    >>> r = simulate(tree, Policy(), Arrivals.from_tree(tree), "2026-Q2", seed=1)
    >>> r.period.label, r.total.rates().closure > 0.9
    ('2026-Q2', True)
    """
    cal = WorkCalendar.china() if calendar is None else calendar
    cond = Conditions() if conditions is None else conditions
    start, end, period = _horizon(horizon, cal.tz)
    if report is not None:
        period = report if isinstance(report, Period) else Period.parse(report, cal.tz)
    elif period is None:
        period = _report_period(start, end, cal.tz)
    for node, _category in arrivals.rates:
        tree.level(node)  # raises UnknownNode
    zone = ZoneInfo(cal.tz)
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    # Nothing happens after the horizon: a deadline beyond it maps to the
    # axis' end, so the axis need not (and does not) reach into later years.
    axis = _Axis(cal, first, last)
    begin, stop = axis.offset(start), axis.offset(end)
    master = random.Random(seed)
    arrival_rng = random.Random(master.getrandbits(64))
    arrived = _arrivals(arrivals, arrival_rng, begin, stop, axis.per_day)
    # Bulk work before the run: routing memoized per (node, category), the
    # deadlines per (date, limit) (SlaTable.deadlines).
    routes = _routes(tree, policy, [(n, c) for _, n, c, _ in arrived])
    severity_cum = _cumulative(
        {_SEVERITY_ENUM[s]: policy.severity_mix.get(s, 0.0) for s in _SEVERITIES}
    )
    severities: list[Severity] = [_pick(severity_cum, d.severity) for *_, d in arrived]
    moments = [axis.moment(o) for o, *_ in arrived]
    dues = policy.sla.deadlines(cal, [c for _, _, c, _ in arrived], severities, moments)
    intakes = [
        _Intake(o, n, c, d, sev, route, at, due)
        for (o, n, c, d), sev, route, at, due in zip(
            arrived, severities, routes, moments, dues, strict=True
        )
    ]
    run = _Run(
        tree,
        policy,
        cond,
        cal,
        taxonomy,
        axis,
        stop,
        severity_cum,
        _cumulative(arrivals.sources),
    )
    run.run(intakes)
    return SimulationResult.from_tickets(
        run.tickets,
        tree,
        period,
        name=policy.name,
        seed=seed,
        horizon=(start, end),
    )


# --------------------------------------------------------------------------
# Results.


def _handler_kind(t: Ticket) -> str:
    if t.department is not None:
        return "department"
    if t.handler_level is None:
        return "undispatched"
    return t.handler_level.en


@attrs.frozen(kw_only=True)
class SimulationResult:
    """What a simulation produced: its tickets and their official rates.

    Attributes:
        name: The policy's name.
        seed: The seed.
        horizon: The simulated ``(start, end)``.
        period: The reporting period of the rates (``None``: none computed).
        tickets: Every ticket, in arrival order (ids ``S0000001`` …).
        cases: :class:`~redcity.dispatch.metrics.CaseCounts` per community
            and street, and under ``"total"`` the whole tree's.
        hotline: :class:`~redcity.dispatch.metrics.HotlineCounts`, the same way.
        shares: :class:`~redcity.dispatch.metrics.ResolutionShares`, the same way.
        backlog_by: Open tickets at the horizon's end by the kind of handler
            holding them (grid, community, …, department).
        tree: The grid tree (not compared).
    """

    name: str
    seed: int
    horizon: tuple[datetime, datetime]
    period: Period | None
    tickets: tuple[Ticket, ...] = attrs.field(repr=False)
    cases: Mapping[str, CaseCounts] = attrs.field(repr=False)
    hotline: Mapping[str, HotlineCounts] = attrs.field(repr=False)
    shares: Mapping[str, ResolutionShares] = attrs.field(repr=False)
    backlog_by: Mapping[str, int]
    tree: GridTree = attrs.field(eq=False, repr=False)

    @classmethod
    def from_tickets(
        cls,
        tickets: Iterable[Ticket],
        tree: GridTree,
        period: Period | None,
        *,
        name: str = "",
        seed: int = 0,
        horizon: tuple[datetime, datetime] | None = None,
    ) -> SimulationResult:
        """A result from tickets, its rates computed for ``period`` by
        :mod:`redcity.dispatch.metrics` (per community, per street, total)."""
        ts = tuple(tickets)
        if horizon is None:
            if not ts:
                msg = "Expected a horizon for a result without tickets."
                raise ValueError(msg)
            horizon = (ts[0].requested_datetime, max(t.updated_datetime for t in ts))
        wanted = (*tree.nodes(Level.COMMUNITY), *tree.nodes(Level.STREET))
        cases: dict[str, CaseCounts] = {}
        hotline: dict[str, HotlineCounts] = {}
        shares: dict[str, ResolutionShares] = {}
        if period is not None:
            all_cases = case_counts(ts, period, tree=tree)
            all_hotline = hotline_counts(ts, period, tree=tree)
            all_shares = resolution_shares(ts, tree, period, by=None)
            root = tree.root
            for n in (*wanted, root):
                key = "total" if n == root else n
                cases[key] = all_cases[n]
                hotline[key] = all_hotline[n]
                shares[key] = all_shares[n]
        backlog: dict[str, int] = {}
        for t in ts:
            if t.is_open:
                kind = _handler_kind(t)
                backlog[kind] = backlog.get(kind, 0) + 1
        return cls(
            name=name,
            seed=seed,
            horizon=horizon,
            period=period,
            tickets=ts,
            cases=MappingProxyType(cases),
            hotline=MappingProxyType(hotline),
            shares=MappingProxyType(shares),
            backlog_by=MappingProxyType(dict(sorted(backlog.items()))),
            tree=tree,
        )

    # ------------------------------------------------------------ counts

    @property
    def closed(self) -> int:
        """Tickets closed (结案) by the horizon's end."""
        return sum(1 for t in self.tickets if t.status is Status.CLOSED)

    @property
    def redirected(self) -> int:
        """Tickets redirected (转办)."""
        return sum(1 for t in self.tickets if t.status is Status.REDIRECTED)

    @property
    def backlog(self) -> int:
        """Tickets still open at the horizon's end."""
        return sum(self.backlog_by.values())

    @property
    def total(self) -> CaseCounts:
        """The whole tree's case counts for :attr:`period`."""
        return self.cases.get("total", CaseCounts())

    def to_rows(self, level: Level | str | None = None) -> list[dict[str, Any]]:
        """One row per community and street (or only ``level``'s) and the total.

        Each row: policy, node id, level, name, then the counts (accepted,
        due, closed, closed_on_time, reworked, extended), the exact rates
        (closure, on_time_closure, rework, extension, response, resolution,
        satisfaction; ``None`` when nothing to judge) and the resolution
        shares (grid_share, within_community_share, above_share).

        >>> from redcity.datasets import synthetic
        >>> tree = synthetic(300)
        >>> r = simulate(tree, Policy(), Arrivals.from_tree(tree), "2026-04", seed=1)
        >>> row = r.to_rows("街道")[-1]
        >>> row["node_id"], row["on_time_closure"] <= 1
        ('total', True)
        """
        want = None if level is None else Level.parse(level)
        out: list[dict[str, Any]] = []
        for node, counts in self.cases.items():
            if node == "total":
                lv, name = "total", "合计"
            else:
                lvl = self.tree.level(node)
                if want is not None and lvl is not want:
                    continue
                lv, name = lvl.en, self.tree[node].name
            rates = counts.rates()
            h = self.hotline[node].rates()
            s = self.shares[node]
            out.append(
                {
                    "policy": self.name,
                    "node_id": node,
                    "level": lv,
                    "name": name,
                    "accepted": counts.accepted,
                    "due": counts.due,
                    "closed": counts.closed,
                    "closed_on_time": counts.closed_on_time,
                    "reworked": counts.reworked,
                    "extended": counts.extended,
                    "closure": rates.closure,
                    "on_time_closure": rates.on_time_closure,
                    "rework": rates.rework,
                    "extension": rates.extension,
                    "response": h.response,
                    "resolution": h.resolution,
                    "satisfaction": h.satisfaction,
                    "grid_share": s.grid_share,
                    "within_community_share": s.within_community_share,
                    "above_share": s.above_share,
                }
            )
        out.sort(key=lambda r: (r["node_id"] == "total", r["level"], r["node_id"]))
        return out

    def to_frame(self, level: Level | str | None = None) -> pd.DataFrame:
        """:meth:`to_rows` as a pandas DataFrame indexed by node id, rates as
        floats (needs ``redcity[frames]``).

        Raises:
            ImportError: pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise no_pandas("SimulationResult.to_frame()") from exc
        rows = [_floats(r) for r in self.to_rows(level)]
        return pd.DataFrame(rows).set_index("node_id")

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>{escape(self.name)}</b> (seed {self.seed}), "
            f"{len(self.tickets):,} tickets: {self.closed:,} closed, "
            f"{self.redirected:,} redirected, {self.backlog:,} open</p>"
        )
        cols = (
            "name",
            "due",
            "closure",
            "on_time_closure",
            "rework",
            "extension",
            "satisfaction",
            "grid_share",
            "above_share",
        )
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(_cell(r[c]))}</td>" for c in cols) + "</tr>"
            for r in self.to_rows(Level.STREET)
        )
        header = "".join(f"<th>{c}</th>" for c in cols)
        return f"{head}<table><tr>{header}</tr>{body}</table>"


def _cell(value: Any) -> str:
    if isinstance(value, Fraction) or value is None:
        return percent(value)
    return str(value)


def _floats(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: float(v) if isinstance(v, Fraction) else v for k, v in row.items()}


COMPARED: Final = (
    "accepted",
    "due",
    "closure",
    "on_time_closure",
    "rework",
    "extension",
    "response",
    "resolution",
    "satisfaction",
    "grid_share",
    "within_community_share",
    "above_share",
)


@attrs.frozen
class Comparison:
    """Several results side by side: one row per (node, metric), one column
    per policy.

    Attributes:
        names: The policies' names, in the order given.
        rows: ``{"node_id", "name", "metric", <policy name>: value, …}``.
    """

    names: tuple[str, ...]
    rows: tuple[Mapping[str, Any], ...]

    def metric(self, name: str, node_id: str = "total") -> tuple[Any, ...]:
        """One metric of one node (the total by default), per policy."""
        for row in self.rows:
            if row["metric"] == name and row["node_id"] == node_id:
                return tuple(row[n] for n in self.names)
        msg = f"No metric {name!r} for {node_id!r}; metrics: {', '.join(COMPARED)}."
        raise KeyError(msg)

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame indexed by (node_id, metric), rates as floats
        (needs ``redcity[frames]``)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise no_pandas("Comparison.to_frame()") from exc
        frame = pd.DataFrame([_floats(r) for r in self.rows])
        return frame.set_index(["node_id", "metric"])

    def _repr_html_(self) -> str:
        header = "".join(
            f"<th>{escape(c)}</th>" for c in ("name", "metric", *self.names)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(_cell(r[c]))}</td>"
                for c in ("name", "metric", *self.names)
            )
            + "</tr>"
            for r in self.rows
        )
        return f"<table><tr>{header}</tr>{body}</table>"


def compare(*results: SimulationResult, level: Level | str | None = None) -> Comparison:
    """Set results side by side (they should share tree, horizon and seed).

    Args:
        results: Two or more results, with distinct policy names.
        level: Only this level's nodes (and the total); every community and
            street when ``None``.

    Raises:
        ValueError: fewer than two results, or a name twice.

    >>> from redcity.datasets import synthetic
    >>> tree = synthetic(300)
    >>> a = Arrivals.from_tree(tree, per_grid=3)
    >>> base = simulate(tree, Policy(name="base"), a, "2026-04", seed=3)
    >>> more = simulate(tree, Policy(name="more", capacity=Capacity(grid=2)),
    ...                 a, "2026-04", seed=3)
    >>> c = compare(base, more, level="街道")
    >>> c.names
    ('base', 'more')
    >>> before, after = c.metric("on_time_closure")
    >>> after >= before
    True
    """
    if len(results) < 2:
        msg = f"Expected at least two results to compare, got {len(results)}."
        raise ValueError(msg)
    names = tuple(r.name for r in results)
    if len(set(names)) != len(names):
        msg = f"Expected distinct policy names, got {names!r}; name each Policy."
        raise ValueError(msg)
    tables = [r.to_rows(level) for r in results]
    first = tables[0]
    rows: list[Mapping[str, Any]] = []
    lookup = [{row["node_id"]: row for row in table} for table in tables]
    for row in first:
        node = row["node_id"]
        for metric in COMPARED:
            out: dict[str, Any] = {
                "node_id": node,
                "name": row["name"],
                "metric": metric,
            }
            for name, found in zip(names, lookup, strict=True):
                other = found.get(node)
                out[name] = None if other is None else other[metric]
            rows.append(MappingProxyType(out))
    return Comparison(names, tuple(rows))
