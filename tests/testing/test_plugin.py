"""The Hypothesis entry point (type registration) and the pytest plugin."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redcity.testing._hypothesis_setup import (
    PUBLIC_PACKAGES,
    _hypothesis_setup_hook,
    registered_types,
)

pytest_plugins = ["pytester"]

HOOK = "redcity.testing._hypothesis_setup:_hypothesis_setup_hook"


def _public_records() -> list[type[Any]]:
    found: dict[type[Any], None] = {}
    for name in PUBLIC_PACKAGES:
        package = importlib.import_module(name)
        for public in package.__all__:
            value = getattr(package, public)
            if inspect.isclass(value) and attrs.has(value):
                found[value] = None
    return list(found)


RECORDS = _public_records()


def test_every_public_record_type_has_a_strategy() -> None:
    missing = [f"{c.__module__}.{c.__qualname__}" for c in RECORDS]
    registered = registered_types()
    missing = [
        name for c, name in zip(RECORDS, missing, strict=True) if c not in registered
    ]
    assert [] == missing


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_from_type_draws_instances(cls: type[Any]) -> None:
    _hypothesis_setup_hook()

    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def draws(data: st.DataObject) -> None:
        assert isinstance(data.draw(st.from_type(cls)), cls)

    draws()


def test_hook_registers_grid_trees_and_ledgers_too() -> None:
    from redcity.grid import GridTree
    from redcity.points import Ledger

    assert {GridTree, Ledger} <= set(registered_types())


def test_the_hypothesis_entry_point_is_installed() -> None:
    # Correct once pyproject.toml declares the entry point and redcity is
    # reinstalled (`pip install -e .`).
    points = importlib.metadata.entry_points(group="hypothesis")
    ours = [p for p in points if p.value == HOOK]
    assert 1 == len(ours)
    assert ours[0].load() is _hypothesis_setup_hook


def test_the_plugin_fails_a_test_with_the_counterexample(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest('pytest_plugins = ["redcity.testing.plugin"]\n')
    pytester.makepyfile(
        """
        from redcity.dispatch import BoundedEscalation

        def leapfrog(tree, node, severity, whistled=False):
            up = tree.parent(node)
            return None if up is None else (tree.parent(up) or up)

        def test_default_policy(redcity_laws):
            redcity_laws.escalation(BoundedEscalation(), max_examples=5)

        def test_leapfrog(redcity_laws):
            redcity_laws.escalation(leapfrog, max_examples=15, derandomize=True)
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*BROKEN  escalation never skips a level: a *"])
