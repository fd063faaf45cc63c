import pytest

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.assessments.tests import helpers
from sikom.geo.models import District


@pytest.fixture
def zastex_case(db):
    return helpers.zastex_case()


@pytest.fixture
def directorate_case(db):
    return helpers.directorate_case()


@pytest.fixture
def pd_leipzig(db):
    directorate = District.objects.get(key="14713").police_directorate
    return testing.make_user(
        organisation=testing.organisation_of(OrganisationType.POLICE_DIRECTORATE, police_directorate=directorate)
    )


@pytest.fixture
def lka_protection(db):
    return testing.make_user(organisation=testing.organisation_of(OrganisationType.LKA_PROTECTION))
