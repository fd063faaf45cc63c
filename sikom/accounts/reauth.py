"""Re-authentication before exports and evidence downloads: the password or a fresh TOTP code again, valid for a
few minutes in this session.

Wrong answers are throttled exactly like login and on the same counters (per account and per client), because they
guess the same secret: a stolen session must not become an unlimited password oracle, and guesses here and at the
login form add up.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, resolve_url

from sikom.accounts import services
from sikom.accounts.selectors import confirmed_totp_device
from sikom.core import audit, throttle

SESSION_KEY = "reauthenticated_at"
VALID_SECONDS = 5 * 60


class ReauthLocked(Exception):
    """Too many wrong answers for this account or client in the login window; nothing was checked."""


def is_recent(request) -> bool:
    return time.time() - request.session.get(SESSION_KEY, 0) < VALID_SECONDS


def confirm(request, secret: str) -> bool:
    """Check the password or a TOTP code of the signed-in person; raise ReauthLocked when over the login limits."""
    user = request.user
    counters = services.login_counters(request, user.email)
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if throttle.locked(counters, window):
        audit.log("auth.reauthentication_locked", actor=user, obj=user)
        raise ReauthLocked
    ok = user.check_password(secret)
    if not ok and secret.strip().isdigit():
        device = confirmed_totp_device(user)
        allowed = device is not None and device.verify_is_allowed()[0]
        ok = bool(allowed and device.verify_token(secret.strip()))
    if ok:
        scope, account_key, _limit = counters[0]
        throttle.reset(scope, account_key)  # as a successful login does: the account's count starts again
        request.session[SESSION_KEY] = time.time()
    else:
        throttle.record_failure(counters, window)
    audit.log("auth.reauthenticated" if ok else "auth.reauthentication_failed", actor=user, obj=user)
    return ok


def ask(request):
    """Send the person to confirm (``settings.REAUTH_URL``), then back here. Views call this after they checked the
    object is visible, so an invisible one still answers 404 first."""
    return redirect(f"{resolve_url(settings.REAUTH_URL)}?{urlencode({'next': request.get_full_path()})}")
