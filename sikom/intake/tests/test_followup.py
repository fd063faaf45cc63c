import re

import pytest
from django.test import Client
from django.urls import reverse

from sikom.cases.models import Case, Message
from sikom.core.models import AuditEvent
from sikom.intake.tests import flows

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client):
    flows.fill_all(client)
    flows.submit(client)
    html = client.get(reverse("intake:confirmation")).content.decode()
    code = re.search(r'id="zugangscode">([\d ]+)<', html).group(1)
    return Case.objects.get(), code


def progress(html) -> list[tuple[str, str]]:
    return re.findall(r'sikom-timeline__step--(\w+)"[^>]*>\s*<span class="sikom-timeline__label">([^<]+)</span>', html)


def login(number, code, client=None):
    client = client or Client()
    return client, client.post(reverse("intake:followup"), {"number": number, "code": code})


def test_reporter_follows_up_with_number_and_code(submitted):
    case, code = submitted
    client, response = login(case.number, code)
    assert response["Location"] == reverse("intake:followup_case", args=[case.number])
    html = client.get(response["Location"]).content.decode()
    assert progress(html) == [
        ("current", "Eingegangen"),
        ("open", "In Bearbeitung"),
        ("open", "Schutzmaßnahmen"),
        ("open", "Abgeschlossen"),
    ]


def test_code_may_be_typed_without_spaces_and_number_in_lower_case(submitted):
    case, code = submitted
    _, response = login(case.number.lower().replace("-", ""), code.replace(" ", ""))
    assert response.status_code == 302


def test_wrong_code_and_unknown_number_get_the_same_answer(submitted):
    case, code = submitted
    wrong = "1" * 20 if code.replace(" ", "") != "1" * 20 else "2" * 20
    _, bad_code = login(case.number, wrong)
    _, unknown = login("SK-2026-999999", wrong)
    message = "Fallnummer oder Zugangscode stimmen nicht."
    assert message in bad_code.content.decode() and message in unknown.content.decode()
    assert AuditEvent.objects.filter(action="report.followup_failed").count() == 2


def test_repeated_failures_lock_the_case_number(submitted):
    case, code = submitted
    client = Client()
    for _ in range(5):
        login(case.number, "9" * 20, client)
    _, response = login(case.number, code, Client())
    assert "Zu viele Fehlversuche" in response.content.decode()


def test_locks_apply_to_numbers_that_do_not_exist(db):
    for _ in range(5):
        login("SK-2026-424242", "9" * 20)
    _, response = login("SK-2026-424242", "9" * 20)
    assert "Zu viele Fehlversuche" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "", "code": ""}, "Bitte geben Sie die Fallnummer ein."),
        ({"number": "ABC", "code": "1" * 20}, "Die Fallnummer hat die Form SK-2026-000123."),
        ({"number": "SK-2026-000001", "code": "12345"}, "Der Zugangscode besteht aus 20 Ziffern."),
    ],
)
def test_malformed_input_is_explained(db, data, message):
    response = Client().post(reverse("intake:followup"), data)
    assert message in response.content.decode()


def test_reporter_reads_handler_messages_but_never_internal_notes(submitted):
    case, code = submitted
    Message.objects.create(case=case, body="Wir haben Ihre Meldung erhalten und melden uns.")
    Message.objects.create(case=case, body="Interne Einschätzung: Täter bekannt", internal=True)
    client, response = login(case.number, code)
    html = client.get(response["Location"]).content.decode()
    assert "Wir haben Ihre Meldung erhalten" in html and "Interne Einschätzung" not in html


def test_reporter_answers_and_it_shows_up_for_the_offices(submitted, django_capture_on_commit_callbacks):
    from django.core import mail

    from sikom import testing
    from sikom.accounts.models import OrganisationType

    testing.make_user(organisation=testing.organisation_of(OrganisationType.ZASTEX))
    case, code = submitted
    client, response = login(case.number, code)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"body": "Heute stand das Auto wieder da."})
    assert response.status_code == 302
    message = Message.objects.get(case=case)
    assert message.from_reporter and not message.internal
    case.refresh_from_db()
    assert case.reporter_activity_at is not None
    assert len(mail.outbox) == 1 and "Auto" not in mail.outbox[0].body


def test_empty_message_is_explained(submitted):
    case, code = submitted
    client, response = login(case.number, code)
    html = client.post(response["Location"], {"body": ""}).content.decode()
    assert "Bitte füllen Sie dieses Feld aus." in html


def test_reporter_adds_evidence_later(submitted):
    case, code = submitted
    client, response = login(case.number, code)
    response = flows.upload(client, ("nachtrag.pdf", flows.PDF), url=response["Location"])
    assert response.status_code == 302
    item = case.report.evidence.get()
    assert item.added_after_submission and item.content_type == "application/pdf"


def test_case_page_of_another_case_is_404_even_after_opening_one(submitted, client):
    case, code = submitted
    other_client = Client()
    flows.fill_all(other_client)
    flows.submit(other_client)
    other = Case.objects.exclude(pk=case.pk).get()
    opened, _ = login(case.number, code)
    assert opened.get(reverse("intake:followup_case", args=[other.number])).status_code == 404


def test_official_claims_an_anonymous_report_for_her_account(submitted, official):
    from sikom import testing

    case, code = submitted
    client = testing.login(Client(), official)
    _, response = login(case.number, code, client)
    html = client.get(response["Location"]).content.decode()
    assert "Meldung meinem Konto zuordnen" in html
    client.post(response["Location"], {"zuordnen": "1"})
    case.report.refresh_from_db()
    assert case.report.reporter_account == official
    html = client.get(reverse("intake:my_reports")).content.decode()
    assert case.number in html and '<td class="kern-table__cell">Eingegangen</td>' in html
    assert AuditEvent.objects.filter(action="report.claimed", actor=official).exists()


def test_reporter_sees_the_progress_in_plain_words_without_internal_details(submitted, zastex, pd_dresden):
    """Contact, danger analysis and a measure move the reporter's progress; level, notes, measure and agencies stay
    internal."""
    from datetime import timedelta

    from django.utils import timezone

    from sikom.cases import services
    from sikom.cases.models import CaseStatus
    from sikom.measures.catalogue import MeasureKind
    from sikom.measures.services import plan_measure

    case, code = submitted
    client, response = login(case.number, code)
    page = response["Location"]
    services.post_handler_message(case=case, by=zastex, body="Wir haben Ihre Meldung gelesen.", internal=False)
    html = client.get(page).content.decode()
    assert progress(html)[:2] == [("done", "Eingegangen"), ("current", "In Bearbeitung")]
    assert "Die zuständige Stelle hat Ihre Meldung geprüft." in html
    # The message names the office that wrote, by the short name the reporter knows it by.
    assert re.search(r'kern-preline--small">ZASTEX · ', html)
    assert "Zuständige Stelle ·" not in html

    services.set_risk_level(case=case, level=4, by=pd_dresden, next_review_on=timezone.localdate() + timedelta(days=7))
    plan_measure(
        case=case,
        kind=MeasureKind.PATROLS,
        responsible=pd_dresden.organisation,
        by=pd_dresden,
        notes="Streife abends",
    )
    html = client.get(page).content.decode()
    assert progress(html)[2] == ("current", "Schutzmaßnahmen")
    assert "Schutzmaßnahmen werden umgesetzt." in html
    for internal in (
        "4 – akut",
        "Gefährdungsstufe",
        "Streife",
        str(MeasureKind.PATROLS.label),
        "Polizeidirektion",
        "Weitergeleitet",
    ):
        assert internal not in html, internal

    services.change_status(case=case, to=CaseStatus.IN_REVIEW, by=pd_dresden)
    services.change_status(case=case, to=CaseStatus.CLOSED, by=pd_dresden, reason="Gefahr laut Vermerk gebannt")
    html = client.get(page).content.decode()
    assert progress(html) == [
        ("done", "Eingegangen"),
        ("done", "In Bearbeitung"),
        ("done", "Schutzmaßnahmen"),
        ("current", "Abgeschlossen"),
    ]
    assert "Vermerk" not in html


def test_a_referral_reads_as_being_worked_on(submitted, pd_dresden):
    from sikom import testing
    from sikom.accounts.models import OrganisationType
    from sikom.cases import services

    case, code = submitted
    services.refer(case=case, to=testing.organisation_of(OrganisationType.ZORA), by=pd_dresden, reason="Anzeige")
    client, response = login(case.number, code)
    html = client.get(response["Location"]).content.decode()
    assert progress(html)[1] == ("current", "In Bearbeitung")
    assert "Die zuständige Stelle prüft Ihre Meldung." in html
    assert "ZORA" not in html and "Weitergeleitet" not in html


def test_evidence_refused_for_csrf_leaves_no_file_and_counts(submitted, evidence_root, settings):
    from sikom.core.models import ThrottleCounter

    case, code = submitted
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("intake:followup"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("intake:followup"), {"number": case.number, "code": code, "csrfmiddlewaretoken": token}
    )
    before = sorted(evidence_root.rglob("*.skf"))
    response = flows.upload(client, ("nachtrag.pdf", flows.PDF), url=response["Location"])
    assert response.status_code == 403
    assert sorted(evidence_root.rglob("*.skf")) == before and case.report.evidence.count() == 0
    assert ThrottleCounter.objects.filter(scope="report_message").exists()
