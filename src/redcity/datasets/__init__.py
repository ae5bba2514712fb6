"""Sample data: the Zunyi (遵义) sample at the seed figures, synthetic trees.

>>> import redcity.datasets as ds
>>> len(ds.zunyi().nodes("网格")), len(ds.synthetic(500))
(1932, 500)
"""

from redcity.datasets.service import (
    SERVICE_CATEGORIES,
    ServiceMember,
    ServiceYear,
    bozhou_service_year,
)
from redcity.datasets.synthetic import MAX_NODES, synthetic, synthetic_records
from redcity.datasets.zunyi import (
    BAOLI,
    BOZHOU,
    HONGHUAGANG,
    HUICHUAN,
    LONGQUAN,
    XINGMAO,
    ZUNYI,
    ZUNYI_FACTS,
    ZunyiFacts,
    ZunyiStaffing,
    zunyi,
    zunyi_model_compounds,
    zunyi_records,
    zunyi_staffing,
)

__all__ = [
    "BAOLI",
    "BOZHOU",
    "HONGHUAGANG",
    "HUICHUAN",
    "LONGQUAN",
    "MAX_NODES",
    "SERVICE_CATEGORIES",
    "XINGMAO",
    "ZUNYI",
    "ZUNYI_FACTS",
    "ServiceMember",
    "ServiceYear",
    "ZunyiFacts",
    "ZunyiStaffing",
    "bozhou_service_year",
    "synthetic",
    "synthetic_records",
    "zunyi",
    "zunyi_model_compounds",
    "zunyi_records",
    "zunyi_staffing",
]
