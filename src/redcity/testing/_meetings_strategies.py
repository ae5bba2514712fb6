"""Hypothesis strategies for :mod:`redcity.meetings.records`.

The public home of these names is :mod:`redcity.testing.strategies`, which
re-exports them.  A meeting is built by taking its legal steps (plan,
notify, hold, move, vote, resolve, assign, approve, close), so every record
is valid by construction and respects one vote per person per motion.

>>> from hypothesis import given, settings
>>> @settings(max_examples=10, deadline=None)
... @given(meetings())
... def test_one_vote_each(m):
...     keys = [(v.motion_id, v.voter_id) for v in m.votes]
...     assert len(keys) == len(set(keys))
>>> test_one_vote_each()
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.meetings.matters import AffairKind, Matter
from redcity.meetings.parties import THREE_PARTIES, OrgKind, Party, RollEntry
from redcity.meetings.records import (
    AgendaItem,
    Attendee,
    Choice,
    Meeting,
    MeetingKind,
    MeetingState,
    NoticePolicy,
    SourceKind,
)
from redcity.testing._checks import check_size

__all__ = ["meetings"]

_NO_NOTICE_RULES = NoticePolicy(kinds=(), publish_kinds=())
_STATES = tuple(MeetingState)
_START = pendulum.datetime(2024, 1, 1, 9, tz="Asia/Shanghai")


@st.composite
def _meeting(
    draw: st.DrawFn,
    states: tuple[MeetingState, ...],
    max_voters: int,
    max_items: int,
) -> Meeting:
    kind = draw(st.sampled_from(MeetingKind))
    target = draw(st.sampled_from(states))
    if kind is MeetingKind.THREE_PARTY:
        kinds: list[OrgKind] = list(THREE_PARTIES)
    else:
        kinds = draw(st.lists(st.sampled_from(OrgKind), min_size=1, max_size=3))
    parties = [
        Party(organization_id=f"o{i}", name=f"{k.zh}{i}", kind=k)
        for i, k in enumerate(kinds)
    ]
    n_voters = draw(st.integers(len(parties), max(len(parties), max_voters)))
    roll = [
        RollEntry(
            person_id=f"p{j}",
            party_id=parties[j % len(parties)].organization_id,
            name=f"委员{j}",
        )
        for j in range(n_voters)
    ]
    n_items = draw(st.integers(1, max_items))
    agenda = [
        AgendaItem(
            id=f"i{k}",
            topic=f"议题{k}",
            source=draw(st.sampled_from(SourceKind)),
            source_ref=draw(st.none() | st.just(f"t-{k}")),
            affair=draw(st.none() | st.sampled_from(AffairKind)),
            matter=draw(st.none() | st.sampled_from(Matter)),
        )
        for k in range(n_items)
    ]
    start = _START + timedelta(days=draw(st.integers(0, 700)))
    m = Meeting.plan(
        id=f"mt-{draw(st.integers(0, 999))}",
        kind=kind,
        title=f"{kind.zh}",
        node_id=draw(st.sampled_from(["n-xm", "n-lq", "n-bl"])),
        venue="红色议事厅",
        convened_by="o-dw",
        planned_for=start,
        parties=parties,
        roll=roll,
        agenda=agenda,
    )
    rank = _STATES.index(target)
    if rank < 1:
        return m
    m = m.notify(
        at=start - timedelta(days=draw(st.integers(0, 30))),
        residents_committee_informed=draw(st.booleans()),
    )
    if rank < 2:
        return m
    present = [e for e in roll if draw(st.booleans())]
    proxies = {
        e.person_id: roll[(i + 1) % len(roll)].person_id
        for i, e in enumerate(present)
        if len(roll) > 1 and draw(st.booleans()) and draw(st.booleans())
    }
    attendance = [
        Attendee(
            person_id=proxies.get(e.person_id, e.person_id),
            organization_id=e.party_id,
            name=e.name,
            on_behalf_of_id=e.party_id if e.person_id not in proxies else None,
            proxy_granted_by=e.person_id if e.person_id in proxies else None,
        )
        for e in present
    ]
    m = m.hold(at=start, attendance=attendance, notice=_NO_NOTICE_RULES)
    for k in range(draw(st.integers(0, n_items))):
        m = m.move(id=f"mo{k}", item_id=f"i{k}", text=f"动议{k}")
        # most motions are carried, so that resolutions are common
        support = draw(st.booleans())
        for e in present:
            choice = draw(
                st.none() | st.just(Choice.YES) | st.sampled_from(Choice)
                if not support
                else st.just(Choice.YES) | st.sampled_from(Choice)
            )
            if choice is not None:
                m = m.vote(f"mo{k}", e.person_id, choice)
        if m.outcome(f"mo{k}").passed and draw(st.booleans()):
            m = m.resolve(f"mo{k}", id=f"r{k}", text=f"决议{k}")
    resolved = {r.id: r for r in m.resolutions}
    rids: list[str | None] = [None, *sorted(resolved)]
    for k in range(draw(st.integers(0, 2))):
        rid = draw(st.sampled_from(rids))
        m = m.assign(
            id=f"a{k}",
            title=f"任务{k}",
            organization_id=parties[0].organization_id,
            person_id=roll[0].person_id,
            due_in=draw(st.integers(1, 10)),
            resolution_id=rid,
        )
    if rank < 3:
        return m
    m = m.approve_minutes(at=start + timedelta(hours=draw(st.integers(1, 48))))
    if rank < 4:
        return m
    done_at = start + timedelta(days=3)
    for a in m.actions:
        r = resolved.get(a.resolution_id or "")
        if r is not None and r.needs_owners_decision:
            m = m.attach_owners_decision(
                r.id, _Passed(), at=done_at, reference=f"yzdh-{r.id}"
            )
            resolved[r.id] = next(x for x in m.resolutions if x.id == r.id)
        m = m.complete_action(a.id, at=done_at, feedback="已完成")
    return m.close(at=done_at + timedelta(days=1))


class _Passed:
    passed = True
    quorum_met = True


def meetings(
    *,
    states: Iterable[MeetingState | str] | None = None,
    min_voters: int = 1,
    max_voters: int = 8,
    max_items: int = 3,
) -> st.SearchStrategy[Meeting]:
    """Valid :class:`~redcity.meetings.Meeting` records in various states.

    Each is built by legal steps: three parties for a 三方共议会 (one to
    three of any kind otherwise), a roll dealt round the parties, some voters
    present (a few by proxy), motions with at most one vote per present
    voter, resolutions of motions that passed by the kind's default rule,
    action items due in working days; a closed meeting has every action
    done (after an owners' decision where a 278 matter needs one).  Notice
    rules are not applied.  Shrinks toward a planned meeting with one voter.

    Args:
        states: Only these states (all by default).
        min_voters: Fewest entitled voters (at least 1; a 三方共议会 has 3).
        max_voters: Most entitled voters.
        max_items: Most agenda items (at least 1).

    Raises:
        hypothesis.errors.InvalidArgument: bad bounds or an unknown state.

    >>> from hypothesis import find
    >>> find(meetings(states=["closed"]), lambda m: True).state.zh
    '已闭环'
    """
    check_size("voters", min_voters, max_voters, 1)
    check_size("items", 1, max_items, 1)
    try:
        chosen = (
            _STATES if states is None else tuple(MeetingState.parse(s) for s in states)
        )
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None
    if not chosen:
        msg = "Expected at least one state, got none."
        raise InvalidArgument(msg)
    ordered = tuple(s for s in _STATES if s in chosen)
    return _meeting(ordered, max_voters, max_items).filter(
        lambda m: len(m.roll) >= min_voters
    )
