"""``redcity points score`` and ``redcity points card``: facts, a rulebook, a bank.

Facts are read in the form :mod:`redcity.points.journal` stores them: one
JSON object per fact, its ``kind`` first (``{"kind": "service", "id": …}``),
as a JSON list or as JSON Lines.  Scoring into a journal is idempotent:
facts and postings the journal holds are skipped, and the points bank
(积分银行) books only what is new, so running the same file twice adds
nothing.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import redcity.serialize as rs
from redcity._cli._common import (
    EXIT_OK,
    CliError,
    DataProblems,
    HelpFormatter,
    Located,
    build_items,
    emit_json,
    json_option,
    problem_lines,
    read_items,
    read_text,
)
from redcity._cli.grid import load_grid
from redcity.calendars import Period
from redcity.grid import GridTree
from redcity.points import Fact, Ledger, Posting, Redemption, RuleBook, score
from redcity.points import journal as points_journal
from redcity.store import Journal, JournalError, NotAJournalError

__all__ = ["load_facts", "register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``points score`` and ``points card`` to the ``redcity`` command."""
    points = commands.add_parser(
        "points",
        formatter_class=HelpFormatter,
        help="score facts under a rulebook; print a member's points card",
        description=(
            "Points (积分): score your members' facts (service hours, "
            "attendance, micro-wishes, ratings …) under a rulebook written in "
            "TOML, keep them in a journal, and print a member's points card "
            "(奉献积分卡) from it."
        ),
    )
    sub = points.add_subparsers(dest="action", required=True, metavar="ACTION")
    score_cmd = sub.add_parser(
        "score",
        formatter_class=HelpFormatter,
        help="score a facts file under a rulebook, optionally into a journal",
        description=(
            "Score facts under a rulebook and print the postings, each with its "
            "rule and its explanation. FACTS is a JSON list or JSON Lines of "
            'facts tagged by kind: {"kind": "service", "id": "f1", "at": '
            '"2026-03-05T09:00:00+08:00", "end": …, "member_id": …, "node_id": '
            "…, …}. With --journal the facts, the postings and the points bank "
            "are appended to a journal file (created when missing); running "
            "the same facts again adds nothing."
        ),
        epilog=(
            "examples:\n"
            "  redcity points score examples/facts.jsonl "
            "--rules examples/rulebook.toml --tree examples/grid.csv --summary\n"
            "  redcity points score examples/facts.jsonl "
            "--rules examples/rulebook.toml --tree examples/grid.csv "
            "--journal journal.sqlite"
        ),
    )
    score_cmd.add_argument(
        "facts", type=Path, metavar="FACTS", help="facts as a JSON list or JSON Lines"
    )
    score_cmd.add_argument(
        "--rules",
        type=Path,
        required=True,
        metavar="RULES.toml",
        help="the rulebook (TOML, or JSON)",
    )
    score_cmd.add_argument(
        "--tree",
        type=Path,
        metavar="FILE",
        help="the grid file (CSV or JSON), needed by rules with 'within' conditions",
    )
    score_cmd.add_argument(
        "--journal",
        type=Path,
        metavar="DB",
        help="append the facts, postings and points bank to this journal file",
    )
    score_cmd.add_argument(
        "--summary",
        action="store_true",
        help="print each member's total instead of every posting",
    )
    json_option(
        score_cmd, "print the postings, the totals and the journal receipt as JSON"
    )
    score_cmd.set_defaults(run=_score)

    card = sub.add_parser(
        "card",
        formatter_class=HelpFormatter,
        help="print a member's points card (奉献积分卡) from a journal",
        description=(
            "Replay the points bank from a journal (written by 'points score "
            "--journal') and print one member's points card: every "
            "transaction with its running balance."
        ),
        epilog=(
            "examples:\n"
            "  redcity points card journal.sqlite --member bz-m0045\n"
            "  redcity points card journal.sqlite --member bz-m0045 "
            "--period 2026-Q1 --lang en"
        ),
    )
    card.add_argument("journal", type=Path, metavar="DB", help="the journal file")
    card.add_argument("--member", required=True, metavar="ID", help="the member's id")
    card.add_argument(
        "--period",
        metavar="PERIOD",
        help="only this period: 2026, 2026-Q3 or 2026-07 (default: all time)",
    )
    card.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="the card's language"
    )
    json_option(card, "print the card as JSON")
    card.set_defaults(run=_card)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def load_facts(path: Path) -> list[Fact]:
    """The facts of a JSON list or JSON Lines file.

    Raises:
        CliError: the file cannot be read as JSON.
        DataProblems: facts that do not fit (every one, with its place).
    """
    items = read_items(path, "fact")
    return build_items(path, "fact", items, _fact)


def _fact(value: Any) -> Fact:
    fact: Fact = rs.structure(value, Fact)  # type: ignore[arg-type]
    return fact


def load_rulebook(path: Path) -> RuleBook:
    """A rulebook from a TOML (or JSON) file.

    Raises:
        CliError: the file cannot be read.
        DataProblems: the rulebook is invalid (every problem).
    """
    text = read_text(path)
    try:
        if path.suffix.lower() == ".json":
            return RuleBook.from_json(text)
        return RuleBook.from_toml(text)
    except ValueError as exc:
        problems = [Located(None, line) for line in problem_lines(exc)]
        raise DataProblems("invalid rulebook", path, problems) from exc


def _period(text: str | None) -> Period | None:
    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError as exc:
        msg = f"argument --period: {exc}"
        raise CliError(msg) from exc


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


def _scored(
    path: Path,
    rules_path: Path,
    rulebook: RuleBook,
    facts: Sequence[Fact],
    tree: GridTree | None,
) -> list[Posting]:
    try:
        return list(score(rulebook, facts, tree=tree))
    except ValueError as exc:
        lines = problem_lines(exc)
        if tree is None and "needs the tree" in str(exc):
            lines = [
                line.split(": pass tree=")[0] + "; pass the grid file with --tree FILE"
                for line in lines
            ]
            raise DataProblems(
                "rule needing the grid", rules_path, map(_nowhere, lines)
            ) from exc
        raise DataProblems("cannot score", path, map(_nowhere, lines)) from exc


def _nowhere(message: str) -> Located:
    return Located(None, message)


def _batch_id(facts: Sequence[Fact], postings: Sequence[Posting]) -> str:
    digest = hashlib.sha256()
    for f in facts:
        digest.update(points_journal.fact_to_json(f).encode())
    for p in postings:
        digest.update(points_journal.posting_to_json(p).encode())
    return f"cli-score-{digest.hexdigest()[:16]}"


def _into_journal(
    db: Path,
    facts_path: Path,
    rules_path: Path,
    rulebook: RuleBook,
    facts: Sequence[Fact],
    tree: GridTree | None,
) -> tuple[list[Posting], dict[str, Any]]:
    """Score the journal's facts with the new ones; append what is new."""
    try:
        journal = Journal.open(db)
    except (NotAJournalError, JournalError) as exc:
        raise CliError(f"cannot use {db}: {exc}") from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CliError(f"cannot open the journal {db}: {reason}") from exc
    with journal:
        held = {f.id: f for f in points_journal.load_facts(journal)}
        changed = [
            Located(f"fact {f.id!r}", "the journal holds another fact with this id; "
                    "facts are never edited: record a correction (a reversal) "
                    "under a new id")
            for f in facts
            if f.id in held and held[f.id] != f
        ]  # fmt: skip
        if changed:
            raise DataProblems("conflicting fact", facts_path, changed)
        new = [f for f in dict.fromkeys(facts) if f.id not in held]
        everything = [*held.values(), *new]
        postings = _scored(facts_path, rules_path, rulebook, everything, tree)
        ledger = points_journal.replay_ledger(journal)
        before = len(ledger)
        refused = ledger.settle(postings, [f for f in new if isinstance(f, Redemption)])
        try:
            receipt = points_journal.save(
                journal,
                _batch_id(new, postings),
                facts=new,
                postings=postings,
                ledger_records=ledger.records[before:],
            )
        except JournalError as exc:
            msg = (
                f"the journal {db} already holds other content for "
                f"{getattr(exc, 'id', 'a record')!r}: were these facts scored "
                "under another rulebook? Use a new journal for a new rulebook"
            )
            raise DataProblems("conflict", facts_path, [Located(None, msg)]) from exc
    ids = {f.id for f in facts}
    receipt_json = {
        "path": str(db),
        "added": receipt.added,
        "skipped": receipt.skipped,
        "new_facts": len(new),
        "refused_redemptions": refused,
    }
    return [p for p in postings if p.fact_id in ids], receipt_json


def _totals(postings: Sequence[Posting]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for p in postings:
        totals[p.member_id] = totals.get(p.member_id, 0) + p.points
    return dict(sorted(totals.items()))


def _score(args: argparse.Namespace) -> int:
    rulebook = load_rulebook(args.rules)
    tree = load_grid(args.tree) if args.tree is not None else None
    facts = load_facts(args.facts)
    receipt: dict[str, Any] | None = None
    if args.journal is not None:
        postings, receipt = _into_journal(
            args.journal, args.facts, args.rules, rulebook, facts, tree
        )
    else:
        postings = _scored(args.facts, args.rules, rulebook, facts, tree)
        ledger = Ledger()
        refused = ledger.settle(
            postings, [f for f in facts if isinstance(f, Redemption)]
        )
    totals = _totals(postings)
    if args.json:
        emit_json(
            {
                "rulebook": {"id": rulebook.id, "version": rulebook.version},
                "facts": len(facts),
                "postings": [rs.unstructure(p) for p in postings],
                "totals": totals,
                "journal": receipt,
            }
        )
        return EXIT_OK
    kinds = Counter(f.kind.zh for f in facts)
    print(
        f"{args.facts}: {len(facts):,} facts ("
        + ", ".join(f"{n:,} {k}" for k, n in kinds.most_common())
        + f") scored under {rulebook.id} {rulebook.version}: {len(postings):,} "
        f"postings, {sum(totals.values()):,} points for {len(totals):,} members"
    )
    if args.summary:
        for member, points in sorted(totals.items(), key=lambda mp: (-mp[1], mp[0])):
            print(f"  {member}  {points:>6,}")
    else:
        for p in postings:
            day = p.at.date().isoformat()
            print(
                f"  {day}  {p.member_id}  {p.points:+d}  {p.rule_id}  "
                f"{p.fact_id}  {p.explanation_zh}"
            )
    if receipt is not None:
        print(
            f"journal {receipt['path']}: {receipt['added']:,} records added, "
            f"{receipt['skipped']:,} already there; {receipt['new_facts']:,} new "
            f"facts; {len(receipt['refused_redemptions'])} redemptions refused "
            "for want of points"
        )
    elif refused:
        print(f"{len(refused)} redemptions would be refused for want of points")
    return EXIT_OK


# --------------------------------------------------------------------------
# The points card
# --------------------------------------------------------------------------


def _card(args: argparse.Namespace) -> int:
    db: Path = args.journal
    period = _period(args.period)
    if not db.is_file():
        raise CliError(f"cannot read {db}: no such file (a journal file)")
    try:
        with Journal.open(db, create=False) as journal:
            ledger = points_journal.replay_ledger(journal)
    except NotAJournalError as exc:
        raise CliError(f"cannot use {db}: {exc}") from exc
    except JournalError as exc:
        raise CliError(f"cannot use {db}: {exc}") from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CliError(f"cannot read {db}: {reason}") from exc
    members = [a.id for a in ledger.accounts("member")]
    if args.member not in members:
        some = ", ".join(members[:5]) + (", …" if len(members) > 5 else "")
        held = (
            f"its {len(members):,} members include {some}"
            if members
            else ("it holds no member yet")
        )
        msg = f"no member {args.member!r} in the points bank of {db}; {held}"
        raise CliError(msg, code=1)
    card = ledger.statement(args.member, period=period)
    if args.json:
        emit_json(
            {
                **rs.unstructure(card),
                "closing": card.closing,
                "earned": card.earned,
                "spent": card.spent,
            }
        )
        return EXIT_OK
    print(card.to_text(lang=args.lang))
    return EXIT_OK
