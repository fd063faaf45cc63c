"""Fixed-window counters in the database, shared by every worker process.

Used for login throttling now and for rate limits on public forms. Keys are HMACs with the secret key, so the
table never holds an IP or e-mail address in clear; rows older than a day are removed by ``purge``.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sikom.core.models import ThrottleCounter


def hashed_key(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def client_key(request) -> str:
    """The requesting client, as a keyed hash of its address (behind a proxy, the proxy's forwarded address)."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    return hashed_key(f"client:{address}")


def _window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, tz=now.tzinfo)


def hit(scope: str, key: str, window_seconds: int) -> int:
    """Count one event; return the count in the current window including this one."""
    start = _window_start(timezone.now(), window_seconds)
    updated = ThrottleCounter.objects.filter(scope=scope, key=key, window_start=start).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ThrottleCounter.objects.create(scope=scope, key=key, window_start=start, count=1)
        except IntegrityError:  # another worker created the row first
            ThrottleCounter.objects.filter(scope=scope, key=key, window_start=start).update(count=F("count") + 1)
        else:
            # A new window is rare enough to tidy up here: no counter outlives a day, even without a scheduler.
            purge()
    return count(scope, key, window_seconds)


def count(scope: str, key: str, window_seconds: int) -> int:
    """Events in the current and the previous window, so a burst at a window's edge is still seen."""
    start = _window_start(timezone.now(), window_seconds)
    since = start - timedelta(seconds=window_seconds)
    total = ThrottleCounter.objects.filter(scope=scope, key=key, window_start__gte=since).aggregate(n=Sum("count"))
    return total["n"] or 0


class Locked(Exception):
    """Too many failures on one of a check's counters; nothing was checked. Its text tells the person the longest
    wait, the same way wherever a password, code or receipt is guessed."""

    def __init__(self, window_seconds: int) -> None:
        super().__init__(
            _("Zu viele Fehlversuche. Bitte warten Sie bis zu %(wait)s und versuchen Sie es dann erneut.")
            % {"wait": longest_wait_text(window_seconds)}
        )


def guard(counters: list[tuple[str, str, int]], window_seconds: int) -> None:
    """The one lock-out check of login, re-authentication and follow-up: raise `Locked` when any of the
    (scope, key, limit) failure counters has reached its limit in the window."""
    if any(count(scope, key, window_seconds) >= limit for scope, key, limit in counters):
        raise Locked(window_seconds)


def settle(counters: list[tuple[str, str, int]], window_seconds: int, *, ok: bool) -> None:
    """After the check: a failure counts on every counter; a success clears the first one (what was guessed: the
    account or the case number), while the client's count stays."""
    if ok:
        scope, key, _limit = counters[0]
        reset(scope, key)
        return
    for scope, key, _limit in counters:
        hit(scope, key, window_seconds)


def reset(scope: str, key: str) -> None:
    ThrottleCounter.objects.filter(scope=scope, key=key).delete()


def purge(older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = ThrottleCounter.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted


def longest_wait(window_seconds: int) -> timedelta:
    """How long a client over a limit waits at most: `count` adds the previous window to the current one, so an
    event counts until the end of the window after its own — up to two windows after it happened."""
    return timedelta(seconds=2 * window_seconds)


def longest_wait_text(window_seconds: int) -> str:
    """`longest_wait` in German words for the people who are told to wait (»2 Stunden«, »30 Minuten«)."""
    minutes = int(longest_wait(window_seconds).total_seconds()) // 60
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d Stunde", "%(count)d Stunden", hours) % {"count": hours}
    return ngettext("%(count)d Minute", "%(count)d Minuten", minutes) % {"count": minutes}


RATE_WINDOW_SECONDS = 60 * 60


def allow(request, scope: str) -> bool:
    """Count one request of this client in the scope; False once it is over the scope's hourly limit
    (`settings.RATE_LIMITS_PER_HOUR`)."""
    return hit(scope, client_key(request), RATE_WINDOW_SECONDS) <= settings.RATE_LIMITS_PER_HOUR[scope]


def rate_limit_wait_text() -> str:
    """The longest wait of a client over a rate limit, in German words."""
    return longest_wait_text(RATE_WINDOW_SECONDS)
