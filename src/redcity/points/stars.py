"""Star volunteers (星级志愿者), team stars and annual honours.

A volunteer's star level follows their cumulative certified service hours:
nationally 1 to 5 stars at 100, 300, 600, 1000 and 1500 hours
(:data:`NATIONAL`); Beijing at 100, 200, 500, 800 and 1000 hours
(:data:`BEIJING`).  Thresholds are a table, not constants: pass any five
strictly increasing positive hours.  Team stars and honours quotas are
local practice, so they are configuration with documented defaults.

>>> from decimal import Decimal
>>> from redcity.points import BEIJING, star_level
>>> star_level(Decimal("99.99")), star_level(100), star_level(1500)
(0, 1, 5)
>>> star_level(250), star_level(250, BEIJING)
(1, 2)

References:
    《志愿服务记录与证明出具办法（试行）》(民政部令第67号, 2020): service
    hours count actual service time only, recorded and certified by the
    organising body.  中国志愿服务联合会 星级志愿者 (national star
    volunteers): 1 to 5 stars at 100/300/600/1000/1500 cumulative hours.
    北京市志愿者星级认定 (Beijing star recognition): 100/200/500/800/1000
    hours.
"""

from __future__ import annotations

import enum
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeAlias

import attrs

from redcity._names import parse_member, zh_names
from redcity.errors import Problem, ValidationError
from redcity.people import MemberRegistry
from redcity.points._exact import ExactScore, as_fraction, exact_problem, number_problem

__all__ = [
    "BEIJING",
    "DEFAULT_TEAM_RULE",
    "MAX_STARS",
    "NATIONAL",
    "Honour",
    "ServiceHours",
    "TeamBasis",
    "TeamStarRule",
    "check_thresholds",
    "honours",
    "star_distribution",
    "star_level",
    "team_star_level",
    "team_stars",
]

ServiceHours: TypeAlias = int | Fraction | Decimal | float
"""Cumulative certified service hours: exact numbers preferred, floats accepted."""

MAX_STARS: Final = 5
"""Star levels run from 0 (no star) to 5."""

NATIONAL: Final[tuple[int, int, int, int, int]] = (100, 300, 600, 1000, 1500)
"""National star thresholds in hours: 1 star at ≥ 100 h … 5 stars at ≥ 1500 h.

References:
    中国志愿服务联合会 星级志愿者 (national star volunteers), with hours
    recorded under 《志愿服务记录与证明出具办法（试行）》(民政部令第67号).
"""

BEIJING: Final[tuple[int, int, int, int, int]] = (100, 200, 500, 800, 1000)
"""Beijing's star thresholds in hours: 1 star at ≥ 100 h … 5 stars at ≥ 1000 h.

References:
    北京市志愿者星级认定 (Beijing star recognition of volunteers).
"""

_CHECKED: dict[tuple[Any, ...], tuple[Fraction, ...]] = {}


def check_thresholds(thresholds: Sequence[ServiceHours]) -> tuple[Fraction, ...]:
    """Check a star table and return its hours exactly, as Fractions.

    A table is five strictly increasing positive hours: the cumulative hours
    at which a volunteer reaches 1, 2, 3, 4 and 5 stars.

    Args:
        thresholds: Five numbers (int, Fraction, Decimal or finite float).

    Returns:
        The five thresholds as Fractions (a float by its exact value).

    Raises:
        ValueError: Saying every way in which the table is wrong (count,
            a value that is not a positive number, order).
        TypeError: ``thresholds`` is not a sequence.

    >>> check_thresholds((100, 200, 500, 800, 1000))[-1]
    Fraction(1000, 1)
    >>> check_thresholds((100, 300, 300, 1000))
    Traceback (most recent call last):
    ...
    ValueError: Expected thresholds to be 5 strictly increasing positive hours (the hours for 1 … 5 stars), got (100, 300, 300, 1000): 4 values given; threshold 3 (300) is not above threshold 2 (300).
    """  # noqa: E501
    key = thresholds if isinstance(thresholds, tuple) else None
    if key is not None:
        try:
            found = _CHECKED.get(key)
        except TypeError:  # an unhashable item; the checks below report it
            found = None
        if found is not None:
            return found
    if isinstance(thresholds, str | bytes) or not isinstance(thresholds, Sequence):
        msg = (
            "Expected thresholds to be a sequence of 5 hours such as "
            f"NATIONAL = {NATIONAL}, got {thresholds!r}."
        )
        raise TypeError(msg)
    issues: list[str] = []
    if len(thresholds) != MAX_STARS:
        issues.append(f"{len(thresholds)} values given")
    exact: list[Fraction | None] = []
    for i, value in enumerate(thresholds, 1):
        problem = number_problem(value)
        if problem is None and value <= 0:
            problem = f"got {value!r}, not above 0"
        if problem is not None:
            issues.append(f"threshold {i} {problem}")
            exact.append(None)
        else:
            exact.append(as_fraction(value))
    for i in range(1, len(exact)):
        a, b = exact[i - 1], exact[i]
        if a is not None and b is not None and b <= a:
            issues.append(
                f"threshold {i + 1} ({thresholds[i]!r}) is not above "
                f"threshold {i} ({thresholds[i - 1]!r})"
            )
    if issues:
        msg = (
            f"Expected thresholds to be {MAX_STARS} strictly increasing positive "
            f"hours (the hours for 1 … {MAX_STARS} stars), got {thresholds!r}: "
            + "; ".join(issues)
            + "."
        )
        raise ValueError(msg)
    result = tuple(f for f in exact if f is not None)
    if key is not None and len(_CHECKED) < 256:
        _CHECKED[key] = result
    return result


def _hours(value: object, what: str = "hours") -> Fraction:
    problem = number_problem(value)
    if problem is not None:
        msg = f"Expected {what} to be a number of hours ≥ 0, {problem}."
        is_number = isinstance(value, int | Fraction | Decimal | float)
        raise (
            ValueError(msg)
            if is_number and not isinstance(value, bool)
            else TypeError(msg)
        )
    assert isinstance(value, int | Fraction | Decimal | float)
    if value < 0:
        msg = f"Expected {what} to be a number of hours ≥ 0, got {value!r}."
        raise ValueError(msg)
    return as_fraction(value)


def star_level(
    hours: ServiceHours, thresholds: Sequence[ServiceHours] = NATIONAL
) -> int:
    """The star level (0–5) that ``hours`` of cumulative service reach.

    A volunteer has *k* stars when their hours are at least the *k*-th
    threshold: with :data:`NATIONAL`, 99.99 h is 0 stars, 100 h is 1 star,
    299 h still 1, 300 h 2 and 1500 h or more 5.  Comparison is exact.

    Args:
        hours: Cumulative certified service hours, ≥ 0 (int, Fraction,
            Decimal or finite float).
        thresholds: The star table, :data:`NATIONAL` by default; any five
            strictly increasing positive hours (see :func:`check_thresholds`).

    Returns:
        0 (below the first threshold) to 5.

    Raises:
        TypeError: ``hours`` is not a number.
        ValueError: ``hours`` is negative or not finite, or the table is bad.

    References:
        中国志愿服务联合会 星级志愿者 (national: 100/300/600/1000/1500 h);
        北京市志愿者星级认定 (Beijing: 100/200/500/800/1000 h); hours per
        民政部令第67号 (actual service time, certified by the organiser).

    >>> from fractions import Fraction
    >>> star_level(299), star_level(300), star_level(Fraction(1999, 2))
    (1, 2, 3)
    >>> star_level(800, BEIJING)
    4
    """
    table = check_thresholds(thresholds)
    # DESIGN §2: stars at cumulative hours ≥ each threshold, hence bisect_right.
    return bisect_right(table, _hours(hours))


def star_distribution(
    hours_by_member: Mapping[str, ServiceHours],
    thresholds: Sequence[ServiceHours] = NATIONAL,
) -> dict[int, int]:
    """How many members hold each star level, 0 to 5 (every level listed).

    Args:
        hours_by_member: Each member's cumulative service hours.
        thresholds: The star table (:data:`NATIONAL` by default).

    Raises:
        ValidationError: Listing every member whose hours are not a
            number ≥ 0.
        ValueError: The table is bad.

    >>> star_distribution({"m1": 50, "m2": 120, "m3": 310, "m4": 2000})
    {0: 1, 1: 1, 2: 1, 3: 0, 4: 0, 5: 1}
    """
    table = check_thresholds(thresholds)
    counts = dict.fromkeys(range(MAX_STARS + 1), 0)
    for level in _levels(hours_by_member, table).values():
        counts[level] += 1
    return counts


def _levels(
    hours_by_member: Mapping[str, ServiceHours], table: tuple[Fraction, ...]
) -> dict[str, int]:
    if not isinstance(hours_by_member, Mapping):
        msg = f"Expected a mapping of member ids to hours, got {hours_by_member!r}."
        raise TypeError(msg)
    problems: list[Problem] = []
    levels: dict[str, int] = {}
    for member, value in hours_by_member.items():
        try:
            levels[member] = bisect_right(table, _hours(value))
        except (TypeError, ValueError) as exc:
            problems.append(Problem(str(member), "hours", str(exc)))
    if problems:
        raise ValidationError(problems)
    return levels


# --------------------------------------------------------------------------
# Team stars
# --------------------------------------------------------------------------


class TeamBasis(enum.Enum):
    """What a team's star level is computed from (local configuration).

    >>> TeamBasis.parse("人均时长") is TeamBasis.MEAN, TeamBasis.SHARE.zh
    (True, '达标比例')
    """

    SHARE = "share"
    """The highest level that at least a given share of members reach."""
    MEAN = "mean"
    """The level of the members' mean hours, under the members' table."""
    TOTAL = "total"
    """The level of the members' total hours, under a team table."""

    @property
    def zh(self) -> str:
        """达标比例, 人均时长 or 总时长.

        >>> TeamBasis.TOTAL.zh
        '总时长'
        """
        return _BASIS_ZH[self]

    @classmethod
    def parse(cls, value: TeamBasis | str) -> TeamBasis:
        """A basis from a TeamBasis, its English name (``"mean"``) or Chinese.

        Raises:
            ValueError: The value names no basis.

        >>> TeamBasis.parse("TOTAL")
        <TeamBasis.TOTAL: 'total'>
        """
        return parse_member(cls, value, what="a team basis", names=zh_names)


_BASIS_ZH = {
    TeamBasis.SHARE: "达标比例",
    TeamBasis.MEAN: "人均时长",
    TeamBasis.TOTAL: "总时长",
}


def _basis(value: TeamBasis | str) -> TeamBasis:
    return TeamBasis.parse(value)


def _share(value: object) -> Fraction:
    """A share in (0, 1] as a Fraction; floats refused (bad argument)."""
    if isinstance(value, float):
        msg = (
            f"Expected a share as a Fraction or Decimal, got the float {value!r}; "
            "floats are inexact: pass Fraction(1, 10) or Decimal('0.1')."
        )
        raise TypeError(msg)
    if isinstance(value, bool) or not isinstance(value, int | Fraction | Decimal):
        msg = f"Expected a share as a Fraction or Decimal in (0, 1], got {value!r}."
        raise TypeError(msg)
    if isinstance(value, Decimal) and not value.is_finite():
        msg = f"Expected a share in (0, 1], got {value!r}."
        raise ValueError(msg)
    share = Fraction(value)
    if not 0 < share <= 1:
        msg = f"Expected a share in (0, 1], got {value!r}."
        raise ValueError(msg)
    return share


@attrs.frozen(kw_only=True)
class TeamStarRule:
    """How a volunteer team's (志愿服务队) star level follows its members' hours.

    There is no national rule for team stars, so this is local
    configuration.  The default, :data:`DEFAULT_TEAM_RULE`, is
    ``basis=SHARE, share=1/2``: a team has *k* stars when at least half of
    its members have at least *k* stars (of a team of 4, two members) —
    neither one tireless member nor a few idle ones decide it.

    Attributes:
        basis: :attr:`TeamBasis.SHARE` (default), :attr:`TeamBasis.MEAN`
            (mean hours per member, under the members' table) or
            :attr:`TeamBasis.TOTAL` (total hours, under a table of team
            hours that you pass as ``thresholds``).
        share: For ``SHARE``, the share of members, in (0, 1], that must
            reach a level (default 1/2).  A Fraction or Decimal; an int or
            Decimal is stored as a Fraction.

    Raises:
        TypeError: ``share`` is a float or not a number.
        ValueError: ``share`` is outside (0, 1].

    >>> from fractions import Fraction
    >>> rule = TeamStarRule(share=Fraction(2, 3))
    >>> rule.basis, rule.share
    (<TeamBasis.SHARE: 'share'>, Fraction(2, 3))
    """

    basis: TeamBasis = attrs.field(default=TeamBasis.SHARE, converter=_basis)
    share: Fraction = attrs.field(default=Fraction(1, 2), converter=_share)


DEFAULT_TEAM_RULE: Final = TeamStarRule()
"""At least half the members reach the level (local practice, configurable)."""


def team_star_level(
    member_hours: Mapping[str, ServiceHours] | Iterable[ServiceHours],
    thresholds: Sequence[ServiceHours] = NATIONAL,
    *,
    rule: TeamStarRule = DEFAULT_TEAM_RULE,
) -> int:
    """A team's star level (0–5) from its members' hours, under ``rule``.

    A team without members has 0 stars.

    Args:
        member_hours: The members' cumulative hours, as a mapping of member
            ids to hours or as an iterable of hours.
        thresholds: The star table: the members' table for ``SHARE`` and
            ``MEAN``, a table of team hours for ``TOTAL``.
        rule: How the level is computed (:data:`DEFAULT_TEAM_RULE`: at least
            half the members reach it).

    Raises:
        TypeError: An hours value is not a number, or ``rule`` is not a
            :class:`TeamStarRule`.
        ValueError: An hours value is negative, or the table is bad.

    >>> hours = {"m1": 120, "m2": 320, "m3": 700, "m4": 40}
    >>> team_star_level(hours)  # half the members have at least 2 stars
    2
    >>> team_star_level(hours, rule=TeamStarRule(basis="mean"))  # 295 h
    1
    >>> team_star_level(hours, (500, 1000, 2000, 4000, 8000),
    ...                 rule=TeamStarRule(basis="total"))  # 1180 h
    2
    """
    if not isinstance(rule, TeamStarRule):
        msg = f"Expected rule to be a TeamStarRule, got {rule!r}."
        raise TypeError(msg)
    table = check_thresholds(thresholds)
    values = (
        member_hours.values() if isinstance(member_hours, Mapping) else member_hours
    )
    hours = [_hours(v) for v in values]
    if not hours:
        return 0
    if rule.basis is TeamBasis.TOTAL:
        return bisect_right(table, sum(hours, Fraction(0)))
    if rule.basis is TeamBasis.MEAN:
        return bisect_right(table, sum(hours, Fraction(0)) / len(hours))
    # SHARE: the highest k such that at least share × n members have ≥ k stars.
    needed = math.ceil(rule.share * len(hours))
    levels = sorted((bisect_right(table, h) for h in hours), reverse=True)
    return levels[needed - 1]


def team_stars(
    hours_by_member: Mapping[str, ServiceHours],
    teams: Mapping[str, Iterable[str]],
    thresholds: Sequence[ServiceHours] = NATIONAL,
    *,
    rule: TeamStarRule = DEFAULT_TEAM_RULE,
) -> dict[str, int]:
    """Every team's star level, by team id (see :func:`team_star_level`).

    A member of a team who is missing from ``hours_by_member`` counts with
    0 hours.

    Args:
        hours_by_member: Each member's cumulative hours.
        teams: Each team's member ids.
        thresholds: The star table (see :func:`team_star_level`).
        rule: How a team's level is computed.

    Raises:
        ValidationError: Listing every member whose hours are not a
            number ≥ 0.

    >>> team_stars({"a": 150, "b": 350, "c": 10, "e": 20},
    ...            {"t1": ["a", "b", "c"], "t2": ["c", "d", "e"]})
    {'t1': 1, 't2': 0}
    """
    check_thresholds(thresholds)
    problems: list[Problem] = []
    for member, value in hours_by_member.items():
        try:
            _hours(value)
        except (TypeError, ValueError) as exc:
            problems.append(Problem(str(member), "hours", str(exc)))
    if problems:
        raise ValidationError(problems)
    return {
        team: team_star_level(
            [hours_by_member.get(m, 0) for m in members], thresholds, rule=rule
        )
        for team, members in teams.items()
    }


# --------------------------------------------------------------------------
# Annual honours
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Honour:
    """A member honoured in their community for the year (优秀党员义工 …).

    Attributes:
        member_id: The member.
        community_id: The community whose list it is.
        rank: Place in the community, 1 first; ties are already broken.
        points: The member's points for the year.
        hours: The member's service hours, when hours were given (the
            first tie-break).
        out_of: How many members the community ranked (its quota base).

    >>> Honour(member_id="m-1", community_id="c-1", rank=1, points=320,
    ...        hours=None, out_of=12).rank
    1
    """

    member_id: str
    community_id: str
    rank: int
    points: ExactScore
    hours: Fraction | None
    out_of: int


def _top_n(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"Expected top_n to be a whole number ≥ 1, got {value!r}."
        raise ValueError(msg)
    return value


def _communities(
    communities: MemberRegistry | Mapping[str, str],
) -> Mapping[str, str]:
    if isinstance(communities, MemberRegistry):
        return communities.community_map()
    if isinstance(communities, Mapping):
        return communities
    msg = (
        "Expected communities to be a MemberRegistry or a mapping of member ids "
        f"to community ids, got {communities!r}."
    )
    raise TypeError(msg)


def honours(
    points_by_member: Mapping[str, ExactScore],
    communities: MemberRegistry | Mapping[str, str],
    *,
    top_n: int | None = None,
    top_share: Fraction | Decimal | None = None,
    hours_by_member: Mapping[str, ServiceHours] | None = None,
) -> tuple[Honour, ...]:
    """The year's honours: the top members of each community by points.

    Each community ranks its members by points, highest first; ties are
    broken by service hours (more first, when ``hours_by_member`` is given;
    a member without hours counts 0), then by member id (in code-point
    order), so the result never depends on input order.  Only members with
    more than 0 points can be honoured.

    A community's members are everyone ``communities`` places in it;
    members missing from ``points_by_member`` have 0 points but count
    toward the quota base.  Give exactly one of:

    * ``top_n``: at most *n* members per community;
    * ``top_share``: at most ``floor(top_share × members)`` per community
      — the quota is a ceiling (评优比例不超过 …), so it rounds down: with
      ``top_share=Fraction(1, 10)`` a community of 25 honours 2, one of 9
      honours nobody.

    Args:
        points_by_member: Each member's points for the year (int or
            Decimal).
        communities: A :class:`~redcity.people.MemberRegistry`, or a mapping
            of member ids to community ids.
        top_n: Members honoured per community.
        top_share: Share of each community's members honoured, in (0, 1];
            a Fraction or Decimal (floats are refused as inexact).
        hours_by_member: Service hours, for the first tie-break.

    Returns:
        Frozen :class:`Honour` records ordered by community id, then rank.

    Raises:
        ValueError: Neither or both of ``top_n`` and ``top_share``, or
            either out of range.
        TypeError: ``top_share`` is a float.
        ValidationError: Listing every member with points that are not an
            int or Decimal, hours that are not a number ≥ 0, or no
            community.

    >>> points = {"a": 90, "b": 120, "c": 120, "d": 30, "e": 0}
    >>> where = {"a": "c1", "b": "c1", "c": "c1", "d": "c2", "e": "c2"}
    >>> [(h.community_id, h.rank, h.member_id)
    ...  for h in honours(points, where, top_n=2, hours_by_member={"c": 80})]
    [('c1', 1, 'c'), ('c1', 2, 'b'), ('c2', 1, 'd')]
    >>> from fractions import Fraction
    >>> [h.member_id for h in honours(points, where, top_share=Fraction(1, 2))]
    ['b', 'd']
    """
    if (top_n is None) == (top_share is None):
        msg = (
            "Expected exactly one of top_n and top_share, got "
            f"top_n={top_n!r} and top_share={top_share!r}."
        )
        raise ValueError(msg)
    n = _top_n(top_n) if top_n is not None else None
    share = _share(top_share) if top_share is not None else None
    where = _communities(communities)
    problems: list[Problem] = []
    for member, points in points_by_member.items():
        problem = exact_problem(points)
        if problem is not None:
            problems.append(
                Problem(
                    str(member), "points", f"Expected int or Decimal points, {problem}."
                )
            )
        if member not in where:
            problems.append(
                Problem(
                    str(member),
                    "community",
                    f"Member {member!r} has points but no community; register "
                    "them or leave them out.",
                )
            )
    hours: dict[str, Fraction] = {}
    for member, value in (hours_by_member or {}).items():
        try:
            hours[member] = _hours(value)
        except (TypeError, ValueError) as exc:
            problems.append(Problem(str(member), "hours", str(exc)))
    if problems:
        raise ValidationError(problems)

    base: dict[str, int] = {}
    for community in where.values():
        base[community] = base.get(community, 0) + 1
    ranked: dict[str, list[str]] = {}
    for member, points in points_by_member.items():
        if points > 0:
            ranked.setdefault(where[member], []).append(member)
    zero = Fraction(0)
    out: list[Honour] = []
    for community in sorted(ranked):
        members = ranked[community]
        members.sort(key=lambda m: (-points_by_member[m], -hours.get(m, zero), m))
        size = base[community]
        quota = n if share is None else math.floor(share * size)
        for rank, member in enumerate(members[:quota], 1):
            out.append(
                Honour(
                    member_id=member,
                    community_id=community,
                    rank=rank,
                    points=points_by_member[member],
                    hours=None if hours_by_member is None else hours.get(member, zero),
                    out_of=size,
                )
            )
    return tuple(out)
