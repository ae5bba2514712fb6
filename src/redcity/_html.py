"""Small HTML pieces for ``_repr_html_``: escaped, inline, no scripts or styles.

Every text goes through :func:`html.escape`; numbers are right-aligned with
thousands separators; a long list is cut at ``limit`` rows with a line
saying how many more there are.  Jupyter styles the tables itself.

>>> print(table(("成员 member", "积分 points"), [("m<1>", 1250), ("m2", None)]))
<table><thead><tr><th>成员 member</th><th>积分 points</th></tr></thead><tbody><tr><td>m&lt;1&gt;</td><td style="text-align:right">1,250</td></tr><tr><td>m2</td><td></td></tr></tbody></table>
"""  # noqa: E501

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime
from fractions import Fraction
from typing import Final

import pendulum

__all__ = ["block", "clip", "esc", "more", "table", "text", "when"]

_RIGHT: Final = ' style="text-align:right"'


def esc(value: object) -> str:
    """``str(value)`` escaped for HTML text and attribute values."""
    return html.escape(str(value), quote=True)


def text(value: object) -> str:
    """How a cell shows a value (unescaped): ``None`` as nothing, ints with
    thousands separators, booleans as ✓/✗, the rest as ``str``.

    >>> text(None), text(12345), text(True), text(-3)
    ('', '12,345', '✓', '-3')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _numeric(value: object) -> bool:
    return isinstance(value, int | float | Fraction) and not isinstance(value, bool)


def table(
    head: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    right: Iterable[int] = (),
) -> str:
    """An escaped ``<table>``: numbers (and the columns in ``right``) right-aligned.

    With an empty ``head`` the table has no header row (a list of fields).
    """
    aligned = frozenset(right)
    header = "".join(f"<th>{esc(h)}</th>" for h in head)
    thead = f"<thead><tr>{header}</tr></thead>" if head else ""
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{_RIGHT if _numeric(v) or k in aligned else ''}>{esc(text(v))}</td>"
            for k, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}{thead}<tbody>{body}</tbody></table>"


def block(kind: str, title: str, *parts: str, name: str = "") -> str:
    """A ``<div>``: the record type in bold, an escaped title, then ``parts``
    (already HTML).  ``name`` adds the CSS class ``redcity-<name>``.

    >>> block("Ledger", "3 < 4", "<p>x</p>")
    '<div><strong>Ledger</strong> 3 &lt; 4<p>x</p></div>'
    """
    cls = f' class="redcity-{esc(name)}"' if name else ""
    return f"<div{cls}><strong>{esc(kind)}</strong> {esc(title)}{''.join(parts)}</div>"


def more(shown: int, total: int, what: str) -> str:
    """A ``<p>`` saying how many rows were left out, or ``""`` when none were.

    >>> more(20, 25, "tickets 工单")
    '<p>… and 5 more tickets 工单</p>'
    """
    rest = total - shown
    return f"<p>… and {rest:,} more {esc(what)}</p>" if rest > 0 else ""


def clip(value: str, width: int = 40) -> str:
    """``value`` on one line, cut to ``width`` characters with "…".

    >>> clip("楼道灯坏了\\n请尽快修", 6)
    '楼道灯坏了…'
    """
    flat = " ".join(value.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def when(moment: datetime | None, tz: str | None = None) -> str:
    """``"YYYY-MM-DD HH:MM"`` in ``tz`` (else the instant's own offset); ``""``
    for ``None``.

    >>> from datetime import timezone
    >>> when(datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc), "Asia/Shanghai")
    '2026-03-02 09:30'
    """
    if moment is None:
        return ""
    if tz is not None:
        moment = moment.astimezone(pendulum.timezone(tz))
    return moment.strftime("%Y-%m-%d %H:%M")
