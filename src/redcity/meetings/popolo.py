"""Export meetings, organisations and people as one Popolo document.

:func:`to_popolo` turns meeting records (:class:`~redcity.meetings.Meeting`)
and the people records around them (:class:`~redcity.people.Person`,
:class:`~redcity.people.Organization`, :class:`~redcity.people.Membership`,
:class:`~redcity.people.Post`) into one JSON-ready dict with the plural
keys of the `Popolo <https://www.popoloproject.com/>`_ specification:
``persons``, ``organizations``, ``memberships``, ``posts``, ``events``,
``motions`` and ``vote_events``.

How a meeting maps onto Popolo:

- one **event** per meeting record (``classification`` is the kind in
  Chinese, e.g. ``"三方共议会"``; ``location`` the venue;
  ``organization_id`` the convener; ``attendees`` the people in the room);
- one **motion** per motion, with the decision rule's words as
  ``requirement`` and ``"pass"``/``"fail"`` as ``result``;
- one **vote event** per motion, with ``counts`` (``yes``, ``no``,
  ``abstain``, ``not voting``, ``absent``: first for the whole meeting,
  then per party with ``group_id``), ``group_results`` (one per voting
  party: the meeting's rule applied to that party's own tally) and
  ``votes`` (one per entitled voter, so a person with posts in two parties
  — 交叉任职 — is counted once, for the party they vote for).

Personal numbers never leave unmasked: persons go through
:meth:`Person.to_popolo <redcity.people.Person.to_popolo>`, and every text
of an event, motion or vote event is scrubbed of anything shaped like a
resident id or mobile number.

>>> import pendulum
>>> from redcity.meetings import AgendaItem, Attendee, Meeting, Party, RollEntry
>>> at = pendulum.datetime(2024, 5, 10, 19, tz="Asia/Shanghai")
>>> m = Meeting.plan(
...     id="yh-1", kind="红色议事会", title="龙泉小区红色议事会", node_id="n-lq",
...     venue="龙泉小区红色议事厅", convened_by="o-dw", planned_for=at,
...     parties=[Party(organization_id="o-jwh", name="火车站社区居委会",
...                    kind="居委会")],
...     roll=[RollEntry(person_id=p, party_id="o-jwh", name=n)
...           for p, n in (("p-1", "王芳"), ("p-2", "陈静"))],
...     agenda=[AgendaItem(id="i1", topic="飞线充电整治", affair="急事")],
... ).notify(at=at.subtract(days=3)).hold(
...     at=at, attendance=[Attendee(person_id="p-1", organization_id="o-jwh")])
>>> m = m.move(id="mo1", item_id="i1", text="建设集中充电棚").vote("mo1", "p-1", "yes")
>>> doc = to_popolo(meetings=[m])
>>> sorted(doc)
['events', 'memberships', 'motions', 'organizations', 'persons', 'posts', 'vote_events']
>>> doc["events"][0]["classification"], doc["events"][0]["start_date"]
('红色议事会', '2024-05-10T19:00:00+08:00')
>>> doc["motions"][0]["result"], doc["vote_events"][0]["counts"][:2]
('pass', [{'option': 'yes', 'value': 1}, {'option': 'no', 'value': 0}])

References:
    Popolo data specification, classes Person, Organization, Membership,
    Post, Event, Motion, Vote event, Count, Group result and Vote
    (https://www.popoloproject.com/specs/); JSON Schemas (draft-03) in
    ``../shared/schemas/popolo/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from redcity.meetings._tally import DecisionRule, Outcome, PartyTally, Tally
from redcity.meetings.records import Meeting, MeetingKind, Motion, default_rule, tally
from redcity.people import Membership, Organization, Person, Post
from redcity.people import mask_texts as _mask_numbers

__all__ = ["POPOLO_KEYS", "to_popolo"]

POPOLO_KEYS: Final = (
    "persons",
    "organizations",
    "memberships",
    "posts",
    "events",
    "motions",
    "vote_events",
)
"""The plural keys of the document :func:`to_popolo` returns, in order."""

_OPTIONS: Final = ("yes", "no", "abstain", "not voting", "absent")


def _instant(moment: datetime) -> str:
    """An RFC 3339 timestamp Popolo's patterns accept: whole seconds, an offset.

    An offset that is not a whole number of minutes (a historical local mean
    time) is written in UTC instead, so the instant never changes.
    """
    m = moment.replace(microsecond=0)
    offset = m.utcoffset()
    if offset is None or offset % timedelta(minutes=1):
        m = m.astimezone(UTC)
    return datetime.isoformat(m)


def _result(passed: bool) -> str:
    return "pass" if passed else "fail"


def _drop_empty(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {k: v for k, v in pairs if v is not None and v != []}


def _by_id(
    what: str, objects: Iterable[dict[str, Any]], out: dict[str, dict[str, Any]]
) -> None:
    """Add objects to ``out`` by id; an id given twice must be the same object."""
    for obj in objects:
        key = obj["id"]
        if key in out and out[key] != obj:
            msg = (
                f"Expected one {what} per id, got two different {what}s with id "
                f"{key!r}; give each record once."
            )
            raise ValueError(msg)
        out[key] = obj


def _outcome(
    meeting: Meeting, motion: Motion, rule: DecisionRule
) -> tuple[Tally, Outcome]:
    """The tally and outcome: a resolution's own record, else the rule's verdict."""
    res = next((r for r in meeting.resolutions if r.motion_id == motion.id), None)
    if res is not None:
        return res.tally, res.outcome
    t = tally(meeting, motion.id)
    return t, rule(t)


def _counts(pt: PartyTally) -> tuple[int, ...]:
    return (pt.yes, pt.no, pt.abstain, pt.present - pt.cast, pt.members - pt.present)


def _event(meeting: Meeting, names: Mapping[str, str]) -> dict[str, Any]:
    attendees: dict[str, dict[str, Any]] = {}
    for a in meeting.attendance:
        name = names.get(a.person_id) or a.name
        attendees.setdefault(a.person_id, _drop_empty([("id", a.person_id)]))
        if name is not None:
            attendees[a.person_id]["name"] = name
    return _drop_empty(
        [
            ("id", meeting.id),
            ("name", meeting.title),
            ("classification", meeting.kind.zh),
            ("start_date", _instant(meeting.held_at or meeting.planned_for)),
            ("location", meeting.venue),
            ("status", meeting.state.value),
            ("organization_id", meeting.convened_by),
            ("attendees", [attendees[k] for k in sorted(attendees)]),
        ]
    )


def _motion_and_vote_event(
    meeting: Meeting, motion: Motion, rule: DecisionRule
) -> tuple[dict[str, Any], dict[str, Any]]:
    t, out = _outcome(meeting, motion, rule)
    when = _instant(meeting.held_at or meeting.planned_for)
    motion_id = f"{meeting.id}/{motion.id}"
    vote_event_id = f"{motion_id}/vote"
    popolo_motion = _drop_empty(
        [
            ("id", motion_id),
            ("organization_id", meeting.convened_by),
            ("legislative_session_id", meeting.id),
            ("creator_id", motion.proposed_by),
            ("text", motion.text),
            ("identifier", motion.id),
            ("date", when),
            ("requirement", out.requirement),
            ("result", _result(out.passed)),
        ]
    )
    party_names = {p.organization_id: p for p in meeting.parties}
    counts: list[dict[str, Any]] = [
        {"option": o, "value": v}
        for o, v in zip(_OPTIONS, _counts(t.total), strict=True)
    ]
    group_results: list[dict[str, Any]] = []
    for pt in t:
        party = party_names.get(pt.party)
        group = _drop_empty(
            [
                ("id", pt.party),
                ("name", party.name if party else None),
                ("classification", party.kind.zh if party else None),
            ]
        )
        counts.extend(
            {"option": o, "value": v, "group_id": pt.party}
            for o, v in zip(_OPTIONS, _counts(pt), strict=True)
        )
        group_results.append(
            {
                "group_id": pt.party,
                "group": group,
                "result": _result(rule(Tally((pt,))).passed),
            }
        )
    cast = {v.voter_id: v for v in meeting.votes if v.motion_id == motion.id}
    present = {a.voter_id for a in meeting.attendance}
    votes: list[dict[str, Any]] = []
    for e in meeting.roll:
        vote = cast.get(e.person_id)
        if vote is not None:
            option = vote.choice.value
        else:
            option = "not voting" if e.person_id in present else "absent"
        votes.append(
            {
                "id": f"{vote_event_id}/{e.person_id}",
                "vote_event_id": vote_event_id,
                "voter_id": e.person_id,
                "option": option,
                "group_id": e.party_id,
            }
        )
    popolo_vote_event = _drop_empty(
        [
            ("id", vote_event_id),
            ("organization_id", meeting.convened_by),
            ("legislative_session_id", meeting.id),
            ("identifier", motion.id),
            ("motion_id", motion_id),
            ("start_date", when),
            ("result", _result(out.passed)),
            ("counts", counts),
            ("group_results", group_results),
            ("votes", votes),
        ]
    )
    return popolo_motion, popolo_vote_event


def to_popolo(
    *,
    meetings: Iterable[Meeting] = (),
    organizations: Iterable[Organization] = (),
    persons: Iterable[Person] = (),
    memberships: Iterable[Membership] = (),
    posts: Iterable[Post] = (),
    rules: Mapping[MeetingKind, DecisionRule] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """One Popolo document: people, organisations and meetings, masked.

    Every list is sorted by id (motions and vote events by meeting, then in
    the meeting's order), so the same records always give the same
    document.  Ids are the records' own; a motion ``mo1`` of meeting
    ``xm-1`` is ``"xm-1/mo1"``, its vote event ``"xm-1/mo1/vote"`` and a
    vote in it ``"xm-1/mo1/vote/<person id>"``.

    Records the meetings name but the arguments lack are filled in from the
    meetings: a voting party becomes an organisation (its name, its kind as
    ``classification``), a person on the roll or in attendance a person
    (the name the meeting records, or just the id).  Given records win.
    Memberships and posts are exported as given (cross-appointments keep
    ``on_behalf_of_id``); none are made up from a roll.

    A motion's ``result`` and ``requirement`` come from its resolution
    when it has one (the outcome that carried it), else from the decision
    rule of the meeting's kind (``rules``, else
    :data:`~redcity.meetings.DEFAULT_RULES`), applied to the current tally.
    A party's ``group_results`` entry applies that rule to the party's own
    tally.  Counts, per meeting and per party (``group_id``): ``yes``,
    ``no``, ``abstain``, ``not voting`` (present, no vote) and ``absent``
    (on the roll, not present); each entitled voter is counted once.

    Args:
        meetings: Meeting records (each version of amended minutes is its
            own event).
        organizations: Organisations (classification 社区党组织, 居委会 …).
        persons: People; exported through :meth:`Person.to_popolo`, masked.
        memberships: Memberships, including 交叉任职.
        posts: Posts.
        rules: Decision rule per meeting kind, overriding the defaults.

    Returns:
        ``{"persons": [...], "organizations": [...], "memberships": [...],
        "posts": [...], "events": [...], "motions": [...],
        "vote_events": [...]}``, JSON-ready.

    Raises:
        ValueError: two different records of one kind with the same id.

    >>> from redcity.people import Organization, Person
    >>> doc = to_popolo(
    ...     organizations=[Organization(id="o-wy", name="兴茂物业服务中心",
    ...                                 classification="物业服务企业")],
    ...     persons=[Person(id="p-li", name="李军", summary="电话13812345678")])
    >>> doc["organizations"]
    [{'id': 'o-wy', 'name': '兴茂物业服务中心', 'classification': '物业服务企业'}]
    >>> doc["persons"]
    [{'id': 'p-li', 'name': '李军', 'summary': '电话138****5678'}]
    """
    by_id: dict[str, Meeting] = {}
    for m in meetings:
        if by_id.setdefault(m.id, m) != m:
            msg = (
                f"Expected one meeting record per id, got two different records "
                f"with id {m.id!r}; an amendment needs a new id (Meeting.amend)."
            )
            raise ValueError(msg)
    ms = [by_id[k] for k in sorted(by_id)]
    given_persons = list(persons)
    given_orgs = list(organizations)

    people: dict[str, dict[str, Any]] = {}
    _by_id("person", (p.to_popolo() for p in given_persons), people)
    names = {p.id: p.name for p in given_persons}
    for m in ms:
        for e in m.roll:
            if e.name is not None:
                names.setdefault(e.person_id, e.name)
        for a in m.attendance:
            if a.name is not None:
                names.setdefault(a.person_id, a.name)
    for m in ms:
        ids = [e.person_id for e in m.roll] + [a.person_id for a in m.attendance]
        for pid in ids:
            if pid not in people:
                people[pid] = _mask_numbers(
                    _drop_empty([("id", pid), ("name", names.get(pid))])
                )

    orgs: dict[str, dict[str, Any]] = {}
    _by_id("organization", (o.to_popolo() for o in given_orgs), orgs)
    for m in ms:
        for party in m.parties:
            if party.organization_id not in orgs:
                orgs[party.organization_id] = _mask_numbers(
                    {
                        "id": party.organization_id,
                        "name": party.name,
                        "classification": party.kind.zh,
                    }
                )

    member_objs: dict[str, dict[str, Any]] = {}
    _by_id("membership", (x.to_popolo() for x in memberships), member_objs)
    post_objs: dict[str, dict[str, Any]] = {}
    _by_id("post", (x.to_popolo() for x in posts), post_objs)

    events: list[dict[str, Any]] = []
    motions: list[dict[str, Any]] = []
    vote_events: list[dict[str, Any]] = []
    for m in ms:
        events.append(_mask_numbers(_event(m, names)))
        rule = default_rule(m.kind, rules)
        for motion in m.motions:
            mo, ve = _motion_and_vote_event(m, motion, rule)
            motions.append(_mask_numbers(mo))
            vote_events.append(_mask_numbers(ve))

    return {
        "persons": [people[k] for k in sorted(people)],
        "organizations": [orgs[k] for k in sorted(orgs)],
        "memberships": [member_objs[k] for k in sorted(member_objs)],
        "posts": [post_objs[k] for k in sorted(post_objs)],
        "events": events,
        "motions": motions,
        "vote_events": vote_events,
    }
