"""Dispatch laws: escalation one level at a time within bounds; SLA deadlines."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import pendulum
from hypothesis import settings
from hypothesis import strategies as st

from redcity.calendars import WorkCalendar
from redcity.dispatch import DEFAULT_BOUNDS, BoundedEscalation, EscalationPolicy
from redcity.errors import UnofficialCalendarWarning
from redcity.grid import GridTree, Level
from redcity.testing._laws_core import LawReport, law_settings, run_law

__all__ = ["DeadlineTable", "check_escalation", "check_sla"]

SEVERITIES = ("small", "big", "urgent")
_SAYING = {
    "small": "小事不出网格",
    "big": "大事不出社区",
    "urgent": "urgent matters up to the street by default",
}


def _node(tree: GridTree, node: str) -> str:
    level = tree.level(node)
    return f"{node} ({level.zh}, {level.name.lower()})"


def _path(tree: GridTree, path: Sequence[str]) -> str:
    return " → ".join(_node(tree, n) for n in path)


def check_escalation(
    policy: EscalationPolicy,
    tree: GridTree | None = None,
    *,
    bounds: Mapping[str, Level | str] | None = None,
    max_nodes: int = 30,
    max_examples: int | None = None,
    derandomize: bool | None = None,
    settings: settings | None = None,
) -> LawReport:
    """Check the escalation laws for a policy on a tree (or on drawn trees).

    Laws, for a case that keeps being overdue from a drawn node, severity
    and whistle:

    * **never skips a level** — each step goes to the current node's parent;
    * **never passes its bound without a whistle** — without a whistle the
      case stays inside the subtree of its bound (the ancestor at the
      severity's bound level, :meth:`~redcity.dispatch.BoundedEscalation.bound`);
    * **a whistle never holds a case back** — with a whistle the case
      climbs at least as high as without.

    Args:
        policy: The draft escalation policy (an
            :class:`~redcity.dispatch.EscalationPolicy`).
        tree: The district's grid; trees from
            :func:`~redcity.testing.strategies.grid_trees` when ``None``.
        bounds: ``{severity: level}`` the policy promises; the policy's own
            ``bounds`` when it has them, else :data:`~redcity.dispatch.DEFAULT_BOUNDS`.
        max_nodes: Most nodes of a drawn tree.
        max_examples: Examples per law; the loaded profile's by default.
        derandomize: Search deterministically.
        settings: Hypothesis settings to start from.

    >>> from redcity.dispatch import BoundedEscalation
    >>> check_escalation(BoundedEscalation(), max_examples=10).ok
    True
    """
    from redcity.testing.strategies import grid_trees

    promised = (
        bounds if bounds is not None else getattr(policy, "bounds", DEFAULT_BOUNDS)
    )
    oracle = BoundedEscalation(promised)
    trees = st.just(tree) if tree is not None else grid_trees(max_nodes=max_nodes)
    cases = trees.flatmap(
        lambda t: st.tuples(
            st.just(t),
            st.sampled_from(t.ids),
            st.sampled_from(SEVERITIES),
            st.booleans(),
        )
    )
    how = law_settings(settings, max_examples, derandomize)

    def walk(t: GridTree, start: str, severity: str, whistled: bool) -> list[str]:
        path = [start]
        for _ in range(len(t) + 1):
            nxt = policy(t, path[-1], severity, whistled)
            if nxt is None:
                break
            path.append(nxt)
        return path

    def skips(example: tuple[GridTree, str, str, bool]) -> str | None:
        t, start, severity, whistled = example
        path = walk(t, start, severity, whistled)
        for here, there in itertools.pairwise(path):
            parent = t.parent(here)
            if there != parent:
                why = "with" if whistled else "without"
                expected = _node(t, parent) if parent else "nowhere (it is the root)"
                return (
                    f"a {severity} case at {_node(t, here)} went {why} a whistle "
                    f"to {_node(t, there)}; one level up is {expected}. "
                    f"Path: {_path(t, path)}."
                )
        return None

    def bounded(example: tuple[GridTree, str, str, bool]) -> str | None:
        t, start, severity, _ = example
        path = walk(t, start, severity, False)
        top = oracle.bound(t, start, severity)
        level = oracle.bounds[severity]
        for node in path[1:]:
            if top is None or not t.contains(top, node):
                limit = (
                    f"its bound is {_node(t, top)}"
                    if top is not None
                    else f"{_node(t, start)} already sits above the {level.zh} level"
                )
                return (
                    f"a {severity} case at {_node(t, start)} climbed to "
                    f"{_node(t, node)} without a whistle; {limit} "
                    f"({_SAYING[severity]}: bound level {level.zh}). "
                    f"Path: {_path(t, path)}."
                )
        return None

    def whistle(example: tuple[GridTree, str, str, bool]) -> str | None:
        t, start, severity, _ = example
        quiet, loud = walk(t, start, severity, False), walk(t, start, severity, True)
        if len(loud) >= len(quiet):
            return None
        return (
            f"a {severity} case at {_node(t, start)} climbs to "
            f"{_node(t, quiet[-1])} without a whistle but only to "
            f"{_node(t, loud[-1])} with one."
        )

    results = (
        run_law("escalation never skips a level", cases, skips, how),
        run_law("never passes its bound without a whistle", cases, bounded, how),
        run_law("a whistle never holds a case back", cases, whistle, how),
    )
    name = getattr(policy, "__name__", type(policy).__name__)
    where = f"on tree {tree.root}" if tree is not None else "on drawn trees"
    return LawReport(f"escalation policy {name} {where}", results)


class DeadlineTable(Protocol):
    """Looks up and computes deadlines, as :class:`~redcity.dispatch.SlaTable`."""

    def deadline(
        self,
        calendar: WorkCalendar,
        category: str,
        severity: Any,
        start: datetime,
        *,
        clock: Any = ...,
    ) -> datetime: ...


def _moment(value: datetime, zone: Any) -> str:
    local = pendulum.instance(value).in_timezone(zone)
    return local.format("ddd YYYY-MM-DD HH:mm")


def check_sla(
    table: DeadlineTable,
    calendar: WorkCalendar | None = None,
    *,
    categories: Sequence[str] | None = None,
    year: int = 2026,
    max_examples: int | None = None,
    derandomize: bool | None = None,
    settings: settings | None = None,
) -> LawReport:
    """Check the deadline laws of an SLA table on a working calendar.

    Laws, for a drawn category, severity, clock and start in ``year``:

    * **deadlines land on working days** (调休 make-up days included);
    * **deadlines land within working hours** (an interval's close counts);
    * **deadlines come after the start**;
    * **a later start never gets an earlier deadline**.

    Args:
        table: The draft table (an :class:`~redcity.dispatch.SlaTable` or
            anything with its ``deadline`` method).
        calendar: ``WorkCalendar.china()`` by default.
        categories: Category codes to draw; the table's own (and one it does
            not name) by default.
        year: Starts fall in January–November of this year.
        max_examples: Examples per law; the loaded profile's by default.
        derandomize: Search deterministically.
        settings: Hypothesis settings to start from.

    >>> from redcity.dispatch import SlaTable
    >>> check_sla(SlaTable.default(), max_examples=10).ok
    True
    """
    cal = calendar if calendar is not None else WorkCalendar.china()
    zone = pendulum.timezone(cal.tz)
    if categories is None:
        rules = getattr(table, "rules", {})
        named = sorted({c for c, _ in rules if c != "*"})
        categories = [*named, "other"]
    starts = st.datetimes(
        datetime(year, 1, 1), datetime(year, 11, 30), timezones=st.just(zone)
    )
    case = st.tuples(
        st.sampled_from(list(categories)),
        st.sampled_from(SEVERITIES),
        st.sampled_from(("resolve", "respond")),
        starts,
    )
    how = law_settings(settings, max_examples, derandomize)

    def due(category: str, severity: str, clock: str, start: datetime) -> datetime:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnofficialCalendarWarning)
            return table.deadline(cal, category, severity, start, clock=clock)

    def what(category: str, severity: str, clock: str, start: datetime) -> str:
        limit = ""
        if hasattr(table, "limit"):
            limit = f" within {table.limit(category, severity, clock)}"
        return (
            f"a {severity} case of category {category} started "
            f"{_moment(start, zone)} must {clock}{limit}"
        )

    def working_day(example: tuple[str, str, str, datetime]) -> str | None:
        end = due(*example)
        local = pendulum.instance(end).in_timezone(zone)
        if cal.is_working_day(local.date()):
            return None
        return f"{what(*example)}; the table says by {_moment(end, zone)}, a day off."

    def working_hours(example: tuple[str, str, str, datetime]) -> str | None:
        end = due(*example)
        local = pendulum.instance(end).in_timezone(zone).time().replace(tzinfo=None)
        if any(a <= local <= b for a, b in cal.working_hours):
            return None
        hours = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in cal.working_hours)
        return (
            f"{what(*example)}; the table says by {_moment(end, zone)}, outside "
            f"the working hours {hours}."
        )

    def after_start(example: tuple[str, str, str, datetime]) -> str | None:
        end = due(*example)
        if end > example[3]:
            return None
        return (
            f"{what(*example)}; the table says by {_moment(end, zone)}, not after it."
        )

    later = st.tuples(case, st.integers(1, 60 * 24 * 10))

    def monotone(example: tuple[tuple[str, str, str, datetime], int]) -> str | None:
        (category, severity, clock, start), minutes = example
        second = start + pendulum.duration(minutes=minutes)
        a, b = (
            due(category, severity, clock, start),
            due(category, severity, clock, second),
        )
        if b >= a:
            return None
        return (
            f"{what(category, severity, clock, start)}: by {_moment(a, zone)}; "
            f"started {minutes} minutes later, at {_moment(second, zone)}, by the "
            f"earlier {_moment(b, zone)}."
        )

    results = (
        run_law("deadlines land on working days", case, working_day, how),
        run_law("deadlines land within working hours", case, working_hours, how),
        run_law("deadlines come after the start", case, after_start, how),
        run_law("a later start never gets an earlier deadline", later, monotone, how),
    )
    return LawReport(f"SLA table on the {cal.tz} working calendar", results)
