"""Grid benchmarks: GridTree against networkx doing the same job on the same data."""

from __future__ import annotations

import random
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from harness import Table, best_of, retained_bytes
from redcity.datasets import synthetic_records
from redcity.grid import GridTree, Level

# -- the networkx baselines -------------------------------------------------


def nx_build(rows: Sequence[Mapping[str, Any]]) -> nx.DiGraph:
    """A plain DiGraph with the same attributes, built node by node."""
    graph = nx.DiGraph()
    for row in rows:
        attributes = {k: v for k, v in row.items() if k not in ("id", "parent")}
        graph.add_node(row["id"], **attributes)
        if row["parent"] is not None:
            graph.add_edge(row["parent"], row["id"])
    return graph


def nx_rollup(graph: nx.DiGraph, values: Mapping[str, int]) -> dict[str, int]:
    """One pass in reversed topological order: each node adds its children."""
    total: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        below = sum(total[c] for c in graph.successors(node))
        total[node] = values.get(node, 0) + below
    return total


# -- the figures -------------------------------------------------------------


def bench(n: int, table: Table, *, seed: int, calls: int) -> None:
    rows = synthetic_records(n, seed=seed)
    n = len(rows)
    repeat = 5 if n <= 200_000 else 2

    print(f"[{n:,} nodes] build", file=sys.stderr)
    theirs = best_of(repeat, lambda: nx_build(rows))
    ours = best_of(repeat, lambda: GridTree.from_records(rows))
    table.cost("build incl. networkx view", n, ours, theirs, 2)
    theirs = retained_bytes(lambda: nx_build(rows))
    ours = retained_bytes(lambda: GridTree.from_records(rows))
    table.cost("memory", n, ours, theirs, 1.5)

    tree = GridTree.from_records(rows)
    graph = tree.graph
    rng = random.Random(seed)
    ids = list(tree.ids)
    inners = rng.choices(ids, k=calls)
    # Half the pairs are (ancestor, node), half are random nodes.
    outers = [
        rng.choice((*tree.ancestors(i), i)) if k % 2 else rng.choice(ids)
        for k, i in enumerate(inners)
    ]
    pairs = list(zip(outers, inners, strict=True))

    print(f"[{n:,} nodes] per call", file=sys.stderr)
    contains = tree.contains
    theirs = best_of(repeat, lambda: [nx.has_path(graph, a, b) for a, b in pairs])
    ours = best_of(repeat, lambda: [contains(a, b) for a, b in pairs])
    table.speedup("contains vs nx.has_path", n, ours, theirs, 5)
    bulk = best_of(repeat, lambda: tree.contains_many(outers, inners))
    table.speedup("contains_many on ids vs nx.has_path", n, bulk, theirs, 5)
    at_outer, at_inner = tree.positions(outers), tree.positions(inners)
    bulk = best_of(repeat, lambda: tree.contains_array(at_outer, at_inner))
    table.speedup("contains_array (bulk) vs nx.has_path", n, bulk, theirs, 20)

    sample = inners
    theirs = best_of(repeat, lambda: [nx.ancestors(graph, i) for i in sample])
    ours = best_of(repeat, lambda: [tree.ancestors(i) for i in sample])
    table.speedup("ancestors vs nx.ancestors", n, ours, theirs, 10)

    streets = tree.nodes(Level.STREET)[:20]
    theirs = best_of(repeat, lambda: [nx.descendants(graph, s) for s in streets])
    ours = best_of(repeat, lambda: [tree.descendants(s) for s in streets])
    table.speedup("descendants of a street vs nx.descendants", n, ours, theirs, 20)

    print(f"[{n:,} nodes] rollup", file=sys.stderr)
    values = {b: tree[b].households or 1 for b in tree.nodes(Level.BUILDING)}
    expected = nx_rollup(graph, values)
    if tree.rollup(values) != expected:
        raise SystemExit("rollup disagrees with networkx")
    theirs = best_of(repeat, lambda: nx_rollup(graph, values))
    ours = best_of(repeat, lambda: tree.rollup(values))
    table.speedup("rollup dict→dict vs networkx one pass", n, ours, theirs, 5)
    aligned = [values.get(i, 0) for i in tree.ids]
    bulk = best_of(repeat, lambda: tree.rollup_array(aligned))
    table.speedup("rollup_array (bulk) vs networkx one pass", n, bulk, theirs, 20)
