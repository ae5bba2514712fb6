"""Minutes (会议纪要) of a meeting, in Chinese, as Markdown and as HTML.

:func:`minutes_markdown` and :func:`minutes_html` render the same document
from one :class:`~redcity.meetings.Meeting` record, so the two always state
the same facts.  Sections, in order:

- the heading facts: 会议名称, 会议类型, 时间, 地点, 召集;
- **出席**: per voting party, entitled (应到) and present (实到), who came,
  marking 交叉任职 (a person from one organisation voting for another)
  and proxies (委托), who was absent, and non-voting attendees (列席);
- **议题**: each item with its source, its 五事联办 kind and, when it is
  one, its 民法典 第二百七十八条 matter;
- **表决**: per motion, a per-party table (应到, 实到, 赞成, 反对, 弃权,
  未表决, 本方结果), the rule applied and the result (通过/未通过);
- **决议**: each resolution, flagged 需业主共同决定 on a 278 matter, with
  the owners' decisions attached so far;
- **任务**: 责任单位, 责任人, 期限, 状态;
- **反馈**, **版本** (the amendment chain) and **状态**.

Names are shown as the record or ``names`` gives them; anything shaped like
a resident id or mobile number is masked wherever it appears.  Times are
shown in Asia/Shanghai unless ``tz`` says otherwise.

>>> import pendulum
>>> from redcity.meetings import AgendaItem, Attendee, Meeting, Party, RollEntry
>>> at = pendulum.datetime(2024, 5, 10, 19, tz="Asia/Shanghai")
>>> m = Meeting.plan(
...     id="yh-1", kind="红色议事会", title="龙泉小区红色议事会", node_id="n-lq",
...     venue="龙泉小区红色议事厅", convened_by="o-dw", planned_for=at,
...     parties=[Party(organization_id="o-jwh", name="火车站社区居委会",
...                    kind="居委会")],
...     roll=[RollEntry(person_id="p-1", party_id="o-jwh", name="王芳")],
...     agenda=[AgendaItem(id="i1", topic="飞线充电整治", affair="急事")],
... ).notify(at=at.subtract(days=3)).hold(
...     at=at, attendance=[Attendee(person_id="p-1", organization_id="o-jwh")])
>>> text = minutes_markdown(m, names={"o-dw": "火车站社区党委"})
>>> print(text.split("\\n## ")[0])
# 会议纪要：龙泉小区红色议事会
<BLANKLINE>
- 会议名称：龙泉小区红色议事会
- 会议类型：红色议事会
- 时间：2024年5月10日 19:00
- 地点：龙泉小区红色议事厅
- 召集：火车站社区党委
<BLANKLINE>
>>> "<li>召集：火车站社区党委</li>" in minutes_html(m, names={"o-dw": "火车站社区党委"})
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs
import pendulum

from redcity.meetings._tally import DecisionRule, Outcome, PartyTally, Tally
from redcity.meetings.records import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingKind,
    Motion,
    Resolution,
    default_rule,
    tally,
)
from redcity.people import mask_text as _mask_numbers

__all__ = ["minutes_html", "minutes_markdown"]

_DEFAULT_TZ = "Asia/Shanghai"

# --------------------------------------------------------------------------
# A tiny document model, rendered twice
# --------------------------------------------------------------------------


@attrs.frozen
class _Heading:
    level: int
    text: str


@attrs.frozen
class _Para:
    text: str


@attrs.frozen
class _List:
    items: tuple[str, ...]
    ordered: bool = False


@attrs.frozen
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


_Block = _Heading | _Para | _List | _Table


def _clean(text: str) -> str:
    """One line of text, personal numbers masked."""
    return _mask_numbers(" ".join(str(text).split()))


_MD_SPECIAL = str.maketrans(
    {c: "\\" + c for c in "\\`*_<>[]|#"},
)


def _md(text: str) -> str:
    return _clean(text).translate(_MD_SPECIAL)


def _render_markdown(blocks: Sequence[_Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, _Heading):
            out.append(f"{'#' * b.level} {_md(b.text)}")
        elif isinstance(b, _Para):
            out.append(_md(b.text))
        elif isinstance(b, _List):
            out.append(
                "\n".join(
                    f"{f'{i}.' if b.ordered else '-'} {_md(item)}"
                    for i, item in enumerate(b.items, 1)
                )
            )
        else:
            rows = [b.header, *b.rows]
            lines = ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
            lines.insert(1, "|" + "|".join("---" for _ in b.header) + "|")
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _h(text: str) -> str:
    return html.escape(_clean(text), quote=True)


_STYLE = (
    ".redcity-minutes table{border-collapse:collapse;margin:.5em 0}"
    ".redcity-minutes th,.redcity-minutes td{border:1px solid #999;"
    "padding:2px 8px;text-align:left}"
)


def _render_html(blocks: Sequence[_Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, _Heading):
            out.append(f"<h{b.level}>{_h(b.text)}</h{b.level}>")
        elif isinstance(b, _Para):
            out.append(f"<p>{_h(b.text)}</p>")
        elif isinstance(b, _List):
            tag = "ol" if b.ordered else "ul"
            items = "".join(f"<li>{_h(i)}</li>" for i in b.items)
            out.append(f"<{tag}>{items}</{tag}>")
        else:
            head = "".join(f"<th>{_h(c)}</th>" for c in b.header)
            body = "".join(
                "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in r) + "</tr>"
                for r in b.rows
            )
            out.append(
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
    return "\n".join(out)


# --------------------------------------------------------------------------
# What the minutes say
# --------------------------------------------------------------------------


def _when(moment: datetime, tz: str) -> str:
    d = pendulum.instance(moment).in_timezone(tz)
    return f"{d.year}年{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}"


def _day(moment: datetime, tz: str) -> str:
    d = pendulum.instance(moment).in_timezone(tz)
    return f"{d.year}年{d.month}月{d.day}日"


def _passed(ok: bool) -> str:
    return "通过" if ok else "未通过"


@attrs.frozen
class _Names:
    """Who is called what: ``names`` first, then what the meeting records."""

    table: Mapping[str, str]

    @classmethod
    def of(cls, meeting: Meeting, names: Mapping[str, str] | None) -> _Names:
        table: dict[str, str] = {}
        for p in meeting.parties:
            table[p.organization_id] = p.name
        for a in meeting.attendance:
            if a.name is not None:
                table[a.person_id] = a.name
        for e in meeting.roll:
            if e.name is not None:
                table[e.person_id] = e.name
        table.update(names or {})
        return cls(table)

    def __call__(self, key: str | None) -> str:
        if key is None:
            return "—"
        return self.table.get(key, key)


def _outcome(
    meeting: Meeting, motion: Motion, rule: DecisionRule
) -> tuple[Tally, Outcome]:
    res = next((r for r in meeting.resolutions if r.motion_id == motion.id), None)
    if res is not None:
        return res.tally, res.outcome
    t = tally(meeting, motion.id)
    return t, rule(t)


def _item_line(item: AgendaItem) -> str:
    parts = [
        f"来源：{item.source.zh}" + (f" {item.source_ref}" if item.source_ref else "")
    ]
    if item.affair is not None:
        parts.append(f"五事联办：{item.affair.zh}")
    if item.matter is not None:
        parts.append(
            f"民法典第二百七十八条第{item.matter.item}项“{item.matter.zh}”，"
            "需业主共同决定"
        )
    return f"{item.topic}（{'；'.join(parts)}）"


def _attendance(meeting: Meeting, name: _Names) -> list[_Block]:
    blocks: list[_Block] = [_Heading(2, "出席")]
    by_voter = {a.voter_id: a for a in meeting.attendance}
    lines: list[str] = []
    for party in meeting.parties:
        entries = [e for e in meeting.roll if e.party_id == party.organization_id]
        came: list[str] = []
        absent: list[str] = []
        for e in entries:
            a = by_voter.get(e.person_id)
            if a is None:
                absent.append(name(e.person_id))
            elif a.proxy_granted_by is not None:
                came.append(
                    f"{name(e.person_id)}（委托{name(a.person_id)}代为出席表决）"
                )
            elif a.organization_id != e.party_id:
                came.append(
                    f"{name(e.person_id)}（交叉任职：来自{name(a.organization_id)}，"
                    f"代表{name(e.party_id)}表决）"
                )
            else:
                came.append(name(e.person_id))
        line = (
            f"{party.name}（{party.kind.zh}）：应到{len(entries)}人，"
            f"实到{len(entries) - len(absent)}人"
        )
        if came:
            line += "；出席：" + "、".join(came)
        if absent:
            line += "；缺席：" + "、".join(absent)
        lines.append(line)
    on_roll = {e.person_id for e in meeting.roll}
    observers: list[str] = []
    for a in meeting.attendance:
        if a.voter_id in on_roll:
            continue
        note = f"{name(a.person_id)}（{name(a.organization_id)}"
        if a.on_behalf_of_id is not None and a.on_behalf_of_id != a.organization_id:
            note += f"，交叉任职：代表{name(a.on_behalf_of_id)}"
        observers.append(note + "）")
    if observers:
        lines.append("列席：" + "、".join(observers))
    if not lines:
        lines.append("无出席记录。" if meeting.held_at else "会议尚未召开。")
    blocks.append(_List(tuple(lines)))
    return blocks


def _votes(meeting: Meeting, name: _Names, rule: DecisionRule) -> list[_Block]:
    blocks: list[_Block] = [_Heading(2, "表决")]
    if not meeting.motions:
        blocks.append(_Para("本次会议未进行表决。"))
        return blocks
    items = {i.id: i for i in meeting.agenda}
    ids = sorted((p.organization_id for p in meeting.parties), key=len, reverse=True)
    for n, motion in enumerate(meeting.motions, 1):
        t, out = _outcome(meeting, motion, rule)
        blocks.append(_Heading(3, f"动议{n}：{motion.text}"))
        about = f"议题：{items[motion.item_id].topic}"
        if motion.proposed_by is not None:
            about += f"；提议人：{name(motion.proposed_by)}"
        blocks.append(_Para(about))

        def row(label: str, pt: PartyTally, ok: bool) -> tuple[str, ...]:
            nums = (pt.members, pt.present, pt.yes, pt.no, pt.abstain)
            return (
                label,
                *(str(x) for x in nums),
                str(pt.present - pt.cast),
                _passed(ok),
            )

        rows = [row(name(pt.party), pt, rule(Tally((pt,))).passed) for pt in t]
        rows.append(row("合计", t.total, out.passed))
        blocks.append(
            _Table(
                ("参会方", "应到", "实到", "赞成", "反对", "弃权", "未表决", "结果"),
                tuple(rows),
            )
        )
        reasons = []
        for reason in out.reasons:
            for oid in ids:
                reason = reason.replace(oid, name(oid))
            reasons.append(reason)
        lines = [f"表决规则：{out.requirement}", f"表决结果：{_passed(out.passed)}"]
        lines.extend(f"理由：{r}" for r in reasons)
        blocks.append(_List(tuple(lines)))
    return blocks


def _resolution_line(r: Resolution, motion_no: int, tz: str) -> str:
    line = f"{r.text}（依动议{motion_no}表决通过）"
    if r.matter is None:
        return line
    line += (
        f"；涉及民法典第二百七十八条第{r.matter.item}项“{r.matter.zh}”，需业主共同决定"
    )
    for d in r.owners_decisions:
        quorum = "参与人数和面积达到法定比例" if d.quorum_met else "参与未达法定比例"
        line += (
            f"；业主共同决定 {d.reference}（{_day(d.decided_at, tz)}）："
            f"{_passed(d.passed)}，{quorum}"
        )
    if not r.owners_decisions:
        line += "；尚未附业主共同决定，暂不得实施"
    elif r.needs_owners_decision:
        line += "；业主共同决定未通过，暂不得实施"
    else:
        line += "；已附业主共同决定，可以实施"
    return line


def _action_row(
    a: ActionItem, meeting: Meeting, name: _Names, tz: str
) -> tuple[str, ...]:
    basis = "—"
    if a.resolution_id is not None:
        res = next(r for r in meeting.resolutions if r.id == a.resolution_id)
        basis = f"决议：{res.text}"
    elif a.item_id is not None:
        item = next(i for i in meeting.agenda if i.id == a.item_id)
        basis = f"议题：{item.topic}"
    if a.done_at is not None:
        status = f"已完成（{_day(a.done_at, tz)}）"
        if a.feedback:
            status += f"：{a.feedback}"
    else:
        status = "未完成"
    return (
        a.title,
        basis,
        name(a.organization_id),
        name(a.person_id),
        _day(a.due, tz),
        status,
    )


def _blocks(
    meeting: Meeting,
    names: Mapping[str, str] | None,
    rules: Mapping[MeetingKind, DecisionRule] | None,
    tz: str,
) -> list[_Block]:
    name = _Names.of(meeting, names)
    rule = default_rule(meeting.kind, rules)
    when = (
        _when(meeting.held_at, tz)
        if meeting.held_at is not None
        else f"{_when(meeting.planned_for, tz)}（计划）"
    )
    blocks: list[_Block] = [
        _Heading(1, f"会议纪要：{meeting.title}"),
        _List(
            (
                f"会议名称：{meeting.title}",
                f"会议类型：{meeting.kind.zh}",
                f"时间：{when}",
                f"地点：{meeting.venue}",
                f"召集：{name(meeting.convened_by)}",
            )
        ),
    ]
    blocks.extend(_attendance(meeting, name))

    blocks.append(_Heading(2, "议题"))
    blocks.append(
        _List(tuple(_item_line(i) for i in meeting.agenda), ordered=True)
        if meeting.agenda
        else _Para("无议题。")
    )

    blocks.extend(_votes(meeting, name, rule))

    blocks.append(_Heading(2, "决议"))
    motion_no = {m.id: n for n, m in enumerate(meeting.motions, 1)}
    blocks.append(
        _List(
            tuple(
                _resolution_line(r, motion_no[r.motion_id], tz)
                for r in meeting.resolutions
            ),
            ordered=True,
        )
        if meeting.resolutions
        else _Para("无决议。")
    )

    blocks.append(_Heading(2, "任务"))
    blocks.append(
        _Table(
            ("任务", "依据", "责任单位", "责任人", "期限", "状态"),
            tuple(_action_row(a, meeting, name, tz) for a in meeting.actions),
        )
        if meeting.actions
        else _Para("无任务。")
    )

    blocks.append(_Heading(2, "反馈"))
    items = {i.id: i for i in meeting.agenda}
    feedback: list[str] = []
    for f in meeting.feedback:
        line = _day(f.at, tz)
        if f.channel is not None:
            line += f"（{f.channel}）"
        line += f"：{f.text}"
        if f.item_id is not None:
            line += f"（议题：{items[f.item_id].topic}）"
        feedback.append(line)
    blocks.append(_List(tuple(feedback)) if feedback else _Para("暂无反馈。"))

    blocks.append(_Heading(2, "版本"))
    if meeting.amends is None:
        blocks.append(_Para(f"第{meeting.version}版（原始纪要，记录 {meeting.id}）"))
    else:
        blocks.append(
            _Para(
                f"第{meeting.version}版（记录 {meeting.id}），更正第"
                f"{meeting.version - 1}版（记录 {meeting.amends}）"
            )
        )

    blocks.append(_Heading(2, "状态"))
    status = [f"当前状态：{meeting.state.zh}"]
    if meeting.notified_at is not None:
        status.append(f"通知：{_when(meeting.notified_at, tz)}")
    if meeting.residents_committee_informed_at is not None:
        status.append(
            f"告知居委会：{_when(meeting.residents_committee_informed_at, tz)}"
        )
    if meeting.minutes_approved_at is not None:
        line = f"纪要审定：{_when(meeting.minutes_approved_at, tz)}"
        if meeting.minutes_approved_by is not None:
            line += f"（{name(meeting.minutes_approved_by)}）"
        status.append(line)
    elif meeting.held_at is not None:
        status.append("纪要未审定（草稿）")
    if meeting.published_at is not None:
        status.append(f"公示：{_when(meeting.published_at, tz)}")
    if meeting.closed_at is not None:
        status.append(f"闭环：{_when(meeting.closed_at, tz)}")
    status.append(
        f"任务：共{len(meeting.actions)}项，未完成{len(meeting.open_actions)}项"
    )
    pending = meeting.pending_owners_decisions
    if pending:
        status.append(f"待业主共同决定的决议：{len(pending)}项")
    blocks.append(_List(tuple(status)))
    return blocks


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------


def minutes_markdown(
    meeting: Meeting,
    *,
    names: Mapping[str, str] | None = None,
    rules: Mapping[MeetingKind, DecisionRule] | None = None,
    tz: str = _DEFAULT_TZ,
) -> str:
    """The minutes (会议纪要) of ``meeting`` as Markdown, in Chinese.

    Args:
        meeting: The meeting record, in any state.
        names: Person or organisation id → name, overriding the names the
            record carries (the convener is named only here; ids stand in
            for names nobody gave).
        rules: Decision rule per meeting kind for motions not yet resolved
            (default :data:`~redcity.meetings.DEFAULT_RULES`); a resolution
            shows the outcome that carried it.
        tz: Time zone for times and dates (default Asia/Shanghai).

    Returns:
        CommonMark text; Markdown's special characters in the record's
        texts are backslash-escaped, so a topic cannot inject markup.

    >>> import pendulum
    >>> from redcity.meetings import AgendaItem, Meeting
    >>> at = pendulum.datetime(2024, 5, 10, 19, tz="Asia/Shanghai")
    >>> m = Meeting.plan(id="m-1", kind="居民会议", title="居民会议", node_id="n",
    ...                  venue="议事厅", convened_by="o-jwh", planned_for=at,
    ...                  agenda=[AgendaItem(id="i1", topic="加装电梯",
    ...                                     affair="难事", matter="(七)")])
    >>> print(minutes_markdown(m).split("## 议题")[1].split("##")[0].strip())
    1. 加装电梯（来源：其他；五事联办：难事；民法典第二百七十八条第(七)项“改建、重建建筑物及其附属设施”，需业主共同决定）
    """  # noqa: E501
    return _render_markdown(_blocks(meeting, names, rules, tz))


def minutes_html(
    meeting: Meeting,
    *,
    names: Mapping[str, str] | None = None,
    rules: Mapping[MeetingKind, DecisionRule] | None = None,
    tz: str = _DEFAULT_TZ,
    document: bool = False,
) -> str:
    """The minutes (会议纪要) of ``meeting`` as self-contained HTML, in Chinese.

    The same document as :func:`minutes_markdown`; every text is escaped
    with :func:`html.escape`.  No scripts, no external style sheets or
    fonts: a small inline ``<style>`` only.

    Args:
        meeting: The meeting record, in any state.
        names: Person or organisation id → name (see :func:`minutes_markdown`).
        rules: Decision rule per meeting kind for motions not yet resolved.
        tz: Time zone for times and dates (default Asia/Shanghai).
        document: A whole HTML page (``<!DOCTYPE html>`` …) instead of an
            ``<article>`` fragment for embedding (and Jupyter).

    >>> import pendulum
    >>> from redcity.meetings import AgendaItem, Meeting
    >>> at = pendulum.datetime(2024, 5, 10, 19, tz="Asia/Shanghai")
    >>> m = Meeting.plan(id="m-1", kind="居民会议", title="<b>居民会议</b>",
    ...                  node_id="n", venue="议事厅", convened_by="o-jwh",
    ...                  planned_for=at)
    >>> minutes_html(m).splitlines()[2]
    '<h1>会议纪要：&lt;b&gt;居民会议&lt;/b&gt;</h1>'
    >>> minutes_html(m, document=True).startswith("<!DOCTYPE html>")
    True
    """
    body = _render_html(_blocks(meeting, names, rules, tz))
    article = (
        f'<article class="redcity-minutes" lang="zh-CN">\n<style>{_STYLE}</style>\n'
        f"{body}\n</article>"
    )
    if not document:
        return article
    title = _h(f"会议纪要：{meeting.title}")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n{article}\n</body>\n</html>\n"
    )
