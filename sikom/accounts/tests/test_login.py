import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom import testing
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def post_login(client, email, password, next_url=""):
    return client.post(reverse("accounts:login"), {"email": email, "password": password, "next": next_url})


def test_official_logs_in_without_second_factor(client, official):
    response = post_login(client, official.email, testing.PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("portal:my_area")
    assert client.get(reverse("portal:my_area")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=official).exists()


def test_staff_is_sent_to_the_second_factor_after_the_password(client, zastex):
    response = post_login(client, zastex.email, testing.PASSWORD)
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_staff_verifies_with_the_current_code(client, zastex):
    post_login(client, zastex.email, testing.PASSWORD)
    response = client.post(reverse("accounts:two_factor_verify"), {"token": testing.current_token(zastex)})
    assert response.status_code == 302
    html = client.get(reverse("portal:my_area")).content.decode()
    assert "in dieser Sitzung bestätigt" in html


def test_wrong_code_is_refused_in_german(client, zastex):
    post_login(client, zastex.email, testing.PASSWORD)
    token = testing.current_token(zastex)
    wrong = f"{(int(token) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_verify"), {"token": wrong})
    assert "Der Code stimmt nicht" in response.content.decode()
    response = client.post(reverse("accounts:two_factor_verify"), {"token": "12ab"})
    assert "Der Code besteht aus sechs Ziffern" in response.content.decode()


def test_unenrolled_staff_must_enrol_before_anything_else(client):
    user = testing.make_user(organisation=testing.municipality_organisation(), enrolled=False)
    response = post_login(client, user.email, testing.PASSWORD)
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "<svg" in page and "Schlüssel zur Eingabe von Hand" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The same pending secret is shown again on reload, so a half-finished enrolment can be completed.
    client.get(reverse("accounts:two_factor_setup"))
    assert TOTPDevice.objects.filter(user=user).count() == 1
    from django_otp.oath import totp

    token = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:two_factor_setup"), {"token": token})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("portal:my_area")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enrolled", actor=user).exists()


def test_enrolment_with_wrong_code_keeps_device_unconfirmed(client):
    user = testing.make_user(organisation=testing.municipality_organisation(), enrolled=False)
    testing.login(client, user, verified=False)
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert "Der Code stimmt nicht" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_wrong_password_gives_one_german_message_for_unknown_and_known_accounts(client, official):
    known = post_login(client, official.email, "falsch").content.decode()
    unknown = post_login(client, "niemand@example.org", "falsch").content.decode()
    assert "E-Mail-Adresse oder Passwort ist nicht richtig." in known
    assert "E-Mail-Adresse oder Passwort ist nicht richtig." in unknown


def test_empty_and_malformed_input_is_explained(client):
    html = post_login(client, "", "").content.decode()
    assert "Bitte geben Sie Ihre E-Mail-Adresse ein." in html and "Bitte geben Sie Ihr Passwort ein." in html
    html = post_login(client, "kein-at-zeichen", "x").content.decode()
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in html


def test_login_is_locked_after_repeated_failures(client, official, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        post_login(client, official.email, "falsch")
    html = post_login(client, official.email, testing.PASSWORD).content.decode()
    assert "Zu viele Fehlversuche" in html
    assert "_auth_user_id" not in client.session


def test_a_lock_does_not_reveal_whether_the_account_exists(client, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        post_login(client, "niemand@example.org", "falsch")
    assert "Zu viele Fehlversuche" in post_login(client, "niemand@example.org", "x").content.decode()


def test_one_client_cannot_try_many_accounts(client, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = 3
    for number in range(3):
        post_login(client, f"versuch{number}@example.org", "falsch")
    assert "Zu viele Fehlversuche" in post_login(client, "neu@example.org", "falsch").content.decode()


def test_next_parameter_cannot_redirect_elsewhere(client, official):
    response = post_login(client, official.email, testing.PASSWORD, next_url="https://evil.example/")
    assert response["Location"] == reverse("portal:my_area")


def test_logout_needs_post_and_ends_the_session(client, official):
    testing.login(client, official)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(client, official):
    response = client.post(reverse("accounts:password_reset"), {"email": official.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/passwort/neu/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "ein-ganz-neues-Passwort-2026"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    official.refresh_from_db()
    assert official.check_password(new)


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "niemand@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_requests_are_rate_limited(client, official):
    for _ in range(5):
        client.post(reverse("accounts:password_reset"), {"email": official.email})
    html = client.post(reverse("accounts:password_reset"), {"email": official.email}).content.decode()
    assert "Zu viele Anfragen" in html
    assert len(mail.outbox) == 5


HOSTILE_NEXT = ["kein-pfad", "abc\x00def", "<script>alert(1)</script>", "//evil.example/", "/\\evil.example/", "/a\nb"]


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_a_next_that_is_no_local_path_falls_back_to_the_home_page(client, official, next_url):
    response = post_login(client, official.email, testing.PASSWORD, next_url)
    assert response.status_code == 302 and response["Location"] == reverse("portal:my_area")


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_second_factor_pages_ignore_a_next_that_is_no_local_path(client, zastex, next_url):
    response = post_login(client, zastex.email, testing.PASSWORD, next_url)
    assert response["Location"] == reverse("accounts:two_factor_verify") + "?next=%2Fmein-bereich%2F"
    assert client.get(reverse("accounts:two_factor_verify"), {"next": next_url}).status_code == 200
    response = client.post(
        reverse("accounts:two_factor_verify"), {"token": testing.current_token(zastex), "next": next_url}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:my_area")
    unenrolled = testing.make_user(organisation=zastex.organisation, enrolled=False)
    client.force_login(unenrolled)
    assert client.get(reverse("accounts:two_factor_setup"), {"next": next_url}).status_code == 200


def test_a_local_next_survives_login_and_second_factor(client, zastex):
    response = post_login(client, zastex.email, testing.PASSWORD, "/faelle/?status=neu&seite=2")
    assert (
        response["Location"] == reverse("accounts:two_factor_verify") + "?next=%2Ffaelle%2F%3Fstatus%3Dneu%26seite%3D2"
    )
    response = client.post(
        response["Location"], {"token": testing.current_token(zastex), "next": "/faelle/?status=neu&seite=2"}
    )
    assert response["Location"] == "/faelle/?status=neu&seite=2"
