"""The personas as a request gives them to the services and selectors: second factor passed in this session (the
OTP middleware sets `is_verified`; outside a request the tests set it)."""

import pytest

from sikom.netrequests.tests.factories import make_request
from sikom.testing import (  # noqa: F401  (fixtures: each replaces the persona of the same name here)
    verified_expert_network,
    verified_municipality_user,
    verified_pd_dresden,
    verified_zastex,
)


@pytest.fixture
def filed(municipality_user):
    """A request of Pirna (district 14628) about an assembly in five days, led by the district's coordination."""
    return make_request(by=municipality_user)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Source files go to a fresh private storage per test."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
