"""Levels of the grid hierarchy and the schemes that say how they nest.

市 · 区/县 · 街道/镇/乡 · 社区/村 · 小区 · 网格 · 楼栋 · 户.

>>> from redcity.grid import Level
>>> Level.parse("网格") is Level.GRID, Level.GRID.zh, Level.GRID.en
(True, '网格', 'grid')
>>> Level.parse("镇") is Level.STREET
True
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from redcity._names import parse_member

__all__ = ["DEFAULT_SCHEME", "Level", "LevelScheme"]


class Level(enum.IntEnum):
    """A level of the administrative and grid hierarchy, top (city) to bottom.

    Levels order from the top: ``Level.CITY < Level.GRID``.  A street level
    also stands for towns and townships (街道/镇/乡), a community for villages
    (社区/村), a district for counties (区/县).

    >>> [level.zh for level in Level]
    ['市', '区', '街道', '社区', '小区', '网格', '楼栋', '户']
    >>> Level.parse("village") is Level.COMMUNITY
    True
    """

    CITY = 0
    DISTRICT = 1
    STREET = 2
    COMMUNITY = 3
    COMPOUND = 4
    GRID = 5
    BUILDING = 6
    HOUSEHOLD = 7

    @property
    def zh(self) -> str:
        """The canonical Chinese name (``Level.STREET.zh == '街道'``)."""
        return _ZH[self][0]

    @property
    def en(self) -> str:
        """The canonical English name (``Level.STREET.en == 'street'``)."""
        return self.name.lower()

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every name :meth:`parse` accepts for this level.

        >>> Level.DISTRICT.aliases
        ('区', '县', '区/县', '县级市', 'district', 'county')
        """
        return _ZH[self] + _EN[self]

    @classmethod
    def parse(cls, value: Level | str | int) -> Level:
        """A level from a Level, its Chinese or English name, or its number.

        Args:
            value: ``Level.GRID``, ``"网格"``, ``"grid"``, ``"GRID"`` or ``5``.

        Raises:
            ValueError: the value names no level; the message lists the names.

        >>> Level.parse("楼栋"), Level.parse("Building"), Level.parse(2)
        (<Level.BUILDING: 6>, <Level.BUILDING: 6>, <Level.STREET: 2>)
        """
        if isinstance(value, int) and not isinstance(value, bool) and value in _NUMBERS:
            return cls(value)
        return parse_member(cls, value, what="a level name or number", names=_names)


_ZH: dict[Level, tuple[str, ...]] = {
    Level.CITY: ("市", "地级市"),
    Level.DISTRICT: ("区", "县", "区/县", "县级市"),
    Level.STREET: ("街道", "镇", "乡", "街道/镇/乡"),
    Level.COMMUNITY: ("社区", "村", "社区/村"),
    Level.COMPOUND: ("小区",),
    Level.GRID: ("网格",),
    Level.BUILDING: ("楼栋", "楼"),
    Level.HOUSEHOLD: ("户",),
}
_EN: dict[Level, tuple[str, ...]] = {
    Level.CITY: ("city",),
    Level.DISTRICT: ("district", "county"),
    Level.STREET: ("street", "town", "township"),
    Level.COMMUNITY: ("community", "village"),
    Level.COMPOUND: ("compound",),
    Level.GRID: ("grid",),
    Level.BUILDING: ("building",),
    Level.HOUSEHOLD: ("household",),
}
_NUMBERS = frozenset(level.value for level in Level)


def _names(level: Level) -> tuple[str, ...]:
    return (level.zh, level.en, *level.aliases)


def _pairs(
    value: Iterable[tuple[Level | str, Level | str]],
) -> frozenset[tuple[Level, Level]]:
    return frozenset((Level.parse(p), Level.parse(c)) for p, c in value)


@attrs.frozen
class LevelScheme:
    """Which level may sit directly under which, and whether buildings need a grid.

    The :data:`DEFAULT_SCHEME` follows Zunyi practice: grids sit under a
    community (or village) or inside a compound, compounds under a community
    or inside a grid, buildings under a compound or a grid; a grid is never
    directly under a street.  With ``building_in_one_grid`` every building
    must have exactly one grid above it.

    References:
        统计用区划代码和城乡划分代码编制规则 (国统字〔2009〕91号): a grid belongs
        to exactly one community or village.

    >>> scheme = LevelScheme([("社区", "网格"), ("网格", "楼栋")])
    >>> scheme.allows(Level.COMMUNITY, Level.GRID)
    True
    >>> DEFAULT_SCHEME.allows(Level.STREET, Level.GRID)
    False
    """

    pairs: frozenset[tuple[Level, Level]] = attrs.field(converter=_pairs)
    building_in_one_grid: bool = True

    def allows(self, parent: Level, child: Level) -> bool:
        """True when ``child`` may sit directly under ``parent``."""
        return (parent, child) in self.pairs

    def children_of(self, parent: Level) -> tuple[Level, ...]:
        """The levels allowed directly under ``parent``, top first.

        >>> DEFAULT_SCHEME.children_of(Level.COMMUNITY)
        (<Level.COMPOUND: 4>, <Level.GRID: 5>)
        """
        return tuple(sorted(c for p, c in self.pairs if p == parent))


DEFAULT_SCHEME = LevelScheme(
    [
        (Level.CITY, Level.DISTRICT),
        (Level.DISTRICT, Level.STREET),
        (Level.STREET, Level.COMMUNITY),
        (Level.COMMUNITY, Level.COMPOUND),
        (Level.COMMUNITY, Level.GRID),
        (Level.COMPOUND, Level.GRID),
        (Level.GRID, Level.COMPOUND),
        (Level.COMPOUND, Level.BUILDING),
        (Level.GRID, Level.BUILDING),
        (Level.BUILDING, Level.HOUSEHOLD),
    ]
)
"""The Zunyi scheme: 区—街道—社区—(小区⇄网格)—楼栋—户, under a city."""
