"""The front door: ``redcity demo`` on the bundled Zunyi sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from redcity.cli import main
from redcity.grid import GridTree, Level
from redcity.points.journal import replay_ledger
from redcity.store import Journal


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
