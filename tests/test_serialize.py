"""Tests for redcity.serialize: hooks, round trips, readable errors."""

from __future__ import annotations

import ast
import enum
import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import cattrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import redcity.serialize as rs
from redcity.errors import NaiveDatetimeError, SerializationError
from redcity.people import (
    ContactDetail,
    Identifier,
    Membership,
    Organization,
    Person,
    Post,
)
from redcity.testing._people_strategies import (
    contact_details,
    memberships,
    organizations,
    persons,
    posts,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "redcity"
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Card(enum.StrEnum):
    GREEN = "绿牌"
    YELLOW = "黄牌"
    RED = "红牌"


class Stars(enum.IntEnum):
    ONE = 1
    FIVE = 5


@attrs.frozen(kw_only=True)
class Sample:
    at: datetime
    at_p: pendulum.DateTime
    day: date
    day_p: pendulum.Date
    clock: time
    span: timedelta
    duration: pendulum.Duration
    amount: Decimal
    ratio: Fraction
    color: Color
    card: Card
    stars: Stars
    tags: frozenset[str]
    counts: tuple[int, ...]
    note: str | None
    when: datetime | None = None
    flag: bool = False
    weight: float = 0.0


def _sample(**changes: Any) -> Sample:
    base = Sample(
        at=datetime(2024, 3, 1, 9, tzinfo=timezone(timedelta(hours=8))),
        at_p=pendulum.datetime(2024, 3, 1, 9, tz="Asia/Shanghai"),
        day=date(2024, 3, 1),
        day_p=pendulum.Date(2024, 3, 1),
        clock=time(9, 30),
        span=timedelta(days=1, hours=2, minutes=30),
        duration=pendulum.duration(years=1, months=2, days=3),
        amount=Decimal("12.50"),
        ratio=Fraction(2, 3),
        color=Color.RED,
        card=Card.YELLOW,
        stars=Stars.FIVE,
        tags=frozenset({"网格", "党建"}),
        counts=(3, 1, 2),
        note=None,
    )
    return attrs.evolve(base, **changes)


# ---------------------------------------------------------------------------
# The converter and the layering
# ---------------------------------------------------------------------------


def test_converter_is_our_own() -> None:
    assert rs.converter is not cattrs.global_converter
    assert rs.converter.forbid_extra_keys
    assert rs.converter.detailed_validation


@pytest.mark.parametrize("module", ["serialize.py", "people.py"])
def test_module_imports_no_other_redcity_layer(module: str) -> None:
    tree = ast.parse((SRC / module).read_text("utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    ours = {name for name in imported if name.split(".")[0] == "redcity"}
    assert ours == {"redcity.errors"}


# ---------------------------------------------------------------------------
# JSON forms
# ---------------------------------------------------------------------------


def test_sample_json_form() -> None:
    data = json.loads(rs.to_json(_sample()))
    assert data == {
        "at": "2024-03-01T09:00:00+08:00",
        "at_p": "2024-03-01T09:00:00+08:00",
        "day": "2024-03-01",
        "day_p": "2024-03-01",
        "clock": "09:30:00",
        "span": "P1DT2H30M",
        "duration": "P1Y2M3D",
        "amount": "12.50",
        "ratio": "2/3",
        "color": "red",
        "card": "黄牌",
        "stars": 5,
        "tags": ["党建", "网格"],
        "counts": [3, 1, 2],
        "note": None,
        "when": None,
        "flag": False,
        "weight": 0.0,
    }


def test_sample_round_trip_keeps_types() -> None:
    sample = _sample(when=datetime(2024, 1, 1, tzinfo=UTC), note="备注")
    back = rs.from_json(rs.to_json(sample), Sample)
    assert sample == back
    assert isinstance(back.at_p, pendulum.DateTime)
    assert isinstance(back.day_p, pendulum.Date)
    assert isinstance(back.duration, pendulum.Duration)
    assert (back.duration.years, back.duration.months) == (1, 2)
    assert back.card is Card.YELLOW
    assert back.stars is Stars.FIVE


def test_chinese_is_written_as_is() -> None:
    assert rs.to_json(Card.YELLOW) == '"黄牌"'


def test_sets_are_written_sorted() -> None:
    assert rs.unstructure(frozenset({"c", "a", "b"})) == ["a", "b", "c"]
    assert rs.unstructure({1, "a"}) == ["a", 1]  # mixed types: by JSON text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(microseconds=1), "PT0.000001S"),
        (timedelta(seconds=1, microseconds=500_000), "PT1.5S"),
        (timedelta(hours=1, minutes=30), "PT1H30M"),
        (timedelta(days=2, seconds=5), "P2DT5S"),
        (-timedelta(minutes=5), "-PT5M"),
        (timedelta(days=-3, seconds=5), "-P2DT23H59M55S"),
        (pendulum.duration(weeks=2), "P14D"),
        (pendulum.duration(years=1), "P1Y"),
        (-pendulum.duration(years=1, days=2), "-P1Y2D"),
    ],
)
def test_duration_forms(value: timedelta, text: str) -> None:
    assert text == rs.unstructure(value)
    assert value == rs.structure(text, type(value))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P2W", timedelta(weeks=2)),
        ("PT36H", timedelta(hours=36)),
        ("PT0,5S", timedelta(milliseconds=500)),
        ("+P1D", timedelta(days=1)),
    ],
)
def test_durations_read_other_iso_forms(text: str, expected: timedelta) -> None:
    assert expected == rs.structure(text, timedelta)


def test_duration_with_mixed_signs_is_refused() -> None:
    with pytest.raises(SerializationError, match="different signs"):
        rs.unstructure(pendulum.duration(years=1, days=-400))


def test_datetime_reads_z_and_keeps_the_instant() -> None:
    value = rs.structure("2024-03-01T01:00:00Z", datetime)
    assert datetime(2024, 3, 1, 9, tzinfo=SHANGHAI) == value
    assert timedelta(0) == value.utcoffset()


def test_zone_names_become_fixed_offsets() -> None:
    value = datetime(2024, 3, 1, 9, tzinfo=SHANGHAI)
    back = rs.from_json(rs.to_json(value), datetime)
    assert value == back
    assert timedelta(hours=8) == back.utcoffset()


# ---------------------------------------------------------------------------
# Exact numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["0.1", "12.50", "-0", "1E+2", "0.000001", "3.14159265358979323846264338327950288"],
)
def test_decimal_is_exact(text: str) -> None:
    value = Decimal(text)
    assert text == rs.unstructure(value)
    back = rs.from_json(rs.to_json(value), Decimal)
    assert str(value) == str(back)
    assert value.as_tuple() == back.as_tuple()


def test_decimal_sum_is_exact() -> None:
    total = Decimal("0.1") + Decimal("0.2")
    assert Decimal("0.3") == rs.from_json(rs.to_json(total), Decimal)


def test_decimal_accepts_integers() -> None:
    assert Decimal(7) == rs.structure(7, Decimal)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_round_trip_is_exact(value: Decimal) -> None:
    back = rs.from_json(rs.to_json(value), Decimal)
    assert value.as_tuple() == back.as_tuple()


@given(st.fractions())
def test_fraction_round_trip(value: Fraction) -> None:
    text = rs.unstructure(value)
    assert f"{value.numerator}/{value.denominator}" == text
    assert value == rs.structure(text, Fraction)


def test_non_finite_decimals_are_refused_both_ways() -> None:
    with pytest.raises(SerializationError, match="finite"):
        rs.unstructure(Decimal("NaN"))
    with pytest.raises(SerializationError, match="finite"):
        rs.structure("Infinity", Decimal)


# ---------------------------------------------------------------------------
# Round trips of generated values
# ---------------------------------------------------------------------------

_OFFSETS = st.sampled_from(
    [UTC, timezone(timedelta(hours=8)), timezone(-timedelta(hours=5, minutes=30))]
)
_AWARE = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=_OFFSETS
)
_PENDULUM = st.datetimes(
    min_value=datetime(1992, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.just(UTC),
).map(lambda d: pendulum.instance(d).in_timezone("Asia/Shanghai"))
_DURATIONS = st.builds(
    pendulum.duration,
    years=st.integers(0, 3),
    months=st.integers(0, 11),
    days=st.integers(0, 400),
    hours=st.integers(0, 23),
    minutes=st.integers(0, 59),
    seconds=st.integers(0, 59),
    microseconds=st.integers(0, 999_999),
)
_SAMPLES = st.builds(
    Sample,
    at=_AWARE,
    at_p=_PENDULUM,
    day=st.dates(),
    day_p=st.dates().map(lambda d: pendulum.Date(d.year, d.month, d.day)),
    clock=st.times(),
    span=st.timedeltas(),
    duration=_DURATIONS | _DURATIONS.map(lambda d: -d),
    amount=st.decimals(allow_nan=False, allow_infinity=False),
    ratio=st.fractions(),
    color=st.sampled_from(Color),
    card=st.sampled_from(Card),
    stars=st.sampled_from(Stars),
    tags=st.frozensets(st.text(max_size=4), max_size=4),
    counts=st.lists(st.integers(), max_size=4).map(tuple),
    note=st.none() | st.text(),
    when=st.none() | _AWARE,
    flag=st.booleans(),
    weight=st.floats(allow_nan=False, allow_infinity=False),
)


@given(_SAMPLES)
def test_sample_round_trips(sample: Sample) -> None:
    assert sample == rs.structure(rs.unstructure(sample), Sample)
    back = rs.from_json(rs.to_json(sample), Sample)
    assert sample == back
    assert sample.amount.as_tuple() == back.amount.as_tuple()
    assert (sample.duration.years, sample.duration.months) == (
        back.duration.years,
        back.duration.months,
    )


def _round_trips(record: Any) -> None:
    cls = type(record)
    assert record == rs.structure(rs.unstructure(record), cls)
    assert record == rs.from_json(rs.to_json(record), cls)


@given(persons())
def test_person_round_trips(person: Person) -> None:
    _round_trips(person)


@given(organizations())
def test_organization_round_trips(org: Organization) -> None:
    _round_trips(org)


@given(posts())
def test_post_round_trips(post: Post) -> None:
    _round_trips(post)


@given(memberships())
def test_membership_round_trips(membership: Membership) -> None:
    _round_trips(membership)


@given(contact_details())
def test_contact_detail_round_trips(detail: ContactDetail) -> None:
    _round_trips(detail)


def test_unstructured_person_keeps_raw_numbers_for_storage() -> None:
    # Storage needs the real number; masking is for Popolo export only.
    p = Person(
        id="p-1",
        name="王芳",
        identifiers=(Identifier.from_resident_id("11010519491231002X"),),
    )
    assert "11010519491231002X" in rs.to_json(p)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def _error(data: Any, cls: Any) -> str:
    with pytest.raises(SerializationError) as info:
        rs.structure(data, cls)
    return str(info.value)


def test_extra_key_is_named() -> None:
    message = _error({"id": "p-1", "name": "王芳", "nickname": "芳芳"}, Person)
    assert message.startswith("Cannot build Person from the data: 1 problem found:")
    assert "$: unexpected key 'nickname'; Person has keys id, name," in message


def test_missing_key_is_named() -> None:
    assert "$.name: required key is missing" in _error({"id": "p-1"}, Person)


def test_wrong_type_is_named_with_its_path() -> None:
    message = _error({"id": 1, "name": "王芳", "birth_date": 19900101}, Person)
    assert "2 problems found" in message
    assert "$.id: expected a string, got 1" in message
    assert "$.birth_date: expected an ISO 8601 date string such as" in message


def test_nested_errors_name_the_nested_path() -> None:
    data = {
        "id": "o-1",
        "name": "党委",
        "contact_details": [
            {"type": "email", "value": "a@example.org"},
            {"type": "cell", "value": "12345"},
            {"type": "email", "value": "b@example.org", "colour": "red"},
        ],
    }
    message = _error(data, Organization)
    assert "$.contact_details[1]: Expected a mainland mobile number" in message
    assert "$.contact_details[2]: unexpected key 'colour'" in message
    assert "$.contact_details[0]" not in message


def test_a_string_is_not_an_array() -> None:
    message = _error(
        {"id": "post-1", "label": "x", "organization_id": "o", "other_label": "ab"},
        Post,
    )
    assert "$.other_label: expected an array, got 'ab'" in message


def test_not_an_object() -> None:
    assert "$: expected an object" in _error(["p-1"], Person)


def test_record_validators_are_reported() -> None:
    message = _error({"id": "p-1", "name": " "}, Person)
    assert "$: name must not be blank" in message


def test_bad_decimal() -> None:
    message = _error({"x": "12,50", "y": 1.5, "z": True}, dict[str, Decimal])
    assert "3 problems found" in message
    expected = "expected a decimal number as a string such as '12.50', got"
    assert f"$['x']: {expected} '12,50'" in message
    assert f"$['y']: {expected} the float 1.5 (floats are inexact)" in message
    assert "$['z']:" in message


def test_bad_fraction_enum_and_duration() -> None:
    message = _error(
        json.loads(rs.to_json(_sample()))
        | {"ratio": "1/0", "color": "blue", "span": "1 day", "stars": "5"},
        Sample,
    )
    assert (
        "$.ratio: expected a fraction with a non-zero denominator, got '1/0'" in message
    )
    assert "$.color: 'blue' is not a valid Color" in message
    assert (
        "$.span: expected an ISO 8601 duration such as 'P1DT2H30M', got '1 day'"
        in message
    )
    assert "$.stars: expected an integer, got '5'" in message


def test_timedelta_refuses_calendar_units() -> None:
    assert "no calendar years or months" in _error("P1Y", timedelta)


def test_naive_datetime_is_refused_when_reading() -> None:
    data = json.loads(rs.to_json(_sample())) | {"at": "2024-03-01T09:00:00"}
    with pytest.raises(NaiveDatetimeError) as info:
        rs.structure(data, Sample)
    assert isinstance(info.value, SerializationError)
    assert (
        "$.at: expected a timezone-aware datetime, got the naive '2024-03-01T09:00:00'"
        in str(info.value)
    )


def test_naive_pendulum_datetime_is_refused_when_reading() -> None:
    with pytest.raises(NaiveDatetimeError):
        rs.structure("2024-03-01 09:00", pendulum.DateTime)


@pytest.mark.parametrize(
    "value", [datetime(2024, 3, 1, 9), pendulum.naive(2024, 3, 1, 9)]
)
def test_naive_datetime_is_refused_when_writing(value: datetime) -> None:
    with pytest.raises(NaiveDatetimeError, match="naive") as info:
        rs.to_json(_sample(at=value))
    assert isinstance(info.value, SerializationError)


def test_datetime_in_a_date_field_is_refused_when_writing() -> None:
    with pytest.raises(SerializationError, match="expected a date, got the datetime"):
        rs.unstructure(_sample(day=datetime(2024, 3, 1, tzinfo=UTC)))


def test_unknown_types_are_refused() -> None:
    class Opaque:
        pass

    with pytest.raises(
        SerializationError, match=r"register hooks with redcity\.serialize\.register"
    ):
        rs.to_json(Opaque())


def test_invalid_json_text() -> None:
    with pytest.raises(SerializationError, match="not valid JSON"):
        rs.from_json("{", Person)


def test_nan_float_is_refused() -> None:
    with pytest.raises(SerializationError, match="Cannot write float as JSON"):
        rs.to_json(float("nan"))


def test_errors_chain_the_cattrs_exception() -> None:
    with pytest.raises(SerializationError) as info:
        rs.structure({"id": 1}, Person)
    assert isinstance(info.value.__cause__, cattrs.ClassValidationError)


# ---------------------------------------------------------------------------
# register()
# ---------------------------------------------------------------------------


@attrs.frozen
class _Code:
    """A stand-in for a type another module owns (e.g. a division code)."""

    digits: str


def _parse_code(value: Any) -> _Code:
    if not isinstance(value, str) or not value.isdigit():
        msg = f"expected a digit string, got {value!r}"
        raise ValueError(msg)
    return _Code(value)


rs.register(_Code, lambda c: c.digits, _parse_code)


@attrs.frozen
class _Holder:
    codes: tuple[_Code, ...]


def test_register_adds_hooks() -> None:
    holder = _Holder((_Code("520304"), _Code("520302")))
    assert rs.unstructure(holder) == {"codes": ["520304", "520302"]}
    assert holder == rs.from_json(rs.to_json(holder), _Holder)


def test_registered_hook_errors_have_paths() -> None:
    message = _error({"codes": ["520304", "abc"]}, _Holder)
    assert "$.codes[1]: expected a digit string, got 'abc'" in message
