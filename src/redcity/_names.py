"""Parsing enum members from their names: the shared body of every ``parse``.

An enum's ``parse`` classmethod accepts a member, or any of the member's
names — Chinese, English, the member's own name — stripped and compared
without case.  Each enum says which names its members answer to with a
*names* function, ``member -> (name, …)``; the first two names of each
member are the ones an error message shows.

>>> import enum
>>> class Colour(enum.Enum):
...     RED = "red"
>>> def colour_names(colour):
...     return ("红", colour.value)
>>> parse_member(Colour, " RED ", what="a colour", names=colour_names)
<Colour.RED: 'red'>
>>> parse_member(Colour, "blue", what="a colour", names=colour_names)
Traceback (most recent call last):
...
ValueError: Expected a colour, got 'blue'; known names: 红/red.

This module imports nothing from redcity, so every layer may use it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar, cast

__all__ = ["name_lookup", "parse_member", "zh_names"]

_E = TypeVar("_E", bound=enum.Enum)

_LOOKUPS: dict[type[enum.Enum], Mapping[str, enum.Enum]] = {}


def name_lookup(
    cls: type[_E], names: Callable[[_E], Sequence[str]]
) -> Mapping[str, _E]:
    """The casefolded name → member table of *cls*, built once per enum class.

    *names* is read the first time only, so pass the same function every time.

    Raises:
        ValueError: two members share a name.
    """
    lookup = _LOOKUPS.get(cls)
    if lookup is None:
        table: dict[str, _E] = {}
        for member in cls:
            for name in names(member):
                if table.setdefault(name.casefold(), member) is not member:
                    msg = f"Expected one {cls.__name__} per name, got two for {name!r}."
                    raise ValueError(msg)
        lookup = _LOOKUPS[cls] = MappingProxyType(table)
    return cast("Mapping[str, _E]", lookup)


def parse_member(
    cls: type[_E],
    value: object,
    *,
    what: str,
    names: Callable[[_E], Sequence[str]],
    error: type[ValueError] = ValueError,
) -> _E:
    """*value* if it is a member of *cls*, else the member a string names.

    Args:
        cls: the enum.
        value: a member, or a name (stripped, any case).
        what: what was expected, for the message (``"a post"``).
        names: each member's names; the first two are shown on error.
        error: the ValueError subclass to raise.

    Raises:
        ValueError: (or *error*) the value names no member; the message lists
            the known names.
    """
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        found = name_lookup(cls, names).get(value.strip().casefold())
        if found is not None:
            return found
    known = ", ".join("/".join(names(member)[:2]) for member in cls)
    msg = f"Expected {what}, got {value!r}; known names: {known}."
    raise error(msg)


def zh_names(member: Any) -> tuple[str, str, str]:
    """The names most bilingual enums answer to: Chinese, value, member name.

    >>> class Side(enum.Enum):
    ...     LEFT = "left"
    ...     @property
    ...     def zh(self):
    ...         return "左"
    >>> zh_names(Side.LEFT)
    ('左', 'left', 'LEFT')
    """
    return (member.zh, member.value, member.name)
