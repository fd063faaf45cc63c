from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.dateformat import format as date_format
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts import services
from sikom.accounts.decorators import staff_required
from sikom.accounts.forms import (
    AccountFilterForm,
    AccountForm,
    LoginForm,
    OrganisationContactForm,
    RegistrationForm,
    TokenForm,
)
from sikom.accounts.selectors import (
    account_to_activate,
    can_manage_users,
    confirmed_totp_device,
    organisations_editable_by,
    user_listing,
    users_manageable_by,
)
from sikom.accounts.tokens import activation_token
from sikom.core import audit, throttle
from sikom.core.exports import csv_response
from sikom.core.redirects import next_path


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.check_login(
                request=request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except throttle.Locked as locked:
            form.add_error(None, str(locked))
        else:
            if result.user is None:
                form.add_error(None, _("E-Mail-Adresse oder Passwort ist nicht richtig."))
            else:
                login(request, result.user)
                next_url = next_path(request, reverse("portal:my_area"))
                if result.user.must_use_two_factor:
                    step = (
                        "accounts:two_factor_verify"
                        if confirmed_totp_device(result.user)
                        else "accounts:two_factor_setup"
                    )
                    return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
                return redirect(next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_path(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("Sie sind abgemeldet."))
    return redirect("portal:home")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.must_use_two_factor or confirmed_totp_device(user) is not None:
        return redirect(next_path(request, reverse("portal:my_area")))
    device = services.totp_device_for_enrolment(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_enrolment(request=request, device=device, token=form.cleaned_data["token"]):
            messages.success(request, _("Die Zwei-Faktor-Anmeldung ist eingerichtet."))
            return redirect(next_path(request, reverse("portal:my_area")))
        form.add_error(
            "token",
            _("Der Code stimmt nicht. Prüfen Sie die Uhrzeit Ihres Geräts und geben Sie den aktuellen Code ein."),
        )
    secret_text = b32encode(device.bin_key).decode().rstrip("=")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR-Code für die Authenticator-App"))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret_groups": [secret_text[i : i + 4] for i in range(0, len(secret_text), 4)],
            "next": next_path(request),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = confirmed_totp_device(user)
    if device is None:
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': next_path(request)})}")
    if user.is_verified():
        return redirect(next_path(request, reverse("portal:my_area")))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(request=request, device=device, token=form.cleaned_data["token"]):
            return redirect(next_path(request, reverse("portal:my_area")))
        form.add_error(
            "token", _("Der Code stimmt nicht oder ist abgelaufen. Nach mehreren Fehlversuchen müssen Sie kurz warten.")
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_path(request)})


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def organisation_contact(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(organisations_editable_by(request.user), pk=pk)
    form = OrganisationContactForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.update_organisation_contact(
            organisation=organisation, by=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("Die Kontaktdaten sind gespeichert."))
        return redirect("portal:my_area")
    # Unsaved edits must not leak into the page outside the form.
    organisation.refresh_from_db()
    return render(request, "accounts/organisation_contact.html", {"form": form, "organisation": organisation})


def _too_many_requests() -> str:
    """The answer of the hourly rate limits of registration and password reset."""
    return _("Zu viele Anfragen. Bitte versuchen Sie es in spätestens %(wait)s erneut.") % {
        "wait": throttle.rate_limit_wait_text()
    }


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request, "registration"):
            form.add_error(None, _too_many_requests())
        else:
            user = services.register_official(
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
            if user is not None:
                link = request.build_absolute_uri(
                    reverse(
                        "accounts:activate",
                        args=[urlsafe_base64_encode(force_bytes(user.pk)), activation_token.make_token(user)],
                    )
                )
                send_mail(
                    _("sikom: Konto bestätigen"),
                    render_to_string("accounts/email/activation.txt", {"link": link}),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@never_cache
@require_GET
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = account_to_activate(uidb64)
    if user is None or not activation_token.check_token(user, token):
        return render(request, "accounts/activation_invalid.html", status=400)
    services.activate_account(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Ihr Konto ist bestätigt. Meldungen, die Sie angemeldet abgeben, finden Sie hier."))
    return redirect("intake:my_reports")


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Rate limited per client so the form cannot be used to flood mailboxes."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not throttle.allow(self.request, "password_reset"):
            form.add_error(None, _too_many_requests())
            return self.form_invalid(form)
        return super().form_valid(form)


ACCOUNTS_PER_PAGE = 50


@never_cache
@staff_required(can_manage_users)
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    listing = user_listing(request.user, **form.filters())
    page = Paginator(listing, ACCOUNTS_PER_PAGE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(request, "accounts/account_list.html", {"form": form, "page": page, "query": query.urlencode()})


@never_cache
@staff_required(can_manage_users)
@require_GET
def account_export(request: HttpRequest) -> HttpResponse:
    listing = list(user_listing(request.user, **AccountFilterForm(request.GET or None).filters()))
    audit.log("accounts.users_exported", actor=request.user, data={"rows": len(listing)})
    yes, no = _("ja"), _("nein")
    return csv_response(
        "Benutzerkonten.csv",
        [
            _("Name"),
            _("E-Mail-Adresse"),
            _("Organisation"),
            _("Leitung"),
            _("aktiv"),
            _("Zweiter Faktor"),
            _("angelegt am"),
            _("letzte Anmeldung"),
        ],
        (
            [
                account.full_name,
                account.email,
                account.organisation_name,
                yes if account.is_supervisor else no,
                yes if account.is_active else no,
                yes if account.has_second_factor else no,
                date_format(localtime(account.date_joined), "d.m.Y H:i"),
                date_format(localtime(account.last_login), "d.m.Y H:i") if account.last_login else "",
            ]
            for account in listing
        ),
    )


def _account_form_data(form: AccountForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("full_name", "organisation", "is_supervisor")}


@never_cache
@staff_required(can_manage_users)
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_account(
                by=request.user, email=form.cleaned_data["email"], **_account_form_data(form)
            )
        except services.AccountChangeRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(
                request,
                _("Das Konto ist angelegt. %(email)s erhält einen Link, um das Passwort festzulegen.")
                % {"email": account.email},
            )
            return redirect("accounts:account_edit", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "account": None})


@never_cache
@staff_required(can_manage_users)
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(user_listing(request.user), pk=pk)
    initial = {
        "full_name": account.full_name,
        "organisation": account.organisation,
        "is_supervisor": account.is_supervisor,
    }
    form = AccountForm(request.POST or None, initial=initial, creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_account(by=request.user, user=account, **_account_form_data(form))
        except services.AccountChangeRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("accounts:account_edit", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


@never_cache
@staff_required(can_manage_users)
@require_POST
def account_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(users_manageable_by(request.user), pk=pk)
    action = request.POST.get("aktion")
    if action not in ("deaktivieren", "reaktivieren"):
        messages.error(request, _("Bitte wählen Sie, ob das Konto deaktiviert oder wieder aktiviert werden soll."))
        return redirect("accounts:account_edit", pk=account.pk)
    active = action == "reaktivieren"
    try:
        services.set_account_active(by=request.user, user=account, active=active)
    except services.AccountChangeRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Das Konto ist wieder aktiv.") if active else _("Das Konto ist deaktiviert."))
    return redirect("accounts:account_edit", pk=account.pk)


@never_cache
@staff_required(can_manage_users)
@require_POST
def account_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(users_manageable_by(request.user), pk=pk)
    services.reset_second_factor(by=request.user, user=account)
    messages.success(
        request, _("Der zweite Faktor ist zurückgesetzt. Bei der nächsten Anmeldung wird er neu eingerichtet.")
    )
    if account.pk == request.user.pk:
        return redirect("accounts:two_factor_setup")
    return redirect("accounts:account_edit", pk=account.pk)
