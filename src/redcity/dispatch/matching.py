"""Matching members to micro-wishes and orders (党员接单): optimal and greedy.

Residents' micro-wishes (微心愿) and orders (群众点单) are :class:`Request`
records; the party members and volunteers who take them (党员接单) are
:class:`Volunteer` records with skills and a capacity.  :func:`match` pairs
them by eligibility (a volunteer must hold every skill a request needs),
capacity (a volunteer takes at most ``capacity`` requests) and distance in
the grid tree (same building < same grid < same community < same street <
elsewhere, priced by a :class:`CostPolicy`).

``method="flow"`` (the default) is optimal, lexicographically:

1. as many requests as possible are matched;
2. among those matchings, the total :attr:`Request.priority` of the
   matched requests is as large as possible;
3. among those, the total cost (distance) is as small as possible.

It solves one integer min-cost flow with networkx's network simplex.
``method="greedy"`` is the baseline a dispatcher would do by hand.

>>> import redcity as rc
>>> from redcity.dispatch.matching import Request, Volunteer, match
>>> tree = rc.grid.GridTree.from_records([
...     {"id": "c", "parent": None, "level": "社区", "name": "南门社区"},
...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格一"},
...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格二"},
...     {"id": "b1", "parent": "g1", "level": "楼栋", "name": "1栋"},
...     {"id": "b2", "parent": "g2", "level": "楼栋", "name": "2栋"},
... ])
>>> wishes = [Request("w1", "b1", skills="理发"), Request("w2", "b2")]
>>> members = [Volunteer("m1", "b1", skills={"理发"}), Volunteer("m2", "b2")]
>>> result = match(tree, wishes, members)
>>> result.assignments, result.total_cost
({'w1': 'm1', 'w2': 'm2'}, 0)
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Sequence
from typing import Any, Final, Literal, TypeAlias

import attrs
import networkx as nx

from redcity.dispatch.tickets import DispatchError, Ticket
from redcity.errors import Problem, ValidationError
from redcity.grid import GridTree, Level
from redcity.people import MemberRegistration

__all__ = [
    "DEFAULT_COST",
    "METHODS",
    "CostPolicy",
    "Match",
    "Matching",
    "MatchingError",
    "Method",
    "Reason",
    "Request",
    "Unmatched",
    "Volunteer",
    "match",
]

Method: TypeAlias = Literal["flow", "greedy"]
METHODS: Final[tuple[str, ...]] = ("flow", "greedy")
"""The methods :func:`match` offers."""

# The levels a CostPolicy prices, finest first.
_LEVELS: Final = (Level.BUILDING, Level.GRID, Level.COMMUNITY, Level.STREET)


class MatchingError(ValidationError, DispatchError):
    """The requests or volunteers given to :func:`match` were invalid.

    ``.problems`` lists every problem found (duplicate ids, unknown nodes),
    each naming the offending request or member id and the field.
    """


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"Expected {attribute.name} to be a non-empty string, got {value!r}."
        raise ValueError(msg)


def _skills(value: str | Iterable[str] | None) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset((value,))
    return frozenset(value)


def _skill_names(
    instance: object, attribute: attrs.Attribute[Any], value: frozenset[str]
) -> None:
    bad = sorted(repr(s) for s in value if not isinstance(s, str) or not s.strip())
    if bad:
        msg = (
            f"Expected {attribute.name} to hold non-empty strings, "
            f"got {', '.join(bad)}."
        )
        raise ValueError(msg)


def _count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 0:
        msg = f"Expected {attribute.name} to be a whole number ≥ 0, got {value!r}."
        raise ValueError(msg)


@attrs.frozen
class Volunteer:
    """A party member or volunteer who takes requests (党员接单).

    Anything with a place and a capacity can stand in: a canteen that
    accepts meal orders (食堂接单) is a ``Volunteer`` whose ``member_id`` is
    the canteen's id (see the meal-delivery example in the docs).

    Attributes:
        member_id: The member's id (an opaque id, as in the member registry).
        node_id: Where the member lives or serves: a building, grid or any
            node of the grid tree.
        skills: What the member can do (``"理发"``, ``"送餐"`` …); a string,
            an iterable of strings or ``None`` (no skills).
        capacity: How many requests the member takes in this round (≥ 0).

    >>> v = Volunteer("m1", "b1", skills=["理发", "送餐"], capacity=2)
    >>> sorted(v.skills), v.capacity
    (['理发', '送餐'], 2)
    >>> Volunteer("m1", "b1", capacity=-1)
    Traceback (most recent call last):
    ...
    ValueError: Expected capacity to be a whole number ≥ 0, got -1.
    """

    member_id: str = attrs.field(validator=_text)
    node_id: str = attrs.field(validator=_text)
    skills: frozenset[str] = attrs.field(
        default=frozenset(), converter=_skills, validator=_skill_names
    )
    capacity: int = attrs.field(default=1, validator=_count)

    @classmethod
    def from_registration(
        cls,
        registration: MemberRegistration,
        *,
        skills: str | Iterable[str] | None = None,
        capacity: int = 1,
        node_id: str | None = None,
    ) -> Volunteer:
        """A volunteer from a member's registration (双报到).

        The member serves where they registered unless ``node_id`` names a
        finer place (their building or grid).

        >>> from datetime import date
        >>> from redcity.people import MemberRegistration
        >>> reg = MemberRegistration(member_id="m-1", community_id="c",
        ...                          employer_id=None, in_service=False,
        ...                          registered_on=date(2024, 3, 1))
        >>> Volunteer.from_registration(reg, skills="送餐", capacity=3)
        Volunteer(member_id='m-1', node_id='c', skills=frozenset({'送餐'}), capacity=3)
        """
        return cls(
            registration.member_id,
            registration.community_id if node_id is None else node_id,
            skills,
            capacity,
        )


@attrs.frozen
class Request:
    """A micro-wish (微心愿) or a resident's order (群众点单) waiting for a taker.

    Attributes:
        id: The request's id (a ticket's ``service_request_id`` when dispatch
            issued it).
        node_id: Where it is to be done: the resident's building or any node.
        skills: The skills a taker must all hold; a string, an iterable of
            strings or ``None`` (anyone may take it).
        priority: A whole number ≥ 0 (default 0); when not every request can
            be matched, the optimal matching prefers higher total priority,
            after the number matched (see :func:`match`).

    >>> Request("w1", "b1", skills="理发")
    Request(id='w1', node_id='b1', skills=frozenset({'理发'}), priority=0)
    """

    id: str = attrs.field(validator=_text)
    node_id: str = attrs.field(validator=_text)
    skills: frozenset[str] = attrs.field(
        default=frozenset(), converter=_skills, validator=_skill_names
    )
    priority: int = attrs.field(default=0, validator=_count)

    @classmethod
    def from_ticket(
        cls,
        ticket: Ticket,
        *,
        skills: str | Iterable[str] | None = None,
        priority: int = 0,
    ) -> Request:
        """The request a ticket (a resident's order, a micro-wish) asks to fill.

        >>> import pendulum
        >>> from redcity.dispatch import Ticket
        >>> t = Ticket.report("T1", at=pendulum.datetime(2026, 3, 2, tz="Asia/Shanghai"),
        ...                   actor="grid-worker", service_code="elder.help",
        ...                   node_id="b1", severity="small", source="群众点单")
        >>> Request.from_ticket(t, skills="助老", priority=1)
        Request(id='T1', node_id='b1', skills=frozenset({'助老'}), priority=1)
        """  # noqa: E501
        return cls(ticket.service_request_id, ticket.node_id, skills, priority)


def _cost_value(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is None and attribute.name == "elsewhere":
        return
    if type(value) is not int or value < 0:
        msg = (
            f"Expected the {attribute.name} cost to be a whole number ≥ 0, "
            f"got {value!r}."
        )
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class CostPolicy:
    """The integer cost of a volunteer taking a request, by distance in the grid.

    A pair's cost is the cost of the finest level at which the request's node
    and the volunteer's node share an ancestor (each node counting as its
    own ancestor): the same building, else the same grid, else the same
    community, else the same street; ``elsewhere`` when they share none of
    these.  Costs must not fall from a finer level to a coarser one.

    The defaults (0/1/3/6/10) are a starting point, not a standard: a
    community that would rather leave a wish open than send a member across
    the street sets ``elsewhere=None`` (such pairs are then not allowed).

    Attributes:
        building: Same building (楼栋), default 0.
        grid: Same grid (网格), default 1.
        community: Same community or village (社区/村), default 3.
        street: Same street or town (街道/镇), default 6.
        elsewhere: Anything farther, default 10; ``None`` forbids the pair.

    >>> CostPolicy(grid=2).costs
    (0, 2, 3, 6)
    >>> CostPolicy(community=7)
    Traceback (most recent call last):
    ...
    ValueError: Expected costs that never fall from a finer level to a coarser one (building ≤ grid ≤ community ≤ street ≤ elsewhere), got 0, 1, 7, 6, 10.
    """  # noqa: E501

    building: int = attrs.field(default=0, validator=_cost_value)
    grid: int = attrs.field(default=1, validator=_cost_value)
    community: int = attrs.field(default=3, validator=_cost_value)
    street: int = attrs.field(default=6, validator=_cost_value)
    elsewhere: int | None = attrs.field(default=10, validator=_cost_value)

    def __attrs_post_init__(self) -> None:
        chain = [*self.costs, *([] if self.elsewhere is None else [self.elsewhere])]
        if any(a > b for a, b in itertools.pairwise(chain)):
            got = ", ".join(map(str, chain))
            msg = (
                "Expected costs that never fall from a finer level to a coarser "
                "one (building ≤ grid ≤ community ≤ street ≤ elsewhere), "
                f"got {got}."
            )
            raise ValueError(msg)

    @property
    def costs(self) -> tuple[int, int, int, int]:
        """The costs of the same building, grid, community and street."""
        return (self.building, self.grid, self.community, self.street)

    @property
    def highest(self) -> int:
        """The largest cost a matched pair can have."""
        return self.street if self.elsewhere is None else self.elsewhere

    def between(self, tree: GridTree, a: str, b: str) -> int | None:
        """The cost between nodes ``a`` and ``b`` (``None``: not allowed).

        For one pair; :func:`match` precomputes each node's ancestors once
        and then prices a pair in O(1).

        >>> from redcity.grid import GridTree
        >>> tree = GridTree.from_records([
        ...     {"id": "c", "parent": None, "level": "社区", "name": "洗马社区"},
        ...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格一"},
        ...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格二"},
        ...     {"id": "b1", "parent": "g1", "level": "楼栋", "name": "1栋"},
        ...     {"id": "b2", "parent": "g1", "level": "楼栋", "name": "2栋"},
        ... ])
        >>> DEFAULT_COST.between(tree, "b1", "b1"), DEFAULT_COST.between(tree, "b1", "b2")
        (0, 1)
        >>> DEFAULT_COST.between(tree, "b1", "g2")
        3
        """  # noqa: E501
        return _pair_cost(self, _place(tree, a), _place(tree, b))


DEFAULT_COST: Final = CostPolicy()
"""Same building 0, grid 1, community 3, street 6, elsewhere 10."""


class Reason(enum.Enum):
    """Why a request was left unmatched."""

    NO_SKILL = "no_skill"
    """No volunteer holds every skill the request needs."""
    OUT_OF_REACH = "out_of_reach"
    """Volunteers with the skills exist, but the cost policy allows none of
    them (``elsewhere=None`` and none in the same street)."""
    NO_CAPACITY = "no_capacity"
    """Eligible volunteers exist, but their capacity went to other requests
    (or is zero)."""

    @property
    def zh(self) -> str:
        """The reason in Chinese.

        >>> Reason.NO_CAPACITY.zh
        '志愿者已满额'
        """
        return _REASON_ZH[self]


_REASON_ZH: Final = {
    Reason.NO_SKILL: "无人具备所需技能",
    Reason.OUT_OF_REACH: "超出服务范围",
    Reason.NO_CAPACITY: "志愿者已满额",
}


@attrs.frozen
class Match:
    """One request given to one volunteer, and what it costs."""

    request_id: str
    member_id: str
    cost: int


@attrs.frozen
class Unmatched:
    """One request left open, and why."""

    request_id: str
    reason: Reason


@attrs.frozen(kw_only=True)
class Matching:
    """The result of :func:`match`: who takes which request.

    Attributes:
        method: ``"flow"`` or ``"greedy"``.
        matches: Each matched request with its member and cost, by request id.
        unmatched: Each open request with the :class:`Reason`, by request id.
        loads: ``(member_id, requests taken)`` for every volunteer given,
            by member id (zero included).
        total_cost: The sum of the matches' costs.
        priority: The sum of the matched requests' priorities.

    >>> m = Matching(method="flow", matches=(Match("w1", "m1", 1),),
    ...              unmatched=(Unmatched("w2", Reason.NO_SKILL),),
    ...              loads=(("m1", 1), ("m2", 0)), total_cost=1, priority=0)
    >>> m.matched, m.assignments, m.load("m2"), m.member_of("w2")
    (1, {'w1': 'm1'}, 0, None)
    >>> m.objective
    (1, 0, -1)
    """

    method: str
    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    loads: tuple[tuple[str, int], ...]
    total_cost: int
    priority: int

    @property
    def matched(self) -> int:
        """How many requests were matched."""
        return len(self.matches)

    @property
    def assignments(self) -> dict[str, str]:
        """A new mapping request id → member id."""
        return {m.request_id: m.member_id for m in self.matches}

    @property
    def objective(self) -> tuple[int, int, int]:
        """``(matched, priority, -total_cost)``: larger is better, in that order."""
        return (self.matched, self.priority, -self.total_cost)

    def load(self, member_id: str) -> int:
        """How many requests ``member_id`` took (``KeyError`` if not given)."""
        for member, n in self.loads:
            if member == member_id:
                return n
        msg = f"No volunteer {member_id!r} was given to this matching."
        raise KeyError(msg)

    def member_of(self, request_id: str) -> str | None:
        """The member who takes ``request_id``, ``None`` when it is open."""
        for m in self.matches:
            if m.request_id == request_id:
                return m.member_id
        return None


# --------------------------------------------------------------------------
# Distances
# --------------------------------------------------------------------------

_Place: TypeAlias = tuple[str | None, str | None, str | None, str | None]


def _place(tree: GridTree, node_id: str) -> _Place:
    """The node's ancestor (or itself) at each priced level, finest first."""
    b, g, c, s = (tree.ancestor(node_id, level) for level in _LEVELS)
    return (b, g, c, s)


def _pair_cost(cost: CostPolicy, p: _Place, q: _Place) -> int | None:
    costs = cost.costs
    for k in range(4):
        a = p[k]
        if a is not None and a == q[k]:
            return costs[k]
    return cost.elsewhere


# --------------------------------------------------------------------------
# match
# --------------------------------------------------------------------------


def match(
    tree: GridTree,
    requests: Iterable[Request],
    volunteers: Iterable[Volunteer],
    *,
    cost: CostPolicy = DEFAULT_COST,
    method: Method = "flow",
) -> Matching:
    """Give requests to volunteers by skills, capacity and distance in the grid.

    A volunteer may take a request when they hold every skill it needs and
    ``cost`` allows the pair; a volunteer takes at most ``capacity``
    requests; a request goes to at most one volunteer.

    ``method="flow"`` returns an optimal matching: first the most requests
    matched, then the highest total priority of the matched requests, then
    the lowest total cost.  It is one min-cost flow with integer costs
    (:func:`networkx.network_simplex`) on the network source → requests →
    volunteers → sink (requests: capacity 1; volunteers: their capacity),
    plus an uncapped source → sink arc that lets requests stay open.  The
    request → volunteer arcs go through hubs, one per (level, place, skills
    needed): a request reaches the hub of its building, grid, community and
    street at that level's cost, and each hub reaches the eligible
    volunteers there at no cost — the same optimum as an arc per pair (the
    cheapest path is the pair's cost), with far fewer arcs.  The three aims
    are folded into one integer cost per arc with weights large enough
    that an aim never trades against a later one.

    ``method="greedy"`` is the baseline: requests in order of priority
    (highest first) then id, each given to an eligible volunteer with
    capacity left at the finest shared level (so at the lowest cost), ties
    broken by the smallest member id.  It never beats ``"flow"``.

    Both are deterministic: inputs are taken in id order, so reordering
    them changes nothing.

    Args:
        tree: The grid tree every node id refers to.
        requests: Micro-wishes and orders; ids unique.
        volunteers: Members who take them; member ids unique.
        cost: The distance costs (:data:`DEFAULT_COST`: 0/1/3/6/10).
        method: ``"flow"`` (optimal) or ``"greedy"``.

    Raises:
        MatchingError: listing every duplicate id and unknown node.
        ValueError: an unknown method.

    >>> import redcity as rc
    >>> tree = rc.grid.GridTree.from_records([
    ...     {"id": "s", "parent": None, "level": "街道", "name": "南白街道"},
    ...     {"id": "c", "parent": "s", "level": "社区", "name": "社区一"},
    ...     {"id": "g1", "parent": "c", "level": "网格", "name": "网格一"},
    ...     {"id": "g2", "parent": "c", "level": "网格", "name": "网格二"},
    ...     {"id": "b1", "parent": "g1", "level": "楼栋", "name": "1栋"},
    ...     {"id": "b2", "parent": "g2", "level": "楼栋", "name": "2栋"},
    ... ])
    >>> wishes = [Request("w1", "b1"), Request("w2", "b2")]
    >>> members = [Volunteer("m1", "b1"), Volunteer("m2", "b1")]

    Greedy gives w1 to m1 (same building) and then w2 to m2 (same
    community); so does the flow here, at the same cost:

    >>> match(tree, wishes, members).total_cost
    3
    >>> match(tree, wishes, members, method="greedy").assignments
    {'w1': 'm1', 'w2': 'm2'}

    With one member, greedy takes w1 first; a priority changes the choice:

    >>> urgent = [Request("w1", "b1"), Request("w2", "b2", priority=1)]
    >>> match(tree, urgent, members[:1]).assignments
    {'w2': 'm1'}
    >>> match(tree, urgent, members[:1]).unmatched
    (Unmatched(request_id='w1', reason=<Reason.NO_CAPACITY: 'no_capacity'>),)
    """
    if method not in METHODS:
        msg = f"Expected method 'flow' or 'greedy', got {method!r}."
        raise ValueError(msg)
    if not isinstance(cost, CostPolicy):
        msg = f"Expected cost to be a CostPolicy, got {cost!r}."
        raise TypeError(msg)
    req_list, vol_list = _checked(tree, list(requests), list(volunteers))
    places = {
        node: _place(tree, node)
        for node in {r.node_id for r in req_list} | {v.node_id for v in vol_list}
    }
    problem = _Problem(req_list, vol_list, places, cost)
    pairs = problem.flow() if method == "flow" else problem.greedy()
    return problem.result(method, pairs)


def _checked(
    tree: GridTree, requests: list[Request], volunteers: list[Volunteer]
) -> tuple[list[Request], list[Volunteer]]:
    """The inputs in id order, after checking them as a whole."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for r in requests:
        if not isinstance(r, Request):
            msg = f"Expected a Request, got {r!r}."
            raise TypeError(msg)
        if r.id in seen:
            problems.append(Problem(r.id, "id", "duplicate request id."))
        seen.add(r.id)
        if r.node_id not in tree:
            problems.append(
                Problem(
                    r.id, "node_id", f"unknown node {r.node_id!r}; not in the tree."
                )
            )
    seen = set()
    for v in volunteers:
        if not isinstance(v, Volunteer):
            msg = f"Expected a Volunteer, got {v!r}."
            raise TypeError(msg)
        if v.member_id in seen:
            problems.append(Problem(v.member_id, "member_id", "duplicate member id."))
        seen.add(v.member_id)
        if v.node_id not in tree:
            problems.append(
                Problem(
                    v.member_id,
                    "node_id",
                    f"unknown node {v.node_id!r}; not in the tree.",
                )
            )
    if problems:
        raise MatchingError(problems)
    requests.sort(key=lambda r: r.id)
    volunteers.sort(key=lambda v: v.member_id)
    return requests, volunteers


_Pairs: TypeAlias = list[tuple[int, int]]  # (request index, volunteer index)


class _Problem:
    """One matching problem, with the indices both methods share."""

    def __init__(
        self,
        requests: Sequence[Request],
        volunteers: Sequence[Volunteer],
        places: dict[str, _Place],
        cost: CostPolicy,
    ) -> None:
        self.requests = requests
        self.volunteers = volunteers
        self.places = places
        self.cost = cost
        # Volunteers (indices, in member-id order) by their place at each level.
        self.around: list[dict[str, list[int]]] = [{}, {}, {}, {}]
        for j, v in enumerate(volunteers):
            for k, a in enumerate(places[v.node_id]):
                if a is not None:
                    self.around[k].setdefault(a, []).append(j)

    def _group(self, k: int, a: str | None) -> Sequence[int]:
        """Volunteers sharing place ``a`` at level ``k`` (4: everyone)."""
        if k == 4:
            return range(len(self.volunteers))
        return self.around[k].get(a, ()) if a is not None else ()

    def _levels(self) -> list[tuple[int, int]]:
        """(level index, cost) of each hub level, finest first."""
        out = list(enumerate(self.cost.costs))
        if self.cost.elsewhere is not None:
            out.append((4, self.cost.elsewhere))
        return out

    def flow(self) -> _Pairs:
        requests, volunteers = self.requests, self.volunteers
        n = len(requests)
        if n == 0 or not volunteers:
            return []
        # Fold (matched, priority, -cost) into one integer: the total
        # distance is below n*highest+1 = per_priority, and a priority sum
        # below n*top+1, so one more match outweighs any change in the rest.
        per_priority = n * self.cost.highest + 1
        top = max(r.priority for r in requests)
        per_match = per_priority * (n * top + 1)
        source, sink = ("source",), ("sink",)
        graph = nx.DiGraph()
        graph.add_node(source, demand=-n)
        graph.add_node(sink, demand=n)
        graph.add_edge(source, sink, capacity=n, weight=0)
        hubs: dict[tuple[int, str | None, frozenset[str]], bool] = {}
        levels = self._levels()
        for i, r in enumerate(requests):
            place = self.places[r.node_id]
            rnode = ("r", i)
            linked = False
            for k, price in levels:
                a = place[k] if k < 4 else None
                if k < 4 and a is None:
                    continue
                hub = (k, a, r.skills)
                known = hubs.get(hub)
                if known is None:
                    members = [
                        j
                        for j in self._group(k, a)
                        if volunteers[j].capacity and r.skills <= volunteers[j].skills
                    ]
                    known = hubs[hub] = bool(members)
                    for j in members:
                        graph.add_edge(("h", *hub), ("v", j))
                if known:
                    graph.add_edge(rnode, ("h", *hub), capacity=1, weight=price)
                    linked = True
            if linked:
                weight = -(per_match + per_priority * r.priority)
                graph.add_edge(source, rnode, capacity=1, weight=weight)
        for j, v in enumerate(volunteers):
            if ("v", j) in graph:
                graph.add_edge(("v", j), sink, capacity=v.capacity, weight=0)
        _, flow = nx.network_simplex(graph)
        # Decompose: within a hub every request it received may go to every
        # volunteer it feeds; pair them in order.
        into: dict[Any, list[int]] = {}
        for i in range(n):
            for hub, units in flow.get(("r", i), {}).items():
                if units:
                    into.setdefault(hub, []).append(i)
        pairs: _Pairs = []
        for hub, takers in into.items():
            slots = [
                node[1]
                for node, units in sorted(flow[hub].items(), key=lambda x: x[0][1])
                for _ in range(units)
            ]
            pairs.extend(zip(takers, slots, strict=True))
        return pairs

    def greedy(self) -> _Pairs:
        requests, volunteers = self.requests, self.volunteers
        left = [v.capacity for v in volunteers]
        order = sorted(range(len(requests)), key=lambda i: -requests[i].priority)
        levels = self._levels()
        pairs: _Pairs = []
        for i in order:  # a stable sort: ties stay in id order
            r = requests[i]
            place = self.places[r.node_id]
            chosen = next(
                (
                    j
                    for k, _ in levels
                    for j in self._group(k, place[k] if k < 4 else None)
                    if left[j] and r.skills <= volunteers[j].skills
                ),
                None,
            )
            if chosen is not None:
                left[chosen] -= 1
                pairs.append((i, chosen))
        return pairs

    def _reason(self, r: Request) -> Reason:
        skilled = [v for v in self.volunteers if r.skills <= v.skills]
        if not skilled:
            return Reason.NO_SKILL
        here = self.places[r.node_id]
        if all(
            _pair_cost(self.cost, here, self.places[v.node_id]) is None for v in skilled
        ):
            return Reason.OUT_OF_REACH
        return Reason.NO_CAPACITY

    def result(self, method: str, pairs: _Pairs) -> Matching:
        requests, volunteers, places = self.requests, self.volunteers, self.places
        taken = [0] * len(volunteers)
        matches = []
        for i, j in sorted(pairs):
            r, v = requests[i], volunteers[j]
            price = _pair_cost(self.cost, places[r.node_id], places[v.node_id])
            if price is None:  # pragma: no cover - the methods never pair these
                msg = f"Internal error: {r.id!r} paired out of reach."
                raise AssertionError(msg)
            taken[j] += 1
            matches.append(Match(r.id, v.member_id, price))
        done = {i for i, _ in pairs}
        return Matching(
            method=method,
            matches=tuple(matches),
            unmatched=tuple(
                Unmatched(r.id, self._reason(r))
                for i, r in enumerate(requests)
                if i not in done
            ),
            loads=tuple(
                (v.member_id, n) for v, n in zip(volunteers, taken, strict=True)
            ),
            total_cost=sum(m.cost for m in matches),
            priority=sum(requests[i].priority for i in done),
        )
