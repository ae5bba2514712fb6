"""Benchmarks: redcity against a networkx baseline, measured in the same run.

Run ``python benchmarks/run.py`` (or ``--sizes 10000 100000`` for a quick
look).  Every figure is timed for redcity and for networkx doing the same job
on the same data, and printed as a ratio next to the target the issue set:
``speedup`` rows must reach at least the target, ``cost`` rows (build time,
memory) must stay at or below it.  Each time is one job (a build, or
``--calls`` queries drawn at random, 20,000 by default so the data do not
all sit in the CPU cache), the best of a few autoranged repeats; the
machine's load moves absolute numbers, not the ratios much.

Nothing here asserts: speed is reported, never tested.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import networkx as nx

from redcity.datasets import synthetic_records
from redcity.grid import GridTree, Level


def best_of(repeat: int, job: Callable[[], Any], *, at_least: float = 0.2) -> float:
    """Seconds one run of ``job`` takes: the best of ``repeat`` measurements.

    Like :mod:`timeit`'s autorange, each measurement loops ``job`` enough
    times to last ``at_least`` seconds, so short jobs are not lost in timer
    noise; the collector runs once before, not between loops, so caches
    stay as a caller's would be.
    """
    gc.collect()
    loops = 1
    while True:
        took = _timed(job, loops)
        if took >= at_least or loops >= 1 << 20:
            break
        loops = max(loops * 2, int(loops * at_least / max(took, 1e-9)) + 1)
    best = took
    for _ in range(repeat - 1):
        best = min(best, _timed(job, loops))
    return best / loops


def _timed(job: Callable[[], Any], loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        job()
    return time.perf_counter() - start


def retained_bytes(job: Callable[[], Any]) -> int:
    """Bytes still allocated by ``job``'s result once it returns."""
    gc.collect()
    tracemalloc.start()
    result = job()
    gc.collect()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del result
    return size


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


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int, float, float, float, str, bool]] = []

    def speedup(
        self, name: str, n: int, ours: float, theirs: float, at_least: float
    ) -> None:
        """A row where networkx's time over ours must reach ``at_least``."""
        ratio = theirs / ours
        ok = ratio >= at_least
        self.rows.append((name, n, ours, theirs, ratio, f"≥ {at_least:g}×", ok))

    def cost(
        self, name: str, n: int, ours: float, theirs: float, at_most: float
    ) -> None:
        """A row where our cost over networkx's must stay within ``at_most``."""
        ratio = ours / theirs
        ok = ratio <= at_most
        self.rows.append((name, n, ours, theirs, ratio, f"≤ {at_most:g}×", ok))

    def print(self) -> None:
        head = ("figure", "nodes", "redcity", "networkx", "ratio", "target", "")
        print(f"| {' | '.join(head)} |")
        print("|" + "---|" * len(head))
        for name, n, ours, theirs, ratio, target, ok in self.rows:
            unit = "MB" if "memory" in name else "s"
            scale = 1e-6 if unit == "MB" else 1.0
            cells = (
                name,
                f"{n:,}",
                f"{ours * scale:.4g} {unit}",
                f"{theirs * scale:.4g} {unit}",
                f"{ratio:.1f}×",
                target,
                "ok" if ok else "MISSED",
            )
            print(f"| {' | '.join(cells)} |")


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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="tree sizes"
    )
    parser.add_argument("--calls", type=int, default=20_000, help="queries per job")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table()
    for n in args.sizes:
        bench(n, table, seed=args.seed, calls=args.calls)
    table.print()


if __name__ == "__main__":
    main()
