from datetime import date
from decimal import Decimal

import pytest

from sikom.core.models import AuditEvent
from sikom.core.workflow import TransitionNotAllowed
from sikom.funding import selectors, services
from sikom.funding.models import Commitment, Status, StatusChange
from sikom.funding.tests.factories import (
    TODAY,
    YEAR,
    category,
    fields,
    in_review,
    make_application,
    make_call,
    plan,
    reviewed,
    reviewer,
)
from sikom.geo.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return make_call()


def test_a_balanced_application_is_submitted_with_a_number(call, municipality_user):
    application = make_application(call, by=municipality_user)
    assert application.status == Status.SUBMITTED
    assert application.number == f"KP-{YEAR}-0001"
    assert make_application(call).number == f"KP-{YEAR}-0002"
    assert [c.status for c in StatusChange.objects.filter(application=application)] == ["draft", "submitted"]
    assert AuditEvent.objects.filter(action="funding.status_changed", object_id=str(application.pk)).exists()


def test_submission_outside_the_window_is_refused(call):
    application = make_application(call, submit=False)
    with pytest.raises(services.Refused, match=r"nur vom 31\.08\.2026 bis 15\.10\.2026"):
        services.submit(application=application, by=None, today=date(2026, 10, 16))
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.number is None


def test_requested_share_above_the_rate_is_refused_and_named(call):
    application = make_application(call, submit=False, costs=Decimal("10000.00"), requested=Decimal("9500.00"))
    with pytest.raises(services.Refused) as refused:
        services.submit(application=application, by=None, today=TODAY)
    fields_named = {v.field for v in refused.value.violations}
    assert "requested" in fields_named and "own" in fields_named
    assert any("Höchster Fördersatz" in v.message and "95 %" in v.message for v in refused.value.violations)
    assert any("Mindest-Eigenanteil" in v.message for v in refused.value.violations)


def test_plan_must_balance_to_the_cent(call):
    application = services.save_application(
        by=None,
        call=call,
        municipality=Municipality.objects.get(ags="14628270"),
        fields=fields(call, requested=Decimal("8999.99")),
        plan=plan(call, costs=Decimal("10000.00"), own=Decimal("1000.00")),
    )
    with pytest.raises(services.Refused) as refused:
        services.submit(application=application, by=None, today=TODAY)
    message = next(v.message for v in refused.value.violations if v.field == "requested")
    assert "Ausgeglichener Finanzierungsplan" in message and "0,01 €" in message


def test_ineligible_category_is_refused_even_for_a_draft(call):
    bad = plan(call)
    bad.lines[0]["category"] = category(call, "Investitionen")
    with pytest.raises(services.Refused) as refused:
        services.save_application(
            by=None, call=call, municipality=Municipality.objects.get(ags="14628270"), fields=fields(call), plan=bad
        )
    assert refused.value.violations[0].field == "line:0:category"
    assert "Investitionen" in refused.value.violations[0].message


def test_staff_costs_are_capped_per_pay_grade(call):
    staff_plan = plan(call)
    staff_plan.lines[0].update(category=category(call, "Personal"), pay_grade="E9b", amount=Decimal("50000.01"))
    with pytest.raises(services.Refused) as refused:
        services.save_application(
            by=None,
            call=call,
            municipality=Municipality.objects.get(ags="14628270"),
            fields=fields(call),
            plan=staff_plan,
        )
    assert refused.value.violations[0].field == "line:0:amount"
    assert "50.000,00 €" in refused.value.violations[0].message


def test_period_outside_the_call_is_refused(call):
    with pytest.raises(services.Refused) as refused:
        make_application(call, starts_on=date(YEAR - 1, 12, 1))
    assert refused.value.violations[0].field == "starts_on"


def test_missing_consultation_and_attachment_are_named():
    call = make_call(attachments=1)
    application = make_application(call, submit=False, consultation_date=None, consultation_topic="")
    with pytest.raises(services.Refused) as refused:
        services.submit(application=application, by=None, today=TODAY)
    fields_named = {v.field for v in refused.value.violations}
    required = call.required_attachments.get()
    assert {"consultation_date", "consultation_topic", f"attachment:{required.pk}"} <= fields_named


def test_staff_time_is_valued_by_the_calls_rate():
    call = make_call(in_kind_hourly_rate=Decimal("35.50"))
    in_kind = plan(call)
    in_kind.own[:] = [{"kind": "staff_time", "description": "Ordnungsamt", "hours": Decimal("28.17"), "amount": None}]
    application = services.save_application(
        by=None,
        call=call,
        municipality=Municipality.objects.get(ags="14628270"),
        fields=fields(call, requested=Decimal("9000.00")),
        plan=in_kind,
    )
    # 28,17 h × 35,50 € = 1.000,035 € → 1.000,04 €
    assert application.own_funds.get().amount == Decimal("1000.04")


def test_staff_time_is_refused_when_the_call_does_not_count_it(call):
    in_kind = plan(call)
    in_kind.own[:] = [{"kind": "staff_time", "description": "x", "hours": Decimal("10"), "amount": None}]
    with pytest.raises(services.Refused, match="Eigenleistungen"):
        services.save_application(
            by=None, call=call, municipality=Municipality.objects.get(ags="14628270"), fields=fields(call), plan=in_kind
        )


def test_four_eyes_the_only_reviewer_cannot_decide(call, asskomm):
    application = reviewed(call, reviewer_user=asskomm, staff=asskomm)
    with pytest.raises(services.Refused, match="Vier-Augen"):
        services.decide(application=application, by=asskomm, outcome="approved", amount=application.requested)
    other = reviewer()
    decided = services.decide(application=application, by=other, outcome="approved", amount=application.requested)
    assert decided.status == Status.APPROVED and decided.granted == Decimal("9000.00")


def test_a_decision_needs_a_review(call, asskomm):
    application = in_review(call, by=asskomm)
    with pytest.raises(services.Refused, match="Bewertung"):
        services.decide(application=application, by=asskomm, outcome="rejected", reasons="nein")


def test_second_reviewer_when_the_call_says_so(asskomm):
    call = make_call(second_reviewer=True)
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    with pytest.raises(services.Refused, match="2 Bewertung"):
        services.decide(application=application, by=asskomm, outcome="rejected", reasons="nein")


def test_approval_commits_per_year_and_never_beyond_the_budget(asskomm):
    call = make_call(
        budget={YEAR: Decimal("10000.00"), YEAR + 1: Decimal("10000.00")},
        period_end=date(YEAR + 1, 12, 31),
    )
    first = reviewed(
        call,
        reviewer_user=reviewer(),
        staff=asskomm,
        ends_on=date(YEAR + 1, 12, 31),
        costs=Decimal("10000.00"),
        years={YEAR: Decimal("6000.00"), YEAR + 1: Decimal("4000.00")},
    )
    services.decide(application=first, by=asskomm, outcome="partly_approved", amount=Decimal("8000.00"))
    commits = dict(Commitment.objects.filter(application=first).values_list("year", "amount"))
    assert commits == {YEAR: Decimal("4800.00"), YEAR + 1: Decimal("3200.00")}
    second = reviewed(call, reviewer_user=reviewer(), staff=asskomm, costs=Decimal("10000.00"))
    with pytest.raises(services.Refused, match=r"reichen nicht: noch frei 5\.200,00 €"):
        services.decide(application=second, by=asskomm, outcome="approved", amount=Decimal("9000.00"))
    second.refresh_from_db()
    assert second.status == Status.IN_REVIEW
    overview = {year.year: year for year in selectors.budget_overview(call)}
    assert overview[YEAR].committed == Decimal("4800.00") and overview[YEAR].available == Decimal("5200.00")


def test_partial_and_full_approval_are_told_apart(call, asskomm):
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    with pytest.raises(services.Refused, match="teilweise"):
        services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("100.00"))
    with pytest.raises(services.Refused, match="höchstens der beantragte"):
        services.decide(application=application, by=asskomm, outcome="partly_approved", amount=Decimal("9000.01"))


def test_withdrawal_returns_unpaid_money_and_payments_never_exceed(call, asskomm, municipality_user):
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("9000.00"))
    payment = services.request_payment(
        application=application, by=municipality_user, year=YEAR, amount=Decimal("4000.00"), expenditure="Honorar"
    )
    with pytest.raises(services.Refused, match=r"höchstens noch 5\.000,00 €"):
        services.request_payment(
            application=application, by=municipality_user, year=YEAR, amount=Decimal("5000.01"), expenditure="x"
        )
    services.pay(payment=payment, by=asskomm)
    services.withdraw(application=application, by=municipality_user, reason="Projekt abgesagt")
    (year,) = selectors.budget_overview(call)
    assert (year.committed, year.paid, year.released, year.available) == (
        Decimal("4000.00"),
        Decimal("4000.00"),
        Decimal("5000.00"),
        Decimal("96000.00"),
    )


def test_a_query_sends_back_and_the_return_shows_the_diff(call, asskomm, municipality_user):
    application = in_review(call, by=asskomm)
    services.ask_query(application=application, by=asskomm, text="Bitte Ziele schärfen", deadline=date(2026, 12, 1))
    application.refresh_from_db()
    assert application.status == Status.QUERIES
    services.save_application(
        by=municipality_user,
        call=call,
        municipality=application.municipality,
        fields=fields(call, step_3="Schärfere Ziele"),
        plan=plan(call),
        application=application,
    )
    query = services.answer_query(application=application, by=municipality_user, answer="Erledigt")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert [(c["before"], c["after"]) for c in query.changes] == [("Schritt 3", "Schärfere Ziele")]


def test_rejected_cannot_move_on(call, asskomm):
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    services.decide(application=application, by=asskomm, outcome="rejected", reasons="nicht förderfähig")
    with pytest.raises(TransitionNotAllowed):
        services.withdraw(application=application, by=asskomm, reason="x")


def test_review_scores_are_bounded(call, asskomm):
    application = in_review(call, by=asskomm)
    criteria = list(call.criteria.all())
    with pytest.raises(services.Refused, match="0 bis 5"):
        services.save_review(
            application=application, by=asskomm, scores={criteria[0].pk: 6, criteria[1].pk: 1}, recommendation=""
        )
    review = services.save_review(
        application=application, by=asskomm, scores={criteria[0].pk: 5, criteria[1].pk: 2}, recommendation=""
    )
    assert review.total == Decimal(60 * 5 + 40 * 2)


def test_a_draft_can_be_withdrawn_without_a_number(call, municipality_user):
    draft = make_application(call, submit=False)
    withdrawn = services.withdraw(application=draft, by=municipality_user, reason="nicht mehr nötig")
    assert withdrawn.status == Status.WITHDRAWN and withdrawn.number is None


def test_small_projects_are_paid_only_as_reimbursement(asskomm, municipality_user):
    call = make_call(small_project_threshold=Decimal("10000.00"))
    application = reviewed(call, reviewer_user=reviewer(), staff=asskomm)
    application = services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("9000.00"))
    with pytest.raises(services.Refused, match="Kleinprojekte"):
        services.request_payment(
            application=application, by=municipality_user, year=YEAR, amount=Decimal("100.00"), expenditure="x"
        )
    payment = services.request_payment(
        application=application,
        by=municipality_user,
        year=YEAR,
        amount=Decimal("100.00"),
        expenditure="Rechnung vom 3. März",
        already_spent=True,
    )
    assert payment.amount == Decimal("100.00")


def test_a_payment_plan_set_at_approval_is_paid_in_instalments(asskomm, municipality_user):
    call = make_call(
        budget={YEAR: Decimal("10000.00"), YEAR + 1: Decimal("10000.00")}, period_end=date(YEAR + 1, 12, 31)
    )
    application = reviewed(
        call,
        reviewer_user=reviewer(),
        staff=asskomm,
        ends_on=date(YEAR + 1, 12, 31),
        years={YEAR: Decimal("5000.00"), YEAR + 1: Decimal("5000.00")},
    )
    with pytest.raises(services.Refused, match="zusammen den bewilligten Betrag"):
        services.decide(
            application=application,
            by=asskomm,
            outcome="approved",
            amount=Decimal("9000.00"),
            instalments=[(date(YEAR, 3, 1), Decimal("4500.00"))],
        )
    with pytest.raises(services.Refused, match="gebundenen Mitteln"):
        services.decide(
            application=application,
            by=asskomm,
            outcome="approved",
            amount=Decimal("9000.00"),
            instalments=[(date(YEAR, 3, 1), Decimal("9000.00"))],
        )
    assert not Commitment.objects.exists()
    application = services.decide(
        application=application,
        by=asskomm,
        outcome="approved",
        amount=Decimal("9000.00"),
        instalments=[(date(YEAR, 3, 1), Decimal("4500.00")), (date(YEAR + 1, 3, 1), Decimal("4500.00"))],
    )
    first, _second = application.instalments.all()
    with pytest.raises(services.Refused, match="Zahlungsplan"):
        services.request_payment(
            application=application, by=municipality_user, year=YEAR, amount=Decimal("1.00"), expenditure="x"
        )
    services.pay_instalment(instalment=first, by=asskomm)
    with pytest.raises(services.Refused, match="schon ausgezahlt"):
        services.pay_instalment(instalment=first, by=asskomm)
    overview = {year.year: year for year in selectors.budget_overview(call)}
    assert overview[YEAR].paid == Decimal("4500.00") and overview[YEAR + 1].paid == 0


def test_staff_time_worth_more_than_the_column_is_refused():
    call = make_call(in_kind_hourly_rate=Decimal("999999999999.99"))
    in_kind = plan(call)
    in_kind.own[:] = [{"kind": "staff_time", "description": "x", "hours": Decimal("999999.99"), "amount": None}]
    with pytest.raises(services.Refused, match="zu groß"):
        services.save_application(
            by=None, call=call, municipality=Municipality.objects.get(ags="14628270"), fields=fields(call), plan=in_kind
        )
