"""Dispatch policies: routing, escalation and the whistle (吹哨), as small callables.

Each policy is a published :class:`~typing.Protocol` with a default,
table-driven implementation (a frozen attrs class with ``__call__``) and a
free function for the common case.  They work on plain inputs — a
:class:`~redcity.grid.GridTree`, node ids, category codes, severities
(``"small"``/``"big"``/``"urgent"`` or an enum with those values) and aware
datetimes — so they need no ticket class.

>>> from redcity.datasets import zunyi
>>> from redcity.dispatch.policies import escalate, route
>>> from redcity.grid import Level
>>> tree = zunyi()
>>> building = tree.nodes(Level.BUILDING)[0]
>>> a = route(tree, building, "env.garbage")
>>> a.handler.level is Level.GRID, a.responsible == a.handler
(True, True)
>>> up = escalate(tree, a.handler.id, "big")   # 大事不出社区: one step up
>>> tree.level(up).zh in ("小区", "社区")
True
>>> escalate(tree, a.handler.id, "small") is None  # 小事不出网格
True

Levels of escalation are the levels of the tree: an overdue ticket moves to
the *parent node*, one edge at a time, skipping nothing.  A compound that
sits between a community and its grids (a big compound split into several
grids) is therefore a step of its own between grid and community — its
party branch and 红色物业 take the case before the community does — and
lies outside every one of its grids, so a small matter never climbs to it;
a compound *inside* a grid lies within the grid and may take a small
matter.  "Within the bound" means "inside the subtree of the ancestor at the
bound level", never a comparison of level numbers.

References:
    中共中央 国务院《关于加强基层治理体系和治理能力现代化建设的意见》(2021):
    "小事不出村、大事不出镇" and grid management; 《北京市接诉即办工作条例》
    (2021) 第十五条 (首接负责) and 街乡吹哨、部门报到.  Response times of
    summoned departments are local practice: no national figure exists.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Literal, Protocol, TypeAlias

import attrs
import pendulum

from redcity.calendars import WorkCalendar
from redcity.dispatch.sla import Limit, SeverityLike, deadline, normalize_severity
from redcity.errors import Problem, ValidationError
from redcity.grid import GridTree, Level

__all__ = [
    "DEFAULT_BOUNDS",
    "DEFAULT_WHISTLE_RESPONSE",
    "DEPARTMENT",
    "HANDLING_LEVELS",
    "Assignment",
    "BoundedEscalation",
    "EscalationPolicy",
    "Handler",
    "RoutingPolicy",
    "Scope",
    "TableRouter",
    "TableWhistle",
    "Whistle",
    "WhistlePolicy",
    "escalate",
    "escalation_path",
    "handling_node",
    "resolution_scope",
    "route",
    "summoning_node",
]

DEPARTMENT: Final = "department"
"""The :attr:`Handler.level` of a functional department (职能部门)."""

HandlerLevel: TypeAlias = "Level | Literal['department']"

HANDLING_LEVELS: frozenset[Level] = frozenset(
    {Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY}
)
"""Levels whose nodes take cases: a grid (its grid worker), a community, a
street, a district, a city.  Compounds, buildings and households report."""

DEFAULT_BOUNDS: Mapping[str, Level] = MappingProxyType(
    {"small": Level.GRID, "big": Level.COMMUNITY, "urgent": Level.STREET}
)
"""The highest level a case of each severity may climb to without a whistle:
小事不出网格、大事不出社区; urgent matters up to the street (local choice)."""

DEFAULT_WHISTLE_RESPONSE: Final = Limit.hours(4)
"""How soon summoned departments must report (报到) by default: 4 working
hours.  Local configuration — no national regulation fixes this figure."""


def _handler_level(value: Level | str | int) -> HandlerLevel:
    if isinstance(value, str) and value.strip().casefold() in (DEPARTMENT, "部门"):
        return DEPARTMENT
    return Level.parse(value)


def _nonempty(_instance: object, attribute: Any, value: str) -> None:
    if not isinstance(value, str) or not value:
        msg = f"Expected {attribute.name} as a non-empty string, got {value!r}."
        raise ValueError(msg)


@attrs.frozen
class Handler:
    """Who handles a case: a node of the grid tree, or a department.

    Attributes:
        level: The node's :class:`~redcity.grid.Level`, or :data:`DEPARTMENT`.
        id: The node id, or the department's id or name.

    >>> Handler("网格", "g1"), Handler.department("enforcement").is_department
    (Handler(level=<Level.GRID: 5>, id='g1'), True)
    """

    level: HandlerLevel = attrs.field(converter=_handler_level)
    id: str = attrs.field(validator=_nonempty)

    @classmethod
    def department(cls, name: str) -> Handler:
        """A functional department (城管, 应急, 市场监管 …) by id or name."""
        return cls(DEPARTMENT, name)

    @classmethod
    def node(cls, tree: GridTree, node_id: str) -> Handler:
        """The node ``node_id`` of ``tree`` as a handler.

        Raises:
            UnknownNode: the tree holds no such node.
        """
        return cls(tree.level(node_id), node_id)

    @property
    def is_department(self) -> bool:
        """True for a department, False for a node of the tree."""
        return self.level == DEPARTMENT

    def __str__(self) -> str:
        level = self.level
        kind = level.en if isinstance(level, Level) else DEPARTMENT
        return f"{kind}:{self.id}"


@attrs.frozen
class Assignment:
    """A routing decision: who handles the case, and who stays responsible.

    首接负责: the first receiver of a request stays responsible for it — for
    following it up and calling the resident back — even after passing it
    on to the handler.

    Attributes:
        handler: Who handles the case now.
        responsible: The first receiver, responsible throughout.
    """

    handler: Handler
    responsible: Handler

    @property
    def passed_on(self) -> bool:
        """True when the first receiver passed the case to someone else."""
        return self.handler != self.responsible


# --------------------------------------------------------------------------
# Routing.


def handling_node(tree: GridTree, node_id: str) -> str:
    """The node that takes a case reported at ``node_id``.

    The nearest node at or above ``node_id`` whose level is in
    :data:`HANDLING_LEVELS`: the grid above a building or household, or
    above a compound inside a grid; the community above a compound that
    spans several grids; the node itself for a grid, community, street …
    A tree holding no handling level at all answers its root, so every node
    has a handling node.

    Raises:
        UnknownNode: the tree holds no such node.

    >>> from redcity.datasets import zunyi
    >>> tree = zunyi()
    >>> b = tree.nodes("楼栋")[0]
    >>> handling_node(tree, b) == tree.ancestor(b, "网格")
    True
    """
    if tree.level(node_id) in HANDLING_LEVELS:
        return node_id
    for above in reversed(tree.ancestors(node_id)):
        if tree.level(above) in HANDLING_LEVELS:
            return above
    return tree.root


class RoutingPolicy(Protocol):
    """Routes a case reported at a node in a category to a handler.

    ``received_by`` is the first receiver (首接), when someone other than the
    handler took the request; the returned :class:`Assignment` keeps them
    responsible.  A routing policy must be total: every node and category
    gets a handler.
    """

    def __call__(
        self,
        tree: GridTree,
        node_id: str,
        category: str,
        *,
        received_by: Handler | None = None,
    ) -> Assignment: ...


def _frozen_str_map(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _check_str_map(_instance: object, attribute: Any, value: Mapping[str, Any]) -> None:
    problems = [
        Problem(str(key), attribute.name, f"expected a non-empty string, got {v!r}")
        for key, v in value.items()
        if not isinstance(key, str) or not isinstance(v, str) or not v
    ]
    if problems:
        raise ValidationError(problems)


@attrs.frozen
class TableRouter:
    """Routes by a table: a department for categories needing its powers,
    otherwise the grid (or nearest handling node) above the case.

    Attributes:
        departments: ``{category code: department}`` for the categories that
            need a department's powers (执法, 应急处置 …); every other
            category goes to :func:`handling_node`.

    >>> from redcity.datasets import zunyi
    >>> tree = zunyi()
    >>> b = tree.nodes("楼栋")[0]
    >>> router = TableRouter({"street.vending": "enforcement"})
    >>> router(tree, b, "street.vending").handler
    Handler(level='department', id='enforcement')
    >>> hotline = Handler.department("12345")
    >>> a = router(tree, b, "street.vending", received_by=hotline)
    >>> a.responsible == hotline, a.passed_on
    (True, True)
    """

    departments: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen_str_map, validator=_check_str_map, hash=False
    )

    @classmethod
    def from_taxonomy(cls, taxonomy: Mapping[str, Any]) -> TableRouter:
        """A router sending each category that needs a whistle to its department.

        ``taxonomy`` maps codes to categories with ``needs_whistle`` and
        ``department`` attributes, such as ``redcity.dispatch.DEFAULT_TAXONOMY``.
        """
        return cls(
            {
                code: category.department
                for code, category in taxonomy.items()
                if getattr(category, "needs_whistle", False)
                and getattr(category, "department", None)
            }
        )

    def __call__(
        self,
        tree: GridTree,
        node_id: str,
        category: str,
        *,
        received_by: Handler | None = None,
    ) -> Assignment:
        """Route one case; see the class docstring."""
        department = self.departments.get(category)
        if department is not None:
            tree.level(node_id)  # an unknown node raises, as for the others
            handler = Handler.department(department)
        else:
            handler = Handler.node(tree, handling_node(tree, node_id))
        return Assignment(handler, handler if received_by is None else received_by)

    def route_many(
        self, tree: GridTree, node_ids: Sequence[str], categories: Sequence[str]
    ) -> list[Handler]:
        """Handlers for many cases (aligned sequences), memoized per node.

        Equal, element by element, to ``self(tree, n, c).handler``; one
        :class:`Handler` object per distinct handler is shared.

        >>> from redcity.datasets import zunyi
        >>> tree = zunyi()
        >>> b = tree.nodes("楼栋")[:2]
        >>> [h.level.en for h in TableRouter().route_many(tree, b, ["x", "y"])]
        ['grid', 'grid']
        """
        if len(node_ids) != len(categories):
            msg = (
                f"Expected as many node ids as categories, got {len(node_ids)} "
                f"and {len(categories)}."
            )
            raise ValueError(msg)
        by_node: dict[str, Handler] = {}
        by_handling: dict[str, Handler] = {}
        by_department = {
            name: Handler.department(name) for name in set(self.departments.values())
        }
        departments = self.departments
        out: list[Handler] = []
        append = out.append
        for node_id, category in zip(node_ids, categories, strict=True):
            name = departments.get(category)
            if name is not None:
                if node_id not in tree:
                    tree.level(node_id)  # raises UnknownNode
                append(by_department[name])
                continue
            handler = by_node.get(node_id)
            if handler is None:
                where = handling_node(tree, node_id)
                handler = by_handling.get(where)
                if handler is None:
                    handler = by_handling[where] = Handler.node(tree, where)
                by_node[node_id] = handler
            append(handler)
        return out


def route(
    tree: GridTree,
    node_id: str,
    category: str,
    *,
    departments: Mapping[str, str] | None = None,
    received_by: Handler | None = None,
) -> Assignment:
    """Route one case with a :class:`TableRouter` over ``departments``.

    >>> from redcity.datasets import zunyi
    >>> tree = zunyi()
    >>> g = tree.nodes("网格")[0]
    >>> route(tree, g, "env.garbage").handler == Handler("grid", g)
    True
    """
    router = TableRouter({} if departments is None else departments)
    return router(tree, node_id, category, received_by=received_by)


# --------------------------------------------------------------------------
# Escalation.


class EscalationPolicy(Protocol):
    """Where an overdue case goes next: a node id, or ``None`` to stay put.

    A policy must never skip a level (the answer is the current node's
    parent, or ``None``) and never climb above the severity's bound unless
    ``whistled``.
    """

    def __call__(
        self,
        tree: GridTree,
        current_node: str,
        severity: SeverityLike,
        whistled: bool = False,
    ) -> str | None: ...


def _bounds(value: Mapping[Any, Any]) -> Mapping[str, Level]:
    problems: list[Problem] = []
    out: dict[str, Level] = {}
    for key, level in value.items():
        try:
            severity = normalize_severity(key)
        except ValueError as exc:
            problems.append(Problem(str(key), "", str(exc)))
            continue
        try:
            out[severity] = Level.parse(level)
        except ValueError as exc:
            problems.append(Problem(severity, "level", str(exc)))
    for severity in ("small", "big", "urgent"):
        if severity not in out and not any(p.id == severity for p in problems):
            problems.append(
                Problem(severity, "", "missing: every severity needs a bound")
            )
    if problems:
        raise ValidationError(problems)
    return MappingProxyType(out)


def _bound_node(tree: GridTree, node_id: str, level: Level) -> str | None:
    """The ancestor-or-self at ``level``; the root when the tree is cut off
    below that level; ``None`` when the node already sits above it."""
    found = tree.ancestor(node_id, level)
    if found is not None:
        return found
    path = (*tree.ancestors(node_id), node_id)
    if all(tree.level(n) > level for n in path):
        return tree.root  # the tree has no node that high: all of it is in bounds
    return None


@attrs.frozen
class BoundedEscalation:
    """Climb one level of the tree per step, within the severity's bound.

    The bound of a case at a node is that node's ancestor (or itself) at
    the severity's bound level; the case may climb to any node inside the
    bound's subtree.  With ``whistled`` the bound is lifted and the case
    may climb to the root.  A tree cut off below the bound level (a tree
    whose root is a community, say) is in bounds throughout; a node that
    already sits above the bound level (a small matter reported at a
    compound spanning several grids) does not climb without a whistle.

    Attributes:
        bounds: ``{severity: Level}`` for all of small, big and urgent;
            :data:`DEFAULT_BOUNDS` by default.

    References:
        小事不出网格、大事不出社区 (Zunyi practice; cf. 中共中央 国务院
        《关于加强基层治理体系和治理能力现代化建设的意见》(2021)).

    >>> from redcity.datasets import zunyi
    >>> tree = zunyi()
    >>> g = tree.nodes("网格")[0]
    >>> lenient = BoundedEscalation({"small": "社区", "big": "街道", "urgent": "区"})
    >>> lenient(tree, g, "small") == tree.parent(g)
    True
    """

    bounds: Mapping[str, Level] = attrs.field(
        default=DEFAULT_BOUNDS, converter=_bounds, hash=False
    )

    def bound(self, tree: GridTree, node_id: str, severity: SeverityLike) -> str | None:
        """The highest node a case at ``node_id`` may reach without a whistle.

        ``None`` when the node itself is already above the bound level.

        >>> from redcity.datasets import zunyi
        >>> tree = zunyi()
        >>> b = tree.nodes("楼栋")[0]
        >>> BoundedEscalation().bound(tree, b, "big") == tree.ancestor(b, "社区")
        True
        """
        return _bound_node(tree, node_id, self.bounds[normalize_severity(severity)])

    def __call__(
        self,
        tree: GridTree,
        current_node: str,
        severity: SeverityLike,
        whistled: bool = False,
    ) -> str | None:
        """The parent of ``current_node`` when in bounds or whistled, else None."""
        level = self.bounds[normalize_severity(severity)]
        parent = tree.parent(current_node)
        if parent is None or whistled:
            return parent
        top = _bound_node(tree, current_node, level)
        if top is None or not tree.contains(top, parent):
            return None
        return parent


_DEFAULT_ESCALATION = BoundedEscalation()


def escalate(
    tree: GridTree,
    current_node: str,
    severity: SeverityLike,
    whistled: bool = False,
    *,
    bounds: Mapping[Any, Level | str] | None = None,
) -> str | None:
    """The next node up for an overdue case, or ``None`` when it may not climb.

    Exactly one level of the tree: the answer is ``tree.parent(current_node)``
    or ``None``.  See :class:`BoundedEscalation`.

    Args:
        tree: The grid tree.
        current_node: Where the case sits now.
        severity: small, big or urgent.
        whistled: A whistle was blown (吹哨): the bound is lifted.
        bounds: ``{severity: level}``; :data:`DEFAULT_BOUNDS` when ``None``.

    >>> from redcity.datasets import zunyi
    >>> tree = zunyi()
    >>> c = tree.nodes("社区")[0]
    >>> escalate(tree, c, "big") is None, escalate(tree, c, "urgent") == tree.parent(c)
    (True, True)
    >>> escalate(tree, c, "big", whistled=True) == tree.parent(c)
    True
    """
    policy = _DEFAULT_ESCALATION if bounds is None else BoundedEscalation(bounds)
    return policy(tree, current_node, severity, whistled)


def escalation_path(
    tree: GridTree,
    node_id: str,
    severity: SeverityLike,
    whistled: bool = False,
    *,
    policy: EscalationPolicy = _DEFAULT_ESCALATION,
) -> tuple[str, ...]:
    """Every node a case visits if it keeps being overdue, starting at ``node_id``.

    >>> from redcity.datasets import zunyi
    >>> tree = zunyi()
    >>> g = tree.nodes("网格")[0]
    >>> path = escalation_path(tree, g, "big")
    >>> path[0] == g, tree.level(path[-1]).zh
    (True, '社区')
    """
    path = [node_id]
    nxt = policy(tree, node_id, severity, whistled)
    while nxt is not None:
        path.append(nxt)
        nxt = policy(tree, nxt, severity, whistled)
    return tuple(path)


class Scope(enum.StrEnum):
    """Where a case was resolved relative to where it arose: within its grid
    (网格内), within its community (社区内) or above (社区以上).

    >>> Scope.GRID == "grid", Scope.ABOVE.zh
    (True, '社区以上')
    """

    GRID = "grid"
    COMMUNITY = "community"
    ABOVE = "above"

    @property
    def zh(self) -> str:
        """网格内, 社区内 or 社区以上."""
        return {"grid": "网格内", "community": "社区内", "above": "社区以上"}[
            self.value
        ]


def resolution_scope(tree: GridTree, origin: str, resolver: Handler | str) -> Scope:
    """Whether a case from ``origin`` was resolved within its grid, its
    community, or above ("resolved at level").

    A department counts as above.  A resolver inside the origin's grid
    (the grid itself, a compound or building inside it) counts as the grid.

    >>> from redcity.datasets import zunyi
    >>> tree = zunyi()
    >>> b = tree.nodes("楼栋")[0]
    >>> g, c = tree.ancestor(b, "网格"), tree.ancestor(b, "社区")
    >>> [resolution_scope(tree, b, r) for r in (g, c, tree.parent(c))]
    [<Scope.GRID: 'grid'>, <Scope.COMMUNITY: 'community'>, <Scope.ABOVE: 'above'>]
    >>> resolution_scope(tree, b, Handler.department("enforcement")).zh
    '社区以上'
    """
    if isinstance(resolver, Handler):
        if resolver.is_department:
            return Scope.ABOVE
        resolver = resolver.id
    grid = tree.ancestor(origin, Level.GRID)
    if grid is not None and tree.contains(grid, resolver):
        return Scope.GRID
    community = tree.ancestor(origin, Level.COMMUNITY)
    if community is not None and tree.contains(community, resolver):
        return Scope.COMMUNITY
    return Scope.ABOVE


# --------------------------------------------------------------------------
# The whistle.


@attrs.frozen
class Whistle:
    """A street's summons of departments (街乡吹哨、部门报到).

    Attributes:
        summoner: The node id of the street (or the node standing in for it).
        departments: The departments summoned, in table order.
        category: The case's category code.
        node_id: Where the case arose.
        at: When the whistle was blown.
        respond_by: When the departments must report (报到).
    """

    summoner: str
    departments: tuple[str, ...]
    category: str
    node_id: str
    at: datetime
    respond_by: pendulum.DateTime


class WhistlePolicy(Protocol):
    """Decides whether a case needs a whistle, and whom it summons by when."""

    def __call__(
        self,
        tree: GridTree,
        node_id: str,
        category: str,
        at: datetime,
        calendar: WorkCalendar,
    ) -> Whistle | None: ...


def summoning_node(tree: GridTree, node_id: str) -> str:
    """The node that blows the whistle for a case at ``node_id``.

    The street (街道/镇/乡) at or above the node; for a node above every
    street (a district's own case) the node itself; in a tree cut off below
    the street level, its root.

    >>> from redcity.datasets import zunyi
    >>> tree = zunyi()
    >>> b = tree.nodes("楼栋")[0]
    >>> summoning_node(tree, b) == tree.ancestor(b, "街道")
    True
    """
    street = tree.ancestor(node_id, Level.STREET)
    if street is not None:
        return street
    if tree.level(node_id) < Level.STREET:
        return node_id
    return tree.root


def _departments(
    value: Mapping[str, Iterable[str] | str],
) -> Mapping[str, tuple[str, ...]]:
    out = {
        code: (names,) if isinstance(names, str) else tuple(names)
        for code, names in value.items()
    }
    return MappingProxyType(out)


def _check_departments(
    _instance: object, _attribute: object, value: Mapping[str, tuple[str, ...]]
) -> None:
    problems = [
        Problem(str(code), "departments", f"expected department names, got {names!r}")
        for code, names in value.items()
        if not names or not all(isinstance(n, str) and n for n in names)
    ]
    if problems:
        raise ValidationError(problems)


def _limit(value: Limit | str) -> Limit:
    return Limit.parse(value)


def _limits(value: Mapping[str, Limit | str]) -> Mapping[str, Limit]:
    return MappingProxyType({code: Limit.parse(v) for code, v in value.items()})


@attrs.frozen
class TableWhistle:
    """Blow the whistle for the categories in a table.

    Attributes:
        departments: ``{category code: departments to summon}`` (a name or a
            sequence of names) for the categories that need a department's
            powers (综合执法, 应急处置 …).
        respond: How soon summoned departments must report, in working time;
            :data:`DEFAULT_WHISTLE_RESPONSE` (4 working hours) by default —
            local configuration, as no national figure exists.
        respond_by_category: Per-category overrides of ``respond``.

    References:
        《北京市接诉即办工作条例》(2021) and the 街乡吹哨、部门报到 reform:
        the street summons, the departments must report; the time limit is
        local practice.

    >>> import pendulum
    >>> from redcity.calendars import WorkCalendar
    >>> from redcity.datasets import zunyi
    >>> tree, cal = zunyi(), WorkCalendar.china()
    >>> b = tree.nodes("楼栋")[0]
    >>> whistle = TableWhistle({"fire.corridor": ["fire", "enforcement"]})
    >>> at = pendulum.datetime(2026, 9, 30, 16, tz="Asia/Shanghai")
    >>> w = whistle(tree, b, "fire.corridor", at, cal)
    >>> w.departments, str(w.respond_by)   # 国庆 + 中秋: back on 10-08
    (('fire', 'enforcement'), '2026-10-08 11:00:00+08:00')
    >>> whistle(tree, b, "env.garbage", at, cal) is None
    True
    """

    departments: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_departments, validator=_check_departments, hash=False
    )
    respond: Limit = attrs.field(default=DEFAULT_WHISTLE_RESPONSE, converter=_limit)
    respond_by_category: Mapping[str, Limit] = attrs.field(
        factory=dict, converter=_limits, hash=False
    )

    @classmethod
    def from_taxonomy(
        cls,
        taxonomy: Mapping[str, Any],
        respond: Limit | str = DEFAULT_WHISTLE_RESPONSE,
    ) -> TableWhistle:
        """Summon each whistle category's department (``needs_whistle``)."""
        return cls(
            {
                code: (category.department,)
                for code, category in taxonomy.items()
                if getattr(category, "needs_whistle", False)
                and getattr(category, "department", None)
            },
            respond,
        )

    def needs_whistle(self, category: str) -> bool:
        """True when cases of ``category`` summon departments."""
        return category in self.departments

    def __call__(
        self,
        tree: GridTree,
        node_id: str,
        category: str,
        at: datetime,
        calendar: WorkCalendar,
    ) -> Whistle | None:
        """The whistle for a case, or ``None`` if its category needs none."""
        summoned = self.departments.get(category)
        if summoned is None:
            tree.level(node_id)  # an unknown node raises all the same
            return None
        limit = self.respond_by_category.get(category, self.respond)
        return Whistle(
            summoner=summoning_node(tree, node_id),
            departments=summoned,
            category=category,
            node_id=node_id,
            at=at,
            respond_by=deadline(calendar, limit, at),
        )
