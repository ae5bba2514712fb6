"""Decisions: 民法典 278 owners' decisions, and the rules meetings vote by.

Two kinds of decision live here.

**Owners' decisions (业主共同决定).** :func:`owners_decision` decides one of
the nine matters of 民法典 第二百七十八条 (:class:`~redcity.meetings.Matter`)
from the estate's units (:class:`Unit`) and the owners' ballots
(:class:`Ballot`), counting area and persons as the Supreme People's Court's
interpretation says.  It returns an :class:`OwnersDecision` naming the
threshold applied, the four ratios as exact fractions and the counts behind
them.

**Decision rules (表决规则).** Small callables implementing
:class:`~redcity.meetings.DecisionRule`: each reads a
:class:`~redcity.meetings.Tally` (the votes of every party on one motion) and
returns an :class:`~redcity.meetings.Outcome`.  Presets cover the meetings of
三方共议 and of the residents' and owners' bodies — :data:`simple_majority`,
:data:`two_thirds`, :data:`three_quarters`, :data:`quorum_per_party`,
:data:`per_party_consent`, :data:`residents_meeting`,
:data:`owners_committee_meeting` — and factories (:func:`attendance`,
:func:`share_of_present`, :func:`share_of_members`, :func:`party_quorum`,
:func:`party_consent`, :func:`all_of`) let a district compose its own.  Every
comparison is exact (:class:`~fractions.Fraction`); floats are refused.

>>> from decimal import Decimal
>>> from redcity.meetings import Matter, Unit, owners_decision
>>> units = [Unit("1-101", Decimal("90"), "张"), Unit("1-102", Decimal("90"), "李"),
...          Unit("1-201", Decimal("120"), "王")]
>>> d = owners_decision(Matter.HIRE_MANAGER, units, {"张": "yes", "王": "同意"})
>>> d.quorum_met, d.passed
(True, True)
>>> d.participation_by_area, d.participation_by_persons
(Fraction(7, 10), Fraction(2, 3))

References:
    《中华人民共和国民法典》(2020) 第二百七十八条: the nine matters; owners
    holding two thirds or more of the exclusive area and two thirds or more
    of the owners take part; (六)(七)(八) need three quarters or more of the
    participating area and of the participating owners, the others more than
    half of both.  第一千二百五十九条: "以上" includes the number itself.
    《最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》
    第八条 (area: from the register, else surveyed, else the sale contract)
    and 第九条 (one unit counts as one person; the developer's unsold or
    undelivered units together count as one person; a buyer of several units
    counts as one person).  The older thresholds of 《物业管理条例》 are
    superseded by the Civil Code and are not implemented.
"""

from __future__ import annotations

import contextlib
import decimal
import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from typing import Any, Final

import attrs

from redcity._names import parse_member, zh_names
from redcity.errors import Problem, ValidationError
from redcity.meetings._tally import DecisionRule, Outcome, PartyTally, Tally
from redcity.meetings.matters import Matter

__all__ = [
    "AllOf",
    "Attendance",
    "Ballot",
    "OwnersDecision",
    "PartyConsent",
    "PartyQuorum",
    "ShareOfMembers",
    "ShareOfPresent",
    "Unit",
    "all_of",
    "attendance",
    "owners_committee_meeting",
    "owners_decision",
    "party_consent",
    "party_quorum",
    "per_party_consent",
    "quorum_per_party",
    "residents_meeting",
    "share_of_members",
    "share_of_present",
    "simple_majority",
    "three_quarters",
    "two_thirds",
]

# --------------------------------------------------------------------------
# Units and ballots
# --------------------------------------------------------------------------


def _area_problem(value: object) -> str | None:
    """Why ``value`` is not a positive, finite Decimal; None when it is."""
    if not isinstance(value, Decimal):
        hint = f'Decimal("{value!r}")' if isinstance(value, int | float) else "Decimal"
        return (
            f"Expected the area as a positive Decimal in square metres, got "
            f"{value!r}; pass {hint}."
        )
    if not value.is_finite() or value <= 0:
        return (
            f"Expected the area as a positive Decimal in square metres, got {value!r}."
        )
    return None


def _unit_id(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"Expected the unit id to be a non-empty string, got {value!r}."
        raise ValueError(msg)


def _unit_area(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    problem = _area_problem(value)
    if problem is not None:
        raise (ValueError if isinstance(value, Decimal) else TypeError)(problem)


def _owner_problem(value: object) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return None
    return (
        "Expected the owner to be a non-empty string, or None for a unit the "
        f"developer still holds, got {value!r}."
    )


def _unit_owner(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    problem = _owner_problem(value)
    if problem is not None:
        raise ValueError(problem)


@attrs.frozen
class Unit:
    """One exclusive part (专有部分) of an estate: a flat, shop or garage.

    Attributes:
        id: The unit's id, unique in the estate (``"3-2-1201"``).
        area: Its exclusive floor area in m², a positive ``Decimal``, as the
            caller read it: from the real-estate register (不动产登记簿);
            if not yet registered, from the surveying agency's measured
            area (实测面积); if not yet surveyed, from the sale contract
            (房屋买卖合同).  redcity does not choose between the sources: pass
            the one the interpretation's 第八条 points to.
        owner: Who the unit counts for: the buyer's identity (name or id as
            in the register; every unit of one buyer must carry the same
            string), or ``None`` for a unit the developer (建设单位) has not
            sold, or sold but not delivered.

    Raises:
        ValueError: An empty id or owner, or an area ≤ 0 or not finite.
        TypeError: An area that is not a ``Decimal`` (a float is inexact).

    References:
        《最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》
        第八条 (which area) and 第九条 (who counts as one person).

    >>> from decimal import Decimal
    >>> Unit("1-101", Decimal("89.50"), "业主甲")
    Unit(id='1-101', area=Decimal('89.50'), owner='业主甲')
    >>> Unit("1-102", 89.5, None)
    Traceback (most recent call last):
    ...
    TypeError: Expected the area as a positive Decimal in square metres, got 89.5; pass Decimal("89.5").
    """  # noqa: E501

    id: str = attrs.field(validator=_unit_id)
    area: Decimal = attrs.field(validator=_unit_area)
    owner: str | None = attrs.field(validator=_unit_owner)

    @classmethod
    def from_records(cls, rows: Iterable[Mapping[str, Any]]) -> tuple[Unit, ...]:
        """Units from register rows, checking every row before failing.

        Each row is a mapping with ``id``, ``area`` and ``owner`` (other keys,
        such as a building or floor, are ignored).  ``area`` may be a
        ``Decimal``, an ``int`` or a decimal string such as ``"89.50"``
        (read exactly); a float is refused as inexact.  ``owner`` is a
        string, or ``None`` (or missing) for a unit the developer holds.

        Raises:
            ValidationError: Listing every problem, each with the unit id
                (or ``row N``) and field: a missing or empty id, a bad
                area, a bad owner, a unit id given twice.

        >>> Unit.from_records([{"id": "A-1", "area": "75.20", "owner": "赵"},
        ...                    {"id": "A-2", "area": 80, "owner": None}])[1]
        Unit(id='A-2', area=Decimal('80'), owner=None)
        >>> Unit.from_records([{"id": "A-1", "area": 0.5, "owner": ""},
        ...                    {"id": "A-1", "area": "-3", "owner": "钱"}])
        Traceback (most recent call last):
        ...
        redcity.errors.ValidationError: 4 problems found:
          - A-1.area: Expected the area as a positive Decimal in square metres, got 0.5; pass Decimal("0.5").
          - A-1.owner: Expected the owner to be a non-empty string, or None for a unit the developer still holds, got ''.
          - A-1.area: Expected the area as a positive Decimal in square metres, got Decimal('-3').
          - A-1.id: Unit id 'A-1' appears 2 times; each unit must appear once.
        """  # noqa: E501
        problems: list[Problem] = []
        units = _units(rows, problems)
        if problems:
            raise ValidationError(problems)
        return tuple(units)


def _row_unit(row: object, i: int, problems: list[Problem]) -> Unit | None:
    """A Unit from one register row, or None after recording its problems."""
    if not isinstance(row, Mapping):
        problems.append(
            Problem(
                f"row {i}",
                "",
                f"Expected a Unit or a mapping with id, area and owner, got {row!r}.",
            )
        )
        return None
    uid = row.get("id")
    where = uid if isinstance(uid, str) and uid.strip() else f"row {i}"
    found = len(problems)
    if where != uid:
        problems.append(
            Problem(where, "id", f"Expected a non-empty string id, got {uid!r}.")
        )
    area = row.get("area")
    if isinstance(area, str) or (isinstance(area, int) and not isinstance(area, bool)):
        with contextlib.suppress(decimal.InvalidOperation):
            area = Decimal(area.strip() if isinstance(area, str) else area)
    problem = _area_problem(area)
    if problem is not None:
        problems.append(Problem(where, "area", problem))
    owner = row.get("owner")
    problem = _owner_problem(owner)
    if problem is not None:
        problems.append(Problem(where, "owner", problem))
    if len(problems) > found:
        return None
    assert isinstance(uid, str)
    assert isinstance(area, Decimal)
    return Unit(uid, area, owner)


def _units(rows: Iterable[object], problems: list[Problem]) -> list[Unit]:
    """Units from Units or rows; every bad row and duplicate id recorded."""
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Iterable):
        msg = f"Expected units as an iterable of Unit or of rows, got {rows!r}."
        raise TypeError(msg)
    out: list[Unit] = []
    counts: dict[str, int] = {}
    for i, row in enumerate(rows):
        unit = row if isinstance(row, Unit) else _row_unit(row, i, problems)
        if unit is not None:
            out.append(unit)
            counts[unit.id] = counts.get(unit.id, 0) + 1
        elif isinstance(row, Mapping) and isinstance(row.get("id"), str):
            counts[row["id"]] = counts.get(row["id"], 0) + 1
    problems.extend(_duplicates(counts))
    return out


def _duplicates(counts: Mapping[str, int]) -> list[Problem]:
    return [
        Problem(
            uid, "id", f"Unit id {uid!r} appears {n} times; each unit must appear once."
        )
        for uid, n in counts.items()
        if n > 1
    ]


class Ballot(enum.Enum):
    """An owner's ballot: 同意 (yes), 反对 (no) or 弃权 (abstain).

    An abstention takes part in the vote (it counts toward the quorum) but
    does not approve.

    >>> Ballot.parse("同意") is Ballot.YES, Ballot.parse(" Abstain ").zh
    (True, '弃权')
    """

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"

    @property
    def zh(self) -> str:
        """同意, 反对 or 弃权.

        >>> Ballot.NO.zh
        '反对'
        """
        return _BALLOT_ZH[self]

    @classmethod
    def parse(cls, value: object) -> Ballot:
        """A ballot from itself, ``"yes"``/``"no"``/``"abstain"`` or 同意/反对/弃权.

        Raises:
            ValueError: The value names no ballot.

        >>> Ballot.parse("反对")
        <Ballot.NO: 'no'>
        >>> Ballot.parse("maybe")
        Traceback (most recent call last):
        ...
        ValueError: Expected a ballot, got 'maybe'; known names: 同意/yes, 反对/no, 弃权/abstain.
        """  # noqa: E501
        return parse_member(cls, value, what="a ballot", names=zh_names)


_BALLOT_ZH = {Ballot.YES: "同意", Ballot.NO: "反对", Ballot.ABSTAIN: "弃权"}


# The exact spellings, looked up before falling back to Ballot.parse.
_FAST_BALLOTS: Final[dict[object, Ballot]] = {
    **{b: b for b in Ballot},
    **{b.value: b for b in Ballot},
    **{b.zh: b for b in Ballot},
}


# --------------------------------------------------------------------------
# Owners' decisions (民法典 第二百七十八条)
# --------------------------------------------------------------------------

QUORUM: Final = Fraction(2, 3)
"""民法典 278 第二款: two thirds or more of the area and of the owners take part."""

_SPECIAL_MAJORITY: Final = Fraction(3, 4)
_ORDINARY_MAJORITY: Final = Fraction(1, 2)

# Sums of areas are exact: no rounding at any precision an estate needs.
_EXACT: Final = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow],
)


def _outcome(
    *,
    passed: bool,
    quorum_met: bool,
    requirement: str,
    ratios: dict[str, Fraction] | None = None,
    reasons: Iterable[str] = (),
) -> Outcome:
    """An Outcome; one place for the cast that ``converter=tuple`` needs.

    mypy's attrs plugin cannot type the bare ``tuple`` converter of
    ``Outcome.reasons``, so the reasons go through ``Any`` here.
    """
    reasons_any: Any = tuple(reasons)
    return Outcome(
        passed=passed,
        quorum_met=quorum_met,
        requirement=requirement,
        ratios={} if ratios is None else ratios,
        reasons=reasons_any,
    )


def _rules_tuple(rules: Iterable[DecisionRule]) -> tuple[DecisionRule, ...]:
    return tuple(rules)


def _frac(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


def _ratio(num: int | Decimal, den: int | Decimal) -> Fraction:
    return Fraction(num) / Fraction(den) if den else Fraction(0)


@attrs.frozen(kw_only=True)
class OwnersDecision:
    """The result of an owners' decision under 民法典 第二百七十八条.

    Attributes:
        matter: The matter decided.
        quorum_met: Owners holding ≥ 2/3 of the exclusive area and ≥ 2/3 of
            all persons took part (voted yes, no or abstained).
        passed: The quorum was met and the majority below was reached.
            ``passed`` implies ``quorum_met``.
        threshold: The majority that applied: ``Fraction(3, 4)`` for
            matters (六)(七)(八), ``Fraction(1, 2)`` for the others.
        strict: ``False`` when the approving share must be at least
            ``threshold`` (四分之三以上), ``True`` when it must be more than
            it (过半数).
        total_area: The exclusive area of every unit, m².
        total_persons: Every person: each distinct owner, plus one for all
            the developer's units together.
        participating_area: The area of the persons who voted.
        participating_persons: The persons who voted (yes, no or abstain).
        approving_area: The area of the persons who voted yes.
        approving_persons: The persons who voted yes.
        participation_by_area: ``participating_area / total_area``.
        participation_by_persons: ``participating_persons / total_persons``.
        approval_by_area: ``approving_area / participating_area`` (0 when
            nobody took part).
        approval_by_persons: ``approving_persons / participating_persons``
            (0 when nobody took part).
        explanation: Why, in Chinese and English, one line per step.

    References:
        《中华人民共和国民法典》 第二百七十八条; 《最高人民法院关于审理建筑物
        区分所有权纠纷案件适用法律若干问题的解释》 第八条、第九条.
    """

    matter: Matter
    quorum_met: bool
    passed: bool
    threshold: Fraction
    strict: bool
    total_area: Decimal
    total_persons: int
    participating_area: Decimal
    participating_persons: int
    approving_area: Decimal
    approving_persons: int
    participation_by_area: Fraction
    participation_by_persons: Fraction
    approval_by_area: Fraction
    approval_by_persons: Fraction
    explanation: str

    @property
    def requirement(self) -> str:
        """The rule applied, in Chinese and English (a Popolo requirement).

        >>> from decimal import Decimal
        >>> d = owners_decision("(八)", [Unit("u1", Decimal(1), "甲")], {})
        >>> print(d.requirement)
        民法典第二百七十八条：专有部分面积和人数均三分之二以上的业主参与表决，经参与表决专有部分面积四分之三以上且人数四分之三以上的业主同意 (Civil Code art. 278: owners holding at least two thirds of the area and at least two thirds of the owners take part; at least three quarters of the participating area and owners approve)
        """  # noqa: E501
        zh, en = _share_words(self.threshold, strict=self.strict)
        return (
            "民法典第二百七十八条：专有部分面积和人数均三分之二以上的业主参与表决，"
            f"经参与表决专有部分面积{zh}且人数{zh}的业主同意 (Civil Code art. 278: "
            "owners holding at least two thirds of the area and at least two "
            f"thirds of the owners take part; {en} of the participating area and "
            "owners approve)"
        )

    def to_outcome(self) -> Outcome:
        """The decision as a meeting :class:`~redcity.meetings.Outcome`.

        >>> from decimal import Decimal
        >>> d = owners_decision("(五)", [Unit("u1", Decimal(1), "甲")], {"甲": "yes"})
        >>> d.to_outcome().ratios["approval_by_area"]
        Fraction(1, 1)
        """
        return _outcome(
            passed=self.passed,
            quorum_met=self.quorum_met,
            requirement=self.requirement,
            ratios={
                "participation_by_area": self.participation_by_area,
                "participation_by_persons": self.participation_by_persons,
                "approval_by_area": self.approval_by_area,
                "approval_by_persons": self.approval_by_persons,
            },
            reasons=tuple(self.explanation.splitlines()),
        )


_UNIT_ID: Final = attrgetter("id")


def _ballot_key(key: object) -> str:
    return key if isinstance(key, str) else repr(key)


def _slow_ballot(
    owner: object, value: object, problems: list[Problem]
) -> Ballot | None:
    """``value`` parsed by :meth:`Ballot.parse`, or None after recording why not."""
    try:
        return Ballot.parse(value)
    except ValueError as exc:
        problems.append(Problem(_ballot_key(owner), "ballot", str(exc)))
        return None


def _not_an_owner(owner: object) -> Problem:
    who = "the developer (None)" if owner is None else repr(owner)
    return Problem(
        _ballot_key(owner),
        "ballot",
        f"A ballot from {who}, who owns no unit of the estate; only owners vote "
        "(the developer under None).",
    )


def owners_decision(
    matter: Matter | str,
    units: Iterable[Unit | Mapping[str, Any]],
    ballots: Mapping[str | None, Ballot | str],
) -> OwnersDecision:
    """Decide a matter of 民法典 第二百七十八条 from the units and the ballots.

    **Persons.** Each distinct owner string is one person, however many
    units they hold (a buyer of several units is one person); all the units
    the developer holds (``owner=None``) together are one person.  A
    person's area is the sum of their units' areas.

    **Quorum (参与表决).** Persons holding two thirds or more of the total
    exclusive area *and* two thirds or more of all persons take part.  A
    person takes part by casting a ballot — yes, no or abstain; an
    abstention takes part but does not approve.  "以上" includes the number
    itself (民法典 第一千二百五十九条), so exactly 2/3 meets the quorum.

    **Majority.** For matters (六) raising repair funds, (七) rebuilding and
    (八) changing the use of common parts or running business on them
    (:attr:`Matter.special`): three quarters or more of the participating
    area *and* of the participating persons approve — exactly 3/4 passes.
    For every other matter, (五) *using* the repair funds included: more
    than half (过半数) of both — exactly 1/2 fails.

    Args:
        matter: The matter, as a :class:`~redcity.meetings.Matter` or a name
            :meth:`Matter.parse` reads (``"(八)"``, ``"change_common_use"`` …).
        units: Every unit of the estate, as :class:`Unit` objects or as
            register rows (mappings with ``id``, ``area``, ``owner``; see
            :meth:`Unit.from_records`).  Areas are taken as given.
        ballots: ``{owner: ballot}``: each voting person's ballot —
            :class:`Ballot`, ``"yes"``/``"no"``/``"abstain"`` or
            同意/反对/弃权 — the developer's (if it votes) under the key
            ``None``.  A person without a ballot did not take part.

    Returns:
        A frozen :class:`OwnersDecision`.

    Raises:
        ValueError: ``matter`` names no matter.
        TypeError: ``units`` is not an iterable or ``ballots`` not a mapping.
        ValidationError: Listing every problem of the whole input, each
            with its id and field: an empty estate, a unit id given twice,
            a bad row (area not a positive Decimal, empty id or owner), a
            ballot from someone who owns no unit, a ballot that is not one
            of the three.

    References:
        《中华人民共和国民法典》 第二百七十八条 (quorum, majorities) and
        第一千二百五十九条 ("以上" includes the number);
        《最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》
        第八条 (area as registered, else surveyed, else per sale contract)
        and 第九条 (who counts as one person).  Not the superseded
        thresholds of 《物业管理条例》.

    >>> from decimal import Decimal
    >>> units = [Unit(f"{i}", Decimal("100"), f"o{i}") for i in range(1, 7)]
    >>> units.append(Unit("7", Decimal("100"), "o6"))   # o6 bought two units
    >>> units += [Unit("8", Decimal("100"), None), Unit("9", Decimal("100"), None)]
    >>> d = owners_decision("(八)", units,
    ...                     {"o1": "yes", "o2": "yes", "o3": "yes", "o6": "no",
    ...                      None: "yes"})
    >>> d.total_persons, d.participating_persons, d.approving_persons
    (7, 5, 4)
    >>> d.participation_by_area, d.approval_by_area, d.approval_by_persons
    (Fraction(7, 9), Fraction(5, 7), Fraction(4, 5))
    >>> d.quorum_met, d.passed, d.threshold   # 5/7 of the area < 3/4
    (True, False, Fraction(3, 4))
    """
    matter = Matter.parse(matter)
    if not isinstance(ballots, Mapping):
        msg = f"Expected ballots as a mapping of owners to ballots, got {ballots!r}."
        raise TypeError(msg)
    problems: list[Problem] = []
    area_of: dict[str | None, Decimal] = {}
    with decimal.localcontext(_EXACT):
        # One pass over the units: the persons and their areas (第九条).
        given: Sequence[Unit]
        if isinstance(units, list | tuple) and set(map(type, units)) <= {Unit}:
            given = units  # Units were checked when built; only ids remain
            if len(set(map(_UNIT_ID, given))) != len(given):
                problems.extend(_duplicates(Counter(map(_UNIT_ID, given))))
        else:
            given = _units(units, problems)
        for unit in given:
            owner = unit.owner
            held = area_of.get(owner)
            area_of[owner] = unit.area if held is None else held + unit.area
        if not area_of and not problems:
            problems.append(
                Problem(
                    "estate",
                    "units",
                    "Expected at least one unit, got none; an owners' decision "
                    "needs the estate's units.",
                )
            )

        # One pass over the ballots: who took part and who approved.  Areas
        # are collected and summed once (sum() adds Decimals faster than +=).
        area = area_of.get
        fast = _FAST_BALLOTS.get
        yes_areas: list[Decimal] = []
        other_areas: list[Decimal] = []
        for owner, value in ballots.items():
            held = area(owner)
            try:
                ballot = fast(value)
            except TypeError:  # unhashable
                ballot = None
            if ballot is None:  # another spelling (" Yes "), or no ballot at all
                ballot = _slow_ballot(owner, value, problems)
            if held is None:
                problems.append(_not_an_owner(owner))
            elif ballot is not None:
                (yes_areas if ballot is Ballot.YES else other_areas).append(held)
        if problems:
            raise ValidationError(problems)
        total_area = sum(area_of.values(), Decimal(0))
        yes_area = sum(yes_areas, Decimal(0))
        part_area = yes_area + sum(other_areas, Decimal(0))
    total_persons = len(area_of)
    yes_persons = len(yes_areas)
    part_persons = yes_persons + len(other_areas)

    # Fractions only now, four of them (民法典 278: exact shares).
    by_area = _ratio(part_area, total_area)
    by_persons = _ratio(part_persons, total_persons)
    ok_area = _ratio(yes_area, part_area)
    ok_persons = _ratio(yes_persons, part_persons)
    # 第二款: 三分之二以上 — "以上" includes 2/3 itself (第一千二百五十九条).
    quorum_met = by_area >= QUORUM and by_persons >= QUORUM
    if matter.special:
        # 第二款: (六)(七)(八) — 四分之三以上, 3/4 itself included.
        threshold, strict = _SPECIAL_MAJORITY, False
        majority = ok_area >= threshold and ok_persons >= threshold
    else:
        # 第二款: the other matters — 过半数, strictly more than 1/2.
        threshold, strict = _ORDINARY_MAJORITY, True
        majority = ok_area > threshold and ok_persons > threshold
    passed = quorum_met and majority
    explanation = _explain(
        matter,
        threshold,
        strict,
        quorum_met,
        passed,
        (total_area, total_persons, part_area, part_persons, yes_area, yes_persons),
        (by_area, by_persons, ok_area, ok_persons),
    )
    return OwnersDecision(
        matter=matter,
        quorum_met=quorum_met,
        passed=passed,
        threshold=threshold,
        strict=strict,
        total_area=total_area,
        total_persons=total_persons,
        participating_area=part_area,
        participating_persons=part_persons,
        approving_area=yes_area,
        approving_persons=yes_persons,
        participation_by_area=by_area,
        participation_by_persons=by_persons,
        approval_by_area=ok_area,
        approval_by_persons=ok_persons,
        explanation=explanation,
    )


def _explain(
    matter: Matter,
    threshold: Fraction,
    strict: bool,
    quorum_met: bool,
    passed: bool,
    counts: tuple[Decimal, int, Decimal, int, Decimal, int],
    ratios: tuple[Fraction, Fraction, Fraction, Fraction],
) -> str:
    total_area, total_persons, part_area, part_persons, yes_area, yes_persons = counts
    by_area, by_persons, ok_area, ok_persons = ratios
    zh, en = _share_words(threshold, strict=strict)
    kind_zh = "特别多数" if matter.special else "普通多数"
    kind_en = "special" if matter.special else "ordinary"
    lines = [
        f"事项{matter.item}{matter.zh}，适用{kind_zh}："
        f"参与表决面积和人数均须{zh}同意 — "
        f"Matter {matter.item} ({matter.value}) takes the {kind_en} majority: "
        f"{en} of the participating area and owners must approve.",
        f"参与表决面积 {part_area}/{total_area} m² = {_frac(by_area)}，"
        f"人数 {part_persons}/{total_persons} = {_frac(by_persons)}；"
        + (
            "均达到三分之二以上，表决有效"
            if quorum_met
            else "未均达到三分之二，表决无效"
        )
        + f" — Taking part: {part_area} of {total_area} m² ({_frac(by_area)}) "
        f"and {part_persons} of {total_persons} owners ({_frac(by_persons)}); "
        + (
            "at least two thirds of both, so the quorum is met."
            if quorum_met
            else "not at least two thirds of both, so the quorum is not met."
        ),
    ]
    if part_persons:
        reached = (
            ok_area > threshold and ok_persons > threshold
            if strict
            else ok_area >= threshold and ok_persons >= threshold
        )
        lines.append(
            f"同意面积 {yes_area}/{part_area} m² = {_frac(ok_area)}，"
            f"人数 {yes_persons}/{part_persons} = {_frac(ok_persons)}；"
            + (f"均达到{zh}" if reached else f"未均达到{zh}")
            + f" — Approving: {yes_area} of {part_area} m² ({_frac(ok_area)}) and "
            f"{yes_persons} of {part_persons} owners ({_frac(ok_persons)}); "
            + (f"{en} of both." if reached else f"not {en} of both.")
        )
    lines.append(
        ("结果：通过" if passed else "结果：未通过")
        + (" — Result: passed." if passed else " — Result: not passed.")
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Decision rules on a Tally
# --------------------------------------------------------------------------

_WORDS: Final[dict[tuple[Fraction, bool], tuple[str, str]]] = {
    (Fraction(1, 2), True): ("过半数", "more than half"),
    (Fraction(1, 2), False): ("半数以上", "at least half"),
    (Fraction(2, 3), False): ("三分之二以上", "at least two thirds"),
    (Fraction(2, 3), True): ("超过三分之二", "more than two thirds"),
    (Fraction(3, 4), False): ("四分之三以上", "at least three quarters"),
    (Fraction(3, 4), True): ("超过四分之三", "more than three quarters"),
    (Fraction(1), False): ("全部", "all"),
    (Fraction(0), True): ("至少一人", "at least one"),
}


def _share_words(share: Fraction, *, strict: bool) -> tuple[str, str]:
    """The share in words, Chinese and English: ``("过半数", "more than half")``."""
    words = _WORDS.get((share, strict))
    if words is not None:
        return words
    if strict:
        return f"超过{_frac(share)}", f"more than {_frac(share)}"
    return f"{_frac(share)}以上", f"at least {_frac(share)}"


def _check_share(value: object, *, strict: bool, what: str) -> Fraction:
    """A share in [0, 1] as a Fraction; floats refused; a strict 1 refused."""
    if isinstance(value, float):
        msg = (
            f"Expected {what} as a Fraction, got the float {value!r}; floats are "
            "inexact: pass Fraction(2, 3)."
        )
        raise TypeError(msg)
    if isinstance(value, bool) or not isinstance(value, int | Fraction | Decimal):
        msg = f"Expected {what} as a Fraction in [0, 1], got {value!r}."
        raise TypeError(msg)
    if isinstance(value, Decimal) and not value.is_finite():
        msg = f"Expected {what} as a Fraction in [0, 1], got {value!r}."
        raise ValueError(msg)
    share = Fraction(value)
    if not 0 <= share <= 1:
        msg = f"Expected {what} as a Fraction in [0, 1], got {value!r}."
        raise ValueError(msg)
    if strict and share == 1:
        msg = f"Expected {what} below 1 with strict=True: more than all can never pass."
        raise ValueError(msg)
    return share


def _reaches(num: int, den: int, share: Fraction, strict: bool) -> bool:
    """``num/den`` reaches ``share`` (``>`` when strict, else ``>=``); exact."""
    lhs, rhs = num * share.denominator, share.numerator * den
    return lhs > rhs if strict else lhs >= rhs


def _check_tally(tally: object) -> Tally:
    if not isinstance(tally, Tally):
        msg = f"Expected a Tally of the motion's votes, got {tally!r}."
        raise TypeError(msg)
    return tally


def _reason(zh: str, en: str) -> str:
    return f"{zh} — {en}"


def _validate_share(strict_attr: str) -> Any:
    def check(inst: Any, attr: attrs.Attribute[Any], value: object) -> None:
        _check_share(value, strict=getattr(inst, strict_attr), what=attr.name)

    return check


def _to_fraction(value: object) -> object:
    """Ints and Decimals become Fractions; anything else is left for the validator."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        try:
            return Fraction(value)
        except (ValueError, OverflowError):
            return value
    return value


@attrs.frozen
class Attendance:
    """Attendance quorum over all parties: ``present / members`` reaches ``share``.

    A quorum rule: it passes exactly when its quorum is met, whatever the
    votes; combine it with a voting rule through :func:`all_of`.  Build it
    with :func:`attendance`.

    Attributes:
        share: The share of members who must be present, in [0, 1].
        strict: True for "more than" (过半数), False for "at least" (以上).
    """

    share: Fraction = attrs.field(
        converter=_to_fraction, validator=_validate_share("strict")
    )
    strict: bool = attrs.field(
        default=True, validator=attrs.validators.instance_of(bool)
    )

    @property
    def requirement(self) -> str:
        """The rule in words, Chinese and English."""
        zh, en = _share_words(self.share, strict=self.strict)
        return f"全体成员{zh}出席 ({en} of the members present)"

    def __call__(self, tally: Tally, /) -> Outcome:
        t = _check_tally(tally).total
        met = t.members > 0 and _reaches(t.present, t.members, self.share, self.strict)
        zh, en = _share_words(self.share, strict=self.strict)
        ratios = (
            {"present/members": Fraction(t.present, t.members)} if t.members else {}
        )
        reason = _reason(
            f"出席 {t.present}/{t.members} 人，" + ("达到" if met else "未达到") + zh,
            f"{t.present} of {t.members} members present: "
            + ("" if met else "not ")
            + en
            + ".",
        )
        return _outcome(
            passed=met,
            quorum_met=met,
            requirement=self.requirement,
            ratios=ratios,
            reasons=(reason,),
        )


def attendance(share: Fraction | int | Decimal, *, strict: bool = True) -> Attendance:
    """A quorum rule: ``share`` of all members present (more than it by default).

    Args:
        share: In [0, 1]; a Fraction, int or Decimal (floats refused).
        strict: True (default) for "more than", False for "at least".

    Raises:
        TypeError: ``share`` is a float or not a number.
        ValueError: ``share`` outside [0, 1], or ``strict`` with share 1.

    >>> from fractions import Fraction
    >>> from redcity.meetings import PartyTally, Tally
    >>> rule = attendance(Fraction(1, 2))
    >>> rule(Tally([PartyTally("居民", members=8, present=4)])).quorum_met
    False
    >>> rule(Tally([PartyTally("居民", members=8, present=5)])).quorum_met
    True
    """
    return Attendance(share, strict)


@attrs.frozen
class ShareOfPresent:
    """Yes votes over those present, all parties together, reach ``share``.

    Its quorum is that someone is present (a motion nobody attends is not
    decided).  Build it with :func:`share_of_present`.

    Attributes:
        share: The share of those present who must vote yes, in [0, 1].
        strict: True for "more than", False for "at least".
    """

    share: Fraction = attrs.field(
        converter=_to_fraction, validator=_validate_share("strict")
    )
    strict: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )

    @property
    def requirement(self) -> str:
        """The rule in words, Chinese and English."""
        zh, en = _share_words(self.share, strict=self.strict)
        return f"出席人{zh}同意 ({en} of those present vote yes)"

    def __call__(self, tally: Tally, /) -> Outcome:
        t = _check_tally(tally).total
        return _vote_outcome(
            self.requirement, t, t.present, "present", self.share, self.strict
        )


def _vote_outcome(
    requirement: str,
    t: PartyTally,
    base: int,
    base_name: str,
    share: Fraction,
    strict: bool,
) -> Outcome:
    zh, en = _share_words(share, strict=strict)
    base_zh = "出席" if base_name == "present" else "全体成员"
    base_en = "present" if base_name == "present" else "members"
    if t.present == 0:
        reason = _reason(
            "无人出席，未作出决定", "Nobody present: the motion is not decided."
        )
        return _outcome(
            passed=False, quorum_met=False, requirement=requirement, reasons=(reason,)
        )
    ok = _reaches(t.yes, base, share, strict)
    reason = _reason(
        f"同意 {t.yes}/{base_zh} {base} 人，" + ("达到" if ok else "未达到") + zh,
        f"{t.yes} yes of {base} {base_en}: " + ("" if ok else "not ") + en + ".",
    )
    return _outcome(
        passed=ok,
        quorum_met=True,
        requirement=requirement,
        ratios={f"yes/{base_name}": Fraction(t.yes, base)},
        reasons=(reason,),
    )


def share_of_present(
    share: Fraction | int | Decimal, *, strict: bool = False
) -> ShareOfPresent:
    """A voting rule: ``share`` of those present vote yes (at least it by default).

    Those present who cast no vote, or abstain, count as not approving.

    Args:
        share: In [0, 1]; a Fraction, int or Decimal (floats refused).
        strict: False (default) for "at least" (以上), True for "more than".

    Raises:
        TypeError: ``share`` is a float or not a number.
        ValueError: ``share`` outside [0, 1], or ``strict`` with share 1.

    References:
        The meeting's own rules of procedure (议事规则) choose the share: no
        statute fixes it for a three-party or joint meeting.

    >>> from fractions import Fraction
    >>> from redcity.meetings import PartyTally, Tally
    >>> rule = share_of_present(Fraction(3, 5))
    >>> rule(Tally([PartyTally("居委会", members=7, present=5, yes=3)])).passed
    True
    >>> share_of_present(0.6)
    Traceback (most recent call last):
    ...
    TypeError: Expected share as a Fraction, got the float 0.6; floats are inexact: pass Fraction(2, 3).
    """  # noqa: E501
    return ShareOfPresent(share, strict)


@attrs.frozen
class ShareOfMembers:
    """Yes votes over all members (present or not) reach ``share``.

    Its quorum is that someone is present.  Build it with
    :func:`share_of_members`.

    Attributes:
        share: The share of all members who must vote yes, in [0, 1].
        strict: True for "more than", False for "at least".
    """

    share: Fraction = attrs.field(
        converter=_to_fraction, validator=_validate_share("strict")
    )
    strict: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )

    @property
    def requirement(self) -> str:
        """The rule in words, Chinese and English."""
        zh, en = _share_words(self.share, strict=self.strict)
        return f"全体成员{zh}同意 ({en} of all members vote yes)"

    def __call__(self, tally: Tally, /) -> Outcome:
        t = _check_tally(tally).total
        return _vote_outcome(
            self.requirement, t, t.members, "members", self.share, self.strict
        )


def share_of_members(
    share: Fraction | int | Decimal, *, strict: bool = False
) -> ShareOfMembers:
    """A voting rule: ``share`` of *all* members vote yes, absent ones included.

    Args:
        share: In [0, 1]; a Fraction, int or Decimal (floats refused).
        strict: False (default) for "at least", True for "more than".

    Raises:
        TypeError: ``share`` is a float or not a number.
        ValueError: ``share`` outside [0, 1], or ``strict`` with share 1.

    >>> from fractions import Fraction
    >>> from redcity.meetings import PartyTally, Tally
    >>> rule = share_of_members(Fraction(1, 2), strict=True)
    >>> rule(Tally([PartyTally("业委会", members=7, present=6, yes=3)])).passed
    False
    """
    return ShareOfMembers(share, strict)


@attrs.frozen
class PartyQuorum:
    """Every party of the tally has someone present, and at least ``share``.

    A quorum rule: it passes exactly when its quorum is met; combine it with
    a voting rule through :func:`all_of`.  A party with no members, or a
    tally with no party, fails it.  Build it with :func:`party_quorum`.

    Attributes:
        share: The share of each party's members who must be present (0:
            one person is enough).
        strict: True for "more than", False for "at least".
    """

    share: Fraction = attrs.field(
        default=Fraction(0), converter=_to_fraction, validator=_validate_share("strict")
    )
    strict: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )

    @property
    def requirement(self) -> str:
        """The rule in words, Chinese and English."""
        if self.share == 0:
            return "各方均有成员出席 (every party has a member present)"
        zh, en = _share_words(self.share, strict=self.strict)
        return (
            f"各方均有成员出席，且出席均达到本方成员{zh} (every party has a member "
            f"present, and {en} of each party's members)"
        )

    def __call__(self, tally: Tally, /) -> Outcome:
        parties = _check_tally(tally).parties
        zh, en = _share_words(self.share, strict=self.strict)
        ratios: dict[str, Fraction] = {}
        reasons: list[str] = []
        met = bool(parties)
        if not parties:
            reasons.append(_reason("无参会方", "The tally has no party."))
        for p in parties:
            if p.members:
                ratios[f"{p.party}:present/members"] = Fraction(p.present, p.members)
            if p.present == 0:
                met = False
                reasons.append(
                    _reason(f"{p.party}无人出席", f"{p.party}: nobody present.")
                )
            elif not _reaches(p.present, p.members, self.share, self.strict):
                met = False
                reasons.append(
                    _reason(
                        f"{p.party}出席 {p.present}/{p.members} 人，未达到{zh}",
                        f"{p.party}: {p.present} of {p.members} present, not {en}.",
                    )
                )
        if met:
            reasons.append(
                _reason("各方出席均满足要求", "Every party's attendance suffices.")
            )
        return _outcome(
            passed=met,
            quorum_met=met,
            requirement=self.requirement,
            ratios=ratios,
            reasons=tuple(reasons),
        )


def party_quorum(
    share: Fraction | int | Decimal = 0, *, strict: bool = False
) -> PartyQuorum:
    """A quorum rule per party: each party has someone present, and ``share``.

    Args:
        share: The share of each party's members who must be present, in
            [0, 1]; 0 (default) asks for one person.
        strict: True for "more than", False (default) for "at least".

    Raises:
        TypeError: ``share`` is a float or not a number.
        ValueError: ``share`` outside [0, 1], or ``strict`` with share 1.

    References:
        三方共议 (local practice in Zunyi and elsewhere): the community party
        organisation convenes the residents' committee, the owners'
        committee and the property company; a decision needs all three at
        the table.  No statute fixes a per-party share.

    >>> from fractions import Fraction
    >>> from redcity.meetings import PartyTally, Tally
    >>> t = Tally([PartyTally("居委会", members=5, present=2),
    ...            PartyTally("物业", members=3, present=1)])
    >>> party_quorum()(t).quorum_met, party_quorum(Fraction(1, 2))(t).quorum_met
    (True, False)
    """
    return PartyQuorum(share, strict)


@attrs.frozen
class PartyConsent:
    """Each party's present members pass the motion by ``share``.

    A party with nobody present fails it (its consent is missing); so does
    a tally with no party.  The quorum is that every party has someone
    present.  Build it with :func:`party_consent`.

    Attributes:
        share: The share of each party's present members who must vote yes.
        strict: True (default) for "more than", False for "at least".
    """

    share: Fraction = attrs.field(
        default=Fraction(1, 2),
        converter=_to_fraction,
        validator=_validate_share("strict"),
    )
    strict: bool = attrs.field(
        default=True, validator=attrs.validators.instance_of(bool)
    )

    @property
    def requirement(self) -> str:
        """The rule in words, Chinese and English."""
        zh, en = _share_words(self.share, strict=self.strict)
        return f"各方出席成员均{zh}同意 ({en} of each party's members present vote yes)"

    def __call__(self, tally: Tally, /) -> Outcome:
        parties = _check_tally(tally).parties
        zh, en = _share_words(self.share, strict=self.strict)
        ratios: dict[str, Fraction] = {}
        reasons: list[str] = []
        quorum = passed = bool(parties)
        if not parties:
            reasons.append(_reason("无参会方", "The tally has no party."))
        for p in parties:
            if p.present == 0:
                quorum = passed = False
                reasons.append(
                    _reason(
                        f"{p.party}无人出席，未表示同意",
                        f"{p.party}: nobody present, so no consent.",
                    )
                )
                continue
            ratios[f"{p.party}:yes/present"] = Fraction(p.yes, p.present)
            ok = _reaches(p.yes, p.present, self.share, self.strict)
            passed = passed and ok
            reasons.append(
                _reason(
                    f"{p.party}同意 {p.yes}/出席 {p.present} 人，"
                    + ("达到" if ok else "未达到")
                    + zh,
                    f"{p.party}: {p.yes} yes of {p.present} present, "
                    + ("" if ok else "not ")
                    + en
                    + ".",
                )
            )
        return _outcome(
            passed=passed,
            quorum_met=quorum,
            requirement=self.requirement,
            ratios=ratios,
            reasons=tuple(reasons),
        )


def party_consent(
    share: Fraction | int | Decimal = Fraction(1, 2), *, strict: bool = True
) -> PartyConsent:
    """A voting rule per party: each party's present members pass it by ``share``.

    Args:
        share: In [0, 1]; more than half by default.
        strict: True (default) for "more than", False for "at least".

    Raises:
        TypeError: ``share`` is a float or not a number.
        ValueError: ``share`` outside [0, 1], or ``strict`` with share 1.

    References:
        三方共议 (local practice): a motion binds the residents' committee,
        the owners' committee and the property company only when each
        consents.  No statute fixes it.

    >>> from fractions import Fraction
    >>> from redcity.meetings import PartyTally, Tally
    >>> t = Tally([PartyTally("业委会", members=5, present=5, yes=5),
    ...            PartyTally("物业", members=2, present=2, yes=1, no=1)])
    >>> party_consent()(t).passed, party_consent(strict=False)(t).passed
    (False, True)
    """
    return PartyConsent(share, strict)


@attrs.frozen
class AllOf:
    """Several rules at once: built by :func:`all_of`.

    Attributes:
        rules: The rules, in order.
        name: A name put before the joined requirements (may be empty).
    """

    rules: tuple[DecisionRule, ...] = attrs.field(converter=_rules_tuple)
    name: str = ""

    @property
    def requirement(self) -> str:
        """The rules' requirements joined, after the name (a rule without a
        ``requirement`` attribute shows its name; a call's outcome shows the
        requirement each rule returned)."""
        joined = "；".join(_requirement_of(r) for r in self.rules)
        return f"{self.name}：{joined}" if self.name else joined

    def __call__(self, tally: Tally, /) -> Outcome:
        _check_tally(tally)
        outcomes = [rule(tally) for rule in self.rules]
        ratios: dict[str, Fraction] = {}
        reasons: list[str] = []
        for o in outcomes:
            ratios.update(o.ratios)
            reasons.extend(o.reasons)
        joined = "；".join(o.requirement for o in outcomes)
        return _outcome(
            passed=all(o.passed for o in outcomes),
            quorum_met=all(o.quorum_met for o in outcomes),
            requirement=f"{self.name}：{joined}" if self.name else joined,
            ratios=ratios,
            reasons=reasons,
        )


def _requirement_of(rule: DecisionRule) -> str:
    """A rule's ``requirement`` attribute, else its name (a plain function)."""
    text = getattr(rule, "requirement", None)
    if isinstance(text, str):
        return text
    name = getattr(rule, "__name__", None)
    return name if isinstance(name, str) else repr(rule)


def all_of(*rules: DecisionRule, name: str = "") -> AllOf:
    """A rule passing only when every rule passes; its quorum needs every quorum.

    The outcomes' requirement texts are joined with "；"; ratios are merged (rules
    reading the same tally name the same ratio the same way) and reasons
    listed in order.  A rule of your own only needs ``__call__(tally)``
    returning an :class:`~redcity.meetings.Outcome` (and, for the joined
    text, a ``requirement`` attribute).

    Args:
        *rules: At least one decision rule.
        name: Put before the joined requirements, e.g. ``"三方共议"``.

    Raises:
        TypeError: No rule, or a rule that is not callable.

    >>> from fractions import Fraction
    >>> from redcity.meetings import PartyTally, Tally
    >>> rule = all_of(quorum_per_party, per_party_consent, two_thirds)
    >>> t = Tally([PartyTally("居委会", members=5, present=3, yes=2, no=1),
    ...            PartyTally("业委会", members=5, present=3, yes=3),
    ...            PartyTally("物业", members=2, present=1, yes=1)])
    >>> o = rule(t)
    >>> o.passed, o.ratios["yes/present"]
    (True, Fraction(6, 7))
    """
    if not rules:
        msg = "Expected at least one rule for all_of(), got none."
        raise TypeError(msg)
    for rule in rules:
        if not callable(rule):
            msg = f"Expected decision rules (callables taking a Tally), got {rule!r}."
            raise TypeError(msg)
    return AllOf(rules, name)


simple_majority: Final = share_of_present(Fraction(1, 2), strict=True)
"""More than half of those present vote yes (出席人过半数同意).

References:
    The meeting's rules of procedure (议事规则); the same majority as a
    residents' meeting decides by (城市居民委员会组织法 第十条).
"""

two_thirds: Final = share_of_present(Fraction(2, 3))
"""At least two thirds of those present vote yes (出席人三分之二以上同意).

References:
    The meeting's rules of procedure (议事规则); no statute fixes it for a
    three-party or joint meeting.
"""

three_quarters: Final = share_of_present(Fraction(3, 4))
"""At least three quarters of those present vote yes (出席人四分之三以上同意).

References:
    The meeting's rules of procedure (议事规则); no statute fixes it for a
    three-party or joint meeting.
"""

quorum_per_party: Final = party_quorum()
"""Every party of the tally has at least one member present (各方均有成员出席).

References:
    三方共议 (local practice): the residents' committee, owners' committee
    and property company all at the table.  See :func:`party_quorum`.
"""

per_party_consent: Final = party_consent()
"""Each party's present members pass the motion by more than half.

References:
    三方共议 (local practice).  See :func:`party_consent`.
"""

residents_meeting: Final = all_of(
    attendance(Fraction(1, 2), strict=True), simple_majority, name="居民会议"
)
"""A residents' meeting (居民会议): more than half present, and more than half
of those present vote yes.

``members`` in the tally is the body convened: the residents aged 18 or
over, or the representatives of every household.  (A meeting of the
representatives elected by the residents' groups needs those
representatives present, which the tally's ``members`` should then count.)

References:
    《中华人民共和国城市居民委员会组织法》 第十条: 居民会议必须有全体十八周岁
    以上的居民过半数，或者本居住地区全体户的代表过半数，或者有本居住地区各
    居民小组选举的代表参加，方可举行；会议的决定，由出席人的过半数通过.
"""

owners_committee_meeting: Final = all_of(
    attendance(Fraction(1, 2), strict=True),
    share_of_members(Fraction(1, 2), strict=True),
    name="业主委员会会议",
)
"""An owners' committee meeting (业委会会议): more than half of the members
present, and the decision agreed (and signed) by more than half of *all*
members, present or not.

The guiding rules ask for "全体委员半数以上同意"; a committee has an odd
number of members, for which "half or more" and "more than half" agree.  A
district whose committee has an even number of members and which reads it
as "half or more" composes its own rule:
``all_of(attendance(Fraction(1, 2)), share_of_members(Fraction(1, 2)))``.

References:
    《业主大会和业主委员会指导规则》(住房和城乡建设部, 2009): 业主委员会会议应
    当有过半数的委员出席，作出的决定必须经全体委员半数以上同意.
"""
