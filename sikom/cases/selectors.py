"""Who receives notices about a case. Until routing exists (casework issue), the intake offices do."""

from django.conf import settings
from django.db.models import QuerySet

from sikom.accounts.models import User


def intake_recipients() -> QuerySet[User]:
    return User.objects.filter(is_active=True, organisation__type__in=settings.CASE_INTAKE_ORGANISATION_TYPES).exclude(
        email=""
    )


def messages_for_reporter(case):
    return case.messages.filter(internal=False).order_by("created_at", "pk")
