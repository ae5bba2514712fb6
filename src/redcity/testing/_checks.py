"""Argument checks shared by the strategy modules."""

from __future__ import annotations

from hypothesis.errors import InvalidArgument

__all__ = ["check_size"]


def check_size(name: str, low: object, high: object, least: int = 0) -> None:
    """Raise InvalidArgument unless ``least <= low <= high`` are whole numbers."""
    if type(low) is not int or low < least:
        msg = f"Expected min_{name} to be a whole number ≥ {least}, got {low!r}."
        raise InvalidArgument(msg)
    if type(high) is not int or high < low:
        msg = (
            f"Expected max_{name} to be a whole number ≥ min_{name}={low}, "
            f"got {high!r}."
        )
        raise InvalidArgument(msg)
