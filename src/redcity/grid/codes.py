"""统计用区划代码: 12-digit statistical division codes, and grid codes.

A division code is 6 digits of county (GB/T 2260), 3 of township and 3 of
village level.  Grid codes extend their community's 12-digit code with a
sequence numbered west→east, north→south.

References:
    国家统计局《统计用区划代码和城乡划分代码编制规则》(国统字〔2009〕91号):
    township 001–099 街道, 100–199 镇, 200–399 乡, 400–599 类似乡级单位;
    village 001–199 居委会, 200–399 村委会, 400–499 类似居委会,
    500–599 类似村委会.

>>> from redcity.grid import DivisionCode
>>> code = DivisionCode.parse("520304001002")
>>> code.county, code.township, code.village
('520304', '001', '002')
>>> code.township_kind.zh, code.village_kind.zh
('街道', '居委会')
"""

from __future__ import annotations

import enum

import attrs

__all__ = [
    "DivisionCode",
    "TownshipKind",
    "VillageKind",
    "code_extends",
    "grid_code",
]


class TownshipKind(enum.Enum):
    """What a township-level code (digits 7–9) stands for."""

    STREET = "街道"
    TOWN = "镇"
    TOWNSHIP = "乡"
    TOWNSHIP_LIKE = "类似乡级单位"

    @property
    def zh(self) -> str:
        """The Chinese name."""
        return self.value


class VillageKind(enum.Enum):
    """What a village-level code (digits 10–12) stands for."""

    RESIDENTS = "居委会"
    VILLAGERS = "村委会"
    RESIDENTS_LIKE = "类似居委会"
    VILLAGERS_LIKE = "类似村委会"

    @property
    def zh(self) -> str:
        """The Chinese name."""
        return self.value

    @property
    def is_urban(self) -> bool:
        """True for residents' committees (社区) and their like."""
        return self in (VillageKind.RESIDENTS, VillageKind.RESIDENTS_LIKE)


def _township_kind(n: int) -> TownshipKind | None:
    # 国统字〔2009〕91号: 001–099 街道, 100–199 镇, 200–399 乡, 400–599 类似乡级
    if 1 <= n <= 99:
        return TownshipKind.STREET
    if 100 <= n <= 199:
        return TownshipKind.TOWN
    if 200 <= n <= 399:
        return TownshipKind.TOWNSHIP
    if 400 <= n <= 599:
        return TownshipKind.TOWNSHIP_LIKE
    return None


def _village_kind(n: int) -> VillageKind | None:
    # 国统字〔2009〕91号: 001–199 居委会, 200–399 村委会, 400–499, 500–599 类似
    if 1 <= n <= 199:
        return VillageKind.RESIDENTS
    if 200 <= n <= 399:
        return VillageKind.VILLAGERS
    if 400 <= n <= 499:
        return VillageKind.RESIDENTS_LIKE
    if 500 <= n <= 599:
        return VillageKind.VILLAGERS_LIKE
    return None


@attrs.frozen
class DivisionCode:
    """A parsed 12-digit statistical division code (统计用区划代码).

    Use :meth:`parse`; the constructor takes the three parts as given.
    """

    county: str
    township: str
    village: str

    @classmethod
    def parse(cls, text: str) -> DivisionCode:
        """Parse and validate a 12-digit code.

        Raises:
            ValueError: not 12 digits, or a township/village part outside
                the ranges of the coding rules.

        >>> DivisionCode.parse("520304101201").village_kind.zh
        '村委会'
        >>> DivisionCode.parse("520304700001")
        Traceback (most recent call last):
        ...
        ValueError: Division code '520304700001': township part 700 is outside 001–599.
        """
        if len(text) != 12 or not text.isascii() or not text.isdigit():
            msg = f"Expected a division code of 12 digits, got {text!r}."
            raise ValueError(msg)
        township, village = int(text[6:9]), int(text[9:])
        if township and _township_kind(township) is None:
            msg = (
                f"Division code {text!r}: township part {text[6:9]} is outside 001–599."
            )
            raise ValueError(msg)
        if village and (not township or _village_kind(village) is None):
            msg = (
                f"Division code {text!r}: village part {text[9:]} "
                "is outside 001–599 or stands under no township."
            )
            raise ValueError(msg)
        return cls(text[:6], text[6:9], text[9:])

    @property
    def township_kind(self) -> TownshipKind | None:
        """街道, 镇, 乡 or 类似乡级单位, from digits 7–9; None for ``000``.

        ``000`` marks a county's (or city's) own code.
        """
        return _township_kind(int(self.township))

    @property
    def village_kind(self) -> VillageKind | None:
        """居委会, 村委会 or their like, from digits 10–12; None for ``000``.

        ``000`` is the township's own code (e.g. ``520304001000``).
        """
        return _village_kind(int(self.village))

    def __str__(self) -> str:
        return self.county + self.township + self.village


def grid_code(community_code: str, sequence: int, *, width: int = 3) -> str:
    """A grid code: the community's 12-digit code plus a sequence number.

    Sequences are numbered west→east, north→south within the community.

    >>> grid_code("520304001002", 7)
    '520304001002007'
    """
    DivisionCode.parse(community_code)
    if not 1 <= sequence < 10**width:
        msg = f"Expected a grid sequence from 1 to {10**width - 1}, got {sequence!r}."
        raise ValueError(msg)
    return f"{community_code}{sequence:0{width}d}"


def code_extends(child: str, parent: str) -> bool:
    """True when ``child`` is ``parent`` followed by at least one more digit.

    Division codes written in full (``520304000000`` for a district) are
    compared without their trailing zero groups, so a street
    ``520304001000`` extends a district written ``520304`` or
    ``520304000000``.

    >>> code_extends("520304001002", "520304001")
    True
    >>> code_extends("520304001002", "520304001000")
    True
    >>> code_extends("520303001002", "520304")
    False
    >>> code_extends("520304", "520300000000")
    True
    """
    c, p = _trim(child), _trim(parent)
    return len(c) > len(p) and c.startswith(p)


def _trim(code: str) -> str:
    """Drop the zero groups that pad a short division code to 12 digits.

    The groups are 2 province, 2 city, 2 county, 3 township and 3 village
    digits: ``520300000000`` (遵义市) trims to ``5203``.
    """
    if len(code) == 12 and code.isdigit():
        for cut in (9, 6, 4, 2):
            if code[cut:].strip("0"):
                break
            code = code[:cut]
    return code
