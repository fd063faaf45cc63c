"""E-mail notices. They carry nothing but the case number and a link: no content ever leaves the platform by
e-mail, neither to the offices nor to the reporter."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

SUBJECTS = {
    "new": gettext_noop("sikom: neue Meldung %(number)s"),
    "referred": gettext_noop("sikom: Fall %(number)s an Ihre Stelle weitergeleitet"),
    "shared": gettext_noop("sikom: Ihre Stelle ist an Fall %(number)s beteiligt"),
    "reporter_activity": gettext_noop("sikom: neue Nachricht zu %(number)s"),
    "corrected": gettext_noop("sikom: Angaben zu %(number)s geändert"),
}


@task()
def notify_case_recipients(case_id: int, reason: str = "new") -> int:
    from sikom.cases.models import Case
    from sikom.cases.selectors import case_recipients

    case = Case.objects.get(pk=case_id)
    recipients = list(case_recipients(case).values_list("email", flat=True))
    if not recipients:
        return 0
    link = settings.SITE_URL.rstrip("/") + case.get_absolute_url()
    send_mail(
        _(SUBJECTS.get(reason, SUBJECTS["new"])) % {"number": case.number},
        _("Zu Fall %(number)s gibt es Neues. Bitte melden Sie sich an, um es anzusehen:\n%(link)s\n")
        % {"number": case.number, "link": link},
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return len(recipients)


@task()
def notify_reporter(case_id: int) -> int:
    """Only for reporters who left an e-mail address and want to be reached that way; never the content."""
    from sikom.reports.models import Report
    from sikom.reports.vocabulary import ContactPreference

    report = Report.objects.select_related("case").filter(case_id=case_id).first()
    if report is None or report.anonymous or not report.contact_email:
        return 0
    if report.contact_preference not in (ContactPreference.EMAIL, ContactPreference.PLATFORM):
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse("intake:followup")
    send_mail(
        _("sikom: Neuigkeiten zu Ihrer Meldung %(number)s") % {"number": report.case.number},
        _(
            "Zu Ihrer Meldung %(number)s gibt es Neuigkeiten. Sie finden sie nach der Anmeldung mit Fallnummer und "
            "Zugangscode hier:\n%(link)s\n"
        )
        % {"number": report.case.number, "link": link},
        settings.DEFAULT_FROM_EMAIL,
        [report.contact_email],
    )
    return 1
