"""The personas as a request gives them to the selectors: second factor passed in this session (the OTP middleware
sets `is_verified`; outside a request the selectors' tests need it too)."""

from sikom.testing import (  # noqa: F401  (fixtures: each replaces the persona of the same name here)
    verified_asskomm,
    verified_expert_network,
    verified_municipality_user,
    verified_official,
    verified_operator,
    verified_outsider,
    verified_pd_dresden,
    verified_zastex,
    verified_zmi,
)
