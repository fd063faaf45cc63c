"""Cases: the handling of a report by the programme's offices. Routing and workflow come with the casework issue;
a new case waits for routing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sikom.core.crypto import EncryptedTextField


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Eingegangen – wird zugewiesen")


class CaseNumberSequence(models.Model):
    """One row per year; incremented under a row lock so case numbers are unique and gap-free under concurrency."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("Fallnummer"), max_length=20, unique=True)
    status = models.CharField(_("Status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    created_at = models.DateTimeField(_("Eingegangen am"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the reporter writes or adds evidence, cleared when a handler has seen it (casework issue).
    reporter_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Fall")
        verbose_name_plural = _("Fälle")

    def __str__(self) -> str:
        return self.number


class Message(models.Model):
    """A message between the reporter and the handlers. Internal notes are never shown to the reporter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    body = EncryptedTextField(_("Nachricht"))
    internal = models.BooleanField(_("Interne Notiz"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="reporter_messages_are_never_internal",
                condition=~models.Q(from_reporter=True, internal=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d %H:%M}"
