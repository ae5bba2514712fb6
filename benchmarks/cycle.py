"""Monthly closed-loop benchmark: ``closed_loop`` against a grouping baseline.

A city of about 10⁵ grid nodes (``redcity.datasets.synthetic``) holds
10⁴ meetings in a year, each taking up about five topics collected in its
community during the month before it: 5 × 10⁴ topics, most resolved
within two months, most of those fed back.  The job is the year's twelve
monthly reports: per community, street, district and city, the topics
collected, carried in, resolved, resolved with feedback, carried over,
and the median days to resolve.

The baseline is what an analyst would write: group the topics by their
community, street, district and city with ``tree.ancestor``, then for every
area count with a plain loop and take ``statistics.median`` of exact day
counts.  Both are checked to agree on every month before timing.  The issue
sets no target (it asks for times), so the row is reported for the record
as the baseline's time over ours.

Run ``python benchmarks/cycle.py`` (``--meetings 1000`` for a quick look).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from harness import Table, best_of
from redcity.calendars import Period
from redcity.datasets import synthetic
from redcity.grid import GridTree, Level
from redcity.meetings.cycle import DEFAULT_LOOP_LEVELS, Topic, closed_loop

CST = timezone(timedelta(hours=8))
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS = [Period("month", 2026, m) for m in range(1, 13)]
Figures = tuple[int, int, int, int, int, Fraction | None]


def build(
    tree: GridTree, n_meetings: int, *, per_meeting: int = 5, seed: int = 0
) -> list[Topic]:
    """About ``per_meeting`` topics for each of ``n_meetings`` meetings in 2026."""
    rng = random.Random(seed)
    communities = tree.nodes(Level.COMMUNITY)
    places = {c: (c, *tree.descendants(c)) for c in communities}
    start = datetime(2026, 1, 1, tzinfo=CST)
    minutes = 365 * 24 * 60
    topics: list[Topic] = []
    for m in range(n_meetings):
        community = rng.choice(communities)
        held = start + timedelta(minutes=rng.randrange(minutes))
        for _ in range(rng.randint(per_meeting - 2, per_meeting + 2)):
            collected = held - timedelta(minutes=rng.randrange(30 * 24 * 60))
            resolved = feedback = None
            if rng.random() < 0.85:
                resolved = held + timedelta(minutes=rng.randrange(60 * 24 * 60))
                if rng.random() < 0.75:
                    feedback = resolved + timedelta(minutes=rng.randrange(10 * 24 * 60))
            topics.append(
                Topic(
                    id=f"t{len(topics)}",
                    node_id=rng.choice(places[community]),
                    collected_at=collected,
                    title="议题",
                    source="居民提议",
                    meeting_ids=(f"m{m}",),
                    resolved_at=resolved,
                    feedback_at=feedback,
                )
            )
    return topics


def baseline(
    topics: Sequence[Topic], tree: GridTree, period: Period
) -> dict[str, Figures]:
    """Group by area with ``tree.ancestor``; count and median per area."""
    start, end = period.start, period.end
    groups: dict[str, list[Topic]] = {}
    for t in topics:
        for level in DEFAULT_LOOP_LEVELS:
            area = tree.ancestor(t.node_id, level)
            if area is not None:
                groups.setdefault(area, []).append(t)
    result: dict[str, Figures] = {}
    for level in DEFAULT_LOOP_LEVELS:
        for area in tree.nodes(level):
            collected = carried_in = resolved = fed_back = carried_over = 0
            days: list[Fraction] = []
            for t in groups.get(area, ()):
                c, r, f = t.collected_at, t.resolved_at, t.feedback_at
                if c >= end:
                    continue
                if c >= start:
                    collected += 1
                elif r is None or r >= start:
                    carried_in += 1
                if r is None or r >= end:
                    carried_over += 1
                elif r >= start:
                    resolved += 1
                    if f is not None and f < end:
                        fed_back += 1
                    local_r = r.astimezone(SHANGHAI).date()
                    days.append(
                        Fraction((local_r - c.astimezone(SHANGHAI).date()).days)
                    )
            median = statistics.median(days) if days else None
            result[area] = (
                collected,
                carried_in,
                resolved,
                fed_back,
                carried_over,
                median,
            )
    return result


def ours(topics: Sequence[Topic], tree: GridTree, period: Period) -> dict[str, Any]:
    report = closed_loop(topics, tree, period)
    return {
        a.node_id: (
            a.collected,
            a.carried_in,
            a.resolved,
            a.with_feedback,
            a.carried_over,
            a.median_days,
        )
        for a in report.areas
    }


def bench(
    table: Table,
    *,
    n_meetings: int = 10_000,
    n_nodes: int = 100_000,
    per_meeting: int = 5,
    seed: int = 0,
) -> None:
    began = time.perf_counter()
    tree = synthetic(n_nodes, seed=seed)
    topics = build(tree, n_meetings, per_meeting=per_meeting, seed=seed)
    print(
        f"[{len(topics):,} topics, {len(tree):,} nodes] built in "
        f"{time.perf_counter() - began:.1f} s; checking agreement",
        file=sys.stderr,
    )
    for period in MONTHS:
        assert baseline(topics, tree, period) == ours(topics, tree, period), period

    def year_ours() -> None:
        for period in MONTHS:
            closed_loop(topics, tree, period)

    def year_baseline() -> None:
        for period in MONTHS:
            baseline(topics, tree, period)

    print("timing twelve monthly reports", file=sys.stderr)
    repeat = 3
    theirs = best_of(repeat, year_baseline)
    mine = best_of(repeat, year_ours)
    table.info(
        f"closed_loop 12 months, {n_meetings:,} meetings vs group + median",
        len(topics),
        mine,
        theirs,
        speedup=True,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    bench(table, n_meetings=args.meetings, n_nodes=args.nodes, seed=args.seed)
    table.print()


if __name__ == "__main__":
    main()
