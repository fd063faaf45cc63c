"""The situation report's own data: the pre-aggregated counts it reads (docs/decisions/0041), the state of their
refresh and the comparison values of the BKA's KoMo survey.

The counts hold no case, no person, no text, no day (months only) and no municipality (districts only): they are
derived from live cases and `cases.CaseStatistic` by `cube.refresh` and can be rebuilt from them at any time."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentCount(models.Model):
    """How many incidents of one month have value_a of dimension dim_a (and value_b of dim_b, for a pair).

    One row per month and value (dim_b empty) or pair of values, for every pair of dimensions (dim_a before dim_b
    in `dimensions.DIMENSIONS`); dim_a »total« counts the incidents of the month. An incident with two categories
    counts once under each."""

    month = models.DateField()
    dim_a = models.CharField(max_length=12)
    value_a = models.CharField(max_length=30, blank=True)
    dim_b = models.CharField(max_length=12, blank=True)
    value_b = models.CharField(max_length=30, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["dim_a", "dim_b", "month", "value_a", "value_b", "count"])]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "dim_a", "value_a", "dim_b", "value_b"], name="one_incident_count_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dim_a}={self.value_a} {self.dim_b}={self.value_b}: {self.count}"


class RefreshState(models.Model):
    """One row: when the counts were last brought up to date (the page shows it)."""

    refreshed_at = models.DateTimeField(null=True)
    # Changes at or after this time are looked at again by the next refresh.
    watermark = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.refreshed_at}"


class KomoGroup(models.TextChoices):
    VERBAL_WRITTEN = "verbal_written", _("Verbal oder schriftlich")
    ONLINE = "online", _("Online")
    PHYSICAL = "physical", _("Körperlich")


class KomoShare(models.Model):
    """A share from the BKA's KoMo survey of office holders, with its source: entered by the operators (the
    migration brings only the 2023 values named in the project's issue 14)."""

    year = models.PositiveSmallIntegerField(_("Jahr"))
    group = models.CharField(_("Art des Vorfalls"), max_length=20, choices=KomoGroup.choices)
    percent = models.DecimalField(_("Anteil in Prozent"), max_digits=5, decimal_places=1)
    source = models.CharField(_("Quelle"), max_length=300)

    class Meta:
        ordering = ["-year", "group"]
        verbose_name = _("KoMo-Vergleichswert")
        verbose_name_plural = _("KoMo-Vergleichswerte")
        constraints = [models.UniqueConstraint(fields=["year", "group"], name="one_komo_share_per_year_and_group")]

    def __str__(self) -> str:
        return f"{self.year} {self.group}: {self.percent} %"
