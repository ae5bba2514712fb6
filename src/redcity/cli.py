"""The ``redcity`` command.

``redcity demo`` builds the bundled Zunyi sample, validates it and prints,
per district, the counts per level, the staffing (四定) and party coverage
(支部建在网格上), the green/yellow/red cards, a year of points, the minutes
of the seed article's two meetings (兴茂小区's three-party meeting and
龙泉小区's 红色议事会), a year of the monthly closed loop per street and
community, and a simulated quarter of residents' requests in 南白街道 (the
official rates per community, where cases were resolved, and the cards they
drive); ``--out DIR`` also writes the tree as JSON, the points journal, a
picture of one street's hierarchy, both minutes as Markdown and HTML, the
meetings as one Popolo document and the quarter's tickets as Open311
service requests.

The other commands work on your own files (sample files in ``examples/``;
see ``docs/cli.md``): ``grid check|show``, ``points score|card``,
``dispatch rates``, ``meetings minutes`` and ``export popolo|open311``.
Each has ``--json`` for scripts and ``--help`` with an example.  Exit
codes: 0 when all went well, 1 when the data has problems (each printed on
standard error as ``redcity: error: <what> in <file>, row N: <problem>``),
2 for bad arguments or a file that cannot be read — never a traceback.

>>> main(["grid", "check", "no/such/file.csv"])
2
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

import redcity
from redcity._cli import (
    CliError,
    DataProblems,
    error,
    register_dispatch,
    register_export,
    register_grid,
    register_meetings,
    register_points,
)
from redcity._cli._common import table_lines
from redcity.datasets import (
    BOZHOU,
    SeedMeeting,
    bozhou_service_year,
    seed_meetings,
    seed_topics,
    zunyi,
    zunyi_staffing,
)
from redcity.dispatch import DEFAULT_TAXONOMY, Conditions, HandlingTime, to_open311
from redcity.dispatch.metrics import percent
from redcity.errors import RedcityError
from redcity.grid import (
    Card,
    GridTree,
    Level,
    Post,
    evaluate_cards,
    party_coverage,
    staffing_report,
)
from redcity.meetings.cycle import LoopFigures
from redcity.meetings.minutes import minutes_html, minutes_markdown
from redcity.meetings.popolo import to_popolo
from redcity.points import Fact
from redcity.points import journal as points_journal
from redcity.points.examples import example_rulebook
from redcity.report import (
    DEMO_CARD_POLICY,
    DISPATCH_CARD_POLICY,
    AreaDispatch,
    DispatchQuarter,
    LoopYear,
    PointsYear,
    card_breaches,
    describe_card_policy,
    dispatch_quarter,
    district_summaries,
    grid_card_metrics,
    hierarchy_figure,
    loop_year,
    points_year,
)
from redcity.report_html import demo_report_html, write_report
from redcity.store import Journal

__all__ = ["main"]

T = TypeVar("T")

DEMO_OUT = Path("redcity-demo")  # where the demo writes, relative to the cwd
DEMO_PERIOD = "2026-Q3"
DEMO_STREET = "520304001"  # 南白街道, 播州区
DEMO_RULEBOOK = "kunshan"  # 1 h of service = 10 points
DEMO_YEAR = 2026  # the year of points, meetings and topics
DEMO_SEED = 2026  # the simulated quarter of requests
DEMO_PER_GRID = 0.8  # requests per grid per working day: a busy quarter
DEMO_HANDLING = 8  # median working hours to handle a request (an assumption)
DEMO_CONDITIONS = Conditions(default_handling=HandlingTime(DEMO_HANDLING))
_MEETING_FILES = ("xingmao", "longquan")  # minutes-<name>.md/.html, in order
_FLAGGED_SHOWN = 10  # grids carded yellow or red, listed by name
_LEVELS = (Level.STREET, Level.COMMUNITY, Level.COMPOUND, Level.GRID, Level.BUILDING)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="redcity",
        description=(
            "Grassroots governance (党建引领基层治理) as data. Run 'redcity demo' "
            "for the bundled Zunyi sample, or a command on your own files; "
            "'redcity COMMAND --help' explains each, with an example."
        ),
        epilog=(
            "exit codes: 0 ok, 1 problems in your data (listed on standard "
            "error), 2 bad arguments or an unreadable file. Sample files: "
            "examples/ in the source repository."
        ),
    )
    parser.add_argument("--version", action="version", version=redcity.__version__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run the Zunyi sample end to end",
        description=(
            "Build the bundled Zunyi (遵义) sample, validate it and print per "
            "district the counts per level, staffing, party coverage and cards."
        ),
    )
    demo.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        default=DEMO_OUT,
        help=(
            "where to write report.html (one self-contained page), tree.json, "
            "journal.sqlite, street-hierarchy.png (with the plot extra), the "
            f"minutes, popolo.json and open311.json (default: ./{DEMO_OUT}/)"
        ),
    )
    demo.add_argument(
        "--no-out", action="store_true", help="print the summary only, write no files"
    )
    demo.add_argument(
        "--no-progress", action="store_true", help="do not show a progress bar"
    )
    for register in (
        register_grid,
        register_points,
        register_dispatch,
        register_meetings,
        register_export,
    ):
        register(commands)
    args = parser.parse_args(argv)
    if args.command == "demo":
        try:
            out = None if args.no_out else args.out
            return run_demo(out=out, progress=not args.no_progress)
        except (RedcityError, OSError) as exc:
            print(f"redcity: {exc}", file=sys.stderr)
            return 1
    return _run_file_command(args)


def _run_file_command(args: argparse.Namespace) -> int:
    """Run a file command; bad input becomes messages and an exit code.

    Exit codes: 0 ok; 1 problems in the user's data (each listed on
    standard error); 2 an unusable argument or an unreadable file.
    """
    try:
        code: int = args.run(args)
    except DataProblems as exc:
        for line in exc.lines():
            error(line)
        n = len(exc.problems)
        print(
            f"redcity: {n} problem{'s' if n != 1 else ''} found in {exc.file}",
            file=sys.stderr,
        )
        return 1
    except CliError as exc:
        error(str(exc))
        return exc.code
    except (RedcityError, ValueError) as exc:  # a bug or an unforeseen input
        for line in str(exc).splitlines() or [type(exc).__name__]:
            error(line.strip())
        return 1
    except BrokenPipeError:  # the reader went away: `redcity … | head`
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        error(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
        return 2
    return code


def run_demo(*, out: Path | None = None, progress: bool = True) -> int:
    """The demo: build, validate, report, and write files to ``out``."""
    started = time.perf_counter()
    if out is not None:  # before any work: an unwritable folder fails at once
        out.mkdir(parents=True, exist_ok=True)
    steps = 16 if out is not None else 9
    with tqdm(total=steps, disable=not progress or None, unit="step") as bar:

        def step(label: str, job: Callable[[], T]) -> T:
            bar.set_description(label)
            result = job()
            bar.update()
            return result

        tree = step("building the Zunyi sample", zunyi)
        staff = step("staffing and party organisations", zunyi_staffing)
        bozhou = tree.subtree(BOZHOU)
        staffing = step(
            "checking staffing", lambda: staffing_report(bozhou, staff.assignments)
        )
        coverage = party_coverage(bozhou, staff.party_orgs)
        metrics = grid_card_metrics(
            tree, staff.assignments, staff.party_orgs, within=BOZHOU
        )
        cards = step(
            "carding the grids",
            lambda: evaluate_cards(DEMO_CARD_POLICY, {DEMO_PERIOD: metrics}),
        )
        year = step("a year of service in 播州区", bozhou_service_year)
        points = step(
            "scoring and banking the points",
            lambda: points_year(tree, year.facts, example_rulebook(DEMO_RULEBOOK)),
        )
        meetings = step("two meetings from the seed article", seed_meetings)
        loop = step(
            "a year of topics, the closed loop",
            lambda: loop_year(tree, seed_topics(DEMO_YEAR), DEMO_YEAR, within=BOZHOU),
        )
        dispatch = step(
            f"a quarter of requests in {tree[DEMO_STREET].name}",
            lambda: dispatch_quarter(
                tree,
                DEMO_STREET,
                DEMO_PERIOD,
                seed=DEMO_SEED,
                per_grid=DEMO_PER_GRID,
                conditions=DEMO_CONDITIONS,
            ),
        )
        written: list[Path] = []
        if out is not None:
            written.append(step("writing tree.json", lambda: _write_tree(tree, out)))
            written.append(
                step(
                    "journalling the year",
                    lambda: _write_journal(out, year.facts, points),
                )
            )
            picture = step("drawing one street", lambda: _write_picture(tree, out))
            if picture is not None:
                written.append(picture)
            written.extend(
                step("writing the minutes", lambda: _write_minutes(meetings, out))
            )
            written.append(
                step("writing popolo.json", lambda: _write_popolo(meetings, out))
            )
            written.append(
                step("writing open311.json", lambda: _write_open311(dispatch, out))
            )
            written.append(
                step(
                    "writing report.html",
                    lambda: write_report(
                        out / "report.html",
                        demo_report_html(
                            tree=tree,
                            summaries=district_summaries(tree),
                            coverage=coverage,
                            cards=cards,
                            points=points,
                            meetings=meetings,
                            loop=loop,
                            dispatch=dispatch,
                        ),
                    ),
                )
            )
        bar.set_description("done")

    _print_counts(tree)
    print()
    print("播州区 staffing (四定) and party coverage (支部建在网格上):")
    counts = staffing.counts
    print(
        f"  grid workers: {counts.get(Post.FULL_TIME_WORKER, 0)} 专职网格员, "
        f"{counts.get(Post.PART_TIME_WORKER, 0)} 兼职网格员; "
        f"{staffing.fully_staffed}/{staffing.grids} grids have a 网格长 and a 网格员; "
        f"{len(staffing.overloaded)} over {staffing.max_households_per_worker} "
        "households per worker"
    )
    kinds = coverage.counts.get(bozhou.root, {})
    print(
        "  party organisations: "
        + ", ".join(f"{n} {kind.zh}" for kind, n in kinds.items() if n)
    )
    ratio = coverage.ratio
    share = f" ({float(ratio):.0%})" if ratio is not None else ""
    print(
        "  grids covered by a grid-level organisation: "
        f"{coverage.covered}/{coverage.grids}{share}"
    )
    print("  (the seed article gives staffing only for 播州区; the others show none)")
    print()
    tally = cards.counts(DEMO_PERIOD)
    print(
        f"播州区 grid cards, {DEMO_PERIOD} (demo policy: yellow over 450 and red over "
        "500 households per worker; red without party coverage):"
    )
    print("  " + ", ".join(f"{card.zh} {tally.get(card, 0)}" for card in Card))
    print()
    _print_points(tree, points)
    print()
    _print_meetings(meetings)
    print()
    _print_loop(loop)
    print()
    _print_dispatch(tree, dispatch)
    for path in written:
        print(f"wrote {path}")
    print(f"done in {time.perf_counter() - started:.2f} s")
    return 0


def _print_counts(tree: GridTree) -> None:
    summaries = district_summaries(tree)
    root = tree[tree.root].name
    print(f"{root} sample: {len(tree):,} nodes, valid (redcity {redcity.__version__})")
    header = ["district", "code", *(lv.zh for lv in _LEVELS), "户", "人口"]
    rows = [
        [
            d.name,
            d.code or "",
            *(f"{d.counts.get(lv, 0):,}" for lv in _LEVELS),
            f"{d.households:,}",
            f"{d.population:,}",
        ]
        for d in summaries
    ]
    for line in table_lines([header, *rows], left=2):
        print(line)


def _print_points(tree: GridTree, points: PointsYear) -> None:
    bank = points.ledger
    members = len(points.hours)
    print(
        f"播州区 points, a synthetic year under the {points.rulebook_id!r} rulebook: "
        f"{points.facts:,} facts → {len(points.postings):,} postings for "
        f"{members:,} members; {len(bank):,} bank records, verified "
        f"{'ok' if bank.verify().ok else 'WITH PROBLEMS'}; "
        f"{points.refused_redemptions} redemptions refused for want of points"
    )
    stars = ", ".join(f"{'★' * k or '0★'} {n}" for k, n in points.stars.items())
    print(f"  stars (national, 100/300/600/1000/1500 h): {stars}")
    for street, total in points.points_by_street.items():
        best = "; ".join(f"{m} {p:,}" for m, p in points.top_by_street[street])
        print(f"  {tree[street].name}: {total:,} points; top: {best}")
    star, _ = max(
        (mp for tops in points.top_by_street.values() for mp in tops),
        key=lambda mp: (mp[1], mp[0]),
    )
    card = bank.statement(star).to_text().splitlines()
    print(f"  {star}'s points card (奉献积分卡), first and last lines:")
    for line in [*card[:6], "  …", *card[-3:]] if len(card) > 10 else card:
        print(f"    {line}")


def _print_meetings(meetings: Sequence[SeedMeeting]) -> None:
    print(
        "Two meetings from the seed article, replayed (会议纪要; generic names, "
        "invented estate):"
    )
    for seed in meetings:
        m = seed.meeting
        done = sum(a.done for a in m.actions)
        print(
            f"  {m.title}: {m.state.zh}, {done}/{len(m.actions)} actions done, "
            f"{len(m.feedback)} feedback notes"
        )
        d = seed.owners_decision
        if d is not None:
            verdict = "passed" if d.passed else "failed"
            print(
                f"    owners' decision (民法典 278 {d.matter.item}): {verdict}; "
                f"{d.participating_persons}/{d.total_persons} owners took part, "
                f"{d.approving_persons} approved; threshold {d.threshold} of the "
                "participating area and owners"
            )
    for seed in meetings:
        print()
        text = minutes_markdown(seed.meeting, names=seed.names)
        for line in text.splitlines():
            if line.strip():
                print(f"  {line}")


def _figure_cells(f: LoopFigures) -> list[str]:
    rate = f.resolution_rate
    median = f.median_days
    return [
        f"{f.collected:,}",
        f"{f.carried_in:,}",
        f"{f.resolved:,}",
        f"{f.with_feedback:,}",
        f"{f.carried_over:,}",
        "" if rate is None else f"{float(rate):.0%}",
        "" if median is None else f"{float(median):g}",
    ]


def _print_loop(loop: LoopYear) -> None:
    total = loop.total
    print(
        f"{total.name} monthly closed loop (问题收集→处置→反馈), {loop.year}: "
        f"{total.collected:,} topics collected, {total.resolved:,} resolved, "
        f"{total.with_feedback:,} fed back, {total.carried_over:,} open at the "
        "year's end (synthetic topics; resolved % = resolved / (carried in + "
        "collected))"
    )
    header = [
        "",
        "collected",
        "carried in",
        "resolved",
        "fed back",
        "carried over",
        "resolved %",
        "median days",
    ]
    months = [
        [f"{loop.year}-{k:02d}", *_figure_cells(f)]
        for k, f in enumerate(loop.months, 1)
    ]
    _print_table([["month", *header[1:]], *months])
    print(f"  per street and community, {loop.year}:")
    rows = [["area", *header[1:]]]
    for street, communities in loop.streets:
        rows.append([street.name, *_figure_cells(street)])
        rows.extend([f"  {c.name}", *_figure_cells(c)] for c in communities)
    _print_table(rows)


def _rate_cells(area: AreaDispatch) -> list[str]:
    r = area.rates
    h = area.hotline_rates
    return [
        f"{area.cases.due:,}",
        *(
            percent(v)
            for v in (
                r.filing,
                r.dispatch,
                r.closure,
                r.on_time_closure,
                r.rework,
                r.extension,
                h.response,
                h.resolution,
                h.satisfaction,
            )
        ),
        area.card.card.zh,
    ]


def _share_cells(area: AreaDispatch) -> list[str]:
    s = area.shares
    return [
        f"{s.total:,}",
        percent(s.grid_share),
        percent(s.community_share),
        percent(s.above_share),
    ]


def _print_dispatch(tree: GridTree, q: DispatchQuarter) -> None:
    street = q.street
    holders = ", ".join(f"{n:,} {kind}" for kind, n in q.open_by.items())
    print(
        f"{street.name} dispatch, {q.period}: a simulated quarter of residents' "
        f"requests (default policy, {q.per_grid:g} requests per grid per working "
        f"day, {DEMO_HANDLING} working hours' median handling, seed {q.seed}): "
        f"{q.arrived:,} tickets arrived, {q.closed:,} closed, "
        f"{q.redirected:,} redirected (转办), {q.open:,} open at the quarter's end"
        + (f" ({holders})" if holders else "")
    )
    print(
        "  official rates (结案率 … 延期率 over 应结案数, carry-over included; "
        "接诉即办 rates over requests received less redirected):"
    )
    labels = ["应结案数", "立案率", "派遣率", "结案率", "按期结案率", "返工率"]
    labels += ["延期率", "响应率", "解决率", "满意率", "card"]
    rows = [["community", *labels]]
    rows += [[c.name, *_rate_cells(c)] for c in q.communities]
    rows.append([street.name, *_rate_cells(street)])
    _print_table(rows)
    print(
        "  where the quarter's closed cases were resolved (小事不出网格、大事不出社区; "
        "社区以上 includes departments summoned by a whistle, 吹哨):"
    )
    rows = [["community", "closed", "网格内", "社区内", "社区以上"]]
    rows += [[c.name, *_share_cells(c)] for c in q.communities]
    rows.append([street.name, *_share_cells(street)])
    _print_table(rows)
    print(
        f"  cards (demo policy, configuration not law: "
        f"{describe_card_policy(DISPATCH_CARD_POLICY)}):"
    )
    areas = (*q.communities, street)
    rows = [["area", "card", "its grids", *(c.zh for c in Card)]]
    rows += [
        [
            a.name,
            a.card.card.zh,
            f"{sum(a.grid_cards.values())}",
            *(f"{n}" for n in a.grid_cards.values()),
        ]
        for a in areas
    ]
    whys = ["", *(card_breaches(a.card, DISPATCH_CARD_POLICY) for a in areas)]
    for line, why in zip(table_lines(rows), whys, strict=True):
        print(f"{line}  ({why})" if why else line)
    if q.flagged:
        print("  grids carded yellow or red:")
        for d in q.flagged[:_FLAGGED_SHOWN]:
            why = card_breaches(d, DISPATCH_CARD_POLICY)
            print(f"    {tree[d.node_id].name}: {d.card.zh} ({why})")
        if len(q.flagged) > _FLAGGED_SHOWN:
            print(f"    … and {len(q.flagged) - _FLAGGED_SHOWN} more")


def _print_table(rows: list[list[str]]) -> None:
    for line in table_lines(rows):
        print(line)


def _write_minutes(meetings: Sequence[SeedMeeting], out: Path) -> list[Path]:
    paths = []
    for name, seed in zip(_MEETING_FILES, meetings, strict=True):
        md = out / f"minutes-{name}.md"
        md.write_text(minutes_markdown(seed.meeting, names=seed.names), "utf-8")
        page = out / f"minutes-{name}.html"
        page.write_text(minutes_html(seed.meeting, names=seed.names), "utf-8")
        paths += [md, page]
    return paths


def _write_popolo(meetings: Sequence[SeedMeeting], out: Path) -> Path:
    doc = to_popolo(
        meetings=[s.meeting for s in meetings],
        organizations=[o for s in meetings for o in s.organizations],
        persons=[p for s in meetings for p in s.persons],
        memberships=[m for s in meetings for m in s.memberships],
    )
    path = out / "popolo.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return path


def _write_open311(q: DispatchQuarter, out: Path) -> Path:
    doc = to_open311(q.tickets, taxonomy=DEFAULT_TAXONOMY)
    path = out / "open311.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return path


def _write_journal(out: Path, facts: Sequence[Fact], points: PointsYear) -> Path:
    path = out / "journal.sqlite"
    with Journal.open(path) as journal:
        points_journal.save(
            journal,
            f"demo-{points.rulebook_id}",
            facts=facts,
            postings=points.postings,
            ledger_records=points.ledger.records,
        )
    return path


def _write_tree(tree: GridTree, out: Path) -> Path:
    path = out / "tree.json"
    path.write_text(tree.to_json(indent=1), encoding="utf-8")
    return path


def _write_picture(tree: GridTree, out: Path) -> Path | None:
    try:
        figure = hierarchy_figure(tree, DEMO_STREET)
    except ImportError:
        print("(no picture: install the plot extra, pip install 'redcity[plot]')")
        return None
    path = out / "street-hierarchy.png"
    figure.savefig(path)
    return path


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
