"""Tickets: residents' requests and grid cases, as an event-sourced state machine.

A :class:`Ticket` is never edited.  Every change — dispatching, accepting,
resolving, rating, an extension, a whistle — is an immutable
:class:`TicketEvent` appended to its history, and a ticket's state is always
the replay of its events (:func:`replay`, :meth:`Ticket.from_events`).  An
action the state machine does not allow raises :class:`IllegalTicketTransition`
naming the ticket, its status and the action, and leaves the ticket as it was
(a new ticket is returned only on success).  Events must come in time order:
an event earlier than the last one is refused.

One :class:`Status` vocabulary covers both loops:

+--------------+------------------------+-----------------------------+
| Status       | five orders (五单)      | city management (数字城管)   |
+==============+========================+=============================+
| REPORTED     | 群众点单 ordered         | 信息收集 collected            |
| FILED        | —                      | 案卷建立 filed                |
| DISPATCHED   | 社区派单 dispatched      | 任务派遣 dispatched           |
| ACCEPTED     | 党员接单 accepted        | 任务处理 being handled        |
| RESOLVED     | (接单 done) resolved    | 处理反馈 handled, fed back    |
| PUBLICIZED   | 组织晒单 publicized      | —                           |
| VERIFIED     | —                      | 核实 verified                |
| RATED        | 群众评单 rated           | 综合评价 evaluated            |
| CLOSED       | closed                 | 结案 closed                  |
| SUSPENDED    | 挂起 waiting on the resident (either loop)            |
| REDIRECTED   | 转办 emergency (110/119/120/122) or outside the duty list |
+--------------+------------------------+-----------------------------+

The five orders run REPORTED → DISPATCHED → ACCEPTED → RESOLVED → PUBLICIZED
→ RATED → CLOSED; the seven steps REPORTED → FILED → DISPATCHED → ACCEPTED →
RESOLVED → VERIFIED (→ RATED) → CLOSED, where 核实结案 is ``verify`` then
``close``.  The allowed actions from each status are :data:`TRANSITIONS`:

* A failed verification or a failed rating (``ok=False``) is a rework
  (返工): the ticket goes back to DISPATCHED, to the same handler, who
  accepts it again (or the community dispatches it elsewhere); an explicit
  :meth:`Ticket.rework` does the same after resolution.
* Closing needs a verification or a rating first: every request is checked
  or called back before it is closed (接诉即办's 回访).
* :meth:`Ticket.extend` (延期) needs a reason and a later deadline.
* :meth:`Ticket.suspend` / :meth:`Ticket.resume` (挂起): waiting on the
  resident; the SLA clock pauses (:meth:`Ticket.paused_intervals`) and
  resuming returns to the status the ticket was suspended from, optionally
  with a new deadline.
* :meth:`Ticket.redirect` hands an emergency to 110/119/120/122, or a matter
  outside the community's duty list to the competent body: REDIRECTED is
  terminal.
* :meth:`Ticket.whistle` (吹哨): the street summons departments with a
  response deadline; each reports with :meth:`Ticket.respond` (报到).
* :meth:`Ticket.escalate` hands the ticket to a node at a higher level
  (小事不出网格、大事不出社区 is enforced by the policies, which know the
  tree; the ticket records from/to node and level).

References:
    Digital city-management loop (数字城管): 信息收集 → 案卷建立 → 任务派遣 →
    任务处理 → 处理反馈 → 核实结案 → 综合评价 (GB/T 30428 series; DESIGN §2).
    《北京市接诉即办工作条例》(2021): first-receiver responsibility
    (首接负责, :attr:`Ticket.first_receiver`), a deadline for every work
    order (:attr:`Ticket.expected_datetime`), and call-backs to the resident
    before closing (a rating or verification is required to close).

>>> from datetime import datetime, timedelta, timezone
>>> from redcity.dispatch import Ticket
>>> from redcity.grid import Level
>>> cst = timezone(timedelta(hours=8))
>>> t = Ticket.report(
...     "T1", at=datetime(2026, 3, 2, 9, tzinfo=cst), actor="resident",
...     service_code="care.wish", node_id="b-7", severity="小事",
...     source="群众点单", description="帮忙修理轮椅")
>>> t = t.dispatch(at=datetime(2026, 3, 2, 10, tzinfo=cst), to="g-1",
...                level=Level.GRID, actor="community", handler="m-01")
>>> t = t.accept(at=datetime(2026, 3, 2, 11, tzinfo=cst), actor="m-01")
>>> t = t.resolve(at=datetime(2026, 3, 3, 16, tzinfo=cst), actor="m-01")
>>> t = t.publicize(at=datetime(2026, 3, 3, 17, tzinfo=cst), actor="community")
>>> t = t.rate(5, at=datetime(2026, 3, 4, 9, tzinfo=cst), actor="resident")
>>> t = t.close(at=datetime(2026, 3, 4, 9, 30, tzinfo=cst), actor="community")
>>> t.status.zh, t.resolved_node, t.resolved_at_level.zh, len(t.events)
('已结案', 'g-1', '网格', 7)
>>> Ticket.from_events("T1", t.events) == t
True
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, NoReturn

import attrs

from redcity import _html
from redcity._names import parse_member, zh_names
from redcity._validators import (
    aware,
    non_empty_text,
    optional_aware,
    optional_text,
    string,
)
from redcity.dispatch.taxonomy import Redirect
from redcity.errors import IllegalTransition, NaiveDatetimeError, RedcityError
from redcity.grid import Level
from redcity.people import mask_phone, mask_text
from redcity.serialize import register
from redcity.serialize import structure as _structure
from redcity.serialize import unstructure as _unstructure

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_PASSING_SCORE",
    "EVENT_FIELDS",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Action",
    "DispatchError",
    "Escalation",
    "IllegalTicketTransition",
    "Requester",
    "Severity",
    "Source",
    "Status",
    "Summons",
    "Ticket",
    "TicketEvent",
    "replay",
]


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class DispatchError(RedcityError, ValueError):
    """An operation on a ticket was refused; the ticket is unchanged."""


class IllegalTicketTransition(DispatchError, IllegalTransition):
    """An action the ticket's state machine does not allow in its status.

    Also raised for an event earlier than the ticket's last one, or whose
    fields do not fit the action (an extension without a reason …).

    Attributes:
        ticket_id: The ticket.
        status: Its status when the action was refused (``None`` before the
            ticket exists).
        action: The refused action.

    >>> err = IllegalTicketTransition(
    ...     "T1", Status.CLOSED, Action.DISPATCH, "it is closed"
    ... )
    >>> print(err)
    Ticket 'T1' cannot dispatch (派单) while closed (已结案): it is closed.
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(
        self,
        ticket_id: str,
        status: Status | None,
        action: Action,
        detail: str,
    ) -> None:
        super().__init__(ticket_id, status, action, detail)  # picklable
        self.ticket_id = ticket_id
        self.status = status
        self.action = action
        self.detail = detail

    def __str__(self) -> str:
        state = (
            "before it exists"
            if self.status is None
            else f"while {self.status.value} ({self.status.zh})"
        )
        return (
            f"Ticket {self.ticket_id!r} cannot {self.action.value} "
            f"({self.action.zh}) {state}: {self.detail.rstrip('.')}."
        )


# --------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------


class Severity(enum.Enum):
    """How big a matter is: 小事 (small), 大事 (big), 急事 (urgent).

    Severity bounds the level a ticket may climb to (小事不出网格、大事不出社区);
    the bound itself is a routing policy.

    >>> Severity.parse("大事") is Severity.BIG, Severity.URGENT.zh
    (True, '急事')
    """

    SMALL = "small"
    BIG = "big"
    URGENT = "urgent"

    @property
    def zh(self) -> str:
        """小事, 大事 or 急事."""
        return {"small": "小事", "big": "大事", "urgent": "急事"}[self.value]

    @classmethod
    def parse(cls, value: Severity | str) -> Severity:
        """A severity from a member, its value or its Chinese name.

        Raises:
            ValueError: the value names no severity.
        """
        return parse_member(cls, value, what="a severity", names=zh_names)


class Source(enum.Enum):
    """Where a ticket came from.

    >>> [s.zh for s in Source]
    ['群众点单', '网格巡查', '12345热线', '楼栋上报', '会议议定']
    >>> Source.parse("12345") is Source.HOTLINE_12345
    True
    """

    RESIDENT_ORDER = "resident_order"
    GRID_PATROL = "grid_patrol"
    HOTLINE_12345 = "hotline_12345"
    BUILDING_REPORT = "building_report"
    MEETING_ACTION = "meeting_action"

    @property
    def zh(self) -> str:
        """The Chinese name (群众点单, 网格巡查, 12345热线, 楼栋上报, 会议议定)."""
        return _SOURCE_ZH[self]

    @classmethod
    def parse(cls, value: Source | str) -> Source:
        """A source from a member, its value, or its Chinese name (or ``"12345"``).

        Raises:
            ValueError: the value names no source.
        """
        return parse_member(cls, value, what="a ticket source", names=_source_names)


_SOURCE_ZH: Final = {
    Source.RESIDENT_ORDER: "群众点单",
    Source.GRID_PATROL: "网格巡查",
    Source.HOTLINE_12345: "12345热线",
    Source.BUILDING_REPORT: "楼栋上报",
    Source.MEETING_ACTION: "会议议定",
}


def _source_names(s: Source) -> tuple[str, ...]:
    extra = ("12345",) if s is Source.HOTLINE_12345 else ()
    return (s.zh, s.value, s.name, *extra)


class Status(enum.Enum):
    """A ticket's status; one vocabulary for both loops (see the module table).

    >>> Status.parse("已派单") is Status.DISPATCHED
    True
    >>> Status.RESOLVED.seven_steps, Status.PUBLICIZED.five_orders
    ('处理反馈', '组织晒单')
    >>> Status.REDIRECTED.is_open, Status.SUSPENDED.is_open
    (False, True)
    """

    REPORTED = "reported"
    FILED = "filed"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    PUBLICIZED = "publicized"
    VERIFIED = "verified"
    RATED = "rated"
    CLOSED = "closed"
    SUSPENDED = "suspended"
    REDIRECTED = "redirected"

    @property
    def zh(self) -> str:
        """The Chinese name (已受理, 已立案, 已派单 …)."""
        return _STATUS_ZH[self][0]

    @property
    def five_orders(self) -> str | None:
        """The step of 群众点单→社区派单→党员接单→组织晒单→群众评单, if any."""
        return _STATUS_ZH[self][1]

    @property
    def seven_steps(self) -> str | None:
        """The step of the city-management loop (信息收集 … 综合评价), if any."""
        return _STATUS_ZH[self][2]

    @property
    def is_open(self) -> bool:
        """False once closed or redirected (Open311 ``"closed"``)."""
        return self not in CLOSED_STATUSES

    @classmethod
    def parse(cls, value: Status | str) -> Status:
        """A status from a member, its value or its Chinese name.

        Raises:
            ValueError: the value names no status.
        """
        return parse_member(cls, value, what="a ticket status", names=zh_names)


_STATUS_ZH: Final[dict[Status, tuple[str, str | None, str | None]]] = {
    Status.REPORTED: ("已受理", "群众点单", "信息收集"),
    Status.FILED: ("已立案", None, "案卷建立"),
    Status.DISPATCHED: ("已派单", "社区派单", "任务派遣"),
    Status.ACCEPTED: ("已接单", "党员接单", "任务处理"),
    Status.RESOLVED: ("已办结", None, "处理反馈"),
    Status.PUBLICIZED: ("已晒单", "组织晒单", None),
    Status.VERIFIED: ("已核实", None, "核实结案"),
    Status.RATED: ("已评价", "群众评单", "综合评价"),
    Status.CLOSED: ("已结案", None, None),
    Status.SUSPENDED: ("已挂起", None, None),
    Status.REDIRECTED: ("已转办", None, None),
}

CLOSED_STATUSES: Final = frozenset({Status.CLOSED, Status.REDIRECTED})
"""The terminal statuses: nothing is allowed after them."""

OPEN_STATUSES: Final = frozenset(Status) - CLOSED_STATUSES
"""Every status but the terminal ones."""


class Action(enum.Enum):
    """What a :class:`TicketEvent` did.

    >>> Action.parse("吹哨") is Action.WHISTLE
    True
    """

    REPORT = "report"
    FILE = "file"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RESOLVE = "resolve"
    PUBLICIZE = "publicize"
    VERIFY = "verify"
    RATE = "rate"
    CLOSE = "close"
    REWORK = "rework"
    EXTEND = "extend"
    SUSPEND = "suspend"
    RESUME = "resume"
    ESCALATE = "escalate"
    WHISTLE = "whistle"
    RESPOND = "respond"
    REDIRECT = "redirect"

    @property
    def zh(self) -> str:
        """The Chinese name (受理, 立案, 派单, 接单 …)."""
        return _ACTION_ZH[self]

    @classmethod
    def parse(cls, value: Action | str) -> Action:
        """An action from a member, its value or its Chinese name.

        Raises:
            ValueError: the value names no action.
        """
        return parse_member(cls, value, what="a ticket action", names=zh_names)


_ACTION_ZH: Final = {
    Action.REPORT: "受理",
    Action.FILE: "立案",
    Action.DISPATCH: "派单",
    Action.ACCEPT: "接单",
    Action.RESOLVE: "办结",
    Action.PUBLICIZE: "晒单",
    Action.VERIFY: "核实",
    Action.RATE: "评单",
    Action.CLOSE: "结案",
    Action.REWORK: "返工",
    Action.EXTEND: "延期",
    Action.SUSPEND: "挂起",
    Action.RESUME: "恢复",
    Action.ESCALATE: "提级",
    Action.WHISTLE: "吹哨",
    Action.RESPOND: "报到",
    Action.REDIRECT: "转办",
}

DEFAULT_PASSING_SCORE: Final = 3
"""The lowest rating (1–5) that does not send a ticket back (local practice)."""


def _to(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


_S = Status
_A = Action

_BEFORE_RESOLUTION: Final = (_S.REPORTED, _S.FILED, _S.DISPATCHED, _S.ACCEPTED)


def _build_transitions() -> Mapping[Status, Mapping[Action, frozenset[Status]]]:
    table: dict[Status, dict[Action, frozenset[Status]]] = {s: {} for s in Status}
    back = _to(_S.DISPATCHED)
    table[_S.REPORTED].update({_A.FILE: _to(_S.FILED), _A.DISPATCH: back})
    table[_S.FILED].update({_A.DISPATCH: back})
    table[_S.DISPATCHED].update(
        {_A.DISPATCH: back, _A.ACCEPT: _to(_S.ACCEPTED), _A.ESCALATE: back}
    )
    table[_S.ACCEPTED].update({_A.RESOLVE: _to(_S.RESOLVED), _A.ESCALATE: back})
    for s in (_S.FILED, _S.DISPATCHED, _S.ACCEPTED):
        table[s].update({_A.WHISTLE: _to(s), _A.RESPOND: _to(s)})
    for s in _BEFORE_RESOLUTION:
        table[s].update(
            {
                _A.SUSPEND: _to(_S.SUSPENDED),
                _A.REDIRECT: _to(_S.REDIRECTED),
                _A.EXTEND: _to(s),
            }
        )
    table[_S.SUSPENDED].update(
        {
            _A.RESUME: frozenset(_BEFORE_RESOLUTION),
            _A.EXTEND: _to(_S.SUSPENDED),
            _A.REDIRECT: _to(_S.REDIRECTED),
        }
    )
    table[_S.RESOLVED].update(
        {
            _A.PUBLICIZE: _to(_S.PUBLICIZED),
            _A.VERIFY: _to(_S.VERIFIED, _S.DISPATCHED),
            _A.RATE: _to(_S.RATED, _S.DISPATCHED),
            _A.REWORK: back,
        }
    )
    table[_S.PUBLICIZED].update(
        {
            _A.VERIFY: _to(_S.VERIFIED, _S.DISPATCHED),
            _A.RATE: _to(_S.RATED, _S.DISPATCHED),
            _A.REWORK: back,
        }
    )
    table[_S.VERIFIED].update(
        {
            _A.RATE: _to(_S.RATED, _S.DISPATCHED),
            _A.CLOSE: _to(_S.CLOSED),
            _A.REWORK: back,
        }
    )
    table[_S.RATED].update({_A.CLOSE: _to(_S.CLOSED), _A.REWORK: back})
    return MappingProxyType({s: MappingProxyType(a) for s, a in table.items()})


TRANSITIONS: Final[Mapping[Status, Mapping[Action, frozenset[Status]]]] = (
    _build_transitions()
)
"""status → action → the statuses the action may lead to.

An action missing from a status's table is illegal in it.  Most actions have
one outcome; ``verify`` and ``rate`` lead to DISPATCHED when they fail
(rework); ``resume`` returns to the status the ticket was suspended from;
``extend``, ``whistle`` and ``respond`` keep the status.  CLOSED and
REDIRECTED allow nothing.

>>> sorted(a.value for a in TRANSITIONS[Status.RESOLVED])
['publicize', 'rate', 'rework', 'verify']
>>> TRANSITIONS[Status.CLOSED]
mappingproxy({})
"""


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


def _mask_name(name: str) -> str:
    s = name.strip()
    return s[0] + "*" * max(len(s) - 1, 1)


@attrs.frozen(kw_only=True)
class Requester:
    """Who asked: kept whole in the record, masked on every export.

    Attributes:
        name: The resident's name (or a nickname).
        phone: A phone number to call back, if given.
        person_id: The resident's id in a people registry, if known.

    >>> Requester(name="张三丰", phone="13812345678").masked()
    {'name': '张**', 'phone': '138****5678'}
    """

    name: str = attrs.field(validator=non_empty_text)
    phone: str | None = attrs.field(default=None, validator=optional_text)
    person_id: str | None = attrs.field(default=None, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if self.phone is not None and not any(c.isdigit() for c in self.phone):
            msg = f"Expected a phone number with digits, got {self.phone!r}."
            raise ValueError(msg)

    def masked(self) -> dict[str, str]:
        """Name and phone masked for export: surname kept, phone as ``138****5678``.

        The ``person_id`` is never exported.
        """
        out = {"name": _mask_name(self.name)}
        if self.phone is not None:
            out["phone"] = mask_phone(self.phone)
        return out


def _score(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not int or not 1 <= value <= 5):
        msg = f"Expected a rating from 1 to 5, got {value!r}."
        raise ValueError(msg)


def _opt_level(value: Level | str | int | None) -> Level | None:
    return None if value is None else Level.parse(value)


def _opt_redirect(value: Redirect | str | None) -> Redirect | None:
    return None if value is None else Redirect.parse(value)


def _action(value: Action | str) -> Action:
    return Action.parse(value)


def _opt_severity(value: Severity | str | None) -> Severity | None:
    return None if value is None else Severity.parse(value)


def _opt_source(value: Source | str | None) -> Source | None:
    return None if value is None else Source.parse(value)


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        msg = f"Expected a list of department ids, got the string {value!r}."
        raise TypeError(msg)
    return tuple(value)


@attrs.frozen(kw_only=True)
class TicketEvent:
    """One change to a ticket: when, who, what, why, and the action's details.

    Only the fields the action uses may be set (see :data:`EVENT_FIELDS`);
    build events through :class:`Ticket`'s methods rather than by hand.

    Attributes:
        at: When (timezone-aware).
        action: What was done.
        actor: Who did it (a person, post or organisation id).
        reason: Why, or what was done; required for extend, suspend, rework,
            escalate, redirect and whistle.
        node_id: report: the node the ticket concerns; dispatch/escalate: the
            node that now handles it.
        level: dispatch/escalate: that node's level.
        handler: dispatch: the person (member, grid worker) who is to take it.
        department: dispatch: the department handling it (agency
            responsible); respond: the department reporting; redirect: the body
            it went to (optional).
        due: report/dispatch/resume: the deadline (optional); extend: the new
            deadline (required); whistle: the response deadline (required).
        score: rate: 1–5.
        ok: verify/rate: passed (``False`` sends the ticket back).
        departments: whistle: the departments summoned.
        redirect: redirect: where it went (110/119/120/122/outside duty).
        service_code, severity, source, description, address, requester:
            report: the request as received.
    """

    at: datetime = attrs.field(validator=aware)
    action: Action = attrs.field(converter=_action)
    actor: str = attrs.field(validator=non_empty_text)
    reason: str = attrs.field(default="", validator=string)
    node_id: str | None = attrs.field(default=None, validator=optional_text)
    level: Level | None = attrs.field(default=None, converter=_opt_level)
    handler: str | None = attrs.field(default=None, validator=optional_text)
    department: str | None = attrs.field(default=None, validator=optional_text)
    due: datetime | None = attrs.field(default=None, validator=optional_aware)
    score: int | None = attrs.field(default=None, validator=_score)
    ok: bool | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(bool)),
    )
    departments: tuple[str, ...] = attrs.field(
        default=(),
        converter=_strs,
        validator=attrs.validators.deep_iterable(non_empty_text),
    )
    redirect: Redirect | None = attrs.field(default=None, converter=_opt_redirect)
    service_code: str | None = attrs.field(default=None, validator=optional_text)
    severity: Severity | None = attrs.field(default=None, converter=_opt_severity)
    source: Source | None = attrs.field(default=None, converter=_opt_source)
    description: str = attrs.field(default="", validator=string)
    address: str | None = attrs.field(default=None, validator=optional_text)
    requester: Requester | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(Requester)),
    )

    def __attrs_post_init__(self) -> None:
        problems = _event_problems(self)
        if problems:
            msg = f"A {self.action.value} event " + "; ".join(problems) + "."
            raise ValueError(msg)

    def describe(self) -> str:
        """One line for humans: time, action and the details that matter.

        >>> from datetime import datetime, timezone
        >>> TicketEvent(at=datetime(2026, 1, 5, 1, tzinfo=timezone.utc),
        ...     action="extend", actor="street", reason="等待配件",
        ...     due=datetime(2026, 1, 9, 1, tzinfo=timezone.utc)).describe()
        '2026-01-05T01:00:00+00:00 延期 extend by street: 等待配件 (due 2026-01-09T01:00:00+00:00)'
        """  # noqa: E501
        parts = [f"{self.at.isoformat()} {self.action.zh} {self.action.value}"]
        parts.append(f"by {self.actor}")
        line = " ".join(parts)
        if self.reason:
            line += f": {self.reason}"
        details = self._details()
        return line + (f" ({'; '.join(details)})" if details else "")

    def _details(self) -> list[str]:
        details = []
        if self.node_id is not None and self.action is not Action.REPORT:
            lv = f" ({self.level.zh})" if self.level is not None else ""
            details.append(f"to {self.node_id}{lv}")
        if self.department is not None:
            details.append(f"department {self.department}")
        if self.departments:
            details.append("departments " + ", ".join(self.departments))
        if self.score is not None:
            details.append(f"score {self.score}")
        if self.ok is not None:
            details.append("passed" if self.ok else "failed")
        if self.redirect is not None:
            details.append(f"to {self.redirect.zh}")
        if self.due is not None:
            details.append(f"due {self.due.isoformat()}")
        return details


EVENT_FIELDS: Final[Mapping[Action, tuple[frozenset[str], frozenset[str]]]] = (
    MappingProxyType(
        {
            Action.REPORT: (
                frozenset({"node_id", "service_code", "severity", "source"}),
                frozenset({"description", "address", "requester", "due"}),
            ),
            Action.FILE: (frozenset(), frozenset()),
            Action.DISPATCH: (
                frozenset({"node_id", "level"}),
                frozenset({"handler", "department", "due"}),
            ),
            Action.ACCEPT: (frozenset(), frozenset()),
            Action.RESOLVE: (frozenset(), frozenset()),
            Action.PUBLICIZE: (frozenset(), frozenset()),
            Action.VERIFY: (frozenset({"ok"}), frozenset()),
            Action.RATE: (frozenset({"score", "ok"}), frozenset()),
            Action.CLOSE: (frozenset(), frozenset()),
            Action.REWORK: (frozenset({"reason"}), frozenset()),
            Action.EXTEND: (frozenset({"reason", "due"}), frozenset()),
            Action.SUSPEND: (frozenset({"reason"}), frozenset()),
            Action.RESUME: (frozenset(), frozenset({"due"})),
            Action.ESCALATE: (frozenset({"reason", "node_id", "level"}), frozenset()),
            Action.WHISTLE: (frozenset({"reason", "departments", "due"}), frozenset()),
            Action.RESPOND: (frozenset({"department"}), frozenset()),
            Action.REDIRECT: (
                frozenset({"reason", "redirect"}),
                frozenset({"department"}),
            ),
        }
    )
)
"""action → (required fields, optional fields) of its :class:`TicketEvent`.

``at``, ``action`` and ``actor`` are always required; ``reason`` is always
allowed.  Any other field must be left at its default.
"""

_DETAIL_FIELDS: Final = tuple(
    a.name
    for a in attrs.fields(TicketEvent)
    if a.name not in ("at", "action", "actor", "reason")
)


def _is_set(event: TicketEvent, name: str) -> bool:
    value = getattr(event, name)
    return bool(value) if isinstance(value, str | tuple) else value is not None


def _event_problems(event: TicketEvent) -> list[str]:
    required, optional = EVENT_FIELDS[event.action]
    problems = []
    for name in sorted(required):
        if not _is_set(event, name) or (name == "reason" and not event.reason.strip()):
            problems.append(f"needs {name}")
    extra = [
        n
        for n in _DETAIL_FIELDS
        if n not in required and n not in optional and _is_set(event, n)
    ]
    if extra:
        problems.append("does not take " + ", ".join(extra))
    if (
        event.due is not None
        and event.due <= event.at
        and event.action
        in (
            Action.EXTEND,
            Action.WHISTLE,
        )
    ):
        problems.append(f"needs a deadline after {event.at.isoformat()}")
    return problems


@attrs.frozen(kw_only=True)
class Escalation:
    """A ticket handed one level up (derived from an ``escalate`` event).

    Attributes:
        at: When.
        from_node: The node that handled it before.
        from_level: That node's level.
        to_node: The node that handles it now.
        to_level: That node's level (higher: a smaller :class:`Level`).
        reason: Why (overdue, beyond the grid's powers …).
    """

    at: datetime
    from_node: str
    from_level: Level
    to_node: str
    to_level: Level
    reason: str


@attrs.frozen(kw_only=True)
class Summons:
    """One department summoned by a whistle (吹哨), and whether it reported (报到).

    Attributes:
        department: The department summoned.
        at: When it was summoned.
        respond_by: The response deadline (local configuration).
        responded_at: When it reported, or ``None``.
    """

    department: str
    at: datetime
    respond_by: datetime
    responded_at: datetime | None = None

    @property
    def responded_on_time(self) -> bool:
        """True when the department reported by the deadline."""
        return self.responded_at is not None and self.responded_at <= self.respond_by


# --------------------------------------------------------------------------
# The ticket
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Ticket:
    """A request's current state: the replay of its events.

    Never build one with ``Ticket(...)``: use :meth:`report` to open a new
    one, its action methods to change it (each returns a new ticket and
    leaves this one as it was), and :meth:`from_events` / :func:`replay` to
    rebuild one from stored events.  Field names follow Open311 GeoReport v2
    where they fit.

    Attributes:
        service_request_id: The ticket's id.
        service_code: Its category code (see :class:`~redcity.dispatch.Taxonomy`).
        requested_datetime: When it was reported.
        node_id: The building (or any node) it concerns.
        severity: 小事, 大事 or 急事.
        source: Where it came from.
        description: What the resident asked.
        address: A human-readable address, if given.
        requester: Who asked (masked on export), if known.
        status: Its current status.
        expected_datetime: The current deadline (set from an SLA by the
            caller at report, dispatch or resume; moved by extensions).
        handler_node: The node handling it now (``None`` before dispatch).
        handler_level: That node's level.
        handler: The person handling it, if named.
        department: The department handling it, if any.
        first_receiver: The node it was first dispatched to: responsible for
            it from then on (首接负责), even when it climbs.
        resolved_node: The handler node at the last resolution.
        resolved_at_level: That node's level.
        escalations: Each escalation, in order.
        summonses: Each department summoned by a whistle, in order.
        redirected_to: Where it was redirected (转办), if it was.
        suspended_from: The status to return to, while suspended.
        events: Every event, in time order.
    """

    service_request_id: str
    service_code: str
    requested_datetime: datetime
    node_id: str
    severity: Severity
    source: Source
    description: str
    address: str | None
    requester: Requester | None
    status: Status
    expected_datetime: datetime | None = None
    handler_node: str | None = None
    handler_level: Level | None = None
    handler: str | None = None
    department: str | None = None
    first_receiver: str | None = None
    resolved_node: str | None = None
    resolved_at_level: Level | None = None
    escalations: tuple[Escalation, ...] = ()
    summonses: tuple[Summons, ...] = ()
    redirected_to: Redirect | None = None
    suspended_from: Status | None = None
    events: tuple[TicketEvent, ...] = ()

    # ----------------------------------------------------- construction

    @classmethod
    def report(
        cls,
        service_request_id: str,
        *,
        at: datetime,
        actor: str,
        service_code: str,
        node_id: str,
        severity: Severity | str,
        source: Source | str,
        description: str = "",
        address: str | None = None,
        requester: Requester | None = None,
        expected_datetime: datetime | None = None,
        reason: str = "",
    ) -> Ticket:
        """Open a ticket: a resident's order, a patrol finding, a hotline call ….

        Args:
            service_request_id: The new ticket's id.
            at: When it was received (``requested_datetime``).
            actor: Who received it (grid worker, hotline operator, resident).
            service_code: The category code.
            node_id: The building or node it concerns.
            severity: 小事/大事/急事 (or small/big/urgent).
            source: Where it came from.
            description: The request in the resident's words.
            address: A readable address.
            requester: Who asked.
            expected_datetime: A deadline, if already known.
            reason: A note on the intake.

        Raises:
            IllegalTicketTransition: a field is missing or malformed.
        """
        event = _event(
            service_request_id,
            None,
            Action.REPORT,
            at=at,
            actor=actor,
            reason=reason,
            node_id=node_id,
            service_code=service_code,
            severity=severity,
            source=source,
            description=description,
            address=address,
            requester=requester,
            due=expected_datetime,
        )
        return replay(service_request_id, [event])

    @classmethod
    def from_events(cls, ticket_id: str, events: Iterable[TicketEvent]) -> Ticket:
        """Rebuild a ticket from its id and events (the same as :func:`replay`).

        Raises:
            IllegalTicketTransition: the events are not a legal history.
        """
        return replay(ticket_id, events)

    # ---------------------------------------------------------- actions

    def apply(self, event: TicketEvent) -> Ticket:
        """The ticket after one more event; this ticket is left unchanged.

        Raises:
            IllegalTicketTransition: the action is not allowed in the current
                status, the event is earlier than the last one, or its fields
                do not fit the ticket (see :data:`TRANSITIONS`).
        """
        return _step(self, event)

    def file(self, *, at: datetime, actor: str, reason: str = "") -> Ticket:
        """立案 (案卷建立): the case is confirmed and filed."""
        return self._do(Action.FILE, at=at, actor=actor, reason=reason)

    def dispatch(
        self,
        *,
        at: datetime,
        to: str,
        level: Level | str,
        actor: str,
        handler: str | None = None,
        department: str | None = None,
        due: datetime | None = None,
        reason: str = "",
    ) -> Ticket:
        """派单 (任务派遣): send it to a node (and person or department) to handle.

        Also allowed while dispatched, to reassign it.

        Args:
            at: When.
            to: The handling node (grid, community, street …).
            level: That node's level.
            actor: Who dispatched it.
            handler: The person to take it (member, grid worker).
            department: The department responsible (``agency_responsible``).
            due: The deadline from the SLA, if known (replaces the current one).
            reason: A note.
        """
        return self._do(
            Action.DISPATCH,
            at=at,
            actor=actor,
            reason=reason,
            node_id=to,
            level=level,
            handler=handler,
            department=department,
            due=due,
        )

    def accept(self, *, at: datetime, actor: str, reason: str = "") -> Ticket:
        """接单: the handler takes it (任务处理 begins)."""
        return self._do(Action.ACCEPT, at=at, actor=actor, reason=reason)

    def resolve(self, *, at: datetime, actor: str, reason: str = "") -> Ticket:
        """办结 and 处理反馈: the handler reports it done; records where it was resolved."""  # noqa: E501
        return self._do(Action.RESOLVE, at=at, actor=actor, reason=reason)

    def publicize(self, *, at: datetime, actor: str, reason: str = "") -> Ticket:
        """晒单: the result is published."""
        return self._do(Action.PUBLICIZE, at=at, actor=actor, reason=reason)

    def verify(self, ok: bool, *, at: datetime, actor: str, reason: str = "") -> Ticket:
        """核实: a supervisor checks the result; ``ok=False`` sends it back (返工)."""
        return self._do(Action.VERIFY, at=at, actor=actor, reason=reason, ok=ok)

    def rate(
        self,
        score: int,
        *,
        at: datetime,
        actor: str,
        passing: int = DEFAULT_PASSING_SCORE,
        reason: str = "",
    ) -> Ticket:
        """评单 (call-back, 回访): the resident rates it 1–5.

        A score below *passing* sends the ticket back to its handler (返工);
        the event records the outcome, so a replay needs no configuration.
        """
        ok = type(score) is int and score >= passing
        return self._do(
            Action.RATE, at=at, actor=actor, reason=reason, score=score, ok=ok
        )

    def close(self, *, at: datetime, actor: str, reason: str = "") -> Ticket:
        """结案: close it; needs a verification or a rating first."""
        return self._do(Action.CLOSE, at=at, actor=actor, reason=reason)

    def rework(self, *, at: datetime, actor: str, reason: str) -> Ticket:
        """返工: send a resolved ticket back to its handler, with a reason."""
        return self._do(Action.REWORK, at=at, actor=actor, reason=reason)

    def extend(
        self, *, at: datetime, until: datetime, actor: str, reason: str
    ) -> Ticket:
        """延期: move the deadline later, with a reason (the ticket needs a deadline)."""  # noqa: E501
        return self._do(Action.EXTEND, at=at, actor=actor, reason=reason, due=until)

    def suspend(self, *, at: datetime, actor: str, reason: str) -> Ticket:
        """挂起: wait on the resident; the SLA clock pauses until :meth:`resume`."""
        return self._do(Action.SUSPEND, at=at, actor=actor, reason=reason)

    def resume(
        self,
        *,
        at: datetime,
        actor: str,
        due: datetime | None = None,
        reason: str = "",
    ) -> Ticket:
        """恢复: return to the status it was suspended from (optionally a new deadline)."""  # noqa: E501
        return self._do(Action.RESUME, at=at, actor=actor, reason=reason, due=due)

    def escalate(
        self,
        *,
        at: datetime,
        to: str,
        level: Level | str,
        actor: str,
        reason: str,
    ) -> Ticket:
        """提级: hand it to a node at a higher level, which must accept it anew."""
        return self._do(
            Action.ESCALATE,
            at=at,
            actor=actor,
            reason=reason,
            node_id=to,
            level=level,
        )

    def whistle(
        self,
        departments: Iterable[str],
        *,
        at: datetime,
        respond_by: datetime,
        actor: str,
        reason: str,
    ) -> Ticket:
        """吹哨: summon departments to report by *respond_by* (local practice)."""
        return self._do(
            Action.WHISTLE,
            at=at,
            actor=actor,
            reason=reason,
            departments=tuple(departments),
            due=respond_by,
        )

    def respond(
        self, department: str, *, at: datetime, actor: str, reason: str = ""
    ) -> Ticket:
        """报到: a summoned department reports (answers the whistle)."""
        return self._do(
            Action.RESPOND, at=at, actor=actor, reason=reason, department=department
        )

    def redirect(
        self,
        target: Redirect | str,
        *,
        at: datetime,
        actor: str,
        reason: str,
        department: str | None = None,
    ) -> Ticket:
        """转办: an emergency to 110/119/120/122, or a matter outside the duty list.

        Terminal: the community is done with it; :attr:`redirected_to`
        holds the target and *department* the body it went to.
        """
        return self._do(
            Action.REDIRECT,
            at=at,
            actor=actor,
            reason=reason,
            redirect=target,
            department=department,
        )

    def _do(self, action: Action, **fields: Any) -> Ticket:
        return _step(
            self, _event(self.service_request_id, self.status, action, **fields)
        )

    # --------------------------------------------------------- history

    def allowed_actions(self) -> frozenset[Action]:
        """The actions the state machine allows now.

        Whether one succeeds also depends on its fields (a deadline to
        extend, a pending summons to respond to …).
        """
        return frozenset(TRANSITIONS[self.status])

    @property
    def id(self) -> str:
        """Alias of :attr:`service_request_id`."""
        return self.service_request_id

    @property
    def is_open(self) -> bool:
        """True until closed or redirected."""
        return self.status.is_open

    @property
    def agency_responsible(self) -> str | None:
        """The department handling it, else the handling node (Open311's field)."""
        return self.department if self.department is not None else self.handler_node

    @property
    def status_notes(self) -> str:
        """The event history, one line per event (Open311's ``status_notes``)."""
        return "\n".join(e.describe() for e in self.events)

    @property
    def updated_datetime(self) -> datetime:
        """When the last event happened."""
        return self.events[-1].at

    @property
    def due(self) -> datetime | None:
        """Alias of :attr:`expected_datetime`: the current deadline."""
        return self.expected_datetime

    def _first(self, *actions: Action) -> datetime | None:
        return next((e.at for e in self.events if e.action in actions), None)

    def _last(self, *actions: Action) -> datetime | None:
        return next((e.at for e in reversed(self.events) if e.action in actions), None)

    @property
    def filed_at(self) -> datetime | None:
        """When it was filed (立案): the ``file`` event, else the first dispatch.

        The five orders have no separate filing step: dispatching files it.
        """
        return self._first(Action.FILE) or self._first(Action.DISPATCH)

    @property
    def dispatched_at(self) -> datetime | None:
        """When it was first dispatched."""
        return self._first(Action.DISPATCH)

    @property
    def accepted_at(self) -> datetime | None:
        """When it was first accepted (接单)."""
        return self._first(Action.ACCEPT)

    @property
    def resolved_at(self) -> datetime | None:
        """When it was last resolved (办结)."""
        return self._last(Action.RESOLVE)

    @property
    def closed_at(self) -> datetime | None:
        """When it was closed (结案), or ``None``."""
        return self._first(Action.CLOSE)

    @property
    def redirected_at(self) -> datetime | None:
        """When it was redirected (转办), or ``None``."""
        return self._first(Action.REDIRECT)

    @property
    def original_expected_datetime(self) -> datetime | None:
        """The deadline before any extension (the first one set)."""
        return next(
            (
                e.due
                for e in self.events
                if e.due is not None
                and e.action in (Action.REPORT, Action.DISPATCH, Action.RESUME)
            ),
            None,
        )

    @property
    def rework_count(self) -> int:
        """How many times it was sent back (failed verify/rate, or rework)."""
        return sum(
            1
            for e in self.events
            if e.action is Action.REWORK
            or (e.action in (Action.VERIFY, Action.RATE) and e.ok is False)
        )

    @property
    def was_reworked(self) -> bool:
        """True when it was ever sent back (返工)."""
        return self.rework_count > 0

    @property
    def extension_count(self) -> int:
        """How many extensions (延期) it had."""
        return sum(1 for e in self.events if e.action is Action.EXTEND)

    @property
    def was_extended(self) -> bool:
        """True when it was ever extended."""
        return self.extension_count > 0

    @property
    def was_escalated(self) -> bool:
        """True when it ever climbed a level."""
        return bool(self.escalations)

    @property
    def ratings(self) -> tuple[int, ...]:
        """Every rating given, in order."""
        return tuple(e.score for e in self.events if e.score is not None)

    @property
    def closed_on_time(self) -> bool | None:
        """Closed by the deadline in force when it closed; ``None`` if not closed
        or it never had a deadline.

        The deadline includes approved extensions (延期 counts separately,
        :attr:`was_extended`) and any new deadline given on resuming.
        """
        closed = self.closed_at
        if closed is None or self.expected_datetime is None:
            return None
        return closed <= self.expected_datetime

    def _repr_html_(self) -> str:
        """The ticket for Jupyter: its state, then its history, one row per event.

        Personal data is masked as on export (the requester's name and phone,
        phone and identity numbers in the texts).

        >>> from datetime import datetime, timezone
        >>> t = Ticket.report("T1", at=datetime(2026, 3, 2, 1, tzinfo=timezone.utc),
        ...     actor="hotline", service_code="env.garbage", node_id="b-7",
        ...     severity="small", source="12345", description="<script>x</script>")
        >>> page = t._repr_html_()
        >>> "&lt;script&gt;" in page, "<script>" in page, "已受理" in page
        (True, False, True)
        """

        def handler() -> str:
            if self.handler_node is None:
                return ""
            lv = f" ({self.handler_level.zh})" if self.handler_level else ""
            who = [x for x in (self.handler, self.department) if x]
            return f"{self.handler_node}{lv}" + (f" · {', '.join(who)}" if who else "")

        state: list[tuple[str, object]] = [
            ("类别 service_code", self.service_code),
            ("节点 node", self.node_id),
            ("描述 description", mask_text(self.description)),
            ("地址 address", self.address),
            ("受理 requested", _html.when(self.requested_datetime)),
            ("期限 due", _html.when(self.expected_datetime)),
            ("处理 handler", handler()),
            ("首接 first receiver", self.first_receiver),
            ("办结于 resolved at", self.resolved_node),
            ("按期结案 closed on time", self.closed_on_time),
            ("返工 reworks", self.rework_count or None),
            ("延期 extensions", self.extension_count or None),
            ("提级 escalations", len(self.escalations) or None),
            ("评分 ratings", ", ".join(map(str, self.ratings))),
            (
                "转办 redirected to",
                self.redirected_to.zh if self.redirected_to else None,
            ),
            (
                "诉求人 requester",
                " ".join(self.requester.masked().values()) if self.requester else None,
            ),
        ]
        shown = [(k, v) for k, v in state if v not in (None, "")]
        history = _html.table(
            ("时间 at", "动作 action", "执行人 actor", "说明 reason", "详情 details"),
            (
                (
                    _html.when(e.at),
                    f"{e.action.zh} {e.action.value}",
                    e.actor,
                    mask_text(e.reason),
                    "; ".join(e._details()),
                )
                for e in self.events
            ),
            caption=f"历史 history: {len(self.events):,} events",
        )
        return _html.block(
            "Ticket",
            f"{self.service_request_id} · {self.status.zh} {self.status.value} · "
            f"{self.severity.zh} · {self.source.zh}",
            _html.table((), shown),
            history,
            name="ticket",
        )

    def paused_intervals(self) -> tuple[tuple[datetime, datetime | None], ...]:
        """The intervals it was suspended (挂起), ``(start, end)``; the SLA pauses.

        ``end`` is ``None`` while it is still suspended.
        """
        out: list[tuple[datetime, datetime | None]] = []
        start: datetime | None = None
        for e in self.events:
            if e.action is Action.SUSPEND:
                start = e.at
            elif start is not None and e.action in (Action.RESUME, Action.REDIRECT):
                out.append((start, e.at))
                start = None
        if start is not None:
            out.append((start, None))
        return tuple(out)


# --------------------------------------------------------------------------
# The fold
# --------------------------------------------------------------------------


def _event(
    ticket_id: str, status: Status | None, action: Action, **fields: Any
) -> TicketEvent:
    """Build an event, turning a malformed one into IllegalTicketTransition."""
    try:
        return TicketEvent(action=action, **fields)
    except (ValueError, TypeError) as exc:
        if isinstance(exc, NaiveDatetimeError):
            raise
        raise IllegalTicketTransition(ticket_id, status, action, str(exc)) from exc


def _refuse(
    ticket_id: str, status: Status | None, event: TicketEvent, why: str
) -> NoReturn:
    raise IllegalTicketTransition(ticket_id, status, event.action, why)


def _open(ticket_id: str, event: TicketEvent) -> Ticket:
    if event.action is not Action.REPORT:
        _refuse(ticket_id, None, event, "the first event must be a report")
    assert event.node_id is not None
    assert event.service_code is not None
    assert event.severity is not None
    assert event.source is not None
    return Ticket(
        service_request_id=ticket_id,
        service_code=event.service_code,
        requested_datetime=event.at,
        node_id=event.node_id,
        severity=event.severity,
        source=event.source,
        description=event.description,
        address=event.address,
        requester=event.requester,
        status=Status.REPORTED,
        expected_datetime=event.due,
        events=(event,),
    )


def _step(ticket: Ticket, event: TicketEvent) -> Ticket:
    tid, status = ticket.service_request_id, ticket.status
    if not isinstance(event, TicketEvent):
        msg = f"Expected a TicketEvent, got {event!r}."
        raise TypeError(msg)
    allowed = TRANSITIONS[status]
    if event.action not in allowed:
        names = ", ".join(sorted(a.value for a in allowed)) or "nothing (terminal)"
        _refuse(tid, status, event, f"allowed now: {names}")
    last = ticket.events[-1].at
    if event.at < last:
        _refuse(
            tid,
            status,
            event,
            f"the event at {event.at.isoformat()} is earlier than the last "
            f"event at {last.isoformat()}; events must come in time order",
        )
    new = _APPLY[event.action](ticket, event)
    return attrs.evolve(new, events=(*ticket.events, event))


_Apply = Callable[[Ticket, TicketEvent], Ticket]


def _to_status(target: Status) -> _Apply:
    def apply(ticket: Ticket, event: TicketEvent) -> Ticket:
        return attrs.evolve(ticket, status=target)

    return apply


def _dispatch(ticket: Ticket, event: TicketEvent) -> Ticket:
    return attrs.evolve(
        ticket,
        status=Status.DISPATCHED,
        handler_node=event.node_id,
        handler_level=event.level,
        handler=event.handler,
        department=event.department,
        first_receiver=ticket.first_receiver or event.node_id,
        expected_datetime=event.due or ticket.expected_datetime,
    )


def _resolve(ticket: Ticket, event: TicketEvent) -> Ticket:
    return attrs.evolve(
        ticket,
        status=Status.RESOLVED,
        resolved_node=ticket.handler_node,
        resolved_at_level=ticket.handler_level,
    )


def _checked(ticket: Ticket, event: TicketEvent) -> Ticket:
    """verify and rate: pass, or back to the handler."""
    if event.ok:
        target = Status.VERIFIED if event.action is Action.VERIFY else Status.RATED
        return attrs.evolve(ticket, status=target)
    return attrs.evolve(ticket, status=Status.DISPATCHED)


def _close(ticket: Ticket, event: TicketEvent) -> Ticket:
    return attrs.evolve(ticket, status=Status.CLOSED)


def _extend(ticket: Ticket, event: TicketEvent) -> Ticket:
    assert event.due is not None
    current = ticket.expected_datetime
    if current is None:
        _refuse(
            ticket.id,
            ticket.status,
            event,
            "it has no deadline to extend; set one at dispatch first",
        )
    elif event.due <= current:
        _refuse(
            ticket.id,
            ticket.status,
            event,
            f"the new deadline {event.due.isoformat()} is not after the current "
            f"one {current.isoformat()}",
        )
    return attrs.evolve(ticket, expected_datetime=event.due)


def _suspend(ticket: Ticket, event: TicketEvent) -> Ticket:
    return attrs.evolve(ticket, status=Status.SUSPENDED, suspended_from=ticket.status)


def _resume(ticket: Ticket, event: TicketEvent) -> Ticket:
    assert ticket.suspended_from is not None
    return attrs.evolve(
        ticket,
        status=ticket.suspended_from,
        suspended_from=None,
        expected_datetime=event.due or ticket.expected_datetime,
    )


def _escalate(ticket: Ticket, event: TicketEvent) -> Ticket:
    assert event.node_id is not None
    assert event.level is not None
    from_node, from_level = ticket.handler_node, ticket.handler_level
    if from_node is None or from_level is None:  # pragma: no cover - dispatched
        _refuse(ticket.id, ticket.status, event, "it has no handler to escalate from")
    if event.level >= from_level:
        _refuse(
            ticket.id,
            ticket.status,
            event,
            f"the target level {event.level.zh} ({event.level.en}) is not above "
            f"the handler's level {from_level.zh} ({from_level.en})",
        )
    if event.node_id == from_node:
        _refuse(ticket.id, ticket.status, event, "the target is the current handler")
    record = Escalation(
        at=event.at,
        from_node=from_node,
        from_level=from_level,
        to_node=event.node_id,
        to_level=event.level,
        reason=event.reason,
    )
    return attrs.evolve(
        ticket,
        status=Status.DISPATCHED,
        handler_node=event.node_id,
        handler_level=event.level,
        handler=None,
        escalations=(*ticket.escalations, record),
    )


def _whistle(ticket: Ticket, event: TicketEvent) -> Ticket:
    assert event.due is not None
    if len(set(event.departments)) != len(event.departments):
        _refuse(ticket.id, ticket.status, event, "a department is named twice")
    pending = {s.department for s in ticket.summonses if s.responded_at is None}
    again = sorted(pending & set(event.departments))
    if again:
        _refuse(
            ticket.id,
            ticket.status,
            event,
            f"already summoned and not yet reported: {', '.join(again)}",
        )
    new = tuple(
        Summons(department=d, at=event.at, respond_by=event.due)
        for d in event.departments
    )
    return attrs.evolve(ticket, summonses=(*ticket.summonses, *new))


def _respond(ticket: Ticket, event: TicketEvent) -> Ticket:
    for i, s in enumerate(ticket.summonses):
        if s.department == event.department and s.responded_at is None:
            done = attrs.evolve(s, responded_at=event.at)
            summonses = (*ticket.summonses[:i], done, *ticket.summonses[i + 1 :])
            return attrs.evolve(ticket, summonses=summonses)
    _refuse(
        ticket.id,
        ticket.status,
        event,
        f"department {event.department!r} has no pending summons",
    )


def _redirect(ticket: Ticket, event: TicketEvent) -> Ticket:
    return attrs.evolve(
        ticket,
        status=Status.REDIRECTED,
        redirected_to=event.redirect,
        suspended_from=None,
        department=event.department or ticket.department,
    )


_APPLY: Final[Mapping[Action, _Apply]] = MappingProxyType(
    {
        Action.FILE: _to_status(Status.FILED),
        Action.DISPATCH: _dispatch,
        Action.ACCEPT: _to_status(Status.ACCEPTED),
        Action.RESOLVE: _resolve,
        Action.PUBLICIZE: _to_status(Status.PUBLICIZED),
        Action.VERIFY: _checked,
        Action.RATE: _checked,
        Action.CLOSE: _close,
        Action.REWORK: _to_status(Status.DISPATCHED),
        Action.EXTEND: _extend,
        Action.SUSPEND: _suspend,
        Action.RESUME: _resume,
        Action.ESCALATE: _escalate,
        Action.WHISTLE: _whistle,
        Action.RESPOND: _respond,
        Action.REDIRECT: _redirect,
    }
)


def replay(ticket_id: str, events: Iterable[TicketEvent]) -> Ticket:
    """The ticket that *events* produce, checking every transition.

    A ticket's state is always this replay: ``replay(t.id, t.events) == t``.

    Args:
        ticket_id: The ticket's id (``service_request_id``).
        events: Its events in time order, a report first.

    Raises:
        IllegalTicketTransition: an event is not allowed where it stands; the
            message names the ticket, the status and the action.

    >>> from datetime import datetime, timezone
    >>> at = datetime(2026, 1, 5, 1, tzinfo=timezone.utc)
    >>> e = TicketEvent(at=at, action="report", actor="a", node_id="b1",
    ...                 service_code="env.garbage", severity="small",
    ...                 source="grid_patrol")
    >>> replay("T9", [e]).status
    <Status.REPORTED: 'reported'>
    >>> replay("T9", [e, TicketEvent(at=at, action="close", actor="a")])
    Traceback (most recent call last):
    ...
    redcity.dispatch.tickets.IllegalTicketTransition: Ticket 'T9' cannot close (结案) while reported (已受理): allowed now: dispatch, extend, file, redirect, suspend.
    """  # noqa: E501
    ticket: Ticket | None = None
    for event in events:
        if not isinstance(event, TicketEvent):
            msg = f"Expected TicketEvents, got {event!r}."
            raise TypeError(msg)
        ticket = _open(ticket_id, event) if ticket is None else _step(ticket, event)
    if ticket is None:
        msg = f"Ticket {ticket_id!r} has no events; the first must be a report."
        raise IllegalTicketTransition(ticket_id, None, Action.REPORT, msg)
    return ticket


# --------------------------------------------------------------------------
# Serialization: a ticket is its id and its events
# --------------------------------------------------------------------------


def _unstructure_ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        "service_request_id": ticket.service_request_id,
        "events": [_unstructure(e) for e in ticket.events],
    }


def _structure_ticket(data: Any) -> Ticket:
    if not isinstance(data, Mapping) or set(data) != {"service_request_id", "events"}:
        msg = (
            "expected a ticket as an object with exactly the keys "
            f"service_request_id and events, got {data!r}"
        )
        raise ValueError(msg)
    tid = data["service_request_id"]
    if not isinstance(tid, str):
        msg = f"expected service_request_id to be a string, got {tid!r}"
        raise TypeError(msg)
    events = _structure(data["events"], tuple[TicketEvent, ...])
    return replay(tid, events)


register(Ticket, _unstructure_ticket, _structure_ticket)
