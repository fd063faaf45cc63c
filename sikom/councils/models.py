"""Prevention councils (»Kriminalpräventive Räte«) of the municipalities, their meetings and decisions, the status of
the municipalities' safety analyses, and the citizen participation formats (»Bürgerbeteiligungsformate«) with their
agreed measures.

A municipality keeps its own records; the ASSKomm team reads (and may edit) all of them; a council is shown to the
Expertennetzwerk or a police directorate only when the municipality shares it with that organisation. Who sees what is
decided in `selectors.py` and nowhere else.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.geo.models import Municipality


class PreventionCouncil(models.Model):
    """One council per municipality (also after it was dissolved: a new start edits the dates)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.PROTECT, related_name="prevention_council", verbose_name=_("Gemeinde")
    )
    name = models.CharField(_("Name des Rates"), max_length=200, blank=True)
    founded = models.DateField(_("Gegründet am"))
    dissolved = models.DateField(_("Aufgelöst am"), null=True, blank=True)
    chair = models.CharField(_("Vorsitz"), max_length=200)
    member_institutions = models.TextField(_("Mitwirkende Institutionen"), blank=True)
    member_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="prevention_council_memberships",
        verbose_name=_("Mitwirkende Organisationen der Plattform"),
    )
    shared_with = models.ManyToManyField(
        Organisation, blank=True, related_name="prevention_council_shares", verbose_name=_("Freigegeben für")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("Kriminalpräventiver Rat")
        verbose_name_plural = _("Kriminalpräventive Räte")
        constraints = [
            models.CheckConstraint(
                name="council_dissolved_after_founded",
                condition=Q(dissolved__isnull=True) | Q(dissolved__gte=F("founded")),
            )
        ]

    def __str__(self) -> str:
        return self.name or str(_("Kriminalpräventiver Rat %(municipality)s") % {"municipality": self.municipality})

    @property
    def is_active(self) -> bool:
        return self.dissolved is None


class CouncilMeeting(models.Model):
    council = models.ForeignKey(PreventionCouncil, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("Datum"))
    starts_at = models.TimeField(_("Beginn"), null=True, blank=True)
    ends_at = models.TimeField(_("Ende"), null=True, blank=True)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    agenda = models.TextField(_("Tagesordnung"))
    minutes = models.TextField(_("Protokoll"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-starts_at", "-pk"]
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start",
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.council} – {self.date:%d.%m.%Y}"


class CouncilDecision(models.Model):
    meeting = models.ForeignKey(CouncilMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("Beschluss"))
    owner = models.CharField(_("Verantwortlich"), max_length=200)
    due_date = models.DateField(_("Zu erledigen bis"), null=True, blank=True)
    done = models.BooleanField(_("Erledigt"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")

    def __str__(self) -> str:
        return self.text[:80]


class AnalysisStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    RUNNING = "running", _("läuft")
    DONE = "done", _("abgeschlossen")


class AnalysisSource(models.TextChoices):
    MANUAL = "manual", _("von Hand eingetragen")
    SURVEY = "survey", _("aus der Sicherheitsanalyse der Plattform")


class SafetyAnalysisStatus(models.Model):
    """Where a municipality's safety analysis (»Sicherheitsanalyse inkl. Bürgerbefragung«) stands: planned, running,
    done (with the year and the day it was completed). A municipality may have several over the years, but at most
    one that is not done yet.

    Until the survey issue builds the analyses themselves, the municipality or the ASSKomm team enters this status by
    hand (`source` = manual). The survey issue replaces manual entry: its app drives these rows (`source` = survey,
    through `services.record_analysis_status`), and rows it drives are no longer editable by hand.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="safety_analyses", verbose_name=_("Gemeinde")
    )
    status = models.CharField(_("Stand"), max_length=10, choices=AnalysisStatus.choices)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    completed_on = models.DateField(_("Abgeschlossen am"), null=True, blank=True)
    source = models.CharField(_("Quelle"), max_length=10, choices=AnalysisSource.choices, default=AnalysisSource.MANUAL)
    note = models.CharField(_("Bemerkung"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name", "-year", "-pk"]
        verbose_name = _("Stand der Sicherheitsanalyse")
        verbose_name_plural = _("Stand der Sicherheitsanalysen")
        constraints = [
            models.CheckConstraint(
                name="analysis_completed_exactly_when_done",
                condition=Q(status=AnalysisStatus.DONE, completed_on__isnull=False)
                | (~Q(status=AnalysisStatus.DONE) & Q(completed_on__isnull=True)),
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=~Q(status=AnalysisStatus.DONE),
                name="one_open_analysis_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.get_status_display()} {self.year}"


class FormatKind(models.TextChoices):
    CITIZENS_MEETING = "citizens_meeting", _("Bürgerversammlung")
    NEIGHBOURHOOD_TALK = "neighbourhood_talk", _("Nachbarschaftsgespräch")
    SECURITY_CONFERENCE = "security_conference", _("Lokale Sicherheitskonferenz")
    OTHER = "other", _("anderes Format")


class FormatStatus(models.TextChoices):
    PLANNED = "planned", _("geplant")
    ANNOUNCED = "announced", _("öffentlich angekündigt")
    HELD = "held", _("durchgeführt")
    DOCUMENTED = "documented", _("dokumentiert")
    CANCELLED = "cancelled", _("abgesagt")


class ParticipationFormat(models.Model):
    """A citizen participation format a municipality runs (with ASSKomm's support); the status moves by
    `workflow.PARTICIPATION`. Only the public fields (kind, title, date, times, place, invited groups, public
    description) of an announced format appear on the public page."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="participation_formats", verbose_name=_("Gemeinde")
    )
    kind = models.CharField(_("Format"), max_length=30, choices=FormatKind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    date = models.DateField(_("Datum"))
    starts_at = models.TimeField(_("Beginn"), null=True, blank=True)
    ends_at = models.TimeField(_("Ende"), null=True, blank=True)
    place = models.CharField(_("Ort"), max_length=200)
    invited_groups = models.TextField(_("Eingeladene Gruppen"), blank=True)
    agenda = models.TextField(_("Ablauf und Tagesordnung"), blank=True)
    public_description = models.TextField(_("Ankündigungstext"), blank=True)
    # Registration runs through the events app: the format names the published event people register for.
    registration_event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Anmeldung über die Veranstaltung"),
    )
    status = models.CharField(_("Stand"), max_length=12, choices=FormatStatus.choices, default=FormatStatus.PLANNED)
    cancel_reason = models.CharField(_("Grund der Absage"), max_length=500, blank=True)
    announced_at = models.DateTimeField(_("Angekündigt am"), null=True, blank=True)
    results = models.TextField(_("Ergebnisse"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("Beteiligungsformat")
        verbose_name_plural = _("Beteiligungsformate")
        constraints = [
            models.CheckConstraint(
                name="format_ends_after_start",
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ParticipationStatusChange(models.Model):
    """Append-only history of a format's status moves."""

    format = models.ForeignKey(ParticipationFormat, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=12, choices=FormatStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.format} → {self.status}"


class ParticipationMeasure(models.Model):
    """A measure agreed at a participation format; the coaching app can take it into the municipality's prevention
    strategy (`selectors.participation_measures_of`)."""

    format = models.ForeignKey(ParticipationFormat, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("Maßnahme"), max_length=300)
    owner = models.CharField(_("Verantwortlich"), max_length=200)
    due_date = models.DateField(_("Zu erledigen bis"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Vereinbarte Maßnahme")
        verbose_name_plural = _("Vereinbarte Maßnahmen")

    def __str__(self) -> str:
        return self.title
