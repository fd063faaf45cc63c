"""The operators' account page: create, organisation, supervisor flag, deactivate, reset the second factor —
every change audited, bad input explained, nothing for anyone else."""

import csv
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom import testing
from sikom.accounts.models import OrganisationType, User
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, operator):
    return testing.login(client, operator)


def test_operator_creates_an_account_and_the_person_sets_a_password(
    operator_client, operator, django_capture_on_commit_callbacks
):
    zastex = testing.organisation_of(OrganisationType.ZASTEX)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            reverse("accounts:account_create"),
            {"email": " Neu.Person@Example.org ", "full_name": "Neue Person", "organisation": zastex.pk},
        )
    account = User.objects.get(email="neu.person@example.org")
    assert response["Location"] == reverse("accounts:account_edit", args=[account.pk])
    assert account.organisation == zastex and not account.is_supervisor and account.is_active
    event = AuditEvent.objects.get(action="accounts.user_created")
    assert event.actor == operator and event.object_id == str(account.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["neu.person@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    person = Client()
    form_page = person.get("/" + path, follow=True)
    assert form_page.status_code == 200
    new_password = "ein langes neues Passwort 2026"
    person.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    account.refresh_from_db()
    assert account.check_password(new_password)


def test_an_address_that_has_an_account_is_refused_at_the_field(operator_client, zastex):
    html = operator_client.post(
        reverse("accounts:account_create"), {"email": zastex.email.upper(), "full_name": "Doppelt"}
    ).content.decode()
    assert "Für diese E-Mail-Adresse gibt es bereits ein Konto." in html
    assert User.objects.filter(full_name="Doppelt").count() == 0 and not mail.outbox


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "full_name": "X"}, "Bitte geben Sie die E-Mail-Adresse ein."),
        ({"email": "kaputt", "full_name": "X"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ({"email": "a@example.org", "full_name": ""}, "Bitte geben Sie den Namen ein."),
        ({"email": "a@example.org", "full_name": "X" * 151}, "Der Name ist zu lang"),
        ({"email": "a@example.org", "full_name": "A\x00B"}, "Nullzeichen"),
        ({"email": "a@example.org", "full_name": "X", "organisation": "999999"}, "Diese Auswahl gibt es nicht."),
        ({"email": "a@example.org", "full_name": "X", "organisation": "abc"}, "Diese Auswahl gibt es nicht."),
        ({"email": "a@example.org", "full_name": "X", "is_supervisor": "on"}, "Leitung kann nur sein"),
    ],
)
def test_bad_input_is_explained_and_creates_nothing(operator_client, data, message):
    before = User.objects.count()
    response = operator_client.post(reverse("accounts:account_create"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert User.objects.count() == before and not AuditEvent.objects.filter(action="accounts.user_created").exists()


def test_operator_marks_a_supervisor_who_then_reads_the_case_log(operator_client, operator, pd_dresden):
    case = testing.make_case()  # Polizeidirektion Dresden leads
    handler = testing.login(Client(), pd_dresden)
    log_url = reverse("casefile:log", args=[case.number])
    assert handler.get(log_url).status_code == 404
    response = operator_client.post(
        reverse("accounts:account_edit", args=[pd_dresden.pk]),
        {"full_name": pd_dresden.full_name, "organisation": pd_dresden.organisation_id, "is_supervisor": "on"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="accounts.user_updated")
    assert event.actor == operator and event.data["is_supervisor"] == [False, True]
    response = handler.get(log_url)
    assert response.status_code == 200 and "case.routed" in response.content.decode()


def test_moving_a_person_to_another_organisation_is_audited_with_both_names(operator_client, zastex):
    zmi = testing.organisation_of(OrganisationType.ZMI)
    operator_client.post(
        reverse("accounts:account_edit", args=[zastex.pk]), {"full_name": zastex.full_name, "organisation": zmi.pk}
    )
    zastex.refresh_from_db()
    assert zastex.organisation == zmi
    event = AuditEvent.objects.get(action="accounts.user_updated")
    assert event.data["organisation"] == [testing.organisation_of(OrganisationType.ZASTEX).name, zmi.name]


def test_deactivated_account_loses_its_session_and_cannot_log_in(operator_client, zastex):
    session = testing.login(Client(), zastex)
    url = reverse("accounts:account_set_active", args=[zastex.pk])
    operator_client.post(url, {"aktion": "deaktivieren"})
    zastex.refresh_from_db()
    assert not zastex.is_active
    assert session.get(reverse("portal:my_area"))["Location"].startswith(reverse("accounts:login"))
    html = Client().post(reverse("accounts:login"), {"email": zastex.email, "password": testing.PASSWORD}).content
    assert "E-Mail-Adresse oder Passwort ist nicht richtig." in html.decode()
    operator_client.post(url, {"aktion": "reaktivieren"})
    zastex.refresh_from_db()
    assert zastex.is_active
    actions = list(AuditEvent.objects.filter(object_id=str(zastex.pk)).values_list("action", flat=True))
    assert "accounts.user_deactivated" in actions and "accounts.user_reactivated" in actions


def test_a_forged_action_changes_nothing(operator_client, zastex):
    response = operator_client.post(
        reverse("accounts:account_set_active", args=[zastex.pk]), {"aktion": "<b>kaputt</b>"}, follow=True
    )
    assert "Bitte wählen Sie, ob das Konto deaktiviert" in response.content.decode()
    zastex.refresh_from_db()
    assert zastex.is_active and not AuditEvent.objects.filter(action__startswith="accounts.user_").exists()


def test_operator_cannot_deactivate_their_own_account(operator_client, operator):
    response = operator_client.post(
        reverse("accounts:account_set_active", args=[operator.pk]), {"aktion": "deaktivieren"}, follow=True
    )
    assert "Ihr eigenes Konto können Sie nicht deaktivieren." in response.content.decode()
    operator.refresh_from_db()
    assert operator.is_active


def test_reset_second_factor_makes_the_person_enrol_again(operator_client, zastex):
    session = testing.login(Client(), zastex)
    operator_client.post(reverse("accounts:account_reset_second_factor", args=[zastex.pk]))
    assert not TOTPDevice.objects.filter(user=zastex).exists()
    assert session.get(reverse("casefile:inbox"))["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert AuditEvent.objects.filter(action="accounts.user_second_factor_reset", object_id=str(zastex.pk)).exists()


def test_list_searches_filters_and_exports(operator_client, zastex, zmi, pd_dresden):
    pd_dresden.is_supervisor = True
    pd_dresden.save()
    html = operator_client.get(reverse("accounts:account_list"), {"q": zastex.email}).content.decode()
    assert zastex.email in html and zmi.email not in html
    html = operator_client.get(reverse("accounts:account_list"), {"leitung": "ja"}).content.decode()
    assert pd_dresden.email in html and zastex.email not in html
    response = operator_client.get(reverse("accounts:account_export"), {"leitung": "ja"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Name", "E-Mail-Adresse", "Organisation", "Leitung"]
    assert [row[1] for row in rows[1:]] == [pd_dresden.email]
    assert AuditEvent.objects.filter(action="accounts.users_exported").exists()


def test_export_defuses_spreadsheet_formulas(operator_client):
    testing.make_user(full_name='=HYPERLINK("http://evil.example")')
    response = operator_client.get(reverse("accounts:account_export"), {"q": "HYPERLINK"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0].startswith("'=")


def test_forged_filters_are_explained_not_failed(operator_client):
    response = operator_client.get(
        reverse("accounts:account_list"), {"organisation": "x", "status": "<b>", "seite": "abc", "q": "a\x00"}
    )
    assert response.status_code == 200 and "Diese Auswahl gibt es nicht." in response.content.decode()


def test_list_needs_a_constant_number_of_queries(operator_client, django_assert_max_num_queries):
    for _ in range(30):
        testing.make_user(organisation=testing.organisation_of(OrganisationType.ZMI))
    with django_assert_max_num_queries(12):
        operator_client.get(reverse("accounts:account_list"))


def test_navigation_offers_the_page_to_operators_only(operator_client, zastex):
    assert "Benutzerkonten" in operator_client.get(reverse("portal:my_area")).content.decode()
    assert "Benutzerkonten" not in testing.login(Client(), zastex).get(reverse("portal:my_area")).content.decode()
