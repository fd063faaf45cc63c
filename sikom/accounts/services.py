"""Writes for accounts: login with throttling, two-factor enrolment and verification, contact details, and the
operators' management of accounts (create, organisation, supervisor flag, deactivate, reset the second factor)."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom.accounts.models import CONTACT_FIELDS, Organisation, OrganisationType, User
from sikom.accounts.tasks import send_set_password_mail
from sikom.core import audit, throttle
from sikom.geo.models import District, PoliceDirectorate


@dataclass(frozen=True)
class LoginResult:
    user: User | None


def _account_key(email: str) -> str:
    return throttle.hashed_key(f"account:{email.strip().lower()}")


def login_counters(request: HttpRequest, email: str) -> list[tuple[str, str, int]]:
    """The failure counters of a password check, account first: shared by login and re-authentication."""
    return [
        ("login_account", _account_key(email), settings.LOGIN_FAILURES_PER_ACCOUNT),
        ("login_client", throttle.client_key(request), settings.LOGIN_FAILURES_PER_CLIENT),
    ]


def check_login(*, request: HttpRequest, email: str, password: str) -> LoginResult:
    """Check the password, counting failures per account and per client; raise `throttle.Locked` when over the limit.

    A locked account gets the same answer whether or not it exists, so the lock reveals nothing.
    """
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    account_key = _account_key(email)
    counters = login_counters(request, email)
    try:
        throttle.guard(counters, window)
    except throttle.Locked:
        audit.log("auth.login_locked", data={"account": account_key[:12]})
        raise
    user = authenticate(request, username=email.strip().lower(), password=password)
    throttle.settle(counters, window, ok=user is not None)
    if user is None:
        known = get_user_model().objects.filter(email=email.strip().lower()).first()
        audit.log("auth.login_failed", obj=known, data={"account": account_key[:12]})
        return LoginResult(user=None)
    audit.log("auth.login", actor=user, obj=user)
    return LoginResult(user=user)


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed device the user is enrolling; a new secret only when none is pending."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=False)
    return device


def confirm_totp_enrolment(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        audit.log("auth.two_factor_enrolment_failed", actor=request.user, obj=request.user)
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        audit.log("auth.two_factor_enrolled", actor=request.user, obj=request.user)
    otp_login(request, device)
    return True


def verify_second_factor(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    allowed, _ = device.verify_is_allowed()
    if allowed and device.verify_token(token):
        otp_login(request, device)
        audit.log("auth.two_factor_verified", actor=request.user, obj=request.user)
        return True
    audit.log("auth.two_factor_failed", actor=request.user, obj=request.user)
    return False


def register_official(*, full_name: str, email: str, password: str) -> User | None:
    """An inactive account that the activation link switches on; None when the address is taken (the caller shows
    the same answer either way, so registration reveals no accounts)."""
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            audit.log("auth.registration_for_existing_address")
            return None
        user = User.objects.create_user(email, password, full_name=full_name, is_active=False)
        audit.log("auth.registered", obj=user)
    return user


def activate_account(*, user: User) -> User:
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.log("auth.activated", actor=user, obj=user)
    return user


def update_organisation_contact(*, organisation: Organisation, by: User, **fields: str) -> Organisation:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = {name: value for name, value in fields.items() if getattr(organisation, name) != value}
        for name, value in changed.items():
            setattr(organisation, name, value)
        if changed:
            organisation.contact_updated_at = timezone.now()
            organisation.save(update_fields=[*changed, "contact_updated_at"])
            audit.log("organisation.contact_updated", actor=by, obj=organisation, data={"fields": sorted(changed)})
    return organisation


def ensure_reference_organisations(*, data_file: Path) -> dict[str, int]:
    """Create the programme's offices, the five police directorates and one Expertennetzwerk coordination per
    district. Existing rows are left alone, so contact details filled in by the offices survive a reload."""
    created = 0
    for entry in json.loads(data_file.read_text(encoding="utf-8")):
        defaults = {key: value for key, value in entry.items() if key.startswith("contact_")}
        _, was_created = Organisation.objects.get_or_create(name=entry["name"], type=entry["type"], defaults=defaults)
        created += was_created
    for directorate in PoliceDirectorate.objects.all():
        _, was_created = Organisation.objects.get_or_create(
            police_directorate=directorate,
            defaults={"name": directorate.name, "type": OrganisationType.POLICE_DIRECTORATE},
        )
        created += was_created
    for district in District.objects.all():
        _, was_created = Organisation.objects.get_or_create(
            type=OrganisationType.EXPERT_NETWORK,
            district=district,
            defaults={"name": f"Expertennetzwerk – Regionale Koordination {district.display_name}"},
        )
        created += was_created
    return {"organisations_created": created, "organisations": Organisation.objects.count()}


class AccountChangeRefused(Exception):
    """A change the operators' account page may not make; ``message`` is German, ready for the field or page."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _check_supervisor(organisation: Organisation | None, is_supervisor: bool) -> None:
    if is_supervisor and organisation is None:
        raise AccountChangeRefused(
            _("Leitung kann nur sein, wer zu einer Organisation gehört. Bitte wählen Sie die Organisation aus."),
            field="is_supervisor",
        )


def create_account(
    *, by: User, email: str, full_name: str, organisation: Organisation | None, is_supervisor: bool
) -> User:
    """A new account; its holder chooses the password through the e-mailed link (queued with the commit).

    The account gets a random password nobody knows rather than an unusable one, so that »Passwort vergessen«
    works for it once the link has expired (Django sends no reset link to accounts without a usable password).
    """
    email = email.strip().lower()
    _check_supervisor(organisation, is_supervisor)
    taken = AccountChangeRefused(_("Für diese E-Mail-Adresse gibt es bereits ein Konto."), field="email")
    if User.objects.filter(email__iexact=email).exists():
        raise taken
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                secrets.token_urlsafe(32),
                full_name=full_name,
                organisation=organisation,
                is_supervisor=is_supervisor,
            )
            audit.log(
                "accounts.user_created",
                actor=by,
                obj=user,
                data={"organisation": organisation.name if organisation else "", "is_supervisor": is_supervisor},
            )
            transaction.on_commit(lambda: send_set_password_mail.enqueue(user.pk))
    except IntegrityError:  # two operators at the same moment: the unique index decides
        raise taken from None
    return user


def update_account(
    *, by: User, user: User, full_name: str, organisation: Organisation | None, is_supervisor: bool
) -> User:
    """Name, organisation and supervisor flag; the audit entry names the old and new organisation and flag."""
    _check_supervisor(organisation, is_supervisor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"organisation": user.organisation_name, "is_supervisor": user.is_supervisor}
        changed = []
        if user.full_name != full_name:
            changed.append("full_name")
        if user.organisation_id != (organisation.pk if organisation else None):
            changed.append("organisation")
        if user.is_supervisor != is_supervisor:
            changed.append("is_supervisor")
        if not changed:
            return user
        user.full_name, user.organisation, user.is_supervisor = full_name, organisation, is_supervisor
        user.save(update_fields=changed)
        after = {"organisation": user.organisation_name, "is_supervisor": user.is_supervisor}
        data = {"fields": changed} | {
            name: [before[name], after[name]] for name in before if before[name] != after[name]
        }
        audit.log("accounts.user_updated", actor=by, obj=user, data=data)
    return user


def set_account_active(*, by: User, user: User, active: bool) -> User:
    """Deactivated accounts cannot log in and their open sessions end (Django's backend refuses inactive users)."""
    if not active and user.pk == by.pk:
        raise AccountChangeRefused(_("Ihr eigenes Konto können Sie nicht deaktivieren."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active != active:
            user.is_active = active
            user.save(update_fields=["is_active"])
            audit.log("accounts.user_reactivated" if active else "accounts.user_deactivated", actor=by, obj=user)
    return user


def reset_second_factor(*, by: User, user: User) -> int:
    """Remove every authenticator of the account: at the next login (or request) its holder must enrol again."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        audit.log("accounts.user_second_factor_reset", actor=by, obj=user, data={"devices": removed})
    return removed
