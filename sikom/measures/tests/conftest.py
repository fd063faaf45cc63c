import pytest

from sikom import testing
from sikom.accounts.models import OrganisationType


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def case(db):
    """A threat at home in Pirna: the rules make »Polizeidirektion Dresden« the lead and share the case with ZASTEX;
    the provisional risk level is 3 (private sphere)."""
    return testing.make_case(categories=("threat", "private_sphere"), place="home", motives=("none",))


@pytest.fixture
def lka(db):
    return testing.organisation_of(OrganisationType.LKA_PROTECTION)


@pytest.fixture
def lka_user(lka):
    return testing.make_user(organisation=lka)
