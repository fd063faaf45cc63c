"""The alliance »Allianz Sichere Sächsische Kommunen«: memberships of municipalities with their append-only history,
the contact persons a member names for the network directory, and the exchange meetings between members."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sikom.core.crypto import EncryptedTextField
from sikom.geo.models import Municipality

# The alliance was founded in February 2019 (seed 003); no membership begins before that.
ALLIANCE_FOUNDED = date(2019, 2, 1)


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("beantragt")
    ACTIVE = "active", _("Mitglied")
    DECLINED = "declined", _("abgelehnt")
    LEFT = "left", _("ausgetreten")


# A municipality has at most one membership in these states at a time; after leaving it may request again.
OPEN_STATUSES = [MembershipStatus.REQUESTED, MembershipStatus.ACTIVE]


class Membership(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="alliance_memberships", verbose_name=_("Kommune")
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.REQUESTED
    )
    founding = models.BooleanField(_("Gründungsmitglied"), default=False)
    requested_at = models.DateTimeField(_("Beantragt am"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_on = models.DateField(_("Beigetreten am"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    left_on = models.DateField(_("Ausgetreten am"), null=True, blank=True)
    # Why a request was declined or why the municipality left (the history keeps each step's own reason).
    closing_reason = models.TextField(_("Begründung"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__search_name", "-requested_at", "pk"]
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        indexes = [models.Index(fields=["status", "municipality"]), models.Index(fields=["joined_on", "left_on"])]
        constraints = [
            models.CheckConstraint(name="membership_status_is_known", condition=Q(status__in=MembershipStatus.values)),
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(status__in=OPEN_STATUSES), name="one_open_membership"
            ),
            models.CheckConstraint(
                name="member_has_joined_on",
                condition=~Q(status__in=[MembershipStatus.ACTIVE, MembershipStatus.LEFT]) | Q(joined_on__isnull=False),
            ),
            models.CheckConstraint(
                name="left_member_has_left_on", condition=~Q(status=MembershipStatus.LEFT) | Q(left_on__isnull=False)
            ),
            models.CheckConstraint(
                name="membership_left_after_joining",
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=False, left_on__gte=F("joined_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class MembershipEvent(models.Model):
    """Append-only history of a membership: the request and every step after it."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Mitgliedschaft beantragt")
        CONFIRMED = "confirmed", _("Mitgliedschaft bestätigt")
        DECLINED = "declined", _("Antrag abgelehnt")
        LEFT = "left", _("Austritt eingetragen")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    # The date the step names (joined on, left on); empty for a request or a decline.
    on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as text so the history still names the organisation after the person's account is gone.
    by_organisation = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("membership history rows are append-only")
        super().save(*args, **kwargs)


class ContactPerson(models.Model):
    """A person a municipality names as its contact for the alliance; in the network directory only with opt-in."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="alliance_contacts", verbose_name=_("Kommune")
    )
    name = models.CharField(_("Name"), max_length=150)
    function = models.CharField(_("Funktion"), max_length=150)
    # Encrypted at rest like every personal detail a directory could leak; nothing filters or orders by them.
    email = EncryptedTextField(_("E-Mail-Adresse"))
    phone = EncryptedTextField(_("Telefon"), blank=True)
    opted_in_directory = models.BooleanField(_("Im Netzwerkverzeichnis zeigen"), default=False)
    opted_in_at = models.DateTimeField(_("Einwilligung am"), null=True, blank=True)
    # Incremented on every saved change; an edit based on an older version is refused (no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")
        constraints = [
            models.CheckConstraint(
                name="contact_opt_in_has_date",
                condition=Q(opted_in_directory=False) | Q(opted_in_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.name


class MeetingFormat(models.TextChoices):
    PEER_CONSULTATION = "peer_consultation", _("Kollegiale Beratung")
    EXCHANGE_MEETING = "exchange_meeting", _("Austauschtreffen")


class ExchangeMeeting(models.Model):
    held_on = models.DateField(_("Datum"))
    topic = models.CharField(_("Thema"), max_length=200)
    format = models.CharField(_("Format"), max_length=20, choices=MeetingFormat.choices)
    municipalities = models.ManyToManyField(
        Municipality, related_name="alliance_meetings", verbose_name=_("Teilnehmende Kommunen")
    )
    record = models.TextField(_("Kurzprotokoll"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("Austauschtreffen")
        verbose_name_plural = _("Austauschtreffen")
        constraints = [
            models.CheckConstraint(name="meeting_format_is_known", condition=Q(format__in=MeetingFormat.values))
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} {self.topic}"
