"""E-mail notice to the municipality's member who filed a request. Like every notice of the platform it carries
nothing but the number and a link: no content leaves the platform by e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def notify_municipality(case_id: int) -> int:
    from sikom.netrequests.models import ExpertRequest

    request = ExpertRequest.objects.select_related("case", "filed_by").filter(case_id=case_id).first()
    if request is None or request.filed_by is None or not request.filed_by.is_active or not request.filed_by.email:
        return 0
    number = request.case.number
    link = settings.SITE_URL.rstrip("/") + reverse("netrequests:detail", args=[number])
    send_mail(
        _("sikom: Neuigkeiten zu Ihrer Anfrage %(number)s") % {"number": number},
        _("Zu Ihrer Anfrage %(number)s an das Expertennetzwerk gibt es Neues. Bitte melden Sie sich an:\n%(link)s\n")
        % {"number": number, "link": link},
        settings.DEFAULT_FROM_EMAIL,
        [request.filed_by.email],
    )
    return 1
