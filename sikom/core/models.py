from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only record of who did what. Actions are namespaced: ``offer.updated``, ``auth.login_failed``."""

    action = models.CharField(_("Aktion"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("Person")
    )
    # Kept as text so the entry survives when the organisation is renamed or removed.
    actor_organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    object_type = models.CharField(_("Objektart"), max_length=100, blank=True)
    object_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    data = models.JSONField(_("Details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class ThrottleCounter(models.Model):
    """Counts events per scope and key within a fixed time window, shared by every server worker.

    Keys are keyed hashes (see core/throttle.py): no IP address or e-mail address is stored in clear.
    """

    scope = models.CharField(max_length=50)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key", "window_start"], name="one_counter_per_window")]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class OperatorDetails(models.Model):
    """Who runs this installation: shown in the Impressum, privacy notice and accessibility statement.

    A single row edited by the operating role; empty fields are shown as »noch nicht hinterlegt«.
    """

    name = models.CharField(_("Betreiber (Behörde oder Stelle)"), max_length=200, blank=True)
    address = models.TextField(_("Anschrift"), blank=True)
    represented_by = models.CharField(_("Vertreten durch"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    content_responsible = models.CharField(_("Inhaltlich verantwortlich"), max_length=300, blank=True)
    data_protection_officer = models.TextField(_("Datenschutzbeauftragte:r (Kontakt)"), blank=True)
    accessibility_contact = models.TextField(_("Kontakt für Barrierefreiheit"), blank=True)
    accessibility_enforcement_body = models.TextField(
        _("Durchsetzungs- bzw. Schlichtungsstelle Barrierefreiheit"), blank=True
    )
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Angaben zum Betreiber")
        verbose_name_plural = _("Angaben zum Betreiber")

    def __str__(self) -> str:
        return self.name or str(_("Angaben zum Betreiber"))

    @classmethod
    def current(cls) -> "OperatorDetails":
        return cls.objects.order_by("pk").first() or cls()


class Job(models.Model):
    """A long job run as a background task (`core.jobs`, decision 0031): who started it, how far it is, and its
    result file (encrypted at rest, deleted after `JOB_RESULT_DAYS`). Apps register what a kind does."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60, db_index=True)
    label = models.CharField(_("Auftrag"), max_length=200)
    # What the handler needs (ids, flags): never personal data, the task queue's row holds only the job's id.
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    result_name = models.CharField(max_length=200, blank=True)  # the storage name of the encrypted file
    result_filename = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    result_size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
