"""The grid: levels, codes and the immutable GridTree every wing refers to.

>>> from redcity.grid import GridTree, Level
>>> Level.parse("网格") is Level.GRID
True
"""

from redcity.grid.codes import (
    DivisionCode,
    TownshipKind,
    VillageKind,
    code_extends,
    grid_code,
)
from redcity.grid.levels import DEFAULT_SCHEME, Level, LevelScheme
from redcity.grid.tree import GridError, GridTree, Node

__all__ = [
    "DEFAULT_SCHEME",
    "DivisionCode",
    "GridError",
    "GridTree",
    "Level",
    "LevelScheme",
    "Node",
    "TownshipKind",
    "VillageKind",
    "code_extends",
    "grid_code",
]
