"""Levels by Chinese and English names; division and grid codes (国统字〔2009〕91号)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcity.grid import (
    DEFAULT_SCHEME,
    DivisionCode,
    Level,
    LevelScheme,
    TownshipKind,
    VillageKind,
    code_extends,
    grid_code,
)


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("市", Level.CITY),
        ("区", Level.DISTRICT),
        ("县", Level.DISTRICT),
        ("街道", Level.STREET),
        ("镇", Level.STREET),
        ("乡", Level.STREET),
        ("社区", Level.COMMUNITY),
        ("村", Level.COMMUNITY),
        ("小区", Level.COMPOUND),
        ("网格", Level.GRID),
        ("楼栋", Level.BUILDING),
        ("户", Level.HOUSEHOLD),
        ("city", Level.CITY),
        ("District", Level.DISTRICT),
        (" GRID ", Level.GRID),
        ("household", Level.HOUSEHOLD),
        (5, Level.GRID),
        (Level.STREET, Level.STREET),
    ],
)
def test_level_parse(name: str | int | Level, level: Level) -> None:
    assert Level.parse(name) is level


@pytest.mark.parametrize("bad", ["", "省", "gridd", 9, -1, True, None, 2.0])
def test_level_parse_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match="known names"):
        Level.parse(bad)  # type: ignore[arg-type]


def test_level_names() -> None:
    assert Level.GRID.zh == "网格"
    assert Level.GRID.en == "grid"
    assert [lv.en for lv in Level] == [
        "city", "district", "street", "community", "compound", "grid", "building",
        "household",
    ]  # fmt: skip
    assert Level.CITY < Level.GRID


@given(st.sampled_from(list(Level)))
def test_every_alias_parses_back(level: Level) -> None:
    for alias in level.aliases:
        assert Level.parse(alias) is level


def test_default_scheme_zunyi_practice() -> None:
    s = DEFAULT_SCHEME
    assert s.allows(Level.COMPOUND, Level.GRID)  # grids inside a big compound
    assert s.allows(Level.GRID, Level.COMPOUND)  # one grid over small compounds
    assert s.allows(Level.COMMUNITY, Level.GRID)
    assert not s.allows(Level.STREET, Level.GRID)  # never directly under a street
    assert s.building_in_one_grid
    assert LevelScheme([("社区", "网格")]).pairs == {(Level.COMMUNITY, Level.GRID)}


@pytest.mark.parametrize(
    ("code", "township", "village"),
    [
        ("520304001001", TownshipKind.STREET, VillageKind.RESIDENTS),
        ("520304099199", TownshipKind.STREET, VillageKind.RESIDENTS),
        ("520304100200", TownshipKind.TOWN, VillageKind.VILLAGERS),
        ("520304199399", TownshipKind.TOWN, VillageKind.VILLAGERS),
        ("520304200400", TownshipKind.TOWNSHIP, VillageKind.RESIDENTS_LIKE),
        ("520304399499", TownshipKind.TOWNSHIP, VillageKind.RESIDENTS_LIKE),
        ("520304400500", TownshipKind.TOWNSHIP_LIKE, VillageKind.VILLAGERS_LIKE),
        ("520304599599", TownshipKind.TOWNSHIP_LIKE, VillageKind.VILLAGERS_LIKE),
        ("520304001000", TownshipKind.STREET, None),
    ],
)
def test_division_code_ranges(
    code: str, township: TownshipKind, village: VillageKind | None
) -> None:
    parsed = DivisionCode.parse(code)
    assert parsed.township_kind is township
    assert parsed.village_kind is village
    assert str(parsed) == code


def test_urban_villages() -> None:
    assert VillageKind.RESIDENTS.is_urban
    assert not VillageKind.VILLAGERS.is_urban
    assert TownshipKind.TOWN.zh == "镇"


@pytest.mark.parametrize(
    "bad",
    ["52030400100", "5203040010011", "52030400100a", "520304600001", "520304001600",
     "520304000001", "５２０３０４００１００１"],
)  # fmt: skip
def test_division_code_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        DivisionCode.parse(bad)


def test_higher_level_codes_parse() -> None:
    assert DivisionCode.parse("520300000000").township_kind is None


def test_grid_code() -> None:
    assert grid_code("520304001002", 1) == "520304001002001"
    assert code_extends(grid_code("520304001002", 12), "520304001002")
    with pytest.raises(ValueError, match="sequence"):
        grid_code("520304001002", 0)
    with pytest.raises(ValueError, match="12 digits"):
        grid_code("5203040010", 1)


def test_code_extends() -> None:
    assert code_extends("520304001", "520304")
    assert code_extends("520304001", "520304000000")
    assert code_extends("520304", "520300000000")
    assert code_extends("520304001002003", "520304001002")
    assert not code_extends("520304", "520304")
    assert not code_extends("520304000000", "520304")  # the same unit written long
    assert not code_extends("520303001", "520304")
