"""Hypothesis strategies for dispatch metrics: count records and ticket batches.

:func:`case_counts_records` and :func:`hotline_counts_records` draw count
records that are consistent by construction; :func:`ticket_batches` draws
lists of replayed tickets, each a :func:`ticket_histories` walk moved so that
its report falls inside a window — so that periods around the window see
intake, deadlines, carry-over, rework, extension and redirection.

>>> from hypothesis import given, settings
>>> from datetime import datetime, timezone
>>> @settings(max_examples=10, deadline=None)
... @given(ticket_batches(node_ids=["b1"], max_size=3,
...                       start=datetime(2026, 3, 1, tzinfo=timezone.utc)))
... def test_window(tickets):
...     assert all(t.requested_datetime.year == 2026 for t in tickets)
>>> test_window()
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.dispatch.metrics import CaseCounts, HotlineCounts
from redcity.dispatch.tickets import Action, Ticket, TicketEvent, replay
from redcity.testing._checks import check_size as _check_size
from redcity.testing._dispatch_strategies import _feasible, _take, ticket_histories

__all__ = [
    "case_counts_records",
    "hotline_counts_records",
    "shift_events",
    "ticket_batches",
]


@st.composite
def _case_counts(draw: st.DrawFn, max_count: int) -> CaseCounts:
    n = st.integers(0, max_count)
    accepted, due = draw(n), draw(n)
    filed = draw(st.integers(0, accepted))
    closed = draw(st.integers(0, due))
    return CaseCounts(
        accepted=accepted,
        filed=filed,
        dispatched=draw(st.integers(0, filed)),
        due=due,
        closed=closed,
        closed_on_time=draw(st.integers(0, closed)),
        reworked=draw(st.integers(0, due)),
        extended=draw(st.integers(0, due)),
    )


def case_counts_records(*, max_count: int = 1000) -> st.SearchStrategy[CaseCounts]:
    """Consistent :class:`~redcity.dispatch.metrics.CaseCounts`, zeros included.

    Args:
        max_count: The largest ``accepted`` and ``due``.

    Raises:
        InvalidArgument: ``max_count`` is not a whole number ≥ 0.
    """
    _check_size("count", 0, max_count)
    return _case_counts(max_count)


@st.composite
def _hotline_counts(draw: st.DrawFn, max_count: int) -> HotlineCounts:
    received = draw(st.integers(0, max_count))
    redirected = draw(st.integers(0, received))
    responded = draw(st.integers(0, received - redirected))
    satisfied = draw(st.integers(0, responded))
    basic = draw(st.integers(0, responded - satisfied))
    return HotlineCounts(
        received=received,
        redirected=redirected,
        responded=responded,
        resolved=draw(st.integers(0, responded)),
        satisfied=satisfied,
        basically_satisfied=basic,
        dissatisfied=draw(st.integers(0, responded - satisfied - basic)),
    )


def hotline_counts_records(
    *, max_count: int = 1000
) -> st.SearchStrategy[HotlineCounts]:
    """Consistent :class:`~redcity.dispatch.metrics.HotlineCounts`, zeros included.

    Raises:
        InvalidArgument: ``max_count`` is not a whole number ≥ 0.
    """
    _check_size("count", 0, max_count)
    return _hotline_counts(max_count)


def shift_events(
    events: Iterable[TicketEvent], delta: timedelta
) -> tuple[TicketEvent, ...]:
    """The same history ``delta`` later: every time and deadline moved."""
    return tuple(
        attrs.evolve(e, at=e.at + delta, due=None if e.due is None else e.due + delta)
        for e in events
    )


_FORWARD = (
    Action.FILE,
    Action.DISPATCH,
    Action.ACCEPT,
    Action.RESOLVE,
    Action.VERIFY,
    Action.RATE,
    Action.CLOSE,
)


@st.composite
def _progressing(
    draw: st.DrawFn, node_ids: tuple[str, ...], max_events: int
) -> tuple[TicketEvent, ...]:
    """A walk that mostly moves forward (file, dispatch … close), so that
    closures, ratings and rework are common; any allowed action may come."""
    first = draw(ticket_histories(max_events=1, node_ids=node_ids))
    ticket = replay("T", first)
    for _ in range(max_events - 1):
        choices = _feasible(ticket)
        if not choices:
            break
        forward = [a for a in choices if a in _FORWARD]
        if Action.ACCEPT in forward:  # take it rather than pass it on again
            forward.remove(Action.DISPATCH)
        keen = bool(forward) and draw(st.integers(0, 4)) > 0  # forward 4 in 5
        pool = forward if keen else choices
        action = draw(st.sampled_from(pool))
        at = ticket.updated_datetime + timedelta(minutes=draw(st.integers(0, 96 * 60)))
        ticket = _take(draw, ticket, action, at)
    return ticket.events


@st.composite
def _batch(
    draw: st.DrawFn,
    node_ids: tuple[str, ...],
    start: datetime,
    span_minutes: int,
    min_size: int,
    max_size: int,
    max_events: int,
) -> list[Ticket]:
    histories = draw(
        st.lists(
            ticket_histories(max_events=max_events, node_ids=node_ids)
            | _progressing(node_ids, max_events),
            min_size=min_size,
            max_size=max_size,
        )
    )
    out = []
    for k, events in enumerate(histories, 1):
        at = start + timedelta(minutes=draw(st.integers(0, span_minutes)))
        out.append(replay(f"T{k}", shift_events(events, at - events[0].at)))
    return out


def ticket_batches(
    *,
    node_ids: Iterable[str],
    start: datetime,
    span: timedelta = timedelta(days=60),
    min_size: int = 0,
    max_size: int = 8,
    max_events: int = 12,
) -> st.SearchStrategy[list[Ticket]]:
    """Lists of tickets ``T1``, ``T2`` … reported in ``[start, start + span]``.

    Each is a :func:`~redcity.testing.strategies.ticket_histories` walk, or
    a walk that mostly moves forward (so that closures, ratings and rework
    are common), moved in time — gaps, deadlines and extensions kept — so
    that its report lands in the window.

    Args:
        node_ids: The nodes tickets concern (e.g. a tree's buildings).
        start: The window's start (aware).
        span: The window's length.
        min_size: At least this many tickets.
        max_size: At most this many tickets.
        max_events: At most this many events per ticket.

    Raises:
        InvalidArgument: a bound is malformed or ``start`` is naive.
    """
    _check_size("size", min_size, max_size)
    _check_size("events", 1, max_events, 1)
    nodes = tuple(node_ids)
    if not nodes or not all(isinstance(n, str) and n for n in nodes):
        msg = f"Expected node_ids to be a non-empty list of strings, got {nodes!r}."
        raise InvalidArgument(msg)
    if not isinstance(start, datetime) or start.utcoffset() is None:
        msg = f"Expected start to be an aware datetime, got {start!r}."
        raise InvalidArgument(msg)
    if not isinstance(span, timedelta) or span < timedelta(0):
        msg = f"Expected span to be a timedelta ≥ 0, got {span!r}."
        raise InvalidArgument(msg)
    minutes = int(span.total_seconds() // 60)
    return _batch(nodes, start, minutes, min_size, max_size, max_events)
