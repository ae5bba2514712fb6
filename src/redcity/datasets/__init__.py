"""Sample data: the Zunyi (遵义) sample at the seed figures, synthetic trees,
a year of service, the seed article's two meetings and a year of topics.

>>> import redcity.datasets as ds
>>> len(ds.zunyi().nodes("网格")), len(ds.synthetic(500))
(1932, 500)
"""

from redcity.datasets.meetings import (
    LONGQUAN_MEETING,
    XINGMAO_MEETING,
    SeedMeeting,
    longquan_council,
    seed_meetings,
    seed_topics,
    xingmao_estate,
    xingmao_three_party,
)
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
    "LONGQUAN_MEETING",
    "MAX_NODES",
    "SERVICE_CATEGORIES",
    "XINGMAO",
    "XINGMAO_MEETING",
    "ZUNYI",
    "ZUNYI_FACTS",
    "SeedMeeting",
    "ServiceMember",
    "ServiceYear",
    "ZunyiFacts",
    "ZunyiStaffing",
    "bozhou_service_year",
    "longquan_council",
    "seed_meetings",
    "seed_topics",
    "synthetic",
    "synthetic_records",
    "xingmao_estate",
    "xingmao_three_party",
    "zunyi",
    "zunyi_model_compounds",
    "zunyi_records",
    "zunyi_staffing",
]
