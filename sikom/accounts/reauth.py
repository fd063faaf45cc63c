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


def is_recent(request) -> bool:
    return time.time() - request.session.get(SESSION_KEY, 0) < VALID_SECONDS


def confirm(request, secret: str) -> bool:
    """Check the password or a TOTP code of the signed-in person; raise `throttle.Locked` when over the login limits
    (the login's counters: guesses here and at the login add up, as they guess the same password)."""
    user = request.user
    counters = services.login_counters(request, user.email)
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    try:
        throttle.guard(counters, window)
    except throttle.Locked:
        audit.log("auth.reauthentication_locked", actor=user, obj=user)
        raise
    ok = user.check_password(secret)
    if not ok and secret.strip().isdigit():
        device = confirmed_totp_device(user)
        allowed = device is not None and device.verify_is_allowed()[0]
        ok = bool(allowed and device.verify_token(secret.strip()))
    throttle.settle(counters, window, ok=ok)
    if ok:
        request.session[SESSION_KEY] = time.time()
    audit.log("auth.reauthenticated" if ok else "auth.reauthentication_failed", actor=user, obj=user)
    return ok


def ask(request):
    """Send the person to confirm (``settings.REAUTH_URL``), then back here. Views call this after they checked the
    object is visible, so an invisible one still answers 404 first."""
    return redirect(f"{resolve_url(settings.REAUTH_URL)}?{urlencode({'next': request.get_full_path()})}")
