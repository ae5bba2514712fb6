"""Exact numbers for stars, honours and assessment, and their JSON form.

Points and scores are ``int`` or ``Decimal`` (never ``float``); weights
and shares are ``Fraction``.  A field typed ``int | Decimal`` reads a JSON
integer as ``int`` and a string such as ``"87.5"`` as ``Decimal``; this
module teaches :mod:`redcity.serialize` that union.

>>> from decimal import Decimal
>>> import redcity.serialize as rs
>>> rs.structure("87.5", ExactScore), rs.structure(90, ExactScore)
(Decimal('87.5'), 90)
"""

from __future__ import annotations

import math
import types
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeAlias, Union, get_args, get_origin

from redcity.serialize import converter

__all__ = ["ExactScore", "as_fraction", "exact_problem", "number_problem"]

ExactScore: TypeAlias = int | Decimal
"""Points or a score: a whole number, or a ``Decimal`` such as ``87.5``."""

_EXACT_TYPES = frozenset({int, Decimal})
_NONE = type(None)


def exact_problem(value: object) -> str | None:
    """Why ``value`` is not an ``int`` or finite ``Decimal``; ``None`` if it is.

    >>> exact_problem(2.5)
    'got the float 2.5; floats are inexact, pass Decimal("2.5") or an int'
    """
    if isinstance(value, bool):
        return f"got {value!r}, a bool, not a number"
    if isinstance(value, int):
        return None
    if isinstance(value, Decimal):
        return None if value.is_finite() else f"got the non-finite {value!r}"
    if isinstance(value, float):
        return (
            f"got the float {value!r}; floats are inexact, "
            f'pass Decimal("{value!r}") or an int'
        )
    return f"got {value!r}, not a number"


def number_problem(value: object) -> str | None:
    """Why ``value`` is not a finite int, Fraction, Decimal or float.

    >>> number_problem(float("nan")), number_problem("3")
    ('got the non-finite nan', "got '3', not a number")
    """
    if isinstance(value, bool) or not isinstance(
        value, int | Fraction | Decimal | float
    ):
        return f"got {value!r}, not a number"
    if isinstance(value, float) and not math.isfinite(value):
        return f"got the non-finite {value!r}"
    if isinstance(value, Decimal) and not value.is_finite():
        return f"got the non-finite {value!r}"
    return None


def as_fraction(value: int | Fraction | Decimal | float) -> Fraction:
    """``value`` exactly, as a Fraction (a float by its exact binary value).

    >>> as_fraction(Decimal("0.3")), as_fraction(0.5)
    (Fraction(3, 10), Fraction(1, 2))
    """
    return value if isinstance(value, Fraction) else Fraction(value)


def _is_exact_score(cl: Any) -> bool:
    """True for ``int | Decimal`` and ``int | Decimal | None`` (any order)."""
    if get_origin(cl) not in (Union, types.UnionType):
        return False
    args = set(get_args(cl))
    return args in (_EXACT_TYPES, _EXACT_TYPES | {_NONE})


def _structure_exact_score(value: Any, cl: Any) -> Any:
    if value is None and _NONE in get_args(cl):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return converter.structure(value, Decimal)
    msg = f"expected a whole number or a decimal string such as '87.5', got {value!r}"
    raise TypeError(msg)


converter.register_structure_hook_func(_is_exact_score, _structure_exact_score)
