"""Meeting records: states, one vote per person, 278 flags, notice, round trips."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.errors import (
    IllegalTransition,
    MeetingError,
    NaiveDatetimeError,
    RedcityError,
    ValidationError,
)
from redcity.meetings import (
    AgendaItem,
    Attendee,
    Matter,
    Meeting,
    MeetingState,
    NoticePolicy,
    Party,
    RollEntry,
    Unit,
    notice_problems,
    owners_decision,
    publication_deadline,
    publication_problems,
    tally,
)
from redcity.meetings.decisions import simple_majority
from redcity.testing.strategies import meetings

TZ = "Asia/Shanghai"
T0 = pendulum.datetime(2024, 5, 10, 19, tz=TZ)  # a Friday evening

PARTIES = [
    Party(organization_id="o-jwh", name="兴茂社区居委会", kind="居委会"),
    Party(organization_id="o-ywh", name="兴茂小区业委会", kind="业委会"),
    Party(organization_id="o-wy", name="兴茂物业服务中心", kind="物业"),
]
# 王芳 sits on the 居委会 and the 业委会 (交叉任职) and votes for the 居委会.
ROLL = [
    RollEntry(person_id="p-wang", party_id="o-jwh", name="王芳"),
    RollEntry(person_id="p-chen", party_id="o-jwh", name="陈静"),
    RollEntry(person_id="p-zhao", party_id="o-ywh", name="赵强"),
    RollEntry(person_id="p-qian", party_id="o-ywh", name="钱敏"),
    RollEntry(person_id="p-li", party_id="o-wy", name="李军"),
]
PLAZA = AgendaItem(
    id="i1",
    topic="居民希望增设休闲空间",
    source="居民提议",
    affair="实事",
    matter=Matter.CHANGE_COMMON_USE,
)


def xingmao() -> Meeting:
    """兴茂小区's first three-party meeting, held with every party present."""
    m = Meeting.plan(
        id="xm-1",
        kind="三方共议会",
        title="兴茂小区第一次三方共议会",
        node_id="n-xingmao",
        venue="兴茂小区红色议事亭",
        convened_by="o-dw",
        planned_for=T0,
        parties=PARTIES,
        roll=ROLL,
        agenda=[PLAZA],
    )
    m = m.notify(at=T0.subtract(days=5))
    attendance = [
        Attendee(
            person_id="p-wang",
            organization_id="o-ywh",
            on_behalf_of_id="o-jwh",
            name="王芳",
        ),
        Attendee(person_id="p-chen", organization_id="o-jwh", name="陈静"),
        Attendee(person_id="p-zhao", organization_id="o-ywh", name="赵强"),
        # 钱敏 gave 赵强 a written proxy (委托)
        Attendee(
            person_id="p-zhao", organization_id="o-ywh", proxy_granted_by="p-qian"
        ),
        Attendee(person_id="p-li", organization_id="o-wy", name="李军"),
    ]
    return m.hold(at=T0, attendance=attendance).move(
        id="mo1",
        item_id="i1",
        text="中心广场设乒乓球台6张、羽毛球场2片、休闲座椅12张",
        proposed_by="p-wang",
    )


def voted() -> Meeting:
    m = xingmao()
    for p in ("p-wang", "p-chen", "p-zhao", "p-li"):
        m = m.vote("mo1", p, "yes")
    return m.vote("mo1", "p-qian", "no", by="p-zhao")


# ------------------------------------------------------------ the example


def test_xingmao_three_party_meeting() -> None:
    m = voted()
    t = tally(m, "mo1")
    assert (2, 2, 2) == (t["o-jwh"].members, t["o-jwh"].present, t["o-jwh"].yes)
    assert (2, 2, 1, 1) == (
        t["o-ywh"].members,
        t["o-ywh"].present,
        t["o-ywh"].yes,
        t["o-ywh"].no,
    )
    assert (1, 1, 1) == (t["o-wy"].members, t["o-wy"].present, t["o-wy"].yes)
    # 业委会 1 of 2: not more than half, so per-party consent fails.
    assert not m.outcome("mo1").passed
    assert m.outcome("mo1", simple_majority).passed
    proxy_vote = next(v for v in m.votes if v.voter_id == "p-qian")
    assert ("p-zhao", "o-ywh") == (proxy_vote.cast_by, proxy_vote.party_id)


def test_cross_appointed_person_votes_once_for_their_party() -> None:
    m = xingmao().vote("mo1", "p-wang", "yes")
    before = rs.to_json(m)
    with pytest.raises(MeetingError, match="already voted"):
        m.vote("mo1", "p-wang", "yes")
    assert before == rs.to_json(m)
    t = m.tally("mo1")
    assert (1, 0) == (t["o-jwh"].yes, t["o-ywh"].yes)


def test_attending_for_another_party_than_the_roll_is_refused() -> None:
    m = xingmao()
    wrong = [
        Attendee(person_id="p-wang", organization_id="o-ywh", on_behalf_of_id="o-ywh")
    ]
    with pytest.raises(ValidationError, match="votes for one party only"):
        attrs.evolve(m, attendance=wrong)


def test_votes_from_outside_the_roll_or_absent_are_refused() -> None:
    m = xingmao().revise(
        attendance=[Attendee(person_id="p-chen", organization_id="o-jwh")]
    )
    with pytest.raises(MeetingError, match="not on the roll"):
        m.vote("mo1", "p-stranger", "yes")
    with pytest.raises(MeetingError, match="not present"):
        m.vote("mo1", "p-li", "yes")
    with pytest.raises(MeetingError, match="carried by"):
        xingmao().vote("mo1", "p-qian", "yes", by="p-li")


def test_278_resolution_needs_an_owners_decision() -> None:
    m = xingmao()
    for p in ("p-wang", "p-chen", "p-zhao", "p-qian", "p-li"):
        m = m.vote("mo1", p, "同意")
    m = m.resolve("mo1", id="r1", text="中心广场改建为运动休闲区")
    (res,) = m.resolutions
    assert res.needs_owners_decision
    assert Matter.CHANGE_COMMON_USE is res.matter
    m = m.assign(
        id="a1",
        title="采购安装乒乓球台",
        organization_id="o-wy",
        person_id="p-li",
        due_in=10,
        resolution_id="r1",
    )
    done_at = T0.add(days=30)
    with pytest.raises(MeetingError, match="owners' decision"):
        m.complete_action("a1", at=done_at, feedback="已安装")
    units = [Unit(f"u{i}", Decimal("100"), f"o{i}") for i in range(4)]
    failed = owners_decision(
        Matter.CHANGE_COMMON_USE, units, {"o0": "yes", "o1": "yes"}
    )
    m = m.attach_owners_decision("r1", failed, at=done_at, reference="yzdh-1")
    assert m.resolutions[0].needs_owners_decision
    passed = owners_decision(
        Matter.CHANGE_COMMON_USE, units, {"o0": "yes", "o1": "yes", "o2": "yes"}
    )
    assert passed.passed
    m = m.attach_owners_decision("r1", passed, at=done_at, reference="yzdh-2")
    assert not m.resolutions[0].needs_owners_decision
    m = m.complete_action("a1", at=done_at, feedback="乒乓球台6张已安装")
    assert m.actions[0].done
    assert m == rs.from_json(rs.to_json(m), Meeting)


def test_action_due_in_working_days_skips_national_day() -> None:
    held = pendulum.datetime(2026, 9, 30, 10, tz=TZ)
    m = (
        Meeting.plan(
            id="hcz-1",
            kind="红色议事会",
            title="火车站社区红色议事会",
            node_id="n-hcz",
            venue="龙泉小区",
            convened_by="o-dw",
            planned_for=held,
            agenda=[AgendaItem(id="i1", topic="飞线充电整治", affair="急事")],
        )
        .notify(at=held.subtract(days=3))
        .hold(at=held)
    )
    m = m.assign(
        id="a1",
        title="拆除飞线",
        organization_id="o-wy",
        person_id="p-li",
        due_in=1,
        item_id="i1",
    )
    assert pendulum.datetime(2026, 10, 8, 10, tz=TZ) == m.actions[0].due
    with pytest.raises(MeetingError, match="exactly one"):
        m.assign(id="a2", title="x", organization_id="o", person_id="p")


# ------------------------------------------------------------ transitions


def approved() -> Meeting:
    m = voted().assign(
        id="a1", title="再议", organization_id="o-jwh", person_id="p-wang", due_in=5
    )
    return m.approve_minutes(at=T0.add(days=1), by="p-wang")


def test_closing_with_an_open_action_is_refused_and_changes_nothing() -> None:
    m = approved()
    before = rs.to_json(m)
    with pytest.raises(MeetingError, match=r"\['a1'\] are still open"):
        m.close(at=T0.add(days=2))
    assert before == rs.to_json(m)
    closed = m.complete_action("a1", at=T0.add(days=2), feedback="已再议").close(
        at=T0.add(days=3)
    )
    assert MeetingState.CLOSED is closed.state


def test_approving_minutes_of_a_meeting_never_held_is_refused() -> None:
    planned = Meeting.plan(
        id="x",
        kind="红色议事会",
        title="议事会",
        node_id="n",
        venue="v",
        convened_by="o",
        planned_for=T0,
    )
    for m in (planned, planned.notify(at=T0)):
        with pytest.raises(IllegalTransition, match="needs it 已召开"):
            m.approve_minutes(at=T0)
    with pytest.raises(IllegalTransition):
        planned.hold(at=T0)
    with pytest.raises(IllegalTransition):
        planned.close(at=T0)


def test_approved_minutes_cannot_change() -> None:
    m = approved()
    with pytest.raises(IllegalTransition):
        m.move(id="mo2", item_id="i1", text="x")
    with pytest.raises(IllegalTransition):
        m.vote("mo1", "p-wang", "yes")
    with pytest.raises(IllegalTransition):
        m.revise(title="改标题")
    with pytest.raises(IllegalTransition):
        m.add_item(AgendaItem(id="i2", topic="x"))


def test_amendment_is_a_new_version() -> None:
    v1 = approved()
    v2 = v1.amend(id="xm-1-v2")
    assert (2, "xm-1", MeetingState.HELD) == (v2.version, v2.amends, v2.state)
    assert MeetingState.MINUTES_APPROVED is v1.state
    v2 = v2.revise(title="兴茂小区第一次三方共议会（更正）").approve_minutes(
        at=T0.add(days=4)
    )
    v3 = v2.amend(id="xm-1-v3")
    assert (3, "xm-1-v2") == (v3.version, v3.amends)
    with pytest.raises(MeetingError):
        v2.amend(id="xm-1-v2")
    with pytest.raises(IllegalTransition):
        xingmao().amend(id="xm-1-v2")


def test_whole_record_problems_are_all_listed() -> None:
    with pytest.raises(ValidationError) as err:
        Meeting(
            id="bad",
            kind="三方共议会",
            title="t",
            node_id="n",
            venue="v",
            convened_by="o",
            planned_for=T0,
            parties=PARTIES[:2],
            roll=[RollEntry(person_id="p", party_id="o-elsewhere")],
            state="held",
            version=2,
        )
    fields = [p.field for p in err.value.problems]
    assert ["parties", "roll", "notified_at", "held_at", "amends"] == fields


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2024, 5, 10, 19)
    with pytest.raises(NaiveDatetimeError):
        Meeting.plan(
            id="x",
            kind="居民会议",
            title="t",
            node_id="n",
            venue="v",
            convened_by="o",
            planned_for=naive,
        )
    with pytest.raises(NaiveDatetimeError):
        xingmao().approve_minutes(at=naive)


# ------------------------------------------------------------ notice periods


def assembly(held: pendulum.DateTime, notified: pendulum.DateTime) -> Meeting:
    return Meeting.plan(
        id="yz-1",
        kind="业主大会",
        title="兴茂小区业主大会",
        node_id="n-xingmao",
        venue="小区中心广场",
        convened_by="o-ywh",
        planned_for=held,
    ).notify(at=notified, residents_committee_informed=True)


@pytest.mark.parametrize(
    ("notified", "held", "ok"),
    [
        ((2024, 3, 1, 20), (2024, 3, 16, 9), True),  # exactly 15 days
        ((2024, 3, 2, 8), (2024, 3, 16, 9), False),  # 14 days
        ((2024, 9, 25, 9), (2024, 10, 10, 9), True),  # across 国庆: calendar days
        ((2024, 9, 26, 9), (2024, 10, 10, 9), False),
        ((2024, 2, 1, 9), (2024, 2, 16, 9), True),  # across 春节
    ],
)
def test_owners_assembly_notice_edges(
    notified: tuple[int, ...], held: tuple[int, ...], ok: bool
) -> None:
    h = pendulum.datetime(*held, tz=TZ)
    m = assembly(h, pendulum.datetime(*notified, tz=TZ))
    assert ok == (notice_problems(m) == ())
    if ok:
        assert MeetingState.HELD is m.hold(at=h).state
    else:
        with pytest.raises(MeetingError, match="due notice"):
            m.hold(at=h)
        assert MeetingState.HELD is m.hold(at=h, notice=None).state


def test_notice_counts_local_dates() -> None:
    # 2024-03-01 16:30 UTC is already 03-02 in Shanghai: only 14 days.
    notified = pendulum.datetime(2024, 3, 1, 16, 30, tz="UTC")
    assert 1 == len(
        notice_problems(assembly(pendulum.datetime(2024, 3, 16, tz=TZ), notified))
    )


def test_residents_committee_must_be_informed() -> None:
    held = pendulum.datetime(2024, 3, 16, 9, tz=TZ)
    m = Meeting.plan(
        id="yz",
        kind="业主大会",
        title="t",
        node_id="n",
        venue="v",
        convened_by="o",
        planned_for=held,
    ).notify(at=held.subtract(days=20))
    assert ["residents_committee_informed_at"] == [p.field for p in notice_problems(m)]
    relaxed = NoticePolicy(inform_residents_committee=False)
    assert () == notice_problems(m, relaxed)


def test_notice_rules_do_not_apply_to_other_kinds_unless_configured() -> None:
    m = xingmao()
    assert () == notice_problems(m)
    policy = NoticePolicy(kinds=["三方共议会"], days_before=7)
    assert ["notified_at", "residents_committee_informed_at"] == [
        p.field for p in notice_problems(m, policy)
    ]
    short = NoticePolicy(
        kinds=["三方共议会"], days_before=5, inform_residents_committee=False
    )
    assert () == notice_problems(m, short)


@pytest.mark.parametrize(
    ("held", "deadline"),
    [
        ((2024, 5, 6), (2024, 5, 9)),  # Monday: plain three days
        ((2024, 9, 28), (2024, 10, 8)),  # 10-01 is 国庆: next working day
        ((2024, 5, 8), (2024, 5, 11)),  # Saturday 05-11 is a 调休 working day
        ((2024, 5, 9), (2024, 5, 13)),  # Sunday 05-12 rests: Monday
    ],
)
def test_publication_deadline_extends_past_rest_days(
    held: tuple[int, int, int], deadline: tuple[int, int, int]
) -> None:
    h = pendulum.datetime(*held, 19, tz=TZ)
    m = assembly(h, h.subtract(days=20)).hold(at=h)
    last = pendulum.date(*deadline)
    assert last == publication_deadline(m)
    on_time = m.publish(at=pendulum.datetime(*deadline, 18, tz=TZ))
    assert () == publication_problems(on_time)
    late = m.publish(at=pendulum.datetime(*deadline, 18, tz=TZ).add(days=1))
    assert ["published_at"] == [p.field for p in publication_problems(late)]
    assert () == publication_problems(m, now=h.add(days=1))
    assert 1 == len(publication_problems(m, now=late.published_at))


# ------------------------------------------------------------ properties

Step = Callable[[Meeting], Meeting]


def _steps(m: Meeting) -> list[tuple[str, Step]]:
    t = pendulum.instance(m.held_at or m.notified_at or m.planned_for).add(hours=1)
    later = t.add(days=30)
    voter = m.roll[0].person_id if m.roll else "p-none"
    motion = m.motions[0].id if m.motions else "mo-none"
    item = m.agenda[0].id if m.agenda else "i-none"
    action = m.actions[0].id if m.actions else "a-none"
    res = m.resolutions[0].id if m.resolutions else "r-none"
    return [
        ("notify", lambda x: x.notify(at=t)),
        ("hold", lambda x: x.hold(at=t, notice=None)),
        ("move", lambda x: x.move(id="mo-new", item_id=item, text="动议")),
        ("move-dup", lambda x: x.move(id=motion, item_id=item, text="动议")),
        ("vote", lambda x: x.vote(motion, voter, "yes")),
        ("vote-stranger", lambda x: x.vote(motion, "p-stranger", "no")),
        ("resolve", lambda x: x.resolve(motion, id="r-new", text="决议")),
        (
            "assign",
            lambda x: x.assign(
                id="a-new", title="任务", organization_id="o", person_id="p", due_in=2
            ),
        ),
        ("approve", lambda x: x.approve_minutes(at=later)),
        ("complete", lambda x: x.complete_action(action, at=later, feedback="好")),
        ("feedback", lambda x: x.give_feedback(id="f-new", at=later, text="已反馈")),
        ("publish", lambda x: x.publish(at=later)),
        (
            "owners",
            lambda x: x.attach_owners_decision(
                res, _Passed(), at=later, reference="yz"
            ),
        ),
        ("close", lambda x: x.close(at=later.add(days=1))),
        ("amend", lambda x: x.amend(id=x.id + "-v")),
        ("approve-early", lambda x: x.approve_minutes(at=t.subtract(days=400))),
    ]


class _Passed:
    passed = True
    quorum_met = True


@given(meetings(), st.lists(st.integers(0, 15), max_size=8))
def test_refused_steps_change_nothing(m: Meeting, picks: list[int]) -> None:
    for k in picks:
        name, step = _steps(m)[k]
        before = rs.to_json(m)
        try:
            after = step(m)
        except RedcityError:
            assert before == rs.to_json(m), name
        else:
            assert after.problems() == ()
            m = after


@given(meetings(states=["held", "minutes_approved", "closed"]))
def test_tally_never_counts_a_person_twice(m: Meeting) -> None:
    voters_on_roll = {e.person_id for e in m.roll}
    present = {a.voter_id for a in m.attendance} & voters_on_roll
    for mo in m.motions:
        t = tally(m, mo.id)
        votes = [v for v in m.votes if v.motion_id == mo.id]
        assert len({v.voter_id for v in votes}) == len(votes)
        assert len(votes) == t.total.cast
        assert len(present) == t.total.present
        assert len(voters_on_roll) == t.total.members
        for field in ("members", "present", "yes", "no", "abstain"):
            assert getattr(t.total, field) == sum(getattr(p, field) for p in t)
        if m.state is MeetingState.HELD:
            for v in votes:
                with pytest.raises(MeetingError):
                    m.vote(mo.id, v.voter_id, v.choice)


@given(meetings())
def test_meetings_round_trip(m: Meeting) -> None:
    assert m == rs.from_json(rs.to_json(m), Meeting)


def test_round_trip_of_the_example_keeps_every_field() -> None:
    m = approved().publish(at=T0.add(days=2))
    back = rs.from_json(rs.to_json(m, indent=2), Meeting)
    assert m == back
    assert "兴茂小区红色议事亭" == back.venue
    assert back.resolutions == m.resolutions
