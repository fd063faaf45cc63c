"""Objective factors of the safety analysis: indicators (police crime statistics, administrative offences,
socio-economic figures) with one value per municipality, year and category, each value from an import batch."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sikom.geo.models import Municipality


class IndicatorKind(models.TextChoices):
    CRIME = "crime", _("Polizeiliche Kriminalstatistik")
    OFFENCES = "offences", _("Ordnungswidrigkeiten")
    SOCIO_ECONOMIC = "socio_economic", _("Sozioökonomische Daten")
    OTHER = "other", _("Sonstige Kennzahl")


class Unit(models.TextChoices):
    COUNT = "count", _("Anzahl (Fälle)")
    VALUE = "value", _("Wert")


class Indicator(models.Model):
    name = models.CharField(_("Name"), max_length=150, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=IndicatorKind.choices)
    unit = models.CharField(_("Einheit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    source = models.CharField(_("Quelle"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    per_capita = models.BooleanField(
        _("Häufigkeit je 100.000 Einwohner berechnen"),
        default=True,
        help_text=_("Sinnvoll für Fallzahlen; nicht für Anteile, Quoten oder Durchschnittswerte."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One confirmed import: who, when, which file (its name only; the file itself is never kept)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="batches")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    row_count = models.PositiveIntegerField()
    replaced_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.indicator} – {self.file_name}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    # "" is the indicator as a whole; else e.g. an offence group of the crime statistics.
    category = models.CharField(max_length=150, blank=True, default="")
    value = models.DecimalField(max_digits=16, decimal_places=2)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="values")

    class Meta:
        ordering = ["indicator", "category", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "municipality", "year", "category"], name="indicator_value_unique"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year", "category"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.municipality_id}/{self.year}/{self.category}: {self.value}"


class PendingImport(models.Model):
    """A readable upload waiting for its column mapping and confirmation: the parsed cells (never the file), kept
    until confirmed, discarded or removed by housekeeping after `PENDING_HOURS`."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    header = models.JSONField()
    rows = models.JSONField()
    mapping = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.file_name
