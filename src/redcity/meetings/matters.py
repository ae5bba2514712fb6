"""The kinds of matter a meeting decides: 民法典 278's nine and 五事联办's five.

:class:`Matter` lists the nine matters of 《中华人民共和国民法典》 第二百七十八条
that owners decide jointly (业主共同决定), in the article's order; matters
(六)(七)(八) need the special majority (:attr:`Matter.special`).
:class:`AffairKind` is the kind of an agenda item in Zunyi's 五事联办
(大事/实事/要事/急事/难事): local practice, a label for routing and figures.

>>> from redcity.meetings.matters import Matter
>>> Matter.parse("(八)")
<Matter.CHANGE_COMMON_USE: 'change_common_use'>
>>> Matter.CHANGE_COMMON_USE.item, Matter.CHANGE_COMMON_USE.special
('(八)', True)
>>> Matter.USE_REPAIR_FUND.special
False

References:
    《中华人民共和国民法典》(2020) 第二百七十八条: the nine matters, the
    participation quorum and the two majorities.
"""

from __future__ import annotations

import enum

from redcity._names import parse_member, zh_names

__all__ = ["AffairKind", "Matter"]

_ITEMS = ("(一)", "(二)", "(三)", "(四)", "(五)", "(六)", "(七)", "(八)", "(九)")


class Matter(enum.Enum):
    """The nine matters of 民法典 第二百七十八条 第一款, in order."""

    RULES_OF_PROCEDURE = "rules_of_procedure"
    MANAGEMENT_STATUTE = "management_statute"
    ELECT_COMMITTEE = "elect_committee"
    HIRE_MANAGER = "hire_manager"
    USE_REPAIR_FUND = "use_repair_fund"
    RAISE_REPAIR_FUND = "raise_repair_fund"
    REBUILD = "rebuild"
    CHANGE_COMMON_USE = "change_common_use"
    OTHER_MAJOR = "other_major"

    @property
    def zh(self) -> str:
        """The article's wording of the matter."""
        return _ZH[self]

    @property
    def item(self) -> str:
        """The item number in the article: ``"(一)"`` to ``"(九)"``."""
        return _ITEMS[list(Matter).index(self)]

    @property
    def special(self) -> bool:
        """True for (六)(七)(八): they pass with three quarters of the
        participating area and owners, the others with more than half."""
        return self in _SPECIAL

    @classmethod
    def parse(cls, value: object) -> Matter:
        """A member from itself, its value, its name, its item or its Chinese."""
        return parse_member(cls, value, what="a 民法典 278 matter", names=_names)


_ZH = {
    Matter.RULES_OF_PROCEDURE: "制定和修改业主大会议事规则",
    Matter.MANAGEMENT_STATUTE: "制定和修改管理规约",
    Matter.ELECT_COMMITTEE: "选举业主委员会或者更换业主委员会成员",
    Matter.HIRE_MANAGER: "选聘和解聘物业服务企业或者其他管理人",
    Matter.USE_REPAIR_FUND: "使用建筑物及其附属设施的维修资金",
    Matter.RAISE_REPAIR_FUND: "筹集建筑物及其附属设施的维修资金",
    Matter.REBUILD: "改建、重建建筑物及其附属设施",
    Matter.CHANGE_COMMON_USE: "改变共有部分的用途或者利用共有部分从事经营活动",
    Matter.OTHER_MAJOR: "有关共有和共同管理权利的其他重大事项",
}

_SPECIAL = frozenset(
    {Matter.RAISE_REPAIR_FUND, Matter.REBUILD, Matter.CHANGE_COMMON_USE}
)


def _names(m: Matter) -> tuple[str, ...]:
    return (m.zh, m.value, m.name, m.item)


class AffairKind(enum.Enum):
    """The five kinds of matter of 五事联办 (Zunyi local practice)."""

    MAJOR = "major"
    PRACTICAL = "practical"
    IMPORTANT = "important"
    URGENT = "urgent"
    DIFFICULT = "difficult"

    @property
    def zh(self) -> str:
        """大事, 实事, 要事, 急事 or 难事."""
        return _AFFAIR_ZH[self]

    @classmethod
    def parse(cls, value: object) -> AffairKind:
        """A member from itself, its value, its name or its Chinese."""
        return parse_member(cls, value, what="a 五事联办 kind", names=zh_names)


_AFFAIR_ZH = {
    AffairKind.MAJOR: "大事",
    AffairKind.PRACTICAL: "实事",
    AffairKind.IMPORTANT: "要事",
    AffairKind.URGENT: "急事",
    AffairKind.DIFFICULT: "难事",
}
