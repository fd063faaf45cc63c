"""The Django admin's site: no login form of its own, so operators sign in like everyone else."""

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from sikom.accounts.selectors import confirmed_totp_device
from sikom.core.redirects import is_local_path


class OperatorAdminSite(OTPAdminSite):
    """django-otp's site (a verified second factor is required), whose login page only sends people on.

    Django's admin login would check passwords itself: unthrottled, with answers that differ for a right and a
    wrong password. Every sign-in goes through `accounts:login` instead (throttled per account and client, one
    answer for every failure, then the second factor); afterwards `next` brings the operator back here.
    """

    def login(self, request, extra_context=None):
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not is_local_path(target):
            target = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            step = "accounts:login"
        elif user.must_use_two_factor and not user.is_verified():
            step = "accounts:two_factor_verify" if confirmed_totp_device(user) else "accounts:two_factor_setup"
        elif self.has_permission(request):
            return redirect(target)
        else:
            raise PermissionDenied
        return redirect(f"{reverse(step)}?{urlencode({'next': target})}")
