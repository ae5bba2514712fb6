"""Open311 GeoReport v2 export, validated against ../shared/schemas/open311/."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schema_check
from redcity.dispatch import (
    DEFAULT_TAXONOMY,
    Requester,
    Ticket,
    from_open311,
    to_open311,
)
from redcity.errors import SerializationError
from redcity.testing._dispatch_strategies import tickets

CST = timezone(timedelta(hours=8))


def assert_valid(name: str, instance: Any) -> None:
    schema_check.assert_valid("open311", name, instance)


def assert_offsets(request: dict[str, Any]) -> None:
    """Every time is ISO 8601 with an offset (the format checker may be lenient)."""
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        value = request[key]
        if value is not None:
            assert datetime.fromisoformat(value).utcoffset() is not None, key


def full_ticket() -> Ticket:
    t = Ticket.report(
        "T1",
        at=datetime(2026, 3, 2, 9, tzinfo=CST),
        actor="hotline",
        service_code="construction.illegal",
        node_id="b-7",
        severity="大事",
        source="12345",
        description="邻居违建，身份证52030219900307123X，电话13812345678",
        address="播州区南白街道 兴茂小区 7栋",
        requester=Requester(name="张三", phone="13812345678", person_id="p-1"),
    )
    t = t.dispatch(
        at=datetime(2026, 3, 2, 10, tzinfo=CST),
        to="s-1",
        level="street",
        actor="center",
        department="enforcement",
        due=datetime(2026, 3, 6, 18, tzinfo=CST),
    )
    t = t.whistle(
        ["enforcement"],
        at=datetime(2026, 3, 2, 11, tzinfo=CST),
        respond_by=datetime(2026, 3, 2, 13, tzinfo=CST),
        actor="street",
        reason="需执法 13912345678",
    )
    t = t.accept(at=datetime(2026, 3, 3, 9, tzinfo=CST), actor="enforcement")
    t = t.resolve(at=datetime(2026, 3, 4, 9, tzinfo=CST), actor="enforcement")
    t = t.verify(True, at=datetime(2026, 3, 4, 10, tzinfo=CST), actor="supervisor")
    return t.close(at=datetime(2026, 3, 4, 11, tzinfo=CST), actor="center")


def test_the_schema_really_rejects_bad_requests() -> None:
    errors = list(
        schema_check.validator("open311", "request").iter_errors({"status": "pending"})
    )
    assert len(errors) >= 4  # three missing required keys, a bad status
    assert list(
        schema_check.validator("open311", "requests").iter_errors([{"status": "open"}])
    )


def test_closed_ticket_export() -> None:
    [r] = to_open311([full_ticket()], taxonomy=DEFAULT_TAXONOMY)
    assert_valid("request", r)
    assert_offsets(r)
    assert "closed" == r["status"]
    assert "违法建设" == r["service_name"]
    assert "enforcement" == r["agency_responsible"]
    assert "2026-03-06T18:00:00+08:00" == r["expected_datetime"]
    assert "2026-03-04T11:00:00+08:00" == r["updated_datetime"]
    assert "b-7" == r["address_id"]
    assert 7 == len(r["status_notes"].splitlines())
    assert "吹哨 whistle" in r["status_notes"]
    assert r["extended_attributes"]["status"] == "closed"
    assert r["extended_attributes"]["resolved_at_level"] == "street"


def test_personal_data_is_masked() -> None:
    [r] = to_open311([full_ticket()])
    text = json.dumps(r, ensure_ascii=False)
    for secret in ("13812345678", "13912345678", "52030219900307123X", "张三", "p-1"):
        assert secret not in text
    assert {"name": "张*", "phone": "138****5678"} == r["extended_attributes"][
        "requester"
    ]
    assert "520302********123X" in r["description"]


def test_redirected_ticket_is_closed_and_open_one_is_open() -> None:
    t = Ticket.report(
        "T2",
        at=datetime(2026, 3, 2, 9, tzinfo=CST),
        actor="hotline",
        service_code="emergency.fire",
        node_id="b-1",
        severity="urgent",
        source="hotline_12345",
    )
    redirected = t.redirect(
        "119", at=t.requested_datetime, actor="hotline", reason="火情"
    )
    out = to_open311([t, redirected])
    assert ["open", "closed"] == [r["status"] for r in out]
    assert "119" == out[1]["extended_attributes"]["redirected_to"]
    assert_valid("requests", out)


def test_long_descriptions_are_cut_to_the_schema_limit() -> None:
    t = Ticket.report(
        "T3",
        at=datetime(2026, 3, 2, 9, tzinfo=CST),
        actor="a",
        service_code="env.noise",
        node_id="b-1",
        severity="small",
        source="grid_patrol",
        description="吵" * 5000,
    )
    [r] = to_open311([t])
    assert 4000 == len(r["description"])
    assert_valid("request", r)


@settings(max_examples=60, deadline=None)
@given(st.lists(tickets(), max_size=4, unique_by=lambda t: t.id))
def test_every_ticket_validates(batch: list[Ticket]) -> None:
    out = to_open311(batch, taxonomy=DEFAULT_TAXONOMY)
    assert [t.id for t in batch] == [r["service_request_id"] for r in out]
    for request, ticket in zip(out, batch, strict=True):
        assert_valid("request", request)
        assert_offsets(request)
        assert ("open" if ticket.is_open else "closed") == request["status"]
        assert len(ticket.events) == len(request["status_notes"].splitlines())
        assert "13912345678" not in request["description"]
    if out:
        assert_valid("requests", out)
    json.dumps(out)  # JSON-ready


def test_from_open311_reads_the_intake() -> None:
    [r] = to_open311([full_ticket()])
    t = from_open311(r)
    assert ("T1", "construction.illegal", "b-7") == (t.id, t.service_code, t.node_id)
    assert full_ticket().requested_datetime == t.requested_datetime
    assert "big" == t.severity.value  # from extended_attributes
    assert "reported" == t.status.value


def test_from_open311_lists_every_problem() -> None:
    with pytest.raises(SerializationError) as caught:
        from_open311({"requested_datetime": "2026-03-02T09:00:00"})
    message = str(caught.value)
    for part in ("service_request_id", "service_code", "UTC offset", "address_id"):
        assert part in message


def test_to_open311_refuses_non_tickets() -> None:
    with pytest.raises(TypeError, match="Expected Tickets"):
        to_open311([{"service_request_id": "x"}])  # type: ignore[list-item]
