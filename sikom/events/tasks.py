"""E-mails to people who registered. The link tokens are made here, when the e-mail is written, so a raw token is
never stored: not in the registration and not in the task queue's rows."""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

SUBJECTS = {
    "confirm_email": gettext_noop("Bitte bestätigen Sie Ihre Anmeldung: %(title)s"),
    "confirmed": gettext_noop("Anmeldung bestätigt: %(title)s"),
    "waiting": gettext_noop("Warteliste: %(title)s"),
    "offer": gettext_noop("Ein Platz ist frei geworden: %(title)s"),
    "offer_expired": gettext_noop("Platzangebot abgelaufen: %(title)s"),
    "cancelled": gettext_noop("Anmeldung storniert: %(title)s"),
}
# The status a registration must still have for the e-mail to make sense when the worker sends it.
STATUS_FOR = {
    "confirm_email": "pending",
    "confirmed": "confirmed",
    "waiting": "waiting",
    "offer": "offered",
    "offer_expired": "expired",
    "cancelled": "cancelled",
}


def _link(name: str, raw: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[raw])


# A failed send is tried again later, up to this many times (after 2, 4, 8, 16, 32 … minutes).
SEND_ATTEMPTS = 8


def _retry_later(registration_id: int, kind: str, attempt: int) -> bool:
    """Enqueue the same e-mail again with a growing delay; False when the backend cannot defer or attempts ran out."""
    backend = send_registration_mail.get_backend()
    if attempt >= SEND_ATTEMPTS or not backend.supports_defer:
        return False
    delay = timedelta(minutes=2**attempt)
    send_registration_mail.using(run_after=timezone.now() + delay).enqueue(registration_id, kind, attempt + 1)
    return True


@task()
def send_registration_mail(registration_id: int, kind: str, attempt: int = 1) -> bool:
    from sikom.events.calendar import session_ics
    from sikom.events.models import LinkToken, Registration
    from sikom.events.services import issue_token

    registration = (
        Registration.objects.select_related("session__event")
        .prefetch_related("persons")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or kind not in SUBJECTS or registration.status != STATUS_FOR[kind]:
        return False
    session = registration.session
    context = {"registration": registration, "session": session, "event": session.event, "kind": kind}
    manage_until = session.ends_at + timedelta(days=1)
    if kind == "confirm_email":
        raw = issue_token(
            registration=registration, purpose=LinkToken.Purpose.CONFIRM_EMAIL, expires_at=registration.deadline
        )
        context["confirm_link"] = _link("events:confirm", raw)
        context["hours"] = settings.EVENT_CONFIRMATION_HOURS
    if kind == "offer":
        raw = issue_token(
            registration=registration, purpose=LinkToken.Purpose.ACCEPT_OFFER, expires_at=registration.deadline
        )
        context["offer_link"] = _link("events:accept_offer", raw)
    if kind in ("confirmed", "waiting", "offer") and manage_until > timezone.now():
        raw = issue_token(registration=registration, purpose=LinkToken.Purpose.MANAGE, expires_at=manage_until)
        context["manage_link"] = _link("events:registration", raw)
    message = EmailMessage(
        _(SUBJECTS[kind]) % {"title": session.event.title},
        render_to_string("events/email/registration.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [registration.email],
    )
    if kind == "confirmed":
        message.attach(
            "termin.ics", session_ics(session, with_access=True), "text/calendar; charset=utf-8; method=PUBLISH"
        )
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        # The registration is committed already; only the e-mail waits. Its links are minted anew on the next try.
        if _retry_later(registration_id, kind, attempt):
            return False
        raise
    return True
