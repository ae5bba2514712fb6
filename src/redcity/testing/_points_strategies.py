"""Hypothesis strategies for points facts and rulebooks.

Re-exported from :mod:`redcity.testing.strategies`: :func:`facts` (any fact,
valid by construction), :func:`fact_lists` (facts with distinct ids whose
reversals name earlier facts: what a journal holds) and :func:`rulebooks`
(valid rulebooks over the same small vocabulary of members, nodes and
categories, so that drawn rules match drawn facts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.points.facts import (
    ATTENDANCE_KINDS,
    FACT_TYPES,
    Attendance,
    Deduction,
    Fact,
    FactKind,
    MicroWish,
    Rating,
    Redemption,
    Registration,
    Reversal,
    ServiceRecord,
)
from redcity.points.rules import (
    Award,
    Cap,
    CapPeriod,
    Condition,
    Deduct,
    Fixed,
    PerHour,
    PerRating,
    Rounding,
    Rule,
    RuleBook,
)
from redcity.testing._checks import check_size as _check_size

__all__ = ["fact_lists", "facts", "rulebooks"]

MEMBER_IDS = ("m1", "m2", "m3")
"""Members the strategies draw from by default."""
NODE_IDS = ("g1", "g2")
"""Grid nodes the strategies draw from by default."""
CATEGORIES = ("助老", "环境整治", "文明劝导")
"""Service categories the strategies draw from by default."""

_CST = timezone(timedelta(hours=8))
_FACT_ZONES: tuple[tzinfo, ...] = (_CST, ZoneInfo("Asia/Shanghai"), UTC)
_SCORED = (
    FactKind.SERVICE,
    FactKind.MICRO_WISH,
    FactKind.RATING,
    FactKind.ATTENDANCE,
    FactKind.REGISTRATION,
    FactKind.DEDUCTION,
)


def _check_names(name: str, values: object) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        msg = f"Expected {name} to be a non-empty list of strings, got {values!r}."
        raise InvalidArgument(msg)
    out = tuple(values)
    if not out or not all(isinstance(v, str) and v.strip() for v in out):
        msg = f"Expected {name} to be a non-empty list of strings, got {values!r}."
        raise InvalidArgument(msg)
    return out


def _check_kinds(
    kinds: Iterable[FactKind | str] | None, allowed: Sequence[FactKind]
) -> tuple[FactKind, ...]:
    if kinds is None:
        return tuple(allowed)
    out: list[FactKind] = []
    for kind in kinds:
        try:
            parsed = FactKind(kind) if isinstance(kind, str) else kind
        except ValueError:
            parsed = None
        if parsed is None or parsed not in allowed:
            names = ", ".join(k.value for k in allowed)
            msg = f"Expected kinds among {names}, got {kind!r}."
            raise InvalidArgument(msg)
        out.append(parsed)
    if not out:
        msg = "Expected at least one kind, got none."
        raise InvalidArgument(msg)
    return tuple(dict.fromkeys(out))


def _check_years(min_year: object, max_year: object) -> None:
    _check_size("year", min_year, max_year, 1900)
    assert isinstance(max_year, int)
    if max_year > 2100:
        msg = f"Expected max_year ≤ 2100, got {max_year!r}."
        raise InvalidArgument(msg)


# --------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------


def _moments(min_year: int, max_year: int) -> st.SearchStrategy[datetime]:
    return st.datetimes(
        min_value=datetime(min_year, 1, 1),
        # Noon: in any of the zones drawn, still max_year in Asia/Shanghai.
        max_value=datetime(max_year, 12, 31, 12),
        timezones=st.sampled_from(_FACT_ZONES),
    )


@st.composite
def _fact(
    draw: st.DrawFn,
    kind: FactKind,
    fact_id: str,
    at: datetime,
    member_ids: tuple[str, ...],
    node_ids: tuple[str, ...],
    categories: tuple[str, ...],
    max_hours: int,
    reverses: st.SearchStrategy[str],
) -> Fact:
    common: dict[str, Any] = {
        "id": fact_id,
        "at": at,
        "member_id": draw(st.sampled_from(member_ids)),
        "node_id": draw(st.sampled_from(node_ids)),
    }
    if kind is FactKind.SERVICE:
        minutes = draw(st.integers(1, max_hours * 60))
        return ServiceRecord(
            **common,
            end=at + timedelta(minutes=minutes),
            category=draw(st.sampled_from(categories)),
            organizer_id=draw(st.sampled_from(("org-1", "org-2"))),
        )
    if kind is FactKind.MICRO_WISH:
        return MicroWish(**common, wish_id="w-" + fact_id)
    if kind is FactKind.RATING:
        return Rating(**common, score=draw(st.integers(1, 5)))
    if kind is FactKind.ATTENDANCE:
        return Attendance(
            **common,
            meeting=draw(st.sampled_from(ATTENDANCE_KINDS)),
            organizer_id="branch-1",
        )
    if kind is FactKind.REGISTRATION:
        return Registration(**common, employer_id="employer-1")
    if kind is FactKind.DEDUCTION:
        return Deduction(
            **common, points=draw(st.integers(1, 30)), reason="未按约定参加活动。"
        )
    if kind is FactKind.REDEMPTION:
        return Redemption(
            **common,
            points=draw(st.integers(1, 100)),
            merchant_id="shop-1",
            item="洗衣液",
        )
    return Reversal(**common, reverses=draw(reverses), reason="登记有误。")


def facts(
    *,
    kinds: Iterable[FactKind | str] | None = None,
    member_ids: Iterable[str] = MEMBER_IDS,
    node_ids: Iterable[str] = NODE_IDS,
    categories: Iterable[str] = CATEGORIES,
    min_year: int = 2026,
    max_year: int = 2026,
    max_hours: int = 8,
) -> st.SearchStrategy[Fact]:
    """Any fact, valid by construction, with an aware timestamp.

    Ids are ``"f0"``, ``"f1"`` …; a reversal names one of them.  Timestamps
    fall in the years given, in UTC+8, ``Asia/Shanghai`` or UTC; a service
    lasts 1 minute to ``max_hours`` hours.  Shrinks toward a short service
    record at the first moment of ``min_year``.  Use :func:`fact_lists` for
    lists with distinct ids whose reversals name facts in the list.

    Args:
        kinds: The kinds drawn (names or :class:`~redcity.points.FactKind`);
            all by default.
        member_ids: Members drawn from.
        node_ids: Grid nodes drawn from.
        categories: Service categories drawn from.
        min_year: Earliest year (≥ 1900).
        max_year: Latest year (≤ 2100).
        max_hours: Longest service, in hours (≥ 1).

    Raises:
        hypothesis.errors.InvalidArgument: bad arguments.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(facts())
    ... def test_facts_are_aware(fact):
    ...     assert fact.at.utcoffset() is not None
    >>> test_facts_are_aware()
    """
    kinds_ = _check_kinds(kinds, tuple(FACT_TYPES))
    members = _check_names("member_ids", member_ids)
    nodes = _check_names("node_ids", node_ids)
    cats = _check_names("categories", categories)
    _check_years(min_year, max_year)
    _check_size("hours", 1, max_hours, 1)
    ids = st.integers(0, 10_000).map(lambda i: f"f{i}")
    return st.tuples(
        st.sampled_from(kinds_), ids, _moments(min_year, max_year)
    ).flatmap(lambda t: _fact(t[0], t[1], t[2], members, nodes, cats, max_hours, ids))


@st.composite
def _fact_list(
    draw: st.DrawFn,
    kinds: tuple[FactKind, ...],
    members: tuple[str, ...],
    nodes: tuple[str, ...],
    categories: tuple[str, ...],
    min_size: int,
    max_size: int,
    max_days: int,
    max_hours: int,
    max_reversals: int,
) -> list[Fact]:
    # Stay within 2026 in Asia/Shanghai: the calendar's official years.
    first = draw(st.dates(date(2026, 1, 1), date(2026, 12, 31) - timedelta(max_days)))
    start = datetime(first.year, first.month, first.day, tzinfo=_CST)
    seconds = st.integers(0, max_days * 86_400 - 1)
    zones = st.sampled_from(_FACT_ZONES)
    n = draw(st.integers(min_size, max_size))
    out: list[Fact] = []
    for i in range(n):
        at = (start + timedelta(seconds=draw(seconds))).astimezone(draw(zones))
        kind = draw(st.sampled_from(kinds))
        out.append(
            draw(
                _fact(
                    kind,
                    f"f{i}",
                    at,
                    members,
                    nodes,
                    categories,
                    max_hours,
                    st.just(""),
                )
            )
        )
    reversals = draw(st.integers(0, max_reversals)) if out else 0
    for j in range(reversals):
        target = draw(st.sampled_from(out))
        at = target.at + timedelta(days=draw(st.integers(0, 30)))
        out.append(
            Reversal(
                id=f"r{j}",
                at=at,
                member_id=target.member_id,
                node_id=target.node_id,
                reverses=target.id,
                reason="登记有误。",
            )
        )
    return out


def fact_lists(
    *,
    kinds: Iterable[FactKind | str] | None = None,
    member_ids: Iterable[str] = MEMBER_IDS,
    node_ids: Iterable[str] = NODE_IDS,
    categories: Iterable[str] = CATEGORIES,
    min_size: int = 0,
    max_size: int = 20,
    max_days: int = 10,
    max_hours: int = 8,
    max_reversals: int = 3,
) -> st.SearchStrategy[list[Fact]]:
    """Lists of facts with distinct ids, like a journal holds.

    The facts (``"f0"``, ``"f1"`` …) fall within ``max_days`` days of a day
    of 2026, so that they share days, weeks and months and fill caps
    together; then up to ``max_reversals`` reversals (``"r0"`` …) each undo
    an earlier fact or reversal.  Redemptions and reversals are drawn only
    when ``kinds`` names them.  Shrinks toward an empty list.

    Args:
        kinds: Kinds of the facts (reversals are added separately); the
            scored kinds by default.
        member_ids: Members drawn from.
        node_ids: Grid nodes drawn from.
        categories: Service categories drawn from.
        min_size: Fewest facts before reversals.
        max_size: Most facts before reversals.
        max_days: How many days the facts spread over (≥ 1).
        max_hours: Longest service, in hours (≥ 1).
        max_reversals: Most reversals.

    Raises:
        hypothesis.errors.InvalidArgument: bad arguments.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(fact_lists())
    ... def test_ids_are_distinct(facts):
    ...     assert len({f.id for f in facts}) == len(facts)
    >>> test_ids_are_distinct()
    """
    kinds_ = _check_kinds(kinds, tuple(FACT_TYPES)) if kinds else _SCORED
    members = _check_names("member_ids", member_ids)
    nodes = _check_names("node_ids", node_ids)
    cats = _check_names("categories", categories)
    _check_size("size", min_size, max_size)
    _check_size("days", 1, max_days, 1)
    _check_size("hours", 1, max_hours, 1)
    _check_size("reversals", 0, max_reversals)
    return _fact_list(
        kinds_,
        members,
        nodes,
        cats,
        min_size,
        max_size,
        max_days,
        max_hours,
        max_reversals,
    )


# --------------------------------------------------------------------------
# Rulebooks
# --------------------------------------------------------------------------

_RATES = tuple(Decimal(r) for r in ("10", "1", "2", "5", "0.5", "1.5"))
_COEFFICIENTS = tuple(Decimal(c) for c in ("1", "1.5", "2", "0.5", "1.2"))
_HOURS = tuple(Decimal(h) for h in ("1", "2", "0.5", "2.5", "4"))


def _subset(draw: st.DrawFn, values: Sequence[Any]) -> list[Any]:
    return draw(st.lists(st.sampled_from(values), min_size=1, unique=True))


@st.composite
def _award(
    draw: st.DrawFn,
    kind: FactKind,
    categories: tuple[str, ...],
    deductions: bool,
) -> Award:
    if kind is FactKind.SERVICE and draw(st.booleans()) is False:
        coefficients = draw(
            st.dictionaries(
                st.sampled_from(categories), st.sampled_from(_COEFFICIENTS), max_size=2
            )
        )
        return PerHour(
            rate=draw(st.sampled_from(_RATES)),
            coefficients=coefficients,
            max_hours=draw(st.none() | st.sampled_from(_HOURS)),
        )
    if kind is FactKind.RATING and draw(st.booleans()) is False:
        low = -5 if deductions else 1
        table = draw(
            st.dictionaries(
                st.integers(1, 5),
                st.integers(low, 5).filter(bool),
                min_size=1,
                max_size=5,
            )
        )
        return PerRating(table)
    if kind is FactKind.DEDUCTION:
        if draw(st.booleans()):
            return Deduct(max_points=draw(st.none() | st.integers(1, 20)))
        return Fixed(-draw(st.integers(1, 10)))
    return Fixed(draw(st.integers(1, 20)))


@st.composite
def _conditions(
    draw: st.DrawFn,
    kind: FactKind,
    categories: tuple[str, ...],
    node_ids: tuple[str, ...] | None,
    monotone: bool,
) -> list[Condition]:
    out: list[Condition] = []
    options = ["weekday", "day", "member_id"]
    if node_ids:
        options.append("node")
    if kind is FactKind.SERVICE:
        options += ["category", "hours", "organizer_id"]
    elif kind is FactKind.RATING:
        options.append("score")
    elif kind is FactKind.ATTENDANCE:
        options.append("meeting")
    chosen = draw(st.lists(st.sampled_from(options), max_size=3, unique=True))
    for field in chosen:
        if field == "category":
            out.append(Condition("category", "in", _subset(draw, categories)))
        elif field == "hours":
            low = draw(st.sampled_from(_HOURS))
            out.append(Condition("hours", ">=", low))
            if not monotone and draw(st.booleans()):
                out.append(Condition("hours", "<", low + draw(st.sampled_from(_HOURS))))
        elif field == "member_id":
            out.append(
                Condition("member_id", "not_in", [draw(st.sampled_from(MEMBER_IDS))])
            )
        elif field == "organizer_id":
            out.append(Condition("organizer_id", "in", ["org-1"]))
        elif field == "score":
            out.append(Condition("score", ">=", draw(st.integers(1, 5))))
        elif field == "meeting":
            out.append(Condition("meeting", "in", _subset(draw, ATTENDANCE_KINDS)))
        elif field == "weekday":
            out.append(Condition("weekday", "in", _subset(draw, range(1, 8))))
        elif field == "day":
            out.append(
                Condition(
                    "day",
                    draw(st.sampled_from(("in", "not_in"))),
                    [draw(st.sampled_from(("working", "rest", "weekend", "holiday")))],
                )
            )
        else:
            assert node_ids is not None
            out.append(Condition("node", "within", _subset(draw, node_ids)))
    return out


@st.composite
def _rulebook(
    draw: st.DrawFn,
    min_rules: int,
    max_rules: int,
    kinds: tuple[FactKind, ...],
    categories: tuple[str, ...],
    node_ids: tuple[str, ...] | None,
    deductions: bool,
    max_caps: int,
    monotone: bool,
) -> RuleBook:
    n = draw(st.integers(min_rules, max_rules))
    rules = []
    for i in range(n):
        kind = draw(st.sampled_from(kinds))
        group = None if monotone else draw(st.none() | st.sampled_from(("a", "b")))
        rules.append(
            Rule(
                id=f"r{i}",
                kind=kind,
                award=draw(_award(kind, categories, deductions)),
                when=draw(_conditions(kind, categories, node_ids, monotone)),
                group=group,
                # Distinct precedences: no two rules of a group ever tie.
                precedence=n - i,
            )
        )
    caps = []
    for j in range(draw(st.integers(0, max_caps))):
        per = draw(st.sampled_from(CapPeriod))
        scope: list[str] = []
        if not monotone and rules and draw(st.booleans()):
            scope = _subset(draw, [r.id for r in rules])
        high: int | None = draw(st.integers(1, 30))
        low: int | None = None
        if deductions and draw(st.booleans()):  # a floor, perhaps alone
            low = draw(st.sampled_from((0, -10)))
            high = draw(st.none() | st.integers(1, 30))
        caps.append(
            Cap(id=f"c{j}", per=per, max_points=high, min_points=low, rules=scope)
        )
    return RuleBook(
        id="drawn",
        version="1",
        issuer_id="issuer-1",
        effective_from=date(2026, 1, 1),
        rules=rules,
        caps=caps,
        rounding=draw(st.sampled_from(Rounding)),
    )


def rulebooks(
    *,
    min_rules: int = 1,
    max_rules: int = 5,
    kinds: Iterable[FactKind | str] | None = None,
    categories: Iterable[str] = CATEGORIES,
    node_ids: Iterable[str] | None = None,
    deductions: bool = True,
    max_caps: int = 2,
    monotone: bool = False,
) -> st.SearchStrategy[RuleBook]:
    """Valid rulebooks for 2026 onwards, over the vocabulary of :func:`facts`.

    Rules have distinct precedences (so none overlap), satisfiable
    conditions (category, hours, score, meeting, weekday, working day, and
    grid subtrees when ``node_ids`` is given — then score with a tree that
    holds them) and any award that fits their kind.  Shrinks toward one
    fixed-points rule on service records without caps.

    Args:
        min_rules: Fewest rules (≥ 0).
        max_rules: Most rules.
        kinds: The kinds rules match; the scored kinds (deductions only when
            ``deductions``) by default.
        categories: Service categories conditions and coefficients name.
        node_ids: Grid nodes ``within`` conditions may name; none by default.
        deductions: Whether rules may take points off (and caps may floor).
        max_caps: Most caps.
        monotone: Only rulebooks where more service can never earn less:
            no deductions, no upper bounds on hours, no exclusive groups,
            every cap over all rules.  Needs ``deductions=False``.

    Raises:
        hypothesis.errors.InvalidArgument: bad arguments.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, deadline=None)
    ... @given(rulebooks())
    ... def test_round_trip(book):
    ...     assert RuleBook.from_toml(book.to_toml()) == book
    >>> test_round_trip()
    """
    _check_size("rules", min_rules, max_rules)
    _check_size("caps", 0, max_caps)
    if monotone and deductions:
        msg = "monotone=True needs deductions=False: deductions make points fall."
        raise InvalidArgument(msg)
    allowed = _SCORED if deductions else _SCORED[:-1]
    kinds_ = _check_kinds(kinds, allowed)
    cats = _check_names("categories", categories)
    nodes = None if node_ids is None else _check_names("node_ids", node_ids)
    return _rulebook(
        min_rules, max_rules, kinds_, cats, nodes, deductions, max_caps, monotone
    )
