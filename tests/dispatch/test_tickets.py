"""Tickets: both loops, rework, extension, suspension, redirection, whistle,
escalation, the accessors metrics use, and serialization."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings

import redcity.serialize as rs
from redcity.dispatch import (
    TRANSITIONS,
    Action,
    IllegalTicketTransition,
    Redirect,
    Requester,
    Severity,
    Source,
    Status,
    Ticket,
    TicketEvent,
    replay,
)
from redcity.errors import NaiveDatetimeError, RedcityError, SerializationError
from redcity.grid import Level
from redcity.testing._dispatch_strategies import ticket_histories, tickets

CST = timezone(timedelta(hours=8))


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=CST)


def new(**kw: object) -> Ticket:
    fields: dict[str, object] = {
        "at": at(2),
        "actor": "grid-worker",
        "service_code": "env.garbage",
        "node_id": "b-7",
        "severity": "小事",
        "source": "网格巡查",
    }
    fields.update(kw)
    return Ticket.report("T1", **fields)  # type: ignore[arg-type]


def dispatched(**kw: object) -> Ticket:
    return new(**kw).dispatch(
        at=at(2, 10), to="g-1", level="网格", actor="community", due=at(5)
    )


def resolved() -> Ticket:
    return dispatched().accept(at=at(2, 11), actor="w").resolve(at=at(3), actor="w")


# ---------------------------------------------------------------- the two loops


def test_five_orders() -> None:
    t = new(source="群众点单", requester=Requester(name="王芳", phone="13912345678"))
    t = t.dispatch(at=at(2, 10), to="g-1", level=Level.GRID, actor="c", handler="m-1")
    t = t.accept(at=at(2, 11), actor="m-1")
    t = t.resolve(at=at(3), actor="m-1")
    t = t.publicize(at=at(3, 10), actor="c")
    t = t.rate(4, at=at(4), actor="resident")
    t = t.close(at=at(4, 10), actor="c")
    assert [e.action for e in t.events] == [
        Action.REPORT,
        Action.DISPATCH,
        Action.ACCEPT,
        Action.RESOLVE,
        Action.PUBLICIZE,
        Action.RATE,
        Action.CLOSE,
    ]
    assert Status.CLOSED == t.status
    assert (Source.RESIDENT_ORDER, Severity.SMALL) == (t.source, t.severity)
    assert ("g-1", Level.GRID) == (t.resolved_node, t.resolved_at_level)
    assert "g-1" == t.first_receiver
    assert (4,) == t.ratings
    assert at(2, 10) == t.filed_at == t.dispatched_at  # dispatching files it
    assert at(4, 10) == t.closed_at
    assert t.closed_on_time is None  # no deadline was ever set
    assert not t.is_open


def test_seven_steps() -> None:
    t = new(source="grid_patrol")
    t = t.file(at=at(2, 9, 30), actor="center")
    t = t.dispatch(
        at=at(2, 10),
        to="s-1",
        level="街道",
        actor="center",
        department="enforcement",
        due=at(4),
    )
    t = t.accept(at=at(2, 11), actor="enforcement")
    t = t.resolve(at=at(3), actor="enforcement")
    t = t.verify(True, at=at(3, 12), actor="supervisor")
    t = t.close(at=at(3, 13), actor="center")
    assert Status.CLOSED == t.status
    assert at(2, 9, 30) == t.filed_at
    assert "enforcement" == t.agency_responsible
    assert t.closed_on_time is True
    assert [
        s.seven_steps for s in (Status.REPORTED, Status.FILED, Status.DISPATCHED)
    ] == [
        "信息收集",
        "案卷建立",
        "任务派遣",
    ]


def test_closing_needs_a_check_or_a_call_back() -> None:
    t = resolved()
    with pytest.raises(IllegalTicketTransition, match="cannot close") as caught:
        t.close(at=at(4), actor="c")
    assert (Status.RESOLVED, Action.CLOSE) == (caught.value.status, caught.value.action)
    assert Status.RESOLVED == t.status
    assert 4 == len(t.events)


# ---------------------------------------------------------------- rework


def test_failed_rating_sends_it_back_to_the_handler() -> None:
    t = resolved().publicize(at=at(3, 10), actor="c").rate(2, at=at(3, 11), actor="r")
    assert Status.DISPATCHED == t.status
    assert t.was_reworked
    assert 1 == t.rework_count
    assert "g-1" == t.handler_node
    t = t.accept(at=at(3, 12), actor="w").resolve(at=at(3, 15), actor="w")
    t = t.rate(5, at=at(3, 16), actor="r").close(at=at(3, 17), actor="c")
    assert Status.CLOSED == t.status
    assert (2, 5) == t.ratings
    assert at(3, 15) == t.resolved_at


def test_failed_verification_and_explicit_rework() -> None:
    t = resolved().verify(False, at=at(3, 10), actor="s")
    assert Status.DISPATCHED == t.status
    t = t.accept(at=at(3, 11), actor="w").resolve(at=at(3, 12), actor="w")
    t = t.verify(True, at=at(3, 13), actor="s").rework(
        at=at(3, 14), actor="c", reason="居民再次反映"
    )
    assert Status.DISPATCHED == t.status
    assert 2 == t.rework_count


def test_passing_score_is_configurable_and_recorded() -> None:
    t = resolved().rate(3, at=at(4), actor="r", passing=4)
    assert Status.DISPATCHED == t.status
    assert t.events[-1].ok is False
    # Replay needs no configuration: the outcome is in the event.
    assert t == replay("T1", t.events)


def test_rework_needs_a_reason() -> None:
    with pytest.raises(IllegalTicketTransition, match="needs reason"):
        resolved().rework(at=at(4), actor="c", reason=" ")


# ---------------------------------------------------------------- extension


def test_extension_moves_the_deadline() -> None:
    t = dispatched().extend(at=at(3), until=at(8), actor="street", reason="等待配件")
    assert at(8) == t.expected_datetime == t.due
    assert at(5) == t.original_expected_datetime
    assert t.was_extended
    assert 1 == t.extension_count
    t = t.accept(at=at(6), actor="w").resolve(at=at(7), actor="w")
    t = t.verify(True, at=at(7, 10), actor="s").close(at=at(7, 11), actor="c")
    assert t.closed_on_time is True


@pytest.mark.parametrize(
    ("until", "reason", "match"),
    [
        (at(4), "等待配件", "not after the current"),
        (at(9), "", "needs reason"),
        (at(2, 12), "x", "deadline after"),
    ],
)
def test_bad_extensions_are_refused(until: datetime, reason: str, match: str) -> None:
    t = dispatched()
    with pytest.raises(IllegalTicketTransition, match=match):
        t.extend(at=at(3), until=until, actor="s", reason=reason)
    assert at(5) == t.expected_datetime
    assert 2 == len(t.events)


def test_extension_without_a_deadline_is_refused() -> None:
    with pytest.raises(IllegalTicketTransition, match="no deadline"):
        new().extend(at=at(3), until=at(9), actor="s", reason="等待")


def test_late_close_is_not_on_time() -> None:
    t = dispatched().accept(at=at(3), actor="w").resolve(at=at(6), actor="w")
    t = t.verify(True, at=at(6, 10), actor="s").close(at=at(6, 11), actor="c")
    assert t.closed_on_time is False


# ---------------------------------------------------------------- suspension


def test_suspension_pauses_and_resumes_where_it_was() -> None:
    t = dispatched().accept(at=at(2, 11), actor="w")
    t = t.suspend(at=at(2, 12), actor="w", reason="居民不在家")
    assert Status.SUSPENDED == t.status
    assert Status.ACCEPTED == t.suspended_from
    assert ((at(2, 12), None),) == t.paused_intervals()
    with pytest.raises(
        IllegalTicketTransition, match="allowed now: extend, redirect, resume"
    ):
        t.resolve(at=at(3), actor="w")
    t = t.resume(at=at(3, 12), actor="w", due=at(6))
    assert Status.ACCEPTED == t.status
    assert t.suspended_from is None
    assert at(6) == t.expected_datetime
    assert ((at(2, 12), at(3, 12)),) == t.paused_intervals()
    assert not t.was_extended  # a new deadline on resuming is not an extension


def test_suspension_needs_a_reason() -> None:
    with pytest.raises(IllegalTicketTransition, match="needs reason"):
        dispatched().suspend(at=at(3), actor="w", reason="")


# ---------------------------------------------------------------- redirection


@pytest.mark.parametrize("target", ["110", "119", "120", "122", "outside_duty"])
def test_redirection_is_terminal(target: str) -> None:
    t = new().redirect(target, at=at(2, 9, 5), actor="hotline", reason="转警情")
    assert Status.REDIRECTED == t.status
    assert not t.is_open
    assert Redirect.parse(target) is t.redirected_to
    assert at(2, 9, 5) == t.redirected_at
    assert frozenset() == t.allowed_actions()
    with pytest.raises(IllegalTicketTransition, match="nothing \\(terminal\\)"):
        t.dispatch(at=at(3), to="g-1", level="grid", actor="c")


def test_redirection_from_suspension_ends_the_pause() -> None:
    t = dispatched().suspend(at=at(3), actor="c", reason="等待")
    t = t.redirect(
        "outside_duty", at=at(4), actor="c", reason="非社区职责", department="法院"
    )
    assert ((at(3), at(4)),) == t.paused_intervals()
    assert "法院" == t.agency_responsible


# ---------------------------------------------------------------- whistle, escalation


def test_whistle_summons_departments_who_report() -> None:
    t = dispatched(service_code="construction.illegal")
    t = t.whistle(
        ["enforcement", "housing"],
        at=at(2, 12),
        respond_by=at(2, 14),
        actor="street",
        reason="违法建设需执法",
    )
    assert ["enforcement", "housing"] == [s.department for s in t.summonses]
    with pytest.raises(IllegalTicketTransition, match="already summoned"):
        t.whistle(["housing"], at=at(2, 13), respond_by=at(3), actor="s", reason="再吹")
    t = t.respond("enforcement", at=at(2, 13), actor="enforcement")
    t = t.respond("housing", at=at(2, 15), actor="housing")
    assert [True, False] == [s.responded_on_time for s in t.summonses]
    with pytest.raises(IllegalTicketTransition, match="no pending summons"):
        t.respond("housing", at=at(2, 16), actor="housing")


def test_whistle_needs_departments_and_a_later_deadline() -> None:
    with pytest.raises(IllegalTicketTransition, match="needs departments"):
        dispatched().whistle([], at=at(3), respond_by=at(4), actor="s", reason="r")
    with pytest.raises(IllegalTicketTransition, match="deadline after"):
        dispatched().whistle(["x"], at=at(3), respond_by=at(3), actor="s", reason="r")


def test_escalation_records_from_and_to() -> None:
    t = dispatched().escalate(
        at=at(4), to="c-1", level="社区", actor="sys", reason="超期"
    )
    assert Status.DISPATCHED == t.status
    [e] = t.escalations
    assert ("g-1", Level.GRID, "c-1", Level.COMMUNITY) == (
        e.from_node,
        e.from_level,
        e.to_node,
        e.to_level,
    )
    assert "g-1" == t.first_receiver  # 首接负责 stays with the first receiver
    t = t.accept(at=at(4, 10), actor="c").resolve(at=at(4, 11), actor="c")
    assert ("c-1", Level.COMMUNITY) == (t.resolved_node, t.resolved_at_level)
    assert t.was_escalated


@pytest.mark.parametrize("level", ["grid", "building"])
def test_escalation_must_climb(level: str) -> None:
    with pytest.raises(IllegalTicketTransition, match="not above"):
        dispatched().escalate(at=at(4), to="x", level=level, actor="s", reason="r")


def test_escalation_needs_a_handler() -> None:
    with pytest.raises(IllegalTicketTransition, match="cannot escalate"):
        new().escalate(at=at(4), to="c-1", level="community", actor="s", reason="r")


# ---------------------------------------------------------------- refusals


def test_events_must_come_in_time_order() -> None:
    t = dispatched()
    with pytest.raises(
        IllegalTicketTransition, match="earlier than the last"
    ) as caught:
        t.accept(at=at(2, 9, 59), actor="w")
    assert "'T1'" in str(caught.value)
    assert "dispatched" in str(caught.value)
    assert (
        Status.ACCEPTED == t.accept(at=at(2, 10), actor="w").status
    )  # same instant: ok


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        new(at=datetime(2026, 3, 2, 9))
    with pytest.raises(NaiveDatetimeError):
        new().file(at=datetime(2026, 3, 2, 10), actor="c")


def test_error_is_a_value_error_and_a_redcity_error() -> None:
    assert issubclass(IllegalTicketTransition, ValueError)
    assert issubclass(IllegalTicketTransition, RedcityError)


def test_event_fields_must_fit_the_action() -> None:
    with pytest.raises(ValueError, match="does not take score"):
        TicketEvent(at=at(2), action="accept", actor="w", score=3)
    with pytest.raises(ValueError, match="rating from 1 to 5"):
        resolved().rate(6, at=at(4), actor="r")


def test_replay_refuses_bad_histories() -> None:
    t = resolved()
    with pytest.raises(IllegalTicketTransition, match="first event must be a report"):
        replay("T1", t.events[1:])
    with pytest.raises(IllegalTicketTransition, match="no events"):
        replay("T1", [])
    swapped = (t.events[0], t.events[2], t.events[1], *t.events[3:])
    with pytest.raises(IllegalTicketTransition):
        replay("T1", swapped)


def test_transition_table_is_closed_under_statuses() -> None:
    for status, actions in TRANSITIONS.items():
        for action, targets in actions.items():
            assert targets, (status, action)
    assert set(Status) == set(TRANSITIONS)


# ---------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(ticket_histories())
def test_replay_equals_state_for_any_history(events: tuple[TicketEvent, ...]) -> None:
    ticket = replay("T", events)
    assert events == ticket.events
    # Folding one event at a time gives the same ticket.
    step = replay("T", events[:1])
    for e in events[1:]:
        step = step.apply(e)
    assert ticket == step


@settings(max_examples=60, deadline=None)
@given(tickets())
def test_serialize_roundtrip(ticket: Ticket) -> None:
    text = rs.to_json(ticket)
    assert ticket == rs.from_json(text, Ticket)


def test_serialized_ticket_is_its_events() -> None:
    data = rs.unstructure(resolved())
    assert ["service_request_id", "events"] == list(data)
    assert "2026-03-02T09:00:00+08:00" == data["events"][0]["at"]
    assert "grid" == data["events"][1]["level"]
    data["events"][2]["action"] = "close"
    with pytest.raises(SerializationError, match="cannot close"):
        rs.structure(data, Ticket)
