"""Re-authentication before exports and evidence downloads: the password or a fresh TOTP code again, valid for a
few minutes in this session."""

import time
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from sikom.accounts.selectors import confirmed_totp_device
from sikom.core import audit

SESSION_KEY = "reauthenticated_at"
VALID_SECONDS = 5 * 60


def is_recent(request) -> bool:
    return time.time() - request.session.get(SESSION_KEY, 0) < VALID_SECONDS


def confirm(request, secret: str) -> bool:
    user = request.user
    ok = user.check_password(secret)
    if not ok and secret.strip().isdigit():
        device = confirmed_totp_device(user)
        allowed = device is not None and device.verify_is_allowed()[0]
        ok = bool(allowed and device.verify_token(secret.strip()))
    audit.log("auth.reauthenticated" if ok else "auth.reauthentication_failed", actor=user, obj=user)
    if ok:
        request.session[SESSION_KEY] = time.time()
    return ok


def ask(request):
    """Send the person to confirm, then back here. Views call this after they checked the case is visible, so an
    invisible case still answers 404 first."""
    return redirect(f"{reverse('casefile:reauth')}?{urlencode({'next': request.get_full_path()})}")
