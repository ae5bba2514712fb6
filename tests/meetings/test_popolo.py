"""Popolo export of meetings: schema validity, per-party results, masking."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings

from redcity.meetings import (
    AgendaItem,
    Attendee,
    Matter,
    Meeting,
    MeetingKind,
    Outcome,
    Party,
    RollEntry,
    Tally,
    cross_appointment,
)
from redcity.meetings.popolo import POPOLO_KEYS, to_popolo
from redcity.people import (
    ContactDetail,
    Identifier,
    Membership,
    Organization,
    Person,
    Post,
)
from redcity.testing.strategies import meetings
from schema_check import assert_valid

TZ = "Asia/Shanghai"
T0 = pendulum.datetime(2024, 5, 10, 19, tz=TZ)

SCHEMA_OF = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "posts": "post",
    "events": "event",
    "motions": "motion",
    "vote_events": "vote_event",
}
# Popolo's event pattern; the draft-03 "date-time" format is not checked by
# jsonschema without extra packages, so timestamps are checked against this.
TIMESTAMP = re.compile(
    r"^[0-9]{4}((-[0-9]{2}){0,2}|(-[0-9]{2}){2}T[0-9]{2}(:[0-9]{2}){0,2}"
    r"(Z|[+-][0-9]{2}(:[0-9]{2})?))$"
)
RAW_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
RAW_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
WANG_ID = "520302199003071237"

DW = Organization(id="o-dw", name="兴茂社区党委", classification="社区党组织")
JWH = Organization(id="o-jwh", name="兴茂社区居委会", classification="居委会")
YWH = Organization(id="o-ywh", name="兴茂小区业委会", classification="业委会")
WY = Organization(id="o-wy", name="兴茂物业服务中心", classification="物业服务企业")
PARTIES = [Party.from_organization(o) for o in (JWH, YWH, WY)]
ROLL = [
    RollEntry(person_id="p-wang", party_id="o-jwh", name="王芳"),
    RollEntry(person_id="p-chen", party_id="o-jwh", name="陈静"),
    RollEntry(person_id="p-zhao", party_id="o-ywh", name="赵强"),
    RollEntry(person_id="p-qian", party_id="o-ywh", name="钱敏"),
    RollEntry(person_id="p-li", party_id="o-wy", name="李军"),
]
PERSONS = [
    Person(
        id="p-wang",
        name="王芳",
        identifiers=(Identifier.from_resident_id(WANG_ID),),
        contact_details=(ContactDetail.from_phone("13812345678"),),
    ),
    Person(id="p-li", name="李军", summary="物业经理，电话13987654321"),
]
MEMBERSHIPS = [
    Membership(id="m-wang-jwh", person_id="p-wang", organization_id="o-jwh"),
    # 王芳 also sits on the 业委会 but votes for the 居委会 (交叉任职)
    Membership(
        id="m-wang-ywh",
        person_id="p-wang",
        organization_id="o-ywh",
        on_behalf_of_id="o-jwh",
    ),
    Membership(id="m-li-wy", person_id="p-li", organization_id="o-wy", role="经理"),
    cross_appointment(id="x-li", post="特邀委员", person_id="p-li", host=DW, home=WY),
]
POSTS = [
    Post(id="post-dw-tyw", label="特邀委员", organization_id="o-dw", role="特邀委员")
]


def xingmao(
    choices: dict[str, str], *, motion_text: str = "中心广场设乒乓球台6张"
) -> Meeting:
    """兴茂小区's first three-party meeting; 钱敏 votes through 赵强's proxy."""
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
        agenda=[
            AgendaItem(
                id="i1",
                topic="居民希望增设休闲空间",
                affair="实事",
                matter=Matter.CHANGE_COMMON_USE,
            )
        ],
    ).notify(at=T0.subtract(days=5))
    m = m.hold(
        at=T0,
        attendance=[
            Attendee(
                person_id="p-wang", organization_id="o-ywh", on_behalf_of_id="o-jwh"
            ),
            Attendee(person_id="p-chen", organization_id="o-jwh"),
            Attendee(person_id="p-zhao", organization_id="o-ywh"),
            Attendee(
                person_id="p-zhao", organization_id="o-ywh", proxy_granted_by="p-qian"
            ),
            Attendee(person_id="p-li", organization_id="o-wy"),
        ],
    )
    m = m.move(id="mo1", item_id="i1", text=motion_text, proposed_by="p-wang")
    for person, choice in choices.items():
        m = m.vote("mo1", person, choice, by="p-zhao" if person == "p-qian" else None)
    return m


SPLIT = {
    "p-wang": "yes",
    "p-chen": "yes",
    "p-zhao": "yes",
    "p-qian": "no",
    "p-li": "yes",
}
ALL_YES = dict.fromkeys(SPLIT, "yes")


def full_export(m: Meeting) -> dict[str, Any]:
    return to_popolo(
        meetings=[m],
        organizations=[DW, JWH, YWH, WY],
        persons=PERSONS,
        memberships=MEMBERSHIPS,
        posts=POSTS,
    )


def assert_document_valid(doc: dict[str, Any]) -> None:
    assert list(POPOLO_KEYS) == list(doc)
    for key, objects in doc.items():
        assert isinstance(objects, list)
        for obj in objects:
            assert_valid("popolo", SCHEMA_OF[key], obj)
    for ve in doc["vote_events"]:
        for count in ve["counts"]:
            assert_valid("popolo", "count", count)
        for gr in ve["group_results"]:
            assert_valid("popolo", "group_result", gr)
        for vote in ve["votes"]:
            assert_valid("popolo", "vote", vote)
    for obj in (*doc["events"], *doc["vote_events"]):
        assert TIMESTAMP.match(obj["start_date"]), obj["start_date"]
    for mo in doc["motions"]:
        assert TIMESTAMP.match(mo["date"]), mo["date"]
    json.dumps(doc)  # JSON-ready


# ------------------------------------------------------------ the example


def test_every_exported_object_is_valid_popolo() -> None:
    doc = full_export(xingmao(SPLIT))
    assert_document_valid(doc)
    assert {
        "persons": 5,
        "organizations": 4,
        "memberships": 4,
        "posts": 1,
        "events": 1,
        "motions": 1,
        "vote_events": 1,
    } == {k: len(v) for k, v in doc.items()}


def test_organizations_keep_their_classification() -> None:
    doc = full_export(xingmao(SPLIT))
    assert {
        "o-dw": "社区党组织",
        "o-jwh": "居委会",
        "o-ywh": "业委会",
        "o-wy": "物业服务企业",
    } == {o["id"]: o["classification"] for o in doc["organizations"]}


def test_memberships_keep_cross_appointments() -> None:
    doc = full_export(xingmao(SPLIT))
    by_id = {m["id"]: m for m in doc["memberships"]}
    assert "o-jwh" == by_id["m-wang-ywh"]["on_behalf_of_id"]
    assert ("o-dw", "特邀委员", "o-wy") == (
        by_id["x-li"]["organization_id"],
        by_id["x-li"]["role"],
        by_id["x-li"]["on_behalf_of_id"],
    )
    assert ["post-dw-tyw"] == [p["id"] for p in doc["posts"]]


def test_event_describes_the_meeting() -> None:
    (event,) = full_export(xingmao(SPLIT))["events"]
    assert {
        "id": "xm-1",
        "name": "兴茂小区第一次三方共议会",
        "classification": "三方共议会",
        "start_date": "2024-05-10T19:00:00+08:00",
        "location": "兴茂小区红色议事亭",
        "status": "held",
        "organization_id": "o-dw",
    } == {k: v for k, v in event.items() if k != "attendees"}
    # 赵强 attends once, though he carries 钱敏's proxy; 钱敏 is not in the room
    assert ["p-chen", "p-li", "p-wang", "p-zhao"] == [
        a["id"] for a in event["attendees"]
    ]
    assert "王芳" == event["attendees"][2]["name"]


def test_three_party_tallies_are_group_results_per_party() -> None:
    doc = full_export(xingmao(SPLIT))
    (motion,) = doc["motions"]
    (ve,) = doc["vote_events"]
    assert ("xm-1/mo1", "xm-1", "p-wang", "fail") == (
        motion["id"],
        motion["legislative_session_id"],
        motion["creator_id"],
        motion["result"],
    )
    assert "各方出席成员均过半数同意" in motion["requirement"]
    assert ("xm-1/mo1", "fail") == (ve["motion_id"], ve["result"])
    assert [("o-jwh", "pass"), ("o-ywh", "fail"), ("o-wy", "pass")] == [
        (g["group_id"], g["result"]) for g in ve["group_results"]
    ]
    assert ["兴茂社区居委会", "兴茂小区业委会", "兴茂物业服务中心"] == [
        g["group"]["name"] for g in ve["group_results"]
    ]
    per_party = {
        (c["group_id"], c["option"]): c["value"]
        for c in ve["counts"]
        if "group_id" in c
    }
    assert (1, 1) == (per_party["o-ywh", "yes"], per_party["o-ywh", "no"])
    assert 2 == per_party["o-jwh", "yes"]


def test_passing_motion_passes_in_every_party() -> None:
    doc = full_export(xingmao(ALL_YES))
    assert "pass" == doc["motions"][0]["result"]
    assert {"pass"} == {g["result"] for g in doc["vote_events"][0]["group_results"]}


def test_cross_appointed_person_is_counted_once() -> None:
    (ve,) = full_export(xingmao(SPLIT))["vote_events"]
    totals = {c["option"]: c["value"] for c in ve["counts"] if "group_id" not in c}
    assert {"yes": 4, "no": 1, "abstain": 0, "not voting": 0, "absent": 0} == totals
    assert len(ROLL) == sum(totals.values())
    wang = [v for v in ve["votes"] if v["voter_id"] == "p-wang"]
    assert [("yes", "o-jwh")] == [(v["option"], v["group_id"]) for v in wang]
    per_party = [c for c in ve["counts"] if "group_id" in c]
    assert sum(c["value"] for c in per_party) == sum(totals.values())


def test_absent_and_silent_voters_are_counted() -> None:
    m = Meeting.plan(
        id="yh-1",
        kind="红色议事会",
        title="议事会",
        node_id="n-lq",
        venue="议事厅",
        convened_by="o-dw",
        planned_for=T0,
        parties=[PARTIES[0]],
        roll=[*ROLL[:2], RollEntry(person_id="p-sun", party_id="o-jwh")],
        agenda=[AgendaItem(id="i1", topic="飞线充电")],
    ).notify(at=T0)
    m = m.hold(
        at=T0,
        attendance=[
            Attendee(person_id="p-wang", organization_id="o-jwh"),
            Attendee(person_id="p-chen", organization_id="o-jwh"),
        ],
    )
    m = m.move(id="mo1", item_id="i1", text="集中充电").vote("mo1", "p-wang", "yes")
    (ve,) = to_popolo(meetings=[m])["vote_events"]
    assert [("p-wang", "yes"), ("p-chen", "not voting"), ("p-sun", "absent")] == [
        (v["voter_id"], v["option"]) for v in ve["votes"]
    ]
    totals = {c["option"]: c["value"] for c in ve["counts"] if "group_id" not in c}
    assert (1, 1, 1) == (totals["yes"], totals["not voting"], totals["absent"])


def test_resolution_keeps_the_outcome_that_carried_it() -> None:
    m = xingmao(ALL_YES).resolve("mo1", id="r1", text="设乒乓球台6张")

    def never(t: Tally, /) -> Outcome:
        return Outcome(passed=False, quorum_met=False, requirement="从不通过")

    doc = to_popolo(meetings=[m], rules={MeetingKind.THREE_PARTY: never})
    assert "pass" == doc["motions"][0]["result"]
    assert "从不通过" != doc["motions"][0]["requirement"]
    # group results read the rule given
    assert {"fail"} == {g["result"] for g in doc["vote_events"][0]["group_results"]}


def test_missing_parties_and_people_are_filled_in_from_the_meeting() -> None:
    doc = to_popolo(meetings=[xingmao(SPLIT)], organizations=[WY])
    assert [("o-jwh", "居委会"), ("o-wy", "物业服务企业"), ("o-ywh", "业委会")] == [
        (o["id"], o["classification"]) for o in doc["organizations"]
    ]
    assert {"id": "p-qian", "name": "钱敏"} in doc["persons"]
    assert_document_valid(doc)


def test_personal_numbers_never_leave() -> None:
    m = xingmao(SPLIT, motion_text="联系人电话13712345678，身份证" + WANG_ID)
    doc = full_export(m)
    text = json.dumps(doc, ensure_ascii=False)
    assert RAW_ID.search(text) is None
    assert RAW_MOBILE.search(text) is None
    wang = next(p for p in doc["persons"] if p["id"] == "p-wang")
    assert "520302********1237" == wang["identifiers"][0]["identifier"]
    assert "138****5678" == wang["contact_details"][0]["value"]
    assert "联系人电话137****5678" in doc["motions"][0]["text"]


def test_output_is_deterministic_and_order_free() -> None:
    a = xingmao(SPLIT)
    b = Meeting.plan(
        id="aa-0",
        kind="居民会议",
        title="居民会议",
        node_id="n",
        venue="议事厅",
        convened_by="o-jwh",
        planned_for=T0,
    )
    one = to_popolo(meetings=[a, b], persons=PERSONS, memberships=MEMBERSHIPS)
    two = to_popolo(
        meetings=[b, a], persons=PERSONS[::-1], memberships=MEMBERSHIPS[::-1]
    )
    assert one == two
    assert ["aa-0", "xm-1"] == [e["id"] for e in one["events"]]


def test_conflicting_records_with_one_id_are_refused() -> None:
    with pytest.raises(ValueError, match="two different persons with id 'p-li'"):
        to_popolo(persons=[PERSONS[1], Person(id="p-li", name="李俊")])
    m = xingmao(SPLIT)
    with pytest.raises(ValueError, match="one meeting record per id"):
        to_popolo(meetings=[m, m.revise(title="更正")])
    # the same record twice is harmless
    assert 1 == len(to_popolo(meetings=[m, m])["events"])


def test_amendments_are_separate_events() -> None:
    m = xingmao(ALL_YES).approve_minutes(at=T0.add(days=1))
    v2 = m.amend(id="xm-1-v2")
    doc = to_popolo(meetings=[m, v2])
    assert ["xm-1", "xm-1-v2"] == [e["id"] for e in doc["events"]]
    assert ["xm-1/mo1", "xm-1-v2/mo1"] == [mo["id"] for mo in doc["motions"]]
    assert_document_valid(doc)


# ------------------------------------------------------------ properties


@settings(max_examples=60, deadline=None)
@given(meetings())
def test_generated_meetings_export_valid_popolo(m: Meeting) -> None:
    doc = to_popolo(meetings=[m])
    assert_document_valid(doc)
    assert len(m.motions) == len(doc["vote_events"])
    for motion, ve in zip(m.motions, doc["vote_events"], strict=True):
        totals = [c for c in ve["counts"] if "group_id" not in c]
        assert len(m.roll) == sum(c["value"] for c in totals)
        assert [e.person_id for e in m.roll] == [v["voter_id"] for v in ve["votes"]]
        assert [p.organization_id for p in m.parties] == [
            g["group_id"] for g in ve["group_results"]
        ]
        expected = m.outcome(motion.id).passed
        resolved = any(r.motion_id == motion.id for r in m.resolutions)
        assert expected or not resolved
        assert ("pass" if expected else "fail") == ve["result"]
    assert {p.organization_id for p in m.parties} <= {
        o["id"] for o in doc["organizations"]
    }
    assert to_popolo(meetings=[m]) == doc


def test_people_only_export_dates() -> None:
    m = Membership(
        id="m-1", person_id="p-1", organization_id="o-1", start_date=date(2022, 3, 1)
    )
    doc = to_popolo(memberships=[m])
    assert [
        {
            "id": "m-1",
            "person_id": "p-1",
            "organization_id": "o-1",
            "start_date": "2022-03-01",
        }
    ] == doc["memberships"]
    assert_document_valid(doc)
