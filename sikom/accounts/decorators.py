from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from sikom.accounts.selectors import confirmed_totp_device


def _to(view_name: str, request):
    return redirect(f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}")


def staff_required(check=None):
    """Logged in, organisation member (or administrator), second factor passed; then the role check, if any.

    Unenrolled staff are sent to enrol their authenticator, enrolled ones to enter a code; a logged-in person
    without the role gets 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return _to("accounts:login", request)
            if not user.must_use_two_factor:
                raise PermissionDenied
            if not user.is_verified():
                if confirmed_totp_device(user) is None:
                    return _to("accounts:two_factor_setup", request)
                return _to("accounts:two_factor_verify", request)
            if check is not None and not check(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
