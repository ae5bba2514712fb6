"""Doctests of the points pages: ``examples`` is the folder of example rulebooks.

The rulebooks ship inside the package (``redcity/points/rulebooks/``); the
pages read them from there, so there is one copy.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _example_rulebooks(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["examples"] = Path(str(files("redcity.points") / "rulebooks"))
