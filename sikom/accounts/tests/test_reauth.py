"""The password or TOTP re-check before exports and evidence downloads, throttled like login."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from sikom import testing
from sikom.accounts import reauth
from sikom.accounts.selectors import confirmed_totp_device
from sikom.core import throttle
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def request_of(user, address="192.0.2.1"):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user
    request.session = SessionStore()
    return request


def fail(user, times, address="192.0.2.1"):
    for _ in range(times):
        assert reauth.confirm(request_of(user, address), "falsch") is False


def test_the_password_confirms_for_five_minutes(official):
    request = request_of(official)
    assert not reauth.is_recent(request)
    assert reauth.confirm(request, testing.PASSWORD)
    assert reauth.is_recent(request)
    request.session[reauth.SESSION_KEY] = time.time() - reauth.VALID_SECONDS - 1
    assert not reauth.is_recent(request)


def test_wrong_answers_lock_even_the_right_password_and_the_lock_is_audited(official, settings):
    fail(official, settings.LOGIN_FAILURES_PER_ACCOUNT)
    request = request_of(official)
    with pytest.raises(throttle.Locked):
        reauth.confirm(request, testing.PASSWORD)
    assert not reauth.is_recent(request)
    failures = AuditEvent.objects.filter(action="auth.reauthentication_failed", actor=official)
    assert failures.count() == settings.LOGIN_FAILURES_PER_ACCOUNT
    assert AuditEvent.objects.filter(action="auth.reauthentication_locked", actor=official).count() == 1


def test_a_fresh_totp_code_confirms_and_wrong_codes_count_as_failures(pd_dresden, settings):
    assert confirmed_totp_device(pd_dresden) is not None  # so six digits are checked as a code
    assert reauth.confirm(request_of(pd_dresden), testing.current_token(pd_dresden))
    wrong = f"{(int(testing.current_token(pd_dresden)) + 1) % 1_000_000:06d}"
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        assert reauth.confirm(request_of(pd_dresden), wrong) is False
    with pytest.raises(throttle.Locked):
        reauth.confirm(request_of(pd_dresden), testing.PASSWORD)


def test_success_starts_the_count_again(official, settings):
    fail(official, settings.LOGIN_FAILURES_PER_ACCOUNT - 1)
    assert reauth.confirm(request_of(official), testing.PASSWORD)
    fail(official, settings.LOGIN_FAILURES_PER_ACCOUNT - 1)
    assert reauth.confirm(request_of(official), testing.PASSWORD)


def test_failures_count_per_account(official, zastex, settings):
    # From different addresses, so only the per-account counter can lock.
    for number in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        fail(official, 1, address=f"192.0.2.{number + 10}")
    with pytest.raises(throttle.Locked):
        reauth.confirm(request_of(official, "198.51.100.7"), testing.PASSWORD)
    assert reauth.confirm(request_of(zastex, "198.51.100.7"), testing.PASSWORD)


def test_failures_count_per_client(official, zastex, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = 3
    fail(official, 2)
    fail(zastex, 1)
    with pytest.raises(throttle.Locked):
        reauth.confirm(request_of(zastex), testing.PASSWORD)
    assert reauth.confirm(request_of(zastex, "198.51.100.7"), testing.PASSWORD)


def test_guesses_here_and_at_the_login_form_add_up(client, official, settings):
    # The same secret is guessed through both doors, so both count on the account's one login counter.
    fail(official, settings.LOGIN_FAILURES_PER_ACCOUNT)
    response = client.post(reverse("accounts:login"), {"email": official.email, "password": testing.PASSWORD})
    assert "Zu viele Fehlversuche" in response.content.decode()
