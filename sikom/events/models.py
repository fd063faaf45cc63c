"""Trainings, conferences and other events: an event has sessions; people register for a session, alone or as a
group of one organisation; seats are held by confirmed registrations and by open waiting-list offers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    DEESCALATION = "deescalation", _("Deeskalationstraining")
    COMMUNICATION = "communication", _("Kommunikationstraining")
    ARGUMENTATION = "argumentation", _("Argumentationstraining")
    CONFERENCE = "conference", _("Fachkonferenz")
    LECTURE = "lecture", _("Vortrag")
    NETWORK = "network", _("Netzwerktreffen")
    PEER_CONSULTATION = "peer_consultation", _("Kollegiale Beratung")


TRAINING_TYPES = frozenset({EventType.DEESCALATION, EventType.COMMUNICATION, EventType.ARGUMENTATION})


class TargetGroup(models.TextChoices):
    OFFICIALS = "officials", _("Amts- und Mandatsträger:innen")
    MUNICIPAL_STAFF = "municipal_staff", _("Kommunale Beschäftigte")
    POLICE = "police", _("Polizei")
    PUBLIC = "public", _("Interessierte Öffentlichkeit")


class Language(models.TextChoices):
    GERMAN = "de", _("Deutsch")
    ENGLISH = "en", _("Englisch")
    CZECH = "cs", _("Tschechisch")
    POLISH = "pl", _("Polnisch")


class Event(models.Model):
    title = models.CharField(_("Titel"), max_length=200)
    type = models.CharField(_("Art"), max_length=30, choices=EventType.choices)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=400)
    description = models.TextField(_("Beschreibung"), blank=True)
    language = models.CharField(_("Sprache"), max_length=5, choices=Language.choices, default=Language.GERMAN)
    accessibility_notes = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    organiser = models.CharField(_("Veranstalter"), max_length=200)
    contact_email = models.EmailField(_("Kontakt: E-Mail"), blank=True)
    contact_phone = models.CharField(_("Kontakt: Telefon"), max_length=50, blank=True)
    district = models.ForeignKey(
        "geo.District",
        verbose_name=_("Landkreis oder Kreisfreie Stadt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registration_opens_at = models.DateTimeField(_("Anmeldung ab"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("Anmeldeschluss"), null=True, blank=True)
    is_published = models.BooleanField(_("Veröffentlicht"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__lt=models.F("registration_closes_at")),
                name="event_registration_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_groups(self) -> list[str]:
        order = {code: i for i, code in enumerate(TargetGroup.values)}
        return sorted((row.code for row in self.audience_rows.all()), key=order.__getitem__)

    def target_group_labels(self) -> list[str]:
        return [TargetGroup(code).label for code in self.target_groups]

    @property
    def is_training(self) -> bool:
        return self.type in TRAINING_TYPES


class EventTargetGroup(models.Model):
    """Rows, so both databases can filter on them."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audience_rows")
    code = models.CharField(max_length=30, choices=TargetGroup.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="unique_event_target_group")]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    venue = models.CharField(_("Ort"), max_length=200, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode_city = models.CharField(_("PLZ und Ort"), max_length=200, blank=True)
    online_url = models.URLField(_("Online-Zugang"), blank=True, max_length=500)
    capacity = models.PositiveIntegerField(_("Plätze"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_seats"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.event} – {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    def place_text(self) -> str:
        parts = [self.venue, self.street, self.postcode_city]
        return ", ".join(part for part in parts if part)


class AgendaItem(models.Model):
    """One entry of a conference programme."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda")
    starts_at = models.TimeField(_("Uhrzeit"))
    title = models.CharField(_("Titel"), max_length=300)
    speakers = models.CharField(_("Mitwirkende"), max_length=500, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("Programmpunkt")
        verbose_name_plural = _("Programmpunkte")

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} {self.title}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("E-Mail-Bestätigung ausstehend")
    CONFIRMED = "confirmed", _("Bestätigt")
    WAITING = "waiting", _("Warteliste")
    OFFERED = "offered", _("Platz angeboten")
    CANCELLED = "cancelled", _("Storniert")
    EXPIRED = "expired", _("Verfallen")


# Statuses that hold seats, and those that count as a registration (for the duplicate check).
HOLDS_SEATS = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
ACTIVE = (*HOLDS_SEATS, RegistrationStatus.WAITING, RegistrationStatus.PENDING)


class Registration(models.Model):
    """One registration for one session: a person, or a group of one organisation that is confirmed, waits and is
    promoted together (`seats` persons, named in `persons`)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="event_registrations"
    )
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"))
    organisation = models.CharField(_("Organisation oder Kommune"), max_length=200)
    role = models.CharField(_("Funktion"), max_length=200, blank=True)
    accessibility_needs = models.TextField(_("Bedarf an Barrierefreiheit"), blank=True)
    seats = models.PositiveIntegerField(default=1)
    # Order on the waiting list (smaller first); staff may reorder with a reason.
    queue_position = models.PositiveIntegerField(null=True, blank=True)
    # Until when an e-mail confirmation (pending) or a waiting-list offer (offered) is open.
    deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1), name="registration_has_a_person")]
        indexes = [models.Index(fields=["session", "status"]), models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class Person(models.Model):
    """A person of a registration (the first is the one who registered); certificates will be per person."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("Name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class RegistrationEvent(models.Model):
    """Append-only history of a registration: every status change, with who and why."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.status}"


class LinkToken(models.Model):
    """A link sent by e-mail. Only the SHA-256 of the random token is stored; the link carries the token."""

    class Purpose(models.TextChoices):
        CONFIRM_EMAIL = "confirm", _("E-Mail bestätigen")
        ACCEPT_OFFER = "offer", _("Platz annehmen")
        MANAGE = "manage", _("Anmeldung ansehen und stornieren")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.purpose} {self.registration_id}"
