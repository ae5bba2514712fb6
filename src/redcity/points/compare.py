"""Impact of a rule change: who wins and who loses under a new rulebook.

Before a district adopts a new rulebook it scores the same facts under
the old and the new one.  :func:`compare` reports, for every member, the
points under each book, the difference and the rules that caused it
(rules are matched across the books by id), and rolls the points up the
grid (per grid, community and street by default) with
:meth:`~redcity.grid.GridTree.rollup`.  Points sit at the node where the
fact happened (the posting's ``node_id``).

The facts are prepared once (deduplicated, reversals resolved, sorted)
and streamed through both books; only the sums are kept.

>>> from datetime import date, datetime, timedelta, timezone
>>> from redcity.points import PerHour, Rule, RuleBook, ServiceRecord, compare
>>> def book(version, rate, most=None):
...     return RuleBook(id="district", version=version, issuer_id="o",
...         effective_from=date(2026, 1, 1),
...         rules=[Rule(id="hours", kind="service",
...                     award=PerHour(rate=rate, max_hours=most))])
>>> cst = timezone(timedelta(hours=8))
>>> def service(i, member, hours):
...     at = datetime(2026, 4, 1, 9, tzinfo=cst)
...     return ServiceRecord(id=i, at=at, end=at + timedelta(hours=hours),
...         member_id=member, node_id="g1", category="助老", organizer_id="o")
>>> facts = [service("a", "m1", 1), service("b", "m2", 4)]
>>> report = compare(book("1", 10), book("2", 10, most=2), facts)
>>> [(m.member_id, m.old, m.new, m.diff) for m in report.members]
[('m1', 10, 10, 0), ('m2', 40, 20, -20)]
>>> report.members[1].causes
(RuleDelta(rule_id='hours', old=40, new=20),)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import attrs

from redcity._frames import no_pandas
from redcity.calendars import WorkCalendar
from redcity.grid import GridTree, Level
from redcity.points.engine import CompiledRuleBook, _prepare, _run, compile_rulebook
from redcity.points.facts import Fact
from redcity.points.rules import RuleBook

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AreaChange", "Comparison", "MemberChange", "RuleDelta", "compare"]

DEFAULT_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID)


@attrs.frozen
class RuleDelta:
    """One rule's points under the old and the new rulebook.

    Attributes:
        rule_id: The rule (rules are matched across rulebooks by id).
        old: Points it gave under the old rulebook (0 if it was not there).
        new: Points it gives under the new one.

    >>> RuleDelta("hours", 40, 20).diff
    -20
    """

    rule_id: str
    old: int
    new: int

    @property
    def diff(self) -> int:
        """``new - old``."""
        return self.new - self.old


@attrs.frozen
class MemberChange:
    """One member's points under both rulebooks, and which rules moved them.

    Attributes:
        member_id: The member.
        old: Points under the old rulebook.
        new: Points under the new one.
        causes: The rules whose points changed, largest change first.

    >>> MemberChange("m1", 10, 15, (RuleDelta("wish", 0, 5),)).diff
    5
    """

    member_id: str
    old: int
    new: int
    causes: tuple[RuleDelta, ...] = ()

    @property
    def diff(self) -> int:
        """``new - old``: positive for a winner, negative for a loser."""
        return self.new - self.old


@attrs.frozen
class AreaChange:
    """Points earned within a grid node's subtree under both rulebooks.

    Attributes:
        node_id: The node.
        level: Its level (grid, community, street …).
        name: Its name.
        old: Points under the old rulebook.
        new: Points under the new one.

    >>> from redcity.grid import Level
    >>> AreaChange("g1", Level.GRID, "网格1", 30, 45).diff
    15
    """

    node_id: str
    level: Level
    name: str
    old: int
    new: int

    @property
    def diff(self) -> int:
        """``new - old``."""
        return self.new - self.old


def _label(book: RuleBook) -> str:
    return f"{book.id} v{book.version}"


@attrs.frozen
class Comparison:
    """What changes if the district moves from one rulebook to another.

    Attributes:
        old: The old rulebook's id and version (``"district v1"``).
        new: The new rulebook's id and version.
        members: Every member with points under either book, by member id.
        areas: Grid nodes at the requested levels, in tree pre-order
            (empty without a tree).
        rules: Every rule's total under each book, by rule id.

    >>> report = Comparison(old="a v1", new="a v2",
    ...     members=(MemberChange("m1", 10, 12), MemberChange("m2", 9, 5)))
    >>> [m.member_id for m in report.winners()], report.total_new
    (['m1'], 17)
    """

    old: str
    new: str
    members: tuple[MemberChange, ...] = ()
    areas: tuple[AreaChange, ...] = ()
    rules: tuple[RuleDelta, ...] = ()

    @property
    def total_old(self) -> int:
        """All members' points under the old rulebook."""
        return sum(m.old for m in self.members)

    @property
    def total_new(self) -> int:
        """All members' points under the new rulebook."""
        return sum(m.new for m in self.members)

    def winners(self) -> list[MemberChange]:
        """Members who gain, biggest gain first (ties by member id).

        >>> Comparison("a", "b", (MemberChange("m", 1, 2),)).winners()[0].diff
        1
        """
        return sorted(
            (m for m in self.members if m.diff > 0),
            key=lambda m: (-m.diff, m.member_id),
        )

    def losers(self) -> list[MemberChange]:
        """Members who lose, biggest loss first (ties by member id).

        >>> Comparison("a", "b", (MemberChange("m", 5, 2),)).losers()[0].diff
        -3
        """
        return sorted(
            (m for m in self.members if m.diff < 0),
            key=lambda m: (m.diff, m.member_id),
        )

    def member(self, member_id: str) -> MemberChange:
        """One member's change (zeros when the member earned nothing under either).

        >>> Comparison("a", "b").member("m9")
        MemberChange(member_id='m9', old=0, new=0, causes=())
        """
        for m in self.members:
            if m.member_id == member_id:
                return m
        return MemberChange(member_id, 0, 0)

    def to_frame(self, of: str = "members") -> pd.DataFrame:
        """The report as a pandas DataFrame (needs ``redcity[frames]``).

        Args:
            of: ``"members"`` (indexed by member id, with a ``causes`` column
                like ``"hours -20; wish +5"``), ``"areas"`` (by node id, with
                level and name) or ``"rules"`` (by rule id).

        Raises:
            ValueError: ``of`` is none of these.
            ImportError: pandas is not installed.

        >>> report = Comparison("a v1", "a v2",
        ...     (MemberChange("m1", 10, 15, (RuleDelta("wish", 0, 5),)),))
        >>> report.to_frame().loc["m1", "causes"]
        'wish +5'
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise no_pandas("Comparison.to_frame()") from exc
        if of == "members":
            rows: list[dict[str, Any]] = [
                {
                    "member_id": m.member_id,
                    "old": m.old,
                    "new": m.new,
                    "diff": m.diff,
                    "causes": _causes(m.causes),
                }
                for m in self.members
            ]
            columns = ["member_id", "old", "new", "diff", "causes"]
            index = "member_id"
        elif of == "areas":
            rows = [
                {
                    "node_id": a.node_id,
                    "level": a.level.en,
                    "name": a.name,
                    "old": a.old,
                    "new": a.new,
                    "diff": a.diff,
                }
                for a in self.areas
            ]
            columns = ["node_id", "level", "name", "old", "new", "diff"]
            index = "node_id"
        elif of == "rules":
            rows = [
                {"rule_id": r.rule_id, "old": r.old, "new": r.new, "diff": r.diff}
                for r in self.rules
            ]
            columns = ["rule_id", "old", "new", "diff"]
            index = "rule_id"
        else:
            msg = f"Expected of to be 'members', 'areas' or 'rules', got {of!r}."
            raise ValueError(msg)
        return pd.DataFrame(rows, columns=columns).set_index(index)

    def _repr_html_(self, limit: int = 20) -> str:
        """Tables for Jupyter: totals, the biggest changes, the areas, the rules."""

        def cell(value: object, last: bool) -> str:
            if isinstance(value, int):
                shown = _signed(value) if last else f"{value:,}"
                return f"<td style='text-align:right'>{escape(shown)}</td>"
            return f"<td>{escape(str(value))}</td>"

        def table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
            body = "".join(
                "<tr>"
                + "".join(cell(c, k == len(row) - 1) for k, c in enumerate(row))
                + "</tr>"
                for row in rows
            )
            header = "".join(f"<th>{escape(h)}</th>" for h in head)
            return (
                f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
            )

        moved = sorted(
            (m for m in self.members if m.diff),
            key=lambda m: (-abs(m.diff), m.member_id),
        )
        shown = moved[:limit]
        more = len(moved) - len(shown)
        parts = [
            "<div><strong>Comparison</strong> "
            f"{escape(self.old)} → {escape(self.new)}: "
            f"{len(self.members):,} members, {self.total_old:,} → {self.total_new:,} "
            f"points ({_signed(self.total_new - self.total_old)}); "
            f"{len(self.winners()):,} gain, {len(self.losers()):,} lose",
            "<p>成员 members (largest changes)</p>",
            table(
                ("member", "old", "new", "causes", "diff"),
                ((m.member_id, m.old, m.new, _causes(m.causes), m.diff) for m in shown),
            ),
        ]
        if more > 0:
            parts.append(f"<p>… and {more:,} more members whose points change</p>")
        if self.areas:
            parts += [
                "<p>网格 areas</p>",
                table(
                    ("node", "level", "name", "old", "new", "diff"),
                    (
                        (a.node_id, a.level.zh, a.name, a.old, a.new, a.diff)
                        for a in self.areas
                    ),
                ),
            ]
        parts += [
            "<p>规则 rules</p>",
            table(
                ("rule", "old", "new", "diff"),
                ((r.rule_id, r.old, r.new, r.diff) for r in self.rules),
            ),
            "</div>",
        ]
        return "".join(parts)


def _signed(n: object) -> str:
    return f"{n:+,}" if isinstance(n, int) and n else str(n)


def _causes(causes: Iterable[RuleDelta]) -> str:
    return "; ".join(f"{c.rule_id} {c.diff:+}" for c in causes)


def compare(
    old: RuleBook | CompiledRuleBook,
    new: RuleBook | CompiledRuleBook,
    facts: Iterable[Fact],
    *,
    tree: GridTree | None = None,
    calendar: WorkCalendar | None = None,
    levels: Iterable[Level | str] = DEFAULT_LEVELS,
) -> Comparison:
    """Score the same facts under two rulebooks and report the difference.

    Args:
        old: The rulebook in force (or one compiled with its own tree).
        new: The proposed rulebook.
        facts: The facts, in any order (read once).
        tree: The grid: needed by rules on ``node``, and for the rollups.
        calendar: For ``day`` conditions; ``WorkCalendar.china()`` by default.
        levels: The levels to roll up to (street, community, grid by default).

    Raises:
        FactConflictError: Two different facts share an id.
        UnknownReversalError: A reversal names a fact not among ``facts``.
        RuleBookError: A rulebook needs a tree, or the tree disagrees.
        UnknownNode: A posting's node is not in ``tree``.

    >>> from datetime import date, datetime, timedelta, timezone
    >>> from redcity.grid import GridTree
    >>> from redcity.points import Fixed, MicroWish, Rule, RuleBook
    >>> tree = GridTree.from_records([
    ...     {"id": "s", "parent": None, "level": "街道", "name": "南白街道"},
    ...     {"id": "c", "parent": "s", "level": "社区", "name": "南社区"},
    ...     {"id": "g", "parent": "c", "level": "网格", "name": "网格1"}])
    >>> def book(points):
    ...     return RuleBook(id="b", version=str(points), issuer_id="o",
    ...         effective_from=date(2026, 1, 1),
    ...         rules=[Rule(id="wish", kind="micro_wish", award=Fixed(points))])
    >>> at = datetime(2026, 6, 1, tzinfo=timezone(timedelta(hours=8)))
    >>> wish = MicroWish(id="w1", at=at, member_id="m1", node_id="g", wish_id="x")
    >>> report = compare(book(3), book(5), [wish], tree=tree)
    >>> [(a.name, a.old, a.new) for a in report.areas]
    [('南白街道', 3, 5), ('南社区', 3, 5), ('网格1', 3, 5)]
    """
    old_book = _compiled(old, tree, calendar)
    new_book = _compiled(new, tree, calendar)
    wanted = {Level.parse(level) for level in levels}
    prepared = _prepare(facts)
    sums: list[tuple[dict[tuple[str, str], int], dict[str, int]]] = []
    for compiled in (old_book, new_book):
        by_rule: dict[tuple[str, str], int] = {}
        by_node: dict[str, int] = {}
        for p in _run(compiled._plan, prepared):
            key = (p.member_id, p.rule_id)
            by_rule[key] = by_rule.get(key, 0) + p.points
            by_node[p.node_id] = by_node.get(p.node_id, 0) + p.points
        sums.append((by_rule, by_node))
    (old_rules, old_nodes), (new_rules, new_nodes) = sums
    per_member: dict[str, dict[str, list[int]]] = {}
    for index, table in enumerate((old_rules, new_rules)):
        for (member, rule), points in table.items():
            pair = per_member.setdefault(member, {}).setdefault(rule, [0, 0])
            pair[index] += points
    members = []
    rule_totals: dict[str, list[int]] = {}
    for member in sorted(per_member):
        deltas = per_member[member]
        causes = sorted(
            (RuleDelta(rule, o, n) for rule, (o, n) in deltas.items() if o != n),
            key=lambda d: (-abs(d.diff), d.rule_id),
        )
        members.append(
            MemberChange(
                member,
                sum(o for o, _ in deltas.values()),
                sum(n for _, n in deltas.values()),
                tuple(causes),
            )
        )
        for rule, (o, n) in deltas.items():
            total = rule_totals.setdefault(rule, [0, 0])
            total[0] += o
            total[1] += n
    areas: list[AreaChange] = []
    if tree is not None:
        old_up, new_up = tree.rollup(old_nodes), tree.rollup(new_nodes)
        for node_id in tree.ids:
            node = tree[node_id]
            if node.level in wanted:
                areas.append(
                    AreaChange(
                        node_id, node.level, node.name, old_up[node_id], new_up[node_id]
                    )
                )
    return Comparison(
        old=_label(old_book.rulebook),
        new=_label(new_book.rulebook),
        members=tuple(members),
        areas=tuple(areas),
        rules=tuple(RuleDelta(r, o, n) for r, (o, n) in sorted(rule_totals.items())),
    )


def _compiled(
    book: RuleBook | CompiledRuleBook,
    tree: GridTree | None,
    calendar: WorkCalendar | None,
) -> CompiledRuleBook:
    if isinstance(book, CompiledRuleBook):
        return book
    return compile_rulebook(book, tree=tree, calendar=calendar)
