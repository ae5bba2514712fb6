"""The member registry (双报到): registrations, lookups, validation, round trips."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import redcity.serialize as rs
from redcity.errors import (
    IdentityError,
    Problem,
    RedcityError,
    SerializationError,
    UnknownMember,
    ValidationError,
)
from redcity.people import MemberRegistration, MemberRegistry
from redcity.testing.strategies import member_registries, registrations

DAY = date(2024, 3, 1)


def reg(
    member: str, community: str = "c-1", employer: str | None = "o-1", **kw: object
) -> MemberRegistration:
    return MemberRegistration(
        member_id=member,
        community_id=community,
        employer_id=employer,
        registered_on=kw.pop("registered_on", DAY),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------
# MemberRegistration
# ---------------------------------------------------------------------------


def test_registration_defaults_to_an_in_service_party_member() -> None:
    r = reg("m-1")
    assert (True, True) == (r.party_member, r.in_service)


def test_in_service_member_needs_an_employer() -> None:
    with pytest.raises(ValueError, match="in service but names no employer_id"):
        reg("m-1", employer=None)
    assert None is reg("m-1", employer=None, in_service=False).employer_id


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("member_id", "", ValueError),
        ("member_id", 3, TypeError),
        ("community_id", "  ", ValueError),
        ("employer_id", "", ValueError),
        ("registered_on", None, TypeError),
        ("party_member", 1, TypeError),
        ("in_service", "yes", TypeError),
    ],
)
def test_registration_fields_are_checked(
    field: str, value: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        attrs.evolve(reg("m-1"), **{field: value})


def test_registered_on_must_be_a_date_not_a_datetime() -> None:
    from datetime import datetime

    with pytest.raises(TypeError, match="not a datetime"):
        reg("m-1", registered_on=datetime(2024, 3, 1))


def test_member_id_must_be_opaque() -> None:
    with pytest.raises(IdentityError, match="opaque id"):
        reg("13812345678")


# ---------------------------------------------------------------------------
# MemberRegistry
# ---------------------------------------------------------------------------


@pytest.fixture
def registry() -> MemberRegistry:
    return MemberRegistry.from_registrations(
        [
            reg("m-3", "c-2", "o-2"),
            reg("m-1", "c-1", "o-1"),
            reg("m-2", "c-1", None, in_service=False),
        ]
    )


def test_registry_reads_as_a_mapping(registry: MemberRegistry) -> None:
    assert ["m-1", "m-2", "m-3"] == list(registry)
    assert 3 == len(registry)
    assert "m-1" in registry
    assert "m-9" not in registry
    assert reg("m-1") == registry["m-1"]
    assert registry.get("m-9") is None
    assert ("m-1", "m-2", "m-3") == registry.keys()
    assert registry.registrations == registry.values()
    assert dict(registry.items()) == dict(registry)


def test_lookups(registry: MemberRegistry) -> None:
    assert "c-2" == registry.community_of("m-3")
    assert "o-1" == registry.employer_of("m-1")
    assert None is registry.employer_of("m-2")
    assert ("m-1", "m-2") == registry.members_of("c-1")
    assert () == registry.members_of("c-9")
    assert ("c-1", "c-2") == registry.communities
    assert {"m-1": "c-1", "m-2": "c-1", "m-3": "c-2"} == registry.community_map()


@pytest.mark.parametrize("lookup", ["community_of", "employer_of", "__getitem__"])
def test_unknown_member_is_a_key_error_naming_it(
    registry: MemberRegistry, lookup: str
) -> None:
    with pytest.raises(UnknownMember, match="'m-9' has not registered") as info:
        getattr(registry, lookup)("m-9")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, RedcityError)


def test_registry_is_immutable(registry: MemberRegistry) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        registry.registrations = ()  # type: ignore[misc]


def test_every_duplicate_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        MemberRegistry.from_registrations(
            [
                reg("m-1", "c-1"),
                reg("m-2", "c-1"),
                reg("m-1", "c-2"),
                reg("m-2", "c-3"),
                reg("m-1", "c-4"),
                "not a registration",  # type: ignore[list-item]
            ]
        )
    problems = info.value.problems
    assert ["#5", "m-1", "m-2"] == [p.id for p in problems]
    assert (
        "got 3: with 'c-1' on 2024-03-01, 'c-2' on 2024-03-01, 'c-4'"
        in problems[1].message
    )
    assert "member_id" == problems[1].field


def test_identical_registrations_twice_are_still_a_duplicate() -> None:
    with pytest.raises(ValidationError, match="one registration per member"):
        MemberRegistry.from_registrations([reg("m-1"), reg("m-1")])


def test_empty_registry() -> None:
    empty = MemberRegistry.from_registrations([])
    assert 0 == len(empty)
    assert () == empty.communities


@given(
    st.lists(registrations(), unique_by=lambda r: r.member_id, max_size=12),
    st.randoms(),
)
def test_order_of_registrations_does_not_matter(
    regs: list[MemberRegistration], random: object
) -> None:
    shuffled = list(regs)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    a = MemberRegistry.from_registrations(regs)
    b = MemberRegistry.from_registrations(shuffled)
    assert a == b
    assert hash(a) == hash(b)


@given(member_registries())
def test_indices_agree_with_the_registrations(registry: MemberRegistry) -> None:
    for r in registry.values():
        assert r.community_id == registry.community_of(r.member_id)
        assert r.member_id in registry.members_of(r.community_id)
    assert len(registry) == sum(
        len(registry.members_of(c)) for c in registry.communities
    )


# ---------------------------------------------------------------------------
# Serialization and strategies
# ---------------------------------------------------------------------------


@given(registrations())
def test_registration_round_trips(r: MemberRegistration) -> None:
    assert r == rs.structure(rs.unstructure(r), MemberRegistration)
    assert r == rs.from_json(rs.to_json(r), MemberRegistration)


@given(member_registries())
def test_registry_round_trips(registry: MemberRegistry) -> None:
    assert registry == rs.structure(rs.unstructure(registry), MemberRegistry)
    assert registry == rs.from_json(rs.to_json(registry), MemberRegistry)


def test_registry_json_shape(registry: MemberRegistry) -> None:
    data = rs.unstructure(registry)
    assert ["registrations"] == list(data)
    assert ["m-1", "m-2", "m-3"] == [r["member_id"] for r in data["registrations"]]


def test_reading_a_registry_with_duplicates_lists_them() -> None:
    row = rs.unstructure(reg("m-1"))
    with pytest.raises(
        SerializationError,
        match=r"\$: m-1\.member_id: Expected one registration per member",
    ):
        rs.structure({"registrations": [row, row]}, MemberRegistry)


def test_problem_names_member_and_field() -> None:
    with pytest.raises(ValidationError) as info:
        MemberRegistry.from_registrations([reg("m-1"), reg("m-1", "c-2")])
    (problem,) = info.value.problems
    assert Problem("m-1", "member_id", problem.message) == problem


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_members": -1},
        {"min_members": 3, "max_members": 2},
        {"community_ids": ["c-1"]},
    ],
)
def test_registry_strategy_arguments(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        member_registries(**kwargs)  # type: ignore[arg-type]


def test_registration_strategy_arguments() -> None:
    with pytest.raises(InvalidArgument):
        registrations(member_ids="m-1")  # type: ignore[arg-type]
