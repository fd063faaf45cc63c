import pytest

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.assessments.tests import helpers


@pytest.fixture
def zastex_case(db):
    return helpers.zastex_case()


@pytest.fixture
def directorate_case(db):
    return helpers.directorate_case()


@pytest.fixture
def pd_leipzig(db):
    return testing.directorate_member("14713")


@pytest.fixture
def lka_protection(db):
    return testing.make_user(organisation=testing.organisation_of(OrganisationType.LKA_PROTECTION))
