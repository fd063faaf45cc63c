"""The self-check's guide as data: versions of topics, questions, answer choices and the advice each answer triggers.

A version is edited while it is a draft and frozen once published: answers are always evaluated against the version
they were given with, so a published version is never changed or deleted (decision 0040). Anonymous answers are never
stored (decision 0039); only a logged-in person's own saved check is, encrypted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sikom.core.crypto import EncryptedJSONField
from sikom.offers.vocabulary import Situation

FROZEN = _("Diese Version ist veröffentlicht und kann nicht mehr geändert werden. Legen Sie eine neue Version an.")


class FrozenVersion(Exception):
    """A write to a published version: refused, answers given with it must keep their meaning."""


class Urgency(models.IntegerChoices):
    NOW = 1, _("Sofort")
    SOON = 2, _("In den nächsten Wochen")
    LATER = 3, _("Bei Gelegenheit")


class GuideVersion(models.Model):
    number = models.PositiveIntegerField(_("Versionsnummer"), unique=True)
    note = models.TextField(_("Änderungen gegenüber der Vorversion"), blank=True)
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("Version des Selbstchecks")
        verbose_name_plural = _("Versionen des Selbstchecks")

    def __str__(self) -> str:
        if self.is_published:
            return _("Version %(number)s (veröffentlicht)") % {"number": self.number}
        return _("Version %(number)s (Entwurf)") % {"number": self.number}

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class _VersionPart(models.Model):
    """A part of a guide version: refuses every change once its version is published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._frozen():
            raise FrozenVersion(str(FROZEN))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen():
            raise FrozenVersion(str(FROZEN))
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self._frozen():
            raise ValidationError(FROZEN)

    def guide_version(self) -> GuideVersion | None:
        raise NotImplementedError

    def _frozen(self) -> bool:
        version = self.guide_version()
        if version is None:
            return False
        return GuideVersion.objects.filter(pk=version.pk, published_at__isnull=False).exists()


class Topic(_VersionPart):
    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="topics")
    key = models.SlugField(_("Kurzname"), max_length=50)
    title = models.CharField(_("Titel"), max_length=200)
    intro = models.TextField(_("Einleitung"), blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["version", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="selfcheck_topic_key_unique")]
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")

    def __str__(self) -> str:
        return self.title

    def guide_version(self) -> GuideVersion | None:
        return self.version if self.version_id else None


class Question(_VersionPart):
    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="questions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="questions", verbose_name=_("Thema"))
    key = models.SlugField(_("Kurzname"), max_length=50)
    text = models.CharField(_("Frage"), max_length=300)
    help = models.TextField(_("Erläuterung"), blank=True)
    source = models.CharField(_("Öffentliche Quelle"), max_length=300)
    source_url = models.URLField(_("Adresse der Quelle"), blank=True)
    opened_by = models.ForeignKey(
        "Choice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opens",
        verbose_name=_("Nur gestellt nach der Antwort"),
    )
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["topic__order", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="selfcheck_question_key_unique")]
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")

    def __str__(self) -> str:
        return self.text

    def guide_version(self) -> GuideVersion | None:
        return self.version if self.version_id else None

    def clean(self) -> None:
        super().clean()
        if self.topic_id and self.version_id and self.topic.version_id != self.version_id:
            raise ValidationError({"topic": _("Das Thema gehört zu einer anderen Version.")})
        if self.opened_by_id and self.opened_by.question.version_id != self.version_id:
            raise ValidationError({"opened_by": _("Die Antwort gehört zu einer anderen Version.")})
        if self.opened_by_id and self.pk and self.opened_by.question_id == self.pk:
            raise ValidationError({"opened_by": _("Eine Frage kann sich nicht selbst öffnen.")})


class Choice(_VersionPart):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(_("Kurzname"), max_length=50)
    label = models.CharField(_("Antwort"), max_length=200)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["question", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="selfcheck_choice_key_unique")]
        verbose_name = _("Antwortmöglichkeit")
        verbose_name_plural = _("Antwortmöglichkeiten")

    def __str__(self) -> str:
        return f"{self.question.key}: {self.label}"

    def guide_version(self) -> GuideVersion | None:
        return self.question.version if self.question_id else None


def _situation_codes(value: str) -> None:
    unknown = [code for code in value.split() if code not in Situation.values]
    if unknown:
        raise ValidationError(
            _("Unbekannte Anliegen des Wegweisers: %(codes)s. Erlaubt sind: %(allowed)s.")
            % {"codes": ", ".join(unknown), "allowed": ", ".join(Situation.values)}
        )


class Advice(_VersionPart):
    """A recommendation of the action plan, triggered by one answer choice."""

    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, related_name="advice", verbose_name=_("Ausgelöst durch")
    )
    title = models.CharField(_("Empfehlung"), max_length=200)
    text = models.TextField(_("Was zu tun ist"))
    urgency = models.PositiveSmallIntegerField(_("Dringlichkeit"), choices=Urgency.choices, default=Urgency.SOON)
    source = models.CharField(_("Öffentliche Quelle"), max_length=300)
    source_url = models.URLField(_("Adresse der Quelle"), blank=True)
    situations = models.CharField(
        _("Passende Anliegen im Wegweiser"),
        max_length=200,
        blank=True,
        validators=[_situation_codes],
        help_text=_("Kurznamen der Anliegen, durch Leerzeichen getrennt; sie wählen die Angebote im Aktionsplan aus."),
    )
    prepares_letter = models.BooleanField(_("Brief zur Auskunftssperre (§ 51 BMG) beilegen"), default=False)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["urgency", "order", "pk"]
        verbose_name = _("Empfehlung")
        verbose_name_plural = _("Empfehlungen")

    def __str__(self) -> str:
        return self.title

    def guide_version(self) -> GuideVersion | None:
        return self.choice.question.version if self.choice_id else None

    @property
    def situation_codes(self) -> list[str]:
        return [code for code in self.situations.split() if code in Situation.values]


class SavedCheck(models.Model):
    """A logged-in person's own answers, saved only on their request; the content is encrypted at rest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_checks")
    version = models.ForeignKey(GuideVersion, on_delete=models.PROTECT, related_name="saved_checks")
    content = EncryptedJSONField()
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Gespeicherter Selbstcheck")
        verbose_name_plural = _("Gespeicherte Selbstchecks")

    def __str__(self) -> str:
        return _("Selbstcheck %(number)s") % {"number": self.pk}
