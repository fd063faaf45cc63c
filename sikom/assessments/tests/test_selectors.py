import pytest

from sikom.assessments.selectors import assessments_for, organisation_may_assess
from sikom.assessments.services import record_assessment
from sikom.assessments.tests.helpers import answers, in_days
from sikom.cases.services import share_with

pytestmark = pytest.mark.django_db


def test_assessing_offices_that_lead_or_share_the_case(directorate_case, zastex, pd_dresden, zmi, pd_leipzig):
    assert organisation_may_assess(pd_dresden.organisation, directorate_case)  # lead
    assert organisation_may_assess(zastex.organisation, directorate_case)  # shared
    assert not organisation_may_assess(zmi.organisation, directorate_case)  # shared, but does not assess
    assert not organisation_may_assess(pd_leipzig.organisation, directorate_case)  # not involved
    assert not organisation_may_assess(None, directorate_case)


def test_lka_protection_once_the_case_is_shared_with_it(zastex_case, zastex, lka_protection):
    assert not organisation_may_assess(lka_protection.organisation, zastex_case)
    share_with(case=zastex_case, organisation=lka_protection.organisation, by=zastex, reason="Objektschutz prüfen")
    assert organisation_may_assess(lka_protection.organisation, zastex_case)


def test_assessments_newest_first_with_the_analyst_loaded(zastex_case, zastex, django_assert_num_queries):
    for level in (1, 2):
        record_assessment(
            case=zastex_case,
            by=zastex,
            answers=answers(enemy_list="present" if level == 2 else "absent"),
            level=level,
            override_reason="",
            next_review_on=in_days(10),
        )
    with django_assert_num_queries(1):
        rows = [(assessment.level, assessment.assessed_by.full_name) for assessment in assessments_for(zastex_case)]
    assert rows == [(2, zastex.full_name), (1, zastex.full_name)]
