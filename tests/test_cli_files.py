"""The ``redcity`` commands on users' own files, run on ``examples/``.

Commands run in-process through :func:`redcity.cli.main` (one test runs the
installed entry point).  Exit codes: 0 ok, 1 problems in the data, 2 bad
arguments or unreadable files; bad input never shows a traceback.
"""

from __future__ import annotations

import json
import runpy
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from redcity.cli import main
from redcity.dispatch import CaseCounts
from redcity.dispatch.metrics import percent
from redcity.grid import GridTree, Level
from schema_check import assert_valid

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GRID = EXAMPLES / "grid.csv"
GRID_JSON = EXAMPLES / "grid.json"
BAD = EXAMPLES / "grid-bad.csv"
FACTS = EXAMPLES / "facts.jsonl"
RULES = EXAMPLES / "rulebook.toml"
TICKETS = EXAMPLES / "tickets.json"
XINGMAO = EXAMPLES / "meeting-xingmao.json"
LONGQUAN = EXAMPLES / "meeting-longquan.json"

Run = tuple[int, str, str]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Any:
    """Run ``redcity ARGS`` in-process: (exit code, stdout, stderr)."""

    def go(*args: object) -> Run:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return go


def _json(out: str) -> Any:
    return json.loads(out)


# ------------------------------------------------------------ the examples


def _make_examples() -> dict[str, Any]:
    """The generator script's namespace (run_path leaves no bytecode behind)."""
    return runpy.run_path(str(EXAMPLES / "make_examples.py"), run_name="examples")


def test_examples_are_up_to_date(tmp_path: Path) -> None:
    written = _make_examples()["main"](tmp_path)
    assert sorted(p.name for p in written) == sorted(
        p.name
        for p in EXAMPLES.iterdir()
        if p.suffix in {".csv", ".json", ".jsonl", ".toml"}
    )
    for path in written:
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), (
            f"examples/{path.name} is stale: run python examples/make_examples.py"
        )


def test_examples_are_small() -> None:
    total = sum(p.stat().st_size for p in EXAMPLES.iterdir() if p.is_file())
    assert total < 200_000


def test_every_example_is_named_in_the_readme() -> None:
    readme = (EXAMPLES / "README.md").read_text("utf-8")
    for path in EXAMPLES.iterdir():
        if path.is_file() and path.name != "README.md":
            assert path.name in readme


# ------------------------------------------------------------ grid


def test_grid_check_accepts_csv_and_json(run: Any) -> None:
    code, out, err = run("grid", "check", GRID)
    assert (0, "") == (code, err)
    assert "212 rows, a valid tree rooted at 南白街道 (520304001)" in out
    assert "34 网格 (grid)" in out
    code, out, _ = run("grid", "check", GRID_JSON, "--json")
    assert 0 == code
    report = _json(out)
    assert report["valid"] is True
    assert [] == report["problems"]
    assert {"street": 1, "community": 2, "compound": 8, "grid": 34} == {
        k: v for k, v in report["counts"].items() if k != "building"
    }


def test_grid_check_lists_every_problem_with_its_row(run: Any) -> None:
    code, out, err = run("grid", "check", BAD)
    assert (1, "") == (code, out)
    lines = err.splitlines()
    expected = [
        ("row 4", "id '520304001001-C01', field parent: unknown parent"),
        ("row 5", "id '520304001001001', field level:"),
        ("row 6", "field households: expected a whole number"),
        ("row 7", "field name: expected a non-empty name"),
        ("row 8", "field code: expected a string of digits, got '5.20304E+11'"),
        ("row 9", "field level: a 楼栋 (building) may not sit directly under"),
        ("row 9", "field parent: a building must lie in exactly one grid"),
        ("row 14", "field id: duplicate id: row 13 already has it"),
    ]
    assert len(expected) + 1 == len(lines)
    for line, (row, text) in zip(lines, expected, strict=False):
        assert line.startswith(f"redcity: error: invalid grid in {BAD}, {row}: ")
        assert text in line
    assert f"redcity: 8 problems found in {BAD}" == lines[-1]


def test_grid_check_json_gives_the_problems(run: Any) -> None:
    code, out, _ = run("grid", "check", BAD, "--json")
    assert 1 == code
    report = _json(out)
    assert report["valid"] is False
    assert report["counts"] is None
    assert 13 == report["rows"]
    assert [4, 5, 6, 7, 8, 9, 9, 14] == [p["row"] for p in report["problems"]]


def test_grid_check_json_rows_are_list_positions(run: Any, tmp_path: Path) -> None:
    rows = json.loads(GRID_JSON.read_text("utf-8"))[:3]
    rows[2]["parent"] = "nowhere"
    rows.append("not a row")
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(rows), "utf-8")
    code, _, err = run("grid", "check", path)
    assert 1 == code
    assert f"in {path}, row 3: id '520304001001-C01', field parent" in err
    assert f"in {path}, row 4: expected a mapping, got str." in err


def test_grid_check_header_problems(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text("id,parent,name\nc,,洗马社区\n", "utf-8")
    code, _, err = run("grid", "check", path)
    assert 1 == code
    assert "row 1: the header lacks the column(s) level" in err
    path.write_text(
        "\ufeffid,parent,level,name,colour\nc,,社区,洗马社区,red\n\n"
        "g,c,网格,网格1,blue\n",
        "utf-8",
    )
    code, _, err = run("grid", "check", path)
    assert 1 == code
    assert "row 1: unknown column(s) colour" in err
    assert "row 3: an empty row; delete it" in err


def test_grid_show(run: Any) -> None:
    code, out, _ = run("grid", "show", GRID, "--node", "兴茂小区")
    assert 0 == code
    assert "兴茂小区 (520304001001-C01): a 小区 (compound)" in out
    assert "path: 南白街道 › 南社区 › 兴茂小区" in out
    assert "1,183 households" in out
    code, out, _ = run("grid", "show", GRID_JSON, "--node", "520304001001", "--json")
    node = _json(out)
    assert ("南社区", "community") == (node["name"], node["level"])
    assert ["520304001"] == [a["id"] for a in node["path"]]
    tree = GridTree.from_json(GRID_JSON.read_text("utf-8"))
    assert list(tree.children("520304001001")) == [c["id"] for c in node["children"]]
    assert 19 == node["below"]["grid"]


def test_grid_show_unknown_node(run: Any) -> None:
    code, _, err = run("grid", "show", GRID, "--node", "南社区第99网格")
    assert 1 == code
    assert "no node with id or name '南社区第99网格'" in err
    code, _, err = run("grid", "show", BAD, "--node", "520304001")
    assert 1 == code
    assert "invalid grid in" in err


# ------------------------------------------------------------ unreadable input


def test_missing_file_is_a_usage_error(run: Any, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    for args in (
        ("grid", "check", missing),
        ("points", "score", missing, "--rules", RULES),
        ("points", "score", FACTS, "--rules", missing),
        ("points", "card", missing, "--member", "m"),
        ("dispatch", "rates", missing, "--period", "2026-Q3"),
        ("meetings", "minutes", missing),
        ("export", "open311", missing),
    ):
        code, out, err = run(*args)
        assert (2, "") == (code, out), args
        assert err.startswith(f"redcity: error: cannot read {missing}"), args


def test_malformed_json_is_readable(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"kind": "service",\n "id": }]', "utf-8")
    for args in (
        ("grid", "check", path),
        ("points", "score", path, "--rules", RULES),
        ("dispatch", "rates", path, "--period", "2026-Q3"),
        ("meetings", "minutes", path),
    ):
        code, _, err = run(*args)
        assert 2 == code
        assert f"redcity: error: {path} is not valid JSON: Expecting value at " in err
        assert "line 2, column 8" in err


def test_argparse_usage_errors_exit_2(
    run: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["points", "score", str(FACTS)])  # --rules missing
    assert 2 == info.value.code
    assert "--rules" in capsys.readouterr().err
    code, _, err = run("dispatch", "rates", TICKETS, "--period", "2026-Q5")
    assert 2 == code
    assert "argument --period: Expected a period label" in err
    code, _, err = run(
        "dispatch", "rates", TICKETS, "--period", "2026-Q3", "--by", "网格"
    )
    assert 2 == code
    assert "argument --by: needs --tree FILE" in err


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    for group, action in (
        ("grid", "check"),
        ("grid", "show"),
        ("points", "score"),
        ("points", "card"),
        ("dispatch", "rates"),
        ("meetings", "minutes"),
        ("export", "popolo"),
        ("export", "open311"),
    ):
        with pytest.raises(SystemExit):
            main([group, action, "--help"])
        text = capsys.readouterr().out
        assert "--json" in text
        assert f"examples:\n  redcity {group} {action} " in text


# ------------------------------------------------------------ points


def test_points_score_needs_the_tree_for_within(run: Any) -> None:
    code, _, err = run("points", "score", FACTS, "--rules", RULES)
    assert 1 == code
    assert f"rule needing the grid in {RULES}: nanshe-service-bonus" in err
    assert "pass the grid file with --tree FILE" in err


def test_points_score_prints_postings_and_totals(run: Any) -> None:
    code, out, _ = run("points", "score", FACTS, "--rules", RULES, "--tree", GRID)
    assert 0 == code
    assert "144 facts" in out
    assert "scored under party-member-annual 2026" in out
    assert "  nanshe-service-bonus  " in out
    code, summary, _ = run(
        "points", "score", FACTS, "--rules", RULES, "--tree", GRID, "--summary"
    )
    assert 0 == code
    assert 8 == len(summary.splitlines())  # the headline and seven members
    code, out, _ = run(
        "points", "score", FACTS, "--rules", RULES, "--tree", GRID, "--json"
    )
    result = _json(out)
    assert {"id": "party-member-annual", "version": "2026"} == result["rulebook"]
    assert result["journal"] is None
    totals: dict[str, int] = {}
    for p in result["postings"]:
        totals[p["member_id"]] = totals.get(p["member_id"], 0) + p["points"]
    assert totals == result["totals"]
    assert 7 == len(totals)


def test_points_score_reads_a_json_list(run: Any, tmp_path: Path) -> None:
    facts = [json.loads(line) for line in FACTS.read_text("utf-8").splitlines()]
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False, indent=2), "utf-8")
    args = ("--rules", RULES, "--tree", GRID, "--json")
    _, from_list, _ = run("points", "score", path, *args)
    _, from_lines, _ = run("points", "score", FACTS, *args)
    assert _json(from_lines)["postings"] == _json(from_list)["postings"]


def test_points_score_lists_every_bad_fact(run: Any, tmp_path: Path) -> None:
    lines = FACTS.read_text("utf-8").splitlines()[:3]
    bad = json.loads(lines[1])
    bad["at"] = "2026-01-10T09:00:00"  # naive
    path = tmp_path / "facts.jsonl"
    path.write_text(
        "\n".join([lines[0], json.dumps(bad), "", '{"kind": "gift", "id": "g1"}'])
        + "\n",
        "utf-8",
    )
    code, out, err = run("points", "score", path, "--rules", RULES, "--tree", GRID)
    assert (1, "") == (code, out)
    assert f"invalid fact in {path}, line 2 (id '{bad['id']}'): $.at:" in err
    assert "timezone-aware" in err
    assert f"invalid fact in {path}, line 4 (id 'g1'): $: expected a fact kind" in err


def _journal_rows(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        (n,) = db.execute("SELECT count(*) FROM records").fetchone()
    return int(n)


def test_points_score_into_a_journal_is_idempotent(run: Any, tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite"
    args = ("points", "score", FACTS, "--rules", RULES, "--tree", GRID)
    code, out, _ = run(*args, "--journal", db, "--json")
    assert 0 == code
    first = _json(out)["journal"]
    assert 144 == first["new_facts"]
    assert first["added"] > 144
    rows = _journal_rows(db)
    code, out, _ = run(*args, "--journal", db, "--json")
    assert 0 == code
    again = _json(out)["journal"]
    assert (0, 0) == (again["added"], again["new_facts"])
    assert rows == _journal_rows(db)
    code, out, _ = run(*args, "--journal", db)
    assert "0 records added" in out

    code, out, _ = run("points", "card", db, "--member", "bz-m0045")
    assert 0 == code
    assert out.startswith("奉献积分卡 · 成员 bz-m0045 · 全部")
    postings = [
        p
        for p in _json(run(*args, "--json")[1])["postings"]
        if p["member_id"] == "bz-m0045"
    ]
    code, out, _ = run("points", "card", db, "--member", "bz-m0045", "--json")
    card = _json(out)
    assert sum(p["points"] for p in postings) == card["closing"]
    assert len(postings) == len(card["lines"])
    code, out, _ = run(
        "points", "card", db, "--member", "bz-m0045", "--period", "2026-Q1",
        "--lang", "en",
    )  # fmt: skip
    assert out.startswith("Points card · member bz-m0045 · 2026-Q1")


def test_points_journal_refuses_a_changed_fact(run: Any, tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite"
    args = ("--rules", RULES, "--tree", GRID, "--journal", db)
    assert 0 == run("points", "score", FACTS, *args)[0]
    first = json.loads(FACTS.read_text("utf-8").splitlines()[0])
    first["member_id"] = "someone-else"
    path = tmp_path / "changed.jsonl"
    path.write_text(json.dumps(first) + "\n", "utf-8")
    rows = _journal_rows(db)
    code, _, err = run("points", "score", path, *args)
    assert 1 == code
    assert f"conflicting fact in {path}, fact '{first['id']}'" in err
    assert rows == _journal_rows(db)


def test_points_card_unknown_member_and_not_a_journal(run: Any) -> None:
    code, _, err = run("points", "card", GRID, "--member", "m1")
    assert 2 == code
    assert "is not a redcity journal" in err


# ------------------------------------------------------------ dispatch


def test_dispatch_rates(run: Any) -> None:
    code, out, _ = run("dispatch", "rates", TICKETS, "--period", "2026-Q3")
    assert 0 == code
    assert "40 tickets; rates of 2026-Q3" in out
    header, total = out.splitlines()[1:]
    assert ["area", "应结案数", "立案率", "派遣率", "结案率"] == header.split()[:5]
    assert "total" == total.split()[0]


def test_dispatch_rates_by_community(run: Any) -> None:
    args = ("dispatch", "rates", TICKETS, "--period", "2026-Q3", "--tree", GRID)
    code, out, _ = run(*args, "--by", "社区")
    assert 0 == code
    assert ["南社区", "仁和苑社区", "total"] == [
        line.split()[0] for line in out.splitlines()[2:]
    ]
    code, out, _ = run(*args, "--json")
    result = _json(out)
    assert ("2026-Q3", 40, "community") == (
        result["period"], result["tickets"], result["by"]
    )  # fmt: skip
    areas = result["areas"]
    assert ["520304001001", "520304001002"] == [a["id"] for a in areas]
    summed = sum((CaseCounts(**a["cases"]) for a in areas), CaseCounts())
    assert CaseCounts(**result["total"]["cases"]) == summed
    total = result["total"]
    closure = Fraction(total["cases"]["closed"], total["cases"]["due"])
    assert closure == Fraction(total["rates"]["closure"])
    assert percent(closure) == total["percent"]["closure"]


def test_dispatch_rates_with_an_unrelated_tree(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "tree.csv"
    path.write_text("id,parent,level,name\nc,,社区,洗马社区\n", "utf-8")
    code, _, err = run(
        "dispatch", "rates", TICKETS, "--period", "2026-Q3", "--tree", path
    )
    assert 1 == code
    assert "Is --tree the grid these tickets were filed in?" in err


def test_dispatch_rates_lists_bad_tickets(run: Any, tmp_path: Path) -> None:
    tickets = json.loads(TICKETS.read_text("utf-8"))[:2]
    tickets[1]["events"] = tickets[1]["events"][1:]  # no report first
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps(tickets, ensure_ascii=False), "utf-8")
    code, _, err = run("dispatch", "rates", path, "--period", "2026-Q3")
    assert 1 == code
    sid = tickets[1]["service_request_id"]
    assert f"invalid ticket in {path}, item 2 (service_request_id '{sid}'): " in err


# ------------------------------------------------------------ meetings, export


def test_meetings_minutes(run: Any) -> None:
    code, out, _ = run("meetings", "minutes", XINGMAO)
    assert 0 == code
    assert out.startswith("# 会议纪要：兴茂小区第一次三方共议会")
    assert "王某" in out  # named through the bundle's persons
    code, out, _ = run("meetings", "minutes", LONGQUAN, "--html")
    assert out.startswith("<!DOCTYPE html>")
    code, out, _ = run("meetings", "minutes", LONGQUAN, "--json")
    doc = _json(out)
    assert ("mt-longquan-2026-1", "closed", "markdown") == (
        doc["id"], doc["state"], doc["format"]
    )  # fmt: skip
    assert "飞线" in doc["minutes"]


def test_meetings_minutes_of_a_bare_meeting(run: Any, tmp_path: Path) -> None:
    bundle = json.loads(XINGMAO.read_text("utf-8"))
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(bundle["meeting"], ensure_ascii=False), "utf-8")
    code, out, _ = run("meetings", "minutes", path)
    assert 0 == code
    assert "# 会议纪要：兴茂小区第一次三方共议会" in out
    bundle["meeting"]["title"] = 3
    del bundle["meeting"]["venue"]
    path.write_text(json.dumps(bundle, ensure_ascii=False), "utf-8")
    code, _, err = run("meetings", "minutes", path)
    assert 1 == code
    assert f"invalid meeting in {path}: $.meeting.title: expected a string" in err
    assert "$.meeting.venue: required key is missing" in err


def test_export_popolo_is_valid(run: Any, tmp_path: Path) -> None:
    code, out, _ = run("export", "popolo", XINGMAO, LONGQUAN)
    assert 0 == code
    doc = _json(out)
    assert ["mt-longquan-2026-1", "mt-xingmao-2026-1"] == sorted(
        e["id"] for e in doc["events"]
    )
    singular = {
        "persons": "person",
        "organizations": "organization",
        "memberships": "membership",
        "posts": "post",
        "events": "event",
        "motions": "motion",
        "vote_events": "vote_event",
    }
    assert set(singular) == set(doc)
    for key, objects in doc.items():
        for obj in objects:
            assert_valid("popolo", singular[key], obj)
    target = tmp_path / "popolo.json"
    code, out, _ = run("export", "popolo", XINGMAO, LONGQUAN, "-o", target, "--json")
    assert 0 == code
    assert doc == json.loads(target.read_text("utf-8"))
    assert {"wrote": str(target), **{k: len(v) for k, v in doc.items()}} == _json(out)


def test_export_open311_is_valid(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "open311.json"
    code, out, _ = run("export", "open311", TICKETS, "-o", target)
    assert 0 == code
    assert f"wrote {target}: 40 requests" == out.strip()
    requests = json.loads(target.read_text("utf-8"))
    assert_valid("open311", "requests", requests)
    assert 40 == len({r["service_request_id"] for r in requests})
    code, out, _ = run("export", "open311", TICKETS)
    assert requests == _json(out)


def test_export_to_an_unwritable_place(run: Any, tmp_path: Path) -> None:
    code, _, err = run("export", "open311", TICKETS, "-o", tmp_path / "no" / "x.json")
    assert 2 == code
    assert "redcity: error: cannot write " in err


# ------------------------------------------------------------ the entry point


def test_entry_point_reports_without_traceback() -> None:
    exe = shutil.which("redcity", path=str(Path(sys.executable).parent))
    assert exe is not None
    done = subprocess.run(
        [exe, "grid", "check", str(BAD)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert 1 == done.returncode
    assert "" == done.stdout
    assert "Traceback" not in done.stderr
    assert "redcity: 8 problems found in" in done.stderr


def test_the_example_tree_matches_the_sample() -> None:
    tree = GridTree.from_json(GRID_JSON.read_text("utf-8"))
    assert 34 == tree.count(Level.GRID)
    assert "兴茂小区" == tree["520304001001-C01"].name
