"""The synthetic year of service in 播州区."""

from __future__ import annotations

from collections import Counter

import pytest

from redcity.datasets import BOZHOU, ServiceYear, bozhou_service_year, zunyi
from redcity.grid import Level
from redcity.points import Registration, Reversal, ServiceRecord


@pytest.fixture(scope="module")
def year() -> ServiceYear:
    return bozhou_service_year(members=300)


def test_reproducible_and_seeded(year: ServiceYear) -> None:
    assert year == bozhou_service_year(members=300)
    assert year.facts != bozhou_service_year(members=300, seed=1).facts


def test_every_fact_in_the_year_in_bozhou_and_ids_unique(year: ServiceYear) -> None:
    tree = zunyi()
    assert all(2026 == f.at.year for f in year.facts)
    assert all(tree.contains(BOZHOU, f.node_id) for f in year.facts)
    assert len(year.facts) == len({f.id for f in year.facts})
    assert list(year.facts) == sorted(year.facts, key=lambda f: (f.at, f.id))


def test_services_are_in_the_members_community(year: ServiceYear) -> None:
    tree = zunyi()
    home = {m.id: m.community_id for m in year.members}
    for f in year.facts:
        if isinstance(f, ServiceRecord):
            assert tree.level(f.node_id) is Level.GRID
            assert home[f.member_id] == tree.ancestor(f.node_id, Level.COMMUNITY)


def test_reversals_name_earlier_services(year: ServiceYear) -> None:
    services = {f.id: f for f in year.facts if isinstance(f, ServiceRecord)}
    reversals = [f for f in year.facts if isinstance(f, Reversal)]
    assert reversals
    for r in reversals:
        assert services[r.reverses].at < r.at
        assert services[r.reverses].member_id == r.member_id


def test_registrations_are_the_in_service_party_members(year: ServiceYear) -> None:
    registered = Counter(f.member_id for f in year.facts if isinstance(f, Registration))
    expected = {m.id for m in year.members if m.employer_id is not None}
    assert expected == set(registered)
    assert {1} == set(registered.values())
    assert all(m.party_member for m in year.members if m.employer_id is not None)


def test_members_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one member"):
        bozhou_service_year(members=0)
