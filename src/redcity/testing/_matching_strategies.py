"""Hypothesis strategies for matching: volunteers, requests and whole problems.

Re-exported from :mod:`redcity.testing.strategies`: :func:`volunteers`
(:class:`~redcity.dispatch.matching.Volunteer` records),
:func:`match_requests` (:class:`~redcity.dispatch.matching.Request`
records) and :func:`matching_problems` (a tree with requests and
volunteers on it, ids unique, ready for
:func:`~redcity.dispatch.matching.match`).

Everything shrinks toward few records, no skills, capacity 1, priority 0
and the first node.

>>> from hypothesis import given, settings
>>> from redcity.dispatch.matching import match
>>> @settings(max_examples=20, deadline=None)
... @given(matching_problems())
... def test_every_request_accounted_for(problem):
...     tree, requests, volunteers = problem
...     result = match(tree, requests, volunteers)
...     assert result.matched + len(result.unmatched) == len(requests)
>>> test_every_request_accounted_for()
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.dispatch.matching import Request, Volunteer
from redcity.grid import GridTree, Level
from redcity.testing._checks import check_size as _check_size

__all__ = ["match_requests", "matching_problems", "volunteers"]

DEFAULT_SKILLS = ("助老", "理发")
"""The skills drawn when none are given."""

MatchingProblem = tuple[GridTree, list[Request], list[Volunteer]]


def _street() -> GridTree:
    """A small street: 2 communities × 2 grids × 2 buildings (15 nodes)."""
    rows = [{"id": "s", "parent": None, "level": "街道", "name": "南白街道"}]
    for c in range(2):
        rows.append({"id": f"c{c}", "parent": "s", "level": "社区", "name": f"社区{c}"})
        for g in range(2):
            grid = f"c{c}g{g}"
            rows.append({"id": grid, "parent": f"c{c}", "level": "网格", "name": grid})
            rows.extend(
                {"id": f"{grid}b{b}", "parent": grid, "level": "楼栋", "name": f"{b}栋"}
                for b in range(2)
            )
    return GridTree.from_records(rows)


_STREET = _street()


def _check_tree(tree: object) -> GridTree:
    if tree is None:
        return _STREET
    if not isinstance(tree, GridTree) or not len(tree):
        msg = f"Expected tree to be a non-empty GridTree or None, got {tree!r}."
        raise InvalidArgument(msg)
    return tree


def _check_skills(skills: object) -> tuple[str, ...]:
    if isinstance(skills, str) or not isinstance(skills, Sequence):
        msg = f"Expected skills to be a sequence of strings, got {skills!r}."
        raise InvalidArgument(msg)
    if not all(isinstance(s, str) and s.strip() for s in skills):
        msg = f"Expected skills to hold non-empty strings, got {skills!r}."
        raise InvalidArgument(msg)
    return tuple(skills)


def _check_max(name: str, value: object) -> None:
    if type(value) is not int or value < 0:
        msg = f"Expected max_{name} to be a whole number ≥ 0, got {value!r}."
        raise InvalidArgument(msg)


def _node_ids(tree: GridTree) -> st.SearchStrategy[str]:
    buildings = tree.nodes(Level.BUILDING)
    anywhere = st.sampled_from(tree.ids)
    return st.sampled_from(buildings) | anywhere if buildings else anywhere


def _skill_sets(
    skills: tuple[str, ...], max_size: int
) -> st.SearchStrategy[frozenset[str]]:
    if not skills:
        return st.just(frozenset())
    return st.frozensets(st.sampled_from(skills), max_size=max_size)


def volunteers(
    tree: GridTree | None = None,
    *,
    member_id: str = "m0",
    skills: Sequence[str] = DEFAULT_SKILLS,
    max_capacity: int = 2,
) -> st.SearchStrategy[Volunteer]:
    """Volunteers on ``tree``'s nodes (a built-in 15-node street when ``None``).

    Args:
        tree: Where they live; buildings are drawn more often.
        member_id: The id every drawn volunteer gets.
        skills: The skills to draw subsets from.
        max_capacity: The largest capacity (capacities start at 0).

    >>> from hypothesis import given
    >>> @given(volunteers(max_capacity=1))
    ... def test_small(v):
    ...     assert v.capacity <= 1
    >>> test_small()
    """
    where = _check_tree(tree)
    names = _check_skills(skills)
    _check_max("capacity", max_capacity)
    return st.builds(
        Volunteer,
        st.just(member_id),
        _node_ids(where),
        _skill_sets(names, len(names)),
        st.integers(0, max_capacity).map(lambda c: (c + 1) % (max_capacity + 1)),
    )


def match_requests(
    tree: GridTree | None = None,
    *,
    request_id: str = "r0",
    skills: Sequence[str] = DEFAULT_SKILLS,
    max_priority: int = 2,
) -> st.SearchStrategy[Request]:
    """Micro-wishes and orders on ``tree``'s nodes (the built-in street when ``None``).

    A request needs at most one skill, drawn from ``skills``.

    >>> from hypothesis import given
    >>> @given(match_requests(max_priority=0))
    ... def test_plain(r):
    ...     assert r.priority == 0 and len(r.skills) <= 1
    >>> test_plain()
    """
    where = _check_tree(tree)
    names = _check_skills(skills)
    _check_max("priority", max_priority)
    return st.builds(
        Request,
        st.just(request_id),
        _node_ids(where),
        _skill_sets(names, 1),
        st.integers(0, max_priority),
    )


@st.composite
def _problem(
    draw: st.DrawFn,
    tree: GridTree,
    sizes: tuple[int, int, int, int],
    skills: tuple[str, ...],
    max_capacity: int,
    max_priority: int,
) -> MatchingProblem:
    min_r, max_r, min_v, max_v = sizes
    n_r = draw(st.integers(min_r, max_r))
    n_v = draw(st.integers(min_v, max_v))
    requests = [
        draw(
            match_requests(
                tree, request_id=f"r{i}", skills=skills, max_priority=max_priority
            )
        )
        for i in range(n_r)
    ]
    members = [
        draw(
            volunteers(
                tree, member_id=f"m{j}", skills=skills, max_capacity=max_capacity
            )
        )
        for j in range(n_v)
    ]
    return tree, requests, members


def matching_problems(
    tree: GridTree | None = None,
    *,
    min_requests: int = 0,
    max_requests: int = 6,
    min_volunteers: int = 0,
    max_volunteers: int = 4,
    max_capacity: int = 2,
    skills: Sequence[str] = DEFAULT_SKILLS,
    max_priority: int = 2,
) -> st.SearchStrategy[MatchingProblem]:
    """``(tree, requests, volunteers)`` ready for :func:`~redcity.dispatch.matching.match`.

    Requests are ``r0``, ``r1`` …, volunteers ``m0``, ``m1`` …; the defaults
    (≤ 6 requests, ≤ 4 volunteers of capacity ≤ 2) stay small enough for an
    exhaustive search to check optimality.

    Args:
        tree: The tree (the built-in 15-node street when ``None``).
        min_requests: Fewest requests.
        max_requests: Most requests.
        min_volunteers: Fewest volunteers.
        max_volunteers: Most volunteers.
        max_capacity: The largest capacity.
        skills: The skills requests need and volunteers hold.
        max_priority: The largest request priority.

    Raises:
        hypothesis.errors.InvalidArgument: bad sizes, skills or tree.
    """  # noqa: E501
    where = _check_tree(tree)
    _check_size("requests", min_requests, max_requests)
    _check_size("volunteers", min_volunteers, max_volunteers)
    _check_max("capacity", max_capacity)
    _check_max("priority", max_priority)
    names = _check_skills(skills)
    sizes = (min_requests, max_requests, min_volunteers, max_volunteers)
    return _problem(where, sizes, names, max_capacity, max_priority)
