"""Export tickets as Open311 GeoReport v2 service requests (and read them back).

:func:`to_open311` turns each :class:`~redcity.dispatch.Ticket` into the
JSON-ready object GeoReport v2 returns for a service request:

* ``status`` is ``"closed"`` once the ticket is closed or redirected, else
  ``"open"``; the fine-grained status is in ``extended_attributes``.
* ``expected_datetime`` is the ticket's deadline (set from an SLA), and
  ``agency_responsible`` its department (else the handling node).
* ``status_notes`` is the event history, one line per event.
* times are ISO 8601 with their UTC offset
  (``"2026-03-02T09:00:00+08:00"``).
* ``address_id`` is the node the ticket concerns.
* Personal data never leaves unmasked: the requester appears only as a
  masked name and phone in ``extended_attributes``, and phone or identity
  numbers written into the description or notes are masked too.

Fields GeoReport v2 lacks travel in ``extended_attributes`` (the name the
Open311 GeoReport extensions use): ``node_id``, ``severity``, ``source``,
``status`` (redcity's), ``handler_node``, ``resolved_node``,
``resolved_at_level``, ``first_receiver``, ``redirected_to``,
``escalations``, ``reworked``, ``extended`` and ``requester``.

References:
    Open311 GeoReport v2, ``GET requests`` response
    (https://wiki.open311.org/GeoReport_v2/); the JSON Schemas in
    ``../shared/schemas/open311/``.

>>> from datetime import datetime, timedelta, timezone
>>> from redcity.dispatch import Requester, Ticket, to_open311
>>> cst = timezone(timedelta(hours=8))
>>> t = Ticket.report("T1", at=datetime(2026, 3, 2, 9, tzinfo=cst),
...     actor="hotline", service_code="env.garbage", node_id="b-7",
...     severity="small", source="12345", description="楼下垃圾，电话13812345678",
...     requester=Requester(name="李四", phone="13812345678"))
>>> [request] = to_open311([t])
>>> request["status"], request["requested_datetime"], request["description"]
('open', '2026-03-02T09:00:00+08:00', '楼下垃圾，电话138****5678')
>>> request["extended_attributes"]["requester"]
{'name': '李*', 'phone': '138****5678'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from redcity.dispatch.taxonomy import Taxonomy
from redcity.dispatch.tickets import Severity, Source, Ticket
from redcity.errors import SerializationError
from redcity.people import mask_text

__all__ = ["from_open311", "to_open311"]

MAX_DESCRIPTION: Final = 4000
"""GeoReport v2 limits ``description`` to 4000 characters; longer ones are cut."""


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _request(ticket: Ticket, taxonomy: Taxonomy | None) -> dict[str, Any]:
    description = mask_text(ticket.description)
    if len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1] + "…"
    service_name = None
    if taxonomy is not None and ticket.service_code in taxonomy:
        service_name = taxonomy[ticket.service_code].zh
    extended: dict[str, Any] = {
        "node_id": ticket.node_id,
        "severity": ticket.severity.value,
        "source": ticket.source.value,
        "status": ticket.status.value,
        "handler_node": ticket.handler_node,
        "first_receiver": ticket.first_receiver,
        "resolved_node": ticket.resolved_node,
        "resolved_at_level": (
            None if ticket.resolved_at_level is None else ticket.resolved_at_level.en
        ),
        "redirected_to": (
            None if ticket.redirected_to is None else ticket.redirected_to.value
        ),
        "escalations": len(ticket.escalations),
        "reworked": ticket.was_reworked,
        "extended": ticket.was_extended,
        "requester": None if ticket.requester is None else ticket.requester.masked(),
    }
    return {
        "service_request_id": ticket.service_request_id,
        "status": "open" if ticket.is_open else "closed",
        "status_notes": mask_text(ticket.status_notes),
        "service_name": service_name,
        "service_code": ticket.service_code,
        "description": description,
        "agency_responsible": ticket.agency_responsible,
        "service_notice": None,
        "requested_datetime": ticket.requested_datetime.isoformat(),
        "updated_datetime": ticket.updated_datetime.isoformat(),
        "expected_datetime": _iso(ticket.expected_datetime),
        "address": ticket.address,
        "address_id": ticket.node_id,
        "extended_attributes": extended,
    }


def to_open311(
    tickets: Iterable[Ticket], *, taxonomy: Taxonomy | None = None
) -> list[dict[str, Any]]:
    """Every ticket as a GeoReport v2 service request (a JSON-ready dict).

    Args:
        tickets: The tickets, exported in the order given.
        taxonomy: When given, ``service_name`` is the category's Chinese
            name; otherwise ``None``.

    Raises:
        TypeError: an item is not a :class:`~redcity.dispatch.Ticket`.

    >>> to_open311([])
    []
    """
    out = []
    for ticket in tickets:
        if not isinstance(ticket, Ticket):
            msg = f"Expected Tickets to export, got {ticket!r}."
            raise TypeError(msg)
        out.append(_request(ticket, taxonomy))
    return out


def from_open311(
    request: Mapping[str, Any],
    *,
    severity: Severity | str = Severity.SMALL,
    source: Source | str = Source.HOTLINE_12345,
    actor: str = "open311",
) -> Ticket:
    """A new ticket from a GeoReport v2 service request, as received.

    Only the intake is read (id, service code, requested time, description,
    address, ``address_id`` or ``extended_attributes.node_id`` as the node,
    ``expected_datetime``); the history cannot be rebuilt from free-text
    notes, so the ticket starts REPORTED.  ``extended_attributes.severity``
    and ``.source`` override the defaults.

    Raises:
        SerializationError: a required field is missing or malformed.

    >>> t = from_open311({"service_request_id": "638344", "status": "open",
    ...     "service_code": "env.garbage", "address_id": "b-7",
    ...     "requested_datetime": "2026-03-02T09:00:00+08:00"})
    >>> t.status.value, t.node_id, t.requested_datetime.isoformat()
    ('reported', 'b-7', '2026-03-02T09:00:00+08:00')
    """
    problems: list[str] = []

    def text(key: str, *, required: bool) -> str | None:
        value = request.get(key)
        if value is None:
            if required:
                problems.append(f"{key}: required")
            return None
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: expected a non-empty string, got {value!r}")
            return None
        return value

    def moment(key: str, *, required: bool) -> datetime | None:
        value = text(key, required=required)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            problems.append(f"{key}: expected an ISO 8601 datetime, got {value!r}")
            return None
        if parsed.utcoffset() is None:
            problems.append(f"{key}: expected a UTC offset, got {value!r}")
            return None
        return parsed

    if not isinstance(request, Mapping):
        msg = f"Expected a GeoReport v2 request object, got {request!r}."
        raise SerializationError(msg)
    extended = request.get("extended_attributes") or {}
    tid = text("service_request_id", required=True)
    code = text("service_code", required=True)
    at = moment("requested_datetime", required=True)
    expected = moment("expected_datetime", required=False)
    node = text("address_id", required=False)
    if node is None and isinstance(extended, Mapping):
        node = extended.get("node_id")
    if not isinstance(node, str) or not node:
        problems.append("address_id: required (the node the request concerns)")
    address = text("address", required=False)
    description = request.get("description") or ""
    if isinstance(extended, Mapping):
        severity = extended.get("severity", severity)
        source = extended.get("source", source)
    if problems:
        msg = "Cannot read the Open311 request: " + "; ".join(problems) + "."
        raise SerializationError(msg)
    assert tid is not None
    assert code is not None
    assert at is not None
    assert isinstance(node, str)
    try:
        return Ticket.report(
            tid,
            at=at,
            actor=actor,
            service_code=code,
            node_id=node,
            severity=severity,
            source=source,
            description=str(description),
            address=address,
            expected_datetime=expected,
        )
    except ValueError as exc:
        msg = f"Cannot read the Open311 request {tid!r}: {exc}"
        raise SerializationError(msg) from exc
