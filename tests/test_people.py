"""Tests for redcity.people: identity numbers, masking, records, Popolo export."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.errors import IdentityError
from redcity.people import (
    RESIDENT_ID_SCHEME,
    ContactDetail,
    Identifier,
    Link,
    Membership,
    Organization,
    OtherName,
    Person,
    Post,
    is_valid_resident_id,
    mask_phone,
    mask_resident_id,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_region,
    resident_id_sex,
    validate_phone,
    validate_resident_id,
)
from redcity.testing._people_strategies import (
    contact_details,
    memberships,
    organizations,
    persons,
    phone_numbers,
    posts,
    resident_ids,
)
from schema_check import assert_valid, load, validator

# The example number from GB 11643-1999 itself.
STANDARD_ID = "11010519491231002X"

# ---------------------------------------------------------------------------
# Resident identity numbers (GB 11643-1999)
# ---------------------------------------------------------------------------


def test_check_char_of_the_standard_example() -> None:
    assert resident_id_check_char(STANDARD_ID[:17]) == "X"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("52030219900307123", "7"),
        ("52030419850612002", "7"),
        ("11010519491231002", "X"),
    ],
)
def test_check_char_vectors(body: str, expected: str) -> None:
    assert expected == resident_id_check_char(body)


@pytest.mark.parametrize(
    "body", ["1101051949123100", "1101051949123100X", "", "a" * 17]
)
def test_check_char_refuses_bad_body(body: str) -> None:
    with pytest.raises(IdentityError, match="17 body digits"):
        resident_id_check_char(body)


@pytest.mark.parametrize(
    "raw", [STANDARD_ID, STANDARD_ID.lower(), f"  {STANDARD_ID.lower()}\n"]
)
def test_validate_normalises(raw: str) -> None:
    assert validate_resident_id(raw) == STANDARD_ID


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("11010519491231002", "18-character"),
        ("110105491231002", "Fifteen-digit first-generation"),
        ("11010519491231002XX", "19 characters"),
        ("1101051949123100AX", "17 digits and a check digit"),
        ("11010519491231002Y", "17 digits and a check digit"),
        ("１１０１０５１９４９１２３１００２X", "17 digits"),
        ("110105194902300021", "'19490230', which is not a real date"),
        ("110105194913010021", "not a real date"),
        (
            "110105194912310021",
            "check character '1', but its first 17 digits require 'X'",
        ),
    ],
)
def test_validate_says_what_is_wrong(raw: str, fragment: str) -> None:
    with pytest.raises(IdentityError, match=re.escape(fragment)):
        validate_resident_id(raw)


def test_validate_refuses_non_strings() -> None:
    with pytest.raises(IdentityError, match="as a string"):
        validate_resident_id(110105194912310020)  # type: ignore[arg-type]


def test_identity_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="check character"):
        validate_resident_id("110105194912310021")


@given(resident_ids())
def test_generated_ids_are_valid(number: str) -> None:
    assert number == validate_resident_id(number)
    assert is_valid_resident_id(number)


@given(resident_ids(), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_error_is_detected(number: str, pos: int, delta: int) -> None:
    # ISO 7064 MOD 11-2 detects every single-digit substitution.
    wrong = str((int(number[pos]) + delta) % 10)
    mutated = number[:pos] + wrong + number[pos + 1 :]
    assert not is_valid_resident_id(mutated)


@given(resident_ids(min_birth_date=date(1950, 1, 1), max_birth_date=date(1950, 12, 31)))
def test_birth_date_bounds(number: str) -> None:
    assert resident_id_birth_date(number).year == 1950


def test_id_parts() -> None:
    assert date(1949, 12, 31) == resident_id_birth_date(STANDARD_ID)
    assert resident_id_region(STANDARD_ID) == "110105"
    assert resident_id_sex(STANDARD_ID) == "female"
    body = "52030219900307123"
    assert resident_id_sex(body + resident_id_check_char(body)) == "male"


def test_id_parts_refuse_invalid_numbers() -> None:
    for fn in (resident_id_birth_date, resident_id_region, resident_id_sex):
        with pytest.raises(IdentityError):
            fn("110105194912310021")


def test_resident_ids_argument_errors() -> None:
    from hypothesis.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="after"):
        resident_ids(min_birth_date=date(2000, 1, 1), max_birth_date=date(1999, 1, 1))
    with pytest.raises(InvalidArgument, match="SearchStrategy"):
        resident_ids(regions="520302")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "8613812345678",
        "008613812345678",
        "(138)12345678",
    ],
)
def test_validate_phone_normalises(raw: str) -> None:
    assert validate_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw",
    ["12345678901", "1381234567", "138123456789", "0851-28221234", "", "1381234567a"],
)
def test_validate_phone_refuses(raw: str) -> None:
    with pytest.raises(IdentityError, match="mainland mobile number"):
        validate_phone(raw)


@given(phone_numbers())
def test_generated_phones_are_valid(number: str) -> None:
    assert number == validate_phone(number)


# ---------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------


def test_mask_resident_id_examples() -> None:
    assert mask_resident_id("52030219900307123X") == "520302********123X"
    assert mask_resident_id(STANDARD_ID.lower()) == "110105********002X"
    assert mask_resident_id("110105491231002") == "110105*****1002"


@pytest.mark.parametrize(
    "raw", ["", "123", "11010519491231002XY", "1101051949123100AX"]
)
def test_mask_resident_id_refuses_non_ids(raw: str) -> None:
    with pytest.raises(IdentityError, match="to mask"):
        mask_resident_id(raw)


@given(resident_ids())
def test_mask_hides_birth_date_and_sequence(number: str) -> None:
    masked = mask_resident_id(number)
    assert len(masked) == 18
    assert number[:6] == masked[:6]
    assert number[-4:] == masked[-4:]
    assert masked[6:14] == "********"


def test_mask_phone_examples() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0851-28221234") == "****-****1234"
    assert mask_phone("12345") == "*2345"


def test_mask_phone_refuses_text_without_digits() -> None:
    with pytest.raises(IdentityError, match="no digits"):
        mask_phone("n/a")


@given(phone_numbers())
def test_mask_phone_keeps_only_prefix_and_last_four(number: str) -> None:
    masked = mask_phone(number)
    assert f"{number[:3]}****{number[-4:]}" == masked


# ---------------------------------------------------------------------------
# Records and their validators
# ---------------------------------------------------------------------------


def test_records_are_frozen_and_hashable() -> None:
    p = Person(id="p-1", name="王芳")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.name = "李强"  # type: ignore[misc]
    assert {p} == {attrs.evolve(p)}
    assert attrs.evolve(p, name="李强").name == "李强"


@pytest.mark.parametrize(
    ("build", "error", "fragment"),
    [
        (lambda: Person(id="", name="王芳"), ValueError, "id must not be blank"),
        (lambda: Person(id="p-1", name="  "), ValueError, "name must not be blank"),
        (lambda: Person(id="p-1", name=5), TypeError, "name must be a string"),  # type: ignore[arg-type]
        (
            lambda: Person(id="p-1", name="王芳", birth_date=datetime(1990, 1, 1)),
            TypeError,
            "not a datetime",
        ),
        (
            lambda: Person(id="p-1", name="王芳", links=[Link(url="https://x.org")]),  # type: ignore[arg-type]
            TypeError,
            "links must be a tuple",
        ),
        (
            lambda: Person(id="p-1", name="王芳", identifiers=("x",)),  # type: ignore[arg-type]
            TypeError,
            "identifiers[0] must be a Identifier",
        ),
        (
            lambda: Person(
                id="p-1",
                name="王芳",
                birth_date=date(2000, 1, 1),
                death_date=date(1999, 1, 1),
            ),
            ValueError,
            "death_date 1999-01-01 is before birth_date 2000-01-01",
        ),
        (
            lambda: Person(id="p-13812345678", name="王芳"),
            IdentityError,
            "contains a resident id or phone number",
        ),
        (
            lambda: Membership(id="m-1", person_id=STANDARD_ID, organization_id="o"),
            IdentityError,
            "opaque id",
        ),
        (
            lambda: ContactDetail(type="cell", value="138 1234 5678"),
            IdentityError,
            "not normalised",
        ),
        (
            lambda: ContactDetail(type="cell", value="12345"),
            IdentityError,
            "mainland mobile",
        ),
        (
            lambda: ContactDetail(type="phone", value="none"),
            IdentityError,
            "needs a number",
        ),
        (
            lambda: Identifier(
                identifier=STANDARD_ID.lower(), scheme=RESIDENT_ID_SCHEME
            ),
            IdentityError,
            "not normalised",
        ),
        (
            lambda: Identifier(
                identifier="110105194912310021", scheme=RESIDENT_ID_SCHEME
            ),
            IdentityError,
            "check character",
        ),
        (
            lambda: Organization(id="o-1", name="党委", parent_id="o-1"),
            ValueError,
            "cannot be its own parent",
        ),
        (
            lambda: Post(
                id="x",
                label="网格员",
                organization_id="o",
                start_date=date(2022, 2, 1),
                end_date=date(2022, 1, 1),
            ),
            ValueError,
            "end_date 2022-01-01 is before start_date 2022-02-01",
        ),
        (
            lambda: OtherName(
                name="x", start_date=date(2022, 2, 1), end_date=date(2022, 1, 1)
            ),
            ValueError,
            "before",
        ),
        (
            lambda: Membership(id="m", person_id="p", organization_id="o", role=""),
            ValueError,
            "role must not be blank",
        ),
    ],
)
def test_validators(build: Any, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error, match=re.escape(fragment)):
        build()


def test_person_birth_date_must_agree_with_resident_id() -> None:
    ident = Identifier.from_resident_id(STANDARD_ID)
    Person(id="p-1", name="王芳", identifiers=(ident,), birth_date=date(1949, 12, 31))
    with pytest.raises(IdentityError, match=r"embeds 1949-12-31") as info:
        Person(id="p-1", name="王芳", identifiers=(ident,), birth_date=date(1950, 1, 1))
    assert STANDARD_ID not in str(info.value)


def test_person_has_at_most_one_resident_id() -> None:
    ident = Identifier.from_resident_id(STANDARD_ID)
    with pytest.raises(IdentityError, match="exactly one"):
        Person(id="p-1", name="王芳", identifiers=(ident, ident))


def test_membership_is_active() -> None:
    m = Membership(
        id="m-1",
        person_id="p-1",
        organization_id="o-1",
        start_date=date(2022, 3, 1),
        end_date=date(2022, 12, 31),
    )
    assert not m.is_active(date(2022, 2, 28))
    assert m.is_active(date(2022, 3, 1))
    assert m.is_active(date(2022, 12, 31))
    assert not m.is_active(date(2023, 1, 1))
    assert Membership(id="m", person_id="p", organization_id="o").is_active(date.min)


# ---------------------------------------------------------------------------
# Popolo export: masking
# ---------------------------------------------------------------------------

_RAW_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_RAW_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def _assert_no_personal_numbers(exported: dict[str, Any]) -> None:
    text = json.dumps(exported, ensure_ascii=False)
    assert _RAW_ID.search(text) is None, text
    assert _RAW_MOBILE.search(text) is None, text


def test_person_export_masks_everything() -> None:
    p = Person(
        id="p-1",
        name="王芳",
        identifiers=(
            Identifier.from_resident_id(STANDARD_ID),
            Identifier(identifier="D-001", scheme="party-member"),
        ),
        email="13812345678@example.org",
        summary="联系电话 13912345678，身份证 11010519491231002X",
        contact_details=(
            ContactDetail.from_phone("13812345678", label="本人"),
            ContactDetail(type="phone", value="0851-28221234", note="备用 13700001111"),
            ContactDetail(type="address", value="南门社区"),
        ),
    )
    out = p.to_popolo()
    _assert_no_personal_numbers(out)
    assert out["identifiers"] == [
        {"identifier": "110105********002X", "scheme": RESIDENT_ID_SCHEME},
        {"identifier": "D-001", "scheme": "party-member"},
    ]
    assert out["contact_details"] == [
        {"label": "本人", "type": "cell", "value": "138****5678"},
        {"type": "phone", "value": "****-****1234", "note": "备用 137****1111"},
        {"type": "address", "value": "南门社区"},
    ]
    assert out["email"] == "138****5678@example.org"
    assert out["summary"] == "联系电话 139****5678，身份证 110105********002X"


def test_misfiled_resident_id_is_still_masked() -> None:
    p = Person(id="p-1", name="王芳", identifiers=(Identifier(identifier=STANDARD_ID),))
    _assert_no_personal_numbers(p.to_popolo())


@given(persons())
def test_person_export_never_leaks(person: Person) -> None:
    out = person.to_popolo()
    _assert_no_personal_numbers(out)
    text = json.dumps(out, ensure_ascii=False)
    if person.resident_id is not None:
        assert person.resident_id not in text
    for c in person.contact_details:
        if c.type == "cell":
            assert c.value not in text


def test_organization_may_publish_its_hotline() -> None:
    o = Organization(
        id="o-1",
        name="南门社区居委会",
        contact_details=(ContactDetail(type="phone", value="0851-28221234"),),
    )
    assert o.to_popolo()["contact_details"][0]["value"] == "****-****1234"
    assert o.to_popolo(mask=False)["contact_details"][0]["value"] == "0851-28221234"


def test_organization_identifiers_are_not_scrubbed() -> None:
    # An all-digit 统一社会信用代码 is not a personal number.
    uscc = Identifier(identifier="125203027095123456", scheme="uscc")
    o = Organization(id="o-1", name="某事业单位", identifiers=(uscc,))
    assert o.to_popolo()["identifiers"][0]["identifier"] == "125203027095123456"


def test_node_id_is_exported_as_area_id() -> None:
    o = Organization(id="o-1", name="第一网格党支部", node_id="g-1")
    p = Post(id="post-1", label="网格员", organization_id="o-1", node_id="g-1")
    m = Membership(id="m-1", person_id="p-1", organization_id="o-1", node_id="g-1")
    for out in (o.to_popolo(), p.to_popolo(), m.to_popolo()):
        assert out["area_id"] == "g-1"
        assert "node_id" not in out


def test_export_drops_empty_fields_and_writes_iso_dates() -> None:
    m = Membership(
        id="m-1",
        person_id="p-1",
        organization_id="o-1",
        post_id="post-1",
        role="网格员",
        start_date=date(2022, 3, 1),
    )
    assert m.to_popolo() == {
        "id": "m-1",
        "role": "网格员",
        "person_id": "p-1",
        "organization_id": "o-1",
        "post_id": "post-1",
        "start_date": "2022-03-01",
    }


# ---------------------------------------------------------------------------
# Popolo export: validity against the published schemas
# ---------------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    return load("popolo", name)


def _validator(name: str) -> Any:
    return validator("popolo", name)


def _assert_valid(name: str, instance: dict[str, Any]) -> None:
    assert_valid("popolo", name, instance)


def test_schemas_allow_area_id_and_refs_resolve() -> None:
    for name in ("organization", "post", "membership"):
        schema = _load(name)
        assert "area_id" in schema["properties"]
        assert schema.get("additionalProperties", True) is not False
    bad = {"id": "p-1", "contact_details": [{"type": "cell"}]}  # value required
    assert list(_validator("person").iter_errors(bad))


@given(persons())
def test_person_export_is_valid_popolo(person: Person) -> None:
    _assert_valid("person", person.to_popolo())


@given(organizations())
def test_organization_export_is_valid_popolo(org: Organization) -> None:
    _assert_valid("organization", org.to_popolo())
    _assert_valid("organization", org.to_popolo(mask=False))


@given(posts())
def test_post_export_is_valid_popolo(post: Post) -> None:
    _assert_valid("post", post.to_popolo())


@given(memberships())
def test_membership_export_is_valid_popolo(membership: Membership) -> None:
    _assert_valid("membership", membership.to_popolo())


@given(contact_details())
def test_contact_detail_export_is_valid_popolo(detail: ContactDetail) -> None:
    _assert_valid("contact_detail", detail.to_popolo())
