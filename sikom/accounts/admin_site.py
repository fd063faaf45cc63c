"""The Django admin's site: no login form of its own, so operators sign in like everyone else."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, SuspiciousOperation, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from sikom.accounts.selectors import confirmed_totp_device
from sikom.core.redirects import is_local_path


class _CheckedRequestData:
    """Values from the request that Django's admin would pass to the database unchecked are dropped instead.

    The add form is pre-filled from the query string and fails on values its fields cannot take (a text for a
    foreign key, any text for a date); the list's editable rows look up their ids with ``pk__in`` and fail on a
    number the database cannot hold. Such initial values are dropped; such a list is refused as a bad request.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        checked = {}
        for name, value in initial.items():
            try:
                formfield = self.model._meta.get_field(name).formfield()
                if formfield is not None:
                    formfield.clean(value)
            except (FieldDoesNotExist, ValidationError, ValueError, TypeError):
                continue
            checked[name] = value
        return checked

    def changelist_view(self, request, extra_context=None):
        pk = self.model._meta.pk
        if request.method == "POST" and pk.get_internal_type() in {"AutoField", "BigAutoField", "IntegerField"}:
            ids = [value for key, value in request.POST.items() if key.endswith(f"-{pk.name}") and value]
            if not all(_fits_a_database_integer(value) for value in ids):
                raise SuspiciousOperation("a row id in the admin list that no row can have")  # answered with 400
        return super().changelist_view(request, extra_context)


def _fits_a_database_integer(value: str) -> bool:
    try:
        return -(2**63) <= int(value) < 2**63
    except (TypeError, ValueError):
        return False


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

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        checked = type(admin_class.__name__, (_CheckedRequestData, admin_class), {"__module__": admin_class.__module__})
        super().register(model_or_iterable, checked, **options)
