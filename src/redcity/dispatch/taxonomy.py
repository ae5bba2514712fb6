"""Categories of residents' requests and grid cases, and the taxonomy holding them.

A :class:`Category` is one kind of request (a ticket's ``service_code``):
its readable code (``"env.garbage"``), Chinese and English names, its
:class:`EventClass`, the department that handles it, whether it needs a
department's powers (吹哨) and whether it is no matter for the community at
all: an emergency redirected to 110/119/120/122, or a matter outside the
community's duty list (:class:`Redirect`).

A :class:`Taxonomy` is an immutable mapping of code → category together with
the district's departments (id → name).  Departments are configuration:
every district names its own bureaux; :data:`DEFAULT_DEPARTMENTS` is a
sensible starting point.  :data:`DEFAULT_TAXONOMY` holds 24 categories.

The split of city-management cases into *components* (部件: manholes,
street lights, …) and *events* (事件: litter, street vending, illegal
construction, …) follows the national standard for digital city management,
《城市市政综合监管信息系统 管理部件和事件分类、编码及数据要求》
(GB/T 30428.2, formerly CJ/T 214).  The standard's numeric codes are not
reproduced: codes here are readable identifiers, not official ones.

References:
    GB/T 30428.2《数字化城市管理信息系统 第2部分：管理部件和事件》 and its
    predecessor CJ/T 214《城市市政综合监管信息系统 管理部件和事件分类、编码及
    数据要求》: 部件 and 事件 as the two classes of city-management cases,
    grouped into 大类 (公用设施, 道路交通, 市容环境, 园林绿化 …).

>>> from redcity.dispatch import DEFAULT_TAXONOMY, EventClass
>>> cat = DEFAULT_TAXONOMY["env.garbage"]
>>> cat.zh, cat.event_class is EventClass.EVENT, cat.department
('暴露垃圾', True, 'enforcement')
>>> DEFAULT_TAXONOMY.department_name(cat.department)
'综合行政执法局'
>>> DEFAULT_TAXONOMY["emergency.fire"].redirect.value
'119'
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from redcity._names import parse_member, zh_names
from redcity.errors import Problem, RedcityError, ValidationError
from redcity.serialize import register

__all__ = [
    "DEFAULT_DEPARTMENTS",
    "DEFAULT_TAXONOMY",
    "Category",
    "EventClass",
    "Redirect",
    "Taxonomy",
    "TaxonomyError",
    "UnknownCategory",
]


class TaxonomyError(ValidationError):
    """A taxonomy was invalid; ``.problems`` lists every problem found."""


class UnknownCategory(RedcityError, KeyError):
    """A category code the taxonomy does not hold."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class EventClass(enum.Enum):
    """The class of a category.

    ``COMPONENT`` and ``EVENT`` are the two classes of the digital
    city-management standard (GB/T 30428.2 / CJ/T 214): a damaged or missing
    public *component* (部件), or an *event* (事件) in the street.
    ``GOVERNANCE`` holds grassroots-governance matters (矛盾纠纷, 安全隐患 …)
    and ``SERVICE`` services to residents (助老助残, 微心愿 …).

    >>> EventClass.parse("部件") is EventClass.COMPONENT
    True
    >>> [c.zh for c in EventClass]
    ['部件', '事件', '社会治理', '便民服务']
    """

    COMPONENT = "component"
    EVENT = "event"
    GOVERNANCE = "governance"
    SERVICE = "service"

    @property
    def zh(self) -> str:
        """The Chinese name (部件, 事件, 社会治理, 便民服务)."""
        return _CLASS_ZH[self]

    @classmethod
    def parse(cls, value: EventClass | str) -> EventClass:
        """A class from a member, its value or its Chinese name.

        Raises:
            ValueError: the value names no class.
        """
        return parse_member(cls, value, what="an event class", names=zh_names)


_CLASS_ZH: Final = {
    EventClass.COMPONENT: "部件",
    EventClass.EVENT: "事件",
    EventClass.GOVERNANCE: "社会治理",
    EventClass.SERVICE: "便民服务",
}


class Redirect(enum.Enum):
    """Where a matter goes when the community must not handle it itself.

    The four emergency lines (110 police, 119 fire, 120 ambulance, 122
    traffic accidents) and ``OUTSIDE_DUTY``: a matter outside the
    community's duty list (社区工作事项清单), handed to the competent body.
    A ticket redirected this way is finished for the community
    (:attr:`redcity.dispatch.Status.REDIRECTED`).

    >>> Redirect.parse("120") is Redirect.AMBULANCE, Redirect.AMBULANCE.zh
    (True, '120急救')
    >>> Redirect.OUTSIDE_DUTY.is_emergency
    False
    """

    POLICE = "110"
    FIRE = "119"
    AMBULANCE = "120"
    TRAFFIC = "122"
    OUTSIDE_DUTY = "outside_duty"

    @property
    def zh(self) -> str:
        """The Chinese name (110报警, 119火警, 120急救, 122交通事故, 职责外移交)."""
        return _REDIRECT_ZH[self]

    @property
    def is_emergency(self) -> bool:
        """True for the four emergency lines."""
        return self is not Redirect.OUTSIDE_DUTY

    @classmethod
    def parse(cls, value: Redirect | str) -> Redirect:
        """A redirect from a member, its value (``"110"``) or its Chinese name.

        Raises:
            ValueError: the value names no redirect.
        """
        return parse_member(cls, value, what="a redirect", names=_redirect_names)


_REDIRECT_ZH: Final = {
    Redirect.POLICE: "110报警",
    Redirect.FIRE: "119火警",
    Redirect.AMBULANCE: "120急救",
    Redirect.TRAFFIC: "122交通事故",
    Redirect.OUTSIDE_DUTY: "职责外移交",
}


def _redirect_names(r: Redirect) -> tuple[str, ...]:
    return (r.value, r.zh, r.name)


def _code(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        msg = (
            f"Expected {attribute.name} to be a non-empty string without "
            f"surrounding spaces, got {value!r}."
        )
        raise ValueError(msg)


def _opt_code(
    instance: object, attribute: attrs.Attribute[Any], value: str | None
) -> None:
    if value is not None:
        _code(instance, attribute, value)


def _event_class(value: EventClass | str) -> EventClass:
    return EventClass.parse(value)


def _opt_redirect(value: Redirect | str | None) -> Redirect | None:
    return None if value is None else Redirect.parse(value)


@attrs.frozen(kw_only=True)
class Category:
    """One kind of request: a ticket's ``service_code`` and how it is handled.

    Attributes:
        code: Readable unique code, e.g. ``"env.garbage"`` (not an official code).
        zh: Chinese name (暴露垃圾).
        en: English name.
        event_class: 部件, 事件, 社会治理 or 便民服务.
        department: Id of the handling department (a key of the taxonomy's
            departments); ``None`` only for a matter outside the duty list.
        group: The 大类 within the class (市容环境, 公用设施 …), or ``""``.
        needs_whistle: Handling needs a department's powers (执法权, 应急处置):
            the street summons departments (吹哨).
        redirect: Set when the community must not handle it: an emergency
            line (110/119/120/122) or ``Redirect.OUTSIDE_DUTY``.

    >>> c = Category(code="care.wish", zh="微心愿", en="Micro-wish",
    ...              event_class="便民服务", department="community")
    >>> c.event_class, c.is_emergency, c.outside_duty
    (<EventClass.SERVICE: 'service'>, False, False)
    """

    code: str = attrs.field(validator=_code)
    zh: str = attrs.field(validator=_code)
    en: str = attrs.field(validator=_code)
    event_class: EventClass = attrs.field(converter=_event_class)
    department: str | None = attrs.field(default=None, validator=_opt_code)
    group: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    needs_whistle: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    redirect: Redirect | None = attrs.field(
        default=None,
        converter=_opt_redirect,
    )

    def __attrs_post_init__(self) -> None:
        if self.department is None and self.redirect is not Redirect.OUTSIDE_DUTY:
            msg = (
                f"Category {self.code!r} has no department; only a matter "
                "outside the duty list (redirect='outside_duty') may have none."
            )
            raise ValueError(msg)

    @property
    def is_emergency(self) -> bool:
        """True when the category is redirected to 110/119/120/122."""
        return self.redirect is not None and self.redirect.is_emergency

    @property
    def outside_duty(self) -> bool:
        """True when the matter is outside the community's duty list."""
        return self.redirect is Redirect.OUTSIDE_DUTY

    def to_dict(self) -> dict[str, Any]:
        """The category as a plain mapping (TOML/JSON-ready; ``None`` left out).

        >>> DEFAULT_TAXONOMY["emergency.fire"].to_dict()["redirect"]
        '119'
        """
        out: dict[str, Any] = {
            "code": self.code,
            "zh": self.zh,
            "en": self.en,
            "event_class": self.event_class.value,
        }
        if self.department is not None:
            out["department"] = self.department
        if self.group:
            out["group"] = self.group
        if self.needs_whistle:
            out["needs_whistle"] = True
        if self.redirect is not None:
            out["redirect"] = self.redirect.value
        return out


_CATEGORY_KEYS: Final = frozenset(a.name for a in attrs.fields(Category))


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(eq=False)
class Taxonomy(Mapping[str, Category]):
    """An immutable mapping of category code → :class:`Category`, with departments.

    Build one with :meth:`from_dicts`, :meth:`from_mapping` or
    :meth:`from_toml`; each validates the whole input and raises one
    :class:`TaxonomyError` listing every problem (duplicate codes, unknown
    departments, bad fields).  Lookup of an unknown code raises
    :class:`UnknownCategory` (a ``KeyError``).

    Attributes:
        categories: code → category, in the order given.
        departments: department id → display name.

    >>> t = Taxonomy.from_toml('''
    ... [departments]
    ... community = "社区居委会"
    ... [[categories]]
    ... code = "care.wish"
    ... zh = "微心愿"
    ... en = "Micro-wish"
    ... event_class = "service"
    ... department = "community"
    ... ''')
    >>> list(t), t["care.wish"].zh, t.department_name("community")
    (['care.wish'], '微心愿', '社区居委会')
    >>> Taxonomy.from_dicts([{"code": "a", "zh": "甲", "en": "A",
    ...     "event_class": "部件", "department": "nobody"}], departments={})
    Traceback (most recent call last):
    ...
    redcity.dispatch.taxonomy.TaxonomyError: 1 problem found:
      - a.department: Expected a known department, got 'nobody'; known: (none).
    """

    categories: Mapping[str, Category] = attrs.field(converter=_frozen_map)
    departments: Mapping[str, str] = attrs.field(converter=_frozen_map)

    def __attrs_post_init__(self) -> None:
        problems = _check(self.categories, self.departments)
        if problems:
            raise TaxonomyError(problems)

    # Mapping protocol ---------------------------------------------------

    def __getitem__(self, code: str) -> Category:
        try:
            return self.categories[code]
        except KeyError:
            msg = (
                f"Expected a known category code, got {code!r}; the taxonomy "
                f"has {len(self.categories)} categories."
            )
            raise UnknownCategory(msg) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Taxonomy):
            return NotImplemented
        return dict(self.categories) == dict(other.categories) and dict(
            self.departments
        ) == dict(other.departments)

    def __hash__(self) -> int:
        return hash((tuple(self.categories.items()), tuple(self.departments.items())))

    # Queries -------------------------------------------------------------

    def department_name(self, department: str) -> str:
        """The display name of a department id.

        Raises:
            KeyError: the department is unknown.
        """
        return self.departments[department]

    def of_class(self, event_class: EventClass | str) -> tuple[Category, ...]:
        """The categories of one class, in order.

        >>> [c.code for c in DEFAULT_TAXONOMY.of_class("部件")][:2]
        ['facility.manhole', 'facility.streetlight']
        """
        wanted = EventClass.parse(event_class)
        return tuple(c for c in self.categories.values() if c.event_class is wanted)

    def whistle_codes(self) -> frozenset[str]:
        """Codes of the categories that need a department's powers (吹哨)."""
        return frozenset(c.code for c in self.categories.values() if c.needs_whistle)

    # Construction --------------------------------------------------------

    @classmethod
    def from_dicts(
        cls, rows: Iterable[Mapping[str, Any]], *, departments: Mapping[str, str]
    ) -> Taxonomy:
        """A taxonomy from category rows (mappings with :class:`Category`'s keys).

        Raises:
            TaxonomyError: listing every problem in every row.
        """
        problems: list[Problem] = []
        categories: dict[str, Category] = {}
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                problems.append(
                    Problem(f"#{i}", "", f"Expected a mapping, got {row!r}.")
                )
                continue
            code = row.get("code")
            where = code if isinstance(code, str) and code else f"#{i}"
            extra = sorted(set(row) - _CATEGORY_KEYS)
            if extra:
                known = ", ".join(sorted(_CATEGORY_KEYS))
                problems.append(
                    Problem(where, "", f"Unknown keys {extra!r}; known keys: {known}.")
                )
                continue
            missing = [k for k in ("code", "zh", "en", "event_class") if k not in row]
            if missing:
                problems.extend(
                    Problem(where, k, f"Expected {k}, got nothing.") for k in missing
                )
                continue
            try:
                category = Category(**row)
            except (ValueError, TypeError) as exc:
                field = next((k for k in row if f"{k} " in str(exc)), "")
                problems.append(Problem(where, field, str(exc)))
                continue
            if category.code in categories:
                problems.append(
                    Problem(where, "code", f"Duplicate category code {code!r}.")
                )
                continue
            categories[category.code] = category
        if not isinstance(departments, Mapping):
            problems.append(
                Problem("departments", "", f"Expected a mapping, got {departments!r}.")
            )
            departments = {}
        problems.extend(_check(categories, departments))
        if problems:
            raise TaxonomyError(problems)
        return cls(categories, departments)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Taxonomy:
        """A taxonomy from ``{"departments": {...}, "categories": [...]}``.

        Raises:
            TaxonomyError: listing every problem.
        """
        if not isinstance(data, Mapping):
            raise TaxonomyError([Problem("", "", f"Expected a mapping, got {data!r}.")])
        extra = sorted(set(data) - {"departments", "categories"})
        if extra:
            msg = f"Unknown keys {extra!r}; expected departments and categories."
            raise TaxonomyError([Problem("", "", msg)])
        rows = data.get("categories", [])
        if not isinstance(rows, list | tuple):
            msg = f"Expected a list of categories, got {rows!r}."
            raise TaxonomyError([Problem("categories", "", msg)])
        return cls.from_dicts(rows, departments=data.get("departments", {}))

    @classmethod
    def from_toml(cls, text: str) -> Taxonomy:
        """A taxonomy from TOML: a ``[departments]`` table and ``[[categories]]``.

        Raises:
            TaxonomyError: the text is not TOML, or the taxonomy is invalid.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = f"The text is not valid TOML: {exc}."
            raise TaxonomyError([Problem("", "", msg)]) from exc
        return cls.from_mapping(data)

    def to_dict(self) -> dict[str, Any]:
        """The taxonomy as plain data; :meth:`from_mapping` reads it back equal.

        >>> Taxonomy.from_mapping(DEFAULT_TAXONOMY.to_dict()) == DEFAULT_TAXONOMY
        True
        """
        return {
            "departments": dict(self.departments),
            "categories": [c.to_dict() for c in self.categories.values()],
        }


def _check(
    categories: Mapping[str, Category], departments: Mapping[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    for dep, name in departments.items():
        if not isinstance(dep, str) or not dep.strip():
            problems.append(Problem("departments", "", f"Bad department id {dep!r}."))
        elif not isinstance(name, str) or not name.strip():
            msg = f"Expected a department name, got {name!r}."
            problems.append(Problem("departments", dep, msg))
    known = ", ".join(sorted(str(d) for d in departments)) or "(none)"
    for code, cat in categories.items():
        if not isinstance(cat, Category):
            msg = f"Expected a Category, got {cat!r}."
            problems.append(Problem(str(code), "", msg))
            continue
        if code != cat.code:
            msg = f"Expected the key to equal the category's code {cat.code!r}."
            problems.append(Problem(str(code), "code", msg))
        if cat.department is not None and cat.department not in departments:
            msg = (
                f"Expected a known department, got {cat.department!r}; known: {known}."
            )
            problems.append(Problem(cat.code, "department", msg))
    return problems


DEFAULT_DEPARTMENTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "community": "社区居委会",
        "street": "街道办事处",
        "enforcement": "综合行政执法局",
        "housing": "住房和城乡建设局",
        "market": "市场监督管理局",
        "health": "卫生健康局",
        "civil_affairs": "民政局",
        "emergency": "应急管理局",
        "fire": "消防救援大队",
        "police": "公安分局",
        "justice": "司法局",
    }
)
"""A district's departments, id → name: a default to adapt, not an official list."""


def _c(
    code: str,
    zh: str,
    en: str,
    cls: EventClass,
    department: str | None,
    group: str = "",
    *,
    whistle: bool = False,
    redirect: Redirect | None = None,
) -> Category:
    return Category(
        code=code,
        zh=zh,
        en=en,
        event_class=cls,
        department=department,
        group=group,
        needs_whistle=whistle,
        redirect=redirect,
    )


_C, _E, _G, _S = (
    EventClass.COMPONENT,
    EventClass.EVENT,
    EventClass.GOVERNANCE,
    EventClass.SERVICE,
)

DEFAULT_TAXONOMY: Final[Taxonomy] = Taxonomy(
    {
        c.code: c
        for c in (
            # 部件 (GB/T 30428.2 / CJ/T 214 components)
            _c(
                "facility.manhole",
                "井盖破损",
                "Damaged manhole cover",
                _C,
                "housing",
                "公用设施",
            ),
            _c(
                "facility.streetlight",
                "路灯损坏",
                "Broken street light",
                _C,
                "housing",
                "公用设施",
            ),
            _c(
                "road.damage",
                "道路破损",
                "Damaged road surface",
                _C,
                "housing",
                "道路交通",
            ),
            _c(
                "greening.damage",
                "绿地树木损毁",
                "Damaged green space or tree",
                _C,
                "housing",
                "园林绿化",
            ),
            # 事件 (GB/T 30428.2 / CJ/T 214 events)
            _c(
                "env.garbage",
                "暴露垃圾",
                "Exposed garbage",
                _E,
                "enforcement",
                "市容环境",
            ),
            _c(
                "env.noise",
                "噪声扰民",
                "Noise nuisance",
                _E,
                "enforcement",
                "市容环境",
                whistle=True,
            ),
            _c(
                "ads.illegal",
                "违规小广告",
                "Illegal flyers and posters",
                _E,
                "enforcement",
                "宣传广告",
            ),
            _c(
                "order.street_vending",
                "占道经营",
                "Street vending on the road",
                _E,
                "enforcement",
                "街面秩序",
                whistle=True,
            ),
            _c(
                "order.parking",
                "违规停车",
                "Illegal parking",
                _E,
                "police",
                "街面秩序",
                whistle=True,
            ),
            _c(
                "construction.illegal",
                "违法建设",
                "Illegal construction",
                _E,
                "enforcement",
                "施工管理",
                whistle=True,
            ),
            # 社会治理
            _c(
                "dispute.neighbour",
                "邻里纠纷",
                "Dispute between neighbours",
                _G,
                "community",
                "矛盾纠纷",
            ),
            _c(
                "dispute.property",
                "物业纠纷",
                "Dispute with the property manager",
                _G,
                "housing",
                "矛盾纠纷",
            ),
            _c(
                "safety.hazard",
                "安全隐患",
                "Safety hazard",
                _G,
                "emergency",
                "安全隐患",
                whistle=True,
            ),
            _c(
                "safety.fire_hazard",
                "消防隐患",
                "Fire hazard (blocked exits, stored goods)",
                _G,
                "fire",
                "安全隐患",
                whistle=True,
            ),
            _c(
                "food.safety",
                "食品安全",
                "Food safety",
                _G,
                "market",
                "市场监管",
                whistle=True,
            ),
            _c(
                "health.public",
                "公共卫生",
                "Public health",
                _G,
                "health",
                "卫生健康",
                whistle=True,
            ),
            # 便民服务
            _c(
                "care.elderly_disabled",
                "助老助残",
                "Help for the elderly and disabled",
                _S,
                "civil_affairs",
                "为民服务",
            ),
            _c(
                "care.meal",
                "老年助餐",
                "Meals for the elderly",
                _S,
                "civil_affairs",
                "为民服务",
            ),
            _c("care.wish", "微心愿", "Micro-wish", _S, "community", "为民服务"),
            # Redirected: emergencies and matters outside the duty list
            _c(
                "emergency.crime",
                "治安警情",
                "Crime or public-order emergency",
                _G,
                "police",
                "突发事件",
                redirect=Redirect.POLICE,
            ),
            _c(
                "emergency.fire",
                "火情",
                "Fire",
                _E,
                "fire",
                "突发事件",
                redirect=Redirect.FIRE,
            ),
            _c(
                "emergency.medical",
                "急病急伤",
                "Medical emergency",
                _G,
                "health",
                "突发事件",
                redirect=Redirect.AMBULANCE,
            ),
            _c(
                "emergency.traffic",
                "交通事故",
                "Traffic accident",
                _E,
                "police",
                "突发事件",
                redirect=Redirect.TRAFFIC,
            ),
            _c(
                "other.outside_duty",
                "职责外事项",
                "Matter outside the community's duty list",
                _G,
                None,
                "其他",
                redirect=Redirect.OUTSIDE_DUTY,
            ),
        )
    },
    DEFAULT_DEPARTMENTS,
)
"""The default taxonomy: 24 categories over :data:`DEFAULT_DEPARTMENTS`.

Four 部件 and six 事件 of city management (classes per GB/T 30428.2 /
CJ/T 214; codes are readable, not the standard's), six governance matters
(矛盾纠纷, 安全隐患, 食品安全, 公共卫生), three services (助老助残, 老年助餐,
微心愿), four emergencies redirected to 110/119/120/122 and one catch-all
for matters outside the community's duty list.  Which categories need a
whistle is local practice: adapt the taxonomy with :meth:`Taxonomy.from_toml`.

>>> len(DEFAULT_TAXONOMY), sorted(DEFAULT_TAXONOMY.whistle_codes())[:2]
(24, ['construction.illegal', 'env.noise'])
"""


register(Taxonomy, Taxonomy.to_dict, Taxonomy.from_mapping)
