"""Register redcity's record types with Hypothesis (the ``hypothesis`` entry point).

Hypothesis calls every function registered in the ``hypothesis`` entry-point
group when it is imported (unless ``HYPOTHESIS_NO_PLUGINS`` is set).
redcity's ``pyproject.toml`` points the group at :func:`_hypothesis_setup_hook`,
so once ``redcity[testing]`` is installed ``st.from_type(Ticket)`` draws valid
tickets, and ``@given(ticket=...)`` / ``st.builds`` infer redcity records.

The hook only calls :func:`hypothesis.strategies.register_type_strategy`.
Each type is registered with a *function* of the type, so no strategy is
built (and :mod:`redcity.testing.strategies` is not imported) until a test
first asks for one; nothing in redcity's runtime behaviour changes.

>>> from hypothesis import find, strategies as st
>>> from redcity.dispatch import Limit
>>> _hypothesis_setup_hook()          # what installing redcity[testing] does
>>> print(find(st.from_type(Limit), lambda limit: True))
1 working days
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st

__all__ = ["PUBLIC_PACKAGES", "registered_types", "strategy_for"]

PUBLIC_PACKAGES = (
    "redcity.grid",
    "redcity.calendars",
    "redcity.people",
    "redcity.points",
    "redcity.meetings",
    "redcity.dispatch",
)
"""The packages whose exported record types are registered."""

# (module, class name) -> (strategy module, strategy function name, how to
# turn what it draws into one record: "" as is, "parts" to pick an instance
# of the class inside, "first" for the first of a list).
_S = "redcity.testing.strategies"
_M = "redcity.testing._more_strategies"
_TABLE: dict[tuple[str, str], tuple[str, str, str]] = {
    # calendars
    ("redcity.calendars", "Period"): (_S, "periods", ""),
    ("redcity.calendars", "WorkCalendar"): (_S, "work_calendars", ""),
    # grid
    ("redcity.grid", "GridTree"): (_S, "grid_trees", ""),
    ("redcity.grid", "Node"): (_S, "nodes", ""),
    ("redcity.grid", "LevelScheme"): (_S, "level_schemes", ""),
    ("redcity.grid", "DivisionCode"): (_M, "division_code_records", ""),
    ("redcity.grid", "GridBounds"): (_S, "grid_bounds", ""),
    ("redcity.grid", "MergeResult"): (_S, "merge_results", ""),
    ("redcity.grid", "LayerConflict"): (_S, "merge_results", "parts"),
    ("redcity.grid", "OutOfBounds"): (_S, "merge_results", "parts"),
    ("redcity.grid", "Standard"): (_S, "standards", ""),
    ("redcity.grid", "Assignment"): (_S, "assignments", ""),
    ("redcity.grid", "StaffingReport"): (_S, "staffing_reports", ""),
    ("redcity.grid", "GridLoad"): (_S, "staffing_reports", "parts"),
    ("redcity.grid", "PartyOrg"): (_S, "party_orgs", ""),
    ("redcity.grid", "PartyCoverage"): (_S, "party_coverages", ""),
    ("redcity.grid", "Threshold"): (_S, "thresholds", ""),
    ("redcity.grid", "CardPolicy"): (_S, "card_policies", ""),
    ("redcity.grid", "CardHistory"): (_S, "card_histories", ""),
    ("redcity.grid", "CardDecision"): (_S, "card_histories", "parts"),
    # people
    ("redcity.people", "Person"): (_S, "persons", ""),
    ("redcity.people", "Organization"): (_S, "organizations", ""),
    ("redcity.people", "Membership"): (_S, "memberships", ""),
    ("redcity.people", "Post"): (_S, "posts", ""),
    ("redcity.people", "ContactDetail"): (_S, "contact_details", ""),
    ("redcity.people", "Identifier"): (_S, "persons", "parts"),
    ("redcity.people", "Link"): (_S, "persons", "parts"),
    ("redcity.people", "OtherName"): (_S, "persons", "parts"),
    ("redcity.people", "MemberRegistration"): (_S, "registrations", ""),
    ("redcity.people", "MemberRegistry"): (_S, "member_registries", ""),
    # points
    ("redcity.points", "ServiceRecord"): (_S, "fact_lists", "parts"),
    ("redcity.points", "Attendance"): (_S, "fact_lists", "parts"),
    ("redcity.points", "Rating"): (_S, "fact_lists", "parts"),
    ("redcity.points", "MicroWish"): (_S, "fact_lists", "parts"),
    ("redcity.points", "Registration"): (_S, "fact_lists", "parts"),
    ("redcity.points", "Deduction"): (_S, "facts", "parts"),
    ("redcity.points", "Redemption"): (_S, "facts", "parts"),
    ("redcity.points", "Reversal"): (_S, "facts", "parts"),
    ("redcity.points", "RuleBook"): (_S, "rulebooks", ""),
    ("redcity.points", "Rule"): (_S, "rulebooks", "parts"),
    ("redcity.points", "Cap"): (_S, "rulebooks", "parts"),
    ("redcity.points", "Condition"): (_S, "rulebooks", "parts"),
    ("redcity.points", "Fixed"): (_S, "rulebooks", "parts"),
    ("redcity.points", "PerHour"): (_S, "rulebooks", "parts"),
    ("redcity.points", "PerRating"): (_S, "rulebooks", "parts"),
    ("redcity.points", "Deduct"): (_M, "deducts", ""),
    ("redcity.points", "CompiledRuleBook"): (_M, "compiled_rulebooks", ""),
    ("redcity.points", "Posting"): (_M, "postings", ""),
    ("redcity.points", "Comparison"): (_M, "rulebook_comparisons", ""),
    ("redcity.points", "MemberChange"): (_M, "member_changes", ""),
    ("redcity.points", "AreaChange"): (_M, "area_changes", ""),
    ("redcity.points", "RuleDelta"): (_M, "rule_deltas", ""),
    ("redcity.points", "Account"): (_S, "accounts", ""),
    ("redcity.points", "Transaction"): (_S, "transactions", ""),
    ("redcity.points", "Entry"): (_S, "transactions", "parts"),
    ("redcity.points", "Ledger"): (_S, "ledgers", ""),
    ("redcity.points", "LedgerRecord"): (_S, "ledgers", "records"),
    ("redcity.points", "ExpireAfter"): (_M, "expiry_policies", ""),
    ("redcity.points", "ResetEachYear"): (_M, "ledger_policies", "parts"),
    ("redcity.points", "Statement"): (_M, "statements", ""),
    ("redcity.points", "StatementLine"): (_M, "statement_lines", ""),
    ("redcity.points", "VerifyReport"): (_M, "verify_reports", ""),
    ("redcity.points", "LedgerProblem"): (_M, "ledger_problems", ""),
    ("redcity.points", "Evaluation"): (_S, "evaluations", ""),
    ("redcity.points", "Assessment"): (_M, "assessments", ""),
    ("redcity.points", "AssessmentWeights"): (_S, "assessment_weights", ""),
    ("redcity.points", "GradeCutoffs"): (_S, "grade_cutoffs", ""),
    ("redcity.points", "TeamStarRule"): (_S, "team_star_rules", ""),
    ("redcity.points", "Honour"): (_M, "honours_lists", "parts"),
    # meetings
    ("redcity.meetings", "Meeting"): (_S, "meetings", ""),
    ("redcity.meetings", "ActionItem"): (_S, "meetings", "parts"),
    ("redcity.meetings", "AgendaItem"): (_S, "meetings", "parts"),
    ("redcity.meetings", "Attendee"): (_S, "meetings", "parts"),
    ("redcity.meetings", "Motion"): (_S, "meetings", "parts"),
    ("redcity.meetings", "Resolution"): (_S, "meetings", "parts"),
    ("redcity.meetings", "Vote"): (_S, "meetings", "parts"),
    ("redcity.meetings", "Party"): (_S, "meetings", "parts"),
    ("redcity.meetings", "RollEntry"): (_S, "meetings", "parts"),
    ("redcity.meetings", "Outcome"): (_M, "outcomes", ""),
    ("redcity.meetings", "Tally"): (_S, "tallies", ""),
    ("redcity.meetings", "PartyTally"): (_S, "tallies", "parts"),
    ("redcity.meetings", "Unit"): (_S, "units", ""),
    ("redcity.meetings", "Feedback"): (_M, "feedbacks", ""),
    ("redcity.meetings", "NoticePolicy"): (_M, "notice_policies", ""),
    ("redcity.meetings", "OwnersApproval"): (_M, "owners_approvals", ""),
    ("redcity.meetings", "OwnersDecision"): (_M, "owners_decisions", ""),
    ("redcity.meetings", "CrossPostRule"): (_M, "cross_post_rules", ""),
    ("redcity.meetings", "ResidentsCommitteeSize"): (
        _M,
        "residents_committee_sizes",
        "",
    ),
    ("redcity.meetings", "OwnersCommitteeSize"): (_M, "owners_committee_sizes", ""),
    ("redcity.meetings", "Topic"): (_M, "topic_records", ""),
    ("redcity.meetings", "MonthlyAgenda"): (_M, "monthly_agendas", ""),
    ("redcity.meetings", "AgendaEntry"): (_M, "monthly_agendas", "parts"),
    ("redcity.meetings", "ClosedLoop"): (_M, "closed_loops", ""),
    ("redcity.meetings", "LoopFigures"): (_M, "closed_loops", "parts"),
    ("redcity.meetings", "Attendance"): (_M, "decision_rules", "kind"),
    ("redcity.meetings", "ShareOfMembers"): (_M, "decision_rules", "kind"),
    ("redcity.meetings", "ShareOfPresent"): (_M, "decision_rules", "kind"),
    ("redcity.meetings", "PartyQuorum"): (_M, "decision_rules", "kind"),
    ("redcity.meetings", "PartyConsent"): (_M, "decision_rules", "kind"),
    ("redcity.meetings", "AllOf"): (_M, "decision_rules", "kind"),
    # dispatch
    ("redcity.dispatch", "Ticket"): (_S, "tickets", ""),
    ("redcity.dispatch", "TicketEvent"): (_S, "tickets", "parts"),
    ("redcity.dispatch", "Requester"): (_S, "tickets", "parts"),
    ("redcity.dispatch", "Escalation"): (_S, "tickets", "parts"),
    ("redcity.dispatch", "Summons"): (_S, "tickets", "parts"),
    ("redcity.dispatch", "Category"): (_S, "categories", ""),
    ("redcity.dispatch", "Taxonomy"): (_M, "taxonomies", ""),
    ("redcity.dispatch", "CaseCounts"): (_S, "case_counts_records", ""),
    ("redcity.dispatch", "HotlineCounts"): (_S, "hotline_counts_records", ""),
    ("redcity.dispatch", "CaseRates"): (_M, "case_rates", ""),
    ("redcity.dispatch", "HotlineRates"): (_M, "hotline_rates", ""),
    ("redcity.dispatch", "HotlineWeights"): (_M, "hotline_weights", ""),
    ("redcity.dispatch", "ResolutionShares"): (_M, "resolution_shares_records", ""),
    ("redcity.dispatch", "Volunteer"): (_S, "volunteers", ""),
    ("redcity.dispatch", "Request"): (_S, "match_requests", ""),
    ("redcity.dispatch", "CostPolicy"): (_M, "cost_policies", ""),
    ("redcity.dispatch", "Matching"): (_M, "matchings", ""),
    ("redcity.dispatch", "Match"): (_M, "matchings", "parts"),
    ("redcity.dispatch", "Unmatched"): (_M, "matchings", "parts"),
    ("redcity.dispatch", "Handler"): (_M, "handlers", ""),
    ("redcity.dispatch", "Assignment"): (_M, "dispatch_assignments", ""),
    ("redcity.dispatch", "BoundedEscalation"): (_M, "bounded_escalations", ""),
    ("redcity.dispatch", "TableRouter"): (_M, "table_routers", ""),
    ("redcity.dispatch", "TableWhistle"): (_M, "table_whistles", ""),
    ("redcity.dispatch", "Whistle"): (_M, "whistles", ""),
    ("redcity.dispatch", "Limit"): (_M, "limits", ""),
    ("redcity.dispatch", "SlaTable"): (_M, "sla_tables", ""),
    ("redcity.dispatch", "Arrivals"): (_M, "arrivals", ""),
    ("redcity.dispatch", "Capacity"): (_M, "capacities", ""),
    ("redcity.dispatch", "Conditions"): (_M, "simulation_conditions", ""),
    ("redcity.dispatch", "HandlingTime"): (_M, "handling_times", ""),
    ("redcity.dispatch", "Policy"): (_M, "simulation_policies", ""),
    ("redcity.dispatch", "SimulationResult"): (_M, "simulation_results", ""),
    ("redcity.dispatch", "Comparison"): (_M, "dispatch_comparisons", ""),
    # views for Jupyter
    ("redcity.points", "FactTable"): (_M, "fact_tables", ""),
    ("redcity.points", "PostingTable"): (_M, "posting_tables", ""),
    ("redcity.dispatch", "TicketTable"): (_M, "ticket_tables", ""),
    ("redcity.dispatch", "RatesTable"): (_M, "rates_tables", ""),
}


def _resolve(package: str, name: str) -> type[Any] | None:
    """The class, or ``None`` when this version of redcity lacks it."""
    import importlib

    found: type[Any] | None = getattr(importlib.import_module(package), name, None)
    return found


def strategy_for(cls: type[Any]) -> st.SearchStrategy[Any]:
    """The strategy redcity registers for one of its record types.

    Raises:
        KeyError: ``cls`` is not a registered redcity type.

    >>> from redcity.calendars import Period
    >>> from hypothesis import find
    >>> print(find(strategy_for(Period), lambda p: True))
    2000-01
    """
    import importlib

    for (package, name), (module, function, how) in _TABLE.items():
        if _resolve(package, name) is cls:
            factory = getattr(importlib.import_module(module), function)
            if how == "kind":
                return factory(kinds=[cls])  # type: ignore[no-any-return]
            made: st.SearchStrategy[Any] = factory()
            if how == "parts":
                from redcity.testing._more_strategies import parts

                return parts(made, cls)
            if how == "records":
                return made.filter(lambda ledger: ledger.records).flatmap(
                    lambda ledger: st.sampled_from(ledger.records)
                )
            return made
    msg = f"Expected a record type of redcity, got {cls!r}: no strategy is registered."
    raise KeyError(msg)


def registered_types() -> Mapping[type[Any], Callable[[type[Any]], Any]]:
    """Every type the hook registers, with the function it registers.

    >>> from redcity.dispatch import Ticket
    >>> Ticket in registered_types()
    True
    """
    found = {_resolve(package, name): strategy_for for package, name in _TABLE}
    found.pop(None, None)
    return found  # type: ignore[return-value]


def _hypothesis_setup_hook() -> None:
    """Register a strategy for every public record type of redcity.

    Called by Hypothesis through the ``hypothesis`` entry-point group (and
    safe to call again: a later registration replaces an earlier one).
    """
    for cls, function in registered_types().items():
        st.register_type_strategy(cls, function)
