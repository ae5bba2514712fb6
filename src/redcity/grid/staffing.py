"""四定: every grid gets its people, posts, duties and standards.

定人 (who), 定岗 (which :class:`Post`), 定责 (duties), 定标 (a
:class:`Standard` of service).  An :class:`Assignment` puts one person on one
node in one post; :func:`staffing_report` checks a whole set of assignments
against the tree: every grid needs a 网格长 and at least one 网格员, workers
must not carry too many households, posts sit at their allowed levels, and a
网格指导员 is an in-service party member.

People are plain string ids here; the people registry resolves them.

References:
    中共中央 国务院《关于加强基层治理体系和治理能力现代化建设的意见》(2021):
    网格化管理服务 with 专兼职网格员.  中共中央办公厅《关于加强和改进城市基层
    党的建设工作的意见》(2019): in-service party members report to their
    home community (双报到), the pool 网格指导员 are drawn from.  The post
    levels and the 500 households per worker are local practice (Zunyi),
    configurable.

>>> from redcity.grid import GridTree
>>> from redcity.grid.staffing import Assignment, staffing_report
>>> tree = GridTree.from_records([
...     {"id": "c", "parent": None, "level": "社区", "name": "火车站社区"},
...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1",
...      "households": 420},
... ])
>>> report = staffing_report(tree, [Assignment("p1", "g", "网格长")])
>>> report.without_leader, report.without_worker
((), ('g',))
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import TypeAlias

import attrs

from redcity._names import parse_member
from redcity.errors import Problem
from redcity.grid.levels import Level
from redcity.grid.tree import GridTree

__all__ = [
    "DEFAULT_MAX_HOUSEHOLDS_PER_WORKER",
    "DEFAULT_POST_LEVELS",
    "Assignment",
    "GridLoad",
    "Post",
    "PostLevels",
    "StaffingReport",
    "Standard",
    "post_counts",
    "post_counts_by",
    "staffing_report",
]


class Post(enum.Enum):
    """A grid post (岗位).

    >>> [p.zh for p in Post]
    ['网格长', '专职网格员', '兼职网格员', '网格指导员', '楼栋长']
    >>> Post.parse("楼栋长") is Post.BUILDING_LEADER, Post.parse("grid_leader").zh
    (True, '网格长')
    """

    GRID_LEADER = "网格长"
    FULL_TIME_WORKER = "专职网格员"
    PART_TIME_WORKER = "兼职网格员"
    GRID_INSTRUCTOR = "网格指导员"
    """Drawn from in-service party members (在职党员) who report to the community."""
    BUILDING_LEADER = "楼栋长"

    @property
    def zh(self) -> str:
        """The Chinese name, e.g. ``'网格长'``."""
        return self.value

    @property
    def en(self) -> str:
        """The English name, e.g. ``'grid leader'``."""
        return self.name.lower().replace("_", " ")

    @property
    def is_worker(self) -> bool:
        """True for 网格员, full-time or part-time."""
        return self in (Post.FULL_TIME_WORKER, Post.PART_TIME_WORKER)

    @classmethod
    def parse(cls, value: Post | str) -> Post:
        """A post from a Post, its Chinese name or its English name.

        Raises:
            ValueError: the value names no post; the message lists them.
        """
        return parse_member(cls, value, what="a post", names=_post_names)


def _post_names(post: Post) -> tuple[str, ...]:
    return (post.zh, post.name, post.en)


DEFAULT_POST_LEVELS: Mapping[Post, frozenset[Level]] = MappingProxyType(
    {
        Post.GRID_LEADER: frozenset({Level.GRID}),
        Post.FULL_TIME_WORKER: frozenset({Level.GRID}),
        Post.PART_TIME_WORKER: frozenset({Level.GRID}),
        Post.GRID_INSTRUCTOR: frozenset({Level.GRID}),
        Post.BUILDING_LEADER: frozenset({Level.BUILDING}),
    }
)
"""Where each post sits (local practice): 楼栋长 at buildings, the rest at grids."""

PostLevels: TypeAlias = (
    Mapping[Post, Iterable[Level | str]] | Mapping[str, Iterable[Level | str]]
)
"""Allowed levels per post, keyed by :class:`Post` or its name."""

DEFAULT_MAX_HOUSEHOLDS_PER_WORKER = 500
"""Households one 网格员 may carry: local practice (one worker per 300–500 户)."""


def _positive_or_none(
    _: object, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and (type(value) is not int or value < 1):
        msg = (
            f"Expected {attribute.name} to be a whole number ≥ 1 or None, "
            f"got {value!r}."
        )
        raise ValueError(msg)


@attrs.frozen
class Standard:
    """定标: the service standard a post holder is held to.

    Attributes:
        visit_every_days: Visit every household at least this often (走访).
        report_within_hours: Report a problem found within this many hours.

    >>> Standard(visit_every_days=30)
    Standard(visit_every_days=30, report_within_hours=None)
    """

    visit_every_days: int | None = attrs.field(
        default=None, validator=_positive_or_none
    )
    report_within_hours: int | None = attrs.field(
        default=None, validator=_positive_or_none
    )


def _duties(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        msg = f"Expected duties as a sequence of strings, got the string {value!r}."
        raise TypeError(msg)
    duties = tuple(value)
    for duty in duties:
        if not isinstance(duty, str) or not duty.strip():
            msg = f"Expected each duty to be a non-empty string, got {duty!r}."
            raise ValueError(msg)
    return duties


def _post(value: Post | str) -> Post:
    return Post.parse(value)


def _non_empty(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        msg = f"Expected {attribute.name} to be a non-empty string, got {value!r}."
        raise ValueError(msg)


@attrs.frozen
class Assignment:
    """One person in one post on one node (定人、定岗、定责、定标).

    Attributes:
        person_id: The person's id.
        node_id: The grid (or building …) the post is on.
        post: The :class:`Post` (its Chinese or English name is accepted).
        duties: 定责, e.g. ``("信息采集", "矛盾调解")``.
        standard: 定标, or ``None`` when not set.
        party_member: The person is a Communist Party member.
        in_service: The person is an in-service member (在职党员) registered
            with the community.

    >>> a = Assignment("p1", "g1", "专职网格员", duties=["巡查", "走访"])
    >>> a.post, a.duties
    (<Post.FULL_TIME_WORKER: '专职网格员'>, ('巡查', '走访'))
    """

    person_id: str = attrs.field(validator=_non_empty)
    node_id: str = attrs.field(validator=_non_empty)
    post: Post = attrs.field(converter=_post)
    duties: tuple[str, ...] = attrs.field(default=(), converter=_duties)
    standard: Standard | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(Standard)),
    )
    party_member: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    in_service: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )


@attrs.frozen(kw_only=True)
class GridLoad:
    """A grid whose 网格员 carry more households each than the bound.

    Attributes:
        grid: The grid id.
        households: The grid's households.
        workers: Distinct 网格员 (full- and part-time) on the grid.
        per_worker: ``households / workers``, exact.
    """

    grid: str
    households: int
    workers: int
    per_worker: Fraction


@attrs.frozen(kw_only=True)
class StaffingReport:
    """What :func:`staffing_report` found.

    Grid ids come in tree order, assignments in the order given (repeats
    dropped).

    Attributes:
        grids: How many grids the tree has.
        without_leader: Grids with no 网格长.
        without_worker: Grids with no 网格员, full- or part-time.
        overloaded: Grids whose households per worker exceed the bound.
        max_households_per_worker: The bound checked, or ``None``.
        unknown_households: Grids whose household count is unknown or
            partly unknown (unknown buildings counted as 0).
        unknown_nodes: Assignments to node ids not in the tree.
        wrong_level: Assignments to a node at a level the post does not allow.
        unqualified_instructors: 网格指导员 who are not in-service party members.
        without_duties: Assignments with no duties (定责 missing).
        without_standard: Assignments with no standard (定标 missing).
        counts: Distinct people per post over the tree (valid assignments).
    """

    grids: int
    without_leader: tuple[str, ...] = ()
    without_worker: tuple[str, ...] = ()
    overloaded: tuple[GridLoad, ...] = ()
    max_households_per_worker: int | None = DEFAULT_MAX_HOUSEHOLDS_PER_WORKER
    unknown_households: tuple[str, ...] = ()
    unknown_nodes: tuple[Assignment, ...] = ()
    wrong_level: tuple[Assignment, ...] = ()
    unqualified_instructors: tuple[Assignment, ...] = ()
    without_duties: tuple[Assignment, ...] = ()
    without_standard: tuple[Assignment, ...] = ()
    counts: Mapping[Post, int] = attrs.field(factory=dict)

    @property
    def fully_staffed(self) -> int:
        """Grids with both a 网格长 and a 网格员."""
        return self.grids - len(set(self.without_leader) | set(self.without_worker))

    @property
    def ok(self) -> bool:
        """True when :attr:`problems` is empty."""
        return not self.problems

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every finding as a :class:`~redcity.errors.Problem`."""
        found = [
            Problem(g, Post.GRID_LEADER.name, "grid has no 网格长 (grid leader).")
            for g in self.without_leader
        ]
        found.extend(
            Problem(g, "workers", "grid has no 网格员 (full- or part-time worker).")
            for g in self.without_worker
        )
        found.extend(
            Problem(
                o.grid,
                "households",
                f"{o.households} households for {o.workers} worker(s) is "
                f"{float(o.per_worker):.1f} per worker, more than "
                f"{self.max_households_per_worker}.",
            )
            for o in self.overloaded
        )
        found.extend(
            Problem(g, "households", "unknown or partly unknown; counted as 0.")
            for g in self.unknown_households
        )
        found.extend(
            Problem(a.person_id, "node_id", f"no node {a.node_id!r} in the tree.")
            for a in self.unknown_nodes
        )
        found.extend(
            Problem(
                a.person_id,
                "post",
                f"a {a.post.zh} may not sit on {a.node_id!r} at that level.",
            )
            for a in self.wrong_level
        )
        found.extend(
            Problem(
                a.person_id,
                "in_service",
                "a 网格指导员 must be an in-service party member (在职党员).",
            )
            for a in self.unqualified_instructors
        )
        found.extend(
            Problem(a.person_id, "duties", f"no duties set for {a.post.zh} (定责).")
            for a in self.without_duties
        )
        found.extend(
            Problem(a.person_id, "standard", f"no standard set for {a.post.zh} (定标).")
            for a in self.without_standard
        )
        return tuple(found)


def _levels(
    post_levels: PostLevels | None,
) -> dict[Post, frozenset[Level]]:
    levels = dict(DEFAULT_POST_LEVELS)
    if post_levels is not None:
        for post, allowed in post_levels.items():
            levels[Post.parse(post)] = frozenset(map(Level.parse, allowed))
    return levels


def staffing_report(
    tree: GridTree,
    assignments: Iterable[Assignment],
    *,
    max_households_per_worker: int | None = DEFAULT_MAX_HOUSEHOLDS_PER_WORKER,
    post_levels: PostLevels | None = None,
) -> StaffingReport:
    """Check assignments against the tree: 四定 coverage of every grid.

    An assignment counts for the grid at or above its node, and only when its
    node is in the tree at a level its post allows.  A grid's households are
    its own ``households`` when given, else the sum over the buildings below
    it (unknown buildings count as 0 and the grid is listed in
    ``unknown_households``).  Every 网格员, full- or part-time, counts as one
    worker; a person is counted once per post however often listed.

    Args:
        tree: The grid tree.
        assignments: The assignments to check.
        max_households_per_worker: Local practice, default 500; ``None``
            skips the load check.
        post_levels: Allowed levels per post, overriding
            :data:`DEFAULT_POST_LEVELS` for the posts given.

    Raises:
        ValueError: ``max_households_per_worker`` is not a whole number ≥ 1,
            or ``post_levels`` names an unknown post or level.

    References:
        中共中央办公厅《关于加强和改进城市基层党的建设工作的意见》(2019):
        在职党员到社区报到 — the pool 网格指导员 come from.

    >>> tree = GridTree.from_records([
    ...     {"id": "c", "parent": None, "level": "社区", "name": "南门社区"},
    ...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1",
    ...      "households": 1200},
    ...     {"id": "b", "parent": "g", "level": "楼栋", "name": "1栋"},
    ... ])
    >>> report = staffing_report(tree, [
    ...     Assignment("p1", "g", "网格长"),
    ...     Assignment("p2", "g", "专职网格员"),
    ...     Assignment("p3", "g", "网格指导员", party_member=True),
    ...     Assignment("p4", "g", "楼栋长"),
    ... ])
    >>> report.overloaded[0].per_worker
    Fraction(1200, 1)
    >>> [a.person_id for a in report.wrong_level + report.unqualified_instructors]
    ['p4', 'p3']
    """
    bound = max_households_per_worker
    if bound is not None and (type(bound) is not int or bound < 1):
        msg = f"Expected max_households_per_worker ≥ 1 or None, got {bound!r}."
        raise ValueError(msg)
    levels = _levels(post_levels)
    unknown_nodes: list[Assignment] = []
    wrong_level: list[Assignment] = []
    unqualified: list[Assignment] = []
    without_duties: list[Assignment] = []
    without_standard: list[Assignment] = []
    leaders: set[str] = set()
    workers: dict[str, set[str]] = {}
    people: dict[Post, set[str]] = {post: set() for post in Post}
    seen: set[Assignment] = set()
    for a in assignments:
        if a in seen:
            continue
        seen.add(a)
        if a.post is Post.GRID_INSTRUCTOR and not (a.party_member and a.in_service):
            unqualified.append(a)
        if not a.duties:
            without_duties.append(a)
        if a.standard is None:
            without_standard.append(a)
        if a.node_id not in tree:
            unknown_nodes.append(a)
            continue
        if tree[a.node_id].level not in levels[a.post]:
            wrong_level.append(a)
            continue
        people[a.post].add(a.person_id)
        grid = tree.ancestor(a.node_id, Level.GRID)
        if grid is None:
            continue
        if a.post is Post.GRID_LEADER:
            leaders.add(grid)
        elif a.post.is_worker:
            workers.setdefault(grid, set()).add(a.person_id)

    grids = tree.nodes(Level.GRID)
    overloaded: list[GridLoad] = []
    unknown_households: list[str] = []
    for g in grids:
        households, known = _grid_households(tree, g)
        if not known:
            unknown_households.append(g)
        n = len(workers.get(g, ()))
        if bound is not None and n and households > bound * n:
            overloaded.append(
                GridLoad(
                    grid=g,
                    households=households,
                    workers=n,
                    per_worker=Fraction(households, n),
                )
            )

    return StaffingReport(
        grids=len(grids),
        without_leader=tuple(g for g in grids if g not in leaders),
        without_worker=tuple(g for g in grids if g not in workers),
        overloaded=tuple(overloaded),
        max_households_per_worker=bound,
        unknown_households=tuple(unknown_households),
        unknown_nodes=tuple(unknown_nodes),
        wrong_level=tuple(wrong_level),
        unqualified_instructors=tuple(unqualified),
        without_duties=tuple(without_duties),
        without_standard=tuple(without_standard),
        counts={post: len(ids) for post, ids in people.items()},
    )


def _grid_households(tree: GridTree, grid: str) -> tuple[int, bool]:
    """The grid's households, and whether every part of the count was known."""
    own = tree[grid].households
    if own is not None:
        return own, True
    total, known, any_building = 0, True, False
    for node_id in tree.descendants(grid):
        node = tree[node_id]
        if node.level is not Level.BUILDING:
            continue
        any_building = True
        if node.households is None:
            known = False
        else:
            total += node.households
    return total, known and any_building


def post_counts(
    tree: GridTree,
    assignments: Iterable[Assignment],
    *,
    within: str | None = None,
) -> dict[Post, int]:
    """Distinct people per post on nodes at or below ``within`` (the root if None).

    Assignments to unknown nodes are left out; every post is a key.

    >>> tree = GridTree.from_records([
    ...     {"id": "c", "parent": None, "level": "社区", "name": "洗马社区"},
    ...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格1"},
    ...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格2"},
    ... ])
    >>> staff = [Assignment("p1", "g1", "兼职网格员"),
    ...          Assignment("p1", "g2", "兼职网格员"),
    ...          Assignment("p2", "g2", "网格长")]
    >>> counts = post_counts(tree, staff)
    >>> counts[Post.PART_TIME_WORKER], counts[Post.GRID_LEADER]
    (1, 1)
    >>> post_counts(tree, staff, within="g1")[Post.GRID_LEADER]
    0
    """
    top = tree.root if within is None else within
    people: dict[Post, set[str]] = {post: set() for post in Post}
    for a in assignments:
        if a.node_id in tree and tree.contains(top, a.node_id):
            people[a.post].add(a.person_id)
    return {post: len(ids) for post, ids in people.items()}


def post_counts_by(
    tree: GridTree,
    assignments: Iterable[Assignment],
    level: Level | str = Level.DISTRICT,
) -> dict[str, dict[Post, int]]:
    """:func:`post_counts` for every node at ``level`` (e.g. per district).

    Keys are the tree's nodes at ``level`` in tree order, each with every
    post; assignments above ``level`` or to unknown nodes are left out.

    >>> tree = GridTree.from_records([
    ...     {"id": "c", "parent": None, "level": "社区", "name": "洗马社区"},
    ...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格1"},
    ...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格2"},
    ... ])
    >>> by_grid = post_counts_by(tree, [Assignment("p1", "g2", "网格长")], "网格")
    >>> by_grid["g1"][Post.GRID_LEADER], by_grid["g2"][Post.GRID_LEADER]
    (0, 1)
    """
    target = Level.parse(level)
    people: dict[str, dict[Post, set[str]]] = {
        node_id: {post: set() for post in Post} for node_id in tree.nodes(target)
    }
    for a in assignments:
        if a.node_id not in tree:
            continue
        up = tree.ancestor(a.node_id, target)
        if up is not None:
            people[up][a.post].add(a.person_id)
    return {
        node_id: {post: len(ids) for post, ids in posts.items()}
        for node_id, posts in people.items()
    }
