"""``report.html``: the demo's figures on one self-contained page.

:func:`demo_report_html` turns what ``redcity demo`` computed — the tree and
its district summaries, party coverage and grid cards, a year of points,
the two seed meetings, the monthly closed loop and a simulated quarter of
requests — into one HTML page a district leader reads or prints:

1. the header: the sample, the run date, the redcity version;
2. 网格与覆盖: counts per level, households, population and party coverage
   per district (a table and a bar chart), the grid cards of the demo's
   card policy;
3. 网格牌图: the card map of the dispatch street — a treemap of its
   communities and their grids, each grid's area its households, coloured
   by the card its quarter of requests earned;
4. 积分: the star distribution, points per street and the top volunteers;
5. 接诉即办: the official rates per community, where cases were resolved,
   the cards and the grids carded yellow or red;
6. 会议与闭环: both meetings' minutes and the monthly closed loop.

The page needs no network and no JavaScript: styles are inline, the
charts are SVG written into the page.  Bar charts are drawn by matplotlib
(the ``plot`` extra) with English labels and division codes (its default
fonts carry no Chinese glyphs); without matplotlib the page says so and
keeps its tables.  The treemap is plain SVG written here (a squarified
layout), so it always shows and its Chinese labels use the reader's fonts.
The same inputs and ``on`` date give the same page, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import redcity
from redcity._html import esc as _esc
from redcity.datasets import SeedMeeting
from redcity.dispatch.metrics import percent
from redcity.grid import (
    Card,
    CardHistory,
    GridTree,
    Level,
    PartyCoverage,
)
from redcity.meetings.cycle import LoopFigures
from redcity.meetings.minutes import minutes_html
from redcity.report import (
    AreaDispatch,
    DispatchQuarter,
    DistrictSummary,
    LoopYear,
    PointsYear,
    card_breaches,
    describe_card_policy,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["demo_report_html", "write_report"]

_LEVELS: Final = (
    Level.STREET,
    Level.COMMUNITY,
    Level.COMPOUND,
    Level.GRID,
    Level.BUILDING,
)
_CARD_COLOUR: Final = {
    Card.GREEN: "#7cc47f",
    Card.YELLOW: "#f2c94c",
    Card.RED: "#e06666",
}
_SHARE_COLOURS: Final = ("#4e79a7", "#a0cbe8", "#f28e2b")  # grid, community, above
_BAR_COLOUR: Final = "#4e79a7"
_FLAGGED_SHOWN: Final = 30
_NO_PLOTS: Final = (
    '<p class="note">图表需要 plot 扩展 · Plots need the <code>plot</code> extra: '
    "<code>pip install 'redcity[plot]'</code> (the tables below hold every "
    "figure).</p>"
)

_CSS: Final = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",
"Source Han Sans SC",sans-serif;margin:1.5em auto;max-width:62em;
padding:0 1em;color:#222;line-height:1.45;font-size:14px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;margin:1.4em 0 .3em;
border-bottom:2px solid #b22;padding-bottom:.1em}h3{font-size:1.05em;
margin:1em 0 .3em}.en{color:#666;font-weight:normal;font-size:.85em}
.meta,.note{color:#555;font-size:.9em}
table{border-collapse:collapse;margin:.4em 0 .8em;font-size:.9em}
th,td{border:1px solid #bbb;padding:2px 7px}th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;background:#fafafa}
.card{display:inline-block;padding:0 .5em;border-radius:3px}
.green{background:#7cc47f}.yellow{background:#f2c94c}.red{background:#e06666}
figure{margin:.5em 0}figure svg{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#555}
.minutes{border:1px solid #ddd;padding:.2em 1em;margin:.8em 0}
.minutes h1{font-size:1.2em}.minutes h2{font-size:1.05em;border:none}
@media print{body{max-width:none;font-size:11px}section{break-inside:auto}
figure,table{break-inside:avoid}h2{break-after:avoid}}
""".strip()


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


class _Raw(str):
    """A cell that is already HTML (a card badge): not escaped again."""

    __slots__ = ()


class _Num(_Raw):
    """A preformatted number or percentage, already escaped: right-aligned."""

    __slots__ = ()


def _cell(value: object) -> str:
    if isinstance(value, _Num):
        return f'<td class="n">{value}</td>'
    if isinstance(value, _Raw):
        return f"<td>{value}</td>"
    if isinstance(value, bool) or value is None:
        return f"<td>{_esc('' if value is None else value)}</td>"
    if isinstance(value, int):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{_esc(value)}</td>"


def _num(text: str) -> _Num:
    return _Num(_esc(text))


def _table(
    head: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    total: Sequence[object] | None = None,
) -> str:
    """An escaped table: ints right-aligned with separators; ``total`` in bold."""
    header = "".join(f"<th>{_esc(h)}</th>" for h in head)
    body = ["<tr>" + "".join(_cell(v) for v in r) + "</tr>" for r in rows]
    if total is not None:
        body.append('<tr class="total">' + "".join(_cell(v) for v in total) + "</tr>")
    rows_html = "\n".join(body)
    return (
        f"<table><thead><tr>{header}</tr></thead><tbody>\n{rows_html}\n</tbody></table>"
    )


def _badge(card: Card) -> _Raw:
    return _Raw(f'<span class="card {card.value}">{_esc(card.zh)}</span>')


def _pct(value: Fraction | int | None) -> _Num:
    return _num(percent(value))


def _plural(level: Level) -> str:
    return "communities" if level is Level.COMMUNITY else f"{level.en}s"


def _heading(zh: str, en: str, level: int = 2) -> str:
    return f'<h{level}>{_esc(zh)} <span class="en">{_esc(en)}</span></h{level}>'


# --------------------------------------------------------------------------
# Charts: matplotlib → inline SVG
# --------------------------------------------------------------------------

_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SVG_IDS = re.compile(r'(\bid="|url\(#|href="#)')


class _Plotter:
    """Draws bar charts with matplotlib as inline SVG; ``None`` without it."""

    def __init__(self) -> None:
        import matplotlib  # raises ImportError without the plot extra
        from matplotlib.figure import Figure

        self._mpl = matplotlib
        self._figure = Figure

    @classmethod
    def load(cls) -> _Plotter | None:
        try:
            return cls()
        except ImportError:
            return None

    def svg(
        self, name: str, size: tuple[float, float], draw: Callable[[Figure], None]
    ) -> str:
        """One figure as an ``<svg>`` element whose ids start with ``name``."""
        settings: dict[Any, Any] = {
            "svg.hashsalt": f"redcity-{name}",  # stable ids: a reproducible page
            "svg.fonttype": "none",  # text stays text: small and selectable
            "font.family": ["DejaVu Sans"],
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
        with self._mpl.rc_context(settings):
            fig = self._figure(figsize=size, dpi=100, layout="constrained")
            draw(fig)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        text = buffer.getvalue()
        text = _SVG_METADATA.sub("", text[text.index("<svg") :])
        # Ids unique in the page: several SVGs share one document.
        return _SVG_IDS.sub(lambda m: f"{m.group(1)}{name}-", text).strip()


def _figure(svg: str | None, caption: str) -> str:
    if svg is None:
        return ""
    return f"<figure>{svg}<figcaption>{_esc(caption)}</figcaption></figure>"


def _bars(
    ax: Axes, labels: Sequence[str], values: Sequence[float], *, colour: str
) -> None:
    bars = ax.bar(list(labels), list(values), color=colour)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values], fontsize=8, padding=2)
    ax.margins(y=0.15)


def _districts_chart(plot: _Plotter, summaries: Sequence[DistrictSummary]) -> str:
    labels = [d.code or d.id for d in summaries]

    def draw(fig: Figure) -> None:
        left, right = fig.subplots(1, 2)
        x = range(len(labels))
        width = 0.8 / 3
        for k, (level, colour) in enumerate(
            zip(
                (Level.STREET, Level.COMMUNITY, Level.GRID), _SHARE_COLOURS, strict=True
            )
        ):
            values = [d.counts.get(level, 0) for d in summaries]
            bars = left.bar(
                [i + (k - 1) * width for i in x],
                values,
                width,
                color=colour,
                label=_plural(level),
            )
            left.bar_label(bars, fontsize=7, padding=1)
        left.set_xticks(list(x), labels)
        left.set_title("streets, communities and grids per district")
        left.legend(frameon=False)
        left.margins(y=0.12)
        _bars(
            right,
            labels,
            [d.households / 1000 for d in summaries],
            colour=_SHARE_COLOURS[0],
        )
        right.set_title("households per district (thousands)")

    return plot.svg("districts", (9.0, 3.2), draw)


def _stars_chart(plot: _Plotter, stars: dict[int, int]) -> str:
    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        _bars(ax, [f"{k}" for k in stars], list(stars.values()), colour=_BAR_COLOUR)
        ax.set_xlabel("stars (national thresholds: 100/300/600/1000/1500 h)")
        ax.set_ylabel("members")
        ax.set_title("star distribution")

    return plot.svg("stars", (4.4, 3.0), draw)


def _points_chart(plot: _Plotter, labels: Sequence[str], totals: Sequence[int]) -> str:
    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        _bars(ax, labels, [t / 1000 for t in totals], colour=_SHARE_COLOURS[2])
        ax.set_ylabel("points (thousands)")
        ax.set_title("points earned per street")
        ax.tick_params(axis="x", labelsize=7)

    return plot.svg("points", (4.6, 3.0), draw)


def _shares_chart(plot: _Plotter, areas: Sequence[AreaDispatch]) -> str:
    labels = [a.id if a.level is Level.COMMUNITY else f"{a.id} (street)" for a in areas]
    parts = [
        [float(a.shares.grid_share or 0) * 100 for a in areas],
        [float(a.shares.community_share or 0) * 100 for a in areas],
        [float(a.shares.above_share or 0) * 100 for a in areas],
    ]
    names = ("within the grid", "within the community", "above the community")

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        y = list(range(len(areas)))[::-1]
        start = [0.0] * len(areas)
        for values, name, colour in zip(parts, names, _SHARE_COLOURS, strict=True):
            ax.barh(y, values, left=start, color=colour, label=name)
            start = [s + v for s, v in zip(start, values, strict=True)]
        ax.set_yticks(y, labels)
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of the quarter's closed cases")
        ax.set_title("where cases were resolved")
        ax.legend(
            frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.2)
        )

    return plot.svg("shares", (7.5, 0.45 * len(areas) + 1.6), draw)


# --------------------------------------------------------------------------
# The card map: a squarified treemap in plain SVG
# --------------------------------------------------------------------------

_Rect = tuple[float, float, float, float]


def _worst(row: Sequence[float], side: float) -> float:
    s = sum(row)
    return max(max(side * side * r / (s * s), s * s / (side * side * r)) for r in row)


def _squarify(sizes: Sequence[float], rect: _Rect) -> list[_Rect]:
    """Rectangles with areas in proportion to ``sizes`` (sorted, largest first).

    Bruls, Huizing & van Wijk's squarified treemap: rows grow along the
    shorter side while that keeps the worst aspect ratio from worsening.

    >>> [tuple(round(v) for v in r) for r in _squarify([2, 1, 1], (0, 0, 4, 2))]
    [(0, 0, 2, 2), (2, 0, 2, 1), (2, 1, 2, 1)]
    """
    x, y, w, h = rect
    total = sum(sizes)
    areas = [s * w * h / total for s in sizes] if total else []
    out: list[_Rect] = []
    i = 0
    while i < len(areas):
        side = min(w, h)
        row = [areas[i]]
        i += 1
        while i < len(areas) and _worst([*row, areas[i]], side) <= _worst(row, side):
            row.append(areas[i])
            i += 1
        s = sum(row)
        if w >= h:  # a column on the left
            cw = s / h
            top = y
            for a in row:
                out.append((x, top, cw, a / cw))
                top += a / cw
            x, w = x + cw, w - cw
        else:  # a row along the top
            rh = s / w
            left = x
            for a in row:
                out.append((left, y, a / rh, rh))
                left += a / rh
            y, h = y + rh, h - rh
    return out


def _layout(items: Sequence[tuple[str, float]], rect: _Rect) -> list[tuple[str, _Rect]]:
    """Squarify ``(key, size)`` items, largest first, ties in the given order."""
    order = sorted(range(len(items)), key=lambda k: (-items[k][1], k))
    rects = _squarify([items[k][1] for k in order], rect)
    return [(items[k][0], r) for k, r in zip(order, rects, strict=True)]


def _card_map(tree: GridTree, q: DispatchQuarter) -> str:
    """Communities → grids as nested rectangles, grids coloured by their card."""
    width, height, head = 960.0, 520.0, 18.0
    decided = {d.node_id: d for d in q.cards.for_period(q.period)}
    communities = [
        (c, [g for g in tree.descendants(c.id) if tree.level(g) is Level.GRID])
        for c in q.communities
    ]

    def size(grid: str) -> float:
        return float(max(tree[grid].households or 0, 1))

    boxes = _layout(
        [(c.id, sum(size(g) for g in gs) or 1.0) for c, gs in communities],
        (0.0, 0.0, width, height),
    )
    by_id = {c.id: (c, gs) for c, gs in communities}
    parts: list[str] = []
    for cid, (x, y, w, h) in boxes:
        community, grids = by_id[cid]
        inner = (x + 2, y + head, max(w - 4, 0.0), max(h - head - 2, 0.0))
        for g, (gx, gy, gw, gh) in _layout([(g, size(g)) for g in grids], inner):
            node = tree[g]
            d = decided.get(g)
            card = d.card if d is not None else None
            fill = _CARD_COLOUR[card] if card is not None else "#dddddd"
            shown = card.zh if card is not None else "未评"
            tip = f"{node.name} · {shown} · {node.households or 0:,} 户"
            if d is not None and card is not Card.GREEN:
                tip += f" · {card_breaches(d, q.cards.policy)}"
            label = node.name.removeprefix(community.name)
            text = ""
            if gw >= 11 * len(label) + 2 and gh >= 14:
                text = (
                    f'<text x="{gx + gw / 2:.1f}" y="{gy + gh / 2 + 4:.1f}" '
                    f'text-anchor="middle" font-size="11">{_esc(label)}</text>'
                )
            parts.append(
                f"<g><title>{_esc(tip)}</title>"
                f'<rect x="{gx:.1f}" y="{gy:.1f}" width="{gw:.1f}" height="{gh:.1f}" '
                f'fill="{fill}" stroke="#fff" stroke-width="1"/>{text}</g>'
            )
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            'fill="none" stroke="#333" stroke-width="2"/>'
            f'<text x="{x + 5:.1f}" y="{y + 13:.1f}" font-size="12" '
            f'font-weight="bold">{_esc(community.name)} · '
            f"{_esc(community.card.card.zh)}</text>"
        )
    legend_y = height + 18
    legend = []
    tally = q.street.grid_cards
    for k, card in enumerate(Card):
        lx = 10 + k * 150
        legend.append(
            f'<rect x="{lx}" y="{legend_y - 11}" width="14" height="14" '
            f'fill="{_CARD_COLOUR[card]}"/><text x="{lx + 20}" y="{legend_y}" '
            f'font-size="12">{_esc(card.zh)} {card.value}: {tally.get(card, 0)}</text>'
        )
    legend.append(
        f'<text x="{width - 4}" y="{legend_y}" font-size="11" text-anchor="end" '
        'fill="#555">area = households 户数 · hover a grid for its card</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} '
        f'{height + 26:.0f}" width="{width:.0f}" height="{height + 26:.0f}" '
        f'role="img" aria-label="{_esc(q.street.name)} card map" '
        'font-family="sans-serif">' + "".join(parts) + "".join(legend) + "</svg>"
    )


# --------------------------------------------------------------------------
# Cards
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------


def _header(tree: GridTree, on: dt.date) -> str:
    root = tree[tree.root].name
    return (
        f"<header><h1>{_esc(root)} 党建引领基层治理 · 示例报告</h1>"
        f'<p class="en">{_esc(root)} sample: party-building-led grassroots '
        "governance, the figures of <code>redcity demo</code></p>"
        f'<p class="meta">运行日期 run date: {on.isoformat()} · redcity '
        f"{_esc(redcity.__version__)} · {len(tree):,} nodes · 示例数据，"
        "人名与小区为虚构 (sample data; generic names, invented estates)</p></header>"
    )


def _grid_section(
    tree: GridTree,
    summaries: Sequence[DistrictSummary],
    coverage: PartyCoverage | None,
    cards: CardHistory,
    plot: _Plotter | None,
) -> str:
    share = dict(coverage.coverage_by) if coverage is not None else {}
    head = ["区 district", "代码 code", *(f"{lv.zh} {_plural(lv)}" for lv in _LEVELS)]
    head += ["户 households", "人口 population", "网格党组织覆盖 party coverage"]
    rows = [
        [
            d.name,
            d.code or "",
            *(d.counts.get(lv, 0) for lv in _LEVELS),
            d.households,
            d.population,
            _pct(share[d.id]) if share.get(d.id) is not None else "—",
        ]
        for d in summaries
    ]
    total = [
        "合计 total",
        "",
        *(sum(d.counts.get(lv, 0) for d in summaries) for lv in _LEVELS),
        sum(d.households for d in summaries),
        sum(d.population for d in summaries),
        "",
    ]
    out = [
        _heading("网格数量与党组织覆盖", "Grids and party coverage per district"),
        _table(head, rows, total=total),
    ]
    if coverage is not None:
        out.append(
            '<p class="note">网格党组织覆盖: grids covered by a grid-level party '
            f"organisation (支部建在网格上), {coverage.covered:,}/{coverage.grids:,} "
            "of the grids the demo staffs; “—”: no staffing data in the sample.</p>"
        )
    if plot is not None:
        out.append(
            _figure(
                _districts_chart(plot, summaries),
                "Bars labelled by division code (代码) — names in the table above.",
            )
        )
    if cards.periods:
        period = cards.periods[-1]
        tally = cards.counts(period)
        districts = sorted(
            {tree.ancestor(n, Level.DISTRICT) or n for n in cards.nodes},
            key=tree.index,
        )
        where = "、".join(tree[d].name for d in districts) or "—"
        badges = " ".join(f"{_badge(c)} {tally.get(c, 0):,}" for c in Card)
        out.append(
            _heading(f"{where} 网格分类 {period}", "Grid cards (demo policy)", 3)
            + f"<p>{badges}</p>"
            f'<p class="note">Policy (configuration, not law): '
            f"{_esc(describe_card_policy(cards.policy))}.</p>"
        )
    return "<section>" + "\n".join(out) + "</section>"


def _card_map_section(tree: GridTree, q: DispatchQuarter) -> str:
    street = q.street
    return (
        "<section>"
        + _heading(f"{street.name} 网格牌图 {q.period}", "Card map of one street")
        + f'<p class="note">{_esc(street.name)} → {len(q.communities)} 社区 '
        f"communities → {sum(street.grid_cards.values())} 网格 grids; each grid "
        "coloured by the card its quarter of requests earned (dispatch card "
        "policy below).</p>" + f"<figure>{_card_map(tree, q)}</figure></section>"
    )


def _points_section(tree: GridTree, p: PointsYear, plot: _Plotter | None) -> str:
    streets = list(p.points_by_street)
    out = [
        _heading("志愿服务积分", "A year of points"),
        f'<p class="note">Rulebook {_esc(p.rulebook_id)}: {p.facts:,} facts → '
        f"{len(p.postings):,} postings for {len(p.hours):,} members; "
        f"{len(p.ledger):,} bank records; {p.refused_redemptions:,} redemptions "
        "refused for want of points.</p>",
    ]
    if plot is not None:
        out.append(
            _figure(
                _stars_chart(plot, dict(p.stars)), "星级分布 members per star level"
            )
            + _figure(
                _points_chart(
                    plot,
                    [tree[s].code or s for s in streets],
                    [p.points_by_street[s] for s in streets],
                ),
                "各街道积分 points per street, by division code",
            )
        )
    stars = [[f"{k}★" if k else "0", n] for k, n in p.stars.items()]
    out.append(_table(["星级 stars", "人数 members"], stars))
    rows = [
        [
            tree[s].name,
            tree[s].code or s,
            p.points_by_street[s],
            "；".join(f"{m} {pts:,}" for m, pts in p.top_by_street.get(s, ())),
        ]
        for s in streets
    ]
    out.append(
        _table(
            ["街道 street", "代码 code", "积分 points", "积分前列 top volunteers"],
            rows,
            total=["合计 total", "", sum(p.points_by_street.values()), ""],
        )
    )
    return "<section>" + "\n".join(out) + "</section>"


def _rate_row(a: AreaDispatch) -> list[object]:
    r, h = a.rates, a.hotline_rates
    rates = (
        *(r.filing, r.dispatch, r.closure, r.on_time_closure, r.rework),
        *(r.extension, h.response, h.resolution, h.satisfaction),
    )
    return [a.name, a.cases.due, *(_pct(v) for v in rates), _badge(a.card.card)]


def _dispatch_section(tree: GridTree, q: DispatchQuarter, plot: _Plotter | None) -> str:
    areas = (*q.communities, q.street)
    holders = ", ".join(f"{n:,} {kind}" for kind, n in q.open_by.items())
    rate_head = ["社区 community", "应结案数 due", "立案率", "派遣率", "结案率"]
    rate_head += ["按期结案率", "返工率", "延期率", "响应率", "解决率", "满意率"]
    rate_head += ["牌 card"]
    share_head = ["社区 community", "代码 code", "结案 closed", "网格内 in grid"]
    share_head += ["社区内 in community", "社区以上 above"]

    def shares(a: AreaDispatch) -> list[object]:
        s = a.shares
        return [
            a.name,
            a.id,
            s.total,
            _pct(s.grid_share),
            _pct(s.community_share),
            _pct(s.above_share),
        ]

    card_head = ["区域 area", "牌 card", "网格 grids", *(c.zh for c in Card), "why"]

    def card_row(a: AreaDispatch) -> list[object]:
        return [
            a.name,
            _badge(a.card.card),
            sum(a.grid_cards.values()),
            *(a.grid_cards.get(c, 0) for c in Card),
            card_breaches(a.card, q.cards.policy),
        ]

    flagged = [
        [tree[d.node_id].name, _badge(d.card), card_breaches(d, q.cards.policy)]
        for d in q.flagged[:_FLAGGED_SHOWN]
    ]
    more = len(q.flagged) - len(flagged)
    out = [
        _heading(
            f"{q.street.name} 接诉即办 {q.period}", "Residents' requests, a quarter"
        ),
        f'<p class="note">A simulated quarter (seed {q.seed}, {q.per_grid:g} '
        f"requests per grid per working day): {q.arrived:,} tickets arrived, "
        f"{q.closed:,} closed, {q.redirected:,} redirected (转办), {q.open:,} open "
        f"at the quarter's end{f' ({_esc(holders)})' if holders else ''}.</p>",
        _heading("官方口径比率", "Official rates per community", 3),
        _table(
            rate_head, [_rate_row(c) for c in q.communities], total=_rate_row(q.street)
        ),
        '<p class="note">结案率 … 延期率 over 应结案数 (carry-over included); '
        "响应率, 解决率, 满意率 over requests received less redirected.</p>",
        _heading("在哪一级解决", "Where cases were resolved", 3),
    ]
    if plot is not None:
        out.append(
            _figure(
                _shares_chart(plot, areas),
                "小事不出网格、大事不出社区 — bars labelled by node id (代码).",
            )
        )
    out += [
        _table(share_head, [shares(c) for c in q.communities], total=shares(q.street)),
        _heading("分类评牌", "Cards", 3),
        f'<p class="note">Policy (configuration, not law): '
        f"{_esc(describe_card_policy(q.cards.policy))}.</p>",
        _table(
            card_head, [card_row(c) for c in q.communities], total=card_row(q.street)
        ),
    ]
    if flagged:
        out.append(_heading("黄牌、红牌网格", "Grids carded yellow or red", 3))
        out.append(_table(["网格 grid", "牌 card", "why"], flagged))
        if more > 0:
            out.append(f"<p>… and {more:,} more</p>")
    return "<section>" + "\n".join(out) + "</section>"


def _loop_cells(f: LoopFigures) -> list[object]:
    median = f.median_days
    return [
        f.collected,
        f.carried_in,
        f.resolved,
        f.with_feedback,
        f.carried_over,
        _pct(f.resolution_rate),
        "" if median is None else _num(f"{float(median):g}"),
    ]


_LOOP_HEAD: Final = (
    "收集 collected",
    "结转入 carried in",
    "办结 resolved",
    "反馈 fed back",
    "结转出 carried over",
    "办结率 resolved %",
    "中位天数 median days",
)


def _meetings_section(meetings: Sequence[SeedMeeting], loop: LoopYear) -> str:
    out = [_heading("会议纪要", "Minutes of the meetings")]
    if not meetings:
        out.append('<p class="note">No meetings in this run.</p>')
    for seed in meetings:
        out.append(
            '<div class="minutes">'
            + minutes_html(seed.meeting, names=seed.names)
            + "</div>"
        )
    months = [
        [f"{loop.year}-{k:02d}", *_loop_cells(f)] for k, f in enumerate(loop.months, 1)
    ]
    areas: list[list[object]] = []
    for street, communities in loop.streets:
        areas.append([street.name, *_loop_cells(street)])
        areas.extend([f"\u3000{c.name}", *_loop_cells(c)] for c in communities)
    out += [
        _heading(
            f"{loop.total.name} 月度闭环 {loop.year}",
            "The monthly closed loop (问题收集→处置→反馈)",
        ),
        '<p class="note">Synthetic topics; resolved % = resolved / (carried in + '
        "collected).</p>",
        _table(
            ["月份 month", *_LOOP_HEAD],
            months,
            total=[f"{loop.year}", *_loop_cells(loop.total)],
        ),
        _table(["街道 / 社区 area", *_LOOP_HEAD], areas),
    ]
    return "<section>" + "\n".join(out) + "</section>"


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------


def demo_report_html(
    *,
    tree: GridTree,
    summaries: Sequence[DistrictSummary],
    cards: CardHistory,
    points: PointsYear,
    meetings: Sequence[SeedMeeting],
    loop: LoopYear,
    dispatch: DispatchQuarter,
    coverage: PartyCoverage | None = None,
    on: dt.date | None = None,
) -> str:
    """The demo's report as one self-contained HTML page (``report.html``).

    Every argument is something ``redcity demo`` already computed; the
    page reads them and computes nothing new but sums and layouts.

    Args:
        tree: The whole grid tree (the Zunyi sample).
        summaries: :func:`~redcity.report.district_summaries` of ``tree``.
        cards: The grid cards of the demo's card policy
            (:data:`~redcity.report.DEMO_CARD_POLICY`).
        points: The year of points (:func:`~redcity.report.points_year`).
        meetings: The seed meetings (:func:`~redcity.datasets.seed_meetings`),
            each shown as its minutes.
        loop: The monthly closed loop (:func:`~redcity.report.loop_year`).
        dispatch: The simulated quarter of requests
            (:func:`~redcity.report.dispatch_quarter`); its street is the
            one the card map draws.
        coverage: Party coverage (:func:`~redcity.grid.party_coverage`) of
            the grids staffed, shown per district when given.
        on: The run date in the header (today when ``None``).

    Returns:
        ``<!DOCTYPE html>`` … one page: inline CSS and SVG, no scripts, no
        links out; every text escaped.  With matplotlib (the ``plot``
        extra) the bar charts are drawn; without it the page says so.

    >>> from datetime import date
    >>> from redcity.datasets import synthetic
    >>> from redcity.grid import Level, evaluate_cards
    >>> from redcity.points.examples import example_rulebook
    >>> from redcity.report import (DEMO_CARD_POLICY, dispatch_quarter,
    ...     district_summaries, loop_year, points_year)
    >>> tree = synthetic(300)
    >>> district = tree.nodes(Level.DISTRICT)[0]
    >>> page = demo_report_html(
    ...     tree=tree,
    ...     summaries=district_summaries(tree),
    ...     cards=evaluate_cards(DEMO_CARD_POLICY, {"2026-Q3": {}}),
    ...     points=points_year(tree, [], example_rulebook("kunshan")),
    ...     meetings=(),
    ...     loop=loop_year(tree, [], 2026, within=district),
    ...     dispatch=dispatch_quarter(
    ...         tree, tree.nodes(Level.STREET)[0], "2026-Q3", seed=1, per_grid=0.2),
    ...     on=date(2026, 10, 1),
    ... )
    >>> page.startswith("<!DOCTYPE html>"), "第1区" in page, "2026-10-01" in page
    (True, True, True)
    """
    plot = _Plotter.load()
    day = on if on is not None else dt.date.today()
    root = tree[tree.root].name
    sections = [
        _header(tree, day),
        "" if plot is not None else _NO_PLOTS,
        _grid_section(tree, summaries, coverage, cards, plot),
        _card_map_section(tree, dispatch),
        _points_section(tree, points, plot),
        _dispatch_section(tree, dispatch, plot),
        _meetings_section(meetings, loop),
        '<footer class="meta">redcity '
        f"{_esc(redcity.__version__)} · generated by <code>redcity demo</code>; "
        "cards and thresholds are illustrative configuration, not law.</footer>",
    ]
    body = "\n".join(s for s in sections if s)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(root)} · redcity demo report</title>\n"
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write_report(path: Path, page: str) -> Path:
    """Write ``page`` to ``path`` as UTF-8 and return ``path``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_report(Path(folder) / "report.html", "<p>遵义</p>")
    ...     written.read_text("utf-8")
    '<p>遵义</p>'
    """
    path.write_text(page, encoding="utf-8")
    return path
