"""Protective measures on a case: what is done, by which agency, since and until when — with an append-only
history of every change."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.cases.models import Case
from sikom.core.choices import choice_label
from sikom.core.crypto import EncryptedJSONField, EncryptedTextField
from sikom.measures.catalogue import CATALOGUE, MeasureKind


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    ACTIVE = "active", _("läuft")
    ENDED = "ended", _("beendet")


OPEN_STATUSES = [MeasureStatus.PLANNED, MeasureStatus.ACTIVE]


class CaseMeasure(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures", verbose_name=_("Fall"))
    kind = models.CharField(_("Maßnahme"), max_length=40, choices=MeasureKind.choices)
    responsible = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="case_measures", verbose_name=_("Zuständige Stelle")
    )
    status = models.CharField(_("Status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    starts_on = models.DateField(_("Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    notes = EncryptedTextField(_("Notizen"), blank=True)
    # Incremented on every saved change; an edit based on an older version is refused (no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Zuletzt geändert"), auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Schutzmaßnahme")
        verbose_name_plural = _("Schutzmaßnahmen")
        indexes = [models.Index(fields=["case", "status"]), models.Index(fields=["status", "case"])]
        constraints = [
            models.CheckConstraint(
                name="measure_ends_on_or_after_start",
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
            ),
            models.CheckConstraint(name="measure_status_is_known", condition=Q(status__in=MeasureStatus.values)),
            models.CheckConstraint(
                name="ended_measure_has_end_date", condition=~Q(status=MeasureStatus.ENDED) | Q(ends_on__isnull=False)
            ),
            # The same measure is not planned twice at once; once ended it may be planned again.
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(status__in=OPEN_STATUSES), name="one_open_measure_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"

    @property
    def title(self) -> str:
        return choice_label(MeasureKind, self.kind)

    @property
    def description(self) -> str:
        entry = CATALOGUE.get(self.kind)
        return str(entry.description) if entry else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseMeasureChange(models.Model):
    """Append-only history of a measure: one row when it is planned and one per saved change.

    ``changes`` maps a field name to ``[before, after]`` (dates as ISO text). It is encrypted because it carries the
    notes, which may hold personal details.
    """

    class Action(models.TextChoices):
        PLANNED = "planned", _("geplant")
        UPDATED = "updated", _("geändert")

    measure = models.ForeignKey(CaseMeasure, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    version = models.PositiveIntegerField()
    changes = EncryptedJSONField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as text so the history still names the agency after the person's account is gone.
    by_organisation = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version", "-pk"]
        constraints = [models.UniqueConstraint(fields=["measure", "version"], name="one_change_per_measure_version")]

    def __str__(self) -> str:
        return f"{self.measure} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("measure history rows are append-only")
        super().save(*args, **kwargs)
