"""Saxony's administrative reference data: police directorates, districts, municipalities.

Loaded from data/reference/ by `manage.py load_reference_data`; never typed in by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WithoutBoundaries(models.Manager):
    """Boundaries are large GeoJSON documents (a district's about 34 KB) needed only for maps: every query through
    the default manager leaves them out (choice lists of 418 municipalities would otherwise decode megabytes per
    page). A map asks for them explicitly: `.only(…, "boundary")` or `.defer(None)`. Joins from other models
    (`select_related`) do not pass through this manager: `geo.selectors.without_boundaries` covers those."""

    def get_queryset(self):
        return super().get_queryset().defer("boundary")


class PoliceDirectorate(models.Model):
    name = models.CharField(_("Name"), max_length=100, unique=True)
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=200)
    boundary = models.JSONField(_("Gebietsgrenze (GeoJSON)"), null=True, blank=True)

    objects = WithoutBoundaries()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Polizeidirektion")
        verbose_name_plural = _("Polizeidirektionen")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """Landkreis or Kreisfreie Stadt."""

    class Kind(models.TextChoices):
        URBAN = "urban", _("Kreisfreie Stadt")
        RURAL = "rural", _("Landkreis")

    key = models.CharField(_("Kreisschlüssel"), max_length=5, unique=True)
    name = models.CharField(_("Name (Destatis)"), max_length=100)
    short_name = models.CharField(_("Kurzname"), max_length=100)
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    nuts = models.CharField(_("NUTS-3-Code"), max_length=5)
    police_directorate = models.ForeignKey(
        PoliceDirectorate, on_delete=models.PROTECT, related_name="districts", verbose_name=_("Polizeidirektion")
    )
    boundary = models.JSONField(_("Gebietsgrenze (GeoJSON)"), null=True, blank=True)

    objects = WithoutBoundaries()

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("Landkreis / Kreisfreie Stadt")
        verbose_name_plural = _("Landkreise und Kreisfreie Städte")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.URBAN:
            return f"Kreisfreie Stadt {self.short_name}"
        return f"Landkreis {self.short_name}" if not self.short_name.endswith("kreis") else self.short_name


class Municipality(models.Model):
    ags = models.CharField(_("Amtlicher Gemeindeschlüssel"), max_length=8, unique=True)
    name = models.CharField(_("Name (Destatis)"), max_length=150)
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("Landkreis")
    )
    population = models.PositiveIntegerField(_("Einwohner"))
    area_km2 = models.DecimalField(_("Fläche in km²"), max_digits=8, decimal_places=2)
    postcode = models.CharField(_("PLZ des Verwaltungssitzes"), max_length=5)
    longitude = models.FloatField(_("Längengrad (Mittelpunkt)"))
    latitude = models.FloatField(_("Breitengrad (Mittelpunkt)"))
    boundary = models.JSONField(_("Gebietsgrenze (GeoJSON, generalisiert)"), null=True, blank=True)

    objects = WithoutBoundaries()

    class Meta:
        ordering = ["search_name"]
        verbose_name = _("Gemeinde")
        verbose_name_plural = _("Gemeinden")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Destatis writes »Görlitz, Stadt, Hochschulstadt«; people write »Görlitz«."""
        return self.name.split(",")[0].strip()

    @property
    def police_directorate(self) -> PoliceDirectorate:
        return self.district.police_directorate
