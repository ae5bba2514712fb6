"""One cattrs converter for every redcity record.

redcity owns one :class:`cattrs.Converter` (never cattrs' global one) with
explicit hooks for the types its records use, strict scalars and extra keys
forbidden.  Other modules add hooks for their own types with
:func:`register`; this module imports nothing from redcity but
:mod:`redcity.errors`, so any layer may use it without an import cycle.

| Python type | JSON form |
|---|---|
| aware `datetime`, `pendulum.DateTime` | `"2024-03-01T09:00:00+08:00"` |
| `date`, `pendulum.Date` | `"2024-03-01"` |
| `time`, `pendulum.Time` | `"09:30:00"` |
| `timedelta`, `pendulum.Duration` | ISO 8601 duration: `"P1DT2H30M"`, `"-PT5M"` |
| `Decimal` | string, exactly: `"12.50"` |
| `Fraction` | `"2/3"` (always numerator/denominator) |
| `Enum` | its value |
| tuple, list, frozenset, set | array (sets sorted, so output is stable) |
| attrs record | object with every field; unknown keys refused |

Naive datetimes are refused both ways (a time of day needs no offset).  A
`pendulum.Duration` keeps its calendar years and months (`"P1Y2M"`); a plain
`timedelta` refuses them.
Offsets survive a round trip but zone names do not: a datetime read back
carries a fixed offset and compares equal to the original instant.

>>> import attrs
>>> from datetime import datetime, timedelta, timezone
>>> from decimal import Decimal
>>> import redcity.serialize as rs
>>> @attrs.frozen
... class Posting:
...     at: datetime
...     points: Decimal
>>> shanghai = timezone(timedelta(hours=8))
>>> p = Posting(datetime(2024, 3, 1, 9, tzinfo=shanghai), Decimal("2.50"))
>>> rs.to_json(p)
'{"at": "2024-03-01T09:00:00+08:00", "points": "2.50"}'
>>> rs.from_json(rs.to_json(p), Posting) == p
True
"""

from __future__ import annotations

import collections.abc as cabc
import json
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction
from typing import Any, Final, TypeVar, get_args, get_origin

import attrs
import cattrs
import pendulum
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)

from redcity.errors import NaiveDatetimeError, SerializationError, ValidationError

__all__ = [
    "converter",
    "from_json",
    "register",
    "structure",
    "to_json",
    "unstructure",
]

T = TypeVar("T")


class _NaiveSerializationError(SerializationError, NaiveDatetimeError):
    """A naive datetime met while (un)structuring: both error kinds at once.

    Callers may catch either :class:`~redcity.errors.SerializationError` or
    :class:`~redcity.errors.NaiveDatetimeError`.
    """


# --------------------------------------------------------------------------
# Scalars: strict, so that 5 never silently becomes "5"
# --------------------------------------------------------------------------


def _type_name(cl: Any) -> str:
    return getattr(cl, "__name__", None) or repr(cl)


def _structure_scalar(value: Any, cl: Any) -> Any:
    """Structure str, int, float, bool and their subclasses (StrEnum, IntEnum)."""
    if issubclass(cl, bool):
        ok = isinstance(value, bool)
        expected = "true or false"
    elif issubclass(cl, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
        expected = "an integer"
    elif issubclass(cl, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        expected = "a number"
    else:
        ok = isinstance(value, str)
        expected = "a string"
    if not ok:
        msg = f"expected {expected}, got {value!r}"
        raise TypeError(msg)
    if issubclass(cl, Enum):
        return cl(value)
    return value if type(value) is cl else cl(value)


def _unstructure_scalar(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


# --------------------------------------------------------------------------
# Dates and times
# --------------------------------------------------------------------------


def _naive(value: object) -> _NaiveSerializationError:
    msg = (
        f"expected a timezone-aware datetime, got the naive {value!r}; "
        "give it a zone or offset, e.g. '2024-03-01T09:00:00+08:00'"
    )
    return _NaiveSerializationError(msg)


def _unstructure_datetime(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise _naive(value)
    return value.isoformat()


def _structure_datetime(value: Any, cl: Any) -> datetime:
    if not isinstance(value, str):
        msg = (
            "expected an ISO 8601 datetime string such as "
            f"'2024-03-01T09:00:00+08:00', got {value!r}"
        )
        raise TypeError(msg)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        msg = (
            "expected an ISO 8601 datetime such as '2024-03-01T09:00:00+08:00', "
            f"got {value!r}"
        )
        raise ValueError(msg) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise _naive(value)
    if issubclass(cl, pendulum.DateTime):
        return pendulum.instance(parsed)
    return parsed


def _unstructure_date(value: date) -> str:
    if isinstance(value, datetime):
        msg = f"expected a date, got the datetime {value!r}"
        raise SerializationError(msg)
    return value.isoformat()


def _structure_date(value: Any, cl: Any) -> date:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 date string such as '2024-03-01', got {value!r}"
        raise TypeError(msg)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        msg = f"expected an ISO 8601 date such as '2024-03-01', got {value!r}"
        raise ValueError(msg) from None
    if cl is date:
        return parsed
    result: date = cl(parsed.year, parsed.month, parsed.day)
    return result


def _unstructure_time(value: time) -> str:
    return value.isoformat()


def _structure_time(value: Any, cl: Any) -> time:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 time string such as '09:30:00', got {value!r}"
        raise TypeError(msg)
    try:
        t = time.fromisoformat(value)
    except ValueError:
        msg = f"expected an ISO 8601 time such as '09:30:00', got {value!r}"
        raise ValueError(msg) from None
    if cl is time:
        return t
    result: time = cl(t.hour, t.minute, t.second, t.microsecond, tzinfo=t.tzinfo)
    return result


_DURATION: Final = re.compile(
    r"(?P<sign>[-+])?P"
    r"(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?"
    r"(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d{1,6})?)S)?)?"
)


def _unstructure_timedelta(value: timedelta) -> str:
    years = months = 0
    if isinstance(value, pendulum.Duration):
        years, months = value.years, value.months
    # timedelta's own addition reads the stored days/seconds/microseconds;
    # pendulum.Duration overrides those attributes with other meanings.
    plain = timedelta.__add__(timedelta(0), value)
    rest = plain - timedelta(days=365 * years + 30 * months)
    zero = timedelta(0)
    signs = {(n > 0) - (n < 0) for n in (years, months) if n}
    if rest:
        signs.add(1 if rest > zero else -1)
    if len(signs) > 1:
        msg = (
            f"cannot write {value!r} as an ISO 8601 duration: its years, months "
            "and days have different signs"
        )
        raise SerializationError(msg)
    sign = "-" if signs == {-1} else ""
    if sign:
        years, months, rest = -years, -months, -rest
    date_part = "".join(
        f"{n}{unit}" for n, unit in ((years, "Y"), (months, "M"), (rest.days, "D")) if n
    )
    hours, rem = divmod(rest.seconds, 3600)
    minutes, seconds = divmod(rem, 60)
    secs = f"{seconds}.{rest.microseconds:06d}".rstrip("0") if rest.microseconds else ""
    time_part = "".join(
        f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M")) if n
    ) + (f"{secs}S" if secs else (f"{seconds}S" if seconds else ""))
    if not date_part and not time_part:
        return "PT0S"
    return f"{sign}P{date_part}" + (f"T{time_part}" if time_part else "")


def _structure_timedelta(value: Any, cl: Any) -> timedelta:
    m = _DURATION.fullmatch(value) if isinstance(value, str) else None
    units = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
    if m is None or value.endswith(("P", "T")) or not any(m.group(u) for u in units):
        msg = f"expected an ISO 8601 duration such as 'P1DT2H30M', got {value!r}"
        raise ValueError(msg)
    parts = {
        k: int(v)
        for k, v in m.groupdict().items()
        if v and k not in ("sign", "seconds")
    }
    seconds = Decimal(m.group("seconds").replace(",", ".")) if m.group("seconds") else 0
    whole = int(seconds)
    micro = int((seconds - whole) * 1_000_000)
    k = -1 if m.group("sign") == "-" else 1
    if issubclass(cl, pendulum.Duration):
        duration = pendulum.duration(
            years=parts.get("years", 0),
            months=parts.get("months", 0),
            weeks=parts.get("weeks", 0),
            days=parts.get("days", 0),
            hours=parts.get("hours", 0),
            minutes=parts.get("minutes", 0),
            seconds=whole,
            microseconds=micro,
        )
        return -duration if k < 0 else duration
    if parts.get("years") or parts.get("months"):
        msg = (
            f"a timedelta has no calendar years or months, got {value!r}; "
            "declare the field as pendulum.Duration to keep them"
        )
        raise ValueError(msg)
    td = timedelta(
        weeks=parts.get("weeks", 0),
        days=parts.get("days", 0),
        hours=parts.get("hours", 0),
        minutes=parts.get("minutes", 0),
        seconds=whole,
        microseconds=micro,
    )
    return k * td


# --------------------------------------------------------------------------
# Exact numbers
# --------------------------------------------------------------------------


def _unstructure_decimal(value: Decimal) -> str:
    if not value.is_finite():
        msg = f"expected a finite Decimal, got {value!r}"
        raise SerializationError(msg)
    return str(value)


def _structure_decimal(value: Any, cl: Any) -> Decimal:
    if isinstance(value, bool | float):
        msg = (
            f"expected a decimal number as a string such as '12.50', got the "
            f"{type(value).__name__} {value!r} (floats are inexact)"
        )
        raise TypeError(msg)
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        msg = f"expected a decimal number as a string such as '12.50', got {value!r}"
        raise TypeError(msg)
    try:
        result = Decimal(value)
    except InvalidOperation:
        msg = f"expected a decimal number as a string such as '12.50', got {value!r}"
        raise ValueError(msg) from None
    if not result.is_finite():
        msg = f"expected a finite decimal number, got {value!r}"
        raise ValueError(msg)
    return result


_FRACTION: Final = re.compile(r"[-+]?\d+(?:/\d+)?")


def _unstructure_fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _structure_fraction(value: Any, cl: Any) -> Fraction:
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if not isinstance(value, str) or _FRACTION.fullmatch(value) is None:
        msg = f"expected a fraction as a string such as '2/3', got {value!r}"
        raise ValueError(msg)
    try:
        return Fraction(value)
    except ZeroDivisionError:
        msg = f"expected a fraction with a non-zero denominator, got {value!r}"
        raise ValueError(msg) from None


# --------------------------------------------------------------------------
# Collections: arrays only (a string is not a tuple of characters)
# --------------------------------------------------------------------------

_BUILDERS: Final[dict[Any, Callable[[list[Any]], Any]]] = {
    tuple: tuple,
    cabc.Sequence: tuple,
    list: list,
    cabc.MutableSequence: list,
    frozenset: frozenset,
    cabc.Set: frozenset,
    set: set,
    cabc.MutableSet: set,
}


def _is_homogeneous_collection(cl: Any) -> bool:
    origin = get_origin(cl) or cl
    try:
        if origin not in _BUILDERS:
            return False
    except TypeError:  # unhashable type expression
        return False
    args = get_args(cl)
    if origin is tuple:
        return not args or (len(args) == 2 and args[1] is Ellipsis)
    return len(args) <= 1


def _collection_hook_factory(
    cl: Any, conv: cattrs.Converter
) -> Callable[[Any, Any], Any]:
    build = _BUILDERS[get_origin(cl) or cl]
    args = get_args(cl)
    elem = args[0] if args else Any

    def structure_collection(value: Any, _: Any) -> Any:
        if not isinstance(value, list | tuple | set | frozenset):
            msg = f"expected an array, got {value!r}"
            raise TypeError(msg)
        handler = conv.get_structure_hook(elem)
        errors: list[Exception] = []
        out: list[Any] = []
        for i, item in enumerate(value):
            try:
                out.append(handler(item, elem))
            except Exception as exc:
                note = IterableValidationNote(
                    f"Structuring {cl!r} @ index {i}", i, elem
                )
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                errors.append(exc)
        if errors:
            msg = f"While structuring {cl!r}"
            raise IterableValidationError(msg, errors, cl)
        return build(out)

    return structure_collection


def _stable_list(items: Any) -> list[Any]:
    """Sets unstructure to sorted lists so that JSON output is reproducible."""
    seq = list(items)
    try:
        return sorted(seq)
    except TypeError:
        return sorted(seq, key=lambda x: json.dumps(x, sort_keys=True, default=str))


# --------------------------------------------------------------------------
# The converter
# --------------------------------------------------------------------------

_JSON_SCALARS: Final = (str, int, float, bool, type(None))


def _unstructure_fallback(cl: Any) -> Callable[[Any], Any]:
    if cl in _JSON_SCALARS:
        return _unstructure_scalar

    def refuse(value: Any) -> Any:
        msg = (
            f"redcity does not know how to serialize {_type_name(type(value))} "
            "objects; register hooks with redcity.serialize.register()"
        )
        raise SerializationError(msg)

    return refuse


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(
        forbid_extra_keys=True,
        detailed_validation=True,
        unstruct_collection_overrides={
            cabc.Set: _stable_list,
            cabc.Sequence: list,
            tuple: list,
        },
        unstructure_fallback_factory=_unstructure_fallback,
    )
    for scalar in (str, int, float, bool):
        conv.register_structure_hook(scalar, _structure_scalar)
        conv.register_unstructure_hook(scalar, _unstructure_scalar)
    conv.register_unstructure_hook(Enum, lambda v: conv.unstructure(v.value))
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook(date, _unstructure_date)
    conv.register_structure_hook(time, _structure_time)
    conv.register_unstructure_hook(time, _unstructure_time)
    conv.register_structure_hook(timedelta, _structure_timedelta)
    conv.register_unstructure_hook(timedelta, _unstructure_timedelta)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(Decimal, _unstructure_decimal)
    conv.register_structure_hook(Fraction, _structure_fraction)
    conv.register_unstructure_hook(Fraction, _unstructure_fraction)
    conv.register_structure_hook_factory(
        _is_homogeneous_collection, _collection_hook_factory
    )
    return conv


converter: Final[cattrs.Converter] = _make_converter()
"""redcity's one converter.  Use :func:`register` to add hooks to it."""


def register(
    cls: type[T],
    unstructure: Callable[[T], Any],
    structure: Callable[[Any], T],
) -> None:
    """Teach redcity's converter a type of your own.

    Call it at import time of the module that defines ``cls``, before the
    first (un)structuring of any record that contains it.  ``structure``
    should raise :class:`ValueError` or :class:`TypeError` with a full
    sentence; the message is reported with the path of the bad value.

    Args:
        cls: The type; its subclasses use the same hooks.
        unstructure: Turns a ``cls`` into JSON-ready data.
        structure: Turns JSON-ready data back into a ``cls``.

    >>> class Code(str):
    ...     pass
    >>> register(Code, str, lambda s: Code(s.upper()))
    >>> structure("ab", Code)
    'AB'
    """

    def hook(value: Any, _: Any) -> T:
        return structure(value)

    converter.register_unstructure_hook(cls, unstructure)
    converter.register_structure_hook(cls, hook)


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def _describe(exc: BaseException, cl: Any) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = ", ".join(repr(k) for k in sorted(exc.extra_fields))
        s = "s" if len(exc.extra_fields) > 1 else ""
        known = (
            ", ".join(a.name for a in attrs.fields(exc.cl))
            if attrs.has(exc.cl)
            else "?"
        )
        return f"unexpected key{s} {extra}; {_type_name(exc.cl)} has keys {known}"
    if isinstance(exc, ValidationError):  # a record's whole-input check, one line
        return "; ".join(str(p).rstrip(".") for p in exc.problems)
    if isinstance(exc, KeyError):
        return "required key is missing"
    if isinstance(exc, AttributeError) and "has no attribute" in str(exc):
        return "expected an object (a mapping of keys to values)"
    if isinstance(exc, StructureHandlerNotFoundError):
        return (
            f"redcity does not know how to read {_type_name(exc.type_)}; "
            "register hooks with redcity.serialize.register()"
        )
    if isinstance(exc, ValueError | TypeError) and str(exc):
        return str(exc).rstrip(".")
    return f"{type(exc).__name__}: {exc}"


def _any_naive(exc: BaseException) -> bool:
    if isinstance(exc, NaiveDatetimeError):
        return True
    if isinstance(exc, ClassValidationError | IterableValidationError):
        return any(_any_naive(e) for e in exc.exceptions)
    return False


def _structure_error(exc: BaseException, cls: Any) -> SerializationError:
    lines = []
    for line in cattrs.transform_error(exc, "$", _describe):
        description, _, path = line.rpartition(" @ ")
        lines.append(f"  - {path}: {description}")
    n = len(lines)
    head = (
        f"Cannot build {_type_name(cls)} from the data: "
        f"{n} problem{'s' if n != 1 else ''} found:"
    )
    msg = "\n".join([head, *lines])
    kind = _NaiveSerializationError if _any_naive(exc) else SerializationError
    return kind(msg)


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------


def unstructure(obj: object) -> Any:
    """Turn a record (or any supported value) into JSON-ready data.

    Raises:
        SerializationError: A value has no hook, or cannot be written (a naive
            datetime also raises :class:`~redcity.errors.NaiveDatetimeError`).

    >>> import datetime as dt
    >>> unstructure((dt.date(2024, 3, 1), dt.timedelta(hours=1, minutes=30)))
    ['2024-03-01', 'PT1H30M']
    """
    return converter.unstructure(obj)


def structure(data: object, cls: type[T]) -> T:
    """Build a ``cls`` from JSON-ready data, checking every value.

    Raises:
        SerializationError: Listing every bad value with its path (``$`` is
            the top, ``$.contact_details[0].value`` a nested field).  When a
            datetime was naive, the error is also a
            :class:`~redcity.errors.NaiveDatetimeError`.

    >>> from fractions import Fraction
    >>> structure(["1/3", "2"], tuple[Fraction, ...])
    (Fraction(1, 3), Fraction(2, 1))
    >>> structure("5", int)
    Traceback (most recent call last):
    ...
    redcity.errors.SerializationError: Cannot build int from the data: 1 problem found:
      - $: expected an integer, got '5'
    """
    try:
        result: T = converter.structure(data, cls)
    except Exception as exc:
        raise _structure_error(exc, cls) from exc
    return result


def to_json(obj: object, *, indent: int | None = None) -> str:
    """Serialize a record to a JSON string (UTF-8 text, Chinese kept as is).

    Args:
        obj: The record or value.
        indent: Indentation for pretty output; compact when ``None``.

    Raises:
        SerializationError: As :func:`unstructure`, or for a NaN float.

    >>> from decimal import Decimal
    >>> to_json({"名称": "兴茂小区", "面积": Decimal("120.50")})
    '{"名称": "兴茂小区", "面积": "120.50"}'
    """
    data = unstructure(obj)
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=indent)
    except (TypeError, ValueError) as exc:
        msg = f"Cannot write {_type_name(type(obj))} as JSON: {exc}"
        raise SerializationError(msg) from exc


def from_json(text: str | bytes, cls: type[T]) -> T:
    """Parse JSON text and build a ``cls`` from it (see :func:`structure`).

    Raises:
        SerializationError: The text is not JSON, or does not fit ``cls``.

    >>> import datetime as dt
    >>> from_json('"2024-03-01T09:00:00+08:00"', dt.datetime).utcoffset()
    datetime.timedelta(seconds=28800)
    >>> from redcity.errors import NaiveDatetimeError
    >>> try:
    ...     from_json('"2024-03-01T09:00"', dt.datetime)
    ... except NaiveDatetimeError as err:
    ...     print(err)
    Cannot build datetime from the data: 1 problem found:
      - $: expected a timezone-aware datetime, got the naive '2024-03-01T09:00'; give it a zone or offset, e.g. '2024-03-01T09:00:00+08:00'
    """  # noqa: E501
    try:
        data = json.loads(text)
    except ValueError as exc:
        msg = f"Cannot build {_type_name(cls)}: the text is not valid JSON ({exc})."
        raise SerializationError(msg) from exc
    return structure(data, cls)
