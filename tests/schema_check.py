"""Validate exports against the published Popolo and Open311 JSON Schemas.

The schemas live in ``../shared/schemas/`` beside the project (never copied
into it); Popolo's ``$ref``s resolve locally through a ``referencing``
registry, so nothing touches the network.  A missing schema folder is an
error, not a skip: export tests must really validate.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource, Specification
from referencing.jsonschema import DRAFT3, DRAFT7

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
POPOLO_BASE = "http://www.popoloproject.com/schemas/"

_DRAFTS: dict[str, tuple[str, type[jsonschema.protocols.Validator], Specification[Any]]]
_DRAFTS = {
    # Popolo's schemas declare draft-03 and refer to each other by their ids.
    "popolo": (POPOLO_BASE, jsonschema.Draft3Validator, DRAFT3),
    # Open311's declare no draft but use Draft 4+ keywords (an array
    # ``required``, ``anyOf``) and refer to each other by file name.
    "open311": ("", jsonschema.Draft7Validator, DRAFT7),
}


def load(standard: str, name: str) -> dict[str, Any]:
    """The schema ``name`` of ``standard`` (``popolo`` or ``open311``)."""
    path = SCHEMAS / standard / f"{name}.json"
    if not path.is_file():
        msg = f"Schema {path} is missing; the export tests need ../shared/schemas/."
        raise FileNotFoundError(msg)
    result: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return result


@functools.cache
def _registry(standard: str) -> Registry[Any]:
    base, _, draft = _DRAFTS[standard]
    return Registry().with_resources(
        (
            f"{base}{path.name}",
            Resource.from_contents(
                json.loads(path.read_text("utf-8")), default_specification=draft
            ),
        )
        for path in sorted((SCHEMAS / standard).glob("*.json"))
    )


@functools.cache
def validator(standard: str, name: str) -> jsonschema.protocols.Validator:
    """A checked validator for one schema, its ``$ref``s resolved locally."""
    schema = load(standard, name)
    cls = jsonschema.validators.validator_for(schema, default=_DRAFTS[standard][1])
    cls.check_schema(schema)
    return cls(schema, registry=_registry(standard), format_checker=cls.FORMAT_CHECKER)


def assert_valid(standard: str, name: str, instance: Any) -> None:
    """Fail with every schema error, each with its path, when any."""
    errors = sorted(validator(standard, name).iter_errors(instance), key=str)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []
