"""Consultations (»Beratungen«) of the ASSKomm team with municipalities and office holders, their agreed next steps
and an append-only history of every saved version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    ON_SITE = "on_site", _("vor Ort")
    ONLINE = "online", _("online")
    PHONE = "phone", _("telefonisch")


class Consultation(models.Model):
    municipality = models.ForeignKey(
        "geo.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("Gemeinde"),
    )
    # Who was advised when no municipality was (an office holder on their own): a role, never a name.
    office_holder_note = models.CharField(_("Beratene Person ohne Gemeinde"), max_length=300, blank=True)
    date = models.DateField(_("Datum"), db_index=True)
    offers = models.ManyToManyField("offers.Offer", related_name="consultations", verbose_name=_("Themen"))
    format = models.CharField(_("Form"), max_length=20, choices=Format.choices)
    participants = models.TextField(_("Teilnehmende"))
    result = models.TextField(_("Ergebnis"))
    # Folded text of participants, result, note and the offers' titles for the search (umlauts and case folded).
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungen")
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False) | ~Q(office_holder_note=""),
                name="consultation_has_municipality_or_note",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.advised}"

    @property
    def advised(self) -> str:
        if self.municipality_id is not None:
            return self.municipality.display_name
        return self.office_holder_note


class NextStep(models.Model):
    """An agreed next step: what, who (free text or an organisation) and by when."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="next_steps")
    text = models.CharField(_("Nächster Schritt"), max_length=500)
    owner = models.CharField(_("Verantwortlich"), max_length=200, blank=True)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        # PROTECT: a step whose only owner is an organisation must keep one (constraint next_step_has_owner).
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Verantwortliche Organisation"),
    )
    due_on = models.DateField(_("Fällig am"), db_index=True)
    done = models.BooleanField(_("Erledigt"), default=False)
    done_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("Nächster Schritt")
        verbose_name_plural = _("Nächste Schritte")
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner="") | Q(owner_organisation__isnull=False), name="next_step_has_owner"
            ),
            models.CheckConstraint(
                condition=Q(done=False, done_at__isnull=True) | Q(done=True, done_at__isnull=False),
                name="next_step_done_has_time",
            ),
        ]
        indexes = [models.Index(fields=["done", "due_on"])]

    def __str__(self) -> str:
        return self.text

    @property
    def owner_label(self) -> str:
        parts = [self.owner_organisation.name if self.owner_organisation_id else "", self.owner]
        return ", ".join(part for part in parts if part)


class ConsultationRevision(models.Model):
    """One row per saved version of a consultation: the full snapshot (with its next steps) and what changed."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_fields = models.JSONField(default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "version"], name="one_consultation_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} v{self.version}"
