"""The ticket lifecycle as a state machine: any sequence of attempted actions,
legal or not, keeps the ticket sound.

A model written from the specification (not from ``TRANSITIONS``) predicts
whether each attempt must succeed and which status it leads to; a refused
attempt must raise ``IllegalTicketTransition`` and leave everything as it was; the
ticket always equals the replay of its events.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

import redcity.serialize as rs
from redcity.dispatch import (
    Action,
    IllegalTicketTransition,
    Redirect,
    Status,
    Ticket,
    replay,
)
from redcity.grid import Level

CST = timezone(timedelta(hours=8))
S, A = Status, Action
NODES = [("g1", Level.GRID), ("c1", Level.COMMUNITY), ("s1", Level.STREET)]
DEPTS = ["enforcement", "housing"]
OPEN_BEFORE_RESOLUTION = (S.REPORTED, S.FILED, S.DISPATCHED, S.ACCEPTED)

# The specification, written out: status -> action -> next status
# ("same" keeps the status; "check" depends on ok; "back" returns from suspension).
SPEC: dict[Status, dict[Action, object]] = {
    S.REPORTED: {A.FILE: S.FILED, A.DISPATCH: S.DISPATCHED},
    S.FILED: {A.DISPATCH: S.DISPATCHED},
    S.DISPATCHED: {A.DISPATCH: S.DISPATCHED, A.ACCEPT: S.ACCEPTED},
    S.ACCEPTED: {A.RESOLVE: S.RESOLVED},
    S.SUSPENDED: {A.RESUME: "back", A.EXTEND: "same", A.REDIRECT: S.REDIRECTED},
    S.RESOLVED: {
        A.PUBLICIZE: S.PUBLICIZED,
        A.VERIFY: "check",
        A.RATE: "check",
        A.REWORK: S.DISPATCHED,
    },
    S.PUBLICIZED: {A.VERIFY: "check", A.RATE: "check", A.REWORK: S.DISPATCHED},
    S.VERIFIED: {A.RATE: "check", A.CLOSE: S.CLOSED, A.REWORK: S.DISPATCHED},
    S.RATED: {A.CLOSE: S.CLOSED, A.REWORK: S.DISPATCHED},
    S.CLOSED: {},
    S.REDIRECTED: {},
}
for _s in OPEN_BEFORE_RESOLUTION:
    SPEC[_s].update(
        {A.SUSPEND: S.SUSPENDED, A.REDIRECT: S.REDIRECTED, A.EXTEND: "same"}
    )
for _s in (S.FILED, S.DISPATCHED, S.ACCEPTED):
    SPEC[_s].update({A.WHISTLE: "same", A.RESPOND: "same"})
for _s in (S.DISPATCHED, S.ACCEPTED):
    SPEC[_s][A.ESCALATE] = S.DISPATCHED


class TicketMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = datetime(2026, 3, 2, 9, tzinfo=CST)
        self.ticket = Ticket.report(
            "T1",
            at=self.clock,
            actor="resident",
            service_code="env.garbage",
            node_id="b1",
            severity="small",
            source="resident_order",
            expected_datetime=self.clock + timedelta(days=5),
        )
        self.suspended_from: Status | None = None
        self.refused = 0

    # ------------------------------------------------------------ helpers

    def tick(self, minutes: int) -> datetime:
        self.clock += timedelta(minutes=minutes)
        return self.clock

    def pending(self) -> set[str]:
        return {s.department for s in self.ticket.summonses if s.responded_at is None}

    def attempt(
        self, action: Action, feasible: bool, call: object, ok: bool = True
    ) -> None:
        """Run *call*; it must succeed exactly when the spec allows it."""
        before = self.ticket
        status = before.status
        rule_ = SPEC[status].get(action)
        legal = rule_ is not None and feasible
        assert callable(call)
        if not legal:
            with pytest.raises(IllegalTicketTransition) as caught:
                call()
            assert caught.value.ticket_id == "T1"
            assert caught.value.status is status
            assert caught.value.action is action
            assert "T1" in str(caught.value)
            assert before == self.ticket
            assert before.events == self.ticket.events
            self.refused += 1
            return
        after = call()
        assert isinstance(after, Ticket)
        assert before.events == after.events[:-1]
        assert action == after.events[-1].action
        if rule_ == "same":
            expected = status
        elif rule_ == "back":
            expected = self.suspended_from
        elif rule_ == "check":
            expected = (
                (S.VERIFIED if action is A.VERIFY else S.RATED) if ok else S.DISPATCHED
            )
        else:
            expected = rule_
        assert expected == after.status
        self.suspended_from = (
            status
            if after.status is S.SUSPENDED and action is A.SUSPEND
            else (self.suspended_from if after.status is S.SUSPENDED else None)
        )
        self.ticket = after

    # --------------------------------------------------------------- rules

    @rule(minutes=st.integers(0, 600))
    def file(self, minutes: int) -> None:
        at = self.tick(minutes)
        self.attempt(A.FILE, True, lambda: self.ticket.file(at=at, actor="street"))

    @rule(
        minutes=st.integers(0, 600),
        node=st.sampled_from(NODES),
        due=st.none() | st.integers(1, 100),
    )
    def dispatch(self, minutes: int, node: tuple[str, Level], due: int | None) -> None:
        at = self.tick(minutes)
        deadline = None if due is None else at + timedelta(hours=due)
        self.attempt(
            A.DISPATCH,
            True,
            lambda: self.ticket.dispatch(
                at=at, to=node[0], level=node[1], actor="community", due=deadline
            ),
        )

    @rule(minutes=st.integers(0, 600))
    def accept(self, minutes: int) -> None:
        at = self.tick(minutes)
        self.attempt(A.ACCEPT, True, lambda: self.ticket.accept(at=at, actor="m-01"))

    @rule(minutes=st.integers(0, 600))
    def resolve(self, minutes: int) -> None:
        at = self.tick(minutes)
        self.attempt(A.RESOLVE, True, lambda: self.ticket.resolve(at=at, actor="m-01"))
        if self.ticket.status is S.RESOLVED:
            assert self.ticket.handler_node == self.ticket.resolved_node
            assert self.ticket.handler_level == self.ticket.resolved_at_level

    @rule(minutes=st.integers(0, 600))
    def publicize(self, minutes: int) -> None:
        at = self.tick(minutes)
        self.attempt(A.PUBLICIZE, True, lambda: self.ticket.publicize(at=at, actor="c"))

    @rule(minutes=st.integers(0, 600), ok=st.booleans())
    def verify(self, minutes: int, ok: bool) -> None:
        at = self.tick(minutes)
        self.attempt(
            A.VERIFY, True, lambda: self.ticket.verify(ok, at=at, actor="s"), ok
        )

    @rule(minutes=st.integers(0, 600), score=st.integers(1, 5))
    def rate(self, minutes: int, score: int) -> None:
        at = self.tick(minutes)
        self.attempt(
            A.RATE, True, lambda: self.ticket.rate(score, at=at, actor="r"), score >= 3
        )

    @rule(minutes=st.integers(0, 600))
    def close(self, minutes: int) -> None:
        at = self.tick(minutes)
        self.attempt(A.CLOSE, True, lambda: self.ticket.close(at=at, actor="c"))

    @rule(minutes=st.integers(0, 600))
    def rework(self, minutes: int) -> None:
        at = self.tick(minutes)
        self.attempt(
            A.REWORK,
            True,
            lambda: self.ticket.rework(at=at, actor="c", reason="复查不合格"),
        )

    @rule(minutes=st.integers(0, 600), hours=st.integers(-48, 240))
    def extend(self, minutes: int, hours: int) -> None:
        at = self.tick(minutes)
        current = self.ticket.expected_datetime
        until = (current or at) + timedelta(hours=hours)
        feasible = current is not None and until > current and until > at
        self.attempt(
            A.EXTEND,
            feasible,
            lambda: self.ticket.extend(
                at=at, until=until, actor="s", reason="等待配件"
            ),
        )

    @rule(minutes=st.integers(0, 600), dice=st.integers(0, 2))
    def suspend(self, minutes: int, dice: int) -> None:
        if dice:
            return
        at = self.tick(minutes)
        self.attempt(
            A.SUSPEND,
            True,
            lambda: self.ticket.suspend(at=at, actor="c", reason="居民外出"),
        )

    @rule(minutes=st.integers(0, 600))
    def resume(self, minutes: int) -> None:
        at = self.tick(minutes)
        self.attempt(A.RESUME, True, lambda: self.ticket.resume(at=at, actor="c"))

    @rule(minutes=st.integers(0, 600), node=st.sampled_from(NODES))
    def escalate(self, minutes: int, node: tuple[str, Level]) -> None:
        at = self.tick(minutes)
        level = self.ticket.handler_level
        feasible = level is not None and node[1] < level
        before = len(self.ticket.escalations)
        self.attempt(
            A.ESCALATE,
            feasible,
            lambda: self.ticket.escalate(
                at=at, to=node[0], level=node[1], actor="c", reason="超期"
            ),
        )
        if len(self.ticket.escalations) > before:
            last = self.ticket.escalations[-1]
            assert (last.from_level, last.to_node) == (level, node[0])

    @rule(
        minutes=st.integers(0, 600),
        depts=st.lists(st.sampled_from(DEPTS), min_size=1, unique=True),
    )
    def whistle(self, minutes: int, depts: list[str]) -> None:
        at = self.tick(minutes)
        feasible = not (set(depts) & self.pending())
        self.attempt(
            A.WHISTLE,
            feasible,
            lambda: self.ticket.whistle(
                depts,
                at=at,
                respond_by=at + timedelta(hours=2),
                actor="s",
                reason="执法",
            ),
        )

    @rule(minutes=st.integers(0, 600), dept=st.sampled_from(DEPTS))
    def respond(self, minutes: int, dept: str) -> None:
        at = self.tick(minutes)
        self.attempt(
            A.RESPOND,
            dept in self.pending(),
            lambda: self.ticket.respond(dept, at=at, actor=dept),
        )

    @rule(
        minutes=st.integers(0, 600),
        where=st.sampled_from(list(Redirect)),
        dice=st.integers(0, 9),
    )
    def redirect(self, minutes: int, where: Redirect, dice: int) -> None:
        if dice:  # rare: redirection ends the run
            return
        at = self.tick(minutes)
        self.attempt(
            A.REDIRECT,
            True,
            lambda: self.ticket.redirect(where, at=at, actor="c", reason="警情"),
        )

    @rule(minutes=st.integers(0, 120), ok=st.booleans(), score=st.integers(1, 5))
    def advance(self, minutes: int, ok: bool, score: int) -> None:
        """The next step of the happy path (with failing checks now and then)."""
        at = self.tick(minutes)
        t = self.ticket
        steps = {
            S.REPORTED: (
                A.DISPATCH,
                lambda: t.dispatch(
                    at=at,
                    to="g1",
                    level=Level.GRID,
                    actor="c",
                    due=at + timedelta(days=2),
                ),
                True,
            ),
            S.FILED: (
                A.DISPATCH,
                lambda: t.dispatch(at=at, to="c1", level=Level.COMMUNITY, actor="c"),
                True,
            ),
            S.DISPATCHED: (A.ACCEPT, lambda: t.accept(at=at, actor="w"), True),
            S.ACCEPTED: (A.RESOLVE, lambda: t.resolve(at=at, actor="w"), True),
            S.RESOLVED: (
                (A.VERIFY, lambda: t.verify(ok, at=at, actor="s"), ok)
                if score % 2
                else (A.PUBLICIZE, lambda: t.publicize(at=at, actor="c"), True)
            ),
            S.PUBLICIZED: (A.RATE, lambda: t.rate(score, at=at, actor="r"), score >= 3),
            S.VERIFIED: (A.CLOSE, lambda: t.close(at=at, actor="c"), True),
            S.RATED: (A.CLOSE, lambda: t.close(at=at, actor="c"), True),
            S.SUSPENDED: (A.RESUME, lambda: t.resume(at=at, actor="c"), True),
        }
        if t.status in steps:
            action, call, passed = steps[t.status]
            self.attempt(action, True, call, passed)

    advance_again = advance  # weight the happy path
    advance_once_more = advance

    @precondition(lambda self: len(self.ticket.events) > 1)
    @rule(minutes=st.integers(1, 600))
    def backdated(self, minutes: int) -> None:
        """An event earlier than the last one is refused, whatever the action."""
        at = self.ticket.updated_datetime - timedelta(minutes=minutes)
        before = self.ticket
        for action in self.ticket.allowed_actions() & {
            A.FILE,
            A.ACCEPT,
            A.RESUME,
            A.CLOSE,
        }:
            call = {
                A.FILE: before.file,
                A.ACCEPT: before.accept,
                A.RESUME: before.resume,
                A.CLOSE: before.close,
            }[action]
            with pytest.raises(IllegalTicketTransition, match="earlier than the last"):
                call(at=at, actor="x")
        assert before == self.ticket

    # ---------------------------------------------------------- invariants

    @invariant()
    def replay_equals_state(self) -> None:
        assert self.ticket == replay("T1", self.ticket.events)

    @invariant()
    def times_in_order(self) -> None:
        times = [e.at for e in self.ticket.events]
        assert times == sorted(times)

    @invariant()
    def escalations_climb(self) -> None:
        for e in self.ticket.escalations:
            assert e.to_level < e.from_level

    @invariant()
    def terminal_allows_nothing(self) -> None:
        if not self.ticket.is_open:
            assert frozenset() == self.ticket.allowed_actions()


TicketMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None
)
test_ticket_lifecycle = TicketMachine.TestCase


def test_serialize_roundtrip_in_machine_states() -> None:
    """A replayed machine run also survives to_json/from_json."""
    machine = TicketMachine()
    t = machine.ticket
    assert t == rs.from_json(rs.to_json(t), Ticket)
