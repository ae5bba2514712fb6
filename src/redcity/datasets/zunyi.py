"""The Zunyi (遵义) sample: three districts at the seed article's figures.

:func:`zunyi` builds a :class:`~redcity.grid.GridTree` of 遵义市 with 红花岗区,
汇川区 and 播州区 that reproduces every structural figure of the 2022 seed
article exactly (DESIGN §1; :data:`ZUNYI_FACTS` lists them with their source):

* 红花岗区: 968 grids;
* 汇川区: 62 communities in 532 grids;
* 播州区: 5 streets, 27 communities (the article's 27 units with 27 community
  party service centres), 432 grids, 11 model compounds
  (:func:`zunyi_model_compounds`).

The seed's other figures are not structure: 红花岗区's 115 party-member
volunteer service stations and 播州区's 65 deliberation venues are counts in
:data:`ZUNYI_FACTS`; 播州区's 432 grid workers, 39 grid party branches and
229 party groups are built by :func:`zunyi_staffing`.

What is real and what is made up:

* Real: the city, the three districts with their division codes, the street
  names and codes of 汇川区 and 播州区, the community names of the seed
  article (娄山, 火车站, 南社区, 洗马, 航空, 仁和苑, 永和, 凉厅, 兰家堡, 南门,
  新华桥) and the compounds 兴茂, 龙泉 and 保利.  Where those communities and
  compounds sit in the tree is illustrative, not the official assignment.
* Synthetic: the article names no street of 红花岗区, so its streets are
  ``红花岗区第1街道`` … ``红花岗区第12街道``; every other community is
  ``<street>第N社区``; compounds are ``<community>第N小区``; grids
  ``<community>第N网格``; buildings ``N栋``.  Households (300–500 a grid)
  and population (about 2.6 people a household) are drawn from a fixed seed.

Ids and codes: every division node's id is its code, each extending its
parent's: the city ``520300000000``, districts ``520302`` …, streets
``520304001`` (9 digits; ``code.ljust(12, "0")`` gives the 12-digit form),
communities ``520304001001`` (village part 001–199, 居委会), grids
``520304001001007`` (the community's code plus a 3-digit sequence).
Compounds and buildings carry no code; a compound's id is its community's
code plus ``-C01`` …, a building's its grid's code plus ``-B01`` …, so the
grid of a building can be read off its id.

Households and population are given on every node: a node's figure is the
sum over the buildings below it, so roll up the building figures (or read a
node directly) — do not roll up every node's figure, which would count each
household once per level.

The tree is built once per process (about 13,000 nodes, well under a second)
and shared: it is immutable.

>>> from redcity.datasets import BOZHOU, zunyi
>>> tree = zunyi()
>>> tree[BOZHOU].name, len(tree.children(BOZHOU))
('播州区', 5)
>>> sum(tree.contains(BOZHOU, g) for g in tree.nodes("网格"))
432
"""

from __future__ import annotations

import functools
import random
from typing import Any

import attrs

from redcity.datasets._build import fill_totals, split
from redcity.grid import GridTree, Level
from redcity.grid.party import PartyOrg, PartyOrgKind
from redcity.grid.staffing import Assignment, Post, Standard

__all__ = [
    "BAOLI",
    "BOZHOU",
    "HONGHUAGANG",
    "HUICHUAN",
    "LONGQUAN",
    "XINGMAO",
    "ZUNYI",
    "ZUNYI_FACTS",
    "ZunyiFacts",
    "ZunyiStaffing",
    "zunyi",
    "zunyi_model_compounds",
    "zunyi_records",
    "zunyi_staffing",
]

ZUNYI = "520300000000"
"""遵义市: the root's id and code."""
HONGHUAGANG = "520302"
"""红花岗区: id and division code."""
HUICHUAN = "520303"
"""汇川区: id and division code."""
BOZHOU = "520304"
"""播州区: id and division code."""
XINGMAO = "520304001001-C01"
"""兴茂小区 in 播州区 (南白街道, 南社区): a compound split into three grids."""
LONGQUAN = "520302001001-C01"
"""龙泉小区 in 红花岗区 (红花岗区第1街道, 火车站社区): a compound split into
three grids; 火车站社区's 红色议事会 on its flying-wire charging is one of the
seed meetings (:func:`~redcity.datasets.longquan_council`)."""
BAOLI = "520303001001-C01"
"""保利小区 in 汇川区 (上海路街道, 娄山社区): a compound split into two grids."""

_SEED = 2022
_MODEL_COMPOUNDS = 11


@attrs.frozen(kw_only=True)
class ZunyiFacts:
    """The seed article's figures, which :func:`zunyi` reproduces.

    Figures that are not part of the tree's structure (service stations,
    deliberation venues, staff and party organisations) are kept here as
    counts.

    Attributes:
        year: The year the figures describe.
        source: Where the figures come from.
        honghuagang_grids: Grids in 红花岗区.
        honghuagang_service_stations: Party-member volunteer service stations
            (党员志愿服务站) in 红花岗区.
        huichuan_communities: Urban communities in 汇川区.
        huichuan_grids: Grids in 汇川区.
        bozhou_streets: Streets (街道) in 播州区.
        bozhou_communities: Units of 播州区 with a community party service
            centre each (modelled as communities).
        bozhou_grids: Grids in 播州区.
        bozhou_grid_workers: Grid workers in 播州区 (one a grid).
        bozhou_grid_party_branches: Grid party branches (网格党支部) in 播州区.
        bozhou_grid_party_groups: Party groups (党小组) in 播州区's grids.
        bozhou_model_compounds: Model compounds (红星自治示范小区) in 播州区.
        bozhou_deliberation_venues: Deliberation venues (议事场所) in 播州区.

    >>> ZUNYI_FACTS.bozhou_grids, ZUNYI_FACTS.year
    (432, 2022)
    """

    year: int
    source: str
    honghuagang_grids: int
    honghuagang_service_stations: int
    huichuan_communities: int
    huichuan_grids: int
    bozhou_streets: int
    bozhou_communities: int
    bozhou_grids: int
    bozhou_grid_workers: int
    bozhou_grid_party_branches: int
    bozhou_grid_party_groups: int
    bozhou_model_compounds: int
    bozhou_deliberation_venues: int


ZUNYI_FACTS = ZunyiFacts(
    year=2022,
    source=(
        "Seed article on party-building-led grassroots governance in Zunyi "
        "(2022), as quoted in redcity DESIGN §1."
    ),
    honghuagang_grids=968,
    honghuagang_service_stations=115,
    huichuan_communities=62,
    huichuan_grids=532,
    bozhou_streets=5,
    bozhou_communities=27,
    bozhou_grids=432,
    bozhou_grid_workers=432,
    bozhou_grid_party_branches=39,
    bozhou_grid_party_groups=229,
    bozhou_model_compounds=11,
    bozhou_deliberation_venues=65,
)
"""The seed figures (Zunyi, 2022)."""


@attrs.frozen
class _Street:
    code: str
    name: str
    real: tuple[str, ...] = ()  # seed-article community names, placed first


@attrs.frozen
class _District:
    code: str
    name: str
    streets: tuple[_Street, ...]
    communities: int
    grids: int


_DISTRICTS = (
    _District(
        HONGHUAGANG,
        "红花岗区",
        (
            _Street("520302001", "红花岗区第1街道", ("火车站社区",)),
            _Street("520302002", "红花岗区第2街道", ("南门社区", "新华桥社区")),
            _Street("520302003", "红花岗区第3街道", ("凉厅社区",)),
            _Street("520302004", "红花岗区第4街道", ("兰家堡社区",)),
            *(_Street(f"520302{i:03d}", f"红花岗区第{i}街道") for i in range(5, 13)),
        ),
        communities=88,
        grids=ZUNYI_FACTS.honghuagang_grids,
    ),
    _District(
        HUICHUAN,
        "汇川区",
        (
            _Street("520303001", "上海路街道", ("娄山社区", "航空社区")),
            _Street("520303002", "洗马路街道", ("洗马社区",)),
            _Street("520303003", "大连路街道"),
            _Street("520303004", "高桥街道"),
            _Street("520303005", "董公寺街道"),
            _Street("520303006", "高坪街道"),
        ),
        communities=ZUNYI_FACTS.huichuan_communities,
        grids=ZUNYI_FACTS.huichuan_grids,
    ),
    _District(
        BOZHOU,
        "播州区",
        (
            _Street("520304001", "南白街道", ("南社区", "仁和苑社区")),
            _Street("520304002", "播南街道", ("永和社区",)),
            _Street("520304003", "影山湖街道"),
            _Street("520304004", "桂花桥街道"),
            _Street("520304005", "龙坑街道"),
        ),
        communities=ZUNYI_FACTS.bozhou_communities,
        grids=ZUNYI_FACTS.bozhou_grids,
    ),
)

# Named compounds: community code -> (name, grids inside the compound).
_NAMED = {
    XINGMAO[:12]: ("兴茂小区", 3),
    LONGQUAN[:12]: ("龙泉小区", 3),
    BAOLI[:12]: ("保利小区", 2),
}


class _Rows:
    """Records in pre-order with their parents' positions."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.parents: list[int] = []
        self.leaf: list[int] = []

    def add(
        self,
        parent: int,
        node_id: str,
        level: Level,
        name: str,
        code: str | None = None,
        households: int = 0,
        population: int = 0,
    ) -> int:
        self.rows.append(
            {
                "id": node_id,
                "parent": self.rows[parent]["id"] if parent >= 0 else None,
                "level": level,
                "name": name,
                "code": code,
                "households": households,
                "population": population,
            }
        )
        self.parents.append(parent)
        self.leaf.append(level is Level.BUILDING)
        return len(self.rows) - 1


class _Community:
    """Lays out one community's compounds, grids and buildings."""

    def __init__(
        self, out: _Rows, rng: random.Random, at: int, code: str, name: str
    ) -> None:
        self.out, self.rng, self.at, self.code, self.name = out, rng, at, code, name
        self.grids = 0
        self.compounds = 0

    def compound(self, parent: int, name: str | None = None) -> int:
        self.compounds += 1
        n = self.compounds
        return self.out.add(
            parent,
            f"{self.code}-C{n:02d}",
            Level.COMPOUND,
            name or f"{self.name}第{n}小区",
        )

    def grid(self, parent: int, *, covers: bool) -> None:
        rng, out = self.rng, self.out
        self.grids += 1
        code = f"{self.code}{self.grids:03d}"
        g = out.add(parent, code, Level.GRID, f"{self.name}第{self.grids}网格", code)
        buildings = rng.randint(3, 7)
        households = split(rng.randint(300, 500), buildings, rng, spread=0.5)
        if covers:  # one grid over two or three small compounds
            homes = [self.compound(g) for _ in range(rng.randint(2, 3))]
            sizes = split(buildings, len(homes), rng)
            where = [h for h, k in zip(homes, sizes, strict=True) for _ in range(k)]
        else:
            where = [g] * buildings
        for k, (home, hh) in enumerate(zip(where, households, strict=True), 1):
            people = round(hh * rng.uniform(2.4, 2.8))
            out.add(
                home, f"{code}-B{k:02d}", Level.BUILDING, f"{k}栋", None, hh, people
            )

    def lay_out(self, grids: int) -> None:
        rng = self.rng
        named = _NAMED.get(self.code)
        if named is not None or (grids >= 4 and rng.random() < 0.3):
            # a big compound split into several grids
            inside = named[1] if named else rng.randint(2, min(4, grids - 1))
            big = self.compound(self.at, named[0] if named else None)
            for _ in range(inside):
                self.grid(big, covers=False)
            grids -= inside
        for _ in range(grids):
            self.grid(self.at, covers=rng.random() < 0.25)


def _generate() -> list[dict[str, Any]]:
    rng = random.Random(_SEED)
    out = _Rows()
    city = out.add(-1, ZUNYI, Level.CITY, "遵义市", ZUNYI)
    for district in _DISTRICTS:
        d = out.add(city, district.code, Level.DISTRICT, district.name, district.code)
        per_street = split(district.communities, len(district.streets), rng)
        per_community = split(district.grids, district.communities, rng, spread=0.25)
        grids = iter(per_community)
        for street, communities in zip(district.streets, per_street, strict=True):
            s = out.add(d, street.code, Level.STREET, street.name, street.code)
            for n in range(1, communities + 1):
                code = f"{street.code}{n:03d}"
                if n <= len(street.real):
                    name = street.real[n - 1]
                else:
                    name = f"{street.name}第{n}社区"
                c = out.add(s, code, Level.COMMUNITY, name, code)
                _Community(out, rng, c, code, name).lay_out(next(grids))
    fill_totals(out.rows, out.parents, out.leaf)
    return out.rows


@functools.cache
def zunyi() -> GridTree:
    """The Zunyi sample tree (遵义市: 红花岗区, 汇川区, 播州区).

    Reproduces the seed figures exactly (see :data:`ZUNYI_FACTS` and the
    module docstring for what is real and what is synthetic).  The same tree
    is returned on every call.

    Returns:
        A tree of about 13,000 nodes: city, 3 districts, 23 streets, 177
        communities, 1,932 grids, compounds and buildings.

    >>> from redcity.grid import Level
    >>> tree = zunyi()
    >>> tree[ZUNYI].name, [tree[d].name for d in tree.children(ZUNYI)]
    ('遵义市', ['红花岗区', '汇川区', '播州区'])
    >>> tree[XINGMAO].name, tree.ancestor(XINGMAO, Level.STREET)
    ('兴茂小区', '520304001')
    >>> tree.subtree(HUICHUAN).count(Level.COMMUNITY)
    62
    """
    return GridTree.from_records(_generate())


def zunyi_records() -> list[dict[str, Any]]:
    """The sample's rows (fresh dicts, in pre-order), ready for ``from_records``.

    >>> rows = zunyi_records()
    >>> rows[0]["name"], len(rows) == len(zunyi())
    ('遵义市', True)
    """
    return zunyi().to_records()


@functools.cache
def zunyi_model_compounds() -> tuple[str, ...]:
    """The ids of 播州区's 11 model compounds (红星自治示范小区), in pre-order.

    兴茂小区 (:data:`XINGMAO`) is among them; the other ten are drawn from
    播州区's compounds with a fixed seed.

    >>> compounds = zunyi_model_compounds()
    >>> len(compounds), XINGMAO in compounds
    (11, True)
    """
    tree = zunyi()
    named = {XINGMAO}
    others = [
        c
        for c in tree.nodes(Level.COMPOUND)
        if tree.contains(BOZHOU, c) and c not in named
    ]
    chosen = named | set(
        random.Random(_SEED).sample(others, _MODEL_COMPOUNDS - len(named))
    )
    return tuple(c for c in tree.nodes(Level.COMPOUND) if c in chosen)


@attrs.frozen
class ZunyiStaffing:
    """播州区's grid staff and party organisations at the seed figures.

    Attributes:
        assignments: One grid worker per grid (432), each both the grid's
            网格长 and its 专职网格员 (四定: duties and a standard set).
        party_orgs: The district committee, 5 street 党工委, 27 community
            党委, 39 网格党支部 (each built on a run of its community's grids,
            together covering all 432) and 229 党小组 (each on one grid of
            its branch).

    >>> from redcity.grid.staffing import staffing_report
    >>> staff = zunyi_staffing()
    >>> staffing_report(zunyi().subtree(BOZHOU), staff.assignments).ok
    True
    """

    assignments: tuple[Assignment, ...]
    party_orgs: tuple[PartyOrg, ...]


_DUTIES = ("信息收集", "问题发现", "走访入户", "矛盾调解", "结果反馈")
_STANDARD = Standard(visit_every_days=30, report_within_hours=24)


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    """``total`` shared in proportion to ``weights``, summing exactly."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(x) for x in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


@functools.cache
def zunyi_staffing() -> ZunyiStaffing:
    """播州区's 432 grid workers, 39 grid party branches and 229 party groups.

    The seed article gives these figures for 播州区 only, so only its grids
    are staffed.  Who sits where is synthetic: person ids are
    ``worker-<grid code>``; each community has one 网格党支部, and the 12
    communities with the most grids a second one; 党小组 are shared among
    the branches in proportion to their grids.  Organisation ids are
    ``org-<node id>`` for the district, streets and communities,
    ``org-<community code>-branch<N>`` and ``org-<grid code>-group``.

    >>> from collections import Counter
    >>> from redcity.grid.party import party_coverage
    >>> staff = zunyi_staffing()
    >>> len({a.person_id for a in staff.assignments})
    432
    >>> kinds = Counter(org.kind.zh for org in staff.party_orgs)
    >>> kinds["网格党支部"], kinds["党小组"]
    (39, 229)
    >>> report = party_coverage(zunyi().subtree(BOZHOU), staff.party_orgs)
    >>> report.ratio, report.problems
    (Fraction(1, 1), ())
    """
    tree = zunyi()
    facts = ZUNYI_FACTS
    grids = [g for g in tree.nodes(Level.GRID) if tree.contains(BOZHOU, g)]
    assignments = tuple(
        Assignment(
            f"worker-{g}",
            g,
            post,
            duties=_DUTIES,
            standard=_STANDARD,
        )
        for g in grids
        for post in (Post.GRID_LEADER, Post.FULL_TIME_WORKER)
    )

    top = f"org-{BOZHOU}"
    orgs = [PartyOrg(top, "播州区委", PartyOrgKind.COMMITTEE, None, {BOZHOU})]
    communities = [c for c in tree.nodes(Level.COMMUNITY) if tree.contains(BOZHOU, c)]
    in_community: dict[str | None, list[str]] = {c: [] for c in communities}
    for g in grids:
        in_community[tree.ancestor(g, Level.COMMUNITY)].append(g)
    extra = facts.bozhou_grid_party_branches - len(communities)
    biggest = sorted(communities, key=lambda c: (-len(in_community[c]), c))[:extra]
    branches: list[tuple[str, list[str]]] = []  # (org id, its grids)
    for street in tree.children(BOZHOU):
        orgs.append(
            PartyOrg(
                f"org-{street}",
                f"{tree[street].name}党工委",
                PartyOrgKind.WORKING_COMMITTEE,
                top,
                {street},
            )
        )
        for c in tree.children(street):
            name = tree[c].name
            orgs.append(
                PartyOrg(
                    f"org-{c}",
                    f"{name}党委",
                    PartyOrgKind.COMMITTEE,
                    f"org-{street}",
                    {c},
                )
            )
            mine = in_community[c]
            half = (len(mine) + 1) // 2
            runs = [mine[:half], mine[half:]] if c in biggest else [mine]
            for n, run in enumerate(runs, 1):
                branch = f"org-{c}-branch{n}"
                orgs.append(
                    PartyOrg(
                        branch,
                        f"{name}第{n}网格党支部",
                        PartyOrgKind.GRID_BRANCH,
                        f"org-{c}",
                        run,
                    )
                )
                branches.append((branch, run))

    groups = _largest_remainder(
        facts.bozhou_grid_party_groups, [len(run) for _, run in branches]
    )
    for (branch, run), count in zip(branches, groups, strict=True):
        step = len(run) / count
        for k in range(count):
            g = run[int(k * step)]
            orgs.append(
                PartyOrg(
                    f"org-{g}-group",
                    f"{tree[g].name}党小组",
                    PartyOrgKind.GROUP,
                    branch,
                    {g},
                )
            )
    return ZunyiStaffing(assignments, tuple(orgs))
