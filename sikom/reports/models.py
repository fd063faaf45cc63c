"""Incident reports: the draft while the form is filled in, the submitted report with its facts as structured
fields, online content, evidence files (encrypted on disk) and the receipt that lets the reporter follow up.

These are the case facts that the case engine routes and lists by, so this app sits below `cases`: it names the
case it belongs to only by its model label ("cases.Case"), never by importing it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sikom.core.crypto import EncryptedJSONField, EncryptedTextField
from sikom.geo.models import Municipality
from sikom.reports import vocabulary as v


class ReportDraft(models.Model):
    """Answers kept on the server between the steps, encrypted, so nothing is lost on back, reload or error.

    The random id lives only in the reporter's session. Abandoned drafts are deleted by the housekeeping task.

    Once submitted, the draft keeps only its case and the receipt code (encrypted) until the reporter confirms they
    noted it, so a reload after a crash shows the same number and code; housekeeping deletes it after 24 hours at
    the latest.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    answers = EncryptedJSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    submitted_case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipt_code = EncryptedTextField(blank=True)

    def __str__(self) -> str:
        return str(self.id)


class Report(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="report")
    reporter_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    receipt_hash = models.CharField(max_length=200)
    submitted_at = models.DateTimeField(_("Eingegangen am"), db_index=True)

    # Who is affected
    affected_role = models.CharField(_("Betroffene Person"), max_length=30, choices=v.AffectedRole.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, verbose_name=_("Gemeinde"))
    relatives_affected = models.BooleanField(_("Angehörige sind mit betroffen"), default=False)

    # What happened (categories are rows: see ReportCategory)
    occurred_on = models.DateField(_("Datum"))
    occurred_at = models.TimeField(_("Uhrzeit"), null=True, blank=True)
    occurred_until = models.DateField(_("bis (bei einem Zeitraum)"), null=True, blank=True)
    place = models.CharField(_("Ort"), max_length=20, choices=v.Place.choices)
    channel = models.CharField(_("Weg"), max_length=20, choices=v.Channel.choices)
    repetition = models.CharField(_("Wiederholung"), max_length=10, choices=v.Repetition.choices)
    repetition_count = models.PositiveIntegerField(_("Wie oft ungefähr"), null=True, blank=True)
    perpetrator = models.CharField(_("Täter:in"), max_length=10, choices=v.Perpetrator.choices)
    motives = models.JSONField(_("Hinweise auf ein Motiv"), default=list)
    description = EncryptedTextField(_("Beschreibung"), blank=True)

    # Contact and complaint
    anonymous = models.BooleanField(_("Anonym"), default=True)
    contact_name = EncryptedTextField(_("Name"), blank=True)
    contact_email = EncryptedTextField(_("E-Mail"), blank=True)
    contact_phone = EncryptedTextField(_("Telefon"), blank=True)
    contact_preference = models.CharField(
        _("Bevorzugter Kontaktweg"), max_length=10, choices=v.ContactPreference.choices, blank=True
    )
    complaint_wish = models.CharField(_("Strafanzeige"), max_length=10, choices=v.ComplaintWish.choices)
    learned_on = models.DateField(_("Kenntnis von Tat und Täter:in am"), null=True, blank=True)
    complaint_deadline = models.DateField(_("Strafantrag spätestens bis"), null=True, blank=True)
    privacy_consent_at = models.DateTimeField(_("Einwilligung Datenschutz"))
    receipt_sections = models.JSONField(_("In der PDF-Bestätigung"), default=list)

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")

    def __str__(self) -> str:
        return f"Meldung {self.case.number}"

    @property
    def categories(self) -> list[str]:
        order = {code: i for i, code in enumerate(v.Category.values)}
        return sorted((row.code for row in self.category_rows.all()), key=order.__getitem__)


class ReportCategory(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="category_rows")
    code = models.CharField(max_length=30, choices=v.Category.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="unique_report_category")]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code


class OnlineContent(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="online_contents")
    url = EncryptedTextField(_("Adresse (URL)"))
    platform = models.CharField(_("Plattform"), max_length=100, blank=True)
    profile_name = EncryptedTextField(_("Profilname"), blank=True)
    posted_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.platform or str(self.pk)


class Evidence(models.Model):
    """An evidence file: stored byte-exact and encrypted; the SHA-256 of the original bytes proves integrity."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draft = models.ForeignKey(ReportDraft, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = EncryptedTextField(_("Dateiname"))
    content_type = models.CharField(_("Dateityp"), max_length=50)
    size = models.PositiveBigIntegerField(_("Größe in Bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("Hochgeladen am"), auto_now_add=True)
    added_after_submission = models.BooleanField(default=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="evidence_belongs_to_draft_or_report",
                condition=models.Q(draft__isnull=False) | models.Q(report__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.sha256[:12]
