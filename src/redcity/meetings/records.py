"""Meeting records: three-party deliberation, joint meetings, owners' assemblies.

A :class:`Meeting` is an immutable record of one meeting — 三方共议会,
红色议事会, 党建联席会议, 居民会议, 业主大会 or 业委会会议
(:class:`MeetingKind`) — on a grid node (a community or a compound), at a
venue, convened by an organisation.  It moves through the states of
:class:`MeetingState`::

    planned → notified → held → minutes approved → closed
    计划        已通知      已召开     纪要已审定          已闭环

Every step is a method that returns a *new* record (``attrs.evolve``); an
illegal step raises :class:`~redcity.errors.IllegalMeetingTransition` or
:class:`~redcity.errors.MeetingError` and, since records are frozen,
changes nothing.  A record is also checked as a whole when built (or read
back with :mod:`redcity.serialize`): every problem is listed in one
:class:`~redcity.errors.ValidationError`.

What the minutes hold (fixed once approved): the roll of entitled voters
per party (:class:`~redcity.meetings.parties.RollEntry`), attendance
(:class:`Attendee`, with proxies), agenda items (:class:`AgendaItem`: the
topic, where it came from, its 五事联办 kind and its 民法典 278 matter),
motions, votes (:class:`Vote`), resolutions (:class:`Resolution`, with the
tally and outcome that carried them) and action items (:class:`ActionItem`,
due in working days on :class:`~redcity.calendars.WorkCalendar`).  What
follows the meeting (allowed after approval, never part of the minutes):
actions done with a feedback note, feedback to residents (:class:`Feedback`),
owners' decisions attached to resolutions, publication.  A correction to
approved minutes is an amendment (:meth:`Meeting.amend`): a new version
pointing to the one it amends.

One person, one vote: a person holding posts in two parties (交叉任职) is
on the roll once, for the party on whose behalf they attend; a second vote
on the same motion is refused, and :func:`tally` counts each voter once.

>>> import pendulum
>>> from redcity.meetings.parties import Party, RollEntry
>>> at = pendulum.datetime(2024, 5, 10, 9, tz="Asia/Shanghai")
>>> m = Meeting.plan(
...     id="mt-1", kind="居民会议", title="兴茂小区居民会议", node_id="n-xm",
...     venue="兴茂小区红色议事厅", convened_by="o-jwh", planned_for=at,
...     parties=[Party(organization_id="o-res", name="居民代表", kind="居委会")],
...     roll=[RollEntry(person_id=p, party_id="o-res") for p in ("a", "b", "c")],
...     agenda=[AgendaItem(id="i1", topic="增设休闲空间", affair="实事")])
>>> m = m.notify(at=at.subtract(days=7))
>>> m = m.hold(at=at, attendance=[Attendee(person_id=p, organization_id="o-res")
...                                for p in ("a", "b")])
>>> m = m.move(id="mo1", item_id="i1", text="在中心广场增设乒乓球台")
>>> m = m.vote("mo1", "a", "yes").vote("mo1", "b", "yes")
>>> m.outcome("mo1").passed, m.state.zh
(True, '已召开')
>>> m.vote("mo1", "a", "no")
Traceback (most recent call last):
...
redcity.errors.MeetingError: Person 'a' has already voted on motion 'mo1' (yes); one person casts one vote per motion.
>>> m = m.resolve("mo1", id="r1", text="增设乒乓球台6张").approve_minutes(at=at.add(days=1))
>>> m.close(at=at.add(days=2)).state
<MeetingState.CLOSED: 'closed'>

References:
    《中华人民共和国城市居民委员会组织法》 第十条 (residents' meetings);
    《中华人民共和国民法典》 第二百零一条、第二百零三条 (counting periods),
    第二百七十八条 (matters the owners decide); 《业主大会和业主委员会指导规则》
    (住房和城乡建设部, 2009) on notice and publication of the owners'
    assembly.
"""  # noqa: E501

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final, Protocol, runtime_checkable

import attrs
import pendulum

from redcity._names import parse_member, zh_names
from redcity._validators import (
    aware,
    non_empty_text,
    optional_aware,
    optional_text,
    positive_int,
    require_aware,
)
from redcity.calendars import WorkCalendar
from redcity.errors import (
    IllegalMeetingTransition,
    MeetingError,
    Problem,
    ValidationError,
)
from redcity.meetings._tally import DecisionRule, Outcome, PartyTally, Tally
from redcity.meetings.decisions import (
    all_of,
    owners_committee_meeting,
    per_party_consent,
    quorum_per_party,
    residents_meeting,
    simple_majority,
)
from redcity.meetings.matters import AffairKind, Matter
from redcity.meetings.parties import Party, RollEntry, check_three_parties

__all__ = [
    "DEFAULT_NOTICE_POLICY",
    "DEFAULT_RULES",
    "ActionItem",
    "AgendaItem",
    "Attendee",
    "Choice",
    "Feedback",
    "Meeting",
    "MeetingKind",
    "MeetingState",
    "Motion",
    "NoticePolicy",
    "OwnersApproval",
    "Resolution",
    "SourceKind",
    "Vote",
    "default_rule",
    "notice_problems",
    "publication_deadline",
    "publication_problems",
    "tally",
]


# --------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------


class MeetingKind(enum.Enum):
    """The kinds of meeting redcity records."""

    THREE_PARTY = "three_party"
    RED_COUNCIL = "red_council"
    JOINT_CONFERENCE = "joint_conference"
    RESIDENTS_MEETING = "residents_meeting"
    OWNERS_ASSEMBLY = "owners_assembly"
    OWNERS_COMMITTEE_MEETING = "owners_committee_meeting"

    @property
    def zh(self) -> str:
        """三方共议会, 红色议事会, 党建联席会议, 居民会议, 业主大会 or 业委会会议."""
        return _KIND_ZH[self]

    @classmethod
    def parse(cls, value: object) -> MeetingKind:
        """A member from itself, its value, its name or its Chinese.

        >>> MeetingKind.parse("三方共议会")
        <MeetingKind.THREE_PARTY: 'three_party'>
        """
        return parse_member(cls, value, what="a meeting kind", names=zh_names)


_KIND_ZH: Final = {
    MeetingKind.THREE_PARTY: "三方共议会",
    MeetingKind.RED_COUNCIL: "红色议事会",
    MeetingKind.JOINT_CONFERENCE: "党建联席会议",
    MeetingKind.RESIDENTS_MEETING: "居民会议",
    MeetingKind.OWNERS_ASSEMBLY: "业主大会",
    MeetingKind.OWNERS_COMMITTEE_MEETING: "业委会会议",
}


class MeetingState(enum.Enum):
    """Where a meeting stands: planned → notified → held → minutes approved → closed."""

    PLANNED = "planned"
    NOTIFIED = "notified"
    HELD = "held"
    MINUTES_APPROVED = "minutes_approved"
    CLOSED = "closed"

    @property
    def zh(self) -> str:
        """计划, 已通知, 已召开, 纪要已审定 or 已闭环."""
        return _STATE_ZH[self]

    @classmethod
    def parse(cls, value: object) -> MeetingState:
        """A member from itself, its value, its name or its Chinese.

        >>> MeetingState.parse("已召开")
        <MeetingState.HELD: 'held'>
        """
        return parse_member(cls, value, what="a meeting state", names=zh_names)


_STATE_ZH: Final = {
    MeetingState.PLANNED: "计划",
    MeetingState.NOTIFIED: "已通知",
    MeetingState.HELD: "已召开",
    MeetingState.MINUTES_APPROVED: "纪要已审定",
    MeetingState.CLOSED: "已闭环",
}


class Choice(enum.Enum):
    """A vote: yes (赞成), no (反对) or abstain (弃权)."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"

    @property
    def zh(self) -> str:
        """赞成, 反对 or 弃权."""
        return _CHOICE_ZH[self][0]

    @classmethod
    def parse(cls, value: object) -> Choice:
        """A member from itself, its value, its name, its Chinese or 同意/不同意.

        >>> Choice.parse("同意"), Choice.parse("abstain").zh
        (<Choice.YES: 'yes'>, '弃权')
        """
        return parse_member(
            cls,
            value,
            what="a vote",
            names=lambda c: (_CHOICE_ZH[c][0], c.value, c.name, *_CHOICE_ZH[c][1:]),
        )


_CHOICE_ZH: Final = {
    Choice.YES: ("赞成", "同意"),
    Choice.NO: ("反对", "不同意"),
    Choice.ABSTAIN: ("弃权",),
}


class SourceKind(enum.Enum):
    """Where an agenda item came from (问题收集)."""

    RESIDENT_PROPOSAL = "resident_proposal"
    BUILDING_REPORT = "building_report"
    GRID_REPORT = "grid_report"
    TICKET = "ticket"
    PARTY_ORG = "party_org"
    CARRIED_OVER = "carried_over"
    OTHER = "other"

    @property
    def zh(self) -> str:
        """居民提议, 楼栋上报, 网格上报, 工单, 党组织提出, 上期结转 or 其他."""
        return _SOURCE_ZH[self]

    @classmethod
    def parse(cls, value: object) -> SourceKind:
        """A member from itself, its value, its name or its Chinese.

        >>> SourceKind.parse("工单")
        <SourceKind.TICKET: 'ticket'>
        """
        return parse_member(cls, value, what="an agenda source", names=zh_names)


_SOURCE_ZH: Final = {
    SourceKind.RESIDENT_PROPOSAL: "居民提议",
    SourceKind.BUILDING_REPORT: "楼栋上报",
    SourceKind.GRID_REPORT: "网格上报",
    SourceKind.TICKET: "工单",
    SourceKind.PARTY_ORG: "党组织提出",
    SourceKind.CARRIED_OVER: "上期结转",
    SourceKind.OTHER: "其他",
}


# --------------------------------------------------------------------------
# Validators and converters
# --------------------------------------------------------------------------


def _kind(value: object) -> MeetingKind:
    return MeetingKind.parse(value)


def _state(value: object) -> MeetingState:
    return MeetingState.parse(value)


def _choice(value: object) -> Choice:
    return Choice.parse(value)


def _source(value: object) -> SourceKind:
    return SourceKind.parse(value)


def _opt_affair(value: object) -> AffairKind | None:
    return None if value is None else AffairKind.parse(value)


def _matter(value: object) -> Matter:
    return Matter.parse(value)


def _opt_matter(value: object) -> Matter | None:
    return None if value is None else Matter.parse(value)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


# --------------------------------------------------------------------------
# Parts of a meeting record
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Attendee:
    """One person present, for whom, and whether by proxy.

    Attributes:
        person_id: Who is in the room.
        name: Their name, for the minutes.
        organization_id: The organisation they come from.
        on_behalf_of_id: The party they attend for (交叉任职: the one party
            they vote for); ``None`` for an observer or when the roll says.
        proxy_granted_by: When set, ``person_id`` holds the written proxy of
            this roll member and votes for them (委托); the voter is then
            ``proxy_granted_by``.

    >>> Attendee(person_id="p-zhao", organization_id="o-ywh",
    ...          proxy_granted_by="p-qian").voter_id
    'p-qian'
    """

    person_id: str = attrs.field(validator=non_empty_text)
    organization_id: str = attrs.field(validator=non_empty_text)
    name: str | None = attrs.field(default=None, validator=optional_text)
    on_behalf_of_id: str | None = attrs.field(default=None, validator=optional_text)
    proxy_granted_by: str | None = attrs.field(default=None, validator=optional_text)

    @property
    def voter_id(self) -> str:
        """Whose vote this carries: the proxy's grantor, else the person."""
        return self.proxy_granted_by or self.person_id


@attrs.frozen(kw_only=True)
class AgendaItem:
    """One item on the agenda (议题).

    Attributes:
        id: Unique within the meeting.
        topic: What is to be discussed, e.g. ``"中心广场增设休闲设施"``.
        source: Where it came from (:class:`SourceKind`).
        source_ref: The proposal, building, ticket … id it came from.
        affair: Its 五事联办 kind (:class:`~redcity.meetings.AffairKind`).
        matter: Its 民法典 278 matter, when it is one; a resolution on it
            needs an owners' decision before it is carried out.

    >>> AgendaItem(id="i1", topic="飞线充电整治", source="工单", source_ref="t-88",
    ...            affair="急事").affair.zh
    '急事'
    """

    id: str = attrs.field(validator=non_empty_text)
    topic: str = attrs.field(validator=non_empty_text)
    source: SourceKind = attrs.field(default=SourceKind.OTHER, converter=_source)
    source_ref: str | None = attrs.field(default=None, validator=optional_text)
    affair: AffairKind | None = attrs.field(default=None, converter=_opt_affair)
    matter: Matter | None = attrs.field(default=None, converter=_opt_matter)


@attrs.frozen(kw_only=True)
class Motion:
    """A proposal put to the vote on an agenda item (动议).

    >>> Motion(id="mo1", item_id="i1", text="设置集中充电桩").item_id
    'i1'
    """

    id: str = attrs.field(validator=non_empty_text)
    item_id: str = attrs.field(validator=non_empty_text)
    text: str = attrs.field(validator=non_empty_text)
    proposed_by: str | None = attrs.field(default=None, validator=optional_text)


@attrs.frozen(kw_only=True)
class Vote:
    """One voter's vote on one motion (Popolo ``vote``).

    Attributes:
        motion_id: The motion.
        voter_id: The roll member whose vote it is.
        party_id: The party it counts for (from the roll).
        choice: :class:`Choice`.
        cast_by: Who cast it: the voter, or their proxy.

    >>> Vote(motion_id="mo1", voter_id="p-1", party_id="o-jwh", choice="赞成",
    ...      cast_by="p-1").choice
    <Choice.YES: 'yes'>
    """

    motion_id: str = attrs.field(validator=non_empty_text)
    voter_id: str = attrs.field(validator=non_empty_text)
    party_id: str = attrs.field(validator=non_empty_text)
    choice: Choice = attrs.field(converter=_choice)
    cast_by: str = attrs.field(validator=non_empty_text)


@attrs.frozen(kw_only=True)
class OwnersApproval:
    """The result of an owners' decision (业主共同决定) attached to a resolution.

    Attributes:
        reference: Where the decision is recorded (an 业主大会 id …).
        decided_at: When it was decided.
        matter: The 民法典 278 matter decided.
        passed: Whether it passed.
        quorum_met: Whether the two-thirds participation quorum was met.

    >>> import pendulum
    >>> OwnersApproval(reference="yzdh-1", matter="(八)", passed=True,
    ...                quorum_met=True,
    ...     decided_at=pendulum.datetime(2024, 6, 1, tz="Asia/Shanghai")).matter
    <Matter.CHANGE_COMMON_USE: 'change_common_use'>
    """

    reference: str = attrs.field(validator=non_empty_text)
    decided_at: datetime = attrs.field(validator=aware)
    matter: Matter = attrs.field(converter=_matter)
    passed: bool
    quorum_met: bool


@attrs.frozen(kw_only=True)
class Resolution:
    """What the meeting resolved on a motion that passed (决议).

    Carries its provenance: the motion, the agenda item, the tally and the
    outcome of the decision rule.  A resolution on a 民法典 278 matter
    cannot be carried out until an owners' decision on that matter passes
    (:attr:`needs_owners_decision`; attach one with
    :meth:`Meeting.attach_owners_decision`).

    References:
        《中华人民共和国民法典》 第二百七十八条: those matters are decided
        by the owners jointly, not by a three-party meeting.
    """

    id: str = attrs.field(validator=non_empty_text)
    motion_id: str = attrs.field(validator=non_empty_text)
    item_id: str = attrs.field(validator=non_empty_text)
    text: str = attrs.field(validator=non_empty_text)
    tally: Tally
    outcome: Outcome
    matter: Matter | None = attrs.field(default=None, converter=_opt_matter)
    owners_decisions: tuple[OwnersApproval, ...] = attrs.field(
        default=(), converter=_tuple
    )

    @property
    def needs_owners_decision(self) -> bool:
        """True while the resolution is on a 278 matter and no owners' decision on
        it has passed."""
        return self.matter is not None and not any(
            d.passed and d.matter is self.matter for d in self.owners_decisions
        )


@attrs.frozen(kw_only=True)
class ActionItem:
    """A task the meeting assigned (任务分办), and how it ended.

    Attributes:
        id: Unique within the meeting.
        title: What is to be done.
        organization_id: The responsible organisation.
        person_id: The responsible person.
        assigned_at: When it was assigned (the meeting's time).
        due: When it is due.
        resolution_id: The resolution it carries out, if any.
        item_id: The agenda item it belongs to, if any.
        done_at: When it was done; ``None`` while open.
        feedback: What was done, for residents (结果反馈).

    >>> import pendulum
    >>> t = pendulum.datetime(2024, 5, 10, 9, tz="Asia/Shanghai")
    >>> ActionItem(id="a1", title="安装充电桩", organization_id="o-wy",
    ...            person_id="p-li", assigned_at=t, due=t.add(days=7)).done
    False
    """

    id: str = attrs.field(validator=non_empty_text)
    title: str = attrs.field(validator=non_empty_text)
    organization_id: str = attrs.field(validator=non_empty_text)
    person_id: str = attrs.field(validator=non_empty_text)
    assigned_at: datetime = attrs.field(validator=aware)
    due: datetime = attrs.field(validator=aware)
    resolution_id: str | None = attrs.field(default=None, validator=optional_text)
    item_id: str | None = attrs.field(default=None, validator=optional_text)
    done_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    feedback: str | None = attrs.field(default=None, validator=optional_text)

    @property
    def done(self) -> bool:
        """Whether the action is done."""
        return self.done_at is not None

    def overdue(self, now: datetime) -> bool:
        """Whether it is (or was, when done) late at ``now``.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 5, 10, 9, tz="Asia/Shanghai")
        >>> a = ActionItem(id="a1", title="清理", organization_id="o-wy",
        ...                person_id="p-li", assigned_at=t, due=t.add(days=1))
        >>> a.overdue(t.add(days=2))
        True
        """
        require_aware(now, "now")
        return (self.done_at or now) > self.due


@attrs.frozen(kw_only=True)
class Feedback:
    """Feedback to residents on what the meeting did (反馈).

    >>> import pendulum
    >>> Feedback(id="f1", at=pendulum.datetime(2024, 5, 20, tz="Asia/Shanghai"),
    ...          text="乒乓球台已安装", channel="小区公告栏").channel
    '小区公告栏'
    """

    id: str = attrs.field(validator=non_empty_text)
    at: datetime = attrs.field(validator=aware)
    text: str = attrs.field(validator=non_empty_text)
    item_id: str | None = attrs.field(default=None, validator=optional_text)
    channel: str | None = attrs.field(default=None, validator=optional_text)


# --------------------------------------------------------------------------
# Decision rules per kind, notice policy
# --------------------------------------------------------------------------

DEFAULT_RULES: Final[Mapping[MeetingKind, DecisionRule]] = {
    MeetingKind.THREE_PARTY: all_of(quorum_per_party, per_party_consent),
    MeetingKind.RED_COUNCIL: simple_majority,
    MeetingKind.JOINT_CONFERENCE: simple_majority,
    MeetingKind.RESIDENTS_MEETING: residents_meeting,
    MeetingKind.OWNERS_ASSEMBLY: simple_majority,
    MeetingKind.OWNERS_COMMITTEE_MEETING: owners_committee_meeting,
}
"""The decision rule each kind of meeting votes by, unless told otherwise.

三方共议会: each party present and each party's present members agree;
居民会议: more than half present, more than half of those present
(城市居民委员会组织法 第十条); 业委会会议: more than half of the members
present and more than half of the members agree; the others a simple
majority.  An 业主大会's 278 matters are decided by
:func:`~redcity.meetings.owners_decision`, not by a show of hands.
"""


def default_rule(
    kind: MeetingKind | str,
    rules: Mapping[MeetingKind, DecisionRule] | None = None,
) -> DecisionRule:
    """The decision rule for a kind of meeting: from ``rules``, else the default.

    >>> from redcity.meetings.decisions import two_thirds
    >>> default_rule("红色议事会", {MeetingKind.RED_COUNCIL: two_thirds}) is two_thirds
    True
    """
    k = MeetingKind.parse(kind)
    if rules is not None and k in rules:
        return rules[k]
    return DEFAULT_RULES[k]


def _kinds(value: Iterable[MeetingKind | str]) -> frozenset[MeetingKind]:
    return frozenset(MeetingKind.parse(v) for v in value)


def _days(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 0:
        msg = f"Expected {attr.name} to be a whole number of days >= 0, got {value!r}."
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class NoticePolicy:
    """Notice and publication periods, checked on the calendar.

    Days are calendar days counted in the calendar's zone; the day of the
    notice does not count (民法典 第二百零一条), so a notice on 1 March
    gives 15 days' notice for a meeting on 16 March.  A publication period
    whose last day is a rest day or holiday ends on the next working day
    (民法典 第二百零三条), read from ``calendar``.

    Attributes:
        kinds: The kinds of meeting the notice rules apply to.
        days_before: Least days between notice and meeting (default 15).
        inform_residents_committee: Whether the residents' committee must
            be informed with the notice (default True).
        publish_kinds: The kinds whose decisions must be published.
        publish_within: Days after the meeting to publish decisions (3).
        extend_past_rest_days: Apply 第二百零三条 to the publication period.
        calendar: The working calendar (default ``WorkCalendar.china()``).

    References:
        《业主大会和业主委员会指导规则》(住房和城乡建设部, 2009): the
        owners' committee notifies all owners 15 days before an 业主大会
        meeting and informs the residents' committee; decisions are
        published in the compound (3 days is the default here; check your
        province's rules).  《物业管理条例》 第十四条 says the same of the
        15 days and the residents' committee.
        《中华人民共和国民法典》 第二百零一条、第二百零三条.

    >>> NoticePolicy().days_before, NoticePolicy().publish_within
    (15, 3)
    """

    kinds: frozenset[MeetingKind] = attrs.field(
        default=frozenset({MeetingKind.OWNERS_ASSEMBLY}), converter=_kinds
    )
    days_before: int = attrs.field(default=15, validator=_days)
    inform_residents_committee: bool = True
    publish_kinds: frozenset[MeetingKind] = attrs.field(
        default=frozenset({MeetingKind.OWNERS_ASSEMBLY}), converter=_kinds
    )
    publish_within: int = attrs.field(default=3, validator=_days)
    extend_past_rest_days: bool = True
    calendar: WorkCalendar = attrs.field(factory=WorkCalendar.china, eq=False)


DEFAULT_NOTICE_POLICY: Final = NoticePolicy()
"""15 days' notice and the residents' committee informed for an 业主大会;
its decisions published within 3 days."""


def _to_zone_date(moment: datetime, cal: WorkCalendar) -> date:
    d = pendulum.instance(moment).in_timezone(cal.tz)
    return date(d.year, d.month, d.day)


def notice_problems(
    meeting: Meeting, policy: NoticePolicy = DEFAULT_NOTICE_POLICY
) -> tuple[Problem, ...]:
    """Problems with a meeting's notice: too short, or the 居委会 not informed.

    Only meetings of ``policy.kinds`` are checked, and only once notified
    and scheduled (``held_at`` if held, else ``planned_for``).

    References:
        《业主大会和业主委员会指导规则》 (15 days, residents' committee
        informed); 民法典 第二百零一条 (the first day does not count).

    >>> import pendulum
    >>> t = pendulum.datetime(2024, 3, 16, 19, tz="Asia/Shanghai")
    >>> m = Meeting.plan(id="yz-1", kind="业主大会", title="兴茂小区业主大会",
    ...                  node_id="n-xm", venue="小区广场", convened_by="o-ywh",
    ...                  planned_for=t)
    >>> notice_problems(m.notify(at=t.subtract(days=15),
    ...                          residents_committee_informed=True))
    ()
    >>> [p.message for p in notice_problems(m.notify(at=t.subtract(days=14)))]
    ['Expected notice at least 15 days before the 业主大会 on 2024-03-16, got 14 days (notified 2024-03-02).', 'Expected the residents committee (居委会) to be informed with the notice of an 业主大会; it was not.']
    """  # noqa: E501
    if meeting.kind not in policy.kinds or meeting.notified_at is None:
        return ()
    cal = policy.calendar
    when = meeting.held_at or meeting.planned_for
    notified = _to_zone_date(meeting.notified_at, cal)
    day = _to_zone_date(when, cal)
    out: list[Problem] = []
    gap = (day - notified).days
    # 业主大会和业主委员会指导规则: 会议召开15日以前通知全体业主.
    if gap < policy.days_before:
        out.append(
            Problem(
                meeting.id,
                "notified_at",
                f"Expected notice at least {policy.days_before} days before the "
                f"{meeting.kind.zh} on {day.isoformat()}, got {gap} days "
                f"(notified {notified.isoformat()}).",
            )
        )
    # 业主大会和业主委员会指导规则: 同时告知相关的居民委员会.
    if (
        policy.inform_residents_committee
        and meeting.residents_committee_informed_at is None
    ):
        out.append(
            Problem(
                meeting.id,
                "residents_committee_informed_at",
                "Expected the residents committee (居委会) to be informed with the "
                f"notice of an {meeting.kind.zh}; it was not.",
            )
        )
    return tuple(out)


def publication_deadline(
    meeting: Meeting, policy: NoticePolicy = DEFAULT_NOTICE_POLICY
) -> date | None:
    """The last day to publish a held meeting's decisions (``None`` if not held).

    ``publish_within`` days after the meeting's date; when that day is a
    rest day or holiday, the next working day (民法典 第二百零三条).

    >>> import pendulum
    >>> t = pendulum.datetime(2024, 9, 28, 19, tz="Asia/Shanghai")  # a Saturday
    >>> m = Meeting.plan(id="yz-1", kind="业主大会", title="业主大会",
    ...                  node_id="n-xm", venue="广场", convened_by="o-ywh",
    ...                  planned_for=t).notify(at=t.subtract(days=20),
    ...                  residents_committee_informed=True).hold(at=t)
    >>> publication_deadline(m)  # 10-01 falls in 国庆; work resumes 10-08
    datetime.date(2024, 10, 8)
    """
    if meeting.held_at is None:
        return None
    cal = policy.calendar
    last = _to_zone_date(meeting.held_at, cal) + timedelta(days=policy.publish_within)
    # 民法典 第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为
    # 期间的最后一日.
    if policy.extend_past_rest_days:
        while not cal.is_working_day(last):
            last += timedelta(days=1)
    return last


def publication_problems(
    meeting: Meeting,
    policy: NoticePolicy = DEFAULT_NOTICE_POLICY,
    *,
    now: datetime | None = None,
) -> tuple[Problem, ...]:
    """Problems with publishing a held meeting's decisions.

    Published after :func:`publication_deadline` is a problem; not yet
    published is one only when ``now`` is past the deadline.

    References:
        《业主大会和业主委员会指导规则》: decisions are published in the
        compound (the 3-day default is configurable); 民法典 第二百零三条.
    """
    if meeting.kind not in policy.publish_kinds:
        return ()
    last = publication_deadline(meeting, policy)
    if last is None:
        return ()
    cal = policy.calendar
    if meeting.published_at is not None:
        day = _to_zone_date(meeting.published_at, cal)
        if day > last:
            return (
                Problem(
                    meeting.id,
                    "published_at",
                    f"Expected the decisions published by {last.isoformat()}, "
                    f"got {day.isoformat()}.",
                ),
            )
        return ()
    if now is not None:
        require_aware(now, "now")
        if _to_zone_date(now, cal) > last:
            return (
                Problem(
                    meeting.id,
                    "published_at",
                    f"Expected the decisions published by {last.isoformat()}; "
                    "they are not published yet.",
                ),
            )
    return ()


# --------------------------------------------------------------------------
# Tally
# --------------------------------------------------------------------------


def tally(meeting: Meeting, motion_id: str) -> Tally:
    """The votes on a motion, per party (Popolo ``group_results``).

    ``members`` of a party are its entitled voters on the roll; ``present``
    those of them in attendance (in person or by proxy); each voter counts
    once, for the party the roll names.  Parties come in the meeting's order,
    named by organisation id.

    Raises:
        KeyError: the meeting has no such motion.

    >>> import pendulum
    >>> from redcity.meetings.parties import Party, RollEntry
    >>> t = pendulum.datetime(2024, 5, 10, 9, tz="Asia/Shanghai")
    >>> m = Meeting.plan(id="m", kind="红色议事会", title="议事会", node_id="n",
    ...     venue="议事厅", convened_by="o-dw", planned_for=t,
    ...     parties=[Party(organization_id="o-a", name="A", kind="居委会")],
    ...     roll=[RollEntry(person_id="p1", party_id="o-a"),
    ...           RollEntry(person_id="p2", party_id="o-a")],
    ...     agenda=[AgendaItem(id="i", topic="议题")]).notify(at=t).hold(
    ...     at=t, attendance=[Attendee(person_id="p1", organization_id="o-a")])
    >>> m = m.move(id="mo", item_id="i", text="动议").vote("mo", "p1", "yes")
    >>> tally(m, "mo")["o-a"]
    PartyTally(party='o-a', members=2, present=1, yes=1, no=0, abstain=0)
    """
    if motion_id not in {mo.id for mo in meeting.motions}:
        msg = f"Meeting {meeting.id!r} has no motion {motion_id!r}."
        raise KeyError(msg)
    members: dict[str, int] = {p.organization_id: 0 for p in meeting.parties}
    party_of = {e.person_id: e.party_id for e in meeting.roll}
    for e in meeting.roll:
        members[e.party_id] = members.get(e.party_id, 0) + 1
    present: dict[str, int] = dict.fromkeys(members, 0)
    for voter in {a.voter_id for a in meeting.attendance}:
        if voter in party_of:
            present[party_of[voter]] += 1
    counts: dict[str, dict[Choice, int]] = {
        p: dict.fromkeys(Choice, 0) for p in members
    }
    seen: set[str] = set()
    for v in meeting.votes:
        if v.motion_id == motion_id and v.voter_id not in seen:
            seen.add(v.voter_id)
            counts[party_of[v.voter_id]][v.choice] += 1
    rows: tuple[PartyTally, ...] = tuple(
        [
            PartyTally(
                p,
                members=members[p],
                present=present[p],
                yes=counts[p][Choice.YES],
                no=counts[p][Choice.NO],
                abstain=counts[p][Choice.ABSTAIN],
            )
            for p in members
        ]
    )
    return Tally(rows)


# --------------------------------------------------------------------------
# The meeting record
# --------------------------------------------------------------------------


@runtime_checkable
class DecisionResult(Protocol):
    """What :meth:`Meeting.attach_owners_decision` reads from an owners' decision
    (:class:`~redcity.meetings.OwnersDecision` has it)."""

    @property
    def passed(self) -> bool: ...

    @property
    def quorum_met(self) -> bool: ...


_ORDER: Final = list(MeetingState)

_STAMPS: Final = (
    (MeetingState.NOTIFIED, "notified_at"),
    (MeetingState.HELD, "held_at"),
    (MeetingState.MINUTES_APPROVED, "minutes_approved_at"),
    (MeetingState.CLOSED, "closed_at"),
)


@attrs.frozen(kw_only=True)
class Meeting:
    """One meeting: what was planned, who came, what was voted and decided.

    Build one with :meth:`plan`, then step it along with :meth:`notify`,
    :meth:`hold`, :meth:`approve_minutes` and :meth:`close`; record the
    meeting's business with :meth:`add_item`, :meth:`move`, :meth:`vote`,
    :meth:`resolve` and :meth:`assign`, and its follow-up with
    :meth:`complete_action`, :meth:`give_feedback`, :meth:`publish` and
    :meth:`attach_owners_decision`.  Each returns a new record.

    Attributes:
        id: Unique id of this version of the record.
        kind: :class:`MeetingKind`.
        title: Title for the minutes, e.g. ``"兴茂小区第一次三方共议会"``.
        node_id: The grid node (community or compound) it concerns.
        venue: Where it is held, e.g. ``"兴茂小区红色议事亭"``.
        convened_by: The convening organisation's id.
        planned_for: When it is scheduled.
        parties: The voting parties, in order.
        roll: The entitled voters, one entry per person.
        state: :class:`MeetingState`.
        version: 1, or more for an amendment.
        amends: The id of the version this one amends.
        notified_at, held_at, minutes_approved_at, closed_at: When each
            step happened.
        residents_committee_informed_at: When the 居委会 was informed.
        minutes_approved_by: Who approved the minutes.
        published_at: When the decisions were published.
        attendance, agenda, motions, votes, resolutions, actions, feedback:
            The meeting's business and follow-up.

    Raises:
        ValidationError: listing every inconsistency in the record.
    """

    id: str = attrs.field(validator=non_empty_text)
    kind: MeetingKind = attrs.field(converter=_kind)
    title: str = attrs.field(validator=non_empty_text)
    node_id: str = attrs.field(validator=non_empty_text)
    venue: str = attrs.field(validator=non_empty_text)
    convened_by: str = attrs.field(validator=non_empty_text)
    planned_for: datetime = attrs.field(validator=aware)
    parties: tuple[Party, ...] = attrs.field(default=(), converter=_tuple)
    roll: tuple[RollEntry, ...] = attrs.field(default=(), converter=_tuple)
    state: MeetingState = attrs.field(default=MeetingState.PLANNED, converter=_state)
    version: int = attrs.field(default=1, validator=positive_int)
    amends: str | None = attrs.field(default=None, validator=optional_text)
    notified_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    residents_committee_informed_at: datetime | None = attrs.field(
        default=None, validator=optional_aware
    )
    held_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    minutes_approved_at: datetime | None = attrs.field(
        default=None, validator=optional_aware
    )
    minutes_approved_by: str | None = attrs.field(default=None, validator=optional_text)
    published_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    closed_at: datetime | None = attrs.field(default=None, validator=optional_aware)
    attendance: tuple[Attendee, ...] = attrs.field(default=(), converter=_tuple)
    agenda: tuple[AgendaItem, ...] = attrs.field(default=(), converter=_tuple)
    motions: tuple[Motion, ...] = attrs.field(default=(), converter=_tuple)
    votes: tuple[Vote, ...] = attrs.field(default=(), converter=_tuple)
    resolutions: tuple[Resolution, ...] = attrs.field(default=(), converter=_tuple)
    actions: tuple[ActionItem, ...] = attrs.field(default=(), converter=_tuple)
    feedback: tuple[Feedback, ...] = attrs.field(default=(), converter=_tuple)

    def __attrs_post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValidationError(problems)

    # ---------------------------------------------------------------- checks

    def problems(self) -> tuple[Problem, ...]:
        """Every inconsistency in the record (empty for a valid one).

        Checked: unique ids; the roll names each person once and only the
        meeting's parties; a 三方共议会 has one party of each of the three
        kinds; attendance names each voter once; votes name a motion, a
        present roll member and that member's party, once per motion;
        references between motions, items, resolutions and actions; the
        timestamps of the steps reached, in order, and none beyond.
        """
        out: list[Problem] = []
        mid = self.id

        def dupes(field: str, ids: Iterable[str]) -> None:
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    out.append(
                        Problem(mid, field, f"Expected unique ids, got {i!r} twice.")
                    )
                seen.add(i)

        dupes("parties", (p.organization_id for p in self.parties))
        dupes("roll", (e.person_id for e in self.roll))
        dupes("attendance", (a.voter_id for a in self.attendance))
        dupes("agenda", (i.id for i in self.agenda))
        dupes("motions", (m.id for m in self.motions))
        dupes("resolutions", (r.id for r in self.resolutions))
        dupes("resolutions", (r.motion_id for r in self.resolutions))
        dupes("actions", (a.id for a in self.actions))
        dupes("feedback", (f.id for f in self.feedback))
        dupes("votes", (f"{v.motion_id}/{v.voter_id}" for v in self.votes))
        if self.kind is MeetingKind.THREE_PARTY and self.parties:
            out.extend(
                Problem(mid, "parties", str(p))
                for p in check_three_parties(self.parties)
            )
        party_ids = {p.organization_id for p in self.parties}
        party_of = {e.person_id: e.party_id for e in self.roll}
        out.extend(
            Problem(
                mid,
                "roll",
                f"Roll entry {e.person_id!r} names party {e.party_id!r}, which is "
                "not one of the meeting's parties.",
            )
            for e in self.roll
            if e.party_id not in party_ids
        )
        for a in self.attendance:
            roll_party = party_of.get(a.voter_id)
            if a.proxy_granted_by is not None and roll_party is None:
                out.append(
                    Problem(
                        mid,
                        "attendance",
                        f"{a.person_id!r} holds a proxy from {a.proxy_granted_by!r}, "
                        "who is not on the roll.",
                    )
                )
            if (
                roll_party is not None
                and a.on_behalf_of_id is not None
                and a.on_behalf_of_id != roll_party
            ):
                out.append(
                    Problem(
                        mid,
                        "attendance",
                        f"{a.voter_id!r} attends on behalf of {a.on_behalf_of_id!r} "
                        f"but the roll has them vote for {roll_party!r}; a person "
                        "votes for one party only.",
                    )
                )
        items = {i.id: i for i in self.agenda}
        motions = {m.id: m for m in self.motions}
        out.extend(
            Problem(
                mid, "motions", f"Motion {m.id!r} names unknown item {m.item_id!r}."
            )
            for m in self.motions
            if m.item_id not in items
        )
        voters = {a.voter_id: a for a in self.attendance}
        for v in self.votes:
            where = f"Vote of {v.voter_id!r} on {v.motion_id!r}"
            if v.motion_id not in motions:
                out.append(Problem(mid, "votes", f"{where} names an unknown motion."))
            if v.voter_id not in party_of:
                out.append(
                    Problem(mid, "votes", f"{where}: the voter is not on the roll.")
                )
            elif v.party_id != party_of[v.voter_id]:
                out.append(
                    Problem(
                        mid,
                        "votes",
                        f"{where} counts for {v.party_id!r}, but the roll has "
                        f"them vote for {party_of[v.voter_id]!r}.",
                    )
                )
            att = voters.get(v.voter_id)
            if att is None:
                out.append(Problem(mid, "votes", f"{where}: the voter is not present."))
            elif v.cast_by != att.person_id:
                out.append(
                    Problem(
                        mid,
                        "votes",
                        f"{where} was cast by {v.cast_by!r}, but {att.person_id!r} "
                        "carries that vote.",
                    )
                )
        res_ids = {r.id for r in self.resolutions}
        for r in self.resolutions:
            mo = motions.get(r.motion_id)
            if mo is None:
                out.append(
                    Problem(
                        mid,
                        "resolutions",
                        f"{r.id!r} names unknown motion {r.motion_id!r}.",
                    )
                )
            elif mo.item_id != r.item_id:
                out.append(
                    Problem(
                        mid,
                        "resolutions",
                        f"{r.id!r} names item {r.item_id!r}, but its motion is on "
                        f"{mo.item_id!r}.",
                    )
                )
        for act in self.actions:
            if act.resolution_id is not None and act.resolution_id not in res_ids:
                out.append(
                    Problem(
                        mid,
                        "actions",
                        f"{act.id!r} names unknown resolution {act.resolution_id!r}.",
                    )
                )
            if act.item_id is not None and act.item_id not in items:
                out.append(
                    Problem(
                        mid,
                        "actions",
                        f"{act.id!r} names unknown item {act.item_id!r}.",
                    )
                )
            if act.due < act.assigned_at:
                out.append(
                    Problem(
                        mid, "actions", f"{act.id!r} is due before it was assigned."
                    )
                )
            if act.done_at is None and act.feedback is not None:
                out.append(
                    Problem(mid, "actions", f"{act.id!r} has feedback but is not done.")
                )
        out.extend(
            Problem(mid, "feedback", f"{f.id!r} names unknown item {f.item_id!r}.")
            for f in self.feedback
            if f.item_id is not None and f.item_id not in items
        )
        out.extend(self._state_problems())
        return tuple(out)

    def _state_problems(self) -> list[Problem]:
        out: list[Problem] = []
        rank = _ORDER.index(self.state)
        last: datetime | None = None
        for state, name in _STAMPS:
            stamp = getattr(self, name)
            reached = _ORDER.index(state) <= rank
            if reached and stamp is None:
                out.append(
                    Problem(self.id, name, f"A {self.state.zh} meeting needs {name}.")
                )
            if not reached and stamp is not None:
                out.append(
                    Problem(
                        self.id,
                        name,
                        f"A {self.state.zh} meeting has no {name} yet, got {stamp}.",
                    )
                )
            if stamp is not None:
                if last is not None and stamp < last:
                    out.append(
                        Problem(
                            self.id, name, f"{name} {stamp} is before an earlier step."
                        )
                    )
                last = stamp
        if rank < _ORDER.index(MeetingState.HELD) and (
            self.attendance
            or self.motions
            or self.votes
            or self.resolutions
            or self.actions
            or self.feedback
            or self.published_at
        ):
            out.append(
                Problem(
                    self.id, "state", "A meeting not yet held has no business recorded."
                )
            )
        if self.minutes_approved_by is not None and self.minutes_approved_at is None:
            out.append(
                Problem(
                    self.id,
                    "minutes_approved_by",
                    "Minutes not approved have no approver.",
                )
            )
        if self.state is MeetingState.CLOSED:
            out.extend(
                Problem(
                    self.id, "actions", f"A closed meeting has open action {a.id!r}."
                )
                for a in self.actions
                if not a.done
            )
        if (self.version == 1) != (self.amends is None):
            out.append(
                Problem(
                    self.id,
                    "amends",
                    "Version 1 amends nothing; a later version names the one "
                    "it amends.",
                )
            )
        return out

    # ----------------------------------------------------------- transitions

    @classmethod
    def plan(
        cls,
        *,
        id: str,
        kind: MeetingKind | str,
        title: str,
        node_id: str,
        venue: str,
        convened_by: str,
        planned_for: datetime,
        parties: Iterable[Party] = (),
        roll: Iterable[RollEntry] = (),
        agenda: Iterable[AgendaItem] = (),
    ) -> Meeting:
        """A planned meeting (计划).

        Raises:
            ValidationError: listing every problem (a 三方共议会 without its
                three parties, a roll naming other parties …).
            NaiveDatetimeError: ``planned_for`` is naive.
        """
        return cls(
            id=id,
            kind=kind,
            title=title,
            node_id=node_id,
            venue=venue,
            convened_by=convened_by,
            planned_for=planned_for,
            parties=parties,
            roll=roll,
            agenda=agenda,
        )

    def _require(self, action: str, *states: MeetingState) -> None:
        if self.state not in states:
            allowed = " or ".join(f"{s.zh} ({s.value})" for s in states)
            msg = (
                f"Cannot {action} meeting {self.id!r}: it is {self.state.zh} "
                f"({self.state.value}), and this step needs it {allowed}; "
                "nothing was changed."
            )
            raise IllegalMeetingTransition(msg)

    def _not_before(self, name: str, at: datetime, earlier: datetime | None) -> None:
        require_aware(at, name)
        if earlier is not None and at < earlier:
            msg = (
                f"Meeting {self.id!r}: {name} {at.isoformat()} is before the "
                f"previous step at {earlier.isoformat()}; nothing was changed."
            )
            raise MeetingError(msg)

    def notify(
        self, *, at: datetime, residents_committee_informed: bool = False
    ) -> Meeting:
        """Planned → notified: the notice went out at ``at``.

        Args:
            at: When the notice went out.
            residents_committee_informed: The 居委会 was informed at the same
                time (required before an 业主大会).

        Raises:
            IllegalMeetingTransition: the meeting is not planned.
        """
        self._require("notify", MeetingState.PLANNED)
        require_aware(at, "at")
        return attrs.evolve(
            self,
            state=MeetingState.NOTIFIED,
            notified_at=at,
            residents_committee_informed_at=at
            if residents_committee_informed
            else None,
        )

    def add_item(self, item: AgendaItem) -> Meeting:
        """Add an agenda item, before the minutes are approved.

        Raises:
            IllegalMeetingTransition: the minutes are approved.
            MeetingError: the item's id is taken.
        """
        self._require(
            "add an item to",
            MeetingState.PLANNED,
            MeetingState.NOTIFIED,
            MeetingState.HELD,
        )
        if any(i.id == item.id for i in self.agenda):
            msg = f"Meeting {self.id!r} already has item {item.id!r}; nothing changed."
            raise MeetingError(msg)
        return attrs.evolve(self, agenda=(*self.agenda, item))

    def hold(
        self,
        *,
        at: datetime,
        attendance: Iterable[Attendee] = (),
        notice: NoticePolicy | None = DEFAULT_NOTICE_POLICY,
    ) -> Meeting:
        """Notified → held: the meeting took place at ``at`` with ``attendance``.

        Args:
            at: When it was held.
            attendance: Who was present (one entry per voter).
            notice: Check the notice period (:func:`notice_problems`);
                ``None`` records a meeting held without due notice.

        Raises:
            IllegalMeetingTransition: the meeting is not notified.
            MeetingError: held before the notice, or the notice was too
                short or incomplete (every problem listed).
            ValidationError: the attendance is inconsistent with the roll.
        """
        self._require("hold", MeetingState.NOTIFIED)
        self._not_before("at", at, self.notified_at)
        held = attrs.evolve(
            self, state=MeetingState.HELD, held_at=at, attendance=tuple(attendance)
        )
        if notice is not None:
            problems = notice_problems(held, notice)
            if problems:
                lines = "\n".join(f"  - {p}" for p in problems)
                msg = (
                    f"Cannot hold meeting {self.id!r} without due notice; nothing "
                    f"was changed:\n{lines}\nPass notice=None to record it anyway."
                )
                raise MeetingError(msg)
        return held

    def move(
        self, *, id: str, item_id: str, text: str, proposed_by: str | None = None
    ) -> Meeting:
        """Put a motion on an agenda item to the meeting (held only).

        Raises:
            IllegalMeetingTransition: the meeting is not held, or its
                minutes are approved.
            MeetingError: the id is taken or the item unknown.
        """
        self._require("put a motion to", MeetingState.HELD)
        if any(m.id == id for m in self.motions):
            msg = f"Meeting {self.id!r} already has motion {id!r}; nothing was changed."
            raise MeetingError(msg)
        if item_id not in {i.id for i in self.agenda}:
            msg = f"Meeting {self.id!r} has no agenda item {item_id!r}; add it first."
            raise MeetingError(msg)
        motion = Motion(id=id, item_id=item_id, text=text, proposed_by=proposed_by)
        return attrs.evolve(self, motions=(*self.motions, motion))

    def vote(
        self,
        motion_id: str,
        person_id: str,
        choice: Choice | str,
        *,
        by: str | None = None,
    ) -> Meeting:
        """Record ``person_id``'s vote on a motion (held only).

        The vote counts for the party the roll names.  A voter present by
        proxy votes through their proxy (``by``, checked when given).

        Args:
            motion_id: The motion.
            person_id: The roll member whose vote it is.
            choice: ``"yes"``/``"no"``/``"abstain"`` or 赞成/反对/弃权.
            by: Who cast it, when a proxy did.

        Raises:
            IllegalMeetingTransition: the meeting is not held.
            MeetingError: unknown motion; the person is not on the roll or
                not present; the wrong proxy; the motion is resolved; or the
                person already voted on it.
        """
        self._require("vote in", MeetingState.HELD)
        c = Choice.parse(choice)
        if motion_id not in {m.id for m in self.motions}:
            msg = f"Meeting {self.id!r} has no motion {motion_id!r}."
            raise MeetingError(msg)
        if any(r.motion_id == motion_id for r in self.resolutions):
            msg = f"Motion {motion_id!r} is already resolved; voting is over."
            raise MeetingError(msg)
        entry = next((e for e in self.roll if e.person_id == person_id), None)
        if entry is None:
            msg = (
                f"Person {person_id!r} is not on the roll of meeting {self.id!r}; "
                "only entitled voters vote."
            )
            raise MeetingError(msg)
        att = next((a for a in self.attendance if a.voter_id == person_id), None)
        if att is None:
            msg = f"Person {person_id!r} is not present (in person or by proxy)."
            raise MeetingError(msg)
        if by is not None and by != att.person_id:
            msg = (
                f"The vote of {person_id!r} is carried by {att.person_id!r}, "
                f"not {by!r}."
            )
            raise MeetingError(msg)
        prior = next(
            (
                v
                for v in self.votes
                if v.motion_id == motion_id and v.voter_id == person_id
            ),
            None,
        )
        if prior is not None:
            msg = (
                f"Person {person_id!r} has already voted on motion {motion_id!r} "
                f"({prior.choice.value}); one person casts one vote per motion."
            )
            raise MeetingError(msg)
        v = Vote(
            motion_id=motion_id,
            voter_id=person_id,
            party_id=entry.party_id,
            choice=c,
            cast_by=att.person_id,
        )
        return attrs.evolve(self, votes=(*self.votes, v))

    def tally(self, motion_id: str) -> Tally:
        """The votes on a motion, per party; see :func:`tally`."""
        return tally(self, motion_id)

    def outcome(self, motion_id: str, rule: DecisionRule | None = None) -> Outcome:
        """Whether a motion passed, by ``rule`` or the kind's :func:`default_rule`.

        Raises:
            KeyError: no such motion.
        """
        return (rule or default_rule(self.kind))(self.tally(motion_id))

    def resolve(
        self,
        motion_id: str,
        *,
        id: str,
        text: str,
        rule: DecisionRule | None = None,
    ) -> Meeting:
        """Record the resolution of a motion that passed (held only).

        The resolution keeps the tally and outcome; on a 民法典 278 matter it
        needs an owners' decision before it is carried out.

        Raises:
            IllegalMeetingTransition: the meeting is not held.
            MeetingError: unknown motion; it did not pass; it is resolved
                already; the id is taken.
        """
        self._require("resolve in", MeetingState.HELD)
        motion = next((m for m in self.motions if m.id == motion_id), None)
        if motion is None:
            msg = f"Meeting {self.id!r} has no motion {motion_id!r}."
            raise MeetingError(msg)
        if any(r.motion_id == motion_id or r.id == id for r in self.resolutions):
            msg = f"Motion {motion_id!r} or resolution id {id!r} is already taken."
            raise MeetingError(msg)
        t = self.tally(motion_id)
        out = (rule or default_rule(self.kind))(t)
        if not out.passed:
            why = "; ".join(out.reasons) or out.requirement
            msg = f"Motion {motion_id!r} did not pass ({why}); nothing to resolve."
            raise MeetingError(msg)
        item = next(i for i in self.agenda if i.id == motion.item_id)
        r = Resolution(
            id=id,
            motion_id=motion_id,
            item_id=motion.item_id,
            text=text,
            tally=t,
            outcome=out,
            matter=item.matter,
        )
        return attrs.evolve(self, resolutions=(*self.resolutions, r))

    def assign(
        self,
        *,
        id: str,
        title: str,
        organization_id: str,
        person_id: str,
        due_in: int | None = None,
        due: datetime | None = None,
        calendar: WorkCalendar | None = None,
        resolution_id: str | None = None,
        item_id: str | None = None,
    ) -> Meeting:
        """Assign an action item (held only), due in ``due_in`` working days.

        ``due_in`` counts working days after the meeting on ``calendar``
        (China's by default: 调休 weekends count, holidays do not); or give
        ``due`` outright.

        Raises:
            IllegalMeetingTransition: the meeting is not held.
            MeetingError: both or neither of ``due_in`` and ``due``; a taken
                id or an unknown resolution or item.
        """
        self._require("assign an action in", MeetingState.HELD)
        assert self.held_at is not None  # a held meeting has held_at
        if (due_in is None) == (due is None):
            msg = "Give exactly one of due_in (working days) and due (a datetime)."
            raise MeetingError(msg)
        if due is None:
            assert due_in is not None
            due = (calendar or WorkCalendar.china()).add_working_days(
                self.held_at, due_in
            )
        action = ActionItem(
            id=id,
            title=title,
            organization_id=organization_id,
            person_id=person_id,
            assigned_at=self.held_at,
            due=due,
            resolution_id=resolution_id,
            item_id=item_id,
        )
        return self._evolve_checked(actions=(*self.actions, action))

    def _evolve_checked(self, **changes: Any) -> Meeting:
        try:
            return attrs.evolve(self, **changes)
        except ValidationError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            msg = f"Meeting {self.id!r}: nothing was changed:\n{lines}"
            raise MeetingError(msg) from exc

    def approve_minutes(self, *, at: datetime, by: str | None = None) -> Meeting:
        """Held → minutes approved (纪要审定): the minutes can no longer change.

        Raises:
            IllegalMeetingTransition: the meeting was never held, or is past approval.
            MeetingError: ``at`` is before the meeting.
        """
        self._require("approve the minutes of", MeetingState.HELD)
        self._not_before("at", at, self.held_at)
        return attrs.evolve(
            self,
            state=MeetingState.MINUTES_APPROVED,
            minutes_approved_at=at,
            minutes_approved_by=by,
        )

    def complete_action(
        self, action_id: str, *, at: datetime, feedback: str
    ) -> Meeting:
        """Mark an action done with a feedback note (held or approved).

        Raises:
            IllegalMeetingTransition: the meeting is not held, or is closed.
            MeetingError: unknown or already done action; done before it was
                assigned; it carries out a resolution still waiting for an
                owners' decision (民法典 第二百七十八条).
        """
        self._require(
            "complete an action of", MeetingState.HELD, MeetingState.MINUTES_APPROVED
        )
        require_aware(at, "at")
        action = next((a for a in self.actions if a.id == action_id), None)
        if action is None:
            msg = f"Meeting {self.id!r} has no action {action_id!r}."
            raise MeetingError(msg)
        if action.done:
            msg = f"Action {action_id!r} was already done at {action.done_at}."
            raise MeetingError(msg)
        if at < action.assigned_at:
            msg = f"Action {action_id!r} cannot be done before it was assigned."
            raise MeetingError(msg)
        res = next((r for r in self.resolutions if r.id == action.resolution_id), None)
        # 民法典 第二百七十八条: the owners decide these matters jointly.
        if res is not None and res.needs_owners_decision:
            assert res.matter is not None
            msg = (
                f"Action {action_id!r} carries out resolution {res.id!r} on "
                f"民法典 278 matter {res.matter.item} {res.matter.zh}, which needs "
                "an owners' decision first; attach one that passed."
            )
            raise MeetingError(msg)
        done = attrs.evolve(action, done_at=at, feedback=feedback)
        actions = tuple(done if a.id == action_id else a for a in self.actions)
        return attrs.evolve(self, actions=actions)

    def attach_owners_decision(
        self,
        resolution_id: str,
        result: DecisionResult,
        *,
        at: datetime,
        reference: str,
    ) -> Meeting:
        """Attach an owners' decision to a resolution on a 278 matter.

        A decision that passed clears :attr:`Resolution.needs_owners_decision`;
        one that failed is recorded and the flag stays.

        Args:
            resolution_id: The resolution.
            result: An :class:`~redcity.meetings.OwnersDecision` (anything
                with ``passed`` and ``quorum_met``; its ``matter``, when it
                has one, must be the resolution's).
            at: When the owners decided.
            reference: Where the decision is recorded.

        Raises:
            IllegalMeetingTransition: the meeting is not held, or is closed.
            MeetingError: unknown resolution; not a 278 matter; another matter.
        """
        self._require(
            "attach an owners' decision to",
            MeetingState.HELD,
            MeetingState.MINUTES_APPROVED,
        )
        res = next((r for r in self.resolutions if r.id == resolution_id), None)
        if res is None:
            msg = f"Meeting {self.id!r} has no resolution {resolution_id!r}."
            raise MeetingError(msg)
        if res.matter is None:
            msg = f"Resolution {resolution_id!r} is on no 民法典 278 matter."
            raise MeetingError(msg)
        matter = getattr(result, "matter", None)
        if matter is not None and Matter.parse(matter) is not res.matter:
            msg = (
                f"The owners' decision is on {Matter.parse(matter).zh}, but resolution "
                f"{resolution_id!r} is on {res.matter.zh}."
            )
            raise MeetingError(msg)
        approval = OwnersApproval(
            reference=reference,
            decided_at=at,
            matter=res.matter,
            passed=bool(result.passed),
            quorum_met=bool(result.quorum_met),
        )
        new = attrs.evolve(res, owners_decisions=(*res.owners_decisions, approval))
        return attrs.evolve(
            self,
            resolutions=tuple(
                new if r.id == resolution_id else r for r in self.resolutions
            ),
        )

    def give_feedback(
        self,
        *,
        id: str,
        at: datetime,
        text: str,
        item_id: str | None = None,
        channel: str | None = None,
    ) -> Meeting:
        """Record feedback to residents (held or approved).

        Raises:
            IllegalMeetingTransition: the meeting is not held, or is closed.
            MeetingError: a taken id or unknown item.
        """
        self._require(
            "give feedback on", MeetingState.HELD, MeetingState.MINUTES_APPROVED
        )
        self._not_before("at", at, self.held_at)
        f = Feedback(id=id, at=at, text=text, item_id=item_id, channel=channel)
        return self._evolve_checked(feedback=(*self.feedback, f))

    def publish(self, *, at: datetime) -> Meeting:
        """Record that the decisions were published (held or approved; once).

        Check the deadline with :func:`publication_problems`.

        Raises:
            IllegalMeetingTransition: the meeting is not held, or is closed.
            MeetingError: already published, or ``at`` before the meeting.
        """
        self._require("publish", MeetingState.HELD, MeetingState.MINUTES_APPROVED)
        if self.published_at is not None:
            msg = f"Meeting {self.id!r} was already published at {self.published_at}."
            raise MeetingError(msg)
        self._not_before("at", at, self.held_at)
        return attrs.evolve(self, published_at=at)

    def close(self, *, at: datetime) -> Meeting:
        """Minutes approved → closed (闭环): every action is done.

        Raises:
            IllegalMeetingTransition: the minutes are not approved.
            MeetingError: an action is still open, or ``at`` is too early.
        """
        self._require("close", MeetingState.MINUTES_APPROVED)
        self._not_before("at", at, self.minutes_approved_at)
        open_ids = [a.id for a in self.actions if not a.done]
        if open_ids:
            msg = (
                f"Cannot close meeting {self.id!r}: actions {open_ids} are still "
                "open; complete them with a feedback note first. Nothing was changed."
            )
            raise MeetingError(msg)
        return attrs.evolve(self, state=MeetingState.CLOSED, closed_at=at)

    def amend(self, *, id: str) -> Meeting:
        """A new version of approved minutes to correct (held again, draft minutes).

        The new record has ``version + 1`` and ``amends`` this record's id;
        this record is unchanged.  Approve the new version when corrected.

        Raises:
            IllegalMeetingTransition: the minutes are not approved yet (edit them).
            MeetingError: ``id`` is this record's id.
        """
        self._require("amend", MeetingState.MINUTES_APPROVED, MeetingState.CLOSED)
        if id == self.id:
            msg = f"An amendment needs a new id, got this record's {id!r}."
            raise MeetingError(msg)
        return attrs.evolve(
            self,
            id=id,
            version=self.version + 1,
            amends=self.id,
            state=MeetingState.HELD,
            minutes_approved_at=None,
            minutes_approved_by=None,
            closed_at=None,
        )

    def revise(
        self,
        *,
        agenda: Iterable[AgendaItem] | None = None,
        attendance: Iterable[Attendee] | None = None,
        title: str | None = None,
        venue: str | None = None,
    ) -> Meeting:
        """Correct draft minutes (held only): attendance, agenda, title, venue.

        Raises:
            IllegalMeetingTransition: the minutes are approved (amend them instead).
            MeetingError: the corrected record is inconsistent (listed).
        """
        self._require("revise", MeetingState.HELD)
        changes: dict[str, Any] = {}
        if agenda is not None:
            changes["agenda"] = tuple(agenda)
        if attendance is not None:
            changes["attendance"] = tuple(attendance)
        if title is not None:
            changes["title"] = title
        if venue is not None:
            changes["venue"] = venue
        return self._evolve_checked(**changes)

    # ---------------------------------------------------------------- views

    @property
    def open_actions(self) -> tuple[ActionItem, ...]:
        """Actions not yet done."""
        return tuple(a for a in self.actions if not a.done)

    @property
    def pending_owners_decisions(self) -> tuple[Resolution, ...]:
        """Resolutions that wait for an owners' decision (民法典 278)."""
        return tuple(r for r in self.resolutions if r.needs_owners_decision)

    def _repr_html_(self) -> str:
        """The minutes, for Jupyter (:func:`~redcity.meetings.minutes_html`)."""
        from redcity.meetings.minutes import minutes_html  # no import cycle

        return minutes_html(self)
