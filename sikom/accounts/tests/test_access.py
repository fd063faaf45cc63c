"""Staff pages refuse anonymous visitors, outsiders and staff who have not passed the second factor."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.offers.models import Offer

pytestmark = pytest.mark.django_db


def staff_urls():
    slug = Offer.objects.order_by("pk").first().slug
    return [
        reverse("offers:manage"),
        reverse("offers:create"),
        reverse("offers:edit", args=[slug]),
        reverse("offers:history", args=[slug]),
    ]


def test_anonymous_visitor_is_sent_to_login(client):
    for url in [*staff_urls(), reverse("portal:my_area")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url


def test_outsider_is_refused(client, outsider):
    testing.login(client, outsider)
    for url in staff_urls():
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["municipality_user", "zastex", "zmi", "pd_dresden", "expert_network", "operator"])
def test_other_roles_cannot_manage_offers(client, staff_personas, persona):
    testing.login(client, staff_personas[persona])
    for url in staff_urls():
        assert client.get(url).status_code == 403, (persona, url)


def test_asskomm_staff_without_enrolment_is_sent_to_enrol(client):
    user = testing.make_user(organisation=testing.organisation_of(OrganisationType.ASSKOMM), enrolled=False)
    testing.login(client, user, verified=False)
    for url in staff_urls():
        assert client.get(url)["Location"].startswith(reverse("accounts:two_factor_setup")), url


def test_asskomm_staff_without_code_in_this_session_is_sent_to_verify(client, asskomm):
    testing.login(client, asskomm, verified=False)
    for url in staff_urls():
        assert client.get(url)["Location"].startswith(reverse("accounts:two_factor_verify")), url
    assert client.get(reverse("portal:my_area"))["Location"] == reverse("accounts:two_factor_verify")


def test_verified_asskomm_staff_may_manage_offers(client, asskomm):
    testing.login(client, asskomm)
    for url in staff_urls():
        assert client.get(url).status_code == 200, url


def test_admin_requires_second_factor(client, operator):
    testing.login(client, operator, verified=False)
    assert client.get(reverse("admin:index")).status_code == 302
    testing.login(client, operator)
    assert client.get(reverse("admin:index")).status_code == 200


def test_navigation_shows_work_areas_by_role(client, asskomm, zastex):
    testing.login(client, asskomm)
    assert "Angebote verwalten" in client.get(reverse("portal:home")).content.decode()
    client.logout()
    testing.login(client, zastex)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Angebote verwalten" not in html and "Mein Bereich" in html
