"""Testing helpers for redcity users (needs ``redcity[testing]``).

* :mod:`redcity.testing.strategies` — Hypothesis strategies for every
  public record type (also registered for ``st.from_type`` through the
  ``hypothesis`` entry point);
* :mod:`redcity.testing.laws` — ready-made property suites for a district's
  rulebook, card policy, escalation policy and SLA table;
* :mod:`redcity.testing.plugin` — an opt-in pytest plugin with the
  ``redcity_laws`` fixture.
"""
