"""Card-policy laws: better metrics never a worse card; the hysteresis of cards.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from hypothesis import settings
from hypothesis import strategies as st

from redcity.grid import (
    Card,
    CardDecision,
    CardHistory,
    CardPolicy,
    Direction,
    MetricValue,
    Threshold,
    evaluate_cards,
)
from redcity.testing._laws_core import LawReport, law_settings, run_law

__all__ = ["CardEvaluator", "check_card_policy"]


class CardEvaluator(Protocol):
    """Cards every node in every period, as :func:`redcity.grid.evaluate_cards`."""

    def __call__(
        self,
        policy: CardPolicy,
        metrics_by_period: Mapping[str, Mapping[str, Mapping[str, MetricValue]]],
        *,
        initial: Mapping[str, Card] | None = None,
    ) -> CardHistory: ...


Metrics = dict[str, MetricValue]
History = tuple[dict[str, dict[str, Metrics]], dict[str, Card]]


def _card(card: Card | None) -> str:
    return "no card" if card is None else f"{card.zh} ({card.value})"


def _metrics(metrics: Mapping[str, MetricValue]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(metrics.items())) + "}"


def _values(threshold: Threshold) -> st.SearchStrategy[MetricValue]:
    """Values on, just either side of, and away from the bounds."""
    pivots: set[MetricValue] = {0, 50, 100}
    for bound in (threshold.yellow, threshold.red):
        if bound is not None:
            b = Fraction(str(bound)) if isinstance(bound, float | Decimal) else bound
            pivots.update({b, b - 1, b + 1, b - Fraction(1, 2), b + Fraction(1, 2)})
    ordered = sorted(pivots, key=lambda v: Fraction(str(v)))
    return st.sampled_from(ordered) | st.integers(-10, 110)


def _metric_sets(thresholds: Sequence[Threshold]) -> st.SearchStrategy[Metrics]:
    return st.fixed_dictionaries(
        {}, optional={t.metric: _values(t) for t in thresholds}
    )


def _better(
    thresholds: Sequence[Threshold],
) -> st.SearchStrategy[tuple[Metrics, str, MetricValue]]:
    def pick(metrics: Metrics) -> st.SearchStrategy[tuple[Metrics, str, MetricValue]]:
        present = [t for t in thresholds if t.metric in metrics]
        if not present:
            return st.just((metrics, "", 0))
        return st.tuples(
            st.just(metrics),
            st.sampled_from([t.metric for t in present]),
            st.sampled_from([Fraction(1, 2), 1]) | st.integers(1, 60),
        )

    return _metric_sets(thresholds).flatmap(pick)


def _histories(
    thresholds: Sequence[Threshold], max_periods: int
) -> st.SearchStrategy[History]:
    metrics = _metric_sets(thresholds)

    @st.composite
    def build(draw: st.DrawFn) -> History:
        periods = draw(st.integers(1, max_periods))
        nodes = [f"g{k}" for k in range(1, draw(st.integers(1, 2)) + 1)]
        data = {
            f"2026-{m:02d}": {n: draw(metrics) for n in nodes}
            for m in range(1, periods + 1)
        }
        initial = draw(st.dictionaries(st.sampled_from(nodes), st.sampled_from(Card)))
        return data, initial

    return build()


def _node_story(history: CardHistory, node: str, upto: str) -> str:
    steps = [
        f"{d.period} {_metrics(d.metrics)} qualifies {d.qualifying.value}, "
        f"gets {d.card.value}"
        for d in history.for_node(node)
        if d.period <= upto
    ]
    return "; ".join(steps)


def check_card_policy(
    policy: CardPolicy,
    *,
    evaluate: CardEvaluator | Callable[..., CardHistory] = evaluate_cards,
    max_periods: int = 6,
    max_examples: int | None = None,
    derandomize: bool | None = None,
    settings: settings | None = None,
) -> LawReport:
    """Check the card laws of :mod:`redcity.grid.cards` for a policy.

    Laws:

    * **better metrics never earn a worse card** — improving one metric (up
      for higher-is-better, down for lower-is-better) never worsens the
      qualifying card ``policy(metrics)``;
    * **demotion at once** — a node whose metrics call for a worse card gets
      it in that period (and a first period without an initial card gets
      its qualifying card);
    * **never better than the metrics** — the card given is never better
      than the qualifying card;
    * **promotion one colour at a time** — 红牌 never turns 绿牌 in one period;
    * **promotion only after promote_after qualifying periods** — the last
      ``promote_after`` periods all qualified for a better card.

    Args:
        policy: The draft policy (any object with ``thresholds``,
            ``promote_after`` and ``__call__(metrics) -> Card``).
        evaluate: How histories are made; :func:`redcity.grid.evaluate_cards`
            by default (pass your app's own to check it).
        max_periods: Most monthly periods in one drawn history.
        max_examples: Examples per law; the loaded profile's by default.
        derandomize: Search deterministically.
        settings: Hypothesis settings to start from.

    >>> from redcity.grid import CardPolicy, Threshold
    >>> policy = CardPolicy([Threshold("满意率", "higher", yellow=90, red=80)])
    >>> check_card_policy(policy, max_examples=10).ok
    True
    """
    thresholds = tuple(policy.thresholds)
    how = law_settings(settings, max_examples, derandomize)
    k = policy.promote_after

    def monotone(example: tuple[Metrics, str, MetricValue]) -> str | None:
        metrics, name, delta = example
        if not name:
            return None
        t = next(t for t in thresholds if t.metric == name)
        better = dict(metrics)
        v: Any = metrics[name]
        better[name] = (
            v + delta if t.direction is Direction.HIGHER_IS_BETTER else v - delta
        )
        before, after = policy(metrics), policy(better)
        if after.severity <= before.severity:
            return None
        way = "higher" if t.direction is Direction.HIGHER_IS_BETTER else "lower"
        return (
            f"a grid with {_metrics(metrics)} qualifies for {_card(before)}, but "
            f"with the better {_metrics(better)} ({name}: {way} is better) for "
            f"{_card(after)}."
        )

    def run(example: History) -> CardHistory:
        data, initial = example
        return evaluate(policy, data, initial=initial)

    def each(
        check: Callable[[CardDecision, list[CardDecision], int, History], str | None],
    ) -> Callable[[History], str | None]:
        def law(example: History) -> str | None:
            history = run(example)
            for node in history.nodes:
                decisions = list(history.for_node(node))
                for i, d in enumerate(decisions):
                    problem = check(d, decisions, i, example)
                    if problem:
                        story = _node_story(history, node, d.period)
                        held = example[1].get(node)
                        start = f"initial card {_card(held)}; " if held else ""
                        return f"{problem} History of {node}: {start}{story}."
            return None

        return law

    def demotion(
        d: CardDecision, ds: list[CardDecision], i: int, ex: History
    ) -> str | None:
        if d.previous is None and d.card is not d.qualifying:
            return (
                f"grid {d.node_id} had no card before {d.period} and qualified "
                f"for {_card(d.qualifying)}, but got {_card(d.card)}."
            )
        if (
            d.previous is not None
            and d.qualifying.severity > d.previous.severity
            and d.card is not d.qualifying
        ):
            return (
                f"grid {d.node_id} held {_card(d.previous)} and qualified for the "
                f"worse {_card(d.qualifying)} in {d.period}, but got {_card(d.card)}."
            )
        return None

    def not_better(
        d: CardDecision, ds: list[CardDecision], i: int, ex: History
    ) -> str | None:
        if d.card.severity < d.qualifying.severity:
            return (
                f"grid {d.node_id} qualified for {_card(d.qualifying)} in "
                f"{d.period} but got the better {_card(d.card)}."
            )
        return None

    def one_colour(
        d: CardDecision, ds: list[CardDecision], i: int, ex: History
    ) -> str | None:
        if d.previous is not None and d.previous.severity - d.card.severity > 1:
            return (
                f"grid {d.node_id} went from {_card(d.previous)} to {_card(d.card)} "
                f"in {d.period}, skipping {_card(d.previous.better())}."
            )
        return None

    def patience(
        d: CardDecision, ds: list[CardDecision], i: int, ex: History
    ) -> str | None:
        prev = d.previous
        if prev is None or d.card.severity >= prev.severity:
            return None
        window = ds[max(0, i - k + 1) : i + 1]
        ok = len(window) == k and all(
            w.qualifying.severity < prev.severity and w.previous is prev for w in window
        )
        if ok:
            return None
        run = sum(
            1
            for w in window
            if w.previous is prev and w.qualifying.severity < prev.severity
        )
        return (
            f"grid {d.node_id} was promoted from {_card(prev)} to {_card(d.card)} "
            f"in {d.period} after {run} qualifying period(s); the policy asks "
            f"for {k} in a row."
        )

    histories = _histories(thresholds, max_periods)
    results = (
        run_law(
            "better metrics never earn a worse card", _better(thresholds), monotone, how
        ),
        run_law("demotion at once", histories, each(demotion), how),
        run_law("never better than the metrics", histories, each(not_better), how),
        run_law("promotion one colour at a time", histories, each(one_colour), how),
        run_law(
            f"promotion only after {k} qualifying periods",
            histories,
            each(patience),
            how,
        ),
    )
    names = ", ".join(t.metric for t in thresholds) or "no thresholds"
    return LawReport(f"card policy ({names}; promote after {k})", results)
