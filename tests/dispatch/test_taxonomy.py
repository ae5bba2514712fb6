"""The category taxonomy: defaults, loading, whole-input validation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import redcity.serialize as rs
from redcity.dispatch import (
    DEFAULT_DEPARTMENTS,
    DEFAULT_TAXONOMY,
    Category,
    EventClass,
    Redirect,
    Taxonomy,
    TaxonomyError,
    UnknownCategory,
)
from redcity.errors import ValidationError
from redcity.testing._dispatch_strategies import categories


def test_default_taxonomy_covers_both_loops() -> None:
    assert 15 <= len(DEFAULT_TAXONOMY) <= 25
    classes = {c.event_class for c in DEFAULT_TAXONOMY.values()}
    assert set(EventClass) == classes
    zh = {c.zh for c in DEFAULT_TAXONOMY.values()}
    assert {"邻里纠纷", "安全隐患", "助老助残", "微心愿"} <= zh
    emergencies = {c.redirect for c in DEFAULT_TAXONOMY.values() if c.is_emergency}
    assert {Redirect.POLICE, Redirect.FIRE, Redirect.AMBULANCE, Redirect.TRAFFIC} == (
        emergencies
    )
    assert DEFAULT_TAXONOMY["other.outside_duty"].outside_duty
    for c in DEFAULT_TAXONOMY.values():
        assert c.department is None or c.department in DEFAULT_DEPARTMENTS


def test_taxonomy_is_an_immutable_mapping() -> None:
    with pytest.raises(TypeError):
        DEFAULT_TAXONOMY.categories["x"] = DEFAULT_TAXONOMY["care.wish"]  # type: ignore[index]
    with pytest.raises(UnknownCategory, match="'nope'"):
        DEFAULT_TAXONOMY["nope"]
    assert "care.wish" in DEFAULT_TAXONOMY
    assert "nope" not in DEFAULT_TAXONOMY


def test_every_problem_is_listed() -> None:
    rows = [
        {"code": "a", "zh": "甲", "en": "A", "event_class": "部件", "department": "x"},
        {"code": "a", "zh": "甲", "en": "A", "event_class": "部件", "department": "d"},
        {"code": "b", "zh": "乙", "en": "B", "event_class": "nonsense"},
        {"code": "c", "zh": "丙", "en": "C", "event_class": "事件", "colour": "red"},
        {"zh": "丁"},
    ]
    with pytest.raises(TaxonomyError) as caught:
        Taxonomy.from_dicts(rows, departments={"d": "部门"})
    err = caught.value
    assert isinstance(err, ValidationError)
    where = [(p.id, p.field) for p in err.problems]
    assert ("a", "code") in where  # duplicate
    assert ("a", "department") in where  # unknown department
    assert any(p.id == "b" for p in err.problems)  # bad class
    assert any(p.id == "c" and "colour" in p.message for p in err.problems)
    assert ("#4", "code") in where
    assert len(err.problems) >= 6


def test_toml_and_serialize_round_trip() -> None:
    text = """
[departments]
community = "社区居委会"

[[categories]]
code = "care.wish"
zh = "微心愿"
en = "Micro-wish"
event_class = "便民服务"
department = "community"
"""
    t = Taxonomy.from_toml(text)
    assert EventClass.SERVICE is t["care.wish"].event_class
    assert t == Taxonomy.from_mapping(t.to_dict())
    assert DEFAULT_TAXONOMY == rs.from_json(rs.to_json(DEFAULT_TAXONOMY), Taxonomy)
    with pytest.raises(TaxonomyError, match="not valid TOML"):
        Taxonomy.from_toml("[[")


def test_a_department_is_required_unless_outside_duty() -> None:
    with pytest.raises(ValueError, match="has no department"):
        Category(code="x", zh="x", en="x", event_class="event")
    c = Category(code="x", zh="x", en="x", event_class="event", redirect="outside_duty")
    assert c.department is None


@settings(max_examples=50, deadline=None)
@given(categories())
def test_drawn_categories_round_trip(category: Category) -> None:
    assert category == rs.from_json(rs.to_json(category), Category)
    t = Taxonomy({category.code: category}, DEFAULT_DEPARTMENTS)
    assert t == Taxonomy.from_mapping(t.to_dict())
