import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.accounts import reauth
from sikom.accounts.models import Organisation, OrganisationType
from sikom.cases.models import Case, CaseStatus, Message
from sikom.core.models import AuditEvent
from sikom.intake.tests import flows

pytestmark = pytest.mark.django_db


def detail(client, case):
    return client.get(reverse("casefile:detail", args=[case.number]))


def test_case_page_shows_the_facts_and_is_audited(client, pd_dresden):
    case = testing.make_case(description="Ein Mann stand mit Fackel vor dem Haus.")
    testing.login(client, pd_dresden)
    html = detail(client, case).content.decode()
    assert "Ein Mann stand mit Fackel vor dem Haus." in html and "Polizeidirektion Dresden" in html
    assert AuditEvent.objects.filter(action="case.viewed", actor=pd_dresden, object_id=str(case.pk)).exists()


def test_handler_message_reaches_the_reporter_but_notes_do_not(client, pd_dresden, django_capture_on_commit_callbacks):
    reporter = Client()
    flows.fill_all(
        reporter,
        contact={
            "anonymous": "false",
            "contact_name": "R",
            "contact_email": "r@example.org",
            "contact_preference": "email",
        },
    )
    flows.submit(reporter)
    case = Case.objects.get()
    testing.login(client, pd_dresden)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("casefile:message", args=[case.number]), {"body": "Wir rufen Sie heute an.", "internal": "false"}
        )
        client.post(
            reverse("casefile:message", args=[case.number]), {"body": "Täter vermutlich bekannt.", "internal": "true"}
        )
    html = reporter.get(reverse("intake:followup_case", args=[case.number])).content.decode()
    assert "Wir rufen Sie heute an." in html and "Täter vermutlich bekannt." not in html
    # The reporter is told by e-mail that there is news, without the news.
    assert [m.to for m in mail.outbox] == [["r@example.org"]]
    assert "Wir rufen" not in mail.outbox[0].body
    case.refresh_from_db()
    assert case.first_contact_at is not None


def test_reporter_news_stands_out_in_the_inbox_until_the_lead_opens_the_case(client, pd_dresden):
    from sikom.cases.services import post_reporter_message

    case = testing.make_case()
    post_reporter_message(case=case, body="Es ist wieder passiert.")
    testing.login(client, pd_dresden)
    assert "neu von der meldenden Person" in client.get(reverse("casefile:inbox")).content.decode()
    detail(client, case)
    assert "neu von der meldenden Person" not in client.get(reverse("casefile:inbox")).content.decode()


def test_status_change_through_the_page(client, pd_dresden):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    response = client.post(reverse("casefile:status", args=[case.number]), {"to": "in_review"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_REVIEW


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to": "closed", "reason": ""}, "Bitte geben Sie eine Begründung an."),
        ({"to": "measures_active"}, "Diese Auswahl gibt es nicht."),
        ({"to": "erfunden"}, "Diese Auswahl gibt es nicht."),
        ({}, "Bitte wählen Sie einen Status."),
    ],
)
def test_illegal_or_incomplete_status_changes_are_explained(client, pd_dresden, data, message):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    response = client.post(reverse("casefile:status", args=[case.number]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RECEIVED


def test_case_forms_preselect_nothing_and_ask_to_choose(client, pd_dresden):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    html = detail(client, case).content.decode()
    assert "---------" not in html
    status_select = html[html.index('id="status_to"') : html.index("</select>", html.index('id="status_to"'))]
    assert '<option value="" selected>Bitte auswählen</option>' in status_select
    assert status_select.count("selected") == 1
    assert html.count('<option value="" selected>Bitte auswählen</option>') == 3  # status, referral, share


def test_error_summary_reads_as_a_sentence(client, pd_dresden):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    html = client.post(reverse("casefile:status", args=[case.number]), {}).content.decode()
    assert "Neuer Status: Bitte wählen Sie einen Status." in html


def test_shared_agency_cannot_move_the_case(client, zastex):
    case = testing.make_case()
    testing.login(client, zastex)
    response = client.post(reverse("casefile:status", args=[case.number]), {"to": "in_review"})
    assert response.status_code == 400 and "nur die federführende Stelle" in response.content.decode()


def test_refer_to_zora_and_forged_organisation_ids(client, pd_dresden):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    response = client.post(reverse("casefile:refer", args=[case.number]), {"organisation": "999999", "reason": "x"})
    assert response.status_code == 400 and "Diese Auswahl gibt es nicht." in response.content.decode()
    municipality = testing.municipality_organisation()
    response = client.post(
        reverse("casefile:refer", args=[case.number]), {"organisation": municipality.pk, "reason": "x"}
    )
    assert response.status_code == 400
    zora = Organisation.objects.get(type=OrganisationType.ZORA)
    response = client.post(
        reverse("casefile:refer", args=[case.number]), {"organisation": zora.pk, "reason": "Strafverfolgung"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead == zora and case.status == CaseStatus.REFERRED


@pytest.mark.parametrize(
    "backend", ["sikom.core.storage.PrivateFileSystemStorage", "django.core.files.storage.InMemoryStorage"]
)
def test_evidence_download_after_reauthentication(client, pd_dresden, settings, tmp_path, backend):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.STORAGES = {**settings.STORAGES, "evidence": {"BACKEND": backend}}  # downloads go through storage.open
    reporter = Client()
    flows.fill_all(reporter, files=[("foto.png", flows.PNG)])
    flows.submit(reporter)
    case = Case.objects.get()
    item = case.report.evidence.get()
    testing.login(client, pd_dresden)
    url = reverse("casefile:evidence", args=[case.number, item.pk])
    response = client.get(url)
    assert response["Location"].startswith(reverse("casefile:reauth"))
    html = client.post(reverse("casefile:reauth"), {"secret": "falsch", "next": url}).content.decode()
    assert "weder Ihr Passwort noch ein gültiger Code" in html
    response = client.post(reverse("casefile:reauth"), {"secret": testing.PASSWORD, "next": url})
    assert response["Location"] == url
    response = client.get(url)
    assert b"".join(response.streaming_content) == flows.PNG
    assert response["Content-Type"] == "image/png" and "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="case.evidence_downloaded", actor=pd_dresden).exists()


@pytest.mark.parametrize("next_url", ["kein-pfad", "abc\x00def", "<b>fett</b>", "//evil.example/"])
def test_reauthentication_ignores_a_next_that_is_no_local_path(client, pd_dresden, next_url):
    testing.login(client, pd_dresden)
    assert client.get(reverse("casefile:reauth"), {"next": next_url}).status_code == 200
    response = client.post(reverse("casefile:reauth"), {"secret": testing.PASSWORD, "next": next_url})
    assert response.status_code == 302 and response["Location"] == reverse("casefile:inbox")


def test_reauthentication_accepts_a_fresh_totp_code(client, pd_dresden):
    testing.login(client, pd_dresden)
    client.post(reverse("casefile:reauth"), {"secret": testing.current_token(pd_dresden)})
    assert time.time() - client.session[reauth.SESSION_KEY] < 5


def test_reauthentication_locks_after_repeated_failures_with_a_message_at_the_field(client, pd_dresden, settings):
    testing.login(client, pd_dresden)
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        client.post(reverse("casefile:reauth"), {"secret": "falsch"})
    response = client.post(reverse("casefile:reauth"), {"secret": testing.PASSWORD})
    assert response.status_code == 200 and reauth.SESSION_KEY not in client.session
    error = re.search(r'id="id_secret_error".*?</p>', response.content.decode(), re.S).group(0)
    assert "Zu viele Fehlversuche. Bitte warten Sie bis zu 30 Minuten" in error  # at the field, as login's lock


def test_supervisor_reads_the_case_log_others_do_not(client, pd_dresden):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    assert client.get(reverse("casefile:log", args=[case.number])).status_code == 404
    pd_dresden.is_supervisor = True
    pd_dresden.save()
    html = client.get(reverse("casefile:log", args=[case.number])).content.decode()
    assert "case.routed" in html


def test_message_bad_input(client, pd_dresden):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    html = client.post(
        reverse("casefile:message", args=[case.number]), {"body": "", "internal": "true"}
    ).content.decode()
    assert "Bitte schreiben Sie einen Text." in html
    assert not Message.objects.exists()


@pytest.mark.parametrize("number", ["a\x00b", "SK-2026-00000\x001", "kein-fall", "x" * 3000])
def test_a_number_no_case_can_have_is_404_on_every_database(client, pd_dresden, number):
    testing.login(client, pd_dresden)
    assert client.get(reverse("casefile:detail", args=[number])).status_code == 404
