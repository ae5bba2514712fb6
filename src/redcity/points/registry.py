"""The member registry, as recorded by registration facts (双报到).

:class:`~redcity.points.Registration` facts record each in-service
member's registration with a community; a member who moves registers
again, and a mistaken registration is undone by a
:class:`~redcity.points.Reversal`.  :func:`registry_from_facts` replays
them into a :class:`~redcity.people.MemberRegistry`.

>>> from datetime import datetime, timedelta, timezone
>>> from redcity.points import Registration, registry_from_facts
>>> cst = timezone(timedelta(hours=8))
>>> facts = [
...     Registration(id="r1", at=datetime(2024, 3, 1, 9, tzinfo=cst),
...                  member_id="m-1", node_id="c-nanmen", employer_id="o-school"),
...     Registration(id="r2", at=datetime(2025, 6, 1, 9, tzinfo=cst),
...                  member_id="m-1", node_id="c-xima", employer_id="o-school"),
... ]
>>> registry_from_facts(facts).community_of("m-1")
'c-xima'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pendulum

from redcity.calendars import DEFAULT_TZ
from redcity.errors import NaiveDatetimeError, Problem, ValidationError
from redcity.people import MemberRegistration, MemberRegistry
from redcity.points.facts import Registration, Reversal

__all__ = ["registry_from_facts"]


def registry_from_facts(
    facts: Iterable[object],
    *,
    until: datetime | None = None,
    tz: str = DEFAULT_TZ,
) -> MemberRegistry:
    """The member registry that registration facts establish.

    Only :class:`~redcity.points.Registration` facts and the
    :class:`~redcity.points.Reversal` facts that undo them matter; every
    other fact is ignored.  A registration undone by a reversal (which is
    not itself undone) never happened.  Of a member's remaining
    registrations the latest (by ``at``, then id) holds: the member moved.
    The same fact seen twice counts once.

    Each registration comes from an in-service party member (在职党员双报到):
    ``party_member`` and ``in_service`` are ``True``, ``employer_id`` is the
    fact's, ``community_id`` its ``node_id`` and ``registered_on`` the date
    of ``at`` in ``tz``.

    Args:
        facts: Facts of any kind, in any order.
        until: Only facts at or before this aware moment count (the
            registry as it stood then); all facts by default.
        tz: The zone in which ``registered_on`` dates are read.

    Raises:
        ValidationError: Listing every fact id used twice with different
            content.
        NaiveDatetimeError: ``until`` is naive.
        ValueError: ``tz`` is not a time zone name.

    References:
        中共中央组织部 关于在职党员到社区报到 (双报到) practice.

    >>> from datetime import datetime, timezone
    >>> from redcity.points import Reversal
    >>> at = datetime(2025, 3, 1, 1, tzinfo=timezone.utc)
    >>> reg = Registration(id="r1", at=at, member_id="m-1", node_id="c-1",
    ...                    employer_id="o-1")
    >>> undo = Reversal(id="x1", at=at, member_id="m-1", node_id="c-1",
    ...                 reverses="r1", reason="登记错误。")
    >>> len(registry_from_facts([reg])), len(registry_from_facts([reg, undo]))
    (1, 0)
    >>> registry_from_facts([reg])["m-1"].registered_on
    datetime.date(2025, 3, 1)
    """
    if until is not None:
        if not isinstance(until, datetime):
            msg = f"Expected until to be an aware datetime, got {until!r}."
            raise TypeError(msg)
        if until.tzinfo is None or until.utcoffset() is None:
            msg = (
                f"Expected until to be timezone-aware, got the naive {until!r}; "
                "attach a zone, e.g. pendulum.instance(dt, 'Asia/Shanghai')."
            )
            raise NaiveDatetimeError(msg)
    try:
        zone = pendulum.timezone(tz)
    except Exception as exc:  # pendulum raises several kinds for bad names
        msg = f"Expected an IANA time zone name such as 'Asia/Shanghai', got {tz!r}."
        raise ValueError(msg) from exc

    problems: list[Problem] = []
    seen: dict[str, Registration | Reversal] = {}
    for fact in facts:
        if not isinstance(fact, Registration | Reversal):
            continue
        if until is not None and fact.at > until:
            continue
        before = seen.setdefault(fact.id, fact)
        if before is not fact and before != fact:
            problems.append(
                Problem(
                    fact.id,
                    "id",
                    f"Fact id {fact.id!r} is used twice with different content: "
                    f"{before!r} and {fact!r}.",
                )
            )
    reversers: dict[str, list[str]] = {}
    for fact in seen.values():
        if isinstance(fact, Reversal):
            reversers.setdefault(fact.reverses, []).append(fact.id)

    # Each reversal names one fact, so walking from a registration to its
    # reversers, theirs and so on never meets a cycle: it is a tree.
    void: dict[str, bool] = {}

    def is_void(root: str) -> bool:
        stack = [(root, False)]
        while stack:
            fact_id, expanded = stack.pop()
            if fact_id in void:
                continue
            undoers = reversers.get(fact_id, ())
            if expanded:
                void[fact_id] = any(not void[r] for r in undoers)
            else:
                stack.append((fact_id, True))
                stack.extend((r, False) for r in undoers)
        return void[root]

    current: dict[str, Registration] = {}
    for fact in seen.values():
        if not isinstance(fact, Registration) or is_void(fact.id):
            continue
        held = current.get(fact.member_id)
        if held is None or (held.at, held.id) < (fact.at, fact.id):
            current[fact.member_id] = fact
    if problems:
        raise ValidationError(problems)
    return MemberRegistry.from_registrations(
        MemberRegistration(
            member_id=r.member_id,
            community_id=r.node_id,
            employer_id=r.employer_id,
            registered_on=r.at.astimezone(zone).date(),
        )
        for r in current.values()
    )
