"""Test configuration: Hypothesis profiles.

``ci`` is derandomized so CI is deterministic; ``dev`` (the default locally)
searches at random with more examples.  Select with ``HYPOTHESIS_PROFILE``;
CI sets ``CI=true`` which selects ``ci``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=150, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)
