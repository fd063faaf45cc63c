"""Every single-case permission derives from the one access rule (`cases_of_organisation`, through
`cases_visible_to`): rows forged into the database — a share for an office that does not work on cases, a lead that
is not a case-handling agency, an inbox row without access — change nothing that the rule does not allow."""

import pytest
from django.http import Http404
from django.urls import reverse

from sikom import testing
from sikom.assessments.selectors import ASSESSING_TYPES, can_assess
from sikom.cases.models import CASE_HANDLING_TYPES, Case, CaseShare, InboxEntry
from sikom.cases.selectors import can_read_log, can_see_case, cases_visible_to, get_case_for, is_on_case
from sikom.cases.services import refresh_inbox_entries
from sikom.measures.selectors import can_manage_measures

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(municipality_user, asskomm, zastex, zmi, pd_dresden, expert_network, operator):
    supervisor = testing.make_user(organisation=zmi.organisation, is_supervisor=True)
    return {
        "municipality_user": municipality_user,
        "asskomm": asskomm,
        "zastex": zastex,
        "zmi": zmi,
        "zmi_supervisor": supervisor,
        "pd_dresden": pd_dresden,
        "expert_network": expert_network,
        "operator": operator,
    }


@pytest.fixture
def cases(municipality_user, zmi, asskomm):
    threat = testing.make_case()  # PD Dresden leads, ZASTEX shared
    online = testing.make_case(categories=["online_hate"], place="online")  # ZMI leads
    # Forged rows, written past the services: a share for a municipality and for the ASSKomm team, and a lead that is
    # a municipality (their inbox rows kept in step, as a careless script would not, to test the rule alone) ...
    forged_share = testing.make_case()
    CaseShare.objects.create(case=forged_share, organisation=municipality_user.organisation)
    CaseShare.objects.create(case=forged_share, organisation=asskomm.organisation)
    forged_lead = testing.make_case()
    Case.objects.filter(pk=forged_lead.pk).update(lead=municipality_user.organisation)
    refresh_inbox_entries(case_ids=[forged_share.pk, forged_lead.pk])
    # ... and an inbox row for ZMI on a case it has no access to.
    InboxEntry.objects.bulk_create(
        [InboxEntry(**{**_entry_values(threat), "organisation_id": zmi.organisation_id, "is_lead": True})]
    )
    yield [threat, online, forged_share, Case.objects.get(pk=forged_lead.pk)]
    InboxEntry.objects.filter(organisation=zmi.organisation, case=threat).delete()


def _entry_values(case) -> dict:
    entry = InboxEntry.objects.filter(case=case).values().first()
    entry.pop("id")
    return entry


def _rule(user, case) -> bool:
    """The rule, written out: a case-handling agency that leads the case or has a share."""
    organisation = user.organisation
    return (
        organisation is not None
        and organisation.type in CASE_HANDLING_TYPES
        and (case.lead_id == organisation.pk or case.shares.filter(organisation=organisation).exists())
    )


def test_every_single_case_check_agrees_with_the_rule(client, people, cases):
    for name, person in people.items():
        testing.login(client, person)
        # The request's user carries the second factor's verification, as in every view.
        user = client.get(reverse("portal:home")).wsgi_request.user
        for case in cases:
            allowed = _rule(user, case)
            assert cases_visible_to(user).filter(pk=case.pk).exists() == allowed, (name, case.number)
            assert can_see_case(user, case) == allowed
            assert is_on_case(user.organisation, case) == allowed
            assert can_manage_measures(user, case) == allowed
            assert can_assess(user, case) == (allowed and user.organisation.type in ASSESSING_TYPES)
            assert can_read_log(user, case) == (allowed and user.is_supervisor)
            if allowed:
                assert get_case_for(user, case.number).pk == case.pk
            else:
                with pytest.raises(Http404):
                    get_case_for(user, case.number)
            for url in (
                reverse("casefile:detail", args=[case.number]),
                reverse("measures:list", args=[case.number]),
                reverse("assessments:history", args=[case.number]),
            ):
                status = client.get(url).status_code
                assert status in ((200, 403) if allowed else (404,)), (name, url, status)
        client.logout()


def test_a_forged_share_for_a_municipality_opens_nothing(client, municipality_user, cases):
    forged_share, forged_lead = cases[2], cases[3]
    assert not is_on_case(municipality_user.organisation, forged_share)
    assert not is_on_case(municipality_user.organisation, forged_lead)
    testing.login(client, municipality_user)
    for case in (forged_share, forged_lead):
        assert client.get(reverse("casefile:detail", args=[case.number])).status_code in (403, 404)


def test_a_forged_inbox_row_lists_nothing(client, zmi, cases):
    testing.login(client, zmi)
    threat = cases[0]
    response = client.get(reverse("casefile:inbox"))
    assert threat.number not in response.content.decode()
    assert client.get(reverse("casefile:detail", args=[threat.number])).status_code == 404
