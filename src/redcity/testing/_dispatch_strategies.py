"""Hypothesis strategies for dispatch: categories, ticket histories and tickets.

Re-exported from :mod:`redcity.testing.strategies`: :func:`categories`
(valid :class:`~redcity.dispatch.Category` records), :func:`ticket_histories`
(legal event sequences, built by walking the state machine one allowed
action at a time) and :func:`tickets` (the replay of a drawn history).

Histories shrink toward a bare report: fewer steps, earlier actions, shorter
gaps between events.

>>> from hypothesis import given, settings
>>> from redcity.dispatch import replay
>>> @settings(max_examples=20, deadline=None)
... @given(ticket_histories(max_events=8))
... def test_replays(events):
...     assert replay("T", events).events == events
>>> test_replays()
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.dispatch.taxonomy import (
    DEFAULT_DEPARTMENTS,
    Category,
    EventClass,
    Redirect,
)
from redcity.dispatch.tickets import (
    Action,
    Requester,
    Severity,
    Source,
    Ticket,
    TicketEvent,
    replay,
)
from redcity.grid import Level
from redcity.testing._checks import check_size as _check_size

__all__ = ["categories", "ticket_histories", "tickets"]

SERVICE_CODES = ("env.garbage", "care.wish", "safety.hazard", "construction.illegal")
"""Category codes the ticket strategies draw from by default."""

HANDLERS: tuple[tuple[str, Level], ...] = (
    ("g1", Level.GRID),
    ("g2", Level.GRID),
    ("c1", Level.COMMUNITY),
    ("s1", Level.STREET),
    ("d1", Level.DISTRICT),
)
"""Handling nodes (id, level) the ticket strategies dispatch and escalate to."""

DEPARTMENTS = ("enforcement", "housing", "emergency")
"""Departments the ticket strategies dispatch to and summon."""

_CST = timezone(timedelta(hours=8))
_ZONES: tuple[tzinfo, ...] = (_CST, ZoneInfo("Asia/Shanghai"), UTC)
_CODE_PART = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_WORDS = st.sampled_from(
    ["等待配件", "居民不在家", "需要协调", "超期", "不满意", "重复诉求"]
)


def _names(name: str, values: object) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        msg = f"Expected {name} to be a non-empty list of strings, got {values!r}."
        raise InvalidArgument(msg)
    out = tuple(values)
    if not out or not all(isinstance(v, str) and v.strip() for v in out):
        msg = f"Expected {name} to be a non-empty list of strings, got {values!r}."
        raise InvalidArgument(msg)
    return out


@st.composite
def _category(draw: st.DrawFn, departments: tuple[str, ...]) -> Category:
    code = f"{draw(_CODE_PART)}.{draw(_CODE_PART)}"
    redirect = draw(st.none() | st.sampled_from(list(Redirect)))
    outside = redirect is Redirect.OUTSIDE_DUTY
    department = draw(
        st.none() | st.sampled_from(departments)
        if outside
        else st.sampled_from(departments)
    )
    return Category(
        code=code,
        zh=draw(st.sampled_from(["暴露垃圾", "邻里纠纷", "微心愿", "井盖破损"])),
        en=draw(st.sampled_from(["Garbage", "Dispute", "Wish", "Manhole"])),
        event_class=draw(st.sampled_from(list(EventClass))),
        department=department,
        group=draw(st.sampled_from(["", "市容环境", "矛盾纠纷"])),
        needs_whistle=draw(st.booleans()),
        redirect=redirect,
    )


def categories(
    *, departments: Iterable[str] = tuple(DEFAULT_DEPARTMENTS)
) -> st.SearchStrategy[Category]:
    """Valid categories whose department is one of *departments*.

    Args:
        departments: Department ids to draw from (default: those of
            :data:`~redcity.dispatch.DEFAULT_DEPARTMENTS`).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(categories(departments=["d"]))
    ... def test_department(category):
    ...     assert category.department in ("d", None)
    >>> test_department()
    """
    return _category(_names("departments", departments))


@st.composite
def _history(
    draw: st.DrawFn,
    min_events: int,
    max_events: int,
    service_codes: tuple[str, ...],
    node_ids: tuple[str, ...],
    max_gap_hours: int,
) -> tuple[TicketEvent, ...]:
    start = draw(
        st.datetimes(
            min_value=datetime(2024, 1, 1),
            max_value=datetime(2027, 12, 31),
            timezones=st.sampled_from(_ZONES),
        )
    )
    requester = draw(
        st.none()
        | st.builds(
            Requester,
            name=st.sampled_from(["张三", "李四", "王五六"]),
            phone=st.none() | st.sampled_from(["13812345678", "0851-28221234"]),
        )
    )
    ticket = Ticket.report(
        "T",
        at=start,
        actor=draw(st.sampled_from(["resident", "grid-worker", "hotline"])),
        service_code=draw(st.sampled_from(service_codes)),
        node_id=draw(st.sampled_from(node_ids)),
        severity=draw(st.sampled_from(list(Severity))),
        source=draw(st.sampled_from(list(Source))),
        description=draw(
            st.sampled_from(["", "楼道堆物", "请帮忙买药，电话13912345678"])
        ),
        requester=requester,
        expected_datetime=draw(
            st.none() | st.just(start + timedelta(days=draw(st.integers(1, 10))))
        ),
    )
    steps = draw(st.integers(min_events - 1, max_events - 1))
    for _ in range(steps):
        choices = _feasible(ticket)
        if not choices:
            break
        action = draw(st.sampled_from(choices))
        at = ticket.updated_datetime + timedelta(
            minutes=draw(st.integers(0, max_gap_hours * 60))
        )
        ticket = _take(draw, ticket, action, at)
    assume(len(ticket.events) >= min_events)  # a terminal status came first
    return ticket.events


def _above(ticket: Ticket) -> list[tuple[str, Level]]:
    level = ticket.handler_level
    return [(n, lv) for n, lv in HANDLERS if level is not None and lv < level]


def _pending(ticket: Ticket) -> list[str]:
    return [s.department for s in ticket.summonses if s.responded_at is None]


def _feasible(ticket: Ticket) -> list[Action]:
    """The allowed actions whose fields can be filled in now."""
    out = []
    for action in sorted(ticket.allowed_actions(), key=lambda a: a.value):
        if action is Action.EXTEND and ticket.expected_datetime is None:
            continue
        if action is Action.ESCALATE and not _above(ticket):
            continue
        if action is Action.RESPOND and not _pending(ticket):
            continue
        if action is Action.WHISTLE and set(_pending(ticket)) >= set(DEPARTMENTS):
            continue
        out.append(action)
    return out


def _take(draw: st.DrawFn, t: Ticket, action: Action, at: datetime) -> Ticket:
    actor = draw(st.sampled_from(["community", "m-01", "street", "resident"]))
    reason = draw(_WORDS)
    common: dict[str, Any] = {"at": at, "actor": actor}
    if action is Action.FILE:
        return t.file(**common)
    if action is Action.DISPATCH:
        node, level = draw(st.sampled_from(HANDLERS[:3]))
        return t.dispatch(
            **common,
            to=node,
            level=level,
            handler=draw(st.none() | st.sampled_from(["m-01", "w-02"])),
            department=draw(st.none() | st.sampled_from(DEPARTMENTS)),
            due=draw(st.none() | st.just(at + timedelta(days=3))),
        )
    if action is Action.ACCEPT:
        return t.accept(**common)
    if action is Action.RESOLVE:
        return t.resolve(**common, reason="已处理")
    if action is Action.PUBLICIZE:
        return t.publicize(**common)
    if action is Action.VERIFY:
        return t.verify(draw(st.booleans()), **common)
    if action is Action.RATE:
        return t.rate(draw(st.integers(1, 5)), **common)
    if action is Action.CLOSE:
        return t.close(**common)
    if action is Action.REWORK:
        return t.rework(**common, reason=reason)
    if action is Action.EXTEND:
        assert t.expected_datetime is not None
        base = max(t.expected_datetime, at)
        until = base + timedelta(hours=draw(st.integers(1, 240)))
        return t.extend(**common, until=until, reason=reason)
    if action is Action.SUSPEND:
        return t.suspend(**common, reason=reason)
    if action is Action.RESUME:
        return t.resume(**common)
    if action is Action.ESCALATE:
        node, level = draw(st.sampled_from(_above(t)))
        return t.escalate(**common, to=node, level=level, reason=reason)
    if action is Action.WHISTLE:
        free = [d for d in DEPARTMENTS if d not in _pending(t)]
        chosen = draw(st.lists(st.sampled_from(free), min_size=1, unique=True))
        respond_by = at + timedelta(hours=draw(st.integers(1, 48)))
        return t.whistle(chosen, **common, respond_by=respond_by, reason=reason)
    if action is Action.RESPOND:
        return t.respond(draw(st.sampled_from(_pending(t))), **common)
    assert action is Action.REDIRECT
    target = draw(st.sampled_from(list(Redirect)))
    return t.redirect(target, **common, reason=reason)


def _check_args(
    min_events: object,
    max_events: object,
    service_codes: object,
    node_ids: object,
    max_gap_hours: object,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    _check_size("events", min_events, max_events, 1)
    if type(max_gap_hours) is not int or max_gap_hours < 0:
        msg = f"Expected max_gap_hours to be a whole number ≥ 0, got {max_gap_hours!r}."
        raise InvalidArgument(msg)
    return _names("service_codes", service_codes), _names("node_ids", node_ids)


def ticket_histories(
    *,
    min_events: int = 1,
    max_events: int = 12,
    service_codes: Iterable[str] = SERVICE_CODES,
    node_ids: Iterable[str] = ("b1", "b2", "g1"),
    max_gap_hours: int = 72,
) -> st.SearchStrategy[tuple[TicketEvent, ...]]:
    """Legal event sequences of one ticket: a report, then allowed actions.

    Each step picks an action the state machine allows (and whose fields can
    be filled in: an extension needs a deadline, a response a pending
    summons …), at or after the previous event's time.  A walk may stop
    early at a terminal status; with ``min_events > 1`` such short walks are
    discarded.

    Args:
        min_events: At least this many events (≥ 1).
        max_events: At most this many events.
        service_codes: Category codes to draw from.
        node_ids: Nodes a ticket may concern.
        max_gap_hours: The largest gap between consecutive events.

    Raises:
        InvalidArgument: a bound or list is malformed.
    """
    codes, nodes = _check_args(
        min_events, max_events, service_codes, node_ids, max_gap_hours
    )
    return _history(min_events, max_events, codes, nodes, max_gap_hours)


def tickets(
    *,
    ids: st.SearchStrategy[str] | None = None,
    min_events: int = 1,
    max_events: int = 12,
    service_codes: Iterable[str] = SERVICE_CODES,
    node_ids: Iterable[str] = ("b1", "b2", "g1"),
) -> st.SearchStrategy[Ticket]:
    """Tickets in any reachable state: the replay of a :func:`ticket_histories`.

    Args:
        ids: Strategy for ``service_request_id`` (default ``"T1"`` … ``"T999"``).
        min_events: At least this many events.
        max_events: At most this many events.
        service_codes: Category codes to draw from.
        node_ids: Nodes a ticket may concern.

    Raises:
        InvalidArgument: a bound or list is malformed.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(tickets())
    ... def test_replay_equals_state(ticket):
    ...     assert replay(ticket.id, ticket.events) == ticket
    >>> test_replay_equals_state()
    """
    id_strategy = st.integers(1, 999).map(lambda n: f"T{n}") if ids is None else ids
    return st.builds(
        replay,
        id_strategy,
        ticket_histories(
            min_events=min_events,
            max_events=max_events,
            service_codes=service_codes,
            node_ids=node_ids,
        ),
    )
