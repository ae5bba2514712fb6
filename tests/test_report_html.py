"""``report.html``: the demo's page, built from the demo's own objects."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import redcity as rc
from redcity.cli import (
    DEMO_CONDITIONS,
    DEMO_PER_GRID,
    DEMO_PERIOD,
    DEMO_RULEBOOK,
    DEMO_SEED,
    DEMO_STREET,
    DEMO_YEAR,
)
from redcity.datasets import (
    BOZHOU,
    bozhou_service_year,
    seed_meetings,
    seed_topics,
    zunyi,
    zunyi_staffing,
)
from redcity.dispatch.metrics import percent
from redcity.grid import Level, evaluate_cards, party_coverage
from redcity.points.examples import example_rulebook
from redcity.report import (
    DEMO_CARD_POLICY,
    dispatch_quarter,
    district_summaries,
    grid_card_metrics,
    loop_year,
    points_year,
)
from redcity.report_html import _squarify, demo_report_html, write_report

ON = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def inputs() -> dict[str, Any]:
    """The objects ``redcity demo`` computes, computed as ``run_demo`` does."""
    tree = zunyi()
    staff = zunyi_staffing()
    metrics = grid_card_metrics(
        tree, staff.assignments, staff.party_orgs, within=BOZHOU
    )
    year = bozhou_service_year()
    return {
        "tree": tree,
        "summaries": district_summaries(tree),
        "coverage": party_coverage(tree.subtree(BOZHOU), staff.party_orgs),
        "cards": evaluate_cards(DEMO_CARD_POLICY, {DEMO_PERIOD: metrics}),
        "points": points_year(tree, year.facts, example_rulebook(DEMO_RULEBOOK)),
        "meetings": seed_meetings(),
        "loop": loop_year(tree, seed_topics(DEMO_YEAR), DEMO_YEAR, within=BOZHOU),
        "dispatch": dispatch_quarter(
            tree,
            DEMO_STREET,
            DEMO_PERIOD,
            seed=DEMO_SEED,
            per_grid=DEMO_PER_GRID,
            conditions=DEMO_CONDITIONS,
        ),
    }


def build(inputs: dict[str, Any], **changes: Any) -> str:
    """The page of ``inputs``, some of them replaced by ``changes``."""
    return demo_report_html(**{**inputs, **changes}, on=ON)


@pytest.fixture(scope="module")
def page(inputs: dict[str, Any]) -> str:
    return build(inputs)


def test_page_names_every_district_and_the_header(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    for name in ("遵义市", "红花岗区", "汇川区", "播州区"):
        assert name in page
    assert "2026-10-01" in page
    assert f"redcity {rc.__version__}" in page
    assert "1,932" in page  # grids in the sample


def test_page_shows_the_meetings_and_the_loop(page: str) -> None:
    assert "会议纪要：兴茂小区第一次三方共议会" in page
    assert "会议纪要：龙泉小区红色议事会：飞线充电整治" in page
    assert "2026-01" in page
    assert "2026-12" in page
    assert "月度闭环" in page


def test_page_shows_the_street_communities_rates_and_cards(
    page: str, inputs: dict[str, Any]
) -> None:
    q = inputs["dispatch"]
    for area in (*q.communities, q.street):
        assert area.name in page
        assert f"<td>{area.name}</td>" in page  # a row of the rates table
    assert f'<td class="n">{percent(q.street.rates.on_time_closure)}</td>' in page
    assert f'<td class="n">{percent(q.street.shares.grid_share)}</td>' in page
    for card in ("绿牌", "黄牌", "红牌"):
        assert card in page


def test_card_map_has_one_rectangle_per_grid(page: str, inputs: dict[str, Any]) -> None:
    tree = inputs["tree"]
    grids = [g for g in tree.descendants(DEMO_STREET) if tree.level(g) is Level.GRID]
    start = page.index('aria-label="南白街道 card map"')
    card_map = page[start : page.index("</svg>", start)]
    assert len(grids) == card_map.count("<g><title>")
    for g in grids:
        assert f"<title>{tree[g].name} · " in card_map


def test_page_shows_points(page: str, inputs: dict[str, Any]) -> None:
    points = inputs["points"]
    for street in ("南白街道", "播南街道", "影山湖街道", "桂花桥街道", "龙坑街道"):
        assert f"<td>{street}</td>" in page
    member, earned = next(iter(points.top_by_street.values()))[0]
    assert f"{member} {earned:,}" in page
    assert f"{sum(points.points_by_street.values()):,}" in page


def test_page_is_self_contained(page: str) -> None:
    assert "<script" not in page
    assert not re.search(r"<link\b", page)
    assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"""url\(\s*["']?(https?:)?//""", page)
    assert "@import" not in page


def test_plots_are_inline_svg_with_unique_ids(page: str) -> None:
    # districts, card map, stars, points per street, where resolved
    assert 5 == page.count("<svg")
    assert "<?xml" not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]+)\)", page):
        assert ref in ids


def test_page_escapes_names(inputs: dict[str, Any]) -> None:
    summaries = list(inputs["summaries"])
    summaries[0] = attrs.evolve(summaries[0], name="红花岗区<script>x</script>")
    q = inputs["dispatch"]
    first = attrs.evolve(q.communities[0], name="南社区 <b>&</b>")
    q = attrs.evolve(q, communities=(first, *q.communities[1:]))
    page = build(inputs, summaries=summaries, dispatch=q)
    assert "红花岗区&lt;script&gt;x&lt;/script&gt;" in page
    assert "南社区 &lt;b&gt;&amp;&lt;/b&gt;" in page
    assert "<script" not in page
    assert "<b>&</b>" not in page


def test_page_without_matplotlib_says_so(
    inputs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    page = build(inputs)
    assert "pip install 'redcity[plot]'" in page
    assert "plot</code> extra" in page
    assert 1 == page.count("<svg")  # the card map needs no matplotlib
    for name in ("红花岗区", "汇川区", "播州区", "南白街道"):
        assert name in page


def test_page_is_deterministic(page: str, inputs: dict[str, Any]) -> None:
    assert page == build(inputs)


def test_write_report(tmp_path: Path, page: str) -> None:
    path = write_report(tmp_path / "report.html", page)
    assert page == path.read_text("utf-8")


@pytest.mark.parametrize(
    "sizes", [[5.0], [3.0, 2.0, 1.0], [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0]]
)
def test_squarify_areas_fill_the_rectangle(sizes: list[float]) -> None:
    rects = _squarify(sizes, (10.0, 20.0, 300.0, 200.0))
    total = sum(sizes)
    assert len(sizes) == len(rects)
    for size, (x, y, w, h) in zip(sizes, rects, strict=True):
        assert w * h == pytest.approx(size / total * 300 * 200)
        assert 10 - 1e-9 <= x <= x + w <= 310 + 1e-9
        assert 20 - 1e-9 <= y <= y + h <= 220 + 1e-9
