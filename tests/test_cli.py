"""The front door: ``redcity demo`` on the bundled Zunyi sample."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from redcity.cli import main
from redcity.grid import GridTree, Level
from redcity.points.journal import replay_ledger
from redcity.store import Journal
from schema_check import assert_valid


def test_demo_prints_every_district(capsys: pytest.CaptureFixture[str]) -> None:
    assert 0 == main(["demo", "--no-progress"])
    out = capsys.readouterr().out
    for name in ("红花岗区", "汇川区", "播州区"):
        assert name in out
    assert "968" in out  # 红花岗区 grids
    assert "432/432 grids have a 网格长 and a 网格员" in out
    assert "39 网格党支部, 229 党小组" in out
    assert "绿牌" in out
    assert "verified ok" in out  # the points bank of the year
    assert "奉献积分卡" in out
    for street in ("南白街道", "播南街道", "影山湖街道", "桂花桥街道", "龙坑街道"):
        assert street in out


def test_demo_writes_tree_and_picture(tmp_path: Path) -> None:
    assert 0 == main(["demo", "--no-progress", "--out", str(tmp_path / "out")])
    tree = GridTree.from_json((tmp_path / "out" / "tree.json").read_text("utf-8"))
    assert 1932 == tree.count(Level.GRID)
    picture = (tmp_path / "out" / "street-hierarchy.png").read_bytes()
    assert picture.startswith(b"\x89PNG")
    with Journal.open(tmp_path / "out" / "journal.sqlite") as journal:
        assert journal.verify() > 0
        bank = replay_ledger(journal)
    assert bank.verify().ok
    assert 0 < len(bank)


def test_unwritable_out_is_a_readable_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert 1 == main(["demo", "--no-progress", "--out", str(blocker)])
    assert capsys.readouterr().err.startswith("redcity: ")


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert 0 == info.value.code
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert "--out DIR" in capsys.readouterr().out


# ------------------------------------------------------------ meetings


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """One ``redcity demo --out`` run: its standard output and its folder."""
    out = tmp_path_factory.mktemp("demo") / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert 0 == main(["demo", "--no-progress", "--out", str(out)])
    return buffer.getvalue(), out


def test_demo_prints_both_meetings_minutes(demo_run: tuple[str, Path]) -> None:
    out, _ = demo_run
    assert "# 会议纪要：兴茂小区第一次三方共议会" in out
    assert "# 会议纪要：龙泉小区红色议事会：飞线充电整治" in out
    assert "乒乓球台6张、羽毛球场2片、休闲座椅12张" in out
    assert "第(八)项" in out  # the 278 flag
    assert "owners' decision (民法典 278 (八)): passed" in out
    assert "threshold 3/4" in out
    assert out.count("当前状态：已闭环") == 2
    assert "飞线" in out


def test_demo_prints_closed_loop_figures(demo_run: tuple[str, Path]) -> None:
    out, _ = demo_run
    assert "播州区 monthly closed loop" in out
    assert "1,288 topics collected, 1,193 resolved, 1,096 fed back" in out
    for month in ("2026-01", "2026-12"):
        assert f"\n  {month} " in out
    for area in (
        "南白街道",
        "龙坑街道",
        "    南社区",
        "    永和社区",
        "    仁和苑社区",
    ):
        assert area in out
    assert "median days" in out


def test_demo_writes_minutes_and_popolo(demo_run: tuple[str, Path]) -> None:
    _, folder = demo_run
    for name in ("xingmao", "longquan"):
        md = (folder / f"minutes-{name}.md").read_text("utf-8")
        page = (folder / f"minutes-{name}.html").read_text("utf-8")
        assert md.startswith("# 会议纪要：")
        assert "<h1>" in page
        assert "已闭环" in md
        assert "已闭环" in page
    doc = json.loads((folder / "popolo.json").read_text("utf-8"))
    assert ["mt-longquan-2026-1", "mt-xingmao-2026-1"] == sorted(
        e["id"] for e in doc["events"]
    )
    assert 2 == len(doc["vote_events"])
    assert any(m.get("role") == "特邀委员" for m in doc["memberships"])
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
