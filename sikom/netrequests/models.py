"""Expertennetzwerk requests: a municipality asks the Landesdirektion's regional coordination for help against an
extremist assembly, event or property use. The request is a `cases.Case` of kind »expert_request« (decision 0043):
lead, shares with experts, messages, history, inbox rows, audit and deadlines are the case engine's. This app keeps
the request's own intake record, the legal-angle checklist (angles as data) and the coordination's register of
known properties and recurring activities with the minutes of its situation conferences."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.core.crypto import EncryptedJSONField, EncryptedTextField
from sikom.geo.models import Municipality

MAX_PARTICIPANTS = 1_000_000


class RequestKind(models.TextChoices):
    ASSEMBLY = "assembly", _("Versammlung / Demonstration")
    EVENT = "event", _("Veranstaltung (z. B. Konzert, »Sonnenwendfeier«)")
    PROPERTY = "property", _("Kauf oder Anmietung einer Immobilie")
    OTHER = "other", _("Sonstiges")


class Outcome(models.TextChoices):
    CONDITIONS = "conditions", _("Auflagen erteilt")
    PROHIBITION = "prohibition", _("Verbot ausgesprochen")
    USE_PROHIBITED = "use_prohibited", _("Nutzung untersagt")
    TALKS_WITH_OWNER = "talks_with_owner", _("Gespräche mit Eigentümer:in geführt")
    NO_ACTION = "no_action", _("Keine Maßnahme")


class ExpertRequest(models.Model):
    """The request's intake record: what the municipality knows, has done and needs; later the outcome.

    Free text may name persons (organisers, owners): it is encrypted at rest like the incident report's."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="expert_request")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("Art des Anlasses"), max_length=20, choices=RequestKind.choices)
    event_at = models.DateTimeField(_("Datum und Uhrzeit"), db_index=True)
    event_time_known = models.BooleanField(default=True)  # without a time, event_at is the day's end
    place = models.CharField(_("Ort"), max_length=300)
    organiser = EncryptedTextField(_("Veranstalter:in oder Käufer:in / Mieter:in"), blank=True)
    expected_participants = models.PositiveIntegerField(
        _("Erwartete Teilnehmende"), null=True, blank=True, validators=[MaxValueValidator(MAX_PARTICIPANTS)]
    )
    known_facts = EncryptedTextField(_("Was bekannt ist"))
    sources = EncryptedTextField(_("Quellen (Flyer, Beiträge, Links)"), blank=True)
    done_so_far = EncryptedTextField(_("Was die Kommune bereits unternommen hat"), blank=True)
    needs = EncryptedTextField(_("Was die Kommune braucht"))
    outcome = models.CharField(_("Ergebnis"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = EncryptedTextField(_("Was getan wurde"), blank=True)
    event_course = EncryptedTextField(_("Wie der Anlass verlief"), blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Anfrage an das Expertennetzwerk")
        verbose_name_plural = _("Anfragen an das Expertennetzwerk")

    def __str__(self) -> str:
        return str(self.case_id)


class FactCorrection(models.Model):
    """The municipality corrected the event's facts after filing: which fields, from what to what. Rows are only
    inserted (the request page shows them as its history of corrections); the values are encrypted because the
    organiser may be a person, the case's history (`CaseEvent`, plain JSON) names only the fields."""

    request = models.ForeignKey(ExpertRequest, on_delete=models.CASCADE, related_name="corrections")
    changes = EncryptedJSONField(default=list)  # [{"field": name, "old": text, "new": text}, ...]
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_organisation = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    LABELS = {
        "event_at": _("Datum und Uhrzeit"),
        "place": _("Ort"),
        "organiser": _("Veranstalter:in oder Käufer:in / Mieter:in"),
        "expected_participants": _("Erwartete Teilnehmende"),
    }

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.at}"

    def rows(self) -> list[tuple[str, str, str]]:
        """(label, old, new) per changed field, for the page."""
        return [
            (self.LABELS.get(change["field"], change["field"]), change["old"], change["new"]) for change in self.changes
        ]


class SourceFile(models.Model):
    """A source the municipality or an office added as a file (flyer, screenshot of a post); stored encrypted
    (`files.py`), the name as metadata only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(ExpertRequest, on_delete=models.CASCADE, related_name="source_files")
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = EncryptedTextField(_("Dateiname"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_organisation = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return str(self.pk)


class LegalAngle(models.Model):
    """One angle of the legal check (»unter allen rechtlichen Blickwinkeln«): data the operators keep in the admin.
    Inactive angles are no longer offered for new checks; the checks already made keep them."""

    name = models.CharField(_("Bezeichnung"), max_length=200, unique=True)
    description = models.TextField(_("Was zu prüfen ist"), blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=100)
    active = models.BooleanField(_("Aktiv"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("Rechtlicher Prüfpunkt")
        verbose_name_plural = _("Rechtliche Prüfpunkte")

    def __str__(self) -> str:
        return self.name


class AngleStatus(models.TextChoices):
    OPEN = "open", _("offen")
    IN_REVIEW = "in_review", _("in Prüfung")
    RELEVANT = "relevant", _("einschlägig")
    NOT_RELEVANT = "not_relevant", _("nicht einschlägig")


class AngleReview(models.Model):
    """The coordination's check of one angle for one request: status, notes, references and outcome."""

    request = models.ForeignKey(ExpertRequest, on_delete=models.CASCADE, related_name="reviews")
    angle = models.ForeignKey(LegalAngle, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("Stand"), max_length=20, choices=AngleStatus.choices, default=AngleStatus.OPEN)
    notes = EncryptedTextField(_("Notizen"), blank=True)
    references = models.TextField(_("Fundstellen und Rechtsgrundlagen"), blank=True)
    outcome = models.TextField(_("Ergebnis der Prüfung"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "angle"], name="one_review_per_angle")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.angle_id}"


class RegisterReader(models.Model):
    """An organisation the coordination names as reader of its register and conference minutes."""

    coordination = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="register_readers")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coordination", "organisation"], name="one_register_reader_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.coordination_id} → {self.organisation_id}"


class EntryKind(models.TextChoices):
    PROPERTY = "property", _("Bekannte Immobilie / Objekt")
    ACTIVITY = "activity", _("Wiederkehrende Aktivität")


class RegisterEntry(models.Model):
    """A known property or recurring activity in the coordination's district; its history is `RegisterNote`."""

    coordination = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="register_entries")
    kind = models.CharField(_("Art"), max_length=20, choices=EntryKind.choices)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    place = models.CharField(_("Ort"), max_length=300)
    description = EncryptedTextField(_("Beschreibung"), blank=True)
    version = models.PositiveIntegerField(default=1)  # the lost-update check of an edit (core.versions)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class RegisterNote(models.Model):
    """Append-only history of a register entry: what happened on which day."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(_("Datum"))
    text = EncryptedTextField(_("Was geschah"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_organisation = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.on}"


class SituationConference(models.Model):
    """The minutes of a regular situation conference of the coordination with the police directorate and the
    district."""

    coordination = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="situation_conferences")
    held_on = models.DateField(_("Datum"))
    participants = models.TextField(_("Teilnehmende"))
    assessment = EncryptedTextField(_("Lageeinschätzung"))
    priorities = EncryptedTextField(_("Schwerpunkte"), blank=True)
    agreed_steps = EncryptedTextField(_("Vereinbarte Schritte"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.coordination_id} {self.held_on}"
