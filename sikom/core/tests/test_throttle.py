from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from sikom.core import throttle
from sikom.core.models import ThrottleCounter

pytestmark = pytest.mark.django_db


def test_hits_are_counted_per_scope_and_key():
    assert [throttle.hit("login", "a", 900) for _ in range(3)] == [1, 2, 3]
    assert throttle.hit("login", "b", 900) == 1
    assert throttle.hit("other", "a", 900) == 1
    assert throttle.count("login", "a", 900) == 3


def test_reset_clears_a_key():
    throttle.hit("login", "a", 900)
    throttle.reset("login", "a")
    assert throttle.count("login", "a", 900) == 0


def test_old_windows_no_longer_count_and_are_purged():
    ThrottleCounter.objects.create(scope="login", key="a", window_start=timezone.now() - timedelta(days=2), count=50)
    assert throttle.count("login", "a", 900) == 0
    assert throttle.purge() == 1


def test_client_key_is_a_keyed_hash_not_the_address():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    key = throttle.client_key(request)
    assert "203.0.113.7" not in key and len(key) == 64
    assert key == throttle.client_key(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7"))
    assert key != throttle.client_key(RequestFactory().get("/", REMOTE_ADDR="203.0.113.8"))


def test_counters_older_than_a_day_are_removed_when_a_new_window_starts():
    ThrottleCounter.objects.create(scope="login", key="old", window_start=timezone.now() - timedelta(days=2), count=3)
    throttle.hit("login", "new", 900)
    assert not ThrottleCounter.objects.filter(key="old").exists()


def test_a_burst_counts_until_the_longest_wait_has_passed(monkeypatch):
    """A burst at the start of one window still counts throughout the next one: the pages name two windows."""
    window = 3600
    start = throttle._window_start(timezone.now(), window)

    def at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    at(start)
    throttle.hit("burst", "a", window)
    throttle.hit("burst", "a", window)
    at(start + throttle.longest_wait(window) - timedelta(seconds=1))
    assert throttle.count("burst", "a", window) == 2
    at(start + throttle.longest_wait(window))
    assert throttle.count("burst", "a", window) == 0
    assert throttle.longest_wait_text(3600) == "2 Stunden"
    assert throttle.longest_wait_text(15 * 60) == "30 Minuten"
