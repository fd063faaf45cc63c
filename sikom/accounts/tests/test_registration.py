import re

import pytest
from django.core import mail
from django.urls import reverse

from sikom.accounts.models import User
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Gemeinderätin Beispiel",
    "email": "Raetin@Example.org",
    "password1": "ein-langes-sicheres-Passwort-2026",
    "password2": "ein-langes-sicheres-Passwort-2026",
    "privacy_consent": "on",
}


def test_official_registers_and_activates_by_link(client):
    response = client.post(reverse("accounts:register"), VALID)
    assert response["Location"] == reverse("accounts:register_done")
    user = User.objects.get(email="raetin@example.org")
    assert not user.is_active and user.organisation is None
    link = re.search(r"https?://[^/]+(/konto/aktivieren/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link)
    assert response["Location"] == reverse("intake:my_reports")
    user.refresh_from_db()
    assert user.is_active and not user.must_use_two_factor
    assert client.get(reverse("intake:my_reports")).status_code == 200
    # The link is spent.
    client.logout()
    assert client.get(link).status_code == 400


def test_registering_a_taken_address_reveals_nothing(client, official):
    response = client.post(reverse("accounts:register"), VALID | {"email": official.email})
    assert response["Location"] == reverse("accounts:register_done")
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="auth.registration_for_existing_address").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": ""}, "Bitte geben Sie Ihren Namen ein."),
        ({"email": "kaputt"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ({"password2": "anders-als-das-erste-2026"}, "Die beiden Passwörter stimmen nicht überein."),
        ({"password1": "kurz", "password2": "kurz"}, "zu kurz"),
        ({"privacy_consent": ""}, "Ohne Ihre Einwilligung können wir kein Konto anlegen."),
    ],
)
def test_bad_registration_input_is_explained(client, changes, message):
    html = client.post(reverse("accounts:register"), VALID | changes).content.decode()
    assert message in html
    assert not User.objects.filter(email="raetin@example.org").exists()


def test_forged_activation_links_are_refused(client):
    client.post(reverse("accounts:register"), VALID)
    assert client.get("/konto/aktivieren/Zm9v/falsch-123/").status_code == 400
    assert client.get("/konto/aktivieren/!!!/x/").status_code == 400
    assert not User.objects.get(email="raetin@example.org").is_active


def test_unactivated_account_cannot_log_in(client):
    client.post(reverse("accounts:register"), VALID)
    html = client.post(
        reverse("accounts:login"), {"email": VALID["email"], "password": VALID["password1"]}
    ).content.decode()
    assert "E-Mail-Adresse oder Passwort ist nicht richtig." in html
