"""People, organisations, memberships and posts in the Popolo vocabulary.

The records follow the `Popolo <https://www.popoloproject.com/>`_ data
specification field for field (``person_id``, ``organization_id``,
``on_behalf_of_id`` …) so that they export to Popolo JSON without renaming.
redcity adds one field, ``node_id``: the id of the grid node (a
:class:`~redcity.grid.GridTree` node) that an organisation, post or membership
is attached to — 支部建在网格上.  A grid node is a geographic area, so
``to_popolo()`` publishes ``node_id`` as Popolo's ``area_id``.

Residents' personal numbers never leave redcity unmasked: every
``to_popolo()`` masks resident identity numbers (居民身份证号码) and phone
numbers, and :meth:`Person.to_popolo` has no switch to turn that off.

>>> import redcity.people as pp
>>> wang = pp.Person(
...     id="p-1",
...     name="王芳",
...     identifiers=(pp.Identifier.from_resident_id("11010519491231002x"),),
...     contact_details=(pp.ContactDetail.from_phone("138 1234 5678"),),
... )
>>> wang.resident_id
'11010519491231002X'
>>> wang.to_popolo()["identifiers"]
[{'identifier': '110105********002X', 'scheme': 'cn-resident-id'}]
>>> wang.to_popolo()["contact_details"]
[{'type': 'cell', 'value': '138****5678'}]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any, Final, Literal, overload

import attrs

from redcity.errors import IdentityError, Problem, UnknownMember, ValidationError

__all__ = [
    "PHONE_TYPES",
    "RESIDENT_ID_SCHEME",
    "ContactDetail",
    "Identifier",
    "Link",
    "MemberRegistration",
    "MemberRegistry",
    "Membership",
    "Organization",
    "OtherName",
    "Person",
    "Post",
    "is_valid_resident_id",
    "mask_phone",
    "mask_resident_id",
    "mask_text",
    "mask_texts",
    "resident_id_birth_date",
    "resident_id_check_char",
    "resident_id_region",
    "resident_id_sex",
    "validate_phone",
    "validate_resident_id",
]

RESIDENT_ID_SCHEME: Final = "cn-resident-id"
"""The :class:`Identifier` scheme of a resident identity number (居民身份证号码)."""

PHONE_TYPES: Final = frozenset({"cell", "fax", "phone", "text", "voice"})
"""Contact-detail types whose value is a phone number and is masked on export.

``"cell"`` values must be mainland mobile numbers (see :func:`validate_phone`).
"""

# --------------------------------------------------------------------------
# Resident identity numbers (GB 11643-1999)
# --------------------------------------------------------------------------

# GB 11643-1999 §8.2: ISO 7064 MOD 11-2 weights W_i = 2^(i-1) mod 11 for the
# seventeen body digits (read left to right), and the check character for
# each residue of the weighted sum modulo 11.
_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS: Final = "10X98765432"
_ID_SHAPE: Final = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_SHAPE: Final = re.compile(r"1[3-9][0-9]{9}")
# Runs that look like a personal number inside free text (no digit either side).
_ID_RUN: Final = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_MOBILE_RUN: Final = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9]{9}(?![0-9])")


def resident_id_check_char(body: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of a number.

    The check is ISO 7064 MOD 11-2: each digit is weighted by
    ``7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2``, and the weighted sum modulo 11
    picks a character from ``"10X98765432"``.

    Args:
        body: Exactly 17 ASCII digits (region, birth date, sequence).

    Returns:
        One of ``"0"`` … ``"9"`` or ``"X"``.

    Raises:
        IdentityError: ``body`` is not 17 digits.

    References:
        GB 11643-1999 《公民身份号码》 §8 (校验码); ISO 7064:1983 MOD 11-2.

    >>> resident_id_check_char("11010519491231002")
    'X'
    """
    if len(body) != 17 or not body.isascii() or not body.isdigit():
        msg = f"Expected the 17 body digits of a resident id number, got {body!r}."
        raise IdentityError(msg)
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _id_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def validate_resident_id(number: str) -> str:
    """Check an 18-character resident identity number and return it normalised.

    Surrounding whitespace is dropped and a lowercase check character ``x``
    becomes ``X``.  The number must be 17 digits and a check character, its
    digits 7–14 must be a real calendar date (YYYYMMDD), and the check
    character must match :func:`resident_id_check_char`.

    Args:
        number: The number as written.

    Returns:
        The normalised 18-character number.

    Raises:
        IdentityError: Saying what is wrong (length, characters, birth date or
            check character).  Fifteen-digit first-generation numbers are
            refused.

    References:
        GB 11643-1999 《公民身份号码》 §§4–8: 6-digit address code
        (GB/T 2260), 8-digit birth date, 3-digit sequence (odd for men, even
        for women), ISO 7064 MOD 11-2 check character.

    >>> validate_resident_id(" 11010519491231002x ")
    '11010519491231002X'
    >>> validate_resident_id("110105194912310021")
    Traceback (most recent call last):
    ...
    redcity.errors.IdentityError: Resident id number '110105194912310021' has check character '1', but its first 17 digits require 'X'.
    """  # noqa: E501
    if not isinstance(number, str):
        msg = f"Expected a resident id number as a string, got {number!r}."
        raise IdentityError(msg)
    s = number.strip().upper()
    if len(s) != 18:
        hint = (
            " Fifteen-digit first-generation numbers are not accepted."
            if len(s) == 15
            else ""
        )
        msg = (
            f"Expected an 18-character resident id number, got {number!r} "
            f"({len(s)} characters).{hint}"
        )
        raise IdentityError(msg)
    if not s.isascii() or _ID_SHAPE.fullmatch(s) is None:
        msg = (
            f"Expected 17 digits and a check digit or 'X' in resident id number, "
            f"got {number!r}."
        )
        raise IdentityError(msg)
    if _id_birth_date(s) is None:
        msg = (
            f"Resident id number {number!r} embeds birth date {s[6:14]!r}, "
            "which is not a real date (YYYYMMDD)."
        )
        raise IdentityError(msg)
    expected = resident_id_check_char(s[:17])
    if s[17] != expected:
        msg = (
            f"Resident id number {number!r} has check character {s[17]!r}, "
            f"but its first 17 digits require {expected!r}."
        )
        raise IdentityError(msg)
    return s


def is_valid_resident_id(number: str) -> bool:
    """Whether :func:`validate_resident_id` accepts ``number``.

    References:
        GB 11643-1999 《公民身份号码》.

    >>> is_valid_resident_id("11010519491231002X"), is_valid_resident_id("123")
    (True, False)
    """
    try:
        validate_resident_id(number)
    except IdentityError:
        return False
    return True


def resident_id_birth_date(number: str) -> date:
    """The birth date embedded in a resident identity number (digits 7–14).

    Raises:
        IdentityError: ``number`` is not a valid resident identity number.

    References:
        GB 11643-1999 《公民身份号码》 §6 (出生日期码).

    >>> resident_id_birth_date("11010519491231002X")
    datetime.date(1949, 12, 31)
    """
    born = _id_birth_date(validate_resident_id(number))
    assert born is not None  # validate_resident_id checked it
    return born


def resident_id_region(number: str) -> str:
    """The 6-digit address code (GB/T 2260 county code) of a resident id number.

    It is the county where the number was first issued, not necessarily
    where the person lives now.

    Raises:
        IdentityError: ``number`` is not a valid resident identity number.

    References:
        GB 11643-1999 《公民身份号码》 §5 (地址码); GB/T 2260.

    >>> resident_id_region("11010519491231002X")
    '110105'
    """
    return validate_resident_id(number)[:6]


def resident_id_sex(number: str) -> Literal["female", "male"]:
    """The sex encoded by the parity of the 17th digit (odd male, even female).

    Raises:
        IdentityError: ``number`` is not a valid resident identity number.

    References:
        GB 11643-1999 《公民身份号码》 §7 (顺序码).

    >>> resident_id_sex("11010519491231002X")
    'female'
    """
    return "male" if int(validate_resident_id(number)[16]) % 2 else "female"


def mask_resident_id(number: str) -> str:
    """Mask a resident identity number for display or export.

    Keeps the 6-digit address code and the last 4 characters and replaces
    the birth date and the rest with ``*``.  The number need not be valid:
    anything shaped like an 18-character (or 15-digit first-generation)
    number is masked, so that a typo never leaks.

    Raises:
        IdentityError: ``number`` is not shaped like a resident id number.

    References:
        GB 11643-1999 《公民身份号码》 (layout of the number).

    >>> mask_resident_id("52030219900307123X")
    '520302********123X'
    >>> mask_resident_id("11010519491231002x")
    '110105********002X'
    """
    s = number.strip().upper() if isinstance(number, str) else ""
    if not s.isascii() or not (
        _ID_SHAPE.fullmatch(s) or (len(s) == 15 and s.isdigit())
    ):
        msg = (
            f"Expected a resident id number of 18 characters (or 15 digits) "
            f"to mask, got {number!r}."
        )
        raise IdentityError(msg)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


# --------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------

_PHONE_SEPARATORS: Final = re.compile(r"[\s\-()]")


def validate_phone(number: str) -> str:
    """Check a mainland mobile number and return its 11 digits.

    Spaces, hyphens and parentheses are dropped, and a ``+86``, ``86`` or
    ``0086`` country prefix is removed; what remains must be 11 digits
    starting ``13``–``19``.

    Raises:
        IdentityError: ``number`` is not a mainland mobile number.

    >>> validate_phone("+86 138-1234-5678")
    '13812345678'
    >>> validate_phone("12345678901")
    Traceback (most recent call last):
    ...
    redcity.errors.IdentityError: Expected a mainland mobile number (11 digits starting 13–19), got '12345678901'.
    """  # noqa: E501
    if not isinstance(number, str):
        msg = f"Expected a phone number as a string, got {number!r}."
        raise IdentityError(msg)
    s = _PHONE_SEPARATORS.sub("", number)
    for prefix in ("+86", "0086", "86"):
        if s.startswith(prefix) and len(s) == len(prefix) + 11:
            s = s[len(prefix) :]
            break
    if not s.isascii() or _MOBILE_SHAPE.fullmatch(s) is None:
        msg = (
            "Expected a mainland mobile number (11 digits starting 13–19), "
            f"got {number!r}."
        )
        raise IdentityError(msg)
    return s


def mask_phone(number: str) -> str:
    """Mask a phone number for display or export.

    A mainland mobile number becomes its first 3 and last 4 digits around
    ``****``.  Any other number (a landline, an extension) keeps only its
    last 4 digits; its other digits become ``*`` and separators stay.

    Raises:
        IdentityError: ``number`` contains no digit.

    >>> mask_phone("13812345678")
    '138****5678'
    >>> mask_phone("0851-28221234")
    '****-****1234'
    """
    try:
        mobile = validate_phone(number)
    except IdentityError:
        pass
    else:
        return f"{mobile[:3]}****{mobile[-4:]}"
    n_digits = sum(c.isdigit() for c in number)
    if n_digits == 0:
        msg = f"Expected a phone number to mask, got {number!r} (no digits)."
        raise IdentityError(msg)
    out: list[str] = []
    seen = 0
    for c in number:
        if c.isdigit():
            seen += 1
            out.append(c if seen > n_digits - 4 else "*")
        else:
            out.append(c)
    return "".join(out)


def mask_text(text: str) -> str:
    """Mask anything in free text that looks like a resident ID or a mobile.

    Exports run every free text (a ticket's description, a meeting's topic)
    through it, so that a number typed into a note is never published.

    >>> mask_text("王某 13812345678, ID 11010519491231002X")
    '王某 138****5678, ID 110105********002X'
    """

    def id_run(m: re.Match[str]) -> str:
        return mask_resident_id(m.group())

    def mobile_run(m: re.Match[str]) -> str:
        return mask_phone(m.group())

    return _MOBILE_RUN.sub(mobile_run, _ID_RUN.sub(id_run, text))


def mask_texts(value: Any) -> Any:
    """:func:`mask_text` over every string in JSON-ready data (dicts, lists).

    >>> mask_texts({"notes": ["call 13812345678"], "n": 1})
    {'notes': ['call 138****5678'], 'n': 1}
    """
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_texts(v) for v in value]
    return value


# --------------------------------------------------------------------------
# Validators
# --------------------------------------------------------------------------


def _nonblank(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        msg = f"{attr.name} must be a string, got {value!r}."
        raise TypeError(msg)
    if not value.strip():
        msg = f"{attr.name} must not be blank, got {value!r}."
        raise ValueError(msg)


def _opt_nonblank(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _nonblank(inst, attr, value)


def _opaque_id(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    _nonblank(inst, attr, value)
    assert isinstance(value, str)
    if mask_text(value) != value:
        msg = (
            f"{attr.name} {value!r} contains a resident id or phone number; "
            "use an opaque id so that exports need not mask it."
        )
        raise IdentityError(msg)


def _opt_date(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, date) or isinstance(value, datetime):
        msg = f"{attr.name} must be a datetime.date (not a datetime), got {value!r}."
        raise TypeError(msg)


def _tuple_of(cls: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            msg = f"{attr.name} must be a tuple, got {value!r}."
            raise TypeError(msg)
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                msg = f"{attr.name}[{i}] must be a {cls.__name__}, got {item!r}."
                raise TypeError(msg)

    return check


def _check_span(
    owner: object, start_name: str, start: date | None, end_name: str, end: date | None
) -> None:
    if start is not None and end is not None and end < start:
        msg = (
            f"{type(owner).__name__} {end_name} {end.isoformat()} is before "
            f"{start_name} {start.isoformat()}."
        )
        raise ValueError(msg)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _popolo(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """A Popolo dict from (key, value) pairs, dropping None and empty lists."""
    return {k: v for k, v in pairs if v is not None and v != []}


# --------------------------------------------------------------------------
# Component records
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Identifier:
    """An issued identifier (Popolo ``identifier``).

    A resident identity number uses the scheme :data:`RESIDENT_ID_SCHEME`
    and must be valid and normalised; build one with
    :meth:`from_resident_id`.

    Attributes:
        identifier: The identifier as issued.
        scheme: Who issued it, e.g. ``"cn-resident-id"``, ``"uscc"``.

    References:
        GB 11643-1999 《公民身份号码》 (for the resident id scheme).

    >>> Identifier(identifier="52030400000001", scheme="party-org")
    Identifier(identifier='52030400000001', scheme='party-org')
    """

    identifier: str = attrs.field(validator=_nonblank)
    scheme: str | None = attrs.field(default=None, validator=_opt_nonblank)

    @identifier.validator
    def _check_resident_id(self, attr: attrs.Attribute[str], value: str) -> None:
        if self.scheme == RESIDENT_ID_SCHEME and validate_resident_id(value) != value:
            msg = (
                f"Resident id number {value!r} is not normalised; "
                "use Identifier.from_resident_id()."
            )
            raise IdentityError(msg)

    @classmethod
    def from_resident_id(cls, number: str) -> Identifier:
        """A resident identity number identifier, validated and normalised.

        Raises:
            IdentityError: ``number`` is not a valid resident identity number.

        References:
            GB 11643-1999 《公民身份号码》.

        >>> Identifier.from_resident_id("11010519491231002x").identifier
        '11010519491231002X'
        """
        return cls(identifier=validate_resident_id(number), scheme=RESIDENT_ID_SCHEME)

    def to_popolo(self, *, mask: bool = True) -> dict[str, Any]:
        """This identifier as a Popolo ``identifier`` object.

        A resident identity number is always masked.

        Args:
            mask: Also mask anything shaped like a resident id or mobile
                number in other schemes (the default).  Organisations pass
                ``False``: an all-digit 统一社会信用代码 is not personal.

        >>> Identifier.from_resident_id("11010519491231002X").to_popolo()
        {'identifier': '110105********002X', 'scheme': 'cn-resident-id'}
        """
        if self.scheme == RESIDENT_ID_SCHEME:
            value = mask_resident_id(self.identifier)
        else:
            value = mask_text(self.identifier) if mask else self.identifier
        return _popolo([("identifier", value), ("scheme", self.scheme)])


@attrs.frozen(kw_only=True)
class ContactDetail:
    """A means of contacting a person or organisation (Popolo ``contact_detail``).

    Phone types (:data:`PHONE_TYPES`) are masked on export; a ``"cell"``
    value must be a normalised mainland mobile number — build one with
    :meth:`from_phone`.

    Attributes:
        type: The medium: ``"cell"``, ``"phone"``, ``"email"``, ``"address"`` …
        value: The number, address or handle.
        label: A human-readable label, e.g. ``"值班电话"``.
        note: A note, e.g. for grouping details by place.
        valid_from: First day the detail is valid.
        valid_until: Day from which the detail is no longer valid.

    >>> ContactDetail(type="address", value="遵义市播州区南白街道").type
    'address'
    """

    type: str = attrs.field(validator=_nonblank)
    value: str = attrs.field(validator=_nonblank)
    label: str | None = attrs.field(default=None, validator=_opt_nonblank)
    note: str | None = attrs.field(default=None, validator=_opt_nonblank)
    valid_from: date | None = attrs.field(default=None, validator=_opt_date)
    valid_until: date | None = attrs.field(default=None, validator=_opt_date)

    def __attrs_post_init__(self) -> None:
        if self.type == "cell" and validate_phone(self.value) != self.value:
            msg = (
                f"Mobile number {self.value!r} is not normalised; "
                "use ContactDetail.from_phone()."
            )
            raise IdentityError(msg)
        if self.type in PHONE_TYPES and not any(c.isdigit() for c in self.value):
            msg = f"A {self.type!r} contact needs a number, got {self.value!r}."
            raise IdentityError(msg)
        _check_span(
            self, "valid_from", self.valid_from, "valid_until", self.valid_until
        )

    @classmethod
    def from_phone(cls, number: str, *, label: str | None = None) -> ContactDetail:
        """A ``"cell"`` contact from a mainland mobile number, normalised.

        Raises:
            IdentityError: ``number`` is not a mainland mobile number.

        >>> ContactDetail.from_phone("+86 138 1234 5678").value
        '13812345678'
        """
        return cls(type="cell", value=validate_phone(number), label=label)

    def to_popolo(self, *, mask: bool = True) -> dict[str, Any]:
        """This detail as a Popolo ``contact_detail`` object.

        Args:
            mask: Mask phone numbers, resident ids and mobile numbers in the
                value and notes (the default).  Pass ``False`` only for an
                organisation's published hotline.

        >>> ContactDetail.from_phone("13812345678").to_popolo()
        {'type': 'cell', 'value': '138****5678'}
        """
        value = self.value
        if mask:
            value = mask_phone(value) if self.type in PHONE_TYPES else mask_text(value)
        out = _popolo(
            [
                ("label", self.label),
                ("type", self.type),
                ("value", value),
                ("note", self.note),
                ("valid_from", _iso(self.valid_from)),
                ("valid_until", _iso(self.valid_until)),
            ]
        )
        return mask_texts(out) if mask else out


@attrs.frozen(kw_only=True)
class OtherName:
    """An alternate or former name (Popolo ``other_name``).

    Attributes:
        name: The name, e.g. a former name or a 笔名.
        note: What kind of name it is, e.g. ``"曾用名"``.
        start_date: When the name was adopted.
        end_date: When it was abandoned.

    >>> OtherName(name="王小芳", note="曾用名").to_popolo()
    {'name': '王小芳', 'note': '曾用名'}
    """

    name: str = attrs.field(validator=_nonblank)
    note: str | None = attrs.field(default=None, validator=_opt_nonblank)
    start_date: date | None = attrs.field(default=None, validator=_opt_date)
    end_date: date | None = attrs.field(default=None, validator=_opt_date)

    def __attrs_post_init__(self) -> None:
        _check_span(self, "start_date", self.start_date, "end_date", self.end_date)

    def to_popolo(self) -> dict[str, Any]:
        """This name as a Popolo ``other_name`` object.

        >>> OtherName(name="Wang Fang").to_popolo()
        {'name': 'Wang Fang'}
        """
        return _popolo(
            [
                ("name", self.name),
                ("start_date", _iso(self.start_date)),
                ("end_date", _iso(self.end_date)),
                ("note", self.note),
            ]
        )


@attrs.frozen(kw_only=True)
class Link:
    """A URL, e.g. a source document (Popolo ``link``).

    Attributes:
        url: The URL.
        note: What it is, e.g. ``"公示"``.

    >>> Link(url="https://example.org/notice/1", note="公示").to_popolo()
    {'url': 'https://example.org/notice/1', 'note': '公示'}
    """

    url: str = attrs.field(validator=_nonblank)
    note: str | None = attrs.field(default=None, validator=_opt_nonblank)

    def to_popolo(self) -> dict[str, Any]:
        """This link as a Popolo ``link`` object.

        >>> Link(url="https://example.org").to_popolo()
        {'url': 'https://example.org'}
        """
        return _popolo([("url", self.url), ("note", self.note)])


# --------------------------------------------------------------------------
# Person, Organization, Post, Membership
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Person:
    """A resident, party member, volunteer or worker (Popolo ``person``).

    Resident identity numbers go in ``identifiers`` with scheme
    :data:`RESIDENT_ID_SCHEME`; when ``birth_date`` is also given it must
    agree with the number.  ``id`` must be opaque: it may not contain a
    resident id or mobile number.

    Attributes:
        id: Unique person id.
        name: Preferred full name, e.g. ``"王芳"``.
        family_name: Family name (姓), e.g. ``"王"``.
        given_name: Given name (名), e.g. ``"芳"``.
        other_names: Alternate or former names.
        identifiers: Issued identifiers.
        gender: A gender, free text (Popolo does not fix a vocabulary).
        birth_date: Date of birth.
        death_date: Date of death.
        email: Preferred email address.
        national_identity: A national identity, e.g. ``"中国"``.
        summary: One-line account, e.g. ``"在职党员，双报到至南门社区"``.
        contact_details: Means of contact.
        links: URLs about the person.
        sources: URLs the record was derived from.

    References:
        GB 11643-1999 《公民身份号码》 (resident identity numbers).

    >>> p = Person(id="p-1", name="王芳", birth_date=date(1949, 12, 31),
    ...            identifiers=(Identifier.from_resident_id("11010519491231002X"),))
    >>> p.resident_id
    '11010519491231002X'
    """

    id: str = attrs.field(validator=_opaque_id)
    name: str = attrs.field(validator=_nonblank)
    family_name: str | None = attrs.field(default=None, validator=_opt_nonblank)
    given_name: str | None = attrs.field(default=None, validator=_opt_nonblank)
    other_names: tuple[OtherName, ...] = attrs.field(
        default=(), validator=_tuple_of(OtherName)
    )
    identifiers: tuple[Identifier, ...] = attrs.field(
        default=(), validator=_tuple_of(Identifier)
    )
    gender: str | None = attrs.field(default=None, validator=_opt_nonblank)
    birth_date: date | None = attrs.field(default=None, validator=_opt_date)
    death_date: date | None = attrs.field(default=None, validator=_opt_date)
    email: str | None = attrs.field(default=None, validator=_opt_nonblank)
    national_identity: str | None = attrs.field(default=None, validator=_opt_nonblank)
    summary: str | None = attrs.field(default=None, validator=_opt_nonblank)
    contact_details: tuple[ContactDetail, ...] = attrs.field(
        default=(), validator=_tuple_of(ContactDetail)
    )
    links: tuple[Link, ...] = attrs.field(default=(), validator=_tuple_of(Link))
    sources: tuple[Link, ...] = attrs.field(default=(), validator=_tuple_of(Link))

    def __attrs_post_init__(self) -> None:
        _check_span(self, "birth_date", self.birth_date, "death_date", self.death_date)
        numbers = [
            i.identifier for i in self.identifiers if i.scheme == RESIDENT_ID_SCHEME
        ]
        if len(numbers) > 1:
            msg = (
                f"Person {self.id!r} has {len(numbers)} resident id numbers; "
                "a person has exactly one."
            )
            raise IdentityError(msg)
        if numbers and self.birth_date is not None:
            embedded = resident_id_birth_date(numbers[0])
            if embedded != self.birth_date:
                msg = (
                    f"Person {self.id!r} has birth_date "
                    f"{self.birth_date.isoformat()}, but the resident id number "
                    f"{mask_resident_id(numbers[0])} embeds "
                    f"{embedded.isoformat()}."
                )
                raise IdentityError(msg)

    @property
    def resident_id(self) -> str | None:
        """The resident identity number, or ``None`` when there is none.

        References:
            GB 11643-1999 《公民身份号码》.

        >>> Person(id="p-2", name="李强").resident_id is None
        True
        """
        for ident in self.identifiers:
            if ident.scheme == RESIDENT_ID_SCHEME:
                return ident.identifier
        return None

    def to_popolo(self) -> dict[str, Any]:
        """This person as a Popolo ``person`` object, personal numbers masked.

        Resident identity numbers and phone numbers are always masked (see
        :func:`mask_resident_id`, :func:`mask_phone`), and any free-text
        field that contains one is masked too.  There is no unmasked export.

        >>> Person(id="p-2", name="李强", summary="电话13812345678").to_popolo()
        {'id': 'p-2', 'name': '李强', 'summary': '电话138****5678'}
        """
        out = _popolo(
            [
                ("id", self.id),
                ("name", self.name),
                ("family_name", self.family_name),
                ("given_name", self.given_name),
                ("other_names", [n.to_popolo() for n in self.other_names]),
                ("identifiers", [i.to_popolo() for i in self.identifiers]),
                ("gender", self.gender),
                ("birth_date", _iso(self.birth_date)),
                ("death_date", _iso(self.death_date)),
                ("email", self.email),
                ("national_identity", self.national_identity),
                ("summary", self.summary),
                ("contact_details", [c.to_popolo() for c in self.contact_details]),
                ("links", [link.to_popolo() for link in self.links]),
                ("sources", [link.to_popolo() for link in self.sources]),
            ]
        )
        result: dict[str, Any] = mask_texts(out)
        return result


@attrs.frozen(kw_only=True)
class Organization:
    """A party organisation, committee, company or department (Popolo ``organization``).

    Attributes:
        id: Unique organisation id.
        name: Primary name, e.g. ``"南门社区第一网格党支部"``.
        classification: Category, e.g. ``"党支部"``, ``"居委会"``,
            ``"业委会"``, ``"物业服务企业"``, ``"党小组"``.
        parent_id: The containing organisation (党委 → 党支部 → 党小组).
        node_id: The grid node the organisation is attached to.
        other_names: Alternate or former names.
        identifiers: Issued identifiers, e.g. a 统一社会信用代码.
        founding_date: Date of founding.
        dissolution_date: Date of dissolution.
        contact_details: Means of contact.
        links: URLs about the organisation.
        sources: URLs the record was derived from.

    >>> Organization(id="o-1", name="南门社区党委", classification="党委",
    ...              node_id="n-nanmen").to_popolo()
    {'id': 'o-1', 'name': '南门社区党委', 'classification': '党委', 'area_id': 'n-nanmen'}
    """  # noqa: E501

    id: str = attrs.field(validator=_nonblank)
    name: str = attrs.field(validator=_nonblank)
    classification: str | None = attrs.field(default=None, validator=_opt_nonblank)
    parent_id: str | None = attrs.field(default=None, validator=_opt_nonblank)
    node_id: str | None = attrs.field(default=None, validator=_opt_nonblank)
    other_names: tuple[OtherName, ...] = attrs.field(
        default=(), validator=_tuple_of(OtherName)
    )
    identifiers: tuple[Identifier, ...] = attrs.field(
        default=(), validator=_tuple_of(Identifier)
    )
    founding_date: date | None = attrs.field(default=None, validator=_opt_date)
    dissolution_date: date | None = attrs.field(default=None, validator=_opt_date)
    contact_details: tuple[ContactDetail, ...] = attrs.field(
        default=(), validator=_tuple_of(ContactDetail)
    )
    links: tuple[Link, ...] = attrs.field(default=(), validator=_tuple_of(Link))
    sources: tuple[Link, ...] = attrs.field(default=(), validator=_tuple_of(Link))

    def __attrs_post_init__(self) -> None:
        if self.parent_id == self.id:
            msg = f"Organization {self.id!r} cannot be its own parent."
            raise ValueError(msg)
        _check_span(
            self,
            "founding_date",
            self.founding_date,
            "dissolution_date",
            self.dissolution_date,
        )

    def to_popolo(self, *, mask: bool = True) -> dict[str, Any]:
        """This organisation as a Popolo ``organization`` object.

        ``node_id`` is published as Popolo's ``area_id``.

        Args:
            mask: Mask phone numbers in contact details (the default); pass
                ``False`` to publish a service hotline as is.

        >>> Organization(id="o-2", name="兴茂小区业委会", parent_id="o-1").to_popolo()
        {'id': 'o-2', 'name': '兴茂小区业委会', 'parent_id': 'o-1'}
        """
        return _popolo(
            [
                ("id", self.id),
                ("name", self.name),
                ("classification", self.classification),
                ("parent_id", self.parent_id),
                ("area_id", self.node_id),
                ("other_names", [n.to_popolo() for n in self.other_names]),
                ("identifiers", [i.to_popolo(mask=False) for i in self.identifiers]),
                ("founding_date", _iso(self.founding_date)),
                ("dissolution_date", _iso(self.dissolution_date)),
                (
                    "contact_details",
                    [c.to_popolo(mask=mask) for c in self.contact_details],
                ),
                ("links", [link.to_popolo() for link in self.links]),
                ("sources", [link.to_popolo() for link in self.sources]),
            ]
        )


@attrs.frozen(kw_only=True)
class Post:
    """A position that exists whoever holds it (Popolo ``post``), e.g. 网格员.

    Attributes:
        id: Unique post id.
        label: What the post is called, e.g. ``"第一网格专职网格员"``.
        organization_id: The organisation in which the post is held.
        role: The function of its holder, e.g. ``"网格员"``, ``"支部书记"``.
        node_id: The grid node the post serves (四定: 定人、定岗).
        other_label: Alternate labels.
        start_date: When the post was created.
        end_date: When it was abolished.
        contact_details: Means of contacting the holder.

    >>> Post(id="post-1", label="第一网格网格员", organization_id="o-1",
    ...      role="网格员", node_id="g-1").to_popolo()["area_id"]
    'g-1'
    """

    id: str = attrs.field(validator=_nonblank)
    label: str = attrs.field(validator=_nonblank)
    organization_id: str = attrs.field(validator=_nonblank)
    role: str | None = attrs.field(default=None, validator=_opt_nonblank)
    node_id: str | None = attrs.field(default=None, validator=_opt_nonblank)
    other_label: tuple[str, ...] = attrs.field(default=(), validator=_tuple_of(str))
    start_date: date | None = attrs.field(default=None, validator=_opt_date)
    end_date: date | None = attrs.field(default=None, validator=_opt_date)
    contact_details: tuple[ContactDetail, ...] = attrs.field(
        default=(), validator=_tuple_of(ContactDetail)
    )

    def __attrs_post_init__(self) -> None:
        _check_span(self, "start_date", self.start_date, "end_date", self.end_date)

    def to_popolo(self, *, mask: bool = True) -> dict[str, Any]:
        """This post as a Popolo ``post`` object (``node_id`` as ``area_id``).

        Args:
            mask: Mask phone numbers in contact details (the default).

        >>> Post(id="post-2", label="兴茂小区楼栋长", organization_id="o-2").to_popolo()
        {'id': 'post-2', 'label': '兴茂小区楼栋长', 'organization_id': 'o-2'}
        """
        return _popolo(
            [
                ("id", self.id),
                ("label", self.label),
                ("other_label", list(self.other_label)),
                ("role", self.role),
                ("organization_id", self.organization_id),
                ("area_id", self.node_id),
                ("start_date", _iso(self.start_date)),
                ("end_date", _iso(self.end_date)),
                (
                    "contact_details",
                    [c.to_popolo(mask=mask) for c in self.contact_details],
                ),
            ]
        )


@attrs.frozen(kw_only=True)
class Membership:
    """A person's membership of an organisation (Popolo ``membership``).

    Party membership, 在职党员双报到, 交叉任职 and holding a post are all
    memberships; ``post_id`` names the post held, ``on_behalf_of_id`` the
    organisation the person represents (e.g. the 物业 on a joint meeting).

    Attributes:
        id: Unique membership id.
        person_id: The member.
        organization_id: The organisation joined.
        post_id: The post held through this membership.
        role: The role fulfilled, e.g. ``"党员"``, ``"委员"``.
        label: A label, e.g. ``"在职党员双报到"``.
        on_behalf_of_id: The organisation the member represents.
        node_id: The grid node where the member serves.
        start_date: First day of the membership.
        end_date: Last day of the membership.

    >>> m = Membership(id="m-1", person_id="p-1", organization_id="o-1",
    ...                role="党员", start_date=date(2022, 3, 1))
    >>> m.to_popolo()["start_date"]
    '2022-03-01'
    """

    id: str = attrs.field(validator=_nonblank)
    person_id: str = attrs.field(validator=_opaque_id)
    organization_id: str = attrs.field(validator=_nonblank)
    post_id: str | None = attrs.field(default=None, validator=_opt_nonblank)
    role: str | None = attrs.field(default=None, validator=_opt_nonblank)
    label: str | None = attrs.field(default=None, validator=_opt_nonblank)
    on_behalf_of_id: str | None = attrs.field(default=None, validator=_opt_nonblank)
    node_id: str | None = attrs.field(default=None, validator=_opt_nonblank)
    start_date: date | None = attrs.field(default=None, validator=_opt_date)
    end_date: date | None = attrs.field(default=None, validator=_opt_date)

    def __attrs_post_init__(self) -> None:
        _check_span(self, "start_date", self.start_date, "end_date", self.end_date)

    def is_active(self, on: date) -> bool:
        """Whether the membership holds on day ``on`` (both ends inclusive).

        >>> m = Membership(id="m-1", person_id="p-1", organization_id="o-1",
        ...                start_date=date(2022, 3, 1), end_date=date(2022, 12, 31))
        >>> m.is_active(date(2022, 12, 31)), m.is_active(date(2023, 1, 1))
        (True, False)
        """
        if self.start_date is not None and on < self.start_date:
            return False
        return self.end_date is None or on <= self.end_date

    def to_popolo(self) -> dict[str, Any]:
        """This membership as a Popolo ``membership`` object (``node_id`` as ``area_id``).

        >>> Membership(id="m-2", person_id="p-1", organization_id="o-1",
        ...            node_id="g-1").to_popolo()
        {'id': 'm-2', 'person_id': 'p-1', 'organization_id': 'o-1', 'area_id': 'g-1'}
        """  # noqa: E501
        return _popolo(
            [
                ("id", self.id),
                ("label", self.label),
                ("role", self.role),
                ("person_id", self.person_id),
                ("organization_id", self.organization_id),
                ("post_id", self.post_id),
                ("on_behalf_of_id", self.on_behalf_of_id),
                ("area_id", self.node_id),
                ("start_date", _iso(self.start_date)),
                ("end_date", _iso(self.end_date)),
            ]
        )


# --------------------------------------------------------------------------
# The member registry (双报到)
# --------------------------------------------------------------------------


def _date(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        msg = f"{attr.name} must be a datetime.date, got None."
        raise TypeError(msg)
    _opt_date(inst, attr, value)


def _flag(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attr.name} must be True or False, got {value!r}."
        raise TypeError(msg)


@attrs.frozen(kw_only=True)
class MemberRegistration:
    """Where a member registered (双报到), and the unit they work for.

    An in-service party member (在职党员) registers with the community where
    they live and keeps their party relation with their employer unit's
    party organisation; both organisations then assess them (双考双评).  The
    registry decides who may evaluate a member: only the registered
    community gives the community evaluation (评价权).

    Attributes:
        member_id: The member (an opaque id, never a personal number).
        community_id: The grid node id of the community registered with.
        employer_id: The employer unit (organisation id) whose party
            organisation receives the member's record; ``None`` for a member
            not in service (retired, unemployed), whom no unit assesses.
        registered_on: The day the member registered.
        party_member: Whether the member is a party member (default
            ``True``); volunteers who are not may register too.
        in_service: Whether the member is in service (在职, default
            ``True``); an in-service member must name an employer.

    References:
        中共中央组织部 关于在职党员到社区报到 (双报到) practice: in-service
        party members register with their residential community and serve
        there; community and employer both assess them.

    >>> from datetime import date
    >>> r = MemberRegistration(member_id="m-1", community_id="c-nanmen",
    ...                        employer_id="o-school-3",
    ...                        registered_on=date(2024, 3, 1))
    >>> r.community_id, r.party_member, r.in_service
    ('c-nanmen', True, True)
    """

    member_id: str = attrs.field(validator=_opaque_id)
    community_id: str = attrs.field(validator=_nonblank)
    employer_id: str | None = attrs.field(validator=_opt_nonblank)
    registered_on: date = attrs.field(validator=_date)
    party_member: bool = attrs.field(default=True, validator=_flag)
    in_service: bool = attrs.field(default=True, validator=_flag)

    def __attrs_post_init__(self) -> None:
        if self.in_service and self.employer_id is None:
            msg = (
                f"Member {self.member_id!r} is in service but names no employer_id; "
                "give the employer unit, or pass in_service=False."
            )
            raise ValueError(msg)


def _registration_problems(
    registrations: tuple[object, ...],
) -> tuple[list[Problem], list[MemberRegistration]]:
    """Every problem in ``registrations``, and the well-typed ones by member."""
    problems: list[Problem] = []
    good: list[MemberRegistration] = []
    for i, r in enumerate(registrations):
        if isinstance(r, MemberRegistration):
            good.append(r)
        else:
            problems.append(
                Problem(
                    f"#{i}",
                    "",
                    f"Expected a MemberRegistration, got {r!r}.",
                )
            )
    good.sort(key=_by_member)
    for i, r in enumerate(good):
        if i and good[i - 1].member_id == r.member_id:
            if i > 1 and good[i - 2].member_id == r.member_id:
                continue  # reported with the first pair
            same = [x for x in good[i - 1 :] if x.member_id == r.member_id]
            where = ", ".join(
                f"{x.community_id!r} on {x.registered_on.isoformat()}" for x in same
            )
            problems.append(
                Problem(
                    r.member_id,
                    "member_id",
                    f"Expected one registration per member, got {len(same)}: "
                    f"with {where}; keep the current one.",
                )
            )
    return problems, good


def _by_member(r: MemberRegistration) -> str:
    return r.member_id


def _registration_tuple(
    value: Iterable[MemberRegistration],
) -> tuple[MemberRegistration, ...]:
    return tuple(value)


@attrs.frozen
class MemberRegistry:
    """Every member's registration, by member id: an immutable mapping.

    A registry reads like a read-only mapping ``member_id ->``
    :class:`MemberRegistration` (``registry[m]``, ``m in registry``,
    ``len``, iteration in member-id order, ``keys``/``values``/``items``/
    ``get``).  It is an attrs record (not a
    :class:`collections.abc.Mapping` subclass) so that it serializes as one:
    ``{"registrations": [...]}``.

    Build one with :meth:`from_registrations`; each member registers once.
    To follow the registrations recorded as points facts (双报到, moves and
    reversals), use :func:`redcity.points.registry_from_facts`.

    Attributes:
        registrations: Every registration, sorted by member id.

    Raises:
        ValidationError: Listing every problem: items that are not
            registrations, and every member registered more than once.

    References:
        中共中央组织部 关于在职党员到社区报到 (双报到) practice.

    >>> from datetime import date
    >>> registry = MemberRegistry.from_registrations([
    ...     MemberRegistration(member_id="m-2", community_id="c-1",
    ...                        employer_id="o-9", registered_on=date(2024, 3, 1)),
    ...     MemberRegistration(member_id="m-1", community_id="c-1",
    ...                        employer_id="o-8", registered_on=date(2024, 2, 1)),
    ... ])
    >>> list(registry), registry.members_of("c-1"), registry.employer_of("m-2")
    (['m-1', 'm-2'], ('m-1', 'm-2'), 'o-9')
    """

    registrations: tuple[MemberRegistration, ...] = attrs.field(
        converter=_registration_tuple
    )
    _by_member: dict[str, MemberRegistration] = attrs.field(
        init=False, eq=False, repr=False
    )
    _by_community: dict[str, tuple[str, ...]] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        problems, ordered = _registration_problems(self.registrations)
        if problems:
            raise ValidationError(problems)
        by_community: dict[str, list[str]] = {}
        for r in ordered:
            by_community.setdefault(r.community_id, []).append(r.member_id)
        object.__setattr__(self, "registrations", tuple(ordered))
        object.__setattr__(self, "_by_member", {r.member_id: r for r in ordered})
        object.__setattr__(
            self, "_by_community", {c: tuple(ms) for c, ms in by_community.items()}
        )

    @classmethod
    def from_registrations(
        cls, registrations: Iterable[MemberRegistration]
    ) -> MemberRegistry:
        """A registry of ``registrations``, checked as a whole.

        Args:
            registrations: One registration per member, in any order.

        Raises:
            ValidationError: Listing every problem: items that are not
                registrations (by position, ``#3``), and every member
                registered more than once (naming each community).

        >>> from datetime import date
        >>> r = MemberRegistration(member_id="m-1", community_id="c-1",
        ...                        employer_id="o-1", registered_on=date(2024, 1, 2))
        >>> MemberRegistry.from_registrations([r, r])
        Traceback (most recent call last):
        ...
        redcity.errors.ValidationError: 1 problem found:
          - m-1.member_id: Expected one registration per member, got 2: with 'c-1' on 2024-01-02, 'c-1' on 2024-01-02; keep the current one.
        """  # noqa: E501
        return cls(registrations)

    def __getitem__(self, member_id: str) -> MemberRegistration:
        """The registration of ``member_id``.

        Raises:
            UnknownMember: The member has not registered.
        """
        found = self._by_member.get(member_id)
        if found is None:
            raise UnknownMember(self._unknown(member_id))
        return found

    def _unknown(self, member_id: object) -> str:
        return (
            f"Member {member_id!r} has not registered with any community "
            f"(the registry holds {len(self)} members); register them first (双报到)."
        )

    def __contains__(self, member_id: object) -> bool:
        return member_id in self._by_member

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_member)

    def __len__(self) -> int:
        return len(self.registrations)

    @overload
    def get(self, member_id: str) -> MemberRegistration | None: ...
    @overload
    def get(
        self, member_id: str, default: MemberRegistration
    ) -> MemberRegistration: ...
    @overload
    def get(self, member_id: str, default: None) -> MemberRegistration | None: ...
    def get(
        self, member_id: str, default: MemberRegistration | None = None
    ) -> MemberRegistration | None:
        """The registration of ``member_id``, or ``default`` when none.

        >>> MemberRegistry(()).get("m-1") is None
        True
        """
        return self._by_member.get(member_id, default)

    def keys(self) -> tuple[str, ...]:
        """Member ids in order.

        >>> MemberRegistry(()).keys()
        ()
        """
        return tuple(self._by_member)

    def values(self) -> tuple[MemberRegistration, ...]:
        """Registrations in member-id order (the same as :attr:`registrations`).

        >>> MemberRegistry(()).values()
        ()
        """
        return self.registrations

    def items(self) -> tuple[tuple[str, MemberRegistration], ...]:
        """``(member_id, registration)`` pairs in member-id order.

        >>> MemberRegistry(()).items()
        ()
        """
        return tuple((r.member_id, r) for r in self.registrations)

    def community_of(self, member_id: str) -> str:
        """The grid node id of the community ``member_id`` registered with.

        Raises:
            UnknownMember: The member has not registered.

        >>> from datetime import date
        >>> registry = MemberRegistry.from_registrations([MemberRegistration(
        ...     member_id="m-1", community_id="c-1", employer_id="o-1",
        ...     registered_on=date(2024, 1, 2))])
        >>> registry.community_of("m-1")
        'c-1'
        >>> registry.community_of("m-9")
        Traceback (most recent call last):
        ...
        redcity.errors.UnknownMember: Member 'm-9' has not registered with any community (the registry holds 1 members); register them first (双报到).
        """  # noqa: E501
        return self[member_id].community_id

    def employer_of(self, member_id: str) -> str | None:
        """The employer unit of ``member_id``; ``None`` when not in service.

        Raises:
            UnknownMember: The member has not registered.

        >>> from datetime import date
        >>> registry = MemberRegistry.from_registrations([MemberRegistration(
        ...     member_id="m-1", community_id="c-1", employer_id=None,
        ...     in_service=False, registered_on=date(2024, 1, 2))])
        >>> registry.employer_of("m-1") is None
        True
        """
        return self[member_id].employer_id

    def members_of(self, community_id: str) -> tuple[str, ...]:
        """Ids of the members registered with ``community_id``, in order.

        A community nobody registered with has no members (``()``).

        >>> from datetime import date
        >>> registry = MemberRegistry.from_registrations([MemberRegistration(
        ...     member_id="m-1", community_id="c-1", employer_id="o-1",
        ...     registered_on=date(2024, 1, 2))])
        >>> registry.members_of("c-1"), registry.members_of("c-2")
        (('m-1',), ())
        """
        return self._by_community.get(community_id, ())

    @property
    def communities(self) -> tuple[str, ...]:
        """Ids of the communities anyone registered with, in order.

        >>> MemberRegistry(()).communities
        ()
        """
        return tuple(sorted(self._by_community))

    def community_map(self) -> dict[str, str]:
        """A plain ``{member_id: community_id}`` dict.

        >>> MemberRegistry(()).community_map()
        {}
        """
        return {r.member_id: r.community_id for r in self.registrations}
