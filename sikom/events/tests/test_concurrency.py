"""Capacity under concurrency: 50 people register at the same moment for 10 seats, while others cancel. The session's
row lock is taken before the seat count in the same transaction, so exactly 10 are confirmed and 40 wait.

PostgreSQL only: SQLite serialises every write transaction (opened IMMEDIATE), which the service tests cover."""

import pytest
from django.db import connection

from sikom import testing
from sikom.events import services
from sikom.events.models import HOLDS_SEATS, Registration
from sikom.events.models import RegistrationStatus as R
from sikom.events.tests.factories import make_session, member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are tested on PostgreSQL"),
]

PEOPLE = 50
SEATS = 10


def test_fifty_parallel_registrations_for_ten_seats():
    assert connection.vendor == "postgresql"
    session = make_session(capacity=SEATS)
    users = [member(n) for n in range(PEOPLE)]

    errors = testing.in_parallel(
        lambda i: services.register_member(session_id=session.pk, user=users[i], data={"organisation": "Gemeinde"}),
        PEOPLE,
    )

    assert errors == []
    statuses = list(Registration.objects.filter(session=session).values_list("status", flat=True))
    assert statuses.count(R.CONFIRMED) == SEATS
    assert statuses.count(R.WAITING) == PEOPLE - SEATS
    positions = sorted(Registration.objects.filter(status=R.WAITING).values_list("queue_position", flat=True))
    assert positions == list(range(1, PEOPLE - SEATS + 1))


def test_parallel_cancellations_and_registrations_never_oversell():
    session = make_session(capacity=SEATS)
    first = [
        services.register_member(session_id=session.pk, user=member(100 + n), data={"organisation": "G"})
        for n in range(20)
    ]
    confirmed = [r for r in first if r.status == R.CONFIRMED]
    newcomers = [member(200 + n) for n in range(30)]

    def work(i):
        if i < len(confirmed):
            services.cancel(registration=confirmed[i])
        else:
            services.register_member(
                session_id=session.pk, user=newcomers[i - len(confirmed)], data={"organisation": "G"}
            )

    errors = testing.in_parallel(work, len(confirmed) + len(newcomers))
    assert errors == []
    held = sum(Registration.objects.filter(session=session, status__in=HOLDS_SEATS).values_list("seats", flat=True))
    assert held == SEATS  # every freed seat went to the waiting list, none twice
