"""Writes for accounts: login with throttling, two-factor enrolment and verification, contact details."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom.accounts.models import CONTACT_FIELDS, Organisation, OrganisationType, User
from sikom.core import audit, throttle
from sikom.geo.models import District, PoliceDirectorate


class LoginLocked(Exception):
    pass


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
    """Check the password, counting failures per account and per client; raise LoginLocked when over the limit.

    A locked account gets the same answer whether or not it exists, so the lock reveals nothing.
    """
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    account_key = _account_key(email)
    counters = login_counters(request, email)
    if throttle.locked(counters, window):
        audit.log("auth.login_locked", data={"account": account_key[:12]})
        raise LoginLocked
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is None:
        throttle.record_failure(counters, window)
        known = get_user_model().objects.filter(email=email.strip().lower()).first()
        audit.log("auth.login_failed", obj=known, data={"account": account_key[:12]})
        return LoginResult(user=None)
    throttle.reset("login_account", account_key)
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
