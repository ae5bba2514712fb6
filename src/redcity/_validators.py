"""attrs field validators shared by every record: aware datetimes, text, counts.

Each validator has attrs' signature ``(instance, attribute, value)`` and names
the field in its message; :func:`require_aware` is the same check for a plain
argument, named by the caller.

>>> import attrs
>>> from datetime import datetime, timezone
>>> @attrs.frozen
... class Note:
...     at: datetime = attrs.field(validator=aware)
...     text: str = attrs.field(validator=non_empty_text)
>>> Note(datetime(2026, 3, 1, tzinfo=timezone.utc), "ok").text
'ok'
>>> Note(datetime(2026, 3, 1), "ok")
Traceback (most recent call last):
...
redcity.errors.NaiveDatetimeError: Expected at to be timezone-aware, got the naive ...
>>> Note(datetime(2026, 3, 1, tzinfo=timezone.utc), " ")
Traceback (most recent call last):
...
ValueError: Expected text to be a non-empty string, got ' '.

This module imports nothing from redcity but :mod:`redcity.errors`, so every
layer may use it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from redcity.errors import NaiveDatetimeError

__all__ = [
    "aware",
    "non_empty_text",
    "non_negative_int",
    "optional_aware",
    "optional_non_negative_int",
    "optional_string",
    "optional_text",
    "positive_int",
    "require_aware",
    "string",
]


def require_aware(value: object, name: str) -> datetime:
    """Return *value* if it is a timezone-aware datetime, else raise.

    Raises:
        TypeError: *value* is not a datetime.
        NaiveDatetimeError: *value* is a naive datetime.

    >>> from datetime import timezone
    >>> require_aware(datetime(2026, 3, 1, tzinfo=timezone.utc), "at").year
    2026
    >>> require_aware("2026-03-01", "at")
    Traceback (most recent call last):
    ...
    TypeError: Expected at to be an aware datetime, got '2026-03-01'.
    """
    if not isinstance(value, datetime):
        msg = f"Expected {name} to be an aware datetime, got {value!r}."
        raise TypeError(msg)
    if value.tzinfo is None or value.utcoffset() is None:
        msg = (
            f"Expected {name} to be timezone-aware, got the naive {value!r}; "
            "attach a zone, e.g. pendulum.instance(dt, 'Asia/Shanghai')."
        )
        raise NaiveDatetimeError(msg)
    return value


def aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A timezone-aware datetime (TypeError, or NaiveDatetimeError when naive)."""
    require_aware(value, attribute.name)


def optional_aware(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """``None`` or a timezone-aware datetime."""
    if value is not None:
        require_aware(value, attribute.name)


def non_empty_text(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """A string that is not blank (ValueError otherwise)."""
    if not isinstance(value, str) or not value.strip():
        msg = f"Expected {attribute.name} to be a non-empty string, got {value!r}."
        raise ValueError(msg)


def optional_text(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """``None`` or a string that is not blank."""
    if value is not None:
        non_empty_text(instance, attribute, value)


def string(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Any string, the empty one too (TypeError otherwise)."""
    if not isinstance(value, str):
        msg = f"Expected {attribute.name} to be a string, got {value!r}."
        raise TypeError(msg)


def optional_string(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """``None`` or any string."""
    if value is not None:
        string(instance, attribute, value)


def _whole_number(attribute: attrs.Attribute[Any], value: object, least: int) -> None:
    if type(value) is not int or value < least:  # bool is not a count
        msg = (
            f"Expected {attribute.name} to be a whole number ≥ {least}, got {value!r}."
        )
        raise ValueError(msg)


def non_negative_int(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """An ``int`` ≥ 0, not a bool (ValueError otherwise)."""
    _whole_number(attribute, value, 0)


def optional_non_negative_int(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """``None`` or an ``int`` ≥ 0."""
    if value is not None:
        _whole_number(attribute, value, 0)


def positive_int(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """An ``int`` ≥ 1, not a bool (ValueError otherwise)."""
    _whole_number(attribute, value, 1)
