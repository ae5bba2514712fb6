"""The grid: levels, codes, the immutable GridTree, and grid governance.

多网合一 overlays, 四定 staffing, 支部建在网格上 party coverage and
绿/黄/红牌 cards all refer to places by the tree's node ids.

>>> from redcity.grid import GridTree, Level
>>> Level.parse("网格") is Level.GRID
True
"""

# Registers the grid's types with redcity.serialize's converter.
from redcity.grid import _serialize as _serialize
from redcity.grid.cards import (
    DEFAULT_PROMOTE_AFTER,
    Card,
    CardDecision,
    CardHistory,
    CardPolicy,
    Direction,
    MetricValue,
    Threshold,
    evaluate_cards,
)
from redcity.grid.codes import (
    DivisionCode,
    TownshipKind,
    VillageKind,
    code_extends,
    grid_code,
)
from redcity.grid.levels import DEFAULT_SCHEME, Level, LevelScheme
from redcity.grid.overlays import (
    URBAN_GRID_BOUNDS,
    ConflictKind,
    GridBounds,
    LayerConflict,
    MergeMode,
    MergeResult,
    OutOfBounds,
    layer_from_tree,
    merge_layers,
)
from redcity.grid.party import (
    GRID_LEVEL_KINDS,
    PartyCoverage,
    PartyOrg,
    PartyOrgKind,
    party_coverage,
)
from redcity.grid.staffing import (
    DEFAULT_MAX_HOUSEHOLDS_PER_WORKER,
    DEFAULT_POST_LEVELS,
    Assignment,
    GridLoad,
    Post,
    PostLevels,
    StaffingReport,
    Standard,
    post_counts,
    post_counts_by,
    staffing_report,
)
from redcity.grid.tree import GridError, GridTree, Node

__all__ = [
    "DEFAULT_MAX_HOUSEHOLDS_PER_WORKER",
    "DEFAULT_POST_LEVELS",
    "DEFAULT_PROMOTE_AFTER",
    "DEFAULT_SCHEME",
    "GRID_LEVEL_KINDS",
    "URBAN_GRID_BOUNDS",
    "Assignment",
    "Card",
    "CardDecision",
    "CardHistory",
    "CardPolicy",
    "ConflictKind",
    "Direction",
    "DivisionCode",
    "GridBounds",
    "GridError",
    "GridLoad",
    "GridTree",
    "LayerConflict",
    "Level",
    "LevelScheme",
    "MergeMode",
    "MergeResult",
    "MetricValue",
    "Node",
    "OutOfBounds",
    "PartyCoverage",
    "PartyOrg",
    "PartyOrgKind",
    "Post",
    "PostLevels",
    "StaffingReport",
    "Standard",
    "Threshold",
    "TownshipKind",
    "VillageKind",
    "code_extends",
    "evaluate_cards",
    "grid_code",
    "layer_from_tree",
    "merge_layers",
    "party_coverage",
    "post_counts",
    "post_counts_by",
    "staffing_report",
]
