"""The seed article's two meetings, replayed, and a year of topics."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Any

import attrs
import pendulum
import pytest

import redcity.serialize as rs
from redcity.calendars import WorkCalendar
from redcity.datasets import (
    BOZHOU,
    LONGQUAN,
    XINGMAO,
    longquan_council,
    seed_meetings,
    seed_topics,
    xingmao_estate,
    xingmao_three_party,
    zunyi,
)
from redcity.datasets.meetings import _xingmao_ballots
from redcity.errors import MeetingError
from redcity.grid import Level
from redcity.meetings import (
    Matter,
    Meeting,
    MeetingKind,
    MeetingState,
    check_cross_appointments,
    check_sizes,
    check_three_parties,
    owners_decision,
)
from redcity.meetings.cycle import check_topics, closed_loop

CAL = WorkCalendar.china()
TZ = "Asia/Shanghai"


def _local(moment: datetime) -> date:
    return pendulum.instance(moment).in_timezone(TZ).date()


# ------------------------------------------------------------ both meetings


def test_both_meetings_reach_closed_with_every_action_done() -> None:
    xm, lq = seed_meetings()
    assert (MeetingKind.THREE_PARTY, MeetingKind.RED_COUNCIL) == (
        xm.meeting.kind,
        lq.meeting.kind,
    )
    for seed in (xm, lq):
        m = seed.meeting
        assert MeetingState.CLOSED == m.state
        assert () == m.open_actions
        assert all(a.feedback for a in m.actions)
        assert m.feedback  # residents were told
        assert () == m.pending_owners_decisions
        assert seed.topic.fed_back
        assert (m.id,) == seed.topic.meeting_ids


def test_meetings_sit_on_the_named_compounds_of_the_sample() -> None:
    tree = zunyi()
    xm, lq = seed_meetings()
    assert (XINGMAO, LONGQUAN) == (xm.meeting.node_id, lq.meeting.node_id)
    assert ("兴茂小区", "龙泉小区") == (tree[XINGMAO].name, tree[LONGQUAN].name)
    for seed in (xm, lq):
        for org in seed.organizations:
            assert org.node_id in tree
        assert tree.contains(seed.meeting.node_id, seed.topic.node_id)
        community = tree.ancestor(seed.meeting.node_id, Level.COMMUNITY)
        assert community is not None
        convener = next(
            o for o in seed.organizations if o.id == seed.meeting.convened_by
        )
        assert f"{tree[community].name}党委" == convener.name


def test_action_due_dates_fall_on_working_days() -> None:
    for seed in seed_meetings():
        m = seed.meeting
        assert m.held_at is not None
        for a in m.actions:
            assert CAL.is_working_day(_local(a.due))
            assert m.held_at == a.assigned_at
            assert a.done_at is not None
            assert not a.overdue(a.done_at)


def test_longquan_dues_count_working_days_across_may_day() -> None:
    m = longquan_council().meeting
    assert m.held_at is not None
    expected = ["2026-04-28", "2026-04-30", "2026-05-18", "2026-05-25"]
    assert expected == [_local(a.due).isoformat() for a in m.actions]
    # 1–5 May 2026 are holidays; Saturday 9 May is a make-up working day (调休).
    assert expected[2] == CAL.add_working_days(m.held_at, 15).date().isoformat()
    assert CAL.is_working_day(date(2026, 5, 9))
    assert not CAL.is_working_day(date(2026, 5, 4))


def test_people_are_generic_and_carry_no_numbers() -> None:
    for seed in seed_meetings():
        for p in seed.persons:
            assert 2 == len(p.name)
            assert p.name.endswith("某")
            assert () == p.identifiers
            assert () == p.contact_details


def test_replay_is_deterministic() -> None:
    xingmao_three_party.cache_clear()
    longquan_council.cache_clear()
    xingmao_estate.cache_clear()
    first = [rs.to_json(s.meeting) for s in seed_meetings()]
    xingmao_three_party.cache_clear()
    longquan_council.cache_clear()
    xingmao_estate.cache_clear()
    again = [rs.to_json(s.meeting) for s in seed_meetings()]
    assert first == again
    assert _xingmao_ballots(xingmao_estate()) == xingmao_three_party().ballots


def test_meeting_records_round_trip_through_serialize() -> None:
    for seed in seed_meetings():
        back = rs.from_json(rs.to_json(seed.meeting), type(seed.meeting))
        assert seed.meeting == back


# ------------------------------------------------------------ 兴茂小区


def test_xingmao_has_the_three_parties_and_lawful_committees() -> None:
    xm = xingmao_three_party()
    assert () == check_three_parties(xm.meeting.parties)
    assert () == check_cross_appointments(xm.memberships, xm.organizations)
    households = {XINGMAO: zunyi()[XINGMAO].households or 0}
    assert () == check_sizes(xm.organizations, xm.memberships, households=households)


def test_xingmao_resolution_is_flagged_278_and_cleared_by_the_owners() -> None:
    m = xingmao_three_party().meeting
    (r,) = m.resolutions
    assert Matter.CHANGE_COMMON_USE == r.matter
    assert "(八)" == r.matter.item
    (approval,) = r.owners_decisions
    assert (True, True, Matter.CHANGE_COMMON_USE) == (
        approval.passed,
        approval.quorum_met,
        approval.matter,
    )
    assert not r.needs_owners_decision
    # Before the owners decided, the flag was up and carrying it out refused.
    blocked = [a.id for a in m.actions if a.resolution_id == r.id]
    assert ["a2", "a3"] == blocked
    assert all(a.done_at and a.done_at > approval.decided_at for a in m.actions[1:])


def _held_again(m: Meeting, **changes: Any) -> Meeting:
    """The closed meeting's amendment (held again), with ``changes``."""
    return attrs.evolve(m.amend(id=f"{m.id}-v2"), **changes)


def test_xingmao_flag_blocks_the_work_until_the_owners_decide() -> None:
    m = xingmao_three_party().meeting
    (r,) = m.resolutions
    undecided = _held_again(
        m,
        resolutions=(attrs.evolve(r, owners_decisions=()),),
        actions=tuple(attrs.evolve(a, done_at=None, feedback=None) for a in m.actions),
    )
    assert ("r1",) == tuple(x.id for x in undecided.pending_owners_decisions)
    with pytest.raises(MeetingError, match="needs an owners' decision first"):
        undecided.complete_action(
            "a2", at=pendulum.datetime(2026, 3, 20, tz=TZ), feedback="到货"
        )
    d = xingmao_three_party().owners_decision
    assert d is not None
    decided = undecided.attach_owners_decision(
        "r1", d, at=pendulum.datetime(2026, 4, 10, 18, tz=TZ), reference="yz"
    )
    done = decided.complete_action(
        "a2", at=pendulum.datetime(2026, 4, 24, 17, tz=TZ), feedback="到货"
    )
    assert done.actions[1].done


def test_xingmao_owners_decision_passed_with_the_special_majority() -> None:
    xm = xingmao_three_party()
    d = xm.owners_decision
    assert d is not None
    assert (Fraction(3, 4), False) == (d.threshold, d.strict)
    assert d.quorum_met
    assert d.passed
    assert d.participation_by_area >= Fraction(2, 3)
    assert d.participation_by_persons >= Fraction(2, 3)
    assert d.approval_by_area >= Fraction(3, 4)
    assert d.approval_by_persons >= Fraction(3, 4)
    assert "特别多数" in d.explanation
    assert "四分之三以上" in d.requirement
    assert d.explanation.endswith("结果：通过 — Result: passed.")
    assert d == owners_decision(Matter.CHANGE_COMMON_USE, xm.units, xm.ballots)


def test_xingmao_estate_counts_developer_and_multi_unit_buyers_once() -> None:
    units = xingmao_estate()
    tree = zunyi()
    assert (tree[XINGMAO].households or 0) == len(units)
    assert 24 == sum(u.owner is None for u in units)
    held: dict[str | None, int] = {}
    for u in units:
        held[u.owner] = held.get(u.owner, 0) + 1
    assert 24 == held[None]
    assert [3] == [n for o, n in held.items() if o is not None and n > 2]
    assert 36 == sum(1 for o, n in held.items() if o is not None and n == 2)
    d = xingmao_three_party().owners_decision
    assert d is not None
    assert len(held) == d.total_persons
    assert "abstain" == xingmao_three_party().ballots[None]


def test_cross_appointed_people_vote_once_for_one_party() -> None:
    m = xingmao_three_party().meeting
    party_of = {e.person_id: e.party_id for e in m.roll}
    # 陈某: 居委会 and 业委会 (votes for the 居委会); 刘某: 居委会 and the
    # property company's 物业助理; 李某: property manager and 特邀委员.
    assert "o-xm-jwh" == party_of["p-xm-02"]
    assert "o-xm-jwh" == party_of["p-xm-03"]
    assert "o-xm-wy" == party_of["p-xm-10"]
    assert len(party_of) == len(m.roll)
    for person in ("p-xm-02", "p-xm-03", "p-xm-10"):
        assert 1 == sum(v.voter_id == person for v in m.votes)
    t = m.resolutions[0].tally
    assert len(m.roll) == t.total.members
    assert len(m.votes) == t.total.cast


def test_a_second_vote_by_a_cross_appointed_person_is_refused() -> None:
    m = _held_again(xingmao_three_party().meeting, resolutions=(), actions=())
    before = rs.to_json(m)
    for person in ("p-xm-02", "p-xm-03", "p-xm-10"):
        with pytest.raises(MeetingError, match="already voted"):
            m.vote("mo1", person, "no")
    assert before == rs.to_json(m)


# ------------------------------------------------------------ the topics


def test_seed_topics_are_valid_deterministic_and_in_bozhou() -> None:
    tree = zunyi()
    topics = seed_topics()
    assert topics is seed_topics()
    seed_topics.cache_clear()
    assert topics == seed_topics()
    assert len(topics) == len(check_topics(topics, tree))
    assert all(tree.contains(BOZHOU, t.node_id) for t in topics)
    assert len({t.id for t in topics}) == len(topics)
    assert [t.collected_at for t in topics] == sorted(t.collected_at for t in topics)
    ids = {t.id for t in topics}
    xingmao, longquan = seed_meetings()
    assert xingmao.topic.id in ids  # 龙泉's lies in 红花岗区, outside the year
    assert longquan.topic.id not in ids
    assert seed_topics(2026, seed=7) != topics


def test_seed_topics_cover_every_community_every_month() -> None:
    tree = zunyi()
    topics = seed_topics()
    communities = [c for c in tree.nodes(Level.COMMUNITY) if tree.contains(BOZHOU, c)]
    assert 27 == len(communities)
    for month in range(1, 13):
        loop = closed_loop(topics, tree, f"2026-{month:02d}", levels=["社区"])
        for c in communities:
            f = loop.area(c)
            assert f.collected >= 2
            assert f.carried_in + f.collected == f.resolved + f.carried_over


def test_seed_topics_close_the_loop_for_most_topics() -> None:
    f = closed_loop(seed_topics(), zunyi(), "2026", levels=["区"]).area(BOZHOU)
    assert f.resolution_rate is not None
    assert f.resolution_rate > Fraction(9, 10)
    assert f.feedback_rate is not None
    assert f.feedback_rate > Fraction(4, 5)
    assert 0 < f.carried_over


def test_another_year_leaves_out_the_2026_meetings() -> None:
    topics = seed_topics(2027)
    assert not any(t.id.startswith(("tp-xingmao", "tp-longquan")) for t in topics)
    assert all(t.collected_at.year == 2027 for t in topics)
