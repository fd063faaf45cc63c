"""Trainings, conferences and other events: an event has sessions; people register for a session, alone or as a
group of one organisation; seats are held by confirmed registrations and by open waiting-list offers."""

import uuid

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
    # After the event: a short report for its documentation (the slides and papers are publications).
    report = models.TextField(_("Kurzbericht"), blank=True)
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
    # Whether the feedback e-mail after the session was sent for this person (the link itself knows no person).
    feedback_invited = models.BooleanField(default=False)

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


class Attendance(models.Model):
    """A person marked present at a session by staff (check-in). When personal data is deleted after the retention
    time the person goes and the row stays, without anyone in it: attendance counts survive (`services.purge`)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    person = models.OneToOneField(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["marked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.person_id}"


class SessionTally(models.Model):
    """Counts of a session kept when its registrations' personal data is deleted (retention)."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="tally")
    registrations = models.PositiveIntegerField(default=0)
    persons_confirmed = models.PositiveIntegerField(default=0)
    purged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.session_id}: {self.persons_confirmed}"


class FeedbackToken(models.Model):
    """A single-use link to the feedback form. Deliberately no link to the registration or the person: it only says
    for which session it was issued and whether it was used. Only the SHA-256 of the token is stored."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"feedback {self.session_id}"


class Rating(models.IntegerChoices):
    ONE = 1, _("1 – sehr schlecht")
    TWO = 2, _("2 – schlecht")
    THREE = 3, _("3 – mittel")
    FOUR = 4, _("4 – gut")
    FIVE = 5, _("5 – sehr gut")


class FeedbackAnswer(models.Model):
    """One anonymous answer: no registration, no person, no token, a random key (so the order of keys reveals
    nothing) and only the date of submission (cf. LimeSurvey's anonymised responses)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback_answers")
    submitted_on = models.DateField()
    overall = models.PositiveSmallIntegerField(_("Gesamteindruck"), choices=Rating.choices)
    usefulness = models.PositiveSmallIntegerField(_("Nutzen für Ihre Arbeit"), choices=Rating.choices)
    organisation = models.PositiveSmallIntegerField(_("Organisation"), choices=Rating.choices)
    takeaway = models.TextField(_("Was nehmen Sie mit?"), blank=True)
    improve = models.TextField(_("Was sollten wir verbessern?"), blank=True)

    class Meta:
        ordering = ["submitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__gte=1, overall__lte=5, usefulness__gte=1, usefulness__lte=5)
                & Q(organisation__gte=1, organisation__lte=5),
                name="feedback_ratings_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"feedback {self.event_id} {self.submitted_on}"


class PublicationType(models.TextChoices):
    FLYER = "flyer", _("Flyer")
    GUIDE = "guide", _("Leitfaden")
    STUDY = "study", _("Studie")
    SLIDES = "slides", _("Vortragsfolien")
    DOCUMENTATION = "documentation", _("Dokumentation")


class Topic(models.TextChoices):
    PREVENTION = "prevention", _("Kommunale Prävention")
    HOSTILITY = "hostility", _("Anfeindungen und Hassrede")
    DEESCALATION = "deescalation", _("Deeskalation und Kommunikation")
    SAFETY = "safety", _("Sicherheit im Amt")
    PARTICIPATION = "participation", _("Bürgerbeteiligung")


class Publication(models.Model):
    """An entry of the publications library: our own file, an external link, or (for others' copyrighted documents)
    only title, publisher and where to order it."""

    title = models.CharField(_("Titel"), max_length=300)
    type = models.CharField(_("Art"), max_length=20, choices=PublicationType.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    publisher = models.CharField(_("Herausgeber"), max_length=300)
    published_on = models.DateField(_("Erschienen am"), null=True, blank=True)
    language = models.CharField(_("Sprache"), max_length=5, choices=Language.choices, default=Language.GERMAN)
    external_url = models.URLField(_("Externer Link"), max_length=500, blank=True)
    order_info = models.TextField(_("Bezug (wo erhältlich)"), blank=True)
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    file_original_name = models.CharField(max_length=200, blank=True, editable=False)
    file_content_type = models.CharField(max_length=100, blank=True, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    event = models.ForeignKey(
        Event,
        verbose_name=_("Dokumentation der Veranstaltung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publications",
    )
    is_published = models.BooleanField(_("Veröffentlicht"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "title", "pk"]
        verbose_name = _("Publikation")
        verbose_name_plural = _("Publikationen")

    def __str__(self) -> str:
        return self.title

    @property
    def topics(self) -> list[str]:
        order = {code: i for i, code in enumerate(Topic.values)}
        return sorted((row.code for row in self.topic_rows.all()), key=order.__getitem__)

    def topic_labels(self) -> list[str]:
        return [Topic(code).label for code in self.topics]


class PublicationTopic(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="topic_rows")
    code = models.CharField(max_length=30, choices=Topic.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publication", "code"], name="unique_publication_topic")]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code


class NewsItem(models.Model):
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Text"))
    published_on = models.DateField(_("Datum"))
    is_published = models.BooleanField(_("Veröffentlicht"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("Neuigkeit")
        verbose_name_plural = _("Neuigkeiten")

    def __str__(self) -> str:
        return self.title
