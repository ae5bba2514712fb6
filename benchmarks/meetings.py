"""Meetings benchmark: ``owners_decision`` against a plain float loop.

``owners_decision`` checks the whole input (duplicate unit ids, every
ballot's owner and value), groups units into persons (the developer's units
as one person, each multi-unit buyer as one person), sums areas exactly in
``Decimal``, compares exact ``Fraction`` ratios and writes a bilingual
explanation.  The baseline is what a hurried script would do: one loop with
Python floats and dicts computing the same quorum and the same pass, no
checks, no explanation.  It is checked to agree with redcity first.

The estate: 5,000 units of 40–150 m², about 5 % still held by the
developer, some buyers holding two to four units; about 80 % of the persons
vote.  The issue's target: well under a few milliseconds a decision.

Run ``python benchmarks/meetings.py`` (``--units 50000`` for a big estate).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal

import cycle
from harness import Table, best_of
from redcity.meetings import Matter, Unit, owners_decision

SPECIAL = {"raise_repair_fund", "rebuild", "change_common_use"}


def plain_decision(
    matter: str,
    units: Sequence[tuple[str, float, str | None]],
    ballots: Mapping[str | None, str],
) -> tuple[bool, bool]:
    """The baseline: (quorum_met, passed) with floats and dicts, no checks."""
    area_of: dict[str | None, float] = {}
    for _, area, owner in units:
        area_of[owner] = area_of.get(owner, 0.0) + area
    total_area = sum(area_of.values())
    part_area = yes_area = 0.0
    part = yes = 0
    for owner, ballot in ballots.items():
        part_area += area_of[owner]
        part += 1
        if ballot == "yes":
            yes_area += area_of[owner]
            yes += 1
    quorum = part_area / total_area >= 2 / 3 and part / len(area_of) >= 2 / 3
    if not part:
        return quorum, False
    if matter in SPECIAL:
        ok = yes_area / part_area >= 0.75 and yes / part >= 0.75
    else:
        ok = yes_area / part_area > 0.5 and yes / part > 0.5
    return quorum, quorum and ok


def build(
    n_units: int, *, seed: int = 0, turnout: float = 0.8, approval: float = 0.8
) -> tuple[list[Unit], dict[str | None, str]]:
    """An estate of ``n_units`` units and the ballots of its voting persons."""
    rng = random.Random(seed)
    units: list[Unit] = []
    buyer = 0
    while len(units) < n_units:
        roll = rng.random()
        if roll < 0.05:
            owner, count = None, 1
        else:
            owner, count = f"业主{buyer:05d}", (rng.randint(2, 4) if roll > 0.9 else 1)
            buyer += 1
        for _ in range(min(count, n_units - len(units))):
            area = Decimal(rng.randint(4000, 15000)) / 100
            units.append(
                Unit(f"{len(units) // 200 + 1}-{len(units) % 200 + 101}", area, owner)
            )
    rng.shuffle(units)
    persons = list(dict.fromkeys(u.owner for u in units))
    ballots: dict[str | None, str] = {}
    for person in persons:
        if rng.random() < turnout:
            r = rng.random()
            ballots[person] = (
                "yes" if r < approval else ("no" if r < 0.95 else "abstain")
            )
    return units, ballots


def bench(table: Table, *, n_units: int = 5_000, seed: int = 0) -> None:
    print(f"[{n_units:,} units] building the estate", file=sys.stderr)
    units, ballots = build(n_units, seed=seed)
    rows = [(u.id, float(u.area), u.owner) for u in units]
    for matter in (Matter.CHANGE_COMMON_USE, Matter.USE_REPAIR_FUND):
        d = owners_decision(matter, units, ballots)
        expected = plain_decision(matter.value, rows, ballots)
        assert expected == (d.quorum_met, d.passed), (matter, expected, d)
    print(
        f"[{n_units:,} units] {d.total_persons:,} persons, "
        f"{d.participating_persons:,} voting; owners_decision vs plain float loop",
        file=sys.stderr,
    )
    repeat = 5
    matter = Matter.CHANGE_COMMON_USE
    theirs = best_of(repeat, lambda: plain_decision(matter.value, rows, ballots))
    ours = best_of(repeat, lambda: owners_decision(matter, units, ballots))
    print(f"[{n_units:,} units] owners_decision: {ours * 1e3:.2f} ms", file=sys.stderr)
    table.cost(
        "meetings owners_decision() vs plain float loop", n_units, ours, theirs, 5
    )


def bench_all(
    table: Table, *, n_units: int = 5_000, n_meetings: int = 10_000, seed: int = 0
) -> None:
    """Every meetings figure: what ``run.py --only meetings`` runs — the
    owners' decision here and the monthly cycle (:mod:`cycle`)."""
    bench(table, n_units=n_units, seed=seed)
    cycle.bench(table, n_meetings=n_meetings, seed=seed)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    bench_all(table, n_units=args.units, seed=args.seed)
    table.print()


if __name__ == "__main__":
    main()
