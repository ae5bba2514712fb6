"""Doctests of the points pages: ``examples`` is the folder of example rulebooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _example_rulebooks(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["examples"] = Path(__file__).parent / "examples"
