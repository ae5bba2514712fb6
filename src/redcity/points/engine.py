"""Scoring: facts in, postings out, each with its reasons in 中文 and English.

:func:`score` runs a :class:`~redcity.points.RuleBook` over facts and
yields :class:`~redcity.points.Posting` records.  It is a pure function of
the rulebook and the *set* of facts:

* **Canonical order.**  Facts are scored by time (the UTC instant of
  ``at``), then id; this order decides who fills a cap first.  The postings
  of one fact follow the order of its rules' groups in the rulebook.  The
  same facts in any order give the same postings, in the same order.
* **Duplicates.**  A fact seen twice with the same content counts once;
  two different facts with one id raise :class:`FactConflictError`.
* **Reversals** (:class:`~redcity.points.Reversal`) undo the fact they
  name *as if it never existed*: it earns nothing and fills no cap, so a
  later fact that a cap had cut gets its points back.  A reversed reversal
  revives its fact.  Reversing an id that is not among the facts raises
  :class:`UnknownReversalError`: the journal must be complete.
* **Redemptions** are not scored: spending points is the points bank's
  business (:class:`~redcity.points.Ledger`).  **Deductions** lose points
  only when a rule says so (e.g. a :class:`~redcity.points.Deduct` rule).
* **Streaming.**  The facts are read once and held once (one list of
  references, sorted); postings are produced lazily, so a year of a city's
  postings never needs to be in memory at once.  All checks (conflicts,
  unknown reversals, the rulebook against the tree) run when :func:`score`
  is called, before the first posting.

How it is fast (a pure-Python engine, within the time of a hand-written
loop; see ``benchmarks/scoring.py``):

* conditions compile once (:func:`compile_rulebook`) into closures over
  plain values — a range of ``timedelta`` for hours, one frozenset per text
  field, day ordinals for dates and periods — with no ``eval`` of any
  rulebook text, and facts dispatch on their class to their kind's rules;
* local dates use the zone's fixed UTC offset where it has one
  (``Asia/Shanghai`` since 1992) and :mod:`zoneinfo` otherwise;
* the points and texts of an uncapped posting depend on a few fields (a
  service's category and duration, a rating's score), so each rule works
  them out once per distinct value and shares the strings;
* each cap keeps one dict of members' totals per period, so the totals in
  use stay few and hot;
* postings are built through their slots (every value is already valid)
  in batches made with the cyclic garbage collector paused, as the grid's
  tree build does: postings hold no reference cycles.

References:
    DB3205/T 1001—2020《志愿者志愿服务分类和积分管理指南》§6: points from
    the service category, the unit-time points and the service hours.
    民政部令第67号 (2020): hours are actual service time, certified by the
    organiser, who therefore issues the points of a service.

>>> from datetime import date, datetime, timedelta, timezone
>>> from redcity.points import PerHour, Rule, RuleBook, ServiceRecord, score
>>> book = RuleBook(id="hailin", version="1", issuer_id="hailin-vsc",
...                 effective_from=date(2026, 1, 1),
...                 rules=[Rule(id="hours", kind="service",
...                             award=PerHour(rate=10, max_hours=2))])
>>> cst = timezone(timedelta(hours=8))
>>> fact = ServiceRecord(id="f1", at=datetime(2026, 3, 5, 9, tzinfo=cst),
...     end=datetime(2026, 3, 5, 11, 30, tzinfo=cst), member_id="m1",
...     node_id="g1", category="助老", organizer_id="org-1")
>>> [p] = score(book, [fact])
>>> p.points, p.issuer_id
(20, 'org-1')
>>> print(p.explanation_zh)
志愿服务（助老）2.5小时，按每小时10分计，本活动最多计2小时，得20分。
>>> print(p.explanation_en)
2.5 h of volunteer service (助老) at 10 points an hour, at most 2 h counted per activity: 20 points.
"""  # noqa: E501

from __future__ import annotations

import functools
import gc
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction
from itertools import chain, compress, islice
from operator import attrgetter, eq
from typing import Any, Final, TypeAlias

import attrs
import holidays as pyholidays

from redcity.calendars import WorkCalendar
from redcity.errors import Problem, RedcityError
from redcity.grid import GridTree
from redcity.points.facts import (
    FACT_TYPES,
    Deduction,
    Fact,
    FactKind,
    Rating,
    Reversal,
    ServiceRecord,
)
from redcity.points.postings import Posting
from redcity.points.rules import (
    _FIELD_SPECS,
    DAY_KINDS,
    Award,
    Cap,
    CapPeriod,
    Condition,
    Deduct,
    Fixed,
    Op,
    PerHour,
    PerRating,
    Rounding,
    Rule,
    RuleBook,
    RuleBookError,
    _number_text,
    _tree_problems,
)

__all__ = [
    "CompiledRuleBook",
    "FactConflictError",
    "ScoringError",
    "UnknownReversalError",
    "compile_rulebook",
    "score",
]

_US_PER_HOUR: Final = 3_600_000_000
_US_PER_DAY: Final = 86_400_000_000
_ONE_US: Final = timedelta(microseconds=1)
_ZERO: Final = timedelta(0)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_FACT_CLASSES: Final = frozenset(FACT_TYPES.values())


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class ScoringError(RedcityError, ValueError):
    """The facts cannot be scored as given (conflicting ids, bad reversals).

    >>> issubclass(UnknownReversalError, ScoringError)
    True
    """


class FactConflictError(ScoringError):
    """Two different facts share one id.

    Attributes:
        fact_id: The id.

    >>> err = FactConflictError("f1", "they differ in at.")
    >>> err.fact_id, isinstance(err, ValueError)
    ('f1', True)
    """

    def __init__(self, fact_id: str, detail: str) -> None:
        self.fact_id = fact_id
        super().__init__(
            f"Two different facts have the id {fact_id!r}: {detail} A fact may "
            "be repeated only with identical content; give the other one a new id."
        )


class UnknownReversalError(ScoringError):
    """A reversal names a fact that is not among the facts scored.

    Attributes:
        fact_id: The reversal's id.
        reverses: The id it names.

    >>> UnknownReversalError("r1", "f9").reverses
    'f9'
    """

    def __init__(self, fact_id: str, reverses: str) -> None:
        self.fact_id = fact_id
        self.reverses = reverses
        super().__init__(
            f"Reversal {fact_id!r} undoes fact {reverses!r}, which is not among "
            "the facts; pass the reversed fact too, or leave the reversal out."
        )


# --------------------------------------------------------------------------
# Time: local day ordinals
# --------------------------------------------------------------------------


@functools.cache
def _fixed_offset(tz: str) -> tuple[timedelta | None, int]:
    """The zone's UTC offset when it no longer changes, and the last year it did.

    Asia/Shanghai has kept +08:00 since its last summer time (1991).  A zone
    still changing (summer time) gives ``(None, 0)``.
    """
    zone = zoneinfo.ZoneInfo(tz)
    final = datetime(2200, 1, 1, tzinfo=zone).utcoffset()
    last = 0
    for year in range(1900, 2200):
        for month in range(1, 13):
            if datetime(year, month, 1, tzinfo=zone).utcoffset() != final:
                last = year
    if last >= 2100 or final is None:
        return None, 0
    return final, last


def _local_day(zone: tzinfo, fixed: timedelta | None, since: int) -> Callable[..., int]:
    """``(at, offset) -> local day ordinal`` for the slow path of the hot loop."""
    fixed_us = None if fixed is None else fixed // _ONE_US
    shifts: dict[timedelta, int] = {}

    def local(at: datetime, offset: timedelta) -> int:
        if fixed_us is not None and at.year > since + 1:
            shift = shifts.get(offset)
            if shift is None:
                shift = shifts[offset] = fixed_us - offset // _ONE_US
            micros = (
                (at.hour * 60 + at.minute) * 60 + at.second
            ) * 1_000_000 + at.microsecond
            return at.toordinal() + (micros + shift) // _US_PER_DAY
        return at.astimezone(zone).toordinal()

    return local


# --------------------------------------------------------------------------
# Texts
# --------------------------------------------------------------------------

_HOURS_TEXT: dict[int, str] = {}


def _hundredths(numerator: int, denominator: int) -> str:
    """A non-negative ratio to two decimals, rounded half up, zeros dropped."""
    hundredths = (200 * numerator + denominator) // (2 * denominator)
    whole, frac = divmod(hundredths, 100)
    if not frac:
        return str(whole)
    if not frac % 10:
        return f"{whole}.{frac // 10}"
    return f"{whole}.{frac:02d}"


def _hours_text(micros: int) -> str:
    """Hours of service as explanations show them: ``2.5``, ``1.33``."""
    text = _HOURS_TEXT.get(micros)
    if text is None:
        text = _hundredths(micros, _US_PER_HOUR)
        if len(_HOURS_TEXT) < 100_000:
            _HOURS_TEXT[micros] = text
    return text


def _braces(text: str) -> str:
    """Text baked into a ``str.format`` template, braces escaped."""
    return text.replace("{", "{{").replace("}", "}}")


def _clean_reason(text: str) -> str:
    return text.strip().rstrip("。.！!；;，, ")


_MEETING_EN: Final = {
    "支部党员大会": "the branch's general meeting",
    "支部委员会": "the branch committee meeting",
    "党小组会": "the party group meeting",
    "党课": "the party lecture",
    "主题党日": "the themed party day",
}


def _en_points(n: int) -> str:
    return "1 point" if n == 1 else f"{n} points"


def _tail(raw: int, final: int, binding: Cap | None) -> tuple[str, str]:
    """The closing clause: what the fact earned, and any cap that cut it."""
    if binding is None:
        if final > 0:
            return f"，得{final}分。", f": {_en_points(final)}."
        return f"，扣{-final}分。", f": {_en_points(-final)} deducted."
    label = binding.title or binding.id
    per = binding.per
    assert per is not None
    if final > 0 or raw > 0:
        return (
            f"，应得{raw}分，已达{per.zh}上限{binding.max_points}分（{label}），"
            f"实得{final}分。",
            f": {_en_points(raw)} due, but the {per.en} cap of "
            f"{_en_points(binding.max_points or 0)} ({label}) leaves room for "
            f"{final}.",
        )
    return (
        f"，应扣{-raw}分，{per.zh}积分不低于{binding.min_points}分（{label}），"
        f"实扣{-final}分。",
        f": {_en_points(-raw)} due to be deducted, but the {per.en} floor of "
        f"{binding.min_points} points ({label}) allows only {-final}.",
    )


# --------------------------------------------------------------------------
# Compiling conditions
# --------------------------------------------------------------------------

Match: TypeAlias = Callable[[Any, int, Any], bool]
"""A compiled condition: ``(fact, local day ordinal, service duration) -> bool``."""


def _ceil_micros(value: Decimal) -> int:
    scaled = Fraction(value) * _US_PER_HOUR
    return -(-scaled.numerator // scaled.denominator)


def _floor_micros(value: Decimal) -> int:
    scaled = Fraction(value) * _US_PER_HOUR
    return scaled.numerator // scaled.denominator


def _compare_int(op: Op, attr: str, value: Decimal) -> Match:
    get = attrgetter(attr)
    exact = Fraction(value)
    low = -(-exact.numerator // exact.denominator)  # ceil
    high = exact.numerator // exact.denominator  # floor
    if op is Op.GE:
        return lambda f, o, m: get(f) >= low
    if op is Op.GT:
        return lambda f, o, m: get(f) > high
    if op is Op.LE:
        return lambda f, o, m: get(f) <= high
    return lambda f, o, m: get(f) < low


@functools.cache
def _official_days_off(year: int) -> frozenset[date]:
    """The days off of the State Council's arrangement for a year (holidays, CN)."""
    return frozenset(
        day for day in pyholidays.country_holidays("CN", years=year) if day.year == year
    )


def _day_kinds(
    calendar: WorkCalendar,
) -> tuple[dict[int, str], Callable[[int], str]]:
    """A memo of each day ordinal's kind (see ``DAY_KINDS``), and its filler.

    A day that is not a working day is a ``holiday`` when the official
    arrangement (in a year the calendar holds as official) or the
    calendar's own overrides give it off, and a ``weekend`` otherwise.
    """
    cache: dict[int, str] = {}

    def fill(o: int) -> str:
        day = date.fromordinal(o)
        if calendar.is_working_day(day):
            kind = "working"
        elif day in calendar.holidays or (
            calendar.is_official_year(day.year) and day in _official_days_off(day.year)
        ):
            kind = "holiday"
        else:
            kind = "weekend"
        cache[o] = kind
        return kind

    return cache, fill


def _within(tree: GridTree, roots: frozenset[str]) -> Callable[[str], bool]:
    cache: dict[str, bool] = {}
    ordered = sorted(roots)

    def inside(node_id: str) -> bool:
        found = cache.get(node_id)
        if found is None:
            found = cache[node_id] = any(tree.contains(r, node_id) for r in ordered)
        return found

    return inside


_COST: Final = {"node": 3, "day": 2}


def _compile_condition(
    kind: FactKind,
    cond: Condition,
    tree: GridTree | None,
    working: tuple[dict[int, str], Callable[[int], str]] | None,
) -> Match | None:
    """One condition as a closure; ``None`` when it always holds."""
    spec = _FIELD_SPECS[kind][cond.field]
    op, value = cond.op, cond.value
    negate = op in (Op.NOT_IN, Op.NOT_WITHIN)
    if isinstance(value, Decimal):
        assert spec.attr is not None  # hours are merged by _compile_conditions
        return _compare_int(op, spec.attr, value)
    if cond.field == "weekday":
        # Day ordinal 1 (0001-01-01) is a Monday: ISO weekday w has o % 7 == w % 7.
        residues = frozenset(int(w) % 7 for w in value)
        if negate:
            return lambda f, o, m: o % 7 not in residues
        return lambda f, o, m: o % 7 in residues
    if cond.field == "day":
        assert working is not None
        kinds = set(DAY_KINDS)
        wanted = frozenset(kinds - set(value) if negate else kinds & set(value))
        if wanted == kinds:
            return None
        memo, fill = working
        get = memo.get

        def day_is(f: Any, o: int, m: Any) -> bool:
            kind = get(o)
            if kind is None:
                kind = fill(o)
            return kind in wanted

        return day_is
    if cond.field == "node":
        assert tree is not None
        inside = _within(tree, frozenset(str(v) for v in value))
        if negate:
            return lambda f, o, m: not inside(f.node_id)
        return lambda f, o, m: inside(f.node_id)
    assert spec.attr is not None
    read = attrgetter(spec.attr)
    values = frozenset(value)
    if negate:
        return lambda f, o, m: read(f) not in values
    return lambda f, o, m: read(f) in values


_MEMBER_FIELDS: Final = frozenset(
    {"category", "organizer_id", "member_id", "meeting", "employer_id"}
)
_HUGE: Final = 1 << 62


def _compile_conditions(
    kind: FactKind,
    conditions: Iterable[Condition],
    tree: GridTree | None,
    working: tuple[dict[int, str], Callable[[int], str]] | None,
) -> Match | None:
    """A rule's conditions as one closure, cheapest tests first.

    Tests on one field are merged first: all the bounds on ``hours`` into
    one range of whole microseconds, all the ``in``/``not_in`` lists on a
    text field into one set; a range on the hours and a set on one field
    then share one closure.  What remains (weekday, working day, grid) is
    compiled condition by condition.
    """
    low, high = 0, _HUGE
    timed = False
    members: dict[str, tuple[frozenset[Any] | None, frozenset[Any]]] = {}
    others: list[Match] = []
    for cond in conditions:
        value = cond.value
        if cond.field == "hours" and isinstance(value, Decimal):
            timed = True
            if cond.op is Op.GE:
                low = max(low, _ceil_micros(value))
            elif cond.op is Op.GT:
                low = max(low, _floor_micros(value) + 1)
            elif cond.op is Op.LE:
                high = min(high, _floor_micros(value))
            else:
                high = min(high, _ceil_micros(value) - 1)
        elif cond.field in _MEMBER_FIELDS and not isinstance(value, Decimal):
            allowed, banned = members.get(cond.field, (None, frozenset()))
            if cond.op is Op.IN:
                allowed = frozenset(value) if allowed is None else allowed & value
            else:
                banned = banned | value
            members[cond.field] = (allowed, banned)
        else:
            pred = _compile_condition(kind, cond, tree, working)
            if pred is not None:
                others.append(pred)
    tests: list[Match] = []
    for field, (allowed, banned) in members.items():
        read = attrgetter(_FIELD_SPECS[kind][field].attr or field)
        inside = allowed is not None
        values = allowed - banned if allowed is not None else banned
        if timed and not tests:  # the hours and the first set, in one closure
            tests.append(_timed_member(read, values, inside, low, high))
            timed = False
        else:
            tests.append(_member(read, values, inside))
    if timed:
        tests.insert(0, _timed_member(None, frozenset(), False, low, high))
    return _all(tests + others)


def _member(read: Callable[[Any], Any], values: frozenset[Any], inside: bool) -> Match:
    if inside:
        return lambda f, o, m: read(f) in values
    return lambda f, o, m: read(f) not in values


def _timed_member(
    read: Callable[[Any], Any] | None,
    values: frozenset[Any],
    inside: bool,
    lo: int,
    hi: int,
) -> Match:
    """Service of ``lo`` to ``hi`` microseconds, and a field in (or not in) a set.

    The loop hands conditions the service's duration as a ``timedelta``
    (``end - at``), which compares with these bounds at C speed.
    """
    low = timedelta(microseconds=lo)
    high = timedelta.max if hi >= _HUGE else timedelta(microseconds=hi)
    if read is None:
        return lambda f, o, m: low <= m <= high
    if inside:
        return lambda f, o, m: low <= m <= high and read(f) in values
    return lambda f, o, m: low <= m <= high and read(f) not in values


def _all(preds: list[Match]) -> Match | None:
    if not preds:
        return None
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda f, o, m: a(f, o, m) and b(f, o, m)
    if len(preds) == 3:
        a, b, c = preds
        return lambda f, o, m: a(f, o, m) and b(f, o, m) and c(f, o, m)
    head, rest = preds[0], _all(preds[1:])
    assert rest is not None
    return lambda f, o, m: head(f, o, m) and rest(f, o, m)


# --------------------------------------------------------------------------
# Compiling awards: earn (the raw points) and explain (the texts)
# --------------------------------------------------------------------------

Earn: TypeAlias = Callable[[Any, int], int]
Explain: TypeAlias = Callable[[Any, int, int], tuple[str, str]]
"""``(fact, micros, raw points) -> (zh body, en body)``; the tail is added later."""


Keyer: TypeAlias = Callable[[Any, int], Any]
"""``(fact, micros) -> key``: everything an uncapped explanation depends on."""


Quick: TypeAlias = Callable[[Any], tuple[str, str]]


def _quick(rule: Rule) -> Quick | None:
    """The whole uncapped texts of a micro-wish rule from two templates.

    A micro-wish's texts name its wish, so they are not cached; they are
    made in one ``str.format`` each from templates built once.
    """
    award = rule.award
    if rule.kind is not FactKind.MICRO_WISH or not isinstance(award, Fixed):
        return None
    how_zh, how_en = _how_fixed(rule, award.points)
    tail_zh, tail_en = _tail(award.points, award.points, None)
    zh = f"完成微心愿（{{0}}），{_braces(how_zh)}{_braces(tail_zh)}"
    en = f"Micro-wish {{0}} fulfilled, {_braces(how_en)}{_braces(tail_en)}"
    fill_zh, fill_en = zh.format, en.format
    return lambda f: (fill_zh(f.wish_id), fill_en(f.wish_id))


_KEY_CATEGORY_DURATION: Final = 1  # (f.category, m), computed in the loop
_KEY_SCORE: Final = 2  # f.score, computed in the loop


def _keycode(rule: Rule) -> int:
    """Which key the loop can build inline (0: call the keyer)."""
    if isinstance(rule.award, PerRating) or (
        rule.kind is FactKind.RATING and isinstance(rule.award, Fixed)
    ):
        return _KEY_SCORE
    if rule.kind is FactKind.SERVICE:
        return _KEY_CATEGORY_DURATION
    return 0


def _keyer(rule: Rule) -> Keyer | None:
    """The key under which a rule's uncapped explanations can be cached.

    The texts of an uncapped posting depend only on the rule and a few of
    the fact's fields (a service's category and duration, a rating's
    score …), so equal keys share one pair of strings.  A micro-wish names
    its wish, so its texts are not cached.
    """
    award, kind = rule.award, rule.kind
    if isinstance(award, PerRating):
        return lambda f, m: f.score
    if isinstance(award, Deduct):
        return lambda f, m: (f.reason, f.points)
    if kind is FactKind.SERVICE:
        return lambda f, m: (f.category, m)
    if kind is FactKind.RATING:
        return lambda f, m: f.score
    if kind is FactKind.ATTENDANCE:
        return lambda f, m: f.meeting
    if kind is FactKind.REGISTRATION:
        return lambda f, m: 0
    if kind is FactKind.DEDUCTION:
        return lambda f, m: f.reason
    return None


def _rounder(mode: Rounding) -> Callable[[int, int], int]:
    """``(n, d) -> round(n / d)`` for n ≥ 0, d > 0, as integer arithmetic."""
    if mode is Rounding.HALF_UP:
        return lambda n, d: (2 * n + d) // (2 * d)
    if mode is Rounding.DOWN:
        return lambda n, d: n // d
    if mode is Rounding.UP:
        return lambda n, d: -(-n // d)
    return mode.apply


def _how_fixed(rule: Rule, points: int) -> tuple[str, str]:
    if points > 0:
        zh = f"按“{rule.title}”计{points}分" if rule.title else f"每次计{points}分"
        en_title = rule.title_en or rule.title
        en = (
            f"{_en_points(points)} under “{en_title}”"
            if en_title
            else f"{_en_points(points)} each"
        )
    else:
        zh = f"按“{rule.title}”扣{-points}分" if rule.title else f"每次扣{-points}分"
        en_title = rule.title_en or rule.title
        en = (
            f"{_en_points(-points)} deducted under “{en_title}”"
            if en_title
            else f"{_en_points(-points)} deducted each"
        )
    return zh, en


def _what(kind: FactKind) -> Callable[[Any, int], tuple[str, str]]:
    """The fact-specific opening of an explanation."""
    if kind is FactKind.SERVICE:

        def service(f: ServiceRecord, m: int) -> tuple[str, str]:
            h = _hours_text(m)
            return (
                f"志愿服务（{f.category}）{h}小时",
                f"{h} h of volunteer service ({f.category})",
            )

        return service
    if kind is FactKind.MICRO_WISH:
        return lambda f, m: (
            f"完成微心愿（{f.wish_id}）",
            f"Micro-wish {f.wish_id} fulfilled",
        )
    if kind is FactKind.RATING:
        return lambda f, m: (
            f"群众评单{f.score}星",
            f"Residents rated the work {f.score} of 5",
        )
    if kind is FactKind.ATTENDANCE:
        return lambda f, m: (
            f"参加{f.meeting}",
            f"Attended {f.meeting} ({_MEETING_EN.get(f.meeting, f.meeting)})",
        )
    if kind is FactKind.REGISTRATION:
        return lambda f, m: (
            "到社区报到（双报到）",
            "Registered with the home community (双报到)",
        )
    return lambda f, m: (
        f"扣分事由：{_clean_reason(f.reason)}",
        f"Deduction ({_clean_reason(f.reason)})",
    )


def _compile_award(rule: Rule, rounding: Rounding) -> tuple[Earn, Explain, bool]:
    """The rule's award as (earn, explain, needs service micros)."""
    award: Award = rule.award
    what = _what(rule.kind)
    if isinstance(award, Fixed):
        points = award.points
        how_zh, how_en = _how_fixed(rule, points)

        def explain_fixed(f: Any, m: int, raw: int) -> tuple[str, str]:
            zh, en = what(f, m)
            return f"{zh}，{how_zh}", f"{en}, {how_en}"

        return (lambda f, m: points), explain_fixed, rule.kind is FactKind.SERVICE
    if isinstance(award, PerRating):
        table = dict(award.points)

        def explain_rating(f: Rating, m: int, raw: int) -> tuple[str, str]:
            s = f.score
            if raw > 0:
                return (
                    f"群众评单{s}星，{s}星计{raw}分",
                    f"Residents rated the work {s} of 5, "
                    f"{_en_points(raw)} for {s} stars",
                )
            return (
                f"群众评单{s}星，{s}星扣{-raw}分",
                f"Residents rated the work {s} of 5, "
                f"{_en_points(-raw)} deducted for {s} stars",
            )

        return (lambda f, m: table.get(f.score, 0)), explain_rating, False
    if isinstance(award, Deduct):
        most = award.max_points

        def earn_deduct(f: Deduction, m: int) -> int:
            p = f.points
            return -(p if most is None or p <= most else most)

        def explain_deduct(f: Deduction, m: int, raw: int) -> tuple[str, str]:
            zh, en = what(f, m)
            if most is not None and f.points > most:
                return (
                    f"{zh}，记{f.points}分，每次最多扣{most}分",
                    f"{en}, {_en_points(f.points)} recorded, at most "
                    f"{_en_points(most)} per deduction",
                )
            return zh, en

        return earn_deduct, explain_deduct, False
    return _compile_per_hour(rule, award, rounding)


def _compile_per_hour(
    rule: Rule, award: PerHour, rounding: Rounding
) -> tuple[Earn, Explain, bool]:
    """hours × rate × coefficient, on whole microseconds (DB3205/T 1001 §6.3)."""
    # points = micros × rate × coefficient / 3.6e9 = micros × num / den
    factors: dict[str, tuple[int, int]] = {}
    for category, coefficient in award.coefficients:
        q = Fraction(award.rate) * Fraction(coefficient) / _US_PER_HOUR
        factors[category] = (q.numerator, q.denominator)
    q = Fraction(award.rate) * Fraction(award.default_coefficient) / _US_PER_HOUR
    default = (q.numerator, q.denominator)
    limit = _floor_micros(award.max_hours) if award.max_hours is not None else 1 << 62
    get_factor = factors.get
    rnd = _rounder(rounding)

    if rounding is Rounding.HALF_UP:

        def earn(f: ServiceRecord, m: int) -> int:
            c = m if m <= limit else limit
            num, den = get_factor(f.category, default)
            return (2 * c * num + den) // (2 * den)

    else:

        def earn(f: ServiceRecord, m: int) -> int:
            c = m if m <= limit else limit
            num, den = get_factor(f.category, default)
            return rnd(c * num, den)

    rate = _number_text(award.rate)
    max_text = _number_text(award.max_hours) if award.max_hours is not None else ""
    templates: dict[str, tuple[tuple[str, str], ...]] = {}

    def build(category: str) -> tuple[tuple[str, str], ...]:
        coefficient = award.coefficient(category)
        cat = _braces(category)
        zh = f"志愿服务（{cat}）{{0}}小时，按每小时{rate}分计"
        per_hour = "1 point an hour" if award.rate == 1 else f"{rate} points an hour"
        en = f"{{0}} h of volunteer service ({cat}) at {per_hour}"
        if coefficient != 1:
            zh += f"、类别系数{_number_text(coefficient)}"
            en += f", category coefficient {_number_text(coefficient)}"
        capped_zh = f"，本活动最多计{max_text}小时"
        capped_en = f", at most {max_text} h counted per activity"
        round_zh = f"，折合{{1}}分按{rounding.zh}取整"
        round_en = f", {{1}} points {rounding.en}"
        return (
            (zh, en),
            (zh + round_zh, en + round_en),
            (zh + capped_zh, en + capped_en),
            (zh + capped_zh + round_zh, en + capped_en + round_en),
        )

    def explain(f: ServiceRecord, m: int, raw: int) -> tuple[str, str]:
        category = f.category
        variants = templates.get(category)
        if variants is None:
            variants = templates[category] = build(category)
        c = m if m <= limit else limit
        num, den = get_factor(category, default)
        n = c * num
        rounded = n % den != 0
        zh, en = variants[(m > limit) * 2 + rounded]
        h = _hours_text(m)
        exact = _hundredths(n, den) if rounded else ""
        return zh.format(h, exact), en.format(h, exact)

    return earn, explain, True


# --------------------------------------------------------------------------
# The plan: per fact class, groups of compiled rules
# --------------------------------------------------------------------------


@attrs.frozen
class _Compiled:
    rule_id: str
    match: Match | None
    earn: Earn
    explain: Explain
    caps: tuple[int, ...]  # indexes into the plan's caps
    keyer: Keyer | None  # what an uncapped explanation depends on, to cache it
    keycode: int  # the same key, built inline by the loop when not 0
    quick: Quick | None  # the uncapped texts of a rule whose texts are not cached


@attrs.frozen
class _Plan:
    by_class: dict[type, tuple[bool, bool, tuple[tuple[_Compiled, ...], ...]]]
    caps: tuple[Cap, ...]
    start: int
    stop: int
    zone: tzinfo
    fixed: timedelta | None
    since: int
    issuer_id: str


_PERIOD_CODE: Final = {
    CapPeriod.DAY: 0,
    CapPeriod.WEEK: 1,
    CapPeriod.MONTH: 2,
    CapPeriod.QUARTER: 3,
    CapPeriod.YEAR: 4,
}


def _build_plan(
    book: RuleBook, tree: GridTree | None, calendar: WorkCalendar | None
) -> _Plan:
    uses_day = any(c.field == "day" for r in book.rules for c in r.when)
    working = None
    if uses_day:
        working = _day_kinds(calendar or WorkCalendar.china(tz=book.tz))
    groups: dict[FactKind, dict[str, list[Rule]]] = {}
    for rule in book.rules:
        key = rule.group if rule.group is not None else f"\0{rule.id}"
        groups.setdefault(rule.kind, {}).setdefault(key, []).append(rule)
    by_class: dict[type, tuple[bool, bool, tuple[tuple[_Compiled, ...], ...]]] = {}
    for kind, by_group in groups.items():
        needs_micros = False
        compiled_groups = []
        for members in by_group.values():
            ordered = sorted(members, key=lambda r: -r.precedence)  # stable
            compiled = []
            for rule in ordered:
                conditions = sorted(rule.when, key=lambda c: _COST.get(c.field, 0))
                match = _compile_conditions(kind, conditions, tree, working)
                needs_micros |= any(c.field == "hours" for c in rule.when)
                earn, explain, micros = _compile_award(rule, book.rounding)
                needs_micros |= micros
                caps = tuple(
                    i
                    for i, cap in enumerate(book.caps)
                    if not cap.rules or rule.id in cap.rules
                )
                compiled.append(
                    _Compiled(
                        rule.id,
                        match,
                        earn,
                        explain,
                        caps,
                        _keyer(rule),
                        _keycode(rule),
                        _quick(rule),
                    )
                )
            compiled_groups.append(tuple(compiled))
        organizer = kind in (FactKind.SERVICE, FactKind.ATTENDANCE)
        by_class[FACT_TYPES[kind]] = (needs_micros, organizer, tuple(compiled_groups))
    start = book.effective_from.toordinal()
    stop = (
        book.effective_until.toordinal()
        if book.effective_until is not None
        else date.max.toordinal() + 1
    )
    fixed, since = _fixed_offset(book.tz)
    return _Plan(
        by_class=by_class,
        caps=book.caps,
        start=start,
        stop=stop,
        zone=zoneinfo.ZoneInfo(book.tz),
        fixed=fixed,
        since=since,
        issuer_id=book.issuer_id,
    )


def _tree_check(
    book: RuleBook, tree: GridTree | None, calendar: WorkCalendar | None
) -> None:
    if tree is not None and not isinstance(tree, GridTree):
        msg = f"Expected tree to be a GridTree or None, got {tree!r}."
        raise TypeError(msg)
    if calendar is not None and not isinstance(calendar, WorkCalendar):
        msg = f"Expected calendar to be a WorkCalendar or None, got {calendar!r}."
        raise TypeError(msg)
    if tree is None:
        problems = [
            Problem(
                rule.id,
                f"when[{i}]",
                "this condition on the grid needs the tree: pass tree= to "
                "score(), compare() or compile_rulebook().",
            )
            for rule in book.rules
            for i, c in enumerate(rule.when)
            if c.field == "node"
        ]
    else:
        problems = _tree_problems(book, tree)
    if problems:
        raise RuleBookError(problems)


@attrs.frozen(eq=False)
class CompiledRuleBook:
    """A rulebook compiled for scoring: conditions as closures, checked on a tree.

    Compile once and score many fact sets (``compiled(facts)`` is
    ``score(compiled, facts)``).  Compiling checks what only the tree can
    tell (nodes that do not exist, subtrees that nest so that two rules
    overlap) and raises :class:`~redcity.points.RuleBookError`.

    Attributes:
        rulebook: The rulebook.
        tree: The grid, needed when a rule conditions on ``node``.
        calendar: The working calendar for ``day`` conditions
            (``WorkCalendar.china()`` in the rulebook's zone by default).

    >>> from datetime import date
    >>> from redcity.points import Fixed, Rule, RuleBook
    >>> book = RuleBook(id="b", version="1", issuer_id="o",
    ...                 effective_from=date(2026, 1, 1),
    ...                 rules=[Rule(id="w", kind="micro_wish", award=Fixed(5))])
    >>> compiled = compile_rulebook(book)
    >>> list(compiled([]))
    []
    """

    rulebook: RuleBook
    tree: GridTree | None = None
    calendar: WorkCalendar | None = None
    _plan: _Plan = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.rulebook, RuleBook):
            msg = f"Expected a RuleBook, got {self.rulebook!r}."
            raise TypeError(msg)
        _tree_check(self.rulebook, self.tree, self.calendar)
        object.__setattr__(
            self, "_plan", _build_plan(self.rulebook, self.tree, self.calendar)
        )

    def __call__(self, facts: Iterable[Fact]) -> Iterator[Posting]:
        """Score facts: the same as :func:`score` with this compiled rulebook.

        >>> from datetime import date
        >>> from redcity.points import RuleBook
        >>> empty = RuleBook(id="b", version="1", issuer_id="o",
        ...                  effective_from=date(2026, 1, 1), rules=[])
        >>> list(compile_rulebook(empty)([]))
        []
        """
        return score(self, facts)


def compile_rulebook(
    rulebook: RuleBook,
    *,
    tree: GridTree | None = None,
    calendar: WorkCalendar | None = None,
) -> CompiledRuleBook:
    """Compile a rulebook once, to score many fact sets.

    Args:
        rulebook: The rulebook.
        tree: The grid; required when a rule conditions on ``node``.
        calendar: For ``day`` conditions; ``WorkCalendar.china()`` by default.

    Raises:
        RuleBookError: A rule needs the tree and none was given, or the tree
            shows unknown nodes or overlapping rules.

    >>> from datetime import date
    >>> from redcity.points import Condition, Fixed, Rule, RuleBook
    >>> book = RuleBook(id="b", version="1", issuer_id="o",
    ...     effective_from=date(2026, 1, 1),
    ...     rules=[Rule(id="w", kind="micro_wish", award=Fixed(5),
    ...                 when=[Condition("node", "within", ["c1"])])])
    >>> compile_rulebook(book)
    Traceback (most recent call last):
    ...
    redcity.points.rules.RuleBookError: 1 problem found:
      - w.when[0]: this condition on the grid needs the tree: pass tree= to score(), compare() or compile_rulebook().
    """  # noqa: E501
    return CompiledRuleBook(rulebook, tree, calendar)


# --------------------------------------------------------------------------
# Preparing the facts: one copy, deduplicated, reversals resolved, sorted
# --------------------------------------------------------------------------


@attrs.frozen
class _Prepared:
    order: list[Fact]
    dead: frozenset[str]


def _differences(a: Fact, b: Fact) -> str:
    if type(a) is not type(b):
        return f"one is a {a.kind.value} fact, the other a {b.kind.value} fact."
    fields = [
        f.name
        for f in attrs.fields(type(a))
        if getattr(a, f.name) != getattr(b, f.name)
    ]
    return f"they differ in {', '.join(fields)}."


def _utc_instant(f: Fact) -> timedelta:
    return f.at - _EPOCH


_ID: Final = attrgetter("id")
_AT: Final = attrgetter("at")
_ZONE: Final = attrgetter("at.tzinfo")


def _prepare(facts: Iterable[Fact]) -> _Prepared:
    """The facts once: checked, deduplicated, reversals resolved, sorted.

    Sorting by id first (the first of two stable sorts) lines up repeated
    ids, which a C-speed comparison of neighbours finds; a fact-by-fact pass
    runs only over the repeats.  Then a stable sort by time gives the
    canonical order (time, id), at half the cost of one sort on tuples.
    """
    items = facts if isinstance(facts, list) else list(facts)
    classes = set(map(type, items))
    if not classes <= _FACT_CLASSES:
        bad = next(f for f in items if type(f) not in _FACT_CLASSES)
        msg = f"Expected facts (ServiceRecord, Rating, …), got {bad!r}."
        raise TypeError(msg)
    order = sorted(items, key=_ID)
    ids = list(map(_ID, order))
    repeats = list(compress(range(1, len(ids)), map(eq, ids, islice(ids, 1, None))))
    if repeats:
        first = 0
        for i in repeats:  # the first of a run of one id comes first (stable)
            if i == 1 or ids[i - 2] != ids[i - 1]:
                first = i - 1
            kept, f = order[first], order[i]
            if kept is not f and kept != f:
                raise FactConflictError(f.id, _differences(kept, f))
        drop = set(repeats)
        order = [f for i, f in enumerate(order) if i not in drop]
        ids = [x for i, x in enumerate(ids) if i not in drop]
    reversals: list[Reversal] = (
        [f for f in order if type(f) is Reversal] if Reversal in classes else []
    )
    dead = _dead(set(ids), reversals) if reversals else frozenset()
    del ids
    # Aware datetimes whose zones are all fixed offsets compare as instants,
    # whether or not they share a tzinfo; otherwise compare UTC offsets from
    # the epoch (exact, and a total order even across summer-time folds).
    fixed = all(type(z) is timezone for z in set(map(_ZONE, order)))
    order.sort(key=_AT if fixed else _utc_instant)
    return _Prepared(order, dead)


def _dead(known: set[str], reversals: list[Reversal]) -> frozenset[str]:
    """Ids of the facts undone: reversed by a reversal that is itself alive."""
    if not reversals:
        return frozenset()
    killers: dict[str, list[str]] = {}
    for r in sorted(reversals, key=attrgetter("id")):
        if r.reverses not in known:
            raise UnknownReversalError(r.id, r.reverses)
        killers.setdefault(r.reverses, []).append(r.id)
    state: dict[str, bool] = {}  # id -> undone?
    for start in killers:
        if start in state:
            continue
        stack = [(start, iter(killers.get(start, ())))]
        path = {start}
        while stack:
            node, pending = stack[-1]
            for k in pending:
                if k in state:
                    continue
                if k in path:
                    msg = (
                        f"Reversals undo each other in a cycle through {k!r}; "
                        "a reversal may only undo an earlier fact."
                    )
                    raise ScoringError(msg)
                path.add(k)
                stack.append((k, iter(killers.get(k, ()))))
                break
            else:
                stack.pop()
                path.discard(node)
                state[node] = any(not state[k] for k in killers.get(node, ()))
    return frozenset(i for i, undone in state.items() if undone)


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def _period(code: int, o: int, months: dict[int, int]) -> int:
    """The month (2), quarter (3) or year (4) of a day ordinal, as a number."""
    month = months.get(o)
    if month is None:
        d = date.fromordinal(o)
        month = months[o] = d.year * 12 + d.month - 1
    if code == 2:
        return month
    return month // 3 if code == 3 else month // 12


def _switch(state: list[Any], period: int) -> None:
    """Point a cap's state at a period's totals (made when first needed)."""
    by_period: dict[int, dict[str, int]] = state[2]
    totals = by_period.get(period)
    if totals is None:
        totals = by_period[period] = {}
    state[0] = period
    state[1] = totals


def _posting_setters() -> tuple[Callable[[Posting, Any], None], ...] | None:
    """The slot setters of :class:`Posting`, in field order, when it has slots.

    The engine builds postings through them: every value it sets is already
    valid (fact fields were checked when the facts were built, rule ids
    and the issuer when the rulebook was), so the constructor's checks would
    only repeat themselves, at three times the cost.
    """
    names = [a.name for a in attrs.fields(Posting)]
    if names != list(_POSTING_FIELDS):  # pragma: no cover - guards a change there
        return None
    setters = []
    for name in names:
        slot = Posting.__dict__.get(name)
        setter = getattr(slot, "__set__", None)
        if setter is None:  # pragma: no cover - Posting without slots
            return None
        setters.append(setter)
    return tuple(setters)


_POSTING_FIELDS: Final = (
    "fact_id",
    "rule_id",
    "member_id",
    "node_id",
    "issuer_id",
    "at",
    "points",
    "explanation_zh",
    "explanation_en",
)
_SETTERS: Final = _posting_setters()
_TEXT_CACHE_SIZE: Final = 1 << 16


_BATCH: Final = 4096


def _run(plan: _Plan, prepared: _Prepared) -> Iterator[Posting]:
    """Postings made in batches with the cyclic collector paused.

    Postings and their texts hold no reference cycles, so the collector's
    scans while millions of them are made are pure cost (the tree build
    pauses it for the same reason).  Each batch is handed out one posting
    at a time, at C speed, with the collector as the caller had it.
    """
    return chain.from_iterable(_paused(_postings(plan, prepared)))


def _paused(batches: Iterator[list[Posting]]) -> Iterator[list[Posting]]:
    """Each batch, made with the cyclic collector paused."""
    while True:
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            batch = next(batches, None)
        finally:
            if paused:
                gc.enable()
        if batch is None:
            return
        yield batch


def _postings(plan: _Plan, prepared: _Prepared) -> Iterator[list[Posting]]:
    """The hot loop: every live fact in canonical order, through its rules.

    Yields the postings in lists of about :data:`_BATCH`.
    """
    # per cap: [current period, its totals by member, totals by period]
    states: list[list[Any]] = [[None, {}, {}] for _ in plan.caps]
    months: dict[int, int] = {}
    cap_specs = [
        (
            _PERIOD_CODE[cap.per] if cap.per is not None else 0,
            cap.max_points,
            cap.min_points,
            cap,
        )
        for cap in plan.caps
    ]
    by_class: dict[type, tuple[bool, bool, tuple[tuple[Any, ...], ...]]] = {
        cls: (
            micros,
            organizer,
            tuple(
                tuple(
                    (
                        c.rule_id,
                        c.match,
                        c.earn,
                        c.explain,
                        tuple((states[i], *cap_specs[i]) for i in c.caps),
                        c.keyer,
                        {},  # this run's texts of the rule, by key
                        c.keycode,
                        # the rule's one cap, when it has exactly one
                        (states[c.caps[0]], *cap_specs[c.caps[0]])
                        if len(c.caps) == 1
                        else None,
                        c.quick,
                    )
                    for c in group
                )
                for group in groups
            ),
        )
        for cls, (micros, organizer, groups) in plan.by_class.items()
    }
    get_rules = by_class.get
    dead = prepared.dead
    start, stop = plan.start, plan.stop
    fixed, since = plan.fixed, plan.since
    slow_local = _local_day(plan.zone, fixed, since)
    issuer = plan.issuer_id
    tail = _tail
    fast_year = since + 1
    fast_zone: tzinfo | None = None  # a datetime.timezone at the book's offset
    fast = _SETTERS is not None
    new = object.__new__
    if _SETTERS is not None:
        s0, s1, s2, s3, s4, s5, s6, s7, s8 = _SETTERS
    batch: list[Posting] = []
    append = batch.append
    f: Any
    for f in prepared.order:
        entry = get_rules(f.__class__)
        if entry is None:
            continue
        fid = f.id
        if dead and fid in dead:
            continue
        at = f.at
        zone = at.tzinfo
        if zone is fast_zone and at.year > fast_year:
            o = at.toordinal()
        else:
            offset = at.utcoffset()
            if offset == fixed and at.year > fast_year:
                o = at.toordinal()
                if type(zone) is timezone:
                    fast_zone = zone
            else:
                o = slow_local(at, offset)
        if o < start or o >= stop:
            continue
        needs_micros, organizer, groups = entry
        m = f.end - at if needs_micros else _ZERO  # a timedelta
        for group in groups:
            for rule in group:
                match = rule[1]
                if match is None or match(f, o, m):
                    break
            else:
                continue
            (rule_id, _, earn, explain, caps, keyer, texts, keycode, cap1, quick) = rule
            if keyer is None:
                raw = earn(f, m // _ONE_US)
                zh = ""
            else:
                # The points and texts of an uncapped posting depend only on
                # the key: work them out once per key.
                if keycode == 1:
                    k = (f.category, m)
                elif keycode == 2:
                    k = f.score
                else:
                    k = keyer(f, m)
                hit = texts.get(k)
                if hit is None:
                    micros = m // _ONE_US
                    raw = earn(f, micros)
                    hit = (raw, "", "")
                    if raw:
                        zh, en = explain(f, micros, raw)
                        more_zh, more_en = tail(raw, raw, None)
                        hit = (raw, zh + more_zh, en + more_en)
                    if len(texts) < _TEXT_CACHE_SIZE:
                        texts[k] = hit
                raw, zh, en = hit
            if not raw:
                continue
            final = raw
            binding = None
            if caps:
                # Each cap keeps its members' totals per period, one dict a
                # period; facts come in time order, so the current period's
                # dict is nearly always the one in hand.
                member = f.member_id
                if cap1 is not None:  # the common case, without the bookkeeping
                    state, code, high, low, cap = cap1
                    if code == 0:
                        period = o
                    elif code == 1:
                        period = (o - 1) // 7  # ordinal 1 is a Monday
                    else:
                        period = _period(code, o, months)
                    if period != state[0]:
                        _switch(state, period)
                    totals = state[1]
                    total = totals.get(member, 0)
                    if final > 0:
                        if high is not None and total + final > high:
                            final = high - total
                            binding = cap
                    elif low is not None and total + final < low:
                        final = low - total
                        binding = cap
                    if not final:
                        continue
                    totals[member] = total + final
                else:
                    seen = []
                    for state, code, high, low, cap in caps:
                        if code == 0:
                            period = o
                        elif code == 1:
                            period = (o - 1) // 7
                        else:
                            period = _period(code, o, months)
                        if period != state[0]:
                            _switch(state, period)
                        totals = state[1]
                        total = totals.get(member, 0)
                        seen.append((totals, total))
                        if final > 0:
                            if high is not None and total + final > high:
                                final = high - total
                                binding = cap
                        elif low is not None and total + final < low:
                            final = low - total
                            binding = cap
                    if not final:
                        continue
                    for totals, total in seen:
                        totals[member] = total + final
            if binding is not None or not zh:
                if binding is None and quick is not None:
                    zh, en = quick(f)
                else:
                    zh, en = explain(f, m // _ONE_US, raw)
                    more_zh, more_en = tail(raw, final, binding)
                    zh += more_zh
                    en += more_en
            if fast:
                p = new(Posting)
                s0(p, fid)
                s1(p, rule_id)
                s2(p, f.member_id)
                s3(p, f.node_id)
                s4(p, f.organizer_id if organizer else issuer)
                s5(p, at)
                s6(p, final)
                s7(p, zh)
                s8(p, en)
                append(p)
                if len(batch) >= _BATCH:
                    yield batch
                    batch = []
                    append = batch.append
            else:  # pragma: no cover - only if Posting loses its slots
                append(
                    Posting(
                        fact_id=fid,
                        rule_id=rule_id,
                        member_id=f.member_id,
                        node_id=f.node_id,
                        issuer_id=f.organizer_id if organizer else issuer,
                        at=at,
                        points=final,
                        explanation_zh=zh,
                        explanation_en=en,
                    )
                )
    if batch:
        yield batch


def score(
    rulebook: RuleBook | CompiledRuleBook,
    facts: Iterable[Fact],
    *,
    tree: GridTree | None = None,
    calendar: WorkCalendar | None = None,
) -> Iterator[Posting]:
    """Score facts under a rulebook: an iterator of postings in canonical order.

    The facts are read (once) and checked when ``score`` is called; the
    postings are made as the iterator is consumed.  See the module
    documentation for the semantics: canonical order by (time, id),
    duplicates counted once, reversals as if the fact never existed,
    redemptions not scored.

    Args:
        rulebook: A :class:`~redcity.points.RuleBook`, or one compiled by
            :func:`compile_rulebook` (then ``tree`` and ``calendar`` come
            from it and must not be passed).
        facts: Any iterable of facts, in any order.
        tree: The grid, needed when a rule conditions on ``node``.
        calendar: For ``day`` conditions; ``WorkCalendar.china()`` by default.

    Raises:
        FactConflictError: Two different facts share an id.
        UnknownReversalError: A reversal names a fact not among ``facts``.
        RuleBookError: The rulebook needs a tree, or the tree disagrees.
        TypeError: An item is not a fact.

    >>> from datetime import date, datetime, timedelta, timezone
    >>> from redcity.points import (Cap, Fixed, MicroWish, Reversal, Rule,
    ...                             RuleBook)
    >>> book = RuleBook(id="b", version="1", issuer_id="street-1",
    ...     effective_from=date(2026, 1, 1),
    ...     rules=[Rule(id="wish", kind="micro_wish", award=Fixed(5))],
    ...     caps=[Cap(id="daily", per="day", max_points=8)])
    >>> cst = timezone(timedelta(hours=8))
    >>> def wish(i, hour):
    ...     return MicroWish(id=i, at=datetime(2026, 5, 4, hour, tzinfo=cst),
    ...                      member_id="m1", node_id="g1", wish_id="w" + i)
    >>> facts = [wish("a", 9), wish("b", 10), wish("c", 11)]
    >>> [(p.fact_id, p.points) for p in score(book, facts)]
    [('a', 5), ('b', 3)]
    >>> print([p for p in score(book, facts)][1].explanation_zh)
    完成微心愿（wb），每次计5分，应得5分，已达每日上限8分（daily），实得3分。
    >>> undo = Reversal(id="r", at=datetime(2026, 5, 5, tzinfo=cst),
    ...                 member_id="m1", node_id="g1", reverses="a",
    ...                 reason="重复登记")
    >>> [(p.fact_id, p.points) for p in score(book, [*facts, undo])]
    [('b', 5), ('c', 3)]
    """
    if isinstance(rulebook, CompiledRuleBook):
        if tree is not None or calendar is not None:
            msg = (
                "A compiled rulebook carries its own tree and calendar; "
                "pass them to compile_rulebook(), not to score()."
            )
            raise TypeError(msg)
        compiled = rulebook
    else:
        compiled = CompiledRuleBook(rulebook, tree, calendar)
    prepared = _prepare(facts)
    return _run(compiled._plan, prepared)
