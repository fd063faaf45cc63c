"""Exactly one response per code when the same code is submitted from several browsers at the same moment: the
invitation's row lock is taken before its status is read, in the transaction that writes the response.

PostgreSQL only: SQLite serialises every write transaction (opened IMMEDIATE), which the service tests cover."""

import threading

import pytest
from django.db import connection, connections

from sikom.surveys import services
from sikom.surveys.models import Invitation, InvitationStatus, Response
from sikom.surveys.tests.factories import FULL_ANSWERS, one_code, running_analysis

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are tested on PostgreSQL"),
]

BROWSERS = 12


def test_twelve_parallel_submits_of_one_code_give_one_response():
    assert connection.vendor == "postgresql"
    analysis = running_analysis()
    invitation = services.find_invitation(one_code(analysis))
    services.save_draft(invitation=invitation, answers=FULL_ANSWERS, texts={}, page=7, language="de")
    barrier = threading.Barrier(BROWSERS)
    outcomes = []

    def run():
        try:
            barrier.wait()
            services.submit(invitation=Invitation.objects.get(pk=invitation.pk))
            outcomes.append("ok")
        except services.AlreadySubmitted:
            outcomes.append("already")
        except Exception as error:  # pragma: no cover - shown in the assertion
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(BROWSERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already"] * (BROWSERS - 1) + ["ok"]
    assert Response.objects.filter(questionnaire=analysis.questionnaire).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SUBMITTED
