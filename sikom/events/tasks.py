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


def manage_link_expiry(session):
    """The »manage« link opens the registration (and, after the session, the certificates) until its personal data
    is deleted (decision 0026)."""
    from sikom.events.services import months_before

    return months_before(session.ends_at, -settings.EVENT_RETENTION_MONTHS)


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
    if not registration.email:  # a walk-in who gave no address
        return False
    session = registration.session
    context = {"registration": registration, "session": session, "event": session.event, "kind": kind}
    manage_until = manage_link_expiry(session)
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


@task()
def send_feedback_mail(registration_id: int, attempt: int = 1) -> bool:
    """After the session: one feedback link per person of the registration marked present, and the link to the
    registration (certificates). The feedback tokens know only the session; if the send fails they are deleted
    again, so no person ever holds two links."""
    from sikom.events.models import LinkToken, Registration
    from sikom.events.services import issue_feedback_token, issue_token

    registration = (
        Registration.objects.select_related("session__event").filter(pk=registration_id, status="confirmed").first()
    )
    if registration is None or not registration.email:
        return False
    session = registration.session
    persons = list(registration.persons.filter(attendance__isnull=False).order_by("position", "pk"))
    if not persons:
        return False
    minted = [issue_feedback_token(session=session) for _person in persons]
    manage_raw = issue_token(
        registration=registration, purpose=LinkToken.Purpose.MANAGE, expires_at=manage_link_expiry(session)
    )
    context = {
        "registration": registration,
        "session": session,
        "event": session.event,
        "links": [
            (person.name, _link("events:feedback", raw)) for person, (raw, _pk) in zip(persons, minted, strict=True)
        ],
        "manage_link": _link("events:registration", manage_raw),
    }
    message = EmailMessage(
        _("Ihre Rückmeldung und Ihre Teilnahmebescheinigung: %(title)s") % {"title": session.event.title},
        render_to_string("events/email/feedback.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [registration.email],
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        from sikom.events.models import FeedbackToken

        FeedbackToken.objects.filter(pk__in=[pk for _raw, pk in minted]).delete()
        backend = send_feedback_mail.get_backend()
        if attempt < SEND_ATTEMPTS and backend.supports_defer:
            send_feedback_mail.using(run_after=timezone.now() + timedelta(minutes=2**attempt)).enqueue(
                registration_id, attempt + 1
            )
            return False
        raise
    return True
