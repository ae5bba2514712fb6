"""Tickets escalated by the policy, step by step, on the Zunyi tree.

A ``RuleBasedStateMachine`` over one ticket at a building: it is dispatched
to the grid that routing picks, then, in any order, waits, is escalated
whenever :class:`BoundedEscalation` lets it climb, and may get a whistle.
Whatever the order, every escalation the ticket records goes from a node
to its parent in the tree (never skipping a level), and never above the
severity's bound before a whistle; the ticket is always the replay of its
events.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from redcity.datasets import XINGMAO, zunyi
from redcity.dispatch import BoundedEscalation, Ticket, handling_node, replay
from redcity.grid import Level

TREE = zunyi()
CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, tzinfo=CST)
# Buildings of 兴茂小区 (a compound split into grids) and of plain grids.
IN_COMPOUND = [b for b in TREE.nodes(Level.BUILDING) if TREE.contains(XINGMAO, b)]
IN_GRID = [
    b for b in TREE.nodes(Level.BUILDING) if TREE.level(TREE.parent(b)) is Level.GRID
]
BUILDINGS = IN_COMPOUND[:6] + IN_GRID[:6]
POLICY = BoundedEscalation()


class EscalationMachine(RuleBasedStateMachine):
    @initialize(
        building=st.sampled_from(BUILDINGS),
        severity=st.sampled_from(["small", "big", "urgent"]),
    )
    def report(self, building: str, severity: str) -> None:
        self.now = START
        self.severity = severity
        self.whistled_at: datetime | None = None
        grid = handling_node(TREE, building)
        self.ticket = Ticket.report(
            "T1",
            at=self.now,
            actor="resident",
            service_code="env.garbage",
            node_id=building,
            severity=severity,
            source="群众点单",
        ).dispatch(at=self.tick(5), to=grid, level=TREE.level(grid), actor="c")

    def tick(self, minutes: int) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    @rule(minutes=st.integers(1, 600))
    def escalate_when_overdue(self, minutes: int) -> None:
        here = self.ticket.handler_node
        assert here is not None
        up = POLICY(TREE, here, self.severity, self.whistled_at is not None)
        if up is None:
            return
        self.ticket = self.ticket.escalate(
            at=self.tick(minutes), to=up, level=TREE.level(up), actor="c", reason="超期"
        )

    @rule(minutes=st.integers(1, 600))
    def whistle(self, minutes: int) -> None:
        if self.whistled_at is not None:
            return
        at = self.tick(minutes)
        self.ticket = self.ticket.whistle(
            ["综合执法"], at=at, respond_by=at + timedelta(hours=4), actor="street",
            reason="需要执法权",
        )  # fmt: skip
        self.whistled_at = at

    @invariant()
    def one_level_at_a_time_within_the_bound(self) -> None:
        bound = POLICY.bound(TREE, self.ticket.node_id, self.severity)
        for e in self.ticket.escalations:
            assert TREE.parent(e.from_node) == e.to_node  # never skips a level
            if self.whistled_at is None or e.at < self.whistled_at:
                assert bound is not None
                assert TREE.contains(bound, e.to_node)

    @invariant()
    def replay_is_state(self) -> None:
        assert self.ticket == replay("T1", self.ticket.events)


EscalationMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=20, deadline=None
)
TestEscalation = EscalationMachine.TestCase
