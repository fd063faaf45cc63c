"""E-mail notices of the funding procedure. A notice names the reference number, says in one German sentence what
happened and links to the application: no amounts, no names, no text of the application (the page behind the login
shows them), so a misdirected or forwarded e-mail discloses nothing more than that a step happened."""

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
    "query": gettext_noop("Rückfrage zu Ihrem Förderantrag %(number)s"),
    "decided": gettext_noop("Entscheidung über Ihren Förderantrag %(number)s"),
    "payment_released": gettext_noop("Auszahlung zu Ihrem Förderantrag %(number)s"),
    "proof_closed": gettext_noop("Verwendungsnachweis zu Ihrem Förderantrag %(number)s geprüft"),
    "reviewer_assigned": gettext_noop("Förderantrag %(number)s zur Bewertung"),
}
# A failed send is tried again later, up to this many times (after 2, 4, 8 … minutes), as the events e-mails are.
SEND_ATTEMPTS = 8


@task()
def send_funding_notice(application_id: int, kind: str, user_id: int, attempt: int = 1) -> bool:
    from sikom.accounts.models import User
    from sikom.funding.models import Application

    application = Application.objects.filter(pk=application_id).only("pk", "number").first()
    user = User.objects.filter(pk=user_id, is_active=True).only("pk", "email").first()
    if application is None or user is None or not user.email or kind not in SUBJECTS:
        return False
    query = application.queries.last() if kind == "query" else None
    context = {
        "kind": kind,
        "number": application.number or "",
        "deadline": query.deadline if query else None,
        "link": settings.SITE_URL.rstrip("/") + reverse("funding:application_detail", args=[application.pk]),
    }
    message = EmailMessage(
        _(SUBJECTS[kind]) % {"number": application.number or ""},
        render_to_string("funding/email/notice.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        # The change is committed already; only the notice waits.
        backend = send_funding_notice.get_backend()
        if attempt < SEND_ATTEMPTS and backend.supports_defer:
            send_funding_notice.using(run_after=timezone.now() + timedelta(minutes=2**attempt)).enqueue(
                application_id, kind, user_id, attempt + 1
            )
            return False
        raise
    return True
