"""The pages as people use them: apply with the form (formsets, no JavaScript), refusals at the field, staff steps."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sikom import testing
from sikom.funding import services
from sikom.funding.models import Application, Call, Commitment, Status
from sikom.funding.tests.factories import TODAY, YEAR, fields, make_call, plan, reviewed, reviewer

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def call():
    return make_call(attachments=1)


def _management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "40",
    }


def form_data(call: Call, *, requested="9.000,00", own="1.000,00", costs="10.000,00", category=None, **extra):
    category = category or call.categories.get(name="Honorare").pk
    data = {
        "applicant": "Stadt Pirna",
        "title": "Sicher im Quartier",
        "starts_on": f"{YEAR}-01-01",
        "ends_on": f"{YEAR}-12-31",
        "target_groups": "Bewohner",
        **{f"step_{n}": f"Schritt {n}" for n in range(1, 6)},
        "requested": requested,
        "consultation_date": "01.07.2026",
        "consultation_topic": "Förderberatung",
        "declaration_truthful": "on",
        "declaration_not_started": "on",
        **_management("kosten", 1),
        "kosten-0-category": str(category),
        "kosten-0-year": str(YEAR),
        "kosten-0-description": "Honorare Trainer",
        "kosten-0-amount": costs,
        **_management("eigen", 1),
        "eigen-0-kind": "money",
        "eigen-0-description": "Haushalt",
        "eigen-0-amount": own,
        **_management("dritte", 0),
    }
    return data | extra


def _with_file(call, data):
    required = call.required_attachments.get()
    return data | {f"attachment_{required.pk}": SimpleUploadedFile("skizze.pdf", PDF, content_type="application/pdf")}


def test_a_municipality_is_refused_for_a_share_above_the_rate_fixes_it_and_submits(client, call, municipality_user):
    testing.login(client, municipality_user)
    url = reverse("funding:apply", args=[call.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, _with_file(call, form_data(call, requested="9.500,00", own="500,00") | {"einreichen": "1"})
    )
    assert response.status_code == 200
    assert "Regel »Höchster Fördersatz«" in response.content.decode()
    assert "Regel »Mindest-Eigenanteil«" in response.content.decode()
    assert not Application.objects.exists()
    response = client.post(url, _with_file(call, form_data(call) | {"einreichen": "1"}))
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "funding:application_detail", args=[application.pk]
    )
    assert application.status == Status.SUBMITTED and application.number == f"KP-{YEAR}-0001"
    assert application.requested == Decimal("9000.00")
    receipt = client.get(reverse("funding:receipt", args=[application.pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"


def test_a_draft_is_saved_without_the_whole_plan(client, call, municipality_user):
    testing.login(client, municipality_user)
    response = client.post(
        reverse("funding:apply", args=[call.pk]), form_data(call, requested="") | {"entwurf": "1", "step_1": ""}
    )
    application = Application.objects.get()
    assert response.status_code == 302 and application.status == Status.DRAFT
    page = client.get(reverse("funding:application_detail", args=[application.pk])).content.decode()
    assert "Ausgeglichener Finanzierungsplan" in page and "Problembeschreibung" in page
    edit = client.get(reverse("funding:application_edit", args=[application.pk]))
    assert "10.000,00" in edit.content.decode()


@pytest.mark.parametrize(
    ("override", "field_message"),
    [
        ({"kosten-0-amount": "1,234"}, "zwei Nachkommastellen"),
        ({"kosten-0-amount": "-5"}, "negativen Betrag"),
        ({"requested": "9000,001"}, "zwei Nachkommastellen"),
        ({"kosten-0-amount": "1" * 40}, "Betrag"),
        ({"kosten-0-category": "999999"}, "Auswahl gibt es nicht"),
        ({"kosten-0-category": "abc"}, "Auswahl gibt es nicht"),
        ({"kosten-0-year": "20x7"}, "vier Ziffern"),
        ({"starts_on": "31.02.2027"}, "gültiges Datum"),
        ({"kosten-TOTAL_FORMS": "100000"}, "Bitte"),
        ({"eigen-0-kind": "gold"}, "Auswahl gibt es nicht"),
        ({"eigen-0-amount": "\x00"}, "Betrag"),
    ],
)
def test_hostile_values_are_refused_at_the_field_and_nothing_is_saved(
    client, call, municipality_user, override, field_message
):
    testing.login(client, municipality_user)
    response = client.post(reverse("funding:apply", args=[call.pk]), form_data(call, **override) | {"entwurf": "1"})
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Application.objects.exists()


def test_a_category_of_another_call_is_refused(client, call, municipality_user):
    other = make_call()
    testing.login(client, municipality_user)
    data = form_data(call, category=other.categories.first().pk) | {"entwurf": "1"}
    response = client.post(reverse("funding:apply", args=[call.pk]), data)
    assert response.status_code == 200 and not Application.objects.exists()


def test_ineligible_investment_is_refused_at_the_line(client, call, municipality_user):
    testing.login(client, municipality_user)
    data = form_data(call, category=call.categories.get(name="Investitionen").pk) | {"entwurf": "1"}
    response = client.post(reverse("funding:apply", args=[call.pk]), data)
    assert "Regel »Förderfähige Kosten«" in response.content.decode()
    assert not Application.objects.exists()


def test_a_file_that_is_no_pdf_is_refused(client, call, municipality_user):
    testing.login(client, municipality_user)
    required = call.required_attachments.get()
    data = form_data(call) | {
        "einreichen": "1",
        f"attachment_{required.pk}": SimpleUploadedFile("x.pdf", b"MZ\x90\x00evil", content_type="application/pdf"),
    }
    response = client.post(reverse("funding:apply", args=[call.pk]), data)
    assert "Format, das wir nicht annehmen" in response.content.decode()
    assert not Application.objects.exists()


def test_missing_attachment_is_named_at_its_field(client, call, municipality_user):
    testing.login(client, municipality_user)
    response = client.post(reverse("funding:apply", args=[call.pk]), form_data(call) | {"einreichen": "1"})
    assert "Regel »Pflichtanlagen«: Die Anlage »Anlage 1« fehlt." in response.content.decode()


def test_missing_csrf_is_refused(call, municipality_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    testing.login(client, municipality_user)
    response = client.post(reverse("funding:apply", args=[call.pk]), form_data(call) | {"entwurf": "1"})
    assert response.status_code == 403 and not Application.objects.exists()


def test_staff_review_query_answer_and_four_eyes_decision(client, call, asskomm, municipality_user):
    application = services.save_application(
        by=municipality_user,
        call=call,
        municipality=municipality_user.organisation.municipality,
        fields=fields(call),
        plan=plan(call),
    )
    required = call.required_attachments.get()
    services.save_application(
        by=municipality_user,
        call=call,
        municipality=application.municipality,
        fields=fields(call),
        plan=plan(call),
        uploads={required.pk: SimpleUploadedFile("s.pdf", PDF)},
        application=application,
    )
    services.submit(application=application, by=municipality_user, today=TODAY)
    testing.login(client, asskomm)
    detail = reverse("funding:application_detail", args=[application.pk])
    client.post(reverse("funding:start_review", args=[application.pk]))
    criteria = list(call.criteria.all())
    client.post(reverse("funding:review", args=[application.pk]), {f"criterion_{c.pk}": "4" for c in criteria})
    response = client.post(
        reverse("funding:ask", args=[application.pk]), {"text": "Bitte Zeitplan ergänzen", "deadline": "2026-10-01"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.QUERIES
    testing.login(client, municipality_user)
    data = form_data(call, step_5="Zeitplan: Januar bis Dezember") | {"zurueck": "1"}
    assert client.post(reverse("funding:application_edit", args=[application.pk]), data).status_code == 302
    assert client.post(reverse("funding:answer", args=[application.pk]), {"answer": "Ergänzt"}).status_code == 302
    testing.login(client, asskomm)
    page = client.get(detail).content.decode()
    assert "Zeitplan: Januar bis Dezember" in page and "<del>" in page
    response = client.post(
        reverse("funding:decide", args=[application.pk]), {"outcome": "partly_approved", "amount": "8.000,00"}
    )
    assert "Vier-Augen" in response.content.decode()
    second = reviewer()
    testing.login(client, second)
    response = client.post(
        reverse("funding:decide", args=[application.pk]),
        {"outcome": "partly_approved", "amount": "8.000,00", "conditions": "Bericht"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PARTLY_APPROVED and application.granted == Decimal("8000.00")
    assert Commitment.objects.get(application=application).amount == Decimal("8000.00")
    letter = client.get(reverse("funding:letter", args=[application.pk]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    budget = client.get(reverse("funding:budget", args=[call.pk])).content.decode()
    assert "8.000,00" in budget


def test_payment_request_pay_and_export(client, asskomm, municipality_user):
    call = make_call()
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("9000.00"))
    testing.login(client, municipality_user)
    url = reverse("funding:payment_request", args=[application.pk])
    client.post(url, {"year": YEAR, "amount": "9.000,01", "expenditure": "Honorare"})
    assert not application.payments.exists()
    client.post(url, {"year": YEAR, "amount": "3.000,00", "expenditure": "Honorare"})
    payment = application.payments.get()
    testing.login(client, asskomm)
    client.post(reverse("funding:pay", args=[application.pk, payment.pk]))
    payment.refresh_from_db()
    assert payment.status == "paid"
    export = client.get(reverse("funding:payment_export", args=[call.pk]) + "?format=csv")
    assert (
        export.status_code == 200
        and "3000,00" in b"".join(export.streaming_content if export.streaming else [export.content]).decode()
    )
    assert client.get(reverse("funding:payment_export", args=[call.pk]) + "?format=xlsx").status_code == 200


def test_public_pages(client, call):
    assert call.title in client.get(reverse("funding:calls")).content.decode()
    assert client.get(reverse("funding:call_detail", args=[call.pk])).status_code == 200
    hidden = make_call(is_published=False, title="Geheim")
    assert client.get(reverse("funding:call_detail", args=[hidden.pk])).status_code == 404
    assert "Geheim" not in client.get(reverse("funding:calls")).content.decode()
    assert client.get(reverse("funding:funded")).status_code == 200


def test_staff_create_a_call_with_its_rules(client, asskomm):
    testing.login(client, asskomm)
    management = {}
    for prefix in ("budgets", "categories", "caps", "attachments", "criteria"):
        management |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    data = {
        "title": "Aufruf 2028",
        "year": "2028",
        "opens_on": "31.08.2027",
        "closes_on": "15.10.2027",
        "period_start": "2028-01-01",
        "period_end": "2028-12-31",
        "max_funding_rate": "90",
        "min_own_share": "10",
        "consultation_required": "on",
        "small_project_threshold": "5.000",
        "in_kind_hourly_rate": "0",
        "deviation_threshold": "20",
        "rules_source": "Richtlinie, Fassung vom …",
        "budgets-0-year": "2028",
        "budgets-0-amount": "1.300.000,00",
        "categories-0-name": "Investitionen",
        "criteria-0-name": "Problembezug",
        "criteria-0-weight": "50",
        "criteria-0-max_points": "5",
        **management,
    }
    response = client.get(reverse("funding:call_create"))
    assert response.status_code == 200
    response = client.post(reverse("funding:call_create"), data)
    assert response.status_code == 302, response.content.decode().split("kern-error")[1:4]
    call = Call.objects.get(title="Aufruf 2028")
    assert call.budgets.get().amount == Decimal("1300000.00")
    assert call.small_project_threshold == Decimal("5000.00")
    bad = client.post(reverse("funding:call_create"), data | {"max_funding_rate": "120", "closes_on": "01.01.2027"})
    assert "0 bis 100" in bad.content.decode() and "liegt vor seinem Beginn" in bad.content.decode()


def test_the_overview_counts_per_year_and_district(client, asskomm, django_assert_max_num_queries):
    call = make_call()
    first = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    services.decide(application=first, by=asskomm, outcome="partly_approved", amount=Decimal("8000.00"))
    second = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    services.decide(application=second, by=asskomm, outcome="rejected", reasons="nein")
    testing.login(client, asskomm)
    response = client.get(reverse("funding:overview"))
    (row,) = response.context["rows"]
    assert (row.applications, row.decided, row.approved, row.approval_rate) == (2, 2, 1, Decimal("50.0"))
    assert row.granted == Decimal("8000.00") and row.requested == Decimal("18000.00")
    assert "8.000,00" in response.content.decode()
    # The map of the latest funding year: the district of both applications in the darkest class, with its count.
    html = response.content.decode()
    assert 'id="karte-antraege"' in html and f"Förderjahr {call.year}" in html
    district = first.municipality.district
    assert re.search(rf'data-kreis="{district.key}"><title>[^<]*: 2</title>', html)
    export = client.get(reverse("funding:overview") + "?format=csv")
    assert "8000,00" in b"".join(export.streaming_content if export.streaming else [export.content]).decode()


def test_the_review_list_ranks_by_score_in_constant_queries(client, asskomm, django_assert_num_queries):
    call = make_call()
    low = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    high = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    criteria = {c.pk: 5 for c in call.criteria.all()}
    services.save_review(application=high, by=reviewer(), scores=criteria, recommendation="")
    high.refresh_from_db()
    assert (high.review_count, high.score) == (2, Decimal("450.00"))
    testing.login(client, asskomm)
    url = reverse("funding:applications") + f"?aufruf={call.pk}&reihenfolge=punkte"
    client.get(url)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert [a.pk for a in response.context["page"]] == [high.pk, low.pk]
    for _ in range(5):
        reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    with django_assert_num_queries(7):
        client.get(url)


def test_a_consultation_record_is_the_proof_of_the_consultation(client, call, municipality_user):
    from sikom.consultations.tests.factories import DRESDEN as DRESDEN_AGS
    from sikom.consultations.tests.factories import make_consultation

    record = make_consultation(day=date(2026, 6, 1))
    foreign = make_consultation(ags=DRESDEN_AGS)
    testing.login(client, municipality_user)
    url = reverse("funding:apply", args=[call.pk])
    assert "01.06.2026" in client.get(url).content.decode()
    data = _with_file(call, form_data(call, consultation_date="", consultation_topic="") | {"einreichen": "1"})
    response = client.post(url, data | {"consultation": str(foreign.pk)})
    assert "Auswahl gibt es nicht" in response.content.decode() and not Application.objects.exists()
    data = _with_file(call, form_data(call, consultation_date="", consultation_topic="") | {"einreichen": "1"})
    response = client.post(url, data)
    assert "Regel »Vorherige Beratung«" in response.content.decode() and not Application.objects.exists()
    data = _with_file(call, form_data(call, consultation_date="", consultation_topic="") | {"einreichen": "1"})
    response = client.post(url, data | {"consultation": str(record.pk)})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.consultation == record and application.status == Status.SUBMITTED


def test_an_approval_with_a_payment_plan_through_the_page(client, asskomm):
    call = make_call()
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    second = reviewer()
    testing.login(client, second)
    url = reverse("funding:decide", args=[application.pk])
    plan = {"raten-TOTAL_FORMS": "2", "raten-INITIAL_FORMS": "0", "raten-0-due_on": f"{YEAR}-03-01",
            "raten-0-amount": "4.000,00", "raten-1-due_on": f"{YEAR}-09-01", "raten-1-amount": "4.000,00"}  # fmt: skip
    response = client.post(url, {"outcome": "partly_approved", "amount": "8.000,01"} | plan)
    assert "zusammen den bewilligten Betrag" in response.content.decode()
    response = client.post(url, {"outcome": "partly_approved", "amount": "8.000,00"} | plan)
    assert response.status_code == 302
    instalment = application.instalments.first()
    testing.login(client, asskomm)
    client.post(reverse("funding:pay_instalment", args=[application.pk, instalment.pk]))
    instalment.refresh_from_db()
    assert instalment.payment.amount == Decimal("4000.00")


def test_the_letter_template_is_filled_safely():
    from sikom.funding.views import fill_letter

    fields = {"titel": "Projekt {betrag}", "betrag": "1.000,00 €"}
    assert fill_letter("Bescheid: {titel}, {betrag}", fields) == "Bescheid: Projekt {betrag}, 1.000,00 €"
    assert fill_letter("{ {unbekannt} {titel.__class__} }", fields) == "{ {unbekannt} {titel.__class__} }"


def test_a_broken_letter_template_still_gives_the_letter(client, asskomm):
    call = make_call(letter_template="Sehr geehrte Damen und Herren { {titel} {0} {betrag!r}")
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    services.decide(application=application, by=asskomm, outcome="rejected", reasons="nein")
    testing.login(client, asskomm)
    response = client.get(reverse("funding:letter", args=[application.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_cost_category_in_use_cannot_be_deleted(client, asskomm):
    call = make_call()
    make_application_for = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    assert make_application_for.cost_lines.exists()
    testing.login(client, asskomm)
    url = reverse("funding:call_edit", args=[call.pk])
    page = client.get(url)
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False or value == "":
                continue
            value = bound.field.prepare_value(value)
            data[bound.html_name] = "on" if value is True else value

    add(page.context["form"])
    for formset, _title in page.context["formsets"]:
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(len(formset.initial_forms))
        for sub in formset.initial_forms:
            add(sub)
    honorare = call.categories.get(name="Honorare")
    index = next(i for i, sub in enumerate(page.context["formsets"][1][0].initial_forms) if sub.instance == honorare)
    data[f"categories-{index}-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "kann nicht gelöscht werden" in response.content.decode()
    assert call.categories.filter(pk=honorare.pk).exists()


def test_a_new_application_starts_from_the_municipalitys_prevention_strategy(client, call, municipality_user):
    """Steps 1–5 of the municipality's coaching towards a strategy fill the project description; edits stay free."""
    from sikom.coaching.models import StrategyStep

    url = reverse("funding:apply", args=[call.pk])
    testing.login(client, municipality_user)
    plain = client.get(url)
    assert not plain.context["form"].initial.get("step_1")
    coaching = testing.make_coaching(municipality_user.organisation.municipality.ags)
    StrategyStep.objects.filter(coaching=coaching, number=1).update(text="Lagebild: Anfeindungen im Ortsrat")
    StrategyStep.objects.filter(coaching=coaching, number=6).update(text="Evaluation (nicht im Antrag)")
    html = client.get(url)
    assert html.context["form"].initial["step_1"] == "Lagebild: Anfeindungen im Ortsrat"
    assert "step_6" not in html.context["form"].initial
    assert "aus der Präventionsstrategie Ihres Coachings übernommen" in html.content.decode()
    assert "Anfeindungen im Ortsrat" in html.content.decode()
