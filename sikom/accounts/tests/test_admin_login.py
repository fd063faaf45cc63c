"""The Django admin has no password form of its own: operators sign in through the one throttled login and the
second factor, so the admin cannot be used to test passwords."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/plattformverwaltung/login/"


def test_admin_login_page_sends_to_the_one_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login") + "?next=%2Fplattformverwaltung%2F"


@pytest.mark.parametrize("next_url", ["kein-pfad", "//evil.example/", "abc\x00def"])
def test_admin_login_ignores_a_next_that_is_no_local_path(client, next_url):
    response = client.get(ADMIN_LOGIN, {"next": next_url})
    assert response["Location"] == reverse("accounts:login") + "?next=%2Fplattformverwaltung%2F"


def test_right_and_wrong_password_get_the_same_answer_and_nobody_is_logged_in(client, operator):
    answers = []
    for password in [testing.PASSWORD, "falsch"]:
        response = client.post(ADMIN_LOGIN, {"username": operator.email, "password": password})
        answers.append((response.status_code, response["Location"], response.content))
        assert "_auth_user_id" not in client.session
    assert answers[0] == answers[1]
    # No password was even looked at: trying passwords is only possible at the throttled login.
    assert not AuditEvent.objects.filter(action__in=["auth.login", "auth.login_failed"]).exists()


def test_operator_signs_in_through_login_and_second_factor_and_lands_in_the_admin(client, operator):
    location = client.get(reverse("admin:index"), follow=True).redirect_chain[-1][0]
    response = client.post(
        location, {"email": operator.email, "password": testing.PASSWORD, "next": "/plattformverwaltung/"}
    )
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    response = client.post(
        response["Location"], {"token": testing.current_token(operator), "next": "/plattformverwaltung/"}
    )
    assert response["Location"] == "/plattformverwaltung/"
    assert client.get(response["Location"]).status_code == 200


def test_operator_without_the_code_in_this_session_is_sent_to_the_second_factor(client, operator):
    testing.login(client, operator, verified=False)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:two_factor_verify") + "?next=%2Fplattformverwaltung%2F"


def test_staff_without_admin_rights_are_refused(client, zastex):
    testing.login(client, zastex)
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
