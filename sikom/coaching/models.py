"""Coaching towards a municipal prevention strategy (»Coachingprozess«): one process per municipality, structured by
the seven Beccaria quality steps, each with its text, status, dates and documents; an append-only history of every
change to a step; the measures table of the strategy; shares with the Expertennetzwerk and the police."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.core.choices import choice_label
from sikom.geo.models import Municipality


class CoachingStatus(models.TextChoices):
    RUNNING = "running", _("läuft")
    FINISHED = "finished", _("abgeschlossen")
    CANCELLED = "cancelled", _("abgebrochen")


class StepStatus(models.TextChoices):
    OPEN = "open", _("offen")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    DONE = "done", _("erledigt")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    RUNNING = "running", _("läuft")
    DONE = "done", _("umgesetzt")


# The seven quality steps of the Beccaria standards, in their order.
STEP_TITLES = {
    1: _("Problembeschreibung"),
    2: _("Analyse der Ursachen des Problems"),
    3: _("Ziele und Zielgruppen"),
    4: _("Maßnahmen zur Zielerreichung"),
    5: _("Projektkonzeption und Durchführung"),
    6: _("Evaluation"),
    7: _("Schlussfolgerungen und Dokumentation"),
}
STEP_NUMBERS = tuple(STEP_TITLES)


class Coaching(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="coachings", verbose_name=_("Gemeinde")
    )
    begun = models.DateField(_("Beginn"))
    # The day the process ended, finished or cancelled: the figures count it as running until then.
    finished = models.DateField(_("Ende"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=CoachingStatus.choices, default=CoachingStatus.RUNNING
    )
    end_reason = models.TextField(_("Begründung"), blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coachings",
        verbose_name=_("Coach"),
    )
    shares = models.ManyToManyField(
        Organisation, blank=True, related_name="shared_coachings", verbose_name=_("Freigegeben für")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-begun", "pk"]
        verbose_name = _("Coachingprozess")
        verbose_name_plural = _("Coachingprozesse")
        indexes = [models.Index(fields=["status", "begun"])]
        constraints = [
            models.CheckConstraint(name="coaching_status_is_known", condition=Q(status__in=CoachingStatus.values)),
            models.CheckConstraint(
                name="coaching_ends_after_it_begins", condition=Q(finished__isnull=True) | Q(finished__gte=F("begun"))
            ),
            models.CheckConstraint(
                name="coaching_end_date_iff_ended",
                condition=(Q(status=CoachingStatus.RUNNING) & Q(finished__isnull=True))
                | (~Q(status=CoachingStatus.RUNNING) & Q(finished__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality.display_name} ({self.begun:%d.%m.%Y})"

    @property
    def status_label(self) -> str:
        return choice_label(CoachingStatus, self.status)


class CoachingStatusChange(models.Model):
    """Append-only: one row per move of the coaching's workflow."""

    coaching = models.ForeignKey(Coaching, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=10)
    new_status = models.CharField(max_length=10)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.old_status} → {self.new_status}"


class StrategyStep(models.Model):
    coaching = models.ForeignKey(Coaching, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("Schritt"))
    text = models.TextField(_("Text"), blank=True)
    status = models.CharField(_("Status"), max_length=12, choices=StepStatus.choices, default=StepStatus.OPEN)
    started = models.DateField(_("Begonnen am"), null=True, blank=True)
    finished = models.DateField(_("Erledigt am"), null=True, blank=True)
    # Incremented on every saved change; an edit based on an older version is refused (no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["coaching", "number"]
        constraints = [
            models.UniqueConstraint(fields=["coaching", "number"], name="one_step_per_number"),
            models.CheckConstraint(name="step_number_is_beccaria", condition=Q(number__gte=1, number__lte=7)),
            models.CheckConstraint(name="step_status_is_known", condition=Q(status__in=StepStatus.values)),
            models.CheckConstraint(
                name="step_finished_after_started",
                condition=Q(started__isnull=True) | Q(finished__isnull=True) | Q(finished__gte=F("started")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def title(self) -> str:
        return str(STEP_TITLES.get(self.number, ""))

    @property
    def status_label(self) -> str:
        return choice_label(StepStatus, self.status)


class StepRevision(models.Model):
    """Append-only: one row per saved version of a step (who, when, status before and after, the text saved)."""

    step = models.ForeignKey(StrategyStep, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    old_status = models.CharField(max_length=12, blank=True)
    new_status = models.CharField(max_length=12)
    text = models.TextField(blank=True)
    started = models.DateField(null=True, blank=True)
    finished = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_organisation = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # A document added keeps the step's version (an open edit form stays valid); its row carries a note.
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.step_id} v{self.version}"

    @property
    def old_status_label(self) -> str:
        return choice_label(StepStatus, self.old_status)

    @property
    def new_status_label(self) -> str:
        return choice_label(StepStatus, self.new_status)


class StepDocument(models.Model):
    """A document of a step: stored encrypted in the private storage; the type was sniffed from its bytes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    step = models.ForeignKey(StrategyStep, on_delete=models.CASCADE, related_name="documents")
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe in Bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("Hochgeladen am"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class StrategyMeasure(models.Model):
    """A row of the strategy's measures table: what, who is responsible, when."""

    coaching = models.ForeignKey(Coaching, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("Maßnahme"), max_length=300)
    owner = models.CharField(_("Verantwortlich"), max_length=200)
    timing = models.CharField(_("Zeitraum"), max_length=100, blank=True)
    due = models.DateField(_("Fällig am"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    # Where the measure was agreed (e.g. a participation format), so measures from elsewhere can be taken over.
    source = models.CharField(_("Herkunft"), max_length=300, blank=True)
    # The measure agreed at one of the municipality's participation formats that this row was taken over from.
    taken_from = models.ForeignKey(
        "councils.ParticipationMeasure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Übernommen aus der Bürgerbeteiligung"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["coaching", "due", "pk"]
        constraints = [
            models.CheckConstraint(
                name="strategy_measure_status_is_known", condition=Q(status__in=MeasureStatus.values)
            ),
            models.UniqueConstraint(
                fields=["coaching", "taken_from"], name="participation_measure_taken_over_once_per_coaching"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        return choice_label(MeasureStatus, self.status)
