import re

import pytest
from django.core import mail
from django.urls import reverse

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.cases.models import Case
from sikom.core.models import AuditEvent
from sikom.intake.tests import flows
from sikom.reports.models import Evidence, Report, ReportDraft

pytestmark = pytest.mark.django_db


def test_start_page_puts_110_first(client):
    html = client.get(reverse("intake:start")).content.decode()
    main = html.split('<main id="inhalt"', 1)[1]
    assert main.index("110") < main.index("<h1")


def test_anonymous_report_end_to_end(client, django_capture_on_commit_callbacks):
    intake = testing.make_user(organisation=testing.organisation_of(OrganisationType.ZASTEX))
    flows.fill_all(client, files=[("foto.png", flows.PNG), ("brief.pdf", flows.PDF)])
    with django_capture_on_commit_callbacks(execute=True):
        response = flows.submit(client)
    assert response["Location"] == reverse("intake:confirmation")
    html = client.get(response["Location"]).content.decode()
    number = re.search(r"SK-\d{4}-\d{6}", html).group(0)
    code = re.search(r'id="zugangscode">([\d ]+)<', html).group(1)
    assert len(code.replace(" ", "")) == 20
    case = Case.objects.get(number=number)
    report = case.report
    assert report.anonymous and report.contact_email == ""
    assert report.categories == ["threat", "private_sphere"]
    assert report.municipality.ags == "14628270" and report.relatives_affected
    assert report.repetition_count == 3 and report.motives == ["right_wing"]
    assert [item.sha256 for item in report.evidence.all()] == [
        __import__("hashlib").sha256(flows.PNG).hexdigest(),
        __import__("hashlib").sha256(flows.PDF).hexdigest(),
    ]
    assert not ReportDraft.objects.filter(answers__isnull=False).exclude(submitted_case=case).exists()
    # The code is stored only as a keyed hash; it is shown until the reporter confirms noting it, then never again.
    assert code.replace(" ", "") not in report.receipt_hash and report.receipt_hash.startswith("hmac1$")
    assert code in client.get(reverse("intake:confirmation")).content.decode()
    assert client.post(reverse("intake:confirmation"))["Location"] == reverse("intake:confirmation")
    assert "zugangscode" not in client.get(reverse("intake:confirmation")).content.decode()
    assert not ReportDraft.objects.exists()
    # The intake office is told the number and a link, nothing else.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [intake.email]
    assert number in mail.outbox[0].subject and "Männer" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="report.submitted", object_id=str(case.pk)).exists()


def test_answers_survive_going_back(client):
    flows.fill_until_evidence(client)
    html = client.get(flows.step_url("vorfall")).content.decode()
    assert "Drei Männer standen abends" in html and 'value="threat" id="id_categories_1"' in html
    html = client.get(flows.step_url("person")).content.decode()
    assert 'value="Pirna"' in html


def test_back_button_keeps_unfinished_input_without_judging_it(client):
    flows.start(client)
    client.post(flows.step_url("person"), flows.PERSON)
    response = client.post(flows.step_url("vorfall"), {"description": "halb fertig", "zurueck": "1"})
    assert response["Location"] == flows.step_url("person")
    html = client.get(flows.step_url("vorfall")).content.decode()
    assert "halb fertig" in html and 'id="fehler"' not in html


def test_steps_cannot_be_skipped(client):
    flows.start(client)
    response = client.get(flows.step_url("kontakt"))
    assert response["Location"] == flows.step_url("person")


def test_without_draft_the_steps_send_back_to_the_start(client):
    response = client.get(flows.step_url("vorfall"))
    assert response["Location"] == reverse("intake:start")


def test_unknown_step_is_404(client):
    flows.start(client)
    assert client.get("/melden/schritt/gibt-es-nicht/").status_code == 404


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("person", {"affected_role": ""}, "Bitte beantworten Sie diese Frage."),
        ("person", {"affected_role": "kaiser"}, "Bitte wählen Sie eine der angebotenen Antworten aus."),
        ("person", {"municipality": "Atlantis"}, "keine sächsische Gemeinde"),
        ("person", {"municipality": ""}, "Bitte geben Sie die Gemeinde an."),
    ],
)
def test_person_step_bad_input(client, step, data, message):
    flows.start(client)
    response = client.post(flows.step_url(step), flows.PERSON | data)
    assert response.status_code == 200 and message in response.content.decode()
    assert "person" not in ReportDraft.objects.get().answers


def test_ambiguous_municipality_offers_a_choice(client):
    flows.start(client)
    html = client.post(flows.step_url("person"), flows.PERSON | {"municipality": "Pirma"}).content.decode()
    assert "Welche Gemeinde meinen Sie?" in html and 'value="14628270"' in html
    response = client.post(
        flows.step_url("person"), flows.PERSON | {"municipality": "Pirma", "municipality_ags": "14628270"}
    )
    assert response["Location"] == flows.step_url("vorfall")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": []}, "Bitte wählen Sie mindestens eine Antwort aus."),
        ({"occurred_on": "2999-01-01"}, "Das Datum liegt in der Zukunft."),
        ({"occurred_on": "31.02.2026"}, "Bitte geben Sie ein gültiges Datum an"),
        ({"occurred_until": "2000-01-01"}, "Das Ende des Zeitraums liegt vor dem Anfang."),
        ({"occurred_at": "25:99"}, "Bitte geben Sie eine Uhrzeit wie 14:30 an."),
        ({"repetition_count": "viele"}, "Bitte geben Sie eine Zahl ein."),
        ({"motives": ["none", "right_wing"]}, "passt nicht zusammen"),
        ({"description": "x" * 100_000}, "höchstens 20000 Zeichen"),
        ({"place": "mars"}, "Bitte wählen Sie eine der angebotenen Antworten aus."),
    ],
)
def test_incident_step_bad_input(client, data, message):
    flows.start(client)
    client.post(flows.step_url("person"), flows.PERSON)
    response = client.post(flows.step_url("vorfall"), flows.INCIDENT | {"occurred_on": flows.yesterday()} | data)
    html = response.content.decode()
    assert response.status_code == 200 and message.replace("20000", "20.000") in html.replace("20000", "20.000")
    assert "incident" not in ReportDraft.objects.get().answers


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"form-0-url": "keine adresse"}, "Bitte geben Sie eine vollständige Internetadresse ein"),
        ({"form-0-url": "javascript:alert(1)"}, "Bitte geben Sie eine vollständige Internetadresse ein"),
        ({"form-0-url": "ftp://example.org/x"}, "beginnend mit https://"),
        ({"form-0-platform": "X"}, "Bitte geben Sie die Adresse des Beitrags an."),
        (
            {"form-0-url": "https://x.example/1", "form-0-posted_at": "2999-01-01T10:00"},
            "Der Zeitpunkt liegt in der Zukunft.",
        ),
    ],
)
def test_online_step_bad_input(client, data, message):
    flows.start(client)
    client.post(flows.step_url("person"), flows.PERSON)
    client.post(flows.step_url("vorfall"), flows.INCIDENT | {"occurred_on": flows.yesterday()})
    response = client.post(flows.step_url("online"), flows.ONLINE_EMPTY | data)
    assert response.status_code == 200 and message in response.content.decode()


def test_online_entries_are_stored_encrypted(client):
    online = flows.ONLINE_EMPTY | {
        "form-0-url": "https://social.example/post/42",
        "form-0-platform": "Beispielnetz",
        "form-0-profile_name": "hetzer_99",
        "form-0-posted_at": "2026-11-01T10:00",
    }
    flows.fill_all(client, online=online)
    flows.submit(client)
    content = Report.objects.get().online_contents.get()
    assert content.url == "https://social.example/post/42" and content.profile_name == "hetzer_99"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT url, profile_name FROM reports_onlinecontent")
        raw = cursor.fetchone()
    assert "social.example" not in raw[0] and "hetzer" not in raw[1]


def test_add_row_keeps_what_was_typed(client):
    flows.fill_until_evidence(client)
    data = flows.ONLINE_EMPTY | {"form-0-url": "https://a.example/1", "zeile": "1"}
    html = client.post(flows.step_url("online"), data).content.decode()
    assert 'value="https://a.example/1"' in html and 'name="form-1-url"' in html and "Bitte prüfen" not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"anonymous": "false"}, "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an."),
        ({"anonymous": "false", "contact_email": "kaputt", "contact_preference": "email"}, "gültige E-Mail-Adresse"),
        (
            {"anonymous": "false", "contact_phone": "ruf mich an", "contact_preference": "phone"},
            "Telefonnummer nur mit Ziffern",
        ),
        ({"privacy_consent": ""}, "Ohne Ihre Einwilligung können wir die Meldung nicht annehmen."),
        ({"complaint_wish": ""}, "Bitte beantworten Sie diese Frage."),
        ({"learned_on": "2999-01-01"}, "Das Datum liegt in der Zukunft."),
    ],
)
def test_contact_step_bad_input(client, data, message):
    flows.fill_until_evidence(client)
    client.post(flows.step_url("beweismittel"), {"aktion": "weiter"})
    response = client.post(flows.step_url("kontakt"), flows.CONTACT_ANONYMOUS | data)
    assert response.status_code == 200 and message in response.content.decode()


def test_contact_details_are_stored_encrypted(client):
    contact = {
        "anonymous": "false",
        "contact_name": "Erika Mustermann",
        "contact_email": "erika@example.org",
        "contact_phone": "+49 351 1234567",
        "contact_preference": "phone",
    }
    flows.fill_all(client, contact=contact)
    flows.submit(client)
    report = Report.objects.get()
    assert report.contact_name == "Erika Mustermann" and not report.anonymous
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name, contact_email, contact_phone, description FROM reports_report")
        row = " ".join(cursor.fetchone())
    assert "Erika" not in row and "example.org" not in row and "1234567" not in row and "Männer" not in row


def test_complaint_deadline_for_insults(client):
    flows.fill_all(
        client,
        incident={"categories": ["insult"], "perpetrator": "known"},
        contact={"learned_on": "2026-08-31"},
    )
    flows.submit(client)
    report = Report.objects.get()
    assert str(report.complaint_deadline) == "2026-11-30"
    html = client.get(reverse("intake:followup_case", args=[report.case.number])).content.decode()
    assert "30.11.2026" in html and "§ 77b StGB" in html


def test_markup_in_every_text_is_rendered_escaped(client):
    script = '<script>alert("x")</script>'
    flows.fill_all(
        client,
        incident={"description": script},
        contact={
            "anonymous": "false",
            "contact_name": script,
            "contact_email": "a@example.org",
            "contact_preference": "email",
        },
        online=flows.ONLINE_EMPTY
        | {"form-0-url": "https://x.example/a", "form-0-platform": script, "form-0-profile_name": script},
    )
    html = client.get(flows.step_url("pruefen")).content.decode()
    assert script not in html and "&lt;script&gt;" in html


def test_double_submit_creates_one_case(client):
    flows.fill_all(client)
    first = flows.submit(client)
    second = flows.submit(client)
    assert first["Location"] == second["Location"] == reverse("intake:confirmation")
    assert Case.objects.count() == 1


def test_no_ip_address_or_user_agent_is_stored(client):
    flows.fill_all(client, files=[("foto.png", flows.PNG)])
    client.post(
        reverse("intake:submit"),
        {"receipt_sections": ["incident"]},
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="Sonderbrowser/9.9",
    )
    from django.core import serializers

    dump = serializers.serialize(
        "json", [*Report.objects.all(), *Case.objects.all(), *Evidence.objects.all(), *AuditEvent.objects.all()]
    )
    assert "198.51.100.23" not in dump and "Sonderbrowser" not in dump


def test_receipt_pdf_lists_evidence_hashes_and_only_chosen_sections(client):
    import hashlib
    import io

    from pypdf import PdfReader

    flows.fill_all(
        client,
        files=[("foto.png", flows.PNG)],
        contact={
            "anonymous": "false",
            "contact_name": "Erika Geheim",
            "contact_email": "e@example.org",
            "contact_preference": "email",
        },
    )
    flows.submit(client, sections=["incident"])
    case = Case.objects.get()
    response = client.get(reverse("intake:receipt_pdf", args=[case.number]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).replace("\n", "")
    assert case.number in text and hashlib.sha256(flows.PNG).hexdigest() in text.replace(" ", "")
    assert "Drohungen" in text.replace("\n", " ") or "Drei" in text
    assert "Erika Geheim" not in text


def test_receipt_pdf_of_someone_elses_case_is_404(client, django_user_model):
    flows.fill_all(client)
    flows.submit(client)
    number = Case.objects.get().number
    from django.test import Client

    assert Client().get(reverse("intake:receipt_pdf", args=[number])).status_code == 404
    assert Client().get(reverse("intake:followup_case", args=[number])).status_code == 404


def test_logged_in_official_sees_the_report_in_her_list(client, official):
    testing.login(client, official)
    flows.fill_all(client)
    flows.submit(client)
    html = client.get(reverse("intake:my_reports")).content.decode()
    assert Case.objects.get().number in html
    assert Report.objects.get().reporter_account == official


def test_public_endpoints_are_rate_limited(client, settings):
    settings.RATE_LIMITS_PER_HOUR = settings.RATE_LIMITS_PER_HOUR | {"report_draft": 2}
    assert flows.start(client).status_code == 302
    client.post(reverse("intake:start"), {"neu": "1"})
    response = client.post(reverse("intake:start"), {"neu": "1"})
    assert response.status_code == 429 and "Zu viele Anfragen" in response.content.decode()
    # The counter spans the current and the previous hour: the page must not promise one hour.
    assert "bis zu 2 Stunden" in response.content.decode()


@pytest.mark.parametrize("total", ["abc", "1.5e3", "NaN", "", "-1"])
def test_a_forged_row_count_is_explained(client, total):
    flows.fill_until_evidence(client)
    client.get(flows.step_url("online"))
    data = flows.ONLINE_EMPTY | {"form-TOTAL_FORMS": total, "zeile": "1"}
    response = client.post(flows.step_url("online"), data)
    assert response.status_code == 200
    if total != "-1":
        assert "Das Formular ist unvollständig angekommen." in response.content.decode()
