"""The front door: ``redcity demo`` on the bundled Zunyi sample."""

from __future__ import annotations

import contextlib
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

import redcity as rc
from redcity import cli
from redcity.cli import (
    DEMO_CONDITIONS,
    DEMO_PER_GRID,
    DEMO_PERIOD,
    DEMO_SEED,
    DEMO_STREET,
    main,
)
from redcity.datasets import synthetic, zunyi
from redcity.dispatch import CaseCounts, ResolutionShares, Ticket
from redcity.dispatch.metrics import percent
from redcity.grid import Card, CardPolicy, GridTree, Level, Threshold
from redcity.points.journal import replay_ledger
from redcity.report import DISPATCH_CARD_POLICY, DispatchQuarter, dispatch_quarter
from redcity.store import Journal
from schema_check import assert_valid


def test_demo_prints_every_district_and_writes_into_redcity_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert 0 == main(["demo", "--no-progress"])
    page = (tmp_path / "redcity-demo" / "report.html").read_text("utf-8")
    for name in ("红花岗区", "汇川区", "播州区"):
        assert name in page
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


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """One ``redcity demo --out`` run: its standard output and its folder."""
    out = tmp_path_factory.mktemp("demo") / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert 0 == main(["demo", "--no-progress", "--out", str(out)])
    return buffer.getvalue(), out


def test_no_out_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    def fake_demo(*, out: Path | None, progress: bool) -> int:
        calls.append((out, progress))
        return 0

    monkeypatch.setattr(cli, "run_demo", fake_demo)
    assert 0 == main(["demo", "--no-out", "--no-progress"])
    assert 0 == main(["demo"])
    assert [(None, False), (Path("redcity-demo"), True)] == calls


def test_demo_writes_tree_and_picture(demo_run: tuple[str, Path]) -> None:
    _, out = demo_run
    tree = GridTree.from_json((out / "tree.json").read_text("utf-8"))
    assert 1932 == tree.count(Level.GRID)
    picture = (out / "street-hierarchy.png").read_bytes()
    assert picture.startswith(b"\x89PNG")
    with Journal.open(out / "journal.sqlite") as journal:
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


# ------------------------------------------------------------ dispatch


def _dispatch_section(out: str) -> str:
    start = out.index("南白街道 dispatch, 2026-Q3")
    end = out.index("\ndone in ", start)
    return out[start:end]


@pytest.fixture(scope="module")
def nanbai_quarter() -> DispatchQuarter:
    """The quarter the demo simulates, recomputed by the report function."""
    return dispatch_quarter(
        zunyi(),
        DEMO_STREET,
        DEMO_PERIOD,
        seed=DEMO_SEED,
        per_grid=DEMO_PER_GRID,
        conditions=DEMO_CONDITIONS,
    )


def _row(section: str, name: str, header: str) -> list[str]:
    """The cells of ``name``'s row in the table after the line ``header``."""
    table = section[section.index(header) :]
    line = re.search(rf"^  {re.escape(name)}  .*$", table, re.MULTILINE)
    assert line is not None, f"no row for {name} after {header!r}"
    return line.group(0).split()[1:]


def test_demo_prints_the_quarter_of_requests(
    demo_run: tuple[str, Path], nanbai_quarter: DispatchQuarter
) -> None:
    section = _dispatch_section(demo_run[0])
    q = nanbai_quarter
    assert q.arrived == q.closed + q.redirected + q.open
    assert (
        f"{q.arrived:,} tickets arrived, {q.closed:,} closed, "
        f"{q.redirected:,} redirected (转办), {q.open:,} open" in section
    )
    names = ["南社区", "仁和苑社区", *(f"南白街道第{k}社区" for k in range(3, 7))]
    assert names == [c.name for c in q.communities]
    for area in (*q.communities, q.street):
        r, h = area.rates, area.hotline_rates
        rates = [r.filing, r.dispatch, r.closure, r.on_time_closure, r.rework]
        rates += [r.extension, h.response, h.resolution, h.satisfaction]
        expected = [f"{area.cases.due:,}", *map(percent, rates), area.card.card.zh]
        assert expected == _row(section, area.name, "按期结案率")
        s = area.shares
        shares = [s.grid_share, s.community_share, s.above_share]
        assert [f"{s.total:,}", *map(percent, shares)] == _row(
            section, area.name, "社区以上\n"
        )
        tally = [f"{n}" for n in area.grid_cards.values()]
        cards = [area.card.card.zh, f"{sum(area.grid_cards.values())}", *tally]
        assert cards == _row(section, area.name, "its grids")[: len(cards)]


def test_demo_prints_the_cards_and_their_policy(
    demo_run: tuple[str, Path], nanbai_quarter: DispatchQuarter
) -> None:
    section = _dispatch_section(demo_run[0])
    assert "按期结案率 yellow below 90%, red below 80%" in section
    assert "返工率 yellow above 10%, red above 20%" in section
    assert 102 == sum(nanbai_quarter.street.grid_cards.values())
    for decision in nanbai_quarter.flagged[:10]:
        name = zunyi()[decision.node_id].name
        assert f"    {name}: {decision.card.zh} (" in section


def test_demo_writes_the_quarter_as_open311(
    demo_run: tuple[str, Path], nanbai_quarter: DispatchQuarter
) -> None:
    _, folder = demo_run
    requests = json.loads((folder / "open311.json").read_text("utf-8"))
    assert nanbai_quarter.arrived == len(requests)
    assert_valid("open311", "requests", requests)
    ids = [r["service_request_id"] for r in requests]
    assert len(ids) == len(set(ids))
    statuses = {r["status"] for r in requests}
    assert {"open", "closed"} == statuses
    assert all(r["requested_datetime"].startswith("2026-0") for r in requests)


def test_dispatch_quarter_figures_add_up() -> None:
    tree = synthetic(300)
    street = tree.nodes(Level.STREET)[0]
    q = dispatch_quarter(tree, street, "2026-07", seed=5, per_grid=0.5)
    assert q == dispatch_quarter(tree, street, "2026-07", seed=5, per_grid=0.5)
    assert q == rc.serialize.from_json(rc.serialize.to_json(q), DispatchQuarter)
    assert len(q.tickets) == q.arrived == q.closed + q.redirected + q.open
    assert all(isinstance(t, Ticket) for t in q.tickets)
    assert q.street.cases == sum((c.cases for c in q.communities), CaseCounts())
    assert q.street.shares == sum((c.shares for c in q.communities), ResolutionShares())
    assert q.closed == q.street.shares.total  # every case closed in the month
    for area in (*q.communities, q.street):
        metrics = {
            "按期结案率": area.rates.on_time_closure,
            "返工率": area.rates.rework,
            "延期率": area.rates.extension,
            "满意率": area.hotline_rates.satisfaction,
        }
        present = {k: v for k, v in metrics.items() if v is not None}
        assert DISPATCH_CARD_POLICY(present) is area.card.card
    grids = [g for g in tree.nodes(Level.GRID) if tree.contains(street, g)]
    assert len(grids) == sum(q.street.grid_cards.values())
    flagged = sum(
        n for card, n in q.street.grid_cards.items() if card is not Card.GREEN
    )
    assert flagged == len(q.flagged)


def test_dispatch_quarter_cards_follow_the_policy() -> None:
    tree = synthetic(300)
    street = tree.nodes(Level.STREET)[0]
    strict = CardPolicy([Threshold("满意率", "higher", red=1)])
    q = dispatch_quarter(tree, street, "2026-07", seed=5, card_policy=strict)
    assert Fraction(1) > q.street.hotline_rates.satisfaction  # some 基本满意
    assert Card.RED is q.street.card.card


def test_dispatch_quarter_wants_a_street() -> None:
    tree = synthetic(300)
    community = tree.nodes(Level.COMMUNITY)[0]
    with pytest.raises(ValueError, match="Expected a street"):
        dispatch_quarter(tree, community, "2026-07", seed=1)
