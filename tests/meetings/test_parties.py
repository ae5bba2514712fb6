"""Organisations at the table: kinds, 交叉任职, size rules and the voting roll."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.errors import ValidationError
from redcity.meetings.parties import (
    THREE_PARTIES,
    CrossPost,
    OrgKind,
    OwnersCommitteeSize,
    Party,
    ResidentsCommitteeSize,
    check_cross_appointments,
    check_sizes,
    check_three_parties,
    cross_appointment,
    kind_of,
    validate_cross_appointments,
    validate_sizes,
    voting_roll,
)
from redcity.people import Membership, Organization

DW = Organization(id="o-dw", name="兴茂社区党委", classification="社区党组织")
JWH = Organization(
    id="o-jwh", name="兴茂社区居委会", classification="居委会", node_id="n-xm"
)
YWH = Organization(
    id="o-ywh", name="兴茂小区业委会", classification="业委会", node_id="n-xm-c"
)
WY = Organization(id="o-wy", name="兴茂物业服务中心", classification="物业服务企业")
ORGS = (DW, JWH, YWH, WY)


def _m(mid: str, person: str, org: Organization, role: str | None = None) -> Membership:
    return Membership(id=mid, person_id=person, organization_id=org.id, role=role)


@pytest.mark.parametrize("kind", list(OrgKind))
def test_kind_parses_from_every_name(kind: OrgKind) -> None:
    assert kind is OrgKind.parse(kind.zh)
    assert kind is OrgKind.parse(kind.value)
    assert kind is OrgKind.parse(kind.name.lower())


def test_kind_of_refuses_unclassified_and_unknown() -> None:
    with pytest.raises(ValueError, match="no classification"):
        kind_of(Organization(id="o-x", name="x"))
    with pytest.raises(ValueError, match="organisation kind"):
        kind_of(Organization(id="o-x", name="x", classification="合唱团"))


def test_three_parties_are_jwh_ywh_wy() -> None:
    assert ("居委会", "业委会", "物业服务企业") == tuple(k.zh for k in THREE_PARTIES)


def test_three_parties_check() -> None:
    ok = [Party.from_organization(o) for o in (JWH, YWH, WY)]
    assert () == check_three_parties(ok)
    pmc = Party(organization_id="o-wgh", name="物管会", kind="物业管理委员会")
    assert () == check_three_parties([ok[0], pmc, ok[2]])
    missing = check_three_parties(ok[:2])
    assert ["Expected one 物业服务企业 party, got 0."] == [p.message for p in missing]
    extra = check_three_parties([*ok, Party.from_organization(DW)])
    assert [("o-dw", "kind")] == [(p.id, p.field) for p in extra]


# ------------------------------------------------------------------ 交叉任职

HOMES = (
    _m("m-li", "p-li", WY, "项目经理"),
    _m("m-wang", "p-wang", JWH, "委员"),
    _m("m-zhao", "p-zhao", YWH, "委员"),
    _m("m-sun", "p-sun", WY, "保洁员"),
)


def test_cross_appointments_of_xingmao_are_valid() -> None:
    cross = [
        cross_appointment(
            id="x-1", post="特邀委员", person_id="p-li", host=DW, home=WY
        ),
        cross_appointment(
            id="x-2",
            post=CrossPost.PROPERTY_ASSISTANT,
            person_id="p-wang",
            host=WY,
            home=JWH,
        ),
        cross_appointment(
            id="x-3", post="义务监督员", person_id="p-zhao", host=WY, home=YWH
        ),
    ]
    assert () == check_cross_appointments([*HOMES, *cross], ORGS)
    validate_cross_appointments([*HOMES, *cross], ORGS)


def test_every_wrong_cross_appointment_is_listed() -> None:
    bad = [
        # a cleaner is not the property company's leadership
        cross_appointment(
            id="x-1", post="特邀委员", person_id="p-sun", host=DW, home=WY
        ),
        # an owners' committee member is no 居委会/社区 member
        cross_appointment(
            id="x-2", post="物业助理", person_id="p-zhao", host=WY, home=YWH
        ),
        # a 居委会 member is no 业委会 member
        cross_appointment(
            id="x-3", post="义务监督员", person_id="p-wang", host=WY, home=JWH
        ),
        # 特邀委员 is held in the party organisation, not the 业委会
        cross_appointment(
            id="x-4", post="特邀委员", person_id="p-li", host=YWH, home=WY
        ),
    ]
    with pytest.raises(ValidationError) as err:
        validate_cross_appointments([*HOMES, *bad], ORGS)
    assert [
        ("x-1", "person_id"),
        ("x-2", "person_id"),
        ("x-3", "person_id"),
        ("x-4", "organization_id"),
    ] == [(p.id, p.field) for p in err.value.problems]


def test_cross_appointment_on_behalf_of_another_org_is_refused() -> None:
    x = Membership(
        id="x-1",
        person_id="p-li",
        organization_id="o-dw",
        role="特邀委员",
        on_behalf_of_id="o-jwh",
    )
    assert [("x-1", "on_behalf_of_id")] == [
        (p.id, p.field) for p in check_cross_appointments([*HOMES, x], ORGS)
    ]


def test_cross_appointment_needs_an_active_home_membership() -> None:
    ended = Membership(
        id="m-li",
        person_id="p-li",
        organization_id="o-wy",
        role="经理",
        start_date=date(2020, 1, 1),
        end_date=date(2023, 12, 31),
    )
    x = cross_appointment(id="x-1", post="特邀委员", person_id="p-li", host=DW, home=WY)
    assert () == check_cross_appointments([ended, x], ORGS, on=date(2023, 6, 1))
    assert 1 == len(check_cross_appointments([ended, x], ORGS, on=date(2024, 6, 1)))


# ------------------------------------------------------------------ sizes


def _members(org: Organization, n: int) -> list[Membership]:
    return [_m(f"{org.id}-{i}", f"{org.id}-p{i}", org) for i in range(n)]


@pytest.mark.parametrize(
    ("members", "households", "fields"),
    [
        (5, 100, []),
        (9, 700, []),
        (4, 100, ["members"]),
        (10, 700, ["members"]),
        (5, 99, ["households"]),
        (9, 701, ["households"]),
        (4, 701, ["members", "households"]),
    ],
)
def test_residents_committee_size_edges(
    members: int, households: int, fields: list[str]
) -> None:
    problems = check_sizes(
        [JWH], _members(JWH, members), households={"n-xm": households}
    )
    assert fields == [p.field for p in problems]
    assert all("o-jwh" == p.id for p in problems)


@pytest.mark.parametrize(
    ("members", "households", "ok"),
    [
        (5, 300, True),
        (7, None, True),
        (4, 300, False),
        (6, 300, False),
        (3, 300, False),
        (3, 100, True),
        (3, 101, False),
        (4, 80, False),
    ],
)
def test_owners_committee_size_beijing(
    members: int, households: int | None, ok: bool
) -> None:
    hh = {} if households is None else {"o-ywh": households}
    assert ok == (check_sizes([YWH], _members(YWH, members), households=hh) == ())


def test_sizes_are_configurable_and_cross_posts_do_not_count() -> None:
    rule = OwnersCommitteeSize(min_members=3, odd=False, max_members=4)
    ms = [*_members(YWH, 4), _m("x", "p-li", YWH, "义务监督员")]
    assert () == check_sizes([YWH], ms, rules=[rule])
    assert ["members"] == [
        p.field for p in check_sizes([YWH], [*ms, *_members(YWH, 5)], rules=[rule])
    ]
    assert () == ResidentsCommitteeSize(min_households=50)(
        "o", members=5, households=50
    )


def test_validate_sizes_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as err:
        validate_sizes(
            ORGS, [*_members(JWH, 3), *_members(YWH, 4)], households={"n-xm": 800}
        )
    assert [
        ("o-jwh", "members"),
        ("o-jwh", "households"),
        ("o-ywh", "members"),
        ("o-ywh", "members"),
    ] == [(p.id, p.field) for p in err.value.problems]


@given(st.integers(0, 20), st.integers(0, 1000))
def test_residents_committee_rule_matches_the_law(
    members: int, households: int
) -> None:
    problems = ResidentsCommitteeSize()("o", members=members, households=households)
    lawful = 5 <= members <= 9 and 100 <= households <= 700
    assert lawful == (problems == ())


# ------------------------------------------------------------------ roll


PARTIES = [Party.from_organization(o) for o in (JWH, YWH, WY)]


def test_cross_appointed_person_is_on_the_roll_once() -> None:
    ms = [
        _m("m1", "p-wang", JWH, "委员"),
        Membership(
            id="m2",
            person_id="p-wang",
            organization_id="o-ywh",
            role="委员",
            on_behalf_of_id="o-jwh",
        ),
        _m("m3", "p-zhao", YWH),
        _m("m4", "p-li", WY, "项目经理"),
        cross_appointment(
            id="x", post="物业助理", person_id="p-wang", host=WY, home=JWH
        ),
    ]
    roll = voting_roll(PARTIES, ms, names={"p-wang": "王芳"})
    assert [("p-wang", "o-jwh"), ("p-zhao", "o-ywh"), ("p-li", "o-wy")] == [
        (e.person_id, e.party_id) for e in roll
    ]
    assert "王芳" == roll[0].name


def test_ambiguous_roll_is_refused() -> None:
    ms = [_m("m1", "p-wang", JWH), _m("m2", "p-wang", YWH), _m("m3", "p-q", YWH)]
    with pytest.raises(ValidationError) as err:
        voting_roll(PARTIES, ms)
    assert [("p-wang", "on_behalf_of_id")] == [
        (p.id, p.field) for p in err.value.problems
    ]
