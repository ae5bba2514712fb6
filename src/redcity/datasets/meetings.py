"""Two meetings from the seed article, replayed, and a year of topics.

The seed article tells of two meetings; :func:`xingmao_three_party` and
:func:`longquan_council` replay them on the :func:`~redcity.datasets.zunyi`
sample, built only through the public :class:`~redcity.meetings.Meeting`
API (plan → notify → hold → vote → resolve → assign → approve → close), and
:func:`seed_meetings` returns both.  :func:`seed_topics` makes a year of
topics (议题) for 播州区's monthly closed loop
(:func:`~redcity.meetings.cycle.closed_loop`), the two meetings' topics
among them.

* **兴茂小区's first three-party meeting** (三方共议会, convened by the
  community party organisation): residents asked for a leisure space; the
  residents' committee, the owners' committee and the property company
  resolved to put 6 ping-pong tables, 2 badminton courts and 12 benches in
  the central plaza.  That changes the use of common parts (民法典 第二百七十八条
  第一款第八项), so the resolution waits for an owners' decision, which then
  passes with the special majority over an invented estate
  (:func:`xingmao_estate`); the facilities are bought and installed,
  residents are told, and the meeting is closed.
* **龙泉小区's 红色议事会** on flying-wire e-bike charging (飞线充电): a
  building reported the hazard (安全隐患); the council resolved to build
  centralised charging points, remove the flying wires and publicise safe
  charging; the actions, due in working days on
  :meth:`WorkCalendar.china() <redcity.calendars.WorkCalendar.china>` across
  the May Day holiday, are followed to closure with feedback.

What is real and what is made up: the compounds 兴茂 and 龙泉 and the
community names are the seed article's; where they sit is the sample's
(:data:`~redcity.datasets.XINGMAO` lies in 播州区's 南社区,
:data:`~redcity.datasets.LONGQUAN` in 红花岗区's 火车站社区, whose 红色议事会
the article reports; organisation names follow the tree).  Everything
else is invented: people carry generic names (王某, 李某 …) and no
personal numbers, the estate's units, areas and ballots are drawn from a
fixed seed, and all dates are in 2026.  Every call returns the same records.

>>> from redcity.datasets import seed_meetings
>>> xm, lq = seed_meetings()
>>> xm.meeting.title, xm.meeting.state.zh
('兴茂小区第一次三方共议会', '已闭环')
>>> lq.meeting.kind.zh, len(lq.meeting.actions), lq.meeting.open_actions
('红色议事会', 4, ())
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs
import pendulum

from redcity.calendars import WorkCalendar
from redcity.datasets.zunyi import BOZHOU, LONGQUAN, XINGMAO, zunyi
from redcity.grid import GridTree, Level
from redcity.meetings import (
    AgendaItem,
    Attendee,
    Matter,
    Meeting,
    OwnersDecision,
    Party,
    Unit,
    cross_appointment,
    owners_decision,
    voting_roll,
)
from redcity.meetings.cycle import Topic
from redcity.people import Membership, Organization, Person

__all__ = [
    "LONGQUAN_MEETING",
    "XINGMAO_MEETING",
    "SeedMeeting",
    "longquan_council",
    "seed_meetings",
    "seed_topics",
    "xingmao_estate",
    "xingmao_three_party",
]

XINGMAO_MEETING: Final = "mt-xingmao-2026-1"
"""The id of 兴茂小区's first three-party meeting."""
LONGQUAN_MEETING: Final = "mt-longquan-2026-1"
"""The id of 龙泉小区's 红色议事会 on flying-wire charging."""

_TZ: Final = "Asia/Shanghai"
_SEED: Final = 2026


def _at(month: int, day: int, hour: int = 9, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, month, day, hour, minute, tz=_TZ)


@attrs.frozen(kw_only=True)
class SeedMeeting:
    """A replayed meeting with the people and organisations around it.

    Attributes:
        meeting: The meeting record, closed.
        organizations: The convener and the voting parties.
        persons: Everyone the record names (generic names, no numbers).
        memberships: Their memberships, cross-appointments (交叉任职)
            included; people who appear in the record, not every member.
        topic: The meeting's topic in the monthly closed loop
            (:class:`~redcity.meetings.cycle.Topic`), resolved and fed back.
        units: The estate an owners' decision counted (empty if none).
        ballots: The owners' ballots, ``{owner: "yes" | "no" | "abstain"}``,
            the developer's under ``None`` (empty if none).
        owners_decision: The owners' decision attached to the resolution on
            a 民法典 278 matter, or ``None``.
    """

    meeting: Meeting
    organizations: tuple[Organization, ...]
    persons: tuple[Person, ...]
    memberships: tuple[Membership, ...]
    topic: Topic
    units: tuple[Unit, ...] = ()
    ballots: Mapping[str | None, str] = attrs.field(factory=dict)
    owners_decision: OwnersDecision | None = None

    @property
    def names(self) -> dict[str, str]:
        """Person and organisation id → name, for the minutes' ``names``.

        >>> names = xingmao_three_party().names
        >>> names["p-xm-01"], names["o-xm-dw"]
        ('王某', '南社区党委')
        """
        return {
            **{o.id: o.name for o in self.organizations},
            **{p.id: p.name for p in self.persons},
        }


def _community(tree: GridTree, compound: str) -> tuple[str, str]:
    community = tree.ancestor(compound, Level.COMMUNITY)
    assert community is not None  # every compound of the sample has one
    return community, tree[community].name


def _buildings(tree: GridTree, compound: str) -> list[str]:
    return [n for n in tree.descendants(compound) if tree.level(n) is Level.BUILDING]


# --------------------------------------------------------------------------
# 兴茂小区: the estate and the owners' ballots
# --------------------------------------------------------------------------


@functools.cache
def xingmao_estate() -> tuple[Unit, ...]:
    """兴茂小区's units (专有部分): an invented register, one unit per household.

    Buildings are numbered 1栋 … in the sample's order, four flats a floor
    (``"5栋-1203"`` is building 5, floor 12, flat 3); areas are 58–142 m²
    with two decimals.  The developer (建设单位) still holds 24 unsold units
    (``owner=None``: all of them count as one person); 36 buyers hold two
    flats and one holds three (each counts as one person, 司法解释 第九条).
    Owners are opaque ids (``"XM-0001"`` …), not names.

    >>> units = xingmao_estate()
    >>> len(units), sum(u.owner is None for u in units), units[0].id
    (1183, 24, '1栋-0101')
    >>> len({u.owner for u in units})  # persons: 1 developer + buyers
    1122
    """
    tree = zunyi()
    rng = random.Random(_SEED)
    ids: list[str] = []
    for number, building in enumerate(_buildings(tree, XINGMAO), 1):
        for k in range(tree[building].households or 0):
            floor, flat = divmod(k, 4)
            ids.append(f"{number}栋-{floor + 1:02d}{flat + 1:02d}")
    areas = [Decimal(rng.randint(5800, 14200)) / 100 for _ in ids]
    owners: list[str | None] = [f"XM-{i:04d}" for i in range(1, len(ids) + 1)]
    picked = rng.sample(range(len(ids)), 24 + 36 * 2 + 3)
    for i in picked[:24]:  # unsold: the developer's
        owners[i] = None
    rest = picked[24:]
    for j in range(36):  # a buyer of two flats
        owners[rest[2 * j + 1]] = owners[rest[2 * j]]
    triple = rest[72:]  # one buyer of three flats
    for i in triple[1:]:
        owners[i] = owners[triple[0]]
    return tuple(
        Unit(uid, area, owner)
        for uid, area, owner in zip(ids, areas, owners, strict=True)
    )


def _xingmao_ballots(units: tuple[Unit, ...]) -> dict[str | None, str]:
    rng = random.Random(_SEED + 278)
    persons = sorted({u.owner for u in units}, key=lambda o: (o is not None, o or ""))
    ballots: dict[str | None, str] = {}
    for owner in persons:
        if owner is None:
            ballots[None] = "abstain"  # the developer takes part, does not approve
            continue
        if rng.random() < 0.86:  # takes part (written ballot, 书面征求意见)
            r = rng.random()
            ballots[owner] = "yes" if r < 0.87 else "no" if r < 0.96 else "abstain"
    return ballots


# --------------------------------------------------------------------------
# 兴茂小区's first three-party meeting
# --------------------------------------------------------------------------

_XM_PEOPLE: Final = (
    ("p-xm-01", "王某"),  # 社区党委书记, 居委会主任 (一肩挑)
    ("p-xm-02", "陈某"),  # 居委会副主任, 兼任业委会委员 (交叉任职)
    ("p-xm-03", "刘某"),  # 居委会委员, 物业助理 (交叉任职)
    ("p-xm-04", "杨某"),  # 居委会委员
    ("p-xm-05", "黄某"),  # 居委会委员
    ("p-xm-06", "赵某"),  # 业委会主任
    ("p-xm-07", "周某"),  # 业委会副主任
    ("p-xm-08", "吴某"),  # 业委会委员, 义务监督员 (交叉任职)
    ("p-xm-09", "徐某"),  # 业委会委员
    ("p-xm-10", "李某"),  # 物业项目经理, 社区党委特邀委员 (交叉任职)
    ("p-xm-11", "郑某"),  # 物业客服主管
)


def _xingmao_people(
    community: str, community_name: str
) -> tuple[tuple[Organization, ...], tuple[Membership, ...]]:
    dw = Organization(
        id="o-xm-dw",
        name=f"{community_name}党委",
        classification="社区党组织",
        node_id=community,
    )
    jwh = Organization(
        id="o-xm-jwh",
        name=f"{community_name}居民委员会",
        classification="居委会",
        node_id=community,
    )
    ywh = Organization(
        id="o-xm-ywh",
        name="兴茂小区业主委员会",
        classification="业委会",
        node_id=XINGMAO,
    )
    wy = Organization(
        id="o-xm-wy",
        name="兴茂小区物业服务中心",
        classification="物业服务企业",
        node_id=XINGMAO,
    )
    rows = (
        ("p-xm-01", dw, "党委书记", None),
        ("p-xm-01", jwh, "主任", None),
        ("p-xm-02", jwh, "副主任", None),
        # 兼任业委会委员 on behalf of the 居委会: votes for the 居委会 only.
        ("p-xm-02", ywh, "委员", jwh.id),
        ("p-xm-03", jwh, "委员", None),
        ("p-xm-04", jwh, "委员", None),
        ("p-xm-05", jwh, "委员", None),
        ("p-xm-06", ywh, "主任", None),
        ("p-xm-07", ywh, "副主任", None),
        ("p-xm-08", ywh, "委员", None),
        ("p-xm-09", ywh, "委员", None),
        ("p-xm-10", wy, "项目经理", None),
        ("p-xm-11", wy, "客服主管", None),
    )
    memberships = [
        Membership(
            id=f"ms-xm-{k:02d}",
            person_id=person,
            organization_id=org.id,
            role=role,
            on_behalf_of_id=behalf,
            node_id=org.node_id,
        )
        for k, (person, org, role, behalf) in enumerate(rows, 1)
    ]
    memberships += [
        # 红色物业: the property company's head as the party committee's 特邀委员,
        cross_appointment(
            id="x-xm-1", post="特邀委员", person_id="p-xm-10", host=dw, home=wy
        ),
        # a residents' committee member as the property company's 物业助理,
        cross_appointment(
            id="x-xm-2", post="物业助理", person_id="p-xm-03", host=wy, home=jwh
        ),
        # and an owners' committee member as a 义务监督员 of the property service.
        cross_appointment(
            id="x-xm-3", post="义务监督员", person_id="p-xm-08", host=wy, home=ywh
        ),
    ]
    return (dw, jwh, ywh, wy), tuple(memberships)


@functools.cache
def xingmao_three_party() -> SeedMeeting:
    """兴茂小区's first three-party meeting (三方共议会), replayed to closure.

    The community party committee convenes the residents' committee, the
    owners' committee and the property company (the voting parties, each
    with its whole committee on the roll from :func:`~redcity.meetings.voting_roll`).
    Three people hold two posts (交叉任职) and are on the roll once: 陈某
    (居委会 and 业委会, votes for the 居委会), 刘某 (居委会 member and the
    property company's 物业助理) and 李某 (the property company's manager and
    the party committee's 特邀委员).

    Held on Friday 13 March 2026; the motion passes by per-party consent;
    the resolution is on 民法典 278 (八) and waits for the owners, who
    decide in writing by 10 April over :func:`xingmao_estate` (3/4 of the
    participating area and owners needed; the developer abstains); the
    facilities are bought and installed, residents told, and the meeting
    closed on 11 May.

    >>> xm = xingmao_three_party()
    >>> r = xm.meeting.resolutions[0]
    >>> r.matter.item, r.needs_owners_decision, r.owners_decisions[0].passed
    ('(八)', False, True)
    >>> d = xm.owners_decision
    >>> d.threshold, d.quorum_met, d.passed
    (Fraction(3, 4), True, True)
    >>> [(p.party, p.members, p.present, p.yes) for p in r.tally]
    [('o-xm-jwh', 5, 3, 3), ('o-xm-ywh', 4, 4, 3), ('o-xm-wy', 2, 2, 2)]
    """
    tree = zunyi()
    community, community_name = _community(tree, XINGMAO)
    orgs, memberships = _xingmao_people(community, community_name)
    dw, jwh, ywh, wy = orgs
    names = dict(_XM_PEOPLE)
    parties = [Party.from_organization(o) for o in (jwh, ywh, wy)]
    roll = voting_roll(parties, memberships, names=names)
    plaza = AgendaItem(
        id="i1",
        topic="居民希望增设休闲空间：中心广场增设休闲运动设施",
        source="居民提议",
        affair="实事",
        matter=Matter.CHANGE_COMMON_USE,
    )
    m = Meeting.plan(
        id=XINGMAO_MEETING,
        kind="三方共议会",
        title="兴茂小区第一次三方共议会",
        node_id=XINGMAO,
        venue="兴茂小区红色议事亭",
        convened_by=dw.id,
        planned_for=_at(3, 13, 19),
        parties=parties,
        roll=roll,
        agenda=[plaza],
    )
    m = m.notify(at=_at(3, 6))

    def present(person: str, org: Organization, **kw: str) -> Attendee:
        return Attendee(
            person_id=person, organization_id=org.id, name=names[person], **kw
        )

    m = m.hold(
        at=_at(3, 13, 19),
        attendance=[
            present("p-xm-01", jwh),
            # 陈某 sits on the 业委会 too but attends for the 居委会 (交叉任职).
            present("p-xm-02", ywh, on_behalf_of_id=jwh.id),
            present("p-xm-03", jwh),
            present("p-xm-06", ywh),
            present("p-xm-07", ywh),
            present("p-xm-08", ywh),
            # 徐某 could not come and gave 周某 a written proxy (委托).
            Attendee(
                person_id="p-xm-07", organization_id=ywh.id, proxy_granted_by="p-xm-09"
            ),
            present("p-xm-10", wy),
            present("p-xm-11", wy),
        ],
    )
    m = m.move(
        id="mo1",
        item_id="i1",
        text="在小区中心广场设置乒乓球台6张、羽毛球场2片、休闲座椅12张",
        proposed_by="p-xm-01",
    )
    for person in ("p-xm-01", "p-xm-02", "p-xm-03", "p-xm-06", "p-xm-07"):
        m = m.vote("mo1", person, "赞成")
    m = m.vote("mo1", "p-xm-09", "赞成", by="p-xm-07")
    m = m.vote("mo1", "p-xm-08", "弃权")
    m = m.vote("mo1", "p-xm-10", "赞成").vote("mo1", "p-xm-11", "赞成")
    m = m.resolve(
        "mo1",
        id="r1",
        text="中心广场设置乒乓球台6张、羽毛球场2片、休闲座椅12张，经业主共同决定后实施",
    )
    m = m.assign(
        id="a1",
        title="书面征求业主意见，组织业主共同决定",
        organization_id=ywh.id,
        person_id="p-xm-06",
        due_in=20,
        item_id="i1",
    )
    m = m.assign(
        id="a2",
        title="采购乒乓球台6张、羽毛球场设施2套、休闲座椅12张",
        organization_id=wy.id,
        person_id="p-xm-10",
        due_in=30,
        resolution_id="r1",
        item_id="i1",
    )
    m = m.assign(
        id="a3",
        title="中心广场场地改造、安装并验收",
        organization_id=wy.id,
        person_id="p-xm-11",
        due_in=40,
        resolution_id="r1",
        item_id="i1",
    )
    m = m.approve_minutes(at=_at(3, 16, 10), by="p-xm-01")
    m = m.publish(at=_at(3, 16, 10))
    m = m.give_feedback(
        id="f1",
        at=_at(3, 16, 11),
        text="三方共议会决议已公示；3月17日起书面征求业主意见。",
        item_id="i1",
        channel="小区公告栏",
    )

    units = xingmao_estate()
    ballots = _xingmao_ballots(units)
    decision = owners_decision(Matter.CHANGE_COMMON_USE, units, ballots)
    m = m.attach_owners_decision(
        "r1",
        decision,
        at=_at(4, 10, 18),
        reference="兴茂小区业主共同决定（书面征求意见，2026年3月17日至4月10日）",
    )
    m = m.complete_action(
        "a1",
        at=_at(4, 10, 18, 30),
        feedback="业主共同决定通过（参与表决面积和人数均达三分之二以上，同意均达四分之三以上），结果已公示。",
    )
    m = m.complete_action(
        "a2", at=_at(4, 24, 17), feedback="设施已按决议数量采购到货。"
    )
    m = m.complete_action(
        "a3", at=_at(5, 8, 17), feedback="中心广场改造完成，设施安装验收合格。"
    )
    m = m.give_feedback(
        id="f2",
        at=_at(5, 8, 18),
        text="中心广场乒乓球台6张、羽毛球场2片、休闲座椅12张已投入使用。",
        item_id="i1",
        channel="小区微信群",
    )
    m = m.close(at=_at(5, 11, 10))

    topic = (
        Topic(
            id="tp-xingmao-leisure",
            node_id=XINGMAO,
            collected_at=_at(3, 2, 9, 30),
            title="兴茂小区居民希望增设休闲空间",
            source="居民提议",
            affair="实事",
        )
        .take_up(XINGMAO_MEETING)
        .resolve(_at(5, 8, 17))
        .feed_back(_at(5, 8, 18))
    )
    persons = tuple(Person(id=pid, name=name) for pid, name in _XM_PEOPLE)
    return SeedMeeting(
        meeting=m,
        organizations=orgs,
        persons=persons,
        memberships=memberships,
        topic=topic,
        units=units,
        ballots=ballots,
        owners_decision=decision,
    )


# --------------------------------------------------------------------------
# 龙泉小区's 红色议事会 on flying-wire charging
# --------------------------------------------------------------------------

_LQ_PEOPLE: Final = (
    ("p-lq-01", "张某"),  # 社区党委书记, chairs
    ("p-lq-02", "林某"),  # 社区党委委员, 网格党支部书记
    ("p-lq-03", "何某"),  # 居委会委员, 网格员
    ("p-lq-04", "郭某"),  # 楼栋长 of the reporting building
    ("p-lq-05", "马某"),  # 业委会主任
    ("p-lq-06", "罗某"),  # 业委会委员
    ("p-lq-07", "高某"),  # 物业项目经理, 社区党委特邀委员 (交叉任职)
    ("p-lq-08", "胡某"),  # 物业安全主管
)


@functools.cache
def longquan_council() -> SeedMeeting:
    """龙泉小区's 红色议事会 on flying-wire e-bike charging, followed to closure.

    A building's 楼栋长 reports flying wires (飞线充电) on 20 April 2026;
    the community party committee convenes the council on Thursday 23
    April with the residents' committee, the owners' committee and the
    property company; it resolves by simple majority to build centralised
    charging points, remove every flying wire and publicise safe charging.
    Four actions are due in 3, 5, 15 and 20 working days on
    :meth:`WorkCalendar.china() <redcity.calendars.WorkCalendar.china>` —
    the May Day holiday (1–5 May) does not count, the make-up Saturday
    (9 May) does — and all are done on time, with feedback to residents.

    >>> lq = longquan_council()
    >>> [a.due.date().isoformat() for a in lq.meeting.actions]
    ['2026-04-28', '2026-04-30', '2026-05-18', '2026-05-25']
    >>> all(not a.overdue(a.done_at) for a in lq.meeting.actions)
    True
    >>> lq.topic.days_to_resolve()
    25
    """
    tree = zunyi()
    community, community_name = _community(tree, LONGQUAN)
    dw = Organization(
        id="o-lq-dw",
        name=f"{community_name}党委",
        classification="社区党组织",
        node_id=community,
    )
    jwh = Organization(
        id="o-lq-jwh",
        name=f"{community_name}居民委员会",
        classification="居委会",
        node_id=community,
    )
    ywh = Organization(
        id="o-lq-ywh",
        name="龙泉小区业主委员会",
        classification="业委会",
        node_id=LONGQUAN,
    )
    wy = Organization(
        id="o-lq-wy",
        name="龙泉小区物业服务中心",
        classification="物业服务企业",
        node_id=LONGQUAN,
    )
    building = _buildings(tree, LONGQUAN)[2]
    rows = (
        ("p-lq-01", dw, "党委书记"),
        ("p-lq-02", dw, "党委委员"),
        ("p-lq-03", jwh, "委员"),
        ("p-lq-04", jwh, "楼栋长"),
        ("p-lq-05", ywh, "主任"),
        ("p-lq-06", ywh, "委员"),
        ("p-lq-07", wy, "项目经理"),
        ("p-lq-08", wy, "安全主管"),
    )
    memberships = (
        *(
            Membership(
                id=f"ms-lq-{k:02d}",
                person_id=person,
                organization_id=org.id,
                role=role,
                node_id=building if role == "楼栋长" else org.node_id,
            )
            for k, (person, org, role) in enumerate(rows, 1)
        ),
        cross_appointment(
            id="x-lq-1", post="特邀委员", person_id="p-lq-07", host=dw, home=wy
        ),
    )
    names = dict(_LQ_PEOPLE)
    parties = [Party.from_organization(o) for o in (dw, jwh, ywh, wy)]
    roll = voting_roll(parties, memberships, names=names)
    item = AgendaItem(
        id="i1",
        topic="龙泉小区飞线充电安全隐患整治",
        source="楼栋上报",
        source_ref=building,
        affair="急事",
    )
    m = Meeting.plan(
        id=LONGQUAN_MEETING,
        kind="红色议事会",
        title="龙泉小区红色议事会：飞线充电整治",
        node_id=LONGQUAN,
        venue="龙泉小区红色议事厅",
        convened_by=dw.id,
        planned_for=_at(4, 23, 15),
        parties=parties,
        roll=roll,
        agenda=[item],
    )
    m = m.notify(at=_at(4, 21))
    home = {person: org.id for person, org, _ in rows}
    m = m.hold(
        at=_at(4, 23, 15),
        attendance=[
            Attendee(person_id=p, organization_id=home[p], name=n)
            for p, n in _LQ_PEOPLE
        ],
    )
    m = m.move(
        id="mo1",
        item_id="i1",
        text="设置集中充电点3处（60个充电口），拆除全部飞线，禁止入户充电，开展安全充电宣传",
        proposed_by="p-lq-01",
    )
    for person, _ in _LQ_PEOPLE:
        m = m.vote("mo1", person, "赞成")
    m = m.resolve(
        "mo1",
        id="r1",
        text="设置集中充电点3处（60个充电口），拆除飞线，入户宣传安全充电",
    )
    cal = WorkCalendar.china()
    for aid, title, org, person, days in (
        ("a1", "拆除楼道及窗口飞线，清理楼道内充电车辆", wy, "p-lq-08", 3),
        ("a2", "入户宣传安全充电，张贴告知书", jwh, "p-lq-03", 5),
        ("a3", "建成集中充电点3处并投入使用", wy, "p-lq-07", 15),
        ("a4", "复查飞线清零情况，向居民反馈", dw, "p-lq-02", 20),
    ):
        m = m.assign(
            id=aid,
            title=title,
            organization_id=org.id,
            person_id=person,
            due_in=days,
            calendar=cal,
            resolution_id="r1",
            item_id="i1",
        )
    m = m.approve_minutes(at=_at(4, 24, 10), by="p-lq-01")
    m = m.publish(at=_at(4, 24, 10))
    m = m.give_feedback(
        id="f1",
        at=_at(4, 24, 11),
        text="议事会决议已在各楼栋公示：集中充电点建成前，请勿飞线充电。",
        item_id="i1",
        channel="楼栋公告栏",
    )
    for aid, done, note in (
        ("a1", _at(4, 27, 17), "拆除飞线42处，清理楼道充电车辆17辆。"),
        ("a2", _at(4, 29, 16), "入户宣传386户，张贴告知书56处。"),
        ("a3", _at(5, 15, 17), "集中充电点3处（60个充电口）建成投用。"),
        ("a4", _at(5, 20, 10), "复查飞线清零，结果已在小区微信群反馈。"),
    ):
        m = m.complete_action(aid, at=done, feedback=note)
    m = m.give_feedback(
        id="f2",
        at=_at(5, 20, 10, 30),
        text="集中充电点已投用，小区飞线已清零，感谢居民支持。",
        item_id="i1",
        channel="小区微信群",
    )
    m = m.close(at=_at(5, 20, 17))

    topic = (
        Topic(
            id="tp-longquan-wires",
            node_id=building,
            collected_at=_at(4, 20, 10),
            title="龙泉小区飞线充电安全隐患",
            source="楼栋上报",
            source_ref=building,
            affair="急事",
        )
        .take_up(LONGQUAN_MEETING)
        .resolve(_at(5, 15, 17))
        .feed_back(_at(5, 20, 10, 30))
    )
    return SeedMeeting(
        meeting=m,
        organizations=(dw, jwh, ywh, wy),
        persons=tuple(Person(id=pid, name=name) for pid, name in _LQ_PEOPLE),
        memberships=memberships,
        topic=topic,
    )


def seed_meetings() -> tuple[SeedMeeting, SeedMeeting]:
    """Both replayed meetings: 兴茂小区's three-party meeting, 龙泉小区's council.

    >>> [s.meeting.id for s in seed_meetings()]
    ['mt-xingmao-2026-1', 'mt-longquan-2026-1']
    """
    return xingmao_three_party(), longquan_council()


# --------------------------------------------------------------------------
# A year of topics for the monthly closed loop
# --------------------------------------------------------------------------

# (title, 五事联办 kind); days to resolve drawn per kind below.
_TITLES: Final = (
    ("楼道堆物清理", "实事"),
    ("路灯不亮", "急事"),
    ("化粪池堵塞", "急事"),
    ("电梯故障", "急事"),
    ("停车秩序整治", "难事"),
    ("飞线充电整治", "急事"),
    ("垃圾分类点位调整", "实事"),
    ("广场舞噪音扰民", "难事"),
    ("二次供水水质", "要事"),
    ("绿化补植", "实事"),
    ("屋面渗漏维修", "难事"),
    ("消防通道占用", "急事"),
    ("单元门禁更换", "实事"),
    ("健身器材维修", "实事"),
    ("老旧小区改造意见征集", "大事"),
    ("物业服务质量", "要事"),
    ("外墙瓷砖脱落", "急事"),
    ("适老化改造", "大事"),
    ("流浪犬管理", "实事"),
    ("雨污管网疏通", "难事"),
)
# Days to resolve: (low, mode, high) of a triangular draw, per 五事联办 kind.
_DAYS: Final = {
    "急事": (0, 1, 10),
    "实事": (2, 8, 40),
    "要事": (5, 15, 60),
    "难事": (10, 30, 120),
    "大事": (20, 45, 150),
}
_SOURCES: Final = (
    ("网格上报", 0.35),
    ("居民提议", 0.25),
    ("楼栋上报", 0.2),
    ("工单", 0.15),
    ("党组织提出", 0.05),
)


@functools.cache
def seed_topics(year: int = 2026, *, seed: int = _SEED) -> tuple[Topic, ...]:
    """A year of topics (议题) in 播州区's 27 communities, for the closed loop.

    Each community collects two to six topics a month on its grids,
    compounds and buildings; a topic is resolved after a number of days
    that depends on its 五事联办 kind (急事 within days, 大事 over months)
    and usually fed back to residents within a few days; what is not done
    by the end of the year stays open (the data's cut-off).  大事, 要事 and
    难事 are settled at the street's monthly joint meeting
    (``"lx-<street>-<YYYY-MM>"``); the others are handled directly.  In
    2026 the topic of 兴茂's meeting is included (龙泉's lies in 红花岗区).  Cached per
    arguments; the same arguments give the same topics.

    Args:
        year: The calendar year.
        seed: The random seed.

    Returns:
        The topics, sorted by collection time, then id.

    >>> from redcity.datasets import zunyi
    >>> from redcity.meetings.cycle import closed_loop
    >>> topics = seed_topics()
    >>> len(topics), topics == seed_topics()
    (1288, True)
    >>> f = closed_loop(topics, zunyi(), "2026", levels=["区"]).area("520304")
    >>> f.collected, f.resolved, f.with_feedback, f.carried_over
    (1288, 1193, 1096, 95)
    """
    tree = zunyi()
    rng = random.Random(seed)
    zone = pendulum.timezone(_TZ)
    cutoff = pendulum.datetime(year + 1, 1, 1, tz=_TZ)
    communities = [c for c in tree.nodes(Level.COMMUNITY) if tree.contains(BOZHOU, c)]
    sources = [s for s, _ in _SOURCES]
    weights = [w for _, w in _SOURCES]
    topics: list[Topic] = []
    n = 0
    for month in range(1, 13):
        first = pendulum.datetime(year, month, 1, tz=zone)
        days = first.days_in_month
        for community in communities:
            street = tree.ancestor(community, Level.STREET)
            places = (community, *tree.descendants(community))
            for _ in range(rng.randint(2, 6)):
                n += 1
                title, affair = rng.choice(_TITLES)
                collected = first.add(
                    days=rng.randrange(days),
                    hours=rng.randint(8, 19),
                    minutes=rng.randrange(0, 60, 5),
                )
                topic = Topic(
                    id=f"tp-{year}-{n:05d}",
                    node_id=rng.choice(places),
                    collected_at=collected,
                    title=title,
                    source=rng.choices(sources, weights)[0],
                    affair=affair,
                )
                low, mode, high = _DAYS[affair]
                took = timedelta(
                    days=round(rng.triangular(low, high, mode)),
                    hours=rng.randint(0, 8),
                )
                resolved: datetime = collected + took
                if resolved >= cutoff:
                    topics.append(topic)
                    continue
                meeting = None
                if affair in {"大事", "要事", "难事"}:
                    meeting = f"lx-{street}-{resolved.year}-{resolved.month:02d}"
                topic = topic.resolve(resolved, meeting_id=meeting)
                if rng.random() < 0.92:
                    told = resolved + timedelta(days=rng.randint(0, 5))
                    if told < cutoff:
                        topic = topic.feed_back(told)
                topics.append(topic)
    for s in seed_meetings():
        if s.topic.collected_at.year == year and tree.contains(BOZHOU, s.topic.node_id):
            topics.append(s.topic)
    topics.sort(key=lambda t: (t.collected_at, t.id))
    return tuple(topics)
