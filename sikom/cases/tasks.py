"""E-mail notices to the offices. They carry nothing but the case number and a link: no content ever leaves the
platform by e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task


def _notify(case_id: int, subject: str, text: str) -> int:
    from sikom.cases.models import Case
    from sikom.cases.selectors import intake_recipients

    case = Case.objects.get(pk=case_id)
    recipients = list(intake_recipients().values_list("email", flat=True))
    if not recipients:
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:home")
    send_mail(
        subject % {"number": case.number},
        text % {"number": case.number, "link": link},
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return len(recipients)


@task()
def notify_offices_of_new_case(case_id: int) -> int:
    return _notify(
        case_id,
        _("sikom: neue Meldung %(number)s"),
        _(
            "Es ist eine neue Meldung eingegangen: %(number)s.\n\nBitte melden Sie sich an, um sie anzusehen:\n%(link)s\n"
        ),
    )


@task()
def notify_offices_of_reporter_activity(case_id: int) -> int:
    return _notify(
        case_id,
        _("sikom: neue Nachricht zu %(number)s"),
        _("Die meldende Person hat zu %(number)s etwas ergänzt.\n\nBitte melden Sie sich an:\n%(link)s\n"),
    )
