"""Matching benchmark: 1,000 micro-wishes to 300 members, checked against scipy.

The figure the dispatch issue sets: time min-cost-flow matching
(:func:`redcity.dispatch.matching.match`, ``method="flow"``) of 1,000 wishes
to 300 members and check its optimality against
``scipy.optimize.linear_sum_assignment`` (a dev-only dependency).  There is
no speed target; the rows are reported for the record (``info``):

- *flow vs scipy*: scipy solves the same problem as a rectangular
  assignment (:func:`scipy_objective`): one row per wish; one column per
  unit of a member's capacity (a member of capacity 3 is three columns);
  one dummy column per wish (cost 0: the wish stays open).  A wish's cell
  in a member's column is the pair's distance cost minus a reward for the
  match and its priority, with the same lexicographic weights as
  :func:`match` (each match outweighs any priority and distance; each unit
  of priority outweighs any distance); cells a member may not take (skills,
  reach) cost more than a dummy, so the optimum never uses them.  Every
  number is an integer below 2^53, so float64 holds it exactly.  The
  distance costs are computed here independently (``GridTree.ancestor`` per
  node, numpy comparisons per level).  The benchmark stops with an error
  unless scipy's optimum (matched, priority, -cost) equals ours.  scipy's
  time includes building its matrix from the same records.
- *flow vs greedy*: the cost of optimality over the ``method="greedy"``
  baseline; the greedy result's shortfall is printed.

Data (:func:`make_problem`): the buildings of one synthetic district
(:func:`redcity.datasets.synthetic`, 8,000 nodes: about 12 streets, 90
communities, 1,100 grids), members and wishes on random buildings; members
hold each of five skills with probability 0.4 and take 1–3 wishes; half the
wishes need one skill; priorities 0, 1 or 2.  If scipy is not installed the
scipy row is skipped with a note.  Run ``python benchmarks/matching.py``.
Nothing here asserts.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence

from harness import Table, best_of
from redcity.datasets import synthetic
from redcity.dispatch.matching import (
    DEFAULT_COST,
    CostPolicy,
    Matching,
    Request,
    Volunteer,
    match,
)
from redcity.grid import GridTree, Level

SKILLS = ("助老", "理发", "维修", "送餐", "辅导")
TREE_NODES = 8_000

Problem = tuple[GridTree, list[Request], list[Volunteer]]


def make_problem(n_wishes: int, n_members: int, *, seed: int = 0) -> Problem:
    """A synthetic district with ``n_wishes`` wishes and ``n_members`` members."""
    rng = random.Random(seed)
    tree = synthetic(TREE_NODES, seed=seed)
    buildings = tree.nodes(Level.BUILDING)
    members = [
        Volunteer(
            f"m{j:04d}",
            rng.choice(buildings),
            skills=[s for s in SKILLS if rng.random() < 0.4],
            capacity=rng.randint(1, 3),
        )
        for j in range(n_members)
    ]
    wishes = [
        Request(
            f"w{i:05d}",
            rng.choice(buildings),
            skills=rng.choice(SKILLS) if rng.random() < 0.5 else None,
            priority=rng.choice((0, 0, 0, 1, 2)),
        )
        for i in range(n_wishes)
    ]
    return tree, wishes, members


def scipy_objective(
    tree: GridTree,
    wishes: Sequence[Request],
    members: Sequence[Volunteer],
    cost: CostPolicy = DEFAULT_COST,
) -> tuple[int, int, int]:
    """The optimum (matched, priority, -cost) by ``linear_sum_assignment``."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    levels = (Level.BUILDING, Level.GRID, Level.COMMUNITY, Level.STREET)
    n = len(wishes)
    slots = [j for j, m in enumerate(members) for _ in range(m.capacity)]
    # Each node's place at each level as an integer (-1: none; -2 on the
    # members' side so that two missing places never match).
    codes: dict[str | None, int] = {None: -1}

    def places(nodes: Sequence[str], none: int) -> np.ndarray:
        out = np.empty((len(nodes), len(levels)), dtype=np.int64)
        for row, node in enumerate(nodes):
            for k, level in enumerate(levels):
                a = tree.ancestor(node, level)
                out[row, k] = none if a is None else codes.setdefault(a, len(codes))
        return out

    rp = places([w.node_id for w in wishes], -1)
    vp = places([members[j].node_id for j in slots], -2)
    far = -1 if cost.elsewhere is None else cost.elsewhere  # -1: not allowed
    dist = np.full((n, len(slots)), far, dtype=np.int64)
    for k in reversed(range(len(levels))):  # finest level last: it wins
        same = rp[:, k, None] == vp[None, :, k]
        dist[same] = cost.costs[k]
    able = np.array(
        [[w.skills <= members[j].skills for j in slots] for w in wishes], dtype=bool
    ).reshape(n, len(slots))
    allowed = able & (dist >= 0)

    per_priority = n * cost.highest + 1
    top = max((w.priority for w in wishes), default=0)
    per_match = per_priority * (n * top + 1)
    reward = per_match + per_priority * np.array([w.priority for w in wishes])
    matrix = np.zeros((n, len(slots) + n), dtype=np.float64)
    matrix[:, : len(slots)] = np.where(allowed, dist - reward[:, None], per_match)
    rows, cols = linear_sum_assignment(matrix)
    real = cols < len(slots)
    rows, cols = rows[real], cols[real]
    if not allowed[rows, cols].all():  # pragma: no cover - a broken check
        msg = "scipy used a forbidden pair: the check's weights are wrong."
        raise RuntimeError(msg)
    return (
        len(rows),
        sum(wishes[i].priority for i in rows),
        -int(dist[rows, cols].sum()),
    )


def bench(
    table: Table, *, n_wishes: int = 1000, n_members: int = 300, seed: int = 0
) -> None:
    """Add the matching rows to ``table``."""
    tree, wishes, members = make_problem(n_wishes, n_members, seed=seed)
    name = f"matching {n_wishes:,} wishes → {n_members:,} members"
    flow: Matching = match(tree, wishes, members)
    greedy = match(tree, wishes, members, method="greedy")
    print(
        f"{name}: flow matched {flow.matched}, priority {flow.priority}, "
        f"cost {flow.total_cost}; greedy matched {greedy.matched}, "
        f"priority {greedy.priority}, cost {greedy.total_cost}"
    )
    if greedy.objective > flow.objective:  # pragma: no cover - a broken method
        msg = f"Greedy {greedy.objective} beat flow {flow.objective}."
        raise RuntimeError(msg)
    ours = best_of(3, lambda: match(tree, wishes, members))
    try:
        import scipy
    except ImportError:
        print(
            "scipy is not installed (a dev-only dependency): the optimality "
            "check against scipy.optimize.linear_sum_assignment is skipped."
        )
    else:
        optimum = scipy_objective(tree, wishes, members)
        if optimum != flow.objective:
            msg = (
                f"Not optimal: flow gives (matched, priority, -cost) = "
                f"{flow.objective}, scipy {scipy.__version__} finds {optimum}."
            )
            raise RuntimeError(msg)
        print(f"{name}: optimal, equal to scipy {scipy.__version__}'s {optimum}")
        theirs = best_of(3, lambda: scipy_objective(tree, wishes, members))
        table.info(f"{name}: flow vs scipy LSA", n_wishes, ours, theirs)
    quick = best_of(3, lambda: match(tree, wishes, members, method="greedy"))
    table.info(f"{name}: flow vs greedy", n_wishes, ours, quick)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wishes", type=int, default=1000)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    bench(table, n_wishes=args.wishes, n_members=args.members, seed=args.seed)
    table.print()


if __name__ == "__main__":
    main()
