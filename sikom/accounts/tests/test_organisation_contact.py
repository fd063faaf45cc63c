import pytest
from django.urls import reverse

from sikom import testing
from sikom.accounts.models import Organisation, OrganisationType
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db

VALID = {
    "contact_street": "Musterstraße 1",
    "contact_postcode_city": "01067 Dresden",
    "contact_phone": "+49 351 000-0000",
    "contact_email": "poststelle@example.org",
    "contact_website": "https://example.org",
    "contact_note": "Mo–Fr 8–16 Uhr",
}


def test_police_directorate_fills_in_its_own_contact(client, pd_dresden):
    testing.login(client, pd_dresden)
    url = reverse("accounts:organisation_contact", args=[pd_dresden.organisation_id])
    response = client.post(url, VALID)
    assert response["Location"] == reverse("portal:my_area")
    organisation = Organisation.objects.get(pk=pd_dresden.organisation_id)
    assert organisation.contact_phone == "+49 351 000-0000" and organisation.contact_updated_at
    assert AuditEvent.objects.filter(action="organisation.contact_updated", object_id=str(organisation.pk)).exists()


def test_nobody_edits_another_organisation(client, pd_dresden):
    other = Organisation.objects.get(type=OrganisationType.ZASTEX)
    testing.login(client, pd_dresden)
    assert client.get(reverse("accounts:organisation_contact", args=[other.pk])).status_code == 404
    assert client.post(reverse("accounts:organisation_contact", args=[other.pk]), VALID).status_code == 404


def test_operator_may_edit_any_organisation(client, operator):
    target = Organisation.objects.get(type=OrganisationType.ZORA)
    testing.login(client, operator)
    assert client.get(reverse("accounts:organisation_contact", args=[target.pk])).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_email", "kein-mail", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ("contact_website", "javascript:alert(1)", "Bitte geben Sie eine vollständige Internetadresse ein"),
        ("contact_phone", "<script>", "Bitte geben Sie eine Telefonnummer nur mit Ziffern"),
    ],
)
def test_bad_contact_input_is_explained_and_nothing_saved(client, pd_dresden, field, value, message):
    testing.login(client, pd_dresden)
    url = reverse("accounts:organisation_contact", args=[pd_dresden.organisation_id])
    html = client.post(url, VALID | {field: value}).content.decode()
    assert message in html
    assert Organisation.objects.get(pk=pd_dresden.organisation_id).contact_street == ""
