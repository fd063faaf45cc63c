"""Hostile values on the staff and applicant steps: a German message, nothing saved, never a 500."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sikom import testing
from sikom.funding import services
from sikom.funding.models import Call, Commitment, ProofOfUse, Status
from sikom.funding.tests.factories import YEAR, in_review, make_call, reviewed, reviewer

pytestmark = pytest.mark.django_db

HOSTILE = ["", "x" * 20_000, "a\x00b", "1e9", "-5", "9" * 40, "<script>", "1,234", "NaN", "1.2.3"]


@pytest.fixture
def call():
    return make_call()


@pytest.mark.parametrize("value", HOSTILE)
def test_decision_refuses_hostile_amounts(client, call, asskomm, value):
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    testing.login(client, asskomm)
    response = client.post(
        reverse("funding:decide", args=[application.pk]), {"outcome": "partly_approved", "amount": value}
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and not Commitment.objects.exists()


@pytest.mark.parametrize("outcome", ["", "hacked", "draft", "withdrawn", "x" * 500])
def test_decision_refuses_forged_outcomes(client, call, asskomm, outcome):
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    testing.login(client, asskomm)
    response = client.post(reverse("funding:decide", args=[application.pk]), {"outcome": outcome, "amount": "1,00"})
    assert response.status_code == 200 and "Eintrag" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


@pytest.mark.parametrize("points", ["6", "-1", "abc", "", "99999999999999999999"])
def test_review_refuses_forged_points(client, call, asskomm, points):
    application = in_review(call, by=asskomm)
    testing.login(client, asskomm)
    data = {f"criterion_{c.pk}": points for c in call.criteria.all()} | {"criterion_999999": "5"}
    response = client.post(reverse("funding:review", args=[application.pk]), data)
    assert response.status_code == 302
    assert not application.reviews.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"year": "abc", "amount": "100,00", "expenditure": "x"},
        {"year": str(YEAR), "amount": "9" * 40, "expenditure": "x"},
        {"year": str(YEAR), "amount": "-100", "expenditure": "x"},
        {"year": str(YEAR), "amount": "100,001", "expenditure": "x"},
        {"year": str(YEAR + 5), "amount": "100,00", "expenditure": "x"},
        {"year": str(YEAR), "amount": "100,00", "expenditure": ""},
    ],
)
def test_payment_requests_refuse_hostile_values(client, call, asskomm, municipality_user, data):
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("9000.00"))
    testing.login(client, municipality_user)
    response = client.post(reverse("funding:payment_request", args=[application.pk]), data)
    assert response.status_code == 302 and not application.payments.exists()


@pytest.mark.parametrize("deadline", ["31.02.2026", "gestern", "2000-01-01", "x" * 3000])
def test_queries_refuse_bad_deadlines(client, call, asskomm, deadline):
    application = in_review(call, by=asskomm)
    testing.login(client, asskomm)
    client.post(reverse("funding:ask", args=[application.pk]), {"text": "Frage", "deadline": deadline})
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and not application.queries.exists()


def test_call_form_refuses_duplicate_budget_years_and_hostile_values(client, asskomm):
    testing.login(client, asskomm)
    data = {
        "title": "x" * 300,
        "year": "20x8",
        "opens_on": "31.02.2027",
        "closes_on": "2027-10-15",
        "period_start": "2028-01-01",
        "period_end": "2028-12-31",
        "max_funding_rate": "90,001",
        "min_own_share": "-1",
        "small_project_threshold": "1e5",
        "in_kind_hourly_rate": "0",
        "deviation_threshold": "20",
        "rules_source": "Quelle",
        "budgets-TOTAL_FORMS": "2",
        "budgets-INITIAL_FORMS": "0",
        "budgets-0-year": "2028",
        "budgets-0-amount": "1.000,00",
        "budgets-1-year": "2028",
        "budgets-1-amount": "2.000,00",
    }
    for prefix in ("categories", "caps", "attachments", "criteria"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(reverse("funding:call_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Call.objects.exists()
    for message in ("höchstens 200 Zeichen", "vier Ziffern", "gültiges Datum", "zwei Nachkommastellen", "negativ"):
        assert message in page, message
    data |= {"title": "Aufruf", "year": "2028", "opens_on": "2027-08-31", "max_funding_rate": "90",
             "min_own_share": "10", "small_project_threshold": "0"}  # fmt: skip
    response = client.post(reverse("funding:call_create"), data)
    assert "doppelt" in response.content.decode() and not Call.objects.exists()


def test_proof_refuses_forged_lines(client, call, asskomm, municipality_user):
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("9000.00"))
    testing.login(client, municipality_user)
    response = client.post(
        reverse("funding:proof", args=[application.pk]),
        {"evaluation": "E", "conclusions": "S", "actual_999999": "1,00", "reason_999999": "x"},
    )
    assert response.status_code == 200 and not ProofOfUse.objects.exists()
