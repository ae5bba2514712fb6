"""Synthetic grid trees of any size, shaped like the real ones.

:func:`synthetic` builds a reproducible tree of exactly ``n_nodes`` nodes,
from a hundred (a few communities' grids) to millions (a province's worth):
a city over districts, streets, communities, grids and compounds nesting
both ways, and buildings, with fan-outs like Zunyi's — about 12 streets a
district, 8 communities a street, 12 grids a community, 5 buildings a grid,
some compounds split into several grids and some grids covering two or three
small compounds.  Every building lies in exactly one grid, so the tree is
valid under :data:`~redcity.grid.DEFAULT_SCHEME`.

Codes use the unassigned province prefix ``99`` so that no synthetic code is
mistaken for a real one: the city is ``990100000000``, districts ``9901dd``,
streets add a 3-digit township part (001–099 街道, then 镇, 乡 …), communities
a 3-digit village part, grids a 3-digit sequence.  Ids are the codes;
compounds and buildings have ids ``<community>-C01`` and ``<grid>-B01``.
Districts are capped at 99 (the county digits), so beyond about 800,000
nodes the districts grow instead.

>>> from redcity.datasets import synthetic
>>> tree = synthetic(1_000, seed=1)
>>> len(tree), tree == synthetic(1_000, seed=1)
(1000, True)
"""

from __future__ import annotations

import random
from typing import Any

from redcity.datasets._build import split
from redcity.grid import GridTree

__all__ = ["MAX_NODES", "synthetic", "synthetic_records"]

MAX_NODES = 10**7
"""The largest ``n_nodes`` the generators accept (township codes run out above)."""

CITY = "990100000000"

# Nodes per subtree of each level, which set the fan-outs: a grid is itself,
# about 5 buildings and 0.64 compounds; a community about 12 grids; a street
# 8 communities; a district 12 streets.
_PER_DISTRICT = 7800
_PER_STREET = 650
_PER_COMMUNITY = 80
_PER_GRID = 6.75
_BIG_COMPOUNDS_PER_GRID = 0.04  # compounds split into several grids
_SMALL_COMPOUNDS_PER_GRID = 0.6  # compounds inside a grid
_SMALL_COMPOUNDS_PER_COVERING_GRID = 2.5

_TOWNSHIP = ((99, "街道"), (199, "镇"), (399, "乡"), (599, "片区"))
_VILLAGE = ((199, "社区"), (399, "村"), (599, "社区"))


def _kind(n: int, table: tuple[tuple[int, str], ...]) -> str:
    for top, name in table:
        if n <= top:
            return name
    msg = f"Sequence {n} is beyond the code ranges; lower n_nodes."
    raise ValueError(msg)


def _share(total: int, parts: int, rng: random.Random) -> list[int]:
    return split(total, parts, rng, minimum=1 if total >= parts else 0)


def _check(n_nodes: int) -> None:
    if type(n_nodes) is not int or not 1 <= n_nodes <= MAX_NODES:
        msg = (
            f"Expected n_nodes as a whole number from 1 to {MAX_NODES:,}, "
            f"got {n_nodes!r}."
        )
        raise ValueError(msg)


def synthetic(
    n_nodes: int, *, seed: int = 0, households: bool = True, codes: bool = True
) -> GridTree:
    """A reproducible tree of exactly ``n_nodes`` nodes, shaped like a real city.

    Args:
        n_nodes: How many nodes, from 1 to :data:`MAX_NODES` (a 100-node tree
            is one community's grids under a street, a district and the city;
            10**6 is a province's worth).
        seed: Seed of the generator; the same seed gives the same tree.
        households: Give every node ``households`` and ``population``
            (see :func:`synthetic_records`).
        codes: Give division nodes and grids their codes.

    Raises:
        ValueError: ``n_nodes`` is not a whole number in range.

    >>> from redcity.grid import Level
    >>> tree = synthetic(10_000, seed=3)
    >>> len(tree), tree.count(Level.DISTRICT), tree.count(Level.GRID) > 1000
    (10000, 1, True)
    >>> tree.rollup({b: tree[b].households for b in tree.nodes(Level.BUILDING)})[
    ...     tree.root] == tree[tree.root].households
    True
    """
    rows = synthetic_records(n_nodes, seed=seed, households=households, codes=codes)
    return GridTree.from_records(rows)


def synthetic_records(
    n_nodes: int, *, seed: int = 0, households: bool = True, codes: bool = True
) -> list[dict[str, Any]]:
    """The rows of :func:`synthetic`'s tree, in pre-order (for build benchmarks).

    Args:
        n_nodes: How many rows, from 1 to :data:`MAX_NODES`.
        seed: Seed of the generator; the same seed gives the same rows.
        households: Give every node ``households`` and ``population`` (300–500
            households a grid, about 2.6 people a household; a node's figure
            is the sum over its buildings).  ``False`` leaves them ``None``.
        codes: Give division nodes and grids their codes (``False``: ``None``).

    Raises:
        ValueError: ``n_nodes`` is not a whole number in range.

    >>> rows = synthetic_records(100, seed=7)
    >>> len(rows), rows[0]["level"], rows[0]["parent"]
    (100, 'city', None)
    """
    _check(n_nodes)
    rng = random.Random(seed)
    rest = n_nodes - 1
    want = [
        min(99, max(1, round(rest / _PER_DISTRICT))),
        max(1, round(rest / _PER_STREET)),
        max(1, round(rest / _PER_COMMUNITY)),
        max(1, round(rest / _PER_GRID)),
    ]
    for i in range(1, 4):
        want[i] = max(want[i], want[i - 1])
    take = []
    remaining = rest
    for w in want:
        take.append(min(w, remaining))
        remaining -= take[-1]
    districts, streets, communities, grids = take

    per_district = _share(streets, districts, rng)
    per_street = _share(communities, streets, rng)
    per_community = _share(grids, communities, rng)

    # Big compounds: one in some communities of three or more grids.
    eligible = [c for c, g in enumerate(per_community) if g >= 3]
    big_count = min(round(grids * _BIG_COMPOUNDS_PER_GRID), len(eligible), remaining)
    remaining -= big_count
    inside = dict.fromkeys(rng.sample(eligible, big_count), 0)
    for c in inside:
        inside[c] = rng.randint(2, min(4, per_community[c]))

    # Small compounds: two or three inside some grids, each with a building.
    small = min(round(grids * _SMALL_COMPOUNDS_PER_GRID), remaining // 2)
    remaining -= small
    small_in_grid = [0] * grids
    if small:
        covering = min(grids, max(1, round(small / _SMALL_COMPOUNDS_PER_COVERING_GRID)))
        for g, k in zip(
            rng.sample(range(grids), covering),
            split(small, covering, rng, spread=0.2),
            strict=True,
        ):
            small_in_grid[g] = k

    # Buildings take the rest: at least one a grid (and a compound) when possible.
    base = [k or 1 for k in small_in_grid]
    if sum(base) > remaining:
        base = small_in_grid
    extra = split(remaining - sum(base), grids, rng, spread=0.6, minimum=0)
    buildings = [b + e for b, e in zip(base, extra, strict=True)]

    return _rows(
        rng,
        per_district,
        per_street,
        per_community,
        inside,
        small_in_grid,
        buildings,
        households=households,
        codes=codes,
    )


def _rows(
    rng: random.Random,
    per_district: list[int],
    per_street: list[int],
    per_community: list[int],
    inside: dict[int, int],
    small_in_grid: list[int],
    buildings: list[int],
    *,
    households: bool,
    codes: bool,
) -> list[dict[str, Any]]:
    """Emit the rows in pre-order from the planned fan-outs.

    Household and population totals are added up on the way back from each
    subtree (a node's row is complete once its last descendant is emitted),
    so the 10**6-row case stays a single plain loop.
    """
    rows: list[dict[str, Any]] = []
    out = rows.append
    rand = rng.random

    def row(node_id: str, parent: str | None, level: str, name: str) -> dict[str, Any]:
        r = {
            "id": node_id,
            "parent": parent,
            "level": level,
            "name": name,
            "code": node_id if codes and level != "compound" else None,
            "households": None,
            "population": None,
        }
        out(r)
        return r

    def close(r: dict[str, Any], hh: int, people: int) -> None:
        if households:
            r["households"], r["population"] = hh, people

    city = row(CITY, None, "city", "合成市")
    city_hh = city_pop = 0
    streets, communities = iter(per_street), iter(enumerate(per_community))
    grid_index = 0
    for d, n_streets in enumerate(per_district, 1):
        dcode = f"9901{d:02d}"
        district = row(dcode, CITY, "district", f"第{d}区")
        d_hh = d_pop = 0
        for s in range(1, n_streets + 1):
            scode = f"{dcode}{s:03d}"
            street = row(scode, dcode, "street", f"第{s}{_kind(s, _TOWNSHIP)}")
            s_hh = s_pop = 0
            for v in range(1, next(streets) + 1):
                ccode = f"{scode}{v:03d}"
                community = row(ccode, scode, "community", f"第{v}{_kind(v, _VILLAGE)}")
                c_hh = c_pop = 0
                c, n_grids = next(communities)
                in_big = inside.get(c, 0)
                compounds = 0
                big: dict[str, Any] = {}
                big_hh = big_pop = 0
                if in_big:
                    compounds = 1
                    big = row(f"{ccode}-C01", ccode, "compound", "第1小区")
                for seq in range(1, n_grids + 1):
                    gcode = f"{ccode}{seq:03d}"
                    above = big["id"] if seq <= in_big else ccode
                    grid = row(gcode, above, "grid", f"第{seq}网格")
                    k = small_in_grid[grid_index]
                    nb = buildings[grid_index]
                    grid_index += 1
                    g_hh = (300 + int(201 * rand())) if nb else 0
                    q, r = divmod(g_hh, nb) if nb else (0, 0)
                    g_pop = 0
                    b = 0
                    # buildings directly in the grid, or in blocks per compound
                    for j in range(k or 1):
                        if k:
                            compounds += 1
                            home = f"{ccode}-C{compounds:02d}"
                            compound = row(
                                home, gcode, "compound", f"第{compounds}小区"
                            )
                            count = nb // k + (j < nb % k)
                        else:
                            home, count = gcode, nb
                        k_hh = k_pop = 0
                        for _ in range(count):
                            hh = q + (b < r)
                            people = int(hh * (2.4 + 0.4 * rand()) + 0.5)
                            b += 1
                            out(
                                {
                                    "id": f"{gcode}-B{b:02d}",
                                    "parent": home,
                                    "level": "building",
                                    "name": f"{b}栋",
                                    "code": None,
                                    "households": hh if households else None,
                                    "population": people if households else None,
                                }
                            )
                            k_hh += hh
                            k_pop += people
                        if k:
                            close(compound, k_hh, k_pop)
                        g_pop += k_pop
                    close(grid, g_hh, g_pop)
                    if seq <= in_big:
                        big_hh += g_hh
                        big_pop += g_pop
                    c_hh += g_hh
                    c_pop += g_pop
                if in_big:
                    close(big, big_hh, big_pop)
                close(community, c_hh, c_pop)
                s_hh += c_hh
                s_pop += c_pop
            close(street, s_hh, s_pop)
            d_hh += s_hh
            d_pop += s_pop
        close(district, d_hh, d_pop)
        city_hh += d_hh
        city_pop += d_pop
    close(city, city_hh, city_pop)
    return rows
