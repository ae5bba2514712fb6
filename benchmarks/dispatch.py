"""Dispatch benchmark: routing plus deadline for 10^6 tickets, against a naive loop.

The figure the dispatch issue sets: routing every ticket to its handler and
computing its resolve deadline must be at least 10× faster than a naive
version doing the same job the obvious way:

- *ours*: :meth:`redcity.dispatch.policies.TableRouter.route_many` (the
  handling node looked up once per distinct node, via the tree's parent
  index) and :meth:`redcity.dispatch.sla.SlaTable.deadlines` (a working-day
  deadline computed once per start date and limit, on the calendar's
  sorted working-day ordinals);
- *naive* (:func:`naive`): per ticket, walk the frozen ``networkx`` graph
  (``tree.graph.predecessors``) up from the ticket's node to the first
  handling level, then step a pendulum date one day at a time, asking
  :meth:`WorkCalendar.is_working_day` each day, until the n-th working day.

Tickets (:func:`make_tickets`): buildings of a city-size
:func:`redcity.datasets.synthetic` tree (10^5 nodes), categories drawn from
a handful of codes (a fifth needing a department), severities small/big/
urgent, start times spread over January–October 2026 (so 国庆 and 春节 with
their 调休 are crossed).  The naive version runs on every hundredth ticket
and its time is scaled to all of them; before timing, both are checked to
give the same handlers and deadlines on that sample.  Times are the best of
a few runs (:func:`harness.best_of`).  Run ``python benchmarks/dispatch.py``
(``--tickets 100000`` for a quick look).  Nothing here asserts.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import pendulum

from harness import Table, best_of
from redcity.calendars import WorkCalendar
from redcity.datasets import synthetic
from redcity.dispatch.policies import HANDLING_LEVELS, Handler, TableRouter
from redcity.dispatch.sla import SlaTable, normalize_severity
from redcity.grid import GridTree

CST = timezone(timedelta(hours=8))
CODES = (
    "env.garbage",
    "road.pothole",
    "dispute.neighbour",
    "elder.help",
    "street.vending",
)
DEPARTMENTS = {"street.vending": "enforcement"}
SEVERITIES = ("small", "small", "small", "big", "urgent")

Tickets = tuple[list[str], list[str], list[str], list[datetime]]


def make_tickets(tree: GridTree, n: int, *, seed: int = 0) -> Tickets:
    """``n`` tickets: (node ids, category codes, severities, aware start times)."""
    rng = random.Random(seed)
    buildings = tree.nodes("building")
    first = datetime(2026, 1, 1, tzinfo=CST)
    span = int(timedelta(days=300).total_seconds())
    nodes = [rng.choice(buildings) for _ in range(n)]
    codes = [rng.choice(CODES) for _ in range(n)]
    sevs = [rng.choice(SEVERITIES) for _ in range(n)]
    starts = [first + timedelta(seconds=rng.randrange(span)) for _ in range(n)]
    return nodes, codes, sevs, starts


def ours(
    tree: GridTree, table: SlaTable, cal: WorkCalendar, tickets: Tickets
) -> tuple[list[Handler], list[pendulum.DateTime]]:
    """Route and set resolve deadlines with redcity's bulk forms."""
    nodes, codes, sevs, starts = tickets
    handlers = TableRouter(DEPARTMENTS).route_many(tree, nodes, codes)
    return handlers, table.deadlines(cal, codes, sevs, starts)


def naive(
    tree: GridTree, table: SlaTable, cal: WorkCalendar, tickets: Tickets
) -> tuple[list[Handler], list[pendulum.DateTime]]:
    """The obvious loop: graph walk plus day-by-day pendulum stepping."""
    graph = tree.graph
    close = cal.working_hours[-1][1]
    handlers: list[Handler] = []
    dues: list[pendulum.DateTime] = []
    for node, code, sev, start in zip(*tickets, strict=True):
        if code in DEPARTMENTS:
            handlers.append(Handler.department(DEPARTMENTS[code]))
        else:
            while graph.nodes[node]["level"] not in HANDLING_LEVELS:
                node = next(iter(graph.predecessors(node)))
            handlers.append(Handler(graph.nodes[node]["level"], node))
        n = table.limit(code, normalize_severity(sev)).amount
        day = pendulum.instance(start).in_timezone(cal.tz).date()
        while n > 0:
            day = day.add(days=1)
            if cal.is_working_day(day):
                n -= 1
        dues.append(
            pendulum.datetime(
                day.year, day.month, day.day, close.hour, close.minute, tz=cal.tz
            )
        )
    return handlers, dues


def _sample(tickets: Tickets, step: int) -> Tickets:
    nodes, codes, sevs, starts = tickets
    return nodes[::step], codes[::step], sevs[::step], starts[::step]


def bench(
    table: Table,
    *,
    n_tickets: int = 1_000_000,
    n_nodes: int = 100_000,
    seed: int = 0,
    sample: int = 100,
    repeat: int = 3,
) -> None:
    """Add the row "routing + deadline" to ``table`` (target ≥ 10×)."""
    tree = synthetic(n_nodes, seed=seed)
    sla, cal = SlaTable.default(), WorkCalendar.china()
    tickets = make_tickets(tree, n_tickets, seed=seed)
    few = _sample(tickets, sample)
    if ours(tree, sla, cal, few) != naive(tree, sla, cal, few):
        msg = "redcity and the naive loop disagree on the sample; not timing."
        raise AssertionError(msg)
    t_ours = best_of(repeat, lambda: ours(tree, sla, cal, tickets), at_least=0)
    t_naive = best_of(repeat, lambda: naive(tree, sla, cal, few), at_least=0)
    scaled = t_naive * n_tickets / len(few[0])
    table.speedup(
        f"routing + deadline (naive on 1/{sample}, scaled)",
        n_tickets,
        t_ours,
        scaled,
        10,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    bench(table, n_tickets=args.tickets, n_nodes=args.nodes, seed=args.seed)
    table.print()


if __name__ == "__main__":
    main()
