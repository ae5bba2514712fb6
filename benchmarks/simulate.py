"""Simulation benchmark: one district-year of requests (~10^5 tickets).

The figure the dispatch issue sets: simulate one district-year and report
the time and the per-ticket cost.  The district is 红花岗区 of
:func:`redcity.datasets.zunyi` (968 grids), the horizon the year 2026 on
China's working calendar, the policy and conditions the defaults, and the
per-grid arrival rate is chosen so that about ``n_tickets`` requests arrive
(default 10^5).

*Ours* is :func:`redcity.dispatch.simulate.simulate` end to end: arrivals,
routing, deadlines, the event loop building every ticket through the
:class:`~redcity.dispatch.Ticket` API, and the rates per community and
street through :mod:`redcity.dispatch.metrics`.

*Baseline* is the time merely to build the same tickets through the Ticket
API with no simulation: every ticket's events rebuilt (``attrs.evolve``
runs each event's validators again) and replayed with
:meth:`Ticket.from_events` — the same events and state-machine checks.
Their ratio is the simulation's overhead over the ticket records it must
produce anyway; the per-ticket cost is printed alongside.  One run each
(the job is long).  Run
``python benchmarks/simulate.py`` (``--tickets 20000`` for a quick look).
Nothing here asserts.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import attrs

from harness import Table
from redcity.calendars import Period, WorkCalendar
from redcity.datasets import HONGHUAGANG, zunyi
from redcity.dispatch import Ticket
from redcity.dispatch.simulate import Arrivals, Policy, simulate
from redcity.grid import Level


def bench(table: Table, *, n_tickets: int = 100_000, seed: int = 0) -> None:
    """Simulate a district-year of about ``n_tickets`` requests; add rows."""
    tree = zunyi()
    grids = [g for g in tree.nodes(Level.GRID) if tree.contains(HONGHUAGANG, g)]
    year = Period.parse("2026")
    days = WorkCalendar.china().working_days_in(year)
    per_grid = n_tickets / (len(grids) * days)
    arrivals = Arrivals.from_tree(tree, per_grid=per_grid, within=HONGHUAGANG)
    start = time.perf_counter()
    result = simulate(tree, Policy(), arrivals, year, seed=seed)
    ours = time.perf_counter() - start
    n = len(result.tickets)
    events = sum(len(t.events) for t in result.tickets)
    start = time.perf_counter()
    for t in result.tickets:
        Ticket.from_events(t.id, [attrs.evolve(e) for e in t.events])
    baseline = time.perf_counter() - start
    table.info("simulate district-year (vs build tickets only)", n, ours, baseline)
    table.info("simulate per ticket (vs build per ticket)", n, ours / n, baseline / n)
    rates = result.total.rates()
    print(
        f"# {n:,} tickets, {events:,} events in {len(grids)} grids over {days} "
        f"working days: {ours:.1f} s ({ours / n * 1e6:.0f} µs per ticket); "
        f"closed {result.closed:,}, redirected {result.redirected:,}, "
        f"open {result.backlog:,}; {rates}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    bench(table, n_tickets=args.tickets, seed=args.seed)
    table.print()


if __name__ == "__main__":
    main()
