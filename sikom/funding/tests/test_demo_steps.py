"""The demo shows every step of the procedure, made through the services with two different people for review and
decision, and loads only once."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.core.models import AuditEvent
from sikom.funding import demo, selectors
from sikom.funding.models import Application, Commitment, Payment, ProofOfUse, Status

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


@pytest.fixture
def demo_logins():
    return {
        "applicant": testing.make_user(
            organisation=testing.municipality_organisation("14628270"), email="kommune@demo.sikom.invalid"
        ),
        "reviewer": testing.make_user(
            organisation=testing.expert_network_of("14612"), email="expertennetzwerk@demo.sikom.invalid"
        ),
        "decider": testing.make_user(
            organisation=testing.organisation_of(OrganisationType.ASSKOMM), email="asskomm@demo.sikom.invalid"
        ),
    }


def _main():
    return Application.objects.get(title=demo.PARTLY[0]).call


def test_the_demo_walks_through_every_step(demo_logins, mailoutbox):
    lines = demo.load(today=TODAY)
    assert any("teilweise bewilligt" in line and "1 abgelehnt" in line for line in lines)
    partly = Application.objects.get(title=demo.PARTLY[0])
    rejected = Application.objects.get(title=demo.REJECTED[0])
    assert (partly.status, partly.granted, partly.conditions != "") == (Status.PARTLY_APPROVED, Decimal("10000"), True)
    assert rejected.status == Status.REJECTED and rejected.reasons
    # Four eyes: scored by one login, decided by the other.
    assert {r.reviewer for r in partly.reviews.all()} == {demo_logins["reviewer"]}
    assert partly.decided_by == demo_logins["decider"] == rejected.decided_by
    assert partly.history.get(status=Status.SUBMITTED).by == demo_logins["applicant"]
    payment = Payment.objects.get(application=partly)
    assert (payment.status, payment.amount) == ("paid", Decimal("9000.00"))
    proof = ProofOfUse.objects.get(application=partly)
    assert (proof.status, proof.final_amount, proof.repayment) == ("closed", Decimal("6000.00"), Decimal("3000.00"))
    # The ledger: 10.000 committed, 4.000 released by the proof of use; audited.
    assert Commitment.objects.filter(application=partly, kind="release").get().amount == Decimal("-4000.00")
    assert AuditEvent.objects.filter(action="funding.proof_closed", object_id=str(partly.pk)).exists()
    assert AuditEvent.objects.filter(action="funding.decided", object_id=str(rejected.pk)).exists()
    # The notices went to the demo logins.
    assert {m.to[0] for m in mailoutbox} == {"kommune@demo.sikom.invalid", "expertennetzwerk@demo.sikom.invalid"}
    # Every overview has figures.
    (budget,) = selectors.budget_overview(partly.call)
    assert (budget.committed, budget.paid, budget.released) == (
        Decimal("6000.00"),
        Decimal("9000.00"),
        Decimal("4000.00"),
    )
    assert budget.planned == Decimal("1300000.00")
    assert partly in selectors.funded_projects() and rejected not in selectors.funded_projects()
    rows = selectors.funding_overview()
    assert sum(row.decided for row in rows) == 2 and sum(row.approved for row in rows) == 1


def test_the_demo_loads_once(demo_logins):
    demo.load(today=TODAY)
    counts = (Application.objects.count(), Commitment.objects.count(), Payment.objects.count())
    assert demo.load(today=TODAY) == []
    assert (Application.objects.count(), Commitment.objects.count(), Payment.objects.count()) == counts


def test_the_steps_are_added_to_an_earlier_demo_once_the_logins_exist(django_user_model):
    first = demo.load(today=TODAY)
    assert any("übersprungen" in line for line in first)
    assert not Application.objects.filter(title=demo.PARTLY[0]).exists()
    testing.make_user(organisation=testing.municipality_organisation("14628270"), email="kommune@demo.sikom.invalid")
    testing.make_user(organisation=testing.expert_network_of("14612"), email="expertennetzwerk@demo.sikom.invalid")
    testing.make_user(
        organisation=testing.organisation_of(OrganisationType.ASSKOMM), email="asskomm@demo.sikom.invalid"
    )
    assert demo.load(today=TODAY)
    assert Application.objects.get(title=demo.PARTLY[0]).status == Status.PARTLY_APPROVED


def test_the_demo_pages_show_the_figures(client, demo_logins):
    demo.load(today=TODAY)
    call = _main()
    testing.login(client, demo_logins["decider"])
    budget = client.get(reverse("funding:budget", args=[call.pk])).content.decode()
    assert "9.000,00" in budget and "4.000,00" in budget and "6.000,00" in budget
    overview = client.get(reverse("funding:overview")).content.decode()
    assert "Pirna" in overview or "Sächsische Schweiz" in overview
    client.logout()
    funded = client.get(reverse("funding:funded")).content.decode()
    assert demo.PARTLY[0] in funded and demo.REJECTED[0] not in funded
