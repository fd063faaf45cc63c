from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.cases import services
from sikom.cases.models import CaseStatus

pytestmark = pytest.mark.django_db


def numbers(response):
    return [case.number for case in response.context["result"].page.object_list]


def test_inbox_shows_lead_and_shared_cases_of_the_organisation(client, zastex):
    own = testing.make_case(categories=["data_published"], place="online")  # ZASTEX leads
    shared = testing.make_case()  # PD Dresden leads, ZASTEX shared
    foreign = testing.make_case(categories=["online_hate"], place="online")  # ZMI only
    testing.login(client, zastex)
    response = client.get(reverse("casefile:inbox"))
    assert set(numbers(response)) == {own.number, shared.number}
    assert foreign.number not in response.content.decode()
    assert numbers(client.get(reverse("casefile:inbox"), {"relation": "lead"})) == [own.number]
    assert numbers(client.get(reverse("casefile:inbox"), {"relation": "shared"})) == [shared.number]


def test_filters_and_search(client, pd_dresden):
    threat = testing.make_case(categories=["threat"])
    attack = testing.make_case(categories=["physical_attack"], municipality_ags="14612000")  # Dresden
    services.change_status(case=threat, to=CaseStatus.IN_REVIEW, by=pd_dresden)
    testing.login(client, pd_dresden)
    inbox = reverse("casefile:inbox")
    assert numbers(client.get(inbox, {"status": "in_review"})) == [threat.number]
    assert numbers(client.get(inbox, {"category": "physical_attack"})) == [attack.number]
    assert numbers(client.get(inbox, {"district": "14612"})) == [attack.number]
    assert numbers(client.get(inbox, {"risk": "3"})) == [attack.number, threat.number] or set(
        numbers(client.get(inbox, {"risk": "3"}))
    ) == {attack.number, threat.number}
    assert numbers(client.get(inbox, {"q": attack.number[-6:]})) == [attack.number]


def test_overdue_cases_stand_out(client, pd_dresden):
    late = testing.make_case()
    testing.update_case(late, first_contact_due_at=timezone.now() - timedelta(hours=1))
    on_time = testing.make_case()
    testing.login(client, pd_dresden)
    response = client.get(reverse("casefile:inbox"), {"due": "overdue"})
    assert numbers(response) == [late.number]
    assert response.context["result"].counts["attention"]["overdue"] == 1
    assert "überfällig" in client.get(reverse("casefile:inbox")).content.decode()
    assert on_time.number in client.get(reverse("casefile:inbox")).content.decode()


def test_closed_cases_are_hidden_unless_asked_for(client, pd_dresden):
    case = testing.make_case()
    services.change_status(case=case, to=CaseStatus.CLOSED, by=pd_dresden, reason="erledigt")
    testing.login(client, pd_dresden)
    assert numbers(client.get(reverse("casefile:inbox"))) == []
    assert numbers(client.get(reverse("casefile:inbox"), {"status": ""})) == [case.number]


@pytest.mark.parametrize(
    "params", [{"status": "kaputt"}, {"risk": "9"}, {"district": "99999"}, {"sort": "DROP"}, {"seite": "x"}]
)
def test_forged_filters_give_a_message_not_an_error(client, pd_dresden, params):
    testing.make_case()
    testing.login(client, pd_dresden)
    response = client.get(reverse("casefile:inbox"), params)
    assert response.status_code == 200


def test_sorting_by_due_date_and_paging(client, pd_dresden, monkeypatch):
    from sikom.cases import inbox

    monkeypatch.setattr(inbox, "PAGE_SIZE", 2)
    cases = [testing.make_case() for _ in range(3)]
    for offset, case in enumerate(cases):
        testing.update_case(case, first_contact_due_at=timezone.now() + timedelta(hours=10 - offset))
    testing.login(client, pd_dresden)
    first = numbers(client.get(reverse("casefile:inbox"), {"sort": "due"}))
    second = numbers(client.get(reverse("casefile:inbox"), {"sort": "due", "seite": "2"}))
    assert first == [cases[2].number, cases[1].number] and second == [cases[0].number]


def test_inbox_and_case_page_run_a_constant_number_of_queries(client, pd_dresden, django_assert_max_num_queries):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    client.get(reverse("casefile:inbox"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("casefile:inbox"))
        client.get(reverse("casefile:detail", args=[case.number]))
    for _ in range(20):
        testing.make_case(categories=["threat", "insult"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("casefile:inbox"))
        client.get(reverse("casefile:detail", args=[case.number]))
    assert len(many) == len(few)
