"""Hypothesis strategies for :mod:`redcity.people` records.

The public home of these names is :mod:`redcity.testing.strategies`, which
re-exports them.  Every strategy builds valid records by construction (a
person's birth date agrees with their resident id number, an end date never
precedes its start) and shrinks toward small, simple records with optional
fields left out.

>>> from hypothesis import given
>>> from redcity.people import validate_resident_id
>>> @given(resident_ids())
... def test_valid(number):
...     assert validate_resident_id(number) == number
>>> test_valid()
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from redcity.people import (
    RESIDENT_ID_SCHEME,
    ContactDetail,
    Identifier,
    Link,
    Membership,
    Organization,
    OtherName,
    Person,
    Post,
    resident_id_birth_date,
    resident_id_check_char,
)

__all__ = [
    "contact_details",
    "memberships",
    "organizations",
    "persons",
    "phone_numbers",
    "posts",
    "resident_ids",
]

T = TypeVar("T")

_MIN_DATE = date(1900, 1, 1)
_MAX_DATE = date(2099, 12, 31)
_ZUNYI_REGIONS = ("520302", "520303", "520304")
_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_CLASSIFICATIONS = (
    "党委",
    "党支部",
    "网格党支部",
    "党小组",
    "居委会",
    "业委会",
    "物业服务企业",
    "志愿服务队",
)
_ROLES = ("网格员", "支部书记", "楼栋长", "党小组长", "委员", "党员", "志愿者")


def _check_strategy(name: str, value: object) -> None:
    if value is not None and not isinstance(value, st.SearchStrategy):
        msg = f"{name} must be a SearchStrategy or None, got {value!r}."
        raise InvalidArgument(msg)


def _ids(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(0, 99_999).map(f"{prefix}-{{}}".format)


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def _tuples(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[tuple[T, ...]]:
    return st.lists(strategy, max_size=2).map(tuple)


def _nonblank(s: str) -> bool:
    return bool(s.strip())


def _ordered(pair: tuple[date | None, date | None]) -> tuple[date | None, date | None]:
    start, end = pair
    if start is not None and end is not None and end < start:
        return end, start
    return pair


# Strategies are built once: building them per draw is slow.
_EMAILS = st.integers(0, 9_999).map("u{}@example.org".format)
_FREE_TEXT = st.text(min_size=1, max_size=12).filter(_nonblank)
_LONG_TEXT = st.text(min_size=1, max_size=30).filter(_nonblank)
_LABELS = st.text(_HAN, min_size=1, max_size=10) | _FREE_TEXT
_DATES = st.dates(min_value=_MIN_DATE, max_value=_MAX_DATE)
_OPT_DATES = _optional(_DATES)
_SPANS = st.tuples(_OPT_DATES, _OPT_DATES).map(_ordered)
_OPT_LABELS = _optional(_LABELS)
_OPT_FREE_TEXT = _optional(_FREE_TEXT)


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------


def resident_ids(
    *,
    min_birth_date: date = _MIN_DATE,
    max_birth_date: date = date(2024, 12, 31),
    regions: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[str]:
    """Valid 18-character resident identity numbers (居民身份证号码).

    Each number has a 6-digit address code, a real birth date between the
    bounds, a 3-digit sequence and the correct GB 11643-1999 check character.

    Args:
        min_birth_date: Earliest embedded birth date.
        max_birth_date: Latest embedded birth date.
        regions: 6-digit address codes; default mixes 遵义's districts with
            arbitrary codes.

    Raises:
        hypothesis.errors.InvalidArgument: The bounds are reversed or
            ``regions`` is not a strategy.

    References:
        GB 11643-1999 《公民身份号码》.

    >>> from hypothesis import find
    >>> find(resident_ids(regions=st.just("520302")), lambda s: True)
    '520302200001010006'
    """
    _check_strategy("regions", regions)
    if not isinstance(min_birth_date, date) or not isinstance(max_birth_date, date):
        msg = (
            "min_birth_date and max_birth_date must be dates, got "
            f"{min_birth_date!r} and {max_birth_date!r}."
        )
        raise InvalidArgument(msg)
    if min_birth_date > max_birth_date:
        msg = (
            f"min_birth_date={min_birth_date} is after max_birth_date={max_birth_date}."
        )
        raise InvalidArgument(msg)
    if regions is None:
        regions = st.sampled_from(_ZUNYI_REGIONS) | st.integers(110000, 829999).map(
            "{:06d}".format
        )

    def build(parts: tuple[str, date, int]) -> str:
        region, born, seq = parts
        body = f"{region}{born:%Y%m%d}{seq:03d}"
        return body + resident_id_check_char(body)

    return st.tuples(
        regions,
        st.dates(min_value=min_birth_date, max_value=max_birth_date),
        st.integers(0, 999),
    ).map(build)


_PHONES = st.tuples(st.sampled_from("3456789"), st.integers(0, 10**9 - 1)).map(
    lambda parts: f"1{parts[0]}{parts[1]:09d}"
)


def phone_numbers() -> st.SearchStrategy[str]:
    """Mainland mobile numbers: 11 digits starting ``13``–``19``.

    >>> from hypothesis import find
    >>> find(phone_numbers(), lambda s: True)
    '13000000000'
    """
    return _PHONES


# --------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------


@st.composite
def _contact_detail(draw: st.DrawFn) -> ContactDetail:
    kind = draw(st.sampled_from(("cell", "phone", "email", "address")))
    if kind == "cell":
        value = draw(_PHONES)
    elif kind == "phone":
        value = f"0851-{draw(st.integers(20_000_000, 89_999_999))}"
    elif kind == "email":
        value = draw(_EMAILS)
    else:
        value = draw(_LABELS)
    valid_from, valid_until = draw(_SPANS)
    return ContactDetail(
        type=kind,
        value=value,
        label=draw(_OPT_LABELS),
        note=draw(_OPT_FREE_TEXT),
        valid_from=valid_from,
        valid_until=valid_until,
    )


_CONTACTS = _contact_detail()


def contact_details() -> st.SearchStrategy[ContactDetail]:
    """Contact details: mobiles (``"cell"``), landlines, emails, addresses.

    >>> from hypothesis import find
    >>> find(contact_details(), lambda c: c.type == "cell").value
    '13000000000'
    """
    return _CONTACTS


_LINKS = st.builds(
    Link,
    url=st.integers(0, 999).map("https://example.org/{}".format),
    note=_OPT_FREE_TEXT,
)


@st.composite
def _other_name(draw: st.DrawFn) -> OtherName:
    start, end = draw(_SPANS)
    return OtherName(
        name=draw(_LABELS),
        note=draw(_optional(st.sampled_from(("曾用名", "小名", "Birth name")))),
        start_date=start,
        end_date=end,
    )


_OTHER_IDENTIFIERS = st.builds(
    Identifier,
    identifier=st.integers(0, 999_999).map("D-{}".format),
    scheme=_optional(st.sampled_from(("party-member", "volunteer", "uscc"))),
)
_OTHER_NAME_TUPLES = _tuples(_other_name())
_CONTACT_TUPLES = _tuples(_CONTACTS)
_LINK_TUPLES = _tuples(_LINKS)
_IDENTIFIER_TUPLES = _tuples(_OTHER_IDENTIFIERS)
_LABEL_TUPLES = _tuples(_LABELS)
_OPT_ROLES = _optional(st.sampled_from(_ROLES))
_OPT_CLASSIFICATIONS = _optional(st.sampled_from(_CLASSIFICATIONS))
_OPT_MEMBERSHIP_LABELS = _optional(st.sampled_from(("在职党员双报到", "交叉任职")))


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


_OPT_RESIDENT_IDS = _optional(resident_ids())
_OPT_SURNAMES = _optional(st.sampled_from(_SURNAMES))
_OPT_GIVEN_NAMES = _optional(st.text(_HAN, min_size=1, max_size=2))
_FULL_NAMES = st.text(_HAN, min_size=2, max_size=4) | _FREE_TEXT
_OPT_GENDERS = _optional(st.sampled_from(("male", "female", "男", "女")))
_OPT_NATIONAL = _optional(st.just("中国"))


@st.composite
def _person(draw: st.DrawFn, ids: st.SearchStrategy[str]) -> Person:
    number = draw(_OPT_RESIDENT_IDS)
    identifiers = draw(_IDENTIFIER_TUPLES)
    if number is not None:
        position = draw(st.integers(0, len(identifiers)))
        resident = Identifier(identifier=number, scheme=RESIDENT_ID_SCHEME)
        identifiers = (*identifiers[:position], resident, *identifiers[position:])
        born = resident_id_birth_date(number) if draw(st.booleans()) else None
    else:
        born = draw(_OPT_DATES)
    died = draw(_OPT_DATES)
    if born is not None and died is not None and died < born:
        died = None
    family = draw(_OPT_SURNAMES)
    given = draw(_OPT_GIVEN_NAMES)
    name = (
        family + given
        if family is not None and given is not None
        else draw(_FULL_NAMES)
    )
    return Person(
        id=draw(ids),
        name=name,
        family_name=family,
        given_name=given,
        other_names=draw(_OTHER_NAME_TUPLES),
        identifiers=identifiers,
        gender=draw(_OPT_GENDERS),
        birth_date=born,
        death_date=died,
        email=draw(_optional(_EMAILS)),
        national_identity=draw(_OPT_NATIONAL),
        summary=draw(_optional(_LONG_TEXT)),
        contact_details=draw(_CONTACT_TUPLES),
        links=draw(_LINK_TUPLES),
        sources=draw(_LINK_TUPLES),
    )


def persons(*, ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Person]:
    """Valid :class:`~redcity.people.Person` records.

    About half carry a resident id number; a birth date, when present,
    agrees with it.  Ids contain no personal numbers.

    Args:
        ids: Person ids; default ``"p-…"``.

    >>> from hypothesis import find
    >>> find(persons(ids=st.just("p-1")), lambda p: True).id
    'p-1'
    """
    _check_strategy("ids", ids)
    return _person(ids if ids is not None else _ids("p"))


@st.composite
def _organization(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str],
    parent_ids: st.SearchStrategy[str | None],
    node_ids: st.SearchStrategy[str | None],
) -> Organization:
    oid = draw(ids)
    parent = draw(parent_ids)
    founded, dissolved = draw(_SPANS)
    return Organization(
        id=oid,
        name=draw(_LABELS),
        classification=draw(_OPT_CLASSIFICATIONS),
        parent_id=None if parent == oid else parent,
        node_id=draw(node_ids),
        other_names=draw(_OTHER_NAME_TUPLES),
        identifiers=draw(_IDENTIFIER_TUPLES),
        founding_date=founded,
        dissolution_date=dissolved,
        contact_details=draw(_CONTACT_TUPLES),
        links=draw(_LINK_TUPLES),
        sources=draw(_LINK_TUPLES),
    )


def organizations(
    *,
    ids: st.SearchStrategy[str] | None = None,
    parent_ids: st.SearchStrategy[str] | None = None,
    node_ids: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Organization]:
    """Valid :class:`~redcity.people.Organization` records.

    Args:
        ids: Organisation ids; default ``"o-…"``.
        parent_ids: Parent ids (an organisation is never its own parent).
        node_ids: Grid node ids; default ``"n-…"``.

    >>> from hypothesis import find
    >>> find(organizations(), lambda o: o.node_id is not None).node_id
    'n-0'
    """
    _check_strategy("ids", ids)
    _check_strategy("parent_ids", parent_ids)
    _check_strategy("node_ids", node_ids)
    return _organization(
        ids if ids is not None else _ids("o"),
        _optional(parent_ids if parent_ids is not None else _ids("o")),
        _optional(node_ids if node_ids is not None else _ids("n")),
    )


@st.composite
def _post(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str],
    organization_ids: st.SearchStrategy[str],
    node_ids: st.SearchStrategy[str | None],
) -> Post:
    start, end = draw(_SPANS)
    return Post(
        id=draw(ids),
        label=draw(_LABELS),
        organization_id=draw(organization_ids),
        role=draw(_OPT_ROLES),
        node_id=draw(node_ids),
        other_label=draw(_LABEL_TUPLES),
        start_date=start,
        end_date=end,
        contact_details=draw(_CONTACT_TUPLES),
    )


def posts(
    *,
    ids: st.SearchStrategy[str] | None = None,
    organization_ids: st.SearchStrategy[str] | None = None,
    node_ids: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Post]:
    """Valid :class:`~redcity.people.Post` records (网格员, 楼栋长 …).

    Args:
        ids: Post ids; default ``"post-…"``.
        organization_ids: Organisation ids; default ``"o-…"``.
        node_ids: Grid node ids; default ``"n-…"``.

    >>> from hypothesis import find
    >>> find(posts(organization_ids=st.just("o-1")), lambda p: True).organization_id
    'o-1'
    """
    _check_strategy("ids", ids)
    _check_strategy("organization_ids", organization_ids)
    _check_strategy("node_ids", node_ids)
    return _post(
        ids if ids is not None else _ids("post"),
        organization_ids if organization_ids is not None else _ids("o"),
        _optional(node_ids if node_ids is not None else _ids("n")),
    )


@st.composite
def _membership(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str],
    person_ids: st.SearchStrategy[str],
    organization_ids: st.SearchStrategy[str],
    post_ids: st.SearchStrategy[str | None],
    on_behalf_of_ids: st.SearchStrategy[str | None],
    node_ids: st.SearchStrategy[str | None],
) -> Membership:
    start, end = draw(_SPANS)
    return Membership(
        id=draw(ids),
        person_id=draw(person_ids),
        organization_id=draw(organization_ids),
        post_id=draw(post_ids),
        role=draw(_OPT_ROLES),
        label=draw(_OPT_MEMBERSHIP_LABELS),
        on_behalf_of_id=draw(on_behalf_of_ids),
        node_id=draw(node_ids),
        start_date=start,
        end_date=end,
    )


def memberships(
    *,
    ids: st.SearchStrategy[str] | None = None,
    person_ids: st.SearchStrategy[str] | None = None,
    organization_ids: st.SearchStrategy[str] | None = None,
    post_ids: st.SearchStrategy[str] | None = None,
    node_ids: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Membership]:
    """Valid :class:`~redcity.people.Membership` records.

    Args:
        ids: Membership ids; default ``"m-…"``.
        person_ids: Person ids; default ``"p-…"``.
        organization_ids: Organisation ids (also ``on_behalf_of_id``).
        post_ids: Post ids; default ``"post-…"``.
        node_ids: Grid node ids; default ``"n-…"``.

    >>> from hypothesis import find
    >>> m = find(memberships(person_ids=st.just("p-1")), lambda m: True)
    >>> m.person_id, m.end_date
    ('p-1', None)
    """
    for name, value in (
        ("ids", ids),
        ("person_ids", person_ids),
        ("organization_ids", organization_ids),
        ("post_ids", post_ids),
        ("node_ids", node_ids),
    ):
        _check_strategy(name, value)
    organization_ids = organization_ids if organization_ids is not None else _ids("o")
    return _membership(
        ids if ids is not None else _ids("m"),
        person_ids if person_ids is not None else _ids("p"),
        organization_ids,
        _optional(post_ids if post_ids is not None else _ids("post")),
        _optional(organization_ids),
        _optional(node_ids if node_ids is not None else _ids("n")),
    )
