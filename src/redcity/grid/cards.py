"""绿牌/黄牌/红牌: grids re-carded each period (分类动态管理).

A :class:`CardPolicy` holds a yellow and a red threshold per metric.  Each
period a node's *qualifying* card is red when any red threshold is breached,
else yellow when any yellow threshold is breached, else green.  The card it
*gets* follows the qualifying card with hysteresis:

* **demotion is immediate** — a worse qualifying card is given at once, even
  green straight to red;
* **promotion is slow** — only after ``promote_after`` consecutive periods
  that qualify for a better card, and **one colour at a time** (red → yellow
  → green); each step needs its own run of qualifying periods;
* a node's first period, without an ``initial`` card, simply gets its
  qualifying card.

Every decision is kept (:class:`CardHistory`), with the metrics it saw and
the reason.  Metrics are plain mappings ``{period: {node id: {metric:
number}}}``, so dispatch and points feed them without this module importing
either; periods are opaque labels ordered by ``sorted()`` (use zero-padded
labels such as ``"2026-Q3"`` or ``"2026-07"``).

References:
    Green/yellow/red card management of grids (绿黄红牌 分类动态管理) is
    local practice in Zunyi (遵义); thresholds and the default
    ``promote_after=2`` are configuration, not law.

>>> from redcity.grid.cards import Card, CardPolicy, Threshold, evaluate_cards
>>> policy = CardPolicy([Threshold("满意率", "higher", yellow=90, red=80)])
>>> history = evaluate_cards(policy, {
...     "2026-Q1": {"g1": {"满意率": 95}},
...     "2026-Q2": {"g1": {"满意率": 70}},
...     "2026-Q3": {"g1": {"满意率": 99}},
...     "2026-Q4": {"g1": {"满意率": 99}},
... })
>>> [d.card.zh for d in history.for_node("g1")]
['绿牌', '红牌', '红牌', '黄牌']
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeAlias

import attrs

from redcity._names import parse_member
from redcity.errors import Problem, ValidationError

__all__ = [
    "DEFAULT_PROMOTE_AFTER",
    "Card",
    "CardDecision",
    "CardHistory",
    "CardPolicy",
    "Direction",
    "MetricValue",
    "Threshold",
    "evaluate_cards",
]

MetricValue: TypeAlias = int | Fraction | Decimal | float
"""A metric's value: exact (int, Fraction, Decimal) preferred; float accepted."""

DEFAULT_PROMOTE_AFTER = 2
"""Consecutive qualifying periods before a card improves: local practice."""


class Card(enum.Enum):
    """A grid's card: green (good), yellow (watch), red (act).

    >>> [c.zh for c in Card], Card.RED.better(), Card.parse("黄牌")
    (['绿牌', '黄牌', '红牌'], <Card.YELLOW: 'yellow'>, <Card.YELLOW: 'yellow'>)
    """

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def zh(self) -> str:
        """绿牌, 黄牌 or 红牌."""
        return _CARD_ZH[self]

    @property
    def severity(self) -> int:
        """0 for green, 1 for yellow, 2 for red: higher is worse."""
        return _SEVERITY[self]

    def better(self) -> Card:
        """The next better card (green stays green)."""
        return _BY_SEVERITY[max(self.severity - 1, 0)]

    @classmethod
    def parse(cls, value: Card | str) -> Card:
        """A card from a Card, ``"green"``/``"GREEN"`` or ``"绿牌"``/``"绿"``.

        Raises:
            ValueError: the value names no card.
        """
        return parse_member(cls, value, what="a card", names=_card_names)


_CARD_ZH = {Card.GREEN: "绿牌", Card.YELLOW: "黄牌", Card.RED: "红牌"}
_SEVERITY = {Card.GREEN: 0, Card.YELLOW: 1, Card.RED: 2}
_BY_SEVERITY = (Card.GREEN, Card.YELLOW, Card.RED)


def _card_names(card: Card) -> tuple[str, ...]:
    return (card.zh, card.value, card.zh[0])


class Direction(enum.Enum):
    """Which way a metric is good.

    >>> Direction.parse("lower") is Direction.LOWER_IS_BETTER
    True
    """

    HIGHER_IS_BETTER = "higher"
    """E.g. 满意率, 按期结案率: breached when the value falls below the bound."""
    LOWER_IS_BETTER = "lower"
    """E.g. overdue cases, 返工率: breached when the value rises above the bound."""

    @classmethod
    def parse(cls, value: Direction | str) -> Direction:
        """A direction from a Direction, ``"higher"``, ``"higher_is_better"`` …

        Raises:
            ValueError: the value names no direction.
        """
        return parse_member(cls, value, what="a direction", names=_direction_names)


def _direction_names(direction: Direction) -> tuple[str, ...]:
    """``"higher"`` and ``"higher_is_better"``, its words joined by any of ``_ -``."""
    first, *words = direction.name.lower().split("_")
    spellings = [first]
    for word in words:
        spellings = [f"{head}{sep}{word}" for head in spellings for sep in "_ -"]
    return (direction.value, *spellings)


def _direction(value: Direction | str) -> Direction:
    return Direction.parse(value)


@attrs.frozen
class Threshold:
    """The yellow and red bounds of one metric.

    A higher-is-better metric breaches a bound when its value is *below* it;
    a lower-is-better metric when *above* it.  The bound itself is fine.
    Either bound may be ``None`` (not checked).  :class:`CardPolicy` checks
    the bounds (numbers, red no laxer than yellow).

    >>> t = Threshold("按期结案率", "higher",
    ...               yellow=Fraction(9, 10), red=Fraction(4, 5))
    >>> t.card(Fraction(17, 20)), t.card(Fraction(9, 10))
    (<Card.YELLOW: 'yellow'>, <Card.GREEN: 'green'>)
    """

    metric: str
    direction: Direction = attrs.field(converter=_direction)
    yellow: MetricValue | None = attrs.field(default=None, kw_only=True)
    red: MetricValue | None = attrs.field(default=None, kw_only=True)

    def breached(self, value: MetricValue, bound: MetricValue | None) -> bool:
        """True when ``value`` is on the wrong side of ``bound`` (never for None)."""
        if bound is None:
            return False
        v: Any = value
        if self.direction is Direction.HIGHER_IS_BETTER:
            return bool(v < bound)
        return bool(v > bound)

    def card(self, value: MetricValue) -> Card:
        """The card this metric alone gives ``value``."""
        if self.breached(value, self.red):
            return Card.RED
        if self.breached(value, self.yellow):
            return Card.YELLOW
        return Card.GREEN


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(
        value, int | Fraction | Decimal | float
    ):
        return False
    if isinstance(value, float | Decimal):
        return not (math.isnan(value) if isinstance(value, float) else value.is_nan())
    return True


def _bound_problems(metric: str, yellow: object, red: object) -> list[Problem]:
    return [
        Problem(
            metric,
            name,
            f"expected a number (int, Fraction, Decimal) or None, got {v!r}.",
        )
        for name, v in (("yellow", yellow), ("red", red))
        if v is not None and not _is_number(v)
    ]


def _policy_problems(
    thresholds: tuple[Threshold, ...], promote_after: object, on_missing: object
) -> list[Problem]:
    problems: list[Problem] = []
    if type(promote_after) is not int or promote_after < 1:
        problems.append(
            Problem(
                "policy",
                "promote_after",
                f"expected a whole number of periods ≥ 1, got {promote_after!r}.",
            )
        )
    if on_missing is not None and not isinstance(on_missing, Card):
        problems.append(
            Problem(
                "policy", "on_missing", f"expected a Card or None, got {on_missing!r}."
            )
        )
    seen: set[str] = set()
    for t in thresholds:
        if not isinstance(t, Threshold):
            problems.append(
                Problem("policy", "thresholds", f"expected a Threshold, got {t!r}.")
            )
            continue
        if not isinstance(t.metric, str) or not t.metric:
            problems.append(
                Problem(
                    str(t.metric),
                    "metric",
                    f"expected a non-empty metric name, got {t.metric!r}.",
                )
            )
        elif t.metric in seen:
            problems.append(
                Problem(t.metric, "metric", "a second threshold for the same metric.")
            )
        seen.add(str(t.metric))
        bad = _bound_problems(str(t.metric), t.yellow, t.red)
        problems.extend(bad)
        if bad or t.yellow is None or t.red is None:
            continue
        # Red must be at least as strict as yellow: the yellow bound itself
        # may not already breach red.
        if t.breached(t.yellow, t.red):
            side = "above" if t.direction is Direction.HIGHER_IS_BETTER else "below"
            problems.append(
                Problem(
                    t.metric,
                    "red",
                    f"red bound {t.red!r} is laxer than yellow bound {t.yellow!r}; "
                    f"for a {t.direction.value}-is-better metric red may not lie "
                    f"{side} yellow.",
                )
            )
    return problems


def _thresholds(value: Iterable[Threshold]) -> tuple[Threshold, ...]:
    return tuple(value)


@attrs.frozen
class CardPolicy:
    """Thresholds per metric plus the promotion rule; call it on one node's metrics.

    Validation collects every problem (a bound that is not a number, red
    laxer than yellow, a metric twice, ``promote_after < 1`` …) and raises
    one :class:`~redcity.errors.ValidationError`; use :meth:`from_mapping`
    for plain data (it also reports unknown directions).

    Attributes:
        thresholds: One :class:`Threshold` per metric.
        promote_after: Consecutive qualifying periods before a card improves
            by one colour (default 2, local practice).
        on_missing: The card a missing metric counts as breaching; ``None``
            (the default) skips the metric and notes it in the reason.

    >>> policy = CardPolicy([Threshold("逾期件数", "lower", yellow=2, red=5)])
    >>> policy({"逾期件数": 3}), policy({"逾期件数": 6}), policy({})
    (<Card.YELLOW: 'yellow'>, <Card.RED: 'red'>, <Card.GREEN: 'green'>)
    >>> CardPolicy([Threshold("逾期件数", "lower", yellow=5, red=2)], promote_after=0)
    Traceback (most recent call last):
    ...
    redcity.errors.ValidationError: 2 problems found:
      - policy.promote_after: expected a whole number of periods ≥ 1, got 0.
      - 逾期件数.red: red bound 2 is laxer than yellow bound 5; ...
    """

    thresholds: tuple[Threshold, ...] = attrs.field(converter=_thresholds)
    promote_after: int = DEFAULT_PROMOTE_AFTER
    on_missing: Card | None = None

    def __attrs_post_init__(self) -> None:
        problems = _policy_problems(
            self.thresholds, self.promote_after, self.on_missing
        )
        if problems:
            raise ValidationError(problems)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CardPolicy:
        """A policy from plain data, reporting every problem at once.

        Args:
            data: ``{"thresholds": {metric: {"direction": "higher" | "lower",
                "yellow": number, "red": number}}, "promote_after": int,
                "on_missing": "yellow" | … | None}``; only ``thresholds`` is
                required.

        Raises:
            ValidationError: listing every problem, each naming the metric
                (or ``policy``) and the field.

        >>> CardPolicy.from_mapping({"thresholds": {
        ...     "满意率": {"direction": "sideways", "yellow": 90},
        ...     "结案率": {"direction": "higher", "yellow": 80, "red": 90}},
        ...     "promote_after": 0})
        Traceback (most recent call last):
        ...
        redcity.errors.ValidationError: 3 problems found:
          - 满意率.direction: Expected a direction, got 'sideways'; known names: ...
          - policy.promote_after: expected a whole number of periods ≥ 1, got 0.
          - 结案率.red: red bound 90 is laxer than yellow bound 80; ...
        """
        problems: list[Problem] = []
        extra = set(data) - {"thresholds", "promote_after", "on_missing"}
        if extra:
            problems.append(
                Problem(
                    "policy",
                    sorted(extra)[0],
                    f"unknown key(s) {sorted(extra)!r}; expected thresholds, "
                    "promote_after, on_missing.",
                )
            )
        raw = data.get("thresholds")
        thresholds: list[Threshold] = []
        if not isinstance(raw, Mapping):
            problems.append(
                Problem(
                    "policy",
                    "thresholds",
                    f"expected a mapping of metrics, got {raw!r}.",
                )
            )
            raw = {}
        for metric, spec in raw.items():
            if not isinstance(spec, Mapping):
                problems.append(
                    Problem(str(metric), "", f"expected a mapping, got {spec!r}.")
                )
                continue
            unknown = set(spec) - {"direction", "yellow", "red"}
            if unknown:
                problems.append(
                    Problem(
                        str(metric),
                        sorted(unknown)[0],
                        f"unknown key(s) {sorted(unknown)!r}; expected direction, "
                        "yellow, red.",
                    )
                )
            try:
                direction = Direction.parse(spec.get("direction"))  # type: ignore[arg-type]
            except ValueError as exc:
                problems.append(Problem(str(metric), "direction", str(exc)))
                problems.extend(
                    _bound_problems(str(metric), spec.get("yellow"), spec.get("red"))
                )
                continue
            thresholds.append(
                Threshold(
                    metric, direction, yellow=spec.get("yellow"), red=spec.get("red")
                )
            )
        on_missing: Any = data.get("on_missing")
        if on_missing is not None:
            try:
                on_missing = Card.parse(on_missing)
            except ValueError as exc:
                problems.append(Problem("policy", "on_missing", str(exc)))
                on_missing = None
        promote_after = data.get("promote_after", DEFAULT_PROMOTE_AFTER)
        problems.extend(_policy_problems(tuple(thresholds), promote_after, on_missing))
        if problems:
            raise ValidationError(problems)
        return cls(thresholds, promote_after=promote_after, on_missing=on_missing)

    def __call__(self, metrics: Mapping[str, MetricValue]) -> Card:
        """The qualifying card for one node's metrics in one period."""
        return self.assess(metrics)[0]

    def assess(self, metrics: Mapping[str, MetricValue]) -> tuple[Card, str]:
        """The qualifying card and a sentence saying why.

        >>> policy = CardPolicy([Threshold("满意率", "higher", yellow=90, red=80)])
        >>> policy.assess({"满意率": 85})
        (<Card.YELLOW: 'yellow'>, '满意率 85 < 90 (yellow)')
        """
        worst = Card.GREEN
        notes: list[str] = []
        for t in self.thresholds:
            if t.metric not in metrics:
                if self.on_missing is None:
                    notes.append(f"{t.metric} missing (not checked)")
                else:
                    notes.append(f"{t.metric} missing ({self.on_missing.value})")
                    worst = max(worst, self.on_missing, key=_severity)
                continue
            value = metrics[t.metric]
            card = t.card(value)
            if card is not Card.GREEN:
                bound = t.red if card is Card.RED else t.yellow
                sign = "<" if t.direction is Direction.HIGHER_IS_BETTER else ">"
                notes.append(f"{t.metric} {value} {sign} {bound} ({card.value})")
                worst = max(worst, card, key=_severity)
        return worst, "; ".join(notes) or "all thresholds met"


def _severity(card: Card) -> int:
    return card.severity


@attrs.frozen(kw_only=True)
class CardDecision:
    """One node's card for one period, and why.

    Attributes:
        node_id: The node carded.
        period: The period label.
        metrics: The metrics the decision saw (empty when none were given).
        qualifying: The card the metrics alone call for.
        card: The card given, after hysteresis.
        previous: The card before this period, ``None`` for a first period.
        streak: Consecutive periods so far qualifying for a better card than
            ``card`` (0 after any change).
        reason: A sentence saying why.
    """

    node_id: str
    period: str
    metrics: Mapping[str, MetricValue]
    qualifying: Card
    card: Card
    previous: Card | None
    streak: int
    reason: str

    @property
    def changed(self) -> bool:
        """True when the card differs from the previous period's."""
        return self.previous is not None and self.card is not self.previous


@attrs.frozen(kw_only=True)
class CardHistory:
    """Every decision of :func:`evaluate_cards`, period by period.

    Attributes:
        policy: The policy applied.
        periods: The periods, sorted.
        nodes: The nodes carded, sorted.
        decisions: ``len(periods) * len(nodes)`` decisions, period-major
            (every node of the first period, then the next period …).

    >>> policy = CardPolicy([Threshold("x", "higher", yellow=5, red=2)])
    >>> h = evaluate_cards(policy, {"P1": {"a": {"x": 9}, "b": {"x": 1}},
    ...                             "P2": {"a": {"x": 3}, "b": {"x": 9}}})
    >>> [d.card.zh for d in h.for_node("b")], [d.card.zh for d in h.for_period("P2")]
    (['红牌', '红牌'], ['黄牌', '红牌'])
    >>> h.current(), [(d.node_id, d.period) for d in h.changes()]
    ({'a': <Card.YELLOW: 'yellow'>, 'b': <Card.RED: 'red'>}, [('a', 'P2')])
    >>> h.counts("P1")[Card.GREEN]
    1
    """

    policy: CardPolicy
    periods: tuple[str, ...]
    nodes: tuple[str, ...]
    decisions: tuple[CardDecision, ...]

    def for_node(self, node_id: str) -> tuple[CardDecision, ...]:
        """The node's decisions, oldest first.

        Raises:
            KeyError: the node was not carded.
        """
        k = self._node_position(node_id)
        return self.decisions[k :: len(self.nodes)]

    def for_period(self, period: str) -> tuple[CardDecision, ...]:
        """The decisions of one period, by node id.

        Raises:
            KeyError: no such period.
        """
        try:
            p = self.periods.index(period)
        except ValueError:
            msg = f"No period {period!r} in this history; periods: {self.periods!r}."
            raise KeyError(msg) from None
        n = len(self.nodes)
        return self.decisions[p * n : (p + 1) * n]

    def last(self) -> dict[str, CardDecision]:
        """Each node's latest decision: pass as ``initial`` to continue later.

        >>> policy = CardPolicy([Threshold("x", "higher", yellow=1)])
        >>> h = evaluate_cards(policy, {"p1": {"g": {"x": 0}}})
        >>> h.last()["g"].card
        <Card.YELLOW: 'yellow'>
        """
        n = len(self.nodes)
        if not n or not self.periods:
            return {}
        return {d.node_id: d for d in self.decisions[-n:]}

    def current(self) -> dict[str, Card]:
        """Each node's card in the latest period."""
        return {node_id: d.card for node_id, d in self.last().items()}

    def counts(self, period: str | None = None) -> dict[Card, int]:
        """How many nodes hold each card in ``period`` (the latest if None)."""
        if period is None:
            found = list(self.last().values())
        else:
            found = list(self.for_period(period))
        counts = dict.fromkeys(Card, 0)
        for d in found:
            counts[d.card] += 1
        return counts

    def changes(self) -> tuple[CardDecision, ...]:
        """The decisions that changed a node's card, in history order."""
        return tuple(d for d in self.decisions if d.changed)

    def _node_position(self, node_id: str) -> int:
        try:
            return self.nodes.index(node_id)
        except ValueError:
            msg = f"No node {node_id!r} in this card history."
            raise KeyError(msg) from None


PeriodMetrics: TypeAlias = Mapping[str, Mapping[str, MetricValue]]


def evaluate_cards(
    policy: CardPolicy,
    metrics_by_period: Mapping[str, PeriodMetrics]
    | Iterable[tuple[str, PeriodMetrics]],
    *,
    initial: Mapping[str, Card | CardDecision] | None = None,
) -> CardHistory:
    """Card every node in every period (绿黄红牌 分类动态管理), keeping the history.

    Periods are taken in ``sorted()`` order.  The nodes carded are every
    node with metrics in some period plus those in ``initial``; a node
    without metrics in a period is assessed on no metrics (see
    :attr:`CardPolicy.on_missing`).  Demotion is immediate; promotion needs
    ``policy.promote_after`` consecutive qualifying periods and moves one
    colour at a time.

    Args:
        policy: The thresholds and promotion rule.
        metrics_by_period: ``{period: {node id: {metric: value}}}``, or an
            iterable of ``(period, {node id: {metric: value}})`` pairs.
        initial: Cards held before the first period: a :class:`Card`, or a
            :class:`CardDecision` (e.g. from :meth:`CardHistory.last`) whose
            streak carries on.  Nodes not in it start at their first
            qualifying card.

    Raises:
        ValueError: a period label is not a string or comes twice.
        TypeError: a metric value is not a number.

    References:
        Zunyi practice (遵义): green/yellow/red grid cards re-evaluated each
        period; promotion rules are local configuration.

    >>> policy = CardPolicy([Threshold("结案率", "higher", yellow=90, red=60)],
    ...                     promote_after=2)
    >>> history = evaluate_cards(policy, [
    ...     ("2026-01", {"g1": {"结案率": 50}}),
    ...     ("2026-02", {"g1": {"结案率": 95}}),
    ...     ("2026-03", {"g1": {"结案率": 95}}),
    ... ], initial={"g1": Card.GREEN})
    >>> [(d.qualifying.zh, d.card.zh) for d in history.for_node("g1")]
    [('红牌', '红牌'), ('绿牌', '红牌'), ('绿牌', '黄牌')]
    >>> history.for_node("g1")[-1].reason
    'promoted 红牌 → 黄牌 after 2 qualifying periods (one colour at a time);
     all thresholds met'
    """
    periods = _periods(metrics_by_period)
    start = dict(initial or {})
    nodes = sorted(
        {node_id for _, values in periods for node_id in values} | start.keys()
    )
    state: dict[str, tuple[Card | None, int]] = {}
    for node_id in nodes:
        first = start.get(node_id)
        if isinstance(first, CardDecision):
            state[node_id] = (first.card, first.streak)
        elif first is None:
            state[node_id] = (None, 0)
        else:
            state[node_id] = (Card.parse(first), 0)

    empty: Mapping[str, MetricValue] = {}
    decisions: list[CardDecision] = []
    for period, values in periods:
        for node_id in nodes:
            metrics = dict(values.get(node_id, empty))
            _check_metrics(period, node_id, metrics)
            qualifying, why = policy.assess(metrics)
            previous, streak = state[node_id]
            card, streak, reason = _step(policy, previous, qualifying, streak)
            state[node_id] = (card, streak)
            decisions.append(
                CardDecision(
                    node_id=node_id,
                    period=period,
                    metrics=metrics,
                    qualifying=qualifying,
                    card=card,
                    previous=previous,
                    streak=streak,
                    reason=f"{reason}; {why}",
                )
            )
    return CardHistory(
        policy=policy,
        periods=tuple(p for p, _ in periods),
        nodes=tuple(nodes),
        decisions=tuple(decisions),
    )


def _step(
    policy: CardPolicy, previous: Card | None, qualifying: Card, streak: int
) -> tuple[Card, int, str]:
    """One period of hysteresis: the card given, the new streak, the reason."""
    if previous is None:
        return qualifying, 0, f"first period: {qualifying.zh} as qualified"
    if qualifying.severity > previous.severity:
        return qualifying, 0, f"demoted {previous.zh} → {qualifying.zh} at once"
    if qualifying is previous:
        return previous, 0, f"kept {previous.zh}: qualifies for the same card"
    streak += 1
    if streak >= policy.promote_after:
        better = previous.better()
        return (
            better,
            0,
            f"promoted {previous.zh} → {better.zh} after {streak} qualifying "
            "periods (one colour at a time)",
        )
    return (
        previous,
        streak,
        f"kept {previous.zh}: {streak} of {policy.promote_after} qualifying "
        "periods for promotion",
    )


def _periods(
    data: Mapping[str, PeriodMetrics] | Iterable[tuple[str, PeriodMetrics]],
) -> list[tuple[str, PeriodMetrics]]:
    pairs = list(data.items()) if isinstance(data, Mapping) else list(data)
    seen: set[str] = set()
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            msg = f"Expected (period, {{node id: metrics}}) pairs, got {pair!r}."
            raise TypeError(msg)
        period, values = pair
        if not isinstance(period, str):
            msg = f"Expected period labels to be strings, got {period!r}."
            raise ValueError(msg)
        if period in seen:
            msg = f"Period {period!r} comes twice; give each period once."
            raise ValueError(msg)
        if not isinstance(values, Mapping):
            msg = (
                f"Expected period {period!r} to map node ids to metrics, "
                f"got {type(values).__name__}."
            )
            raise TypeError(msg)
        seen.add(period)
    return sorted(pairs, key=lambda pair: pair[0])


def _check_metrics(period: str, node_id: str, metrics: Mapping[str, object]) -> None:
    for name, value in metrics.items():
        if not _is_number(value):
            msg = (
                f"Expected a number for metric {name!r} of node {node_id!r} in "
                f"period {period!r}, got {value!r}."
            )
            raise TypeError(msg)
