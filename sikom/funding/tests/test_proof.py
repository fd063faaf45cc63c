from decimal import Decimal

import pytest
from django.urls import reverse

from sikom import testing
from sikom.funding import selectors, services
from sikom.funding.tests.factories import YEAR, make_call, reviewed, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(asskomm, municipality_user):
    call = make_call()
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    application = services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("9000.00"))
    payment = services.request_payment(
        application=application, by=municipality_user, year=YEAR, amount=Decimal("9000.00"), expenditure="alles"
    )
    services.pay(payment=payment, by=asskomm)
    return application


def test_a_deviation_above_the_threshold_needs_a_reason(approved, municipality_user):
    line = approved.cost_lines.get()
    with pytest.raises(services.Refused) as refused:
        services.file_proof(
            application=approved,
            by=municipality_user,
            evaluation="Ziele erreicht",
            conclusions="Fortsetzen",
            actuals={line.pk: (Decimal("7999.99"), "")},
        )
    assert refused.value.violations[0].field == f"proof:{line.pk}:reason"
    assert "20 %" in refused.value.violations[0].message
    # 20 % exactly is within the threshold.
    services.file_proof(
        application=approved,
        by=municipality_user,
        evaluation="Ziele erreicht",
        conclusions="Fortsetzen",
        actuals={line.pk: (Decimal("8000.00"), "")},
    )


def test_closing_with_less_spent_releases_money_and_claims_the_repayment(approved, municipality_user, asskomm):
    line = approved.cost_lines.get()
    proof = services.file_proof(
        application=approved,
        by=municipality_user,
        evaluation="Ziele erreicht",
        conclusions="Fortsetzen",
        actuals={line.pk: (Decimal("7000.00"), "Ein Termin fiel aus.")},
    )
    # 9.000 granted of 10.000 planned; 7.000 spent → 6.300 final.
    assert services.proposed_final_amount(approved, proof) == Decimal("6300.00")
    with pytest.raises(services.Refused, match="zwischen 0 und dem bewilligten"):
        services.close_proof(application=approved, by=asskomm, final_amount=Decimal("9000.01"))
    closed = services.close_proof(application=approved, by=asskomm, final_amount=Decimal("6300.00"))
    assert closed.repayment == Decimal("2700.00")
    (year,) = selectors.budget_overview(approved.call)
    assert (year.committed, year.paid, year.released) == (Decimal("6300.00"), Decimal("9000.00"), Decimal("2700.00"))
    with pytest.raises(services.Refused, match="bereits abgeschlossen"):
        services.close_proof(application=approved, by=asskomm, final_amount=Decimal("6300.00"))


def test_the_proof_pages(client, approved, municipality_user, asskomm):
    line = approved.cost_lines.get()
    testing.login(client, municipality_user)
    url = reverse("funding:proof", args=[approved.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"evaluation": "E", "conclusions": "S", f"actual_{line.pk}": "5.000,00"})
    assert "Abweichungen begründen" in response.content.decode()
    response = client.post(url, {"evaluation": "E", "conclusions": "S", f"actual_{line.pk}": "-1"})
    assert "negativ" in response.content.decode()
    response = client.post(
        url, {"evaluation": "E", "conclusions": "S", f"actual_{line.pk}": "5.000,00", f"reason_{line.pk}": "Ausfall"}
    )
    assert response.status_code == 302
    assert client.get(url).status_code == 404  # filed once
    testing.login(client, asskomm)
    detail = client.get(reverse("funding:application_detail", args=[approved.pk])).content.decode()
    assert "4.500,00" in detail  # the proposed final amount
    response = client.post(reverse("funding:close_proof", args=[approved.pk]), {"final_amount": "4.500,00"})
    assert response.status_code == 302
    approved.proof.refresh_from_db()
    assert approved.proof.repayment == Decimal("4500.00")
