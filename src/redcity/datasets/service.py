"""A synthetic year of volunteer service in 播州区, for the demo and the docs.

Everything here is made up from a fixed seed: members, their home
communities, and a year of facts — service records certified by their
organisers, micro-wishes, residents' ratings, 主题党日 attendance, a few
deductions, redemptions at merchants and corrections (reversals).  Shapes
follow the practice the seed article describes (weekend service, a few
hours at a time, monthly 主题党日 for party members); no figure here is a
published one.

>>> from redcity.datasets import bozhou_service_year
>>> year = bozhou_service_year(members=50)
>>> len(year.members), year.facts[0].kind.value in {"service", "attendance",
...     "micro_wish", "rating", "registration", "deduction", "redemption",
...     "reversal"}
(50, True)
>>> year.facts == bozhou_service_year(members=50).facts   # reproducible
True
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs

from redcity.datasets.zunyi import BOZHOU, zunyi
from redcity.grid import Level
from redcity.points.facts import (
    Attendance,
    Deduction,
    Fact,
    MicroWish,
    Rating,
    Redemption,
    Registration,
    Reversal,
    ServiceRecord,
)

__all__ = ["SERVICE_CATEGORIES", "ServiceMember", "ServiceYear", "bozhou_service_year"]

SERVICE_CATEGORIES = (
    "助老助残",
    "环境整治",
    "文明劝导",
    "邻里互助",
    "助学支教",
    "平安巡防",
)
"""The activity categories of the synthetic year."""

_SHANGHAI = ZoneInfo("Asia/Shanghai")


@attrs.frozen(kw_only=True)
class ServiceMember:
    """A member of the synthetic year.

    Attributes:
        id: The member id (``"bz-m0001"`` …).
        community_id: The community registered with (双报到).
        employer_id: The employer unit, for in-service party members.
        party_member: Whether the member is a party member.
    """

    id: str
    community_id: str
    employer_id: str | None
    party_member: bool


@attrs.frozen(kw_only=True)
class ServiceYear:
    """Members and a year of their facts, in time order.

    Attributes:
        year: The calendar year.
        members: The members.
        facts: Every fact of the year, sorted by time then id.
    """

    year: int
    members: tuple[ServiceMember, ...]
    facts: tuple[Fact, ...]


@functools.cache
def bozhou_service_year(
    year: int = 2026, *, members: int = 2000, seed: int = 2026
) -> ServiceYear:
    """A reproducible synthetic year of service in 播州区 (cached per arguments).

    Args:
        year: The calendar year.
        members: How many members (volunteers and party members).
        seed: The random seed.

    Every member lives in a community of 播州区 and serves in that
    community's grids; about 40 % are in-service party members registered
    with their community (双报到).
    """
    if members < 1:
        msg = f"Expected at least one member, got {members!r}."
        raise ValueError(msg)
    tree = zunyi()
    rng = random.Random(seed)
    communities = [c for c in tree.nodes(Level.COMMUNITY) if tree.contains(BOZHOU, c)]
    grids_of = {
        c: [g for g in tree.descendants(c) if tree.level(g) is Level.GRID]
        for c in communities
    }
    people = []
    for k in range(1, members + 1):
        party = rng.random() < 0.4
        people.append(
            ServiceMember(
                id=f"bz-m{k:04d}",
                community_id=rng.choice(communities),
                employer_id=f"unit-{rng.randrange(1, 80):02d}" if party else None,
                party_member=party,
            )
        )

    facts: list[Fact] = []
    serial = 0

    def next_id(prefix: str) -> str:
        nonlocal serial
        serial += 1
        return f"{year}-{prefix}{serial:07d}"

    start = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - start).days
    for member in people:
        grids = grids_of[member.community_id]
        organizer = f"org-{member.community_id}"
        if member.employer_id is not None:
            facts.append(
                Registration(
                    id=next_id("reg"),
                    at=_at(start + timedelta(days=rng.randrange(0, 60)), 10, 0),
                    member_id=member.id,
                    node_id=member.community_id,
                    employer_id=member.employer_id,
                )
            )
            for month in range(1, 13):  # 主题党日, most months
                if rng.random() < 0.85:
                    facts.append(
                        Attendance(
                            id=next_id("att"),
                            at=_at(date(year, month, rng.randrange(1, 28)), 15, 0),
                            member_id=member.id,
                            node_id=member.community_id,
                            meeting="主题党日",
                            organizer_id=organizer,
                        )
                    )
        activity = rng.choice((2, 6, 12, 24, 40))  # services a year: light to keen
        for _ in range(rng.randrange(activity // 2, activity + 1)):
            day = start + timedelta(days=rng.randrange(days))
            if day.weekday() < 5 and rng.random() < 0.6:  # mostly weekends
                day += timedelta(days=5 - day.weekday())
                if day.year != year:
                    day -= timedelta(days=7)
            begin = _at(day, rng.choice((8, 9, 14, 15)), rng.choice((0, 30)))
            length = timedelta(minutes=rng.choice((60, 90, 120, 150, 180, 240)))
            facts.append(
                ServiceRecord(
                    id=next_id("svc"),
                    at=begin,
                    end=begin + length,
                    member_id=member.id,
                    node_id=rng.choice(grids),
                    category=rng.choice(SERVICE_CATEGORIES),
                    organizer_id=organizer,
                )
            )
            if rng.random() < 0.15:
                wish = next_id("wish")
                facts.append(
                    MicroWish(
                        id=wish,
                        at=begin + length,
                        member_id=member.id,
                        node_id=facts[-1].node_id,
                        wish_id=f"w-{wish}",
                        description="为独居老人更换灯泡",
                    )
                )
                facts.append(
                    Rating(
                        id=next_id("rate"),
                        at=begin + length + timedelta(hours=2),
                        member_id=member.id,
                        node_id=facts[-1].node_id,
                        score=rng.choice((3, 4, 5, 5, 5)),
                        ticket_id=f"w-{wish}",
                    )
                )
    _sprinkle_corrections(facts, rng, next_id)
    facts.sort(key=lambda f: (f.at, f.id))
    return ServiceYear(year=year, members=tuple(people), facts=tuple(facts))


def _sprinkle_corrections(
    facts: list[Fact], rng: random.Random, next_id: Callable[[str], str]
) -> None:
    """A few reversals, deductions and redemptions, as a real year has.

    Each follows a service of the year and is dropped if it would fall in
    the next year.
    """
    year = facts[0].at.year if facts else 0
    extra: list[Fact] = []
    services = [f for f in facts if isinstance(f, ServiceRecord)]
    for fact in rng.sample(services, k=len(services) // 200):
        extra.append(
            Reversal(
                id=next_id("rev"),
                at=fact.end + timedelta(days=1),
                member_id=fact.member_id,
                node_id=fact.node_id,
                reverses=fact.id,
                reason="组织方核实：该次服务登记重复。",
            )
        )
    for fact in rng.sample(services, k=len(services) // 300):
        extra.append(
            Deduction(
                id=next_id("ded"),
                at=fact.end + timedelta(days=2),
                member_id=fact.member_id,
                node_id=fact.node_id,
                points=5,
                reason="报名后无故缺席活动。",
            )
        )
    for fact in rng.sample(services, k=len(services) // 20):
        extra.append(
            Redemption(
                id=next_id("red"),
                at=fact.end + timedelta(days=rng.randrange(7, 40)),
                member_id=fact.member_id,
                node_id=fact.node_id,
                points=rng.choice((5, 10, 20)),
                merchant_id=f"shop-{rng.randrange(1, 12):02d}",
                item=rng.choice(("大米", "食用油", "洗衣液", "理发券")),
            )
        )
    facts.extend(f for f in extra if f.at.year == year)


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=_SHANGHAI)
