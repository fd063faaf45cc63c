"""The budget under concurrency: 30 approvals of 1.000 € each arrive at the same moment for a budget of 10.000 €. The
call's row lock is taken before the commitments are summed in the same transaction, so exactly 10 are approved and
the sum of commitments equals the budget, never more.

PostgreSQL only: SQLite serialises every write transaction (opened IMMEDIATE), which the service tests cover."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from sikom import testing
from sikom.funding import services
from sikom.funding.models import Commitment, Status
from sikom.funding.tests.factories import make_call, reviewed, reviewer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are tested on PostgreSQL"),
]

APPROVALS = 30
BUDGET = Decimal("10000.00")


def test_thirty_parallel_approvals_never_exceed_the_budget(asskomm):
    assert connection.vendor == "postgresql"
    call = make_call(budget=BUDGET)
    scorer = reviewer()
    applications = [
        reviewed(call, reviewer_user=scorer, staff=asskomm, costs=Decimal("1111.12"), requested=Decimal("1000.00"))
        for _ in range(APPROVALS)
    ]

    errors = testing.in_parallel(
        lambda i: services.decide(
            application=applications[i], by=asskomm, outcome="approved", amount=Decimal("1000.00")
        ),
        APPROVALS,
    )

    assert all(isinstance(error, services.Refused) for error in errors)
    assert len(errors) == APPROVALS - 10
    assert Commitment.objects.filter(call=call).aggregate(total=Sum("amount"))["total"] == BUDGET
    statuses = [a.status for a in type(applications[0]).objects.filter(call=call)]
    assert statuses.count(Status.APPROVED) == 10 and statuses.count(Status.IN_REVIEW) == APPROVALS - 10


def test_parallel_withdrawals_and_approvals_reuse_released_money(asskomm, municipality_user):
    call = make_call(budget=Decimal("5000.00"))
    scorer = reviewer()
    first = [
        reviewed(call, reviewer_user=scorer, staff=asskomm, costs=Decimal("1111.12"), requested=Decimal("1000.00"))
        for _ in range(5)
    ]
    for application in first:
        services.decide(application=application, by=asskomm, outcome="approved", amount=Decimal("1000.00"))
    waiting = [
        reviewed(call, reviewer_user=scorer, staff=asskomm, costs=Decimal("1111.12"), requested=Decimal("1000.00"))
        for _ in range(10)
    ]

    def work(i):
        if i < 3:
            services.withdraw(application=first[i], by=municipality_user, reason="abgesagt")
        else:
            services.decide(application=waiting[i - 3], by=asskomm, outcome="approved", amount=Decimal("1000.00"))

    testing.in_parallel(work, 13)
    total = Commitment.objects.filter(call=call).aggregate(total=Sum("amount"))["total"]
    assert total <= Decimal("5000.00")
    approved = type(first[0]).objects.filter(call=call, status=Status.APPROVED).count()
    assert Decimal(approved * 1000) == total
