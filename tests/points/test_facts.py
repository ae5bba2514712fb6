"""Facts and postings: immutable, aware, validated at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction

import attrs
import pytest

from redcity.errors import NaiveDatetimeError
from redcity.points import (
    Attendance,
    Deduction,
    FactKind,
    Posting,
    Rating,
    Redemption,
    ServiceRecord,
)
from redcity.points.facts import FACT_TYPES

CST = timezone(timedelta(hours=8))
AT = datetime(2026, 3, 7, 9, 0, tzinfo=CST)
BASE = {"id": "f1", "at": AT, "member_id": "m1", "node_id": "g1"}


def service(**kw: object) -> ServiceRecord:
    fields = {**BASE, "end": AT + timedelta(hours=2), "category": "助老"}
    fields.update(organizer_id="org", **kw)
    return ServiceRecord(**fields)  # type: ignore[arg-type]


def test_service_hours_are_exact() -> None:
    assert Fraction(2) == service().hours
    assert Fraction(7, 4) == service(end=AT + timedelta(minutes=105)).hours
    # Across a zone change the instants count, not the wall clocks.
    utc_end = (AT + timedelta(hours=3)).astimezone(UTC)
    assert Fraction(3) == service(end=utc_end).hours


def test_service_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        service(end=AT)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        service(at=datetime(2026, 3, 7, 9, 0))
    with pytest.raises(NaiveDatetimeError, match="end"):
        service(end=datetime(2026, 3, 7, 11, 0))


@pytest.mark.parametrize("field", ["id", "member_id", "node_id"])
def test_blank_ids_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        service(**{field: " "})


@pytest.mark.parametrize("score", [0, 6, 3.5, True])
def test_ratings_are_one_to_five(score: object) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        Rating(**BASE, score=score)  # type: ignore[arg-type]


def test_points_are_positive_whole_numbers() -> None:
    with pytest.raises(ValueError, match="points"):
        Deduction(**BASE, points=0, reason="缺席")
    with pytest.raises(ValueError, match="points"):
        Redemption(**BASE, points=2.5, merchant_id="shop")  # type: ignore[arg-type]


def test_attendance_is_organisational_life() -> None:
    Attendance(**BASE, meeting="主题党日", organizer_id="branch")
    with pytest.raises(ValueError, match="meeting"):
        Attendance(**BASE, meeting="茶话会", organizer_id="branch")


def test_facts_are_immutable_and_typed_by_kind() -> None:
    fact = service()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fact.category = "x"  # type: ignore[misc]
    assert FactKind.SERVICE is fact.kind
    assert set(FactKind) == set(FACT_TYPES)
    assert all(kind is cls.kind for kind, cls in FACT_TYPES.items())
    assert "志愿服务" == FactKind.SERVICE.zh


def test_postings_are_never_zero() -> None:
    fields = {
        "fact_id": "f1",
        "rule_id": "r1",
        "member_id": "m1",
        "node_id": "g1",
        "issuer_id": "org",
        "at": AT,
        "explanation_zh": "",
        "explanation_en": "",
    }
    assert Posting(**fields, points=-5).is_earning is False  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not 0"):
        Posting(**fields, points=0)  # type: ignore[arg-type]
