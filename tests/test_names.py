from __future__ import annotations

import enum

import pytest

from redcity._names import name_lookup, parse_member


class Fruit(enum.Enum):
    APPLE = "apple"
    PEAR = "pear"


def fruit_names(fruit: Fruit) -> tuple[str, ...]:
    return ({"apple": "苹果", "pear": "梨"}[fruit.value], fruit.value, fruit.name)


def test_parse_member_accepts_members_and_any_name() -> None:
    assert Fruit.PEAR is parse_member(Fruit, Fruit.PEAR, what="x", names=fruit_names)
    for text in ("苹果", " Apple ", "APPLE", "apple\t"):
        assert Fruit.APPLE is parse_member(Fruit, text, what="x", names=fruit_names)


def test_parse_member_lists_the_known_names() -> None:
    with pytest.raises(ValueError, match="known names") as info:
        parse_member(Fruit, 7, what="a fruit", names=fruit_names)
    expected = "Expected a fruit, got 7; known names: 苹果/apple, 梨/pear."
    assert expected == str(info.value)


def test_parse_member_raises_the_given_error() -> None:
    class FruitError(ValueError):
        pass

    with pytest.raises(FruitError, match="'plum'"):
        parse_member(Fruit, "plum", what="a fruit", names=fruit_names, error=FruitError)


def test_name_lookup_is_built_once() -> None:
    lookup = name_lookup(Fruit, fruit_names)
    assert lookup is name_lookup(Fruit, fruit_names)
    assert {"苹果": Fruit.APPLE, "apple": Fruit.APPLE} == {
        k: lookup[k] for k in ("苹果", "apple")
    }


def test_name_lookup_rejects_a_shared_name() -> None:
    class Clash(enum.Enum):
        A = "a"
        B = "b"

    with pytest.raises(ValueError, match="got two for 'same'"):
        name_lookup(Clash, lambda member: (member.value, "same"))
