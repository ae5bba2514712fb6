"""Minutes (会议纪要): the 兴茂 example, escaping, Markdown and HTML agreeing."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pendulum
from hypothesis import given, settings

from redcity.meetings import (
    AgendaItem,
    Attendee,
    Matter,
    Meeting,
    Party,
    RollEntry,
    Unit,
    owners_decision,
)
from redcity.meetings.minutes import minutes_html, minutes_markdown
from redcity.testing.strategies import meetings

TZ = "Asia/Shanghai"
T0 = pendulum.datetime(2024, 5, 10, 19, tz=TZ)  # a Friday evening
NAMES = {"o-dw": "兴茂社区党委"}

PARTIES = [
    Party(organization_id="o-jwh", name="兴茂社区居委会", kind="居委会"),
    Party(organization_id="o-ywh", name="兴茂小区业委会", kind="业委会"),
    Party(organization_id="o-wy", name="兴茂物业服务中心", kind="物业"),
]
ROLL = [
    RollEntry(person_id="p-wang", party_id="o-jwh", name="王芳"),
    RollEntry(person_id="p-chen", party_id="o-jwh", name="陈静"),
    RollEntry(person_id="p-zhao", party_id="o-ywh", name="赵强"),
    RollEntry(person_id="p-qian", party_id="o-ywh", name="钱敏"),
    RollEntry(person_id="p-li", party_id="o-wy", name="李军"),
    RollEntry(person_id="p-sun", party_id="o-wy", name="孙丽"),
]


def xingmao(topic: str = "居民希望增设休闲空间") -> Meeting:
    """兴茂小区's first three-party meeting, resolved and approved."""
    m = Meeting.plan(
        id="xm-1",
        kind="三方共议会",
        title="兴茂小区第一次三方共议会",
        node_id="n-xingmao",
        venue="兴茂小区红色议事亭",
        convened_by="o-dw",
        planned_for=T0,
        parties=PARTIES,
        roll=ROLL,
        agenda=[
            AgendaItem(
                id="i1",
                topic=topic,
                source="居民提议",
                source_ref="yj-7",
                affair="实事",
                matter=Matter.CHANGE_COMMON_USE,
            )
        ],
    ).notify(at=T0.subtract(days=5))
    m = m.hold(
        at=T0,
        attendance=[
            # 王芳 comes from the 业委会 but votes for the 居委会 (交叉任职)
            Attendee(
                person_id="p-wang", organization_id="o-ywh", on_behalf_of_id="o-jwh"
            ),
            Attendee(person_id="p-chen", organization_id="o-jwh"),
            Attendee(person_id="p-zhao", organization_id="o-ywh"),
            Attendee(
                person_id="p-zhao", organization_id="o-ywh", proxy_granted_by="p-qian"
            ),
            Attendee(person_id="p-li", organization_id="o-wy"),
            Attendee(person_id="p-zhou", organization_id="o-dw", name="周书记"),
        ],
    )
    m = m.move(
        id="mo1",
        item_id="i1",
        text="中心广场设乒乓球台6张、羽毛球场2片、休闲座椅12张",
        proposed_by="p-wang",
    )
    for p in ("p-wang", "p-chen", "p-zhao", "p-li"):
        m = m.vote("mo1", p, "yes")
    m = m.vote("mo1", "p-qian", "yes", by="p-zhao")
    m = m.resolve("mo1", id="r1", text="中心广场改设乒乓球台6张、羽毛球场2片")
    m = m.assign(
        id="a1",
        title="制定场地改造方案",
        organization_id="o-wy",
        person_id="p-li",
        due_in=5,
        resolution_id="r1",
    )
    m = m.give_feedback(
        id="f1", at=T0.add(days=1), text="议定事项已在公告栏公示", channel="小区公告栏"
    )
    return m.approve_minutes(at=T0.add(days=1), by="p-zhou")


def test_xingmao_minutes_in_markdown() -> None:
    md = minutes_markdown(xingmao(), names=NAMES)
    expected_lines = [
        "# 会议纪要：兴茂小区第一次三方共议会",
        "- 会议名称：兴茂小区第一次三方共议会",
        "- 会议类型：三方共议会",
        "- 时间：2024年5月10日 19:00",
        "- 地点：兴茂小区红色议事亭",
        "- 召集：兴茂社区党委",
        "- 兴茂社区居委会（居委会）：应到2人，实到2人；出席：王芳（交叉任职：来自"
        "兴茂小区业委会，代表兴茂社区居委会表决）、陈静",
        "- 兴茂小区业委会（业委会）：应到2人，实到2人；出席：赵强、钱敏（委托赵强"
        "代为出席表决）",
        "- 兴茂物业服务中心（物业服务企业）：应到2人，实到1人；出席：李军；缺席：孙丽",
        "- 列席：周书记（兴茂社区党委）",
        "1. 居民希望增设休闲空间（来源：居民提议 yj-7；五事联办：实事；民法典第二百"
        "七十八条第(八)项“改变共有部分的用途或者利用共有部分从事经营活动”，"
        "需业主共同决定）",
        "### 动议1：中心广场设乒乓球台6张、羽毛球场2片、休闲座椅12张",
        "议题：居民希望增设休闲空间；提议人：王芳",
        "| 参会方 | 应到 | 实到 | 赞成 | 反对 | 弃权 | 未表决 | 结果 |",
        "| 兴茂社区居委会 | 2 | 2 | 2 | 0 | 0 | 0 | 通过 |",
        "| 兴茂小区业委会 | 2 | 2 | 2 | 0 | 0 | 0 | 通过 |",
        "| 兴茂物业服务中心 | 2 | 1 | 1 | 0 | 0 | 0 | 通过 |",
        "| 合计 | 6 | 5 | 5 | 0 | 0 | 0 | 通过 |",
        "- 表决规则：各方均有成员出席 (every party has a member present)；"
        "各方出席成员均过半数同意 (more than half of each party's members present "
        "vote yes)",
        "- 表决结果：通过",
    ]
    lines = md.splitlines()
    for line in expected_lines:
        assert line in lines, line


def test_resolution_and_278_flag() -> None:
    m = xingmao()
    md = minutes_markdown(m, names=NAMES)
    line = next(x for x in md.splitlines() if x.startswith("1. 中心广场改设"))
    assert "需业主共同决定" in line
    assert "尚未附业主共同决定，暂不得实施" in line
    assert "- 待业主共同决定的决议：1项" in md.splitlines()

    plaza = [Unit(f"u{i}", Decimal(100), f"业主{i}") for i in range(4)]
    ballots: dict[str | None, str] = {f"业主{i}": "同意" for i in range(3)}
    decided = owners_decision(Matter.CHANGE_COMMON_USE, plaza, ballots)
    m2 = m.attach_owners_decision(
        "r1", decided, at=T0.add(days=20), reference="yzdh-2024-1"
    )
    line = next(
        x for x in minutes_markdown(m2).splitlines() if x.startswith("1. 中心广场改设")
    )
    assert "业主共同决定 yzdh-2024-1（2024年5月30日）：通过" in line
    assert line.endswith("已附业主共同决定，可以实施")


def test_tasks_feedback_version_and_state() -> None:
    m = xingmao()
    lines = minutes_markdown(m, names=NAMES).splitlines()
    assert "| 任务 | 依据 | 责任单位 | 责任人 | 期限 | 状态 |" in lines
    assert (
        "| 制定场地改造方案 | 决议：中心广场改设乒乓球台6张、羽毛球场2片 | "
        "兴茂物业服务中心 | 李军 | 2024年5月16日 | 未完成 |"
    ) in lines
    assert "- 2024年5月11日（小区公告栏）：议定事项已在公告栏公示" in lines
    assert "第1版（原始纪要，记录 xm-1）" in lines
    assert "- 当前状态：纪要已审定" in lines
    assert "- 纪要审定：2024年5月11日 19:00（周书记）" in lines
    assert "- 任务：共1项，未完成1项" in lines

    v2 = m.amend(id="xm-1-v2")
    lines = minutes_markdown(v2).splitlines()
    assert "第2版（记录 xm-1-v2），更正第1版（记录 xm-1）" in lines
    assert "- 纪要未审定（草稿）" in lines


def test_planned_meeting_has_no_business_yet() -> None:
    m = Meeting.plan(
        id="yh-1",
        kind="红色议事会",
        title="龙泉小区红色议事会",
        node_id="n-lq",
        venue="龙泉小区红色议事厅",
        convened_by="o-dw",
        planned_for=T0,
    )
    lines = minutes_markdown(m).splitlines()
    assert "- 时间：2024年5月10日 19:00（计划）" in lines
    assert "本次会议未进行表决。" in lines
    assert "- 当前状态：计划" in lines


def test_html_escapes_a_script_in_a_topic() -> None:
    m = xingmao(topic='<script>alert("x")</script>增设休闲空间')
    page = minutes_html(m, document=True)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;增设休闲空间" in page
    assert re.search(r"<(link|img|iframe)\b|src=|href=|@import", page) is None
    md = minutes_markdown(m)
    assert "\\<script\\>" in md
    assert "<script>" not in md


def test_personal_numbers_are_masked() -> None:
    m = xingmao(topic="业主13812345678反映：身份证520302199003071237")
    md = minutes_markdown(m)
    assert "138\\*\\*\\*\\*5678" in md  # masked, then escaped for Markdown
    for text in (_MD_ESCAPE.sub(r"\1", md), minutes_html(m)):
        assert "13812345678" not in text
        assert "520302199003071237" not in text
        assert "138****5678" in text


def test_names_override() -> None:
    md = minutes_markdown(xingmao(), names={"p-li": "李军（经理）", "o-dw": "社区党委"})
    assert "- 召集：社区党委" in md.splitlines()
    assert "李军（经理）" in md


# ------------------------------------------------------- the two agree


class _Texts(HTMLParser):
    """The text of every heading, paragraph, list item and table cell."""

    BLOCKS = frozenset({"h1", "h2", "h3", "p", "li", "th", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.BLOCKS:
            self.texts.append("")
            self._open = True

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts[-1] += data


def _html_texts(page: str) -> list[str]:
    parser = _Texts()
    parser.feed(page)
    return parser.texts


_MD_ESCAPE = re.compile(r"\\(.)")


def _md_texts(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        if not line or re.fullmatch(r"\|(---\|)+", line):
            continue
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            out.extend(_MD_ESCAPE.sub(r"\1", c.strip()) for c in cells)
            continue
        line = re.sub(r"^(#+ |- |\d+\. )", "", line)
        out.append(_MD_ESCAPE.sub(r"\1", line))
    return out


def test_markdown_and_html_agree_on_the_example() -> None:
    m = xingmao(topic="<b>增设</b> | 休闲_空间*")
    md, page = minutes_markdown(m, names=NAMES), minutes_html(m, names=NAMES)
    assert _md_texts(md) == _html_texts(page)
    assert len(_md_texts(md)) > 40


@settings(max_examples=40, deadline=None)
@given(meetings())
def test_markdown_and_html_agree(m: Meeting) -> None:
    md, page = minutes_markdown(m), minutes_html(m)
    assert _md_texts(md) == _html_texts(page)
    assert f"- 当前状态：{m.state.zh}" in md.splitlines()
    assert md.count("### 动议") == len(m.motions)
    for p in m.parties:
        assert p.name in md


def test_meeting_displays_as_its_minutes_in_jupyter() -> None:
    m = xingmao()
    assert minutes_html(m) == m._repr_html_()
