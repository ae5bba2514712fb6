"""Who sits at the table: organisations, voting parties, 交叉任职 and size rules.

A community's deliberation brings together organisations of a few kinds
(:class:`OrgKind`): the community party organisation (社区党组织) convenes;
the residents' committee (居委会), the owners' committee (业委会, or a
物业管理委员会 where none is elected) and the property company (物业服务企业)
are the three voting parties of a 三方共议会 (:data:`THREE_PARTIES`).
Organisations are plain :class:`redcity.people.Organization` records whose
``classification`` names the kind in Chinese or English.

A meeting's voting parties are :class:`Party` records (an organisation id,
its name and kind); its entitled voters are :class:`RollEntry` records, one
per person, each naming the one party the person votes for.  A person with
posts in two parties (交叉任职) is on the roll once: :func:`voting_roll`
reads ``on_behalf_of_id`` to decide, and refuses to guess.

Cross-appointments (:class:`CrossPost`) are memberships whose ``role`` is the
post's Chinese name: the property company's head as the community party
organisation's invited member (特邀委员), a community committee member as the
property company's 物业助理, owners' committee members as 义务监督员 of the
property service.  :func:`check_cross_appointments` says who may hold what.

Size rules (:class:`ResidentsCommitteeSize`, :class:`OwnersCommitteeSize`)
are configurable checks; :func:`check_sizes` runs them over organisations
and memberships and lists every problem.

>>> from redcity.people import Organization
>>> OrgKind.parse("物业").zh, OrgKind.parse("居委会") in THREE_PARTIES
('物业服务企业', True)
>>> p = Party.from_organization(Organization(
...     id="o-ywh", name="兴茂小区业主委员会", classification="业委会"))
>>> p.organization_id, p.kind.zh
('o-ywh', '业委会')

References:
    《中华人民共和国城市居民委员会组织法》(1989, 2018修正) 第六条、第七条;
    《北京市物业管理条例》(2020); 住房和城乡建设部等十部门《关于加强和改进
    住宅物业管理工作的通知》(建房规〔2020〕10号) on party-led coordination of
    居委会, 业委会 and 物业 and on 交叉任职.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final, TypeAlias

import attrs

from redcity._names import parse_member, zh_names
from redcity._validators import (
    non_empty_text,
    non_negative_int,
    optional_non_negative_int,
    optional_text,
)
from redcity.errors import Problem, ValidationError
from redcity.people import Membership, Organization

__all__ = [
    "DEFAULT_CROSS_POST_RULES",
    "DEFAULT_SIZE_RULES",
    "LEADERSHIP_ROLES",
    "THREE_PARTIES",
    "CrossPost",
    "CrossPostRule",
    "OrgKind",
    "OwnersCommitteeSize",
    "Party",
    "ResidentsCommitteeSize",
    "RollEntry",
    "SizeRule",
    "check_cross_appointments",
    "check_sizes",
    "check_three_parties",
    "cross_appointment",
    "kind_of",
    "validate_cross_appointments",
    "validate_sizes",
    "voting_roll",
]


class OrgKind(enum.Enum):
    """The kind of an organisation at the table (its Popolo ``classification``)."""

    PARTY_ORG = "party_org"
    RESIDENTS_COMMITTEE = "residents_committee"
    OWNERS_COMMITTEE = "owners_committee"
    PROPERTY_COMPANY = "property_company"
    PROPERTY_MANAGEMENT_COMMITTEE = "property_management_committee"
    RESIDENT_UNIT = "resident_unit"
    STREET_PARTY_COMMITTEE = "street_party_committee"

    @property
    def zh(self) -> str:
        """The Chinese name: 社区党组织, 居委会, 业委会, 物业服务企业 …"""
        return _ORG_ZH[self][0]

    @classmethod
    def parse(cls, value: object) -> OrgKind:
        """A member from itself, its value, its name, its Chinese or a common alias.

        >>> OrgKind.parse("社区党委"), OrgKind.parse("property_company").zh
        (<OrgKind.PARTY_ORG: 'party_org'>, '物业服务企业')
        """
        return parse_member(cls, value, what="an organisation kind", names=_org_names)


_ORG_ZH: Final = {
    OrgKind.PARTY_ORG: ("社区党组织", "社区党委", "社区党支部", "社区党总支"),
    OrgKind.RESIDENTS_COMMITTEE: ("居委会", "居民委员会", "社区居委会"),
    OrgKind.OWNERS_COMMITTEE: ("业委会", "业主委员会"),
    OrgKind.PROPERTY_COMPANY: ("物业服务企业", "物业", "物业公司", "物业服务中心"),
    OrgKind.PROPERTY_MANAGEMENT_COMMITTEE: ("物业管理委员会", "物管会"),
    OrgKind.RESIDENT_UNIT: ("驻区单位",),
    OrgKind.STREET_PARTY_COMMITTEE: ("街道党工委", "党工委"),
}


def _org_names(kind: OrgKind) -> tuple[str, ...]:
    zh = _ORG_ZH[kind]
    return (zh[0], kind.value, kind.name, *zh[1:])


THREE_PARTIES: Final = (
    OrgKind.RESIDENTS_COMMITTEE,
    OrgKind.OWNERS_COMMITTEE,
    OrgKind.PROPERTY_COMPANY,
)
"""The three voting parties of a 三方共议会: 居委会, 业委会, 物业服务企业.

A 物业管理委员会 takes the owners' committee's seat where no 业委会 has been
elected (《北京市物业管理条例》(2020): 物业管理委员会 organises owners until
an owners' committee is elected).
"""

_OWNERS_SEAT: Final = frozenset(
    {OrgKind.OWNERS_COMMITTEE, OrgKind.PROPERTY_MANAGEMENT_COMMITTEE}
)


def _org_kind(value: object) -> OrgKind:
    return OrgKind.parse(value)


def kind_of(org: Organization) -> OrgKind:
    """The kind an organisation's ``classification`` names.

    Raises:
        ValueError: no classification, or one that names no :class:`OrgKind`.

    >>> kind_of(Organization(id="o-1", name="兴茂物业", classification="物业公司"))
    <OrgKind.PROPERTY_COMPANY: 'property_company'>
    """
    if org.classification is None:
        msg = (
            f"Organization {org.id!r} has no classification; give one of "
            "社区党组织, 居委会, 业委会, 物业服务企业, 物业管理委员会, 驻区单位."
        )
        raise ValueError(msg)
    return OrgKind.parse(org.classification)


@attrs.frozen(kw_only=True)
class Party:
    """A voting party of a meeting: an organisation, named for the minutes.

    Attributes:
        organization_id: The organisation's id; tallies group votes by it.
        name: Its name, e.g. ``"兴茂小区业主委员会"``.
        kind: Its :class:`OrgKind`.

    >>> Party(organization_id="o-wy", name="兴茂物业", kind=OrgKind.parse("物业")).kind
    <OrgKind.PROPERTY_COMPANY: 'property_company'>
    """

    organization_id: str = attrs.field(validator=non_empty_text)
    name: str = attrs.field(validator=non_empty_text)
    kind: OrgKind = attrs.field(converter=_org_kind)

    @classmethod
    def from_organization(cls, org: Organization) -> Party:
        """The party an organisation forms (its kind from ``classification``).

        Raises:
            ValueError: the classification names no :class:`OrgKind`.
        """
        return cls(organization_id=org.id, name=org.name, kind=kind_of(org))


@attrs.frozen(kw_only=True)
class RollEntry:
    """One entitled voter of a meeting and the one party they vote for.

    Attributes:
        person_id: The voter.
        party_id: The organisation id of the party the voter counts for.
        name: The voter's name, for the minutes.

    >>> RollEntry(person_id="p-1", party_id="o-jwh", name="王芳").party_id
    'o-jwh'
    """

    person_id: str = attrs.field(validator=non_empty_text)
    party_id: str = attrs.field(validator=non_empty_text)
    name: str | None = attrs.field(default=None, validator=optional_text)


def check_three_parties(parties: Iterable[Party]) -> tuple[Problem, ...]:
    """Problems with the parties of a 三方共议会: one of each of the three kinds.

    The owners' seat may be a 物业管理委员会 instead of a 业委会.  Problems
    name the party organisation (or ``"parties"``) and the field ``kind``.

    References:
        建房规〔2020〕10号: the community party organisation leads the
        coordination of 居委会, 业委会 and 物业服务企业.

    >>> check_three_parties([Party(organization_id="o-1", name="居委会",
    ...                            kind="居委会")])[0].message
    'Expected one 业委会 party (or a 物业管理委员会), got 0.'
    """
    problems: list[Problem] = []
    ps = list(parties)
    seats: tuple[tuple[str, frozenset[OrgKind]], ...] = (
        (OrgKind.RESIDENTS_COMMITTEE.zh, frozenset({OrgKind.RESIDENTS_COMMITTEE})),
        (OrgKind.OWNERS_COMMITTEE.zh + " party (or a 物业管理委员会)", _OWNERS_SEAT),
        (OrgKind.PROPERTY_COMPANY.zh, frozenset({OrgKind.PROPERTY_COMPANY})),
    )
    for label, kinds in seats:
        n = sum(p.kind in kinds for p in ps)
        if n != 1:
            what = label if "party" in label else f"{label} party"
            problems.append(
                Problem("parties", "kind", f"Expected one {what}, got {n}.")
            )
    allowed = {k for _, kinds in seats for k in kinds}
    problems.extend(
        Problem(
            p.organization_id,
            "kind",
            f"A 三方共议会 votes by 居委会, 业委会 and 物业 only, got a {p.kind.zh} "
            f"party {p.name!r}; seat it as a non-voting attendee.",
        )
        for p in ps
        if p.kind not in allowed
    )
    return tuple(problems)


# --------------------------------------------------------------------------
# 交叉任职
# --------------------------------------------------------------------------


class CrossPost(enum.Enum):
    """The cross-appointments of 交叉任职 (红色物业 practice)."""

    INVITED_MEMBER = "invited_member"
    PROPERTY_ASSISTANT = "property_assistant"
    VOLUNTEER_SUPERVISOR = "volunteer_supervisor"

    @property
    def zh(self) -> str:
        """特邀委员, 物业助理 or 义务监督员 (also the membership's ``role``)."""
        return _CROSS_ZH[self]

    @classmethod
    def parse(cls, value: object) -> CrossPost:
        """A member from itself, its value, its name or its Chinese.

        >>> CrossPost.parse("物业助理")
        <CrossPost.PROPERTY_ASSISTANT: 'property_assistant'>
        """
        return parse_member(
            cls,
            value,
            what="a cross-appointment",
            names=zh_names,
        )


def _cross_post(value: object) -> CrossPost:
    return CrossPost.parse(value)


_CROSS_ZH: Final = {
    CrossPost.INVITED_MEMBER: "特邀委员",
    CrossPost.PROPERTY_ASSISTANT: "物业助理",
    CrossPost.VOLUNTEER_SUPERVISOR: "义务监督员",
}

LEADERSHIP_ROLES: Final = frozenset(
    {
        "负责人",
        "法定代表人",
        "董事长",
        "总经理",
        "经理",
        "副经理",
        "项目经理",
        "项目负责人",
        "物业服务中心主任",
        "党支部书记",
    }
)
"""Membership roles that count as a property company's leadership (负责人).

Local practice; pass your own set to :class:`CrossPostRule`.
"""


def _kinds(value: Iterable[OrgKind | str]) -> frozenset[OrgKind]:
    return frozenset(OrgKind.parse(v) for v in value)


def _opt_roles(value: Iterable[str] | None) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


@attrs.frozen(kw_only=True)
class CrossPostRule:
    """Who may hold a cross-appointment, and where it is held.

    Attributes:
        post: The cross-appointment.
        host: Kinds of organisation in which the post is held.
        eligible: Kinds of organisation the holder must also belong to.
        eligible_roles: Roles the holder must have there (``None``: any).

    >>> rule = DEFAULT_CROSS_POST_RULES[0]
    >>> rule.post.zh, sorted(k.zh for k in rule.host), "经理" in rule.eligible_roles
    ('特邀委员', ['社区党组织'], True)
    """

    post: CrossPost = attrs.field(converter=_cross_post)
    host: frozenset[OrgKind] = attrs.field(converter=_kinds)
    eligible: frozenset[OrgKind] = attrs.field(converter=_kinds)
    eligible_roles: frozenset[str] | None = attrs.field(
        default=None, converter=_opt_roles
    )


DEFAULT_CROSS_POST_RULES: Final = (
    # 特邀委员: the property company's head joins the community party
    # organisation as an invited member (红色物业; 建房规〔2020〕10号).
    CrossPostRule(
        post=CrossPost.INVITED_MEMBER,
        host=[OrgKind.PARTY_ORG],
        eligible=[OrgKind.PROPERTY_COMPANY],
        eligible_roles=LEADERSHIP_ROLES,
    ),
    # 物业助理: a member of the community's committees serves in the
    # property company.
    CrossPostRule(
        post=CrossPost.PROPERTY_ASSISTANT,
        host=[OrgKind.PROPERTY_COMPANY],
        eligible=[OrgKind.RESIDENTS_COMMITTEE, OrgKind.PARTY_ORG],
    ),
    # 义务监督员: owners' committee members supervise the property service.
    CrossPostRule(
        post=CrossPost.VOLUNTEER_SUPERVISOR,
        host=[OrgKind.PROPERTY_COMPANY, OrgKind.PARTY_ORG],
        eligible=[OrgKind.OWNERS_COMMITTEE, OrgKind.PROPERTY_MANAGEMENT_COMMITTEE],
    ),
)
"""Who may hold what in 交叉任职 (local practice: configurable).

References:
    建房规〔2020〕10号 (党建引领; 社区“两委”成员、业委会成员与物业
    服务企业交叉任职 is encouraged); the eligibility table is Zunyi's
    红色物业 practice, not law.
"""


def cross_appointment(
    *,
    id: str,
    post: CrossPost | str,
    person_id: str,
    host: Organization,
    home: Organization,
    start_date: date | None = None,
    end_date: date | None = None,
) -> Membership:
    """The membership that records a cross-appointment.

    The post is held in ``host`` (``role`` and ``label`` are the post's
    Chinese name) on behalf of ``home``, the organisation the holder comes
    from.  Check it with :func:`check_cross_appointments`.

    >>> from redcity.people import Organization
    >>> dw = Organization(id="o-dw", name="兴茂社区党委", classification="社区党组织")
    >>> wy = Organization(id="o-wy", name="兴茂物业", classification="物业")
    >>> m = cross_appointment(id="x-1", post="特邀委员", person_id="p-li",
    ...                       host=dw, home=wy)
    >>> m.organization_id, m.role, m.on_behalf_of_id
    ('o-dw', '特邀委员', 'o-wy')
    """
    p = CrossPost.parse(post)
    return Membership(
        id=id,
        person_id=person_id,
        organization_id=host.id,
        role=p.zh,
        label=p.zh,
        on_behalf_of_id=home.id,
        node_id=host.node_id,
        start_date=start_date,
        end_date=end_date,
    )


def _active(m: Membership, on: date | None) -> bool:
    return on is None or m.is_active(on)


def check_cross_appointments(
    memberships: Iterable[Membership],
    organizations: Iterable[Organization],
    *,
    on: date | None = None,
    rules: Iterable[CrossPostRule] = DEFAULT_CROSS_POST_RULES,
) -> tuple[Problem, ...]:
    """Every problem with the cross-appointments among ``memberships``.

    A membership is a cross-appointment when its ``role`` names a
    :class:`CrossPost`.  It must be held in an organisation of a host kind,
    its holder must have another membership (active on ``on`` when given)
    in an organisation of an eligible kind, with an eligible role when the
    rule names roles, and its ``on_behalf_of_id`` (when set) must be such
    an organisation.  Each problem names the membership id and the field at
    fault (``organization_id``, ``person_id`` or ``on_behalf_of_id``).

    References:
        建房规〔2020〕10号; the table :data:`DEFAULT_CROSS_POST_RULES`.

    >>> from redcity.people import Membership, Organization
    >>> orgs = [Organization(id="o-dw", name="社区党委", classification="社区党组织"),
    ...         Organization(id="o-wy", name="兴茂物业", classification="物业")]
    >>> ms = [Membership(id="m-1", person_id="p-li", organization_id="o-wy",
    ...                  role="保安"),
    ...       Membership(id="x-1", person_id="p-li", organization_id="o-dw",
    ...                  role="特邀委员", on_behalf_of_id="o-wy")]
    >>> [str(p) for p in check_cross_appointments(ms, orgs)]
    ["x-1.person_id: 特邀委员 needs a membership of a 物业服务企业 with a leadership role (e.g. 经理, 负责人); person 'p-li' has none."]
    """  # noqa: E501
    ms = [m for m in memberships if _active(m, on)]
    orgs = {o.id: o for o in organizations}
    by_post = {r.post: r for r in rules}
    kinds: dict[str, OrgKind | None] = {}
    for oid, org in orgs.items():
        try:
            kinds[oid] = kind_of(org)
        except ValueError:
            kinds[oid] = None
    problems: list[Problem] = []
    for m in ms:
        if m.role is None:
            continue
        try:
            post = CrossPost.parse(m.role)
        except ValueError:
            continue
        rule = by_post.get(post)
        if rule is None:
            continue
        host_kind = kinds.get(m.organization_id)
        if host_kind not in rule.host:
            want = "/".join(sorted(k.zh for k in rule.host))
            got = "an unknown organisation" if host_kind is None else host_kind.zh
            problems.append(
                Problem(
                    m.id,
                    "organization_id",
                    f"{post.zh} is held in a {want}, got {got} {m.organization_id!r}.",
                )
            )
        homes = [
            h
            for h in ms
            if h.person_id == m.person_id
            and h.id != m.id
            and kinds.get(h.organization_id) in rule.eligible
            and (h.role is None or h.role not in _CROSS_NAMES)
            and (rule.eligible_roles is None or h.role in rule.eligible_roles)
        ]
        want = "/".join(sorted(k.zh for k in rule.eligible))
        if not homes:
            roles = (
                ""
                if rule.eligible_roles is None
                else " with a leadership role (e.g. 经理, 负责人)"
            )
            problems.append(
                Problem(
                    m.id,
                    "person_id",
                    f"{post.zh} needs a membership of a {want}{roles}; "
                    f"person {m.person_id!r} has none.",
                )
            )
        elif m.on_behalf_of_id is not None and m.on_behalf_of_id not in {
            h.organization_id for h in homes
        }:
            problems.append(
                Problem(
                    m.id,
                    "on_behalf_of_id",
                    f"{post.zh} is held on behalf of the holder's own {want}, "
                    f"got {m.on_behalf_of_id!r}.",
                )
            )
    return tuple(problems)


_CROSS_NAMES: Final = frozenset(_CROSS_ZH.values())


def validate_cross_appointments(
    memberships: Iterable[Membership],
    organizations: Iterable[Organization],
    *,
    on: date | None = None,
    rules: Iterable[CrossPostRule] = DEFAULT_CROSS_POST_RULES,
) -> None:
    """Raise :class:`~redcity.errors.ValidationError` listing every problem
    :func:`check_cross_appointments` finds; return quietly otherwise.

    >>> validate_cross_appointments([], [])
    """
    problems = check_cross_appointments(memberships, organizations, on=on, rules=rules)
    if problems:
        raise ValidationError(problems)


# --------------------------------------------------------------------------
# Size rules
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ResidentsCommitteeSize:
    """A residents' committee has 5–9 members and covers 100–700 households.

    Attributes:
        min_members, max_members: Members (主任, 副主任 and 委员), inclusive.
        min_households, max_households: Households covered, inclusive.

    References:
        《中华人民共和国城市居民委员会组织法》 第六条 (一般在一百户至七百户的
        范围内设立) and 第七条 (由主任、副主任和委员共五至九人组成).

    >>> [p.message for p in ResidentsCommitteeSize()("o-1", members=4,
    ...                                               households=720)]
    ['Expected 5–9 members, got 4.', 'Expected 100–700 households, got 720.']
    """

    kind: OrgKind = attrs.field(default=OrgKind.RESIDENTS_COMMITTEE, init=False)
    min_members: int = attrs.field(default=5, validator=non_negative_int)
    max_members: int = attrs.field(default=9, validator=non_negative_int)
    min_households: int = attrs.field(default=100, validator=non_negative_int)
    max_households: int = attrs.field(default=700, validator=non_negative_int)

    def __call__(
        self, org_id: str, *, members: int, households: int | None
    ) -> tuple[Problem, ...]:
        """Problems of one committee; ``households=None`` skips that check."""
        out: list[Problem] = []
        # 城市居民委员会组织法 第七条: 五至九人.
        if not self.min_members <= members <= self.max_members:
            out.append(
                Problem(
                    org_id,
                    "members",
                    f"Expected {self.min_members}–{self.max_members} members, "
                    f"got {members}.",
                )
            )
        # 城市居民委员会组织法 第六条: 一百户至七百户.
        if households is not None and not (
            self.min_households <= households <= self.max_households
        ):
            out.append(
                Problem(
                    org_id,
                    "households",
                    f"Expected {self.min_households}–{self.max_households} "
                    f"households, got {households}.",
                )
            )
        return tuple(out)


@attrs.frozen(kw_only=True)
class OwnersCommitteeSize:
    """A Beijing-style owners' committee: an odd number, at least 5 members,
    or at least 3 in a compound of at most 100 households.

    Attributes:
        min_members: Fewest members in general.
        small_min_members: Fewest members in a small compound.
        small_households: A compound with at most this many households is small.
        max_members: Most members (``None``: no upper bound).
        odd: Whether the number of members must be odd.

    References:
        《北京市物业管理条例》(2020): 业主委员会由单数成员组成, at least
        five, and at least three where the compound is small.

    >>> [p.message for p in OwnersCommitteeSize()("o-2", members=4, households=300)]
    ['Expected at least 5 members, got 4.', 'Expected an odd number of members, got 4.']
    >>> OwnersCommitteeSize()("o-2", members=3, households=100)
    ()
    """

    kind: OrgKind = attrs.field(default=OrgKind.OWNERS_COMMITTEE, init=False)
    min_members: int = attrs.field(default=5, validator=non_negative_int)
    small_min_members: int = attrs.field(default=3, validator=non_negative_int)
    small_households: int = attrs.field(default=100, validator=non_negative_int)
    max_members: int | None = attrs.field(
        default=None, validator=optional_non_negative_int
    )
    odd: bool = True

    def __call__(
        self, org_id: str, *, members: int, households: int | None
    ) -> tuple[Problem, ...]:
        """Problems of one committee; unknown ``households`` means not small."""
        out: list[Problem] = []
        small = households is not None and households <= self.small_households
        least = self.small_min_members if small else self.min_members
        if members < least:
            out.append(
                Problem(
                    org_id,
                    "members",
                    f"Expected at least {least} members, got {members}.",
                )
            )
        if self.max_members is not None and members > self.max_members:
            out.append(
                Problem(
                    org_id,
                    "members",
                    f"Expected at most {self.max_members} members, got {members}.",
                )
            )
        if self.odd and members % 2 == 0:
            out.append(
                Problem(
                    org_id,
                    "members",
                    f"Expected an odd number of members, got {members}.",
                )
            )
        return tuple(out)


SizeRule: TypeAlias = ResidentsCommitteeSize | OwnersCommitteeSize
"""A size rule: called with an organisation id, ``members`` and ``households``."""

DEFAULT_SIZE_RULES: Final[tuple[SizeRule, ...]] = (
    ResidentsCommitteeSize(),
    OwnersCommitteeSize(),
)
"""The residents' committee law's 5–9/100–700 and Beijing's owners' committee."""


def check_sizes(
    organizations: Iterable[Organization],
    memberships: Iterable[Membership],
    *,
    households: Mapping[str, int] | None = None,
    on: date | None = None,
    rules: Iterable[SizeRule] = DEFAULT_SIZE_RULES,
) -> tuple[Problem, ...]:
    """Every size problem of the organisations a rule covers.

    Members are the distinct people with a membership of the organisation
    (active on ``on`` when given); cross-appointments held in it
    (特邀委员 …) do not count.  ``households`` maps an organisation id or
    its ``node_id`` to the households it covers; without an entry the
    household check is skipped (a 业委会 then counts as not small).

    References:
        城市居民委员会组织法 第六条、第七条; 《北京市物业管理条例》(2020).

    >>> from redcity.people import Membership, Organization
    >>> jwh = Organization(id="o-jwh", name="兴茂社区居委会", classification="居委会",
    ...                    node_id="n-xm")
    >>> ms = [Membership(id=f"m{i}", person_id=f"p{i}", organization_id="o-jwh")
    ...       for i in range(5)]
    >>> check_sizes([jwh], ms, households={"n-xm": 650})
    ()
    >>> [str(p) for p in check_sizes([jwh], ms[:3], households={"o-jwh": 90})]
    ['o-jwh.members: Expected 5–9 members, got 3.', 'o-jwh.households: Expected 100–700 households, got 90.']
    """  # noqa: E501
    hh = dict(households or {})
    by_kind: dict[OrgKind, SizeRule] = {r.kind: r for r in rules}
    members: dict[str, set[str]] = {}
    for m in memberships:
        if _active(m, on) and (m.role is None or m.role not in _CROSS_NAMES):
            members.setdefault(m.organization_id, set()).add(m.person_id)
    problems: list[Problem] = []
    for org in organizations:
        try:
            kind = kind_of(org)
        except ValueError:
            continue
        rule = by_kind.get(kind)
        if rule is None:
            continue
        n_households = hh.get(org.id)
        if n_households is None and org.node_id is not None:
            n_households = hh.get(org.node_id)
        problems.extend(
            rule(org.id, members=len(members.get(org.id, ())), households=n_households)
        )
    return tuple(problems)


def validate_sizes(
    organizations: Iterable[Organization],
    memberships: Iterable[Membership],
    *,
    households: Mapping[str, int] | None = None,
    on: date | None = None,
    rules: Iterable[SizeRule] = DEFAULT_SIZE_RULES,
) -> None:
    """Raise :class:`~redcity.errors.ValidationError` listing every problem
    :func:`check_sizes` finds; return quietly otherwise.

    >>> validate_sizes([], [])
    """
    problems = check_sizes(
        organizations, memberships, households=households, on=on, rules=rules
    )
    if problems:
        raise ValidationError(problems)


# --------------------------------------------------------------------------
# The roll of entitled voters
# --------------------------------------------------------------------------


def voting_roll(
    parties: Iterable[Party],
    memberships: Iterable[Membership],
    *,
    on: date | None = None,
    names: Mapping[str, str] | None = None,
) -> tuple[RollEntry, ...]:
    """The entitled voters of a meeting: each member of a party, once.

    Every person with a membership (active on ``on`` when given) of a party
    organisation is on the roll, except through a cross-appointment
    (特邀委员, 物业助理, 义务监督员 do not vote for their host).  A person
    who belongs to two parties (交叉任职) counts for the party named by
    the ``on_behalf_of_id`` of their memberships; without one, the roll is
    ambiguous.  Entries are sorted by party order, then person id.

    Args:
        parties: The meeting's voting parties.
        memberships: Memberships to read.
        on: Only memberships active on this day.
        names: Person id → name, copied onto the entries.

    Raises:
        ValidationError: naming each person whose party is ambiguous.

    >>> from redcity.people import Membership
    >>> ps = [Party(organization_id="o-jwh", name="居委会", kind="居委会"),
    ...       Party(organization_id="o-ywh", name="业委会", kind="业委会")]
    >>> ms = [Membership(id="m1", person_id="p-1", organization_id="o-jwh"),
    ...       Membership(id="m2", person_id="p-1", organization_id="o-ywh",
    ...                  on_behalf_of_id="o-ywh"),
    ...       Membership(id="m3", person_id="p-2", organization_id="o-jwh")]
    >>> [(e.person_id, e.party_id) for e in voting_roll(ps, ms)]
    [('p-2', 'o-jwh'), ('p-1', 'o-ywh')]
    """
    order = {p.organization_id: i for i, p in enumerate(parties)}
    seats: dict[str, set[str]] = {}
    chosen: dict[str, set[str]] = {}
    for m in memberships:
        if not _active(m, on) or (m.role is not None and m.role in _CROSS_NAMES):
            continue
        if m.organization_id in order:
            seats.setdefault(m.person_id, set()).add(m.organization_id)
        if m.on_behalf_of_id in order:
            chosen.setdefault(m.person_id, set()).add(m.on_behalf_of_id)
    problems: list[Problem] = []
    entries: list[RollEntry] = []
    known = dict(names or {})
    for person, orgs in sorted(seats.items()):
        pick = chosen.get(person, set()) if len(orgs) > 1 else orgs
        if len(pick) != 1:
            problems.append(
                Problem(
                    person,
                    "on_behalf_of_id",
                    f"Person {person!r} belongs to parties {sorted(orgs)} "
                    "(交叉任职); mark exactly one membership with on_behalf_of_id "
                    "to say which party they vote for.",
                )
            )
            continue
        entries.append(
            RollEntry(
                person_id=person, party_id=next(iter(pick)), name=known.get(person)
            )
        )
    if problems:
        raise ValidationError(problems)
    entries.sort(key=lambda e: (order[e.party_id], e.person_id))
    return tuple(entries)
