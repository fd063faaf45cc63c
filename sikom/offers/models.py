"""The catalogue of help offers and contact points, with an append-only change history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sikom.offers.vocabulary import Audience, RegionalContact, Situation


class Offer(models.Model):
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=80, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=400)
    goal = models.TextField(_("Ziel"))
    content = models.TextField(_("Inhalt"))
    provider = models.CharField(_("Anbieter"), max_length=200)
    contact_office = models.CharField(_("Kontakt: Stelle"), max_length=300, blank=True)
    contact_street = models.CharField(_("Kontakt: Straße"), max_length=200, blank=True)
    contact_postcode_city = models.CharField(_("Kontakt: PLZ und Ort"), max_length=200, blank=True)
    contact_phone = models.CharField(_("Kontakt: Telefon"), max_length=50, blank=True)
    contact_email = models.EmailField(_("Kontakt: E-Mail"), blank=True)
    contact_website = models.URLField(_("Kontakt: Website"), blank=True)
    regional_contact = models.CharField(
        _("Regionale Ansprechstelle"), max_length=30, choices=RegionalContact.choices, blank=True
    )
    helps_in_acute_danger = models.BooleanField(_("Hilft bei akuter Gefahr"), default=False)
    source = models.CharField(_("Quelle"), max_length=300, blank=True)
    is_published = models.BooleanField(_("Veröffentlicht"), default=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")

    def __str__(self) -> str:
        return self.title

    @property
    def audiences(self) -> list[str]:
        return self._codes(OfferTag.Kind.AUDIENCE)

    @property
    def situations(self) -> list[str]:
        return self._codes(OfferTag.Kind.SITUATION)

    def _codes(self, kind: str) -> list[str]:
        # Uses prefetched tags when the selector prefetched them; lists stay in vocabulary order.
        order = {code: i for i, code in enumerate([*Audience.values, *Situation.values])}
        return sorted((tag.code for tag in self.tags.all() if tag.kind == kind), key=order.__getitem__)

    def audience_labels(self) -> list[str]:
        return [Audience(code).label for code in self.audiences]

    def situation_labels(self) -> list[str]:
        return [Situation(code).label for code in self.situations]

    @property
    def has_contact(self) -> bool:
        return any([self.contact_street, self.contact_phone, self.contact_email, self.contact_website])


class OfferTag(models.Model):
    """Who an offer is for and which situations it helps in: rows, so both databases can filter on them."""

    class Kind(models.TextChoices):
        AUDIENCE = "audience", _("Zielgruppe")
        SITUATION = "situation", _("Situation")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=30)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "kind", "code"], name="unique_offer_tag")]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class OfferRevision(models.Model):
    """One row per saved version of an offer: the full snapshot and the names of the fields that changed."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_fields = models.JSONField(default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["offer", "version"], name="one_revision_per_version")]

    def __str__(self) -> str:
        return f"{self.offer} v{self.version}"
