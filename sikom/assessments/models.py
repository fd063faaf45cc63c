"""The »erste Gefahrenanalyse« of a case: one row per assessment, kept for good (append-only).

Why the override reason is not a database constraint: an override (``level != suggested_level``) needs a reason,
but ``override_reason`` is encrypted with a fresh nonce each time, so the database only sees an opaque token and
cannot tell an empty reason from a real one — a ``CheckConstraint`` on it is not expressible. The rule is enforced
in ``services.record_assessment`` (the only writer) and, for the message at the field, in the form. The level
ranges are ordinary integers and are constrained in the database.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.cases.models import Case, RiskLevel
from sikom.core.crypto import EncryptedJSONField, EncryptedTextField


class AppendOnly(Exception):
    """An assessment is never changed after it was recorded; a new assessment is recorded instead."""


class ThreatAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    instrument_version = models.CharField(_("Version des Instruments"), max_length=20)
    # item code → {"value": "present" | "absent" | "unknown", "note": str}; notes are evidence, so encrypted.
    answers = EncryptedJSONField(_("Antworten"))
    suggested_level = models.PositiveSmallIntegerField(_("Vorgeschlagene Stufe"), choices=RiskLevel.choices)
    # The codes of the rules that applied (R1…R6), kept so the history shows why, even after the rules change.
    rules_fired = models.JSONField(_("Zutreffende Regeln"), default=list)
    level = models.PositiveSmallIntegerField(_("Festgelegte Stufe"), choices=RiskLevel.choices)
    override_reason = EncryptedTextField(_("Begründung der Abweichung"), blank=True)
    next_review_on = models.DateField(_("Nächste Neubewertung"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Analyst:in"),
    )
    assessed_by_organisation = models.CharField(_("Stelle"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("Erstellt am"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Erste Gefahrenanalyse")
        verbose_name_plural = _("Erste Gefahrenanalysen")
        indexes = [models.Index(fields=["case", "-created_at"])]
        constraints = [
            models.CheckConstraint(name="assessment_level_in_range", condition=models.Q(level__gte=1, level__lte=4)),
            models.CheckConstraint(
                name="assessment_suggested_level_in_range",
                condition=models.Q(suggested_level__gte=1, suggested_level__lte=4),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d %H:%M} Stufe {self.level}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("a recorded assessment is never changed")
        super().save(*args, **kwargs)

    @property
    def is_override(self) -> bool:
        return self.level != self.suggested_level

    @property
    def review_overdue(self) -> bool:
        return self.next_review_on < timezone.localdate()
