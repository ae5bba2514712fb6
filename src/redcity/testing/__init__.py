"""Testing helpers for redcity users: Hypothesis strategies in ``strategies``."""
