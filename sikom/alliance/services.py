"""Every write of the alliance: membership requests and their workflow, contact persons, exchange meetings.

Each function is one transaction. Membership steps lock the municipality's row, so two requests (or a request and a
confirmation) of the same municipality are serialised; the database's constraint `one_open_membership` is the last
guard. A refused step raises `AllianceRefused` with a German message and the form field it concerns. Every write is
in the audit log (`alliance.*`), without personal data: contact persons are named there by id only. The entries are
written in the step's transaction (`atomic=True`): they state an outcome, and `record_membership` composes steps, so
an entry exists exactly when its step was committed.
"""

from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from sikom.accounts.models import User
from sikom.alliance.models import (
    ALLIANCE_FOUNDED,
    OPEN_STATUSES,
    ContactPerson,
    ExchangeMeeting,
    Membership,
    MembershipEvent,
    MembershipStatus,
)
from sikom.alliance.workflow import MEMBERSHIPS
from sikom.core import audit
from sikom.core.versions import check_version
from sikom.core.workflow import TransitionNotAllowed
from sikom.geo.models import Municipality

CONTACT_FIELDS = ["name", "function", "email", "phone", "opted_in_directory"]
MEETING_FIELDS = ["held_on", "topic", "format", "record"]


class AllianceRefused(Exception):
    """Refused input. Carries a German message and the form field it concerns (None: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _organisation_name(user: User | None) -> str:
    return user.organisation_name if user is not None and user.is_authenticated else ""


def _event(membership: Membership, action: str, *, by: User | None, on: date | None = None, reason: str = ""):
    MembershipEvent.objects.create(
        membership=membership, action=action, on=on, reason=reason, by=by, by_organisation=_organisation_name(by)
    )


def _lock_municipality(municipality: Municipality) -> None:
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()


def _check(current: str, target: str, *, reason: str = "", field: str | None = None) -> None:
    try:
        MEMBERSHIPS.check(current, target, reason=reason)
    except TransitionNotAllowed as refusal:
        message = str(refusal)
        raise AllianceRefused(
            message, field="reason" if message == str(MEMBERSHIPS.reason_missing) else field
        ) from None


def _check_day(day: date | None, *, field: str) -> None:
    if day is None:
        raise AllianceRefused(_("Bitte geben Sie ein Datum an."), field=field)
    if day > timezone.localdate():
        raise AllianceRefused(_("Das Datum darf nicht in der Zukunft liegen."), field=field)


def request_membership(
    *, municipality: Municipality, by: User | None, note: str = "", requested_at: datetime | None = None
) -> Membership:
    """A municipality asks to join. Refused while it has a request or a membership that is not closed.
    `requested_at` is for memberships entered afterwards (`record_membership`); a request is made now."""
    with transaction.atomic():
        _lock_municipality(municipality)
        current = Membership.objects.filter(municipality=municipality, status__in=OPEN_STATUSES).first()
        if current is not None:
            if current.status == MembershipStatus.ACTIVE:
                message = _("%(municipality)s ist bereits Mitglied der Allianz.")
            else:
                message = _("Für %(municipality)s liegt bereits ein Antrag auf Mitgliedschaft vor.")
            raise AllianceRefused(message % {"municipality": municipality.display_name}, field="confirm")
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    municipality=municipality, requested_at=requested_at or timezone.now(), requested_by=by
                )
        except IntegrityError:
            # Only reachable when the lock above is bypassed; the constraint still holds.
            raise AllianceRefused(
                _("Für %(municipality)s liegt bereits ein Antrag auf Mitgliedschaft vor.")
                % {"municipality": municipality.display_name},
                field="confirm",
            ) from None
        _event(membership, MembershipEvent.Action.REQUESTED, by=by, reason=note.strip())
        audit.log(
            "alliance.membership_requested", actor=by, obj=membership, data={"ags": municipality.ags}, atomic=True
        )
    return membership


def _locked(membership: Membership) -> Membership:
    _lock_municipality(membership.municipality)
    return Membership.objects.select_for_update().select_related("municipality").get(pk=membership.pk)


def _check_join_day(membership: Membership, joined_on: date | None) -> None:
    _check_day(joined_on, field="joined_on")
    if joined_on < ALLIANCE_FOUNDED:
        raise AllianceRefused(
            _("Die Allianz wurde im Februar 2019 gegründet; ein Beitritt davor ist nicht möglich."), field="joined_on"
        )
    previous = (
        Membership.objects.filter(municipality_id=membership.municipality_id, left_on__isnull=False)
        .exclude(pk=membership.pk)
        .order_by("-left_on")
        .first()
    )
    if previous is not None and joined_on < previous.left_on:
        raise AllianceRefused(
            _("Die Kommune ist erst am %(left)s ausgetreten; der neue Beitritt kann nicht davor liegen.")
            % {"left": date_format(previous.left_on, "d.m.Y")},
            field="joined_on",
        )


def confirm_membership(
    *, membership: Membership, by: User | None, joined_on: date, founding: bool = False
) -> Membership:
    """ASSKomm confirms a request: the municipality is a member from `joined_on` (not in the future)."""
    with transaction.atomic():
        membership = _locked(membership)
        _check(membership.status, MembershipStatus.ACTIVE)
        _check_join_day(membership, joined_on)
        membership.status = MembershipStatus.ACTIVE
        membership.joined_on = joined_on
        membership.founding = founding
        membership.confirmed_by = by
        membership.save(update_fields=["status", "joined_on", "founding", "confirmed_by", "updated_at"])
        _event(membership, MembershipEvent.Action.CONFIRMED, by=by, on=joined_on)
        audit.log(
            "alliance.membership_confirmed",
            actor=by,
            obj=membership,
            data={"joined_on": joined_on.isoformat(), "founding": founding},
            atomic=True,
        )
    return membership


def decline_membership(*, membership: Membership, by: User | None, reason: str) -> Membership:
    with transaction.atomic():
        membership = _locked(membership)
        _check(membership.status, MembershipStatus.DECLINED, reason=reason)
        membership.status = MembershipStatus.DECLINED
        membership.closing_reason = reason.strip()
        membership.save(update_fields=["status", "closing_reason", "updated_at"])
        _event(membership, MembershipEvent.Action.DECLINED, by=by, reason=reason.strip())
        audit.log("alliance.membership_declined", actor=by, obj=membership, atomic=True)
    return membership


def mark_left(*, membership: Membership, by: User | None, left_on: date, reason: str) -> Membership:
    """A member leaves: not in the future, not before it joined."""
    with transaction.atomic():
        membership = _locked(membership)
        _check(membership.status, MembershipStatus.LEFT, reason=reason)
        _check_day(left_on, field="left_on")
        if left_on < membership.joined_on:
            raise AllianceRefused(
                _("Der Austritt kann nicht vor dem Beitritt am %(joined)s liegen.")
                % {"joined": date_format(membership.joined_on, "d.m.Y")},
                field="left_on",
            )
        membership.status = MembershipStatus.LEFT
        membership.left_on = left_on
        membership.closing_reason = reason.strip()
        membership.save(update_fields=["status", "left_on", "closing_reason", "updated_at"])
        _event(membership, MembershipEvent.Action.LEFT, by=by, on=left_on, reason=reason.strip())
        audit.log(
            "alliance.membership_left", actor=by, obj=membership, data={"left_on": left_on.isoformat()}, atomic=True
        )
    return membership


def record_membership(
    *,
    municipality: Municipality,
    by: User | None,
    joined_on: date,
    founding: bool = False,
    left_on: date | None = None,
    reason: str = "",
) -> Membership:
    """An existing membership entered by ASSKomm (or the demo): request, confirmation and, if given, the leaving
    date in one transaction, through the same steps and checks."""
    with transaction.atomic():
        # The day it joined stands for the request that came before the platform.
        requested_at = timezone.make_aware(datetime.combine(joined_on, time(12))) if joined_on else None
        membership = request_membership(municipality=municipality, by=by, requested_at=requested_at)
        membership = confirm_membership(membership=membership, by=by, joined_on=joined_on, founding=founding)
        if left_on is not None:
            membership = mark_left(membership=membership, by=by, left_on=left_on, reason=reason)
    return membership


# Contact persons ----------------------------------------------------------------------------------------------


def save_contact(
    *,
    by: User | None,
    data: dict[str, Any],
    contact: ContactPerson | None = None,
    municipality: Municipality | None = None,
    expected_version: int | None = None,
) -> ContactPerson:
    """Create (with `municipality`) or update (`contact`) a contact person. The opt-in date is set when the person
    is first shown in the directory and cleared when the opt-in is withdrawn."""
    with transaction.atomic():
        if contact is None:
            contact = ContactPerson(municipality=municipality, created_by=by)
            action = "alliance.contact_created"
        else:
            contact = ContactPerson.objects.select_for_update().get(pk=contact.pk)
            check_version(contact, expected_version, conflict=AllianceRefused)
            contact.version += 1
            action = "alliance.contact_updated"
        was_opted_in = contact.opted_in_directory
        for name in CONTACT_FIELDS:
            if name in data:
                setattr(contact, name, data[name].strip() if isinstance(data[name], str) else data[name])
        if contact.opted_in_directory and not was_opted_in:
            contact.opted_in_at = timezone.now()
        elif not contact.opted_in_directory:
            contact.opted_in_at = None
        contact.save()
        audit.log(action, actor=by, obj=contact, data={"opted_in_directory": contact.opted_in_directory}, atomic=True)
    return contact


def delete_contact(*, contact: ContactPerson, by: User | None) -> None:
    with transaction.atomic():
        audit.log(
            "alliance.contact_deleted", actor=by, obj=contact, data={"ags": contact.municipality.ags}, atomic=True
        )
        contact.delete()


# Exchange meetings ----------------------------------------------------------------------------------------------


def save_exchange_meeting(
    *,
    by: User | None,
    data: dict[str, Any],
    municipalities,
    meeting: ExchangeMeeting | None = None,
    expected_version: int | None = None,
) -> ExchangeMeeting:
    municipalities = list(municipalities)
    if not municipalities:
        raise AllianceRefused(_("Bitte wählen Sie mindestens eine teilnehmende Kommune."), field="municipalities")
    with transaction.atomic():
        if meeting is None:
            meeting = ExchangeMeeting(created_by=by)
            action = "alliance.meeting_created"
        else:
            meeting = ExchangeMeeting.objects.select_for_update().get(pk=meeting.pk)
            check_version(meeting, expected_version, conflict=AllianceRefused)
            meeting.version += 1
            action = "alliance.meeting_updated"
        for name in MEETING_FIELDS:
            if name in data:
                setattr(meeting, name, data[name].strip() if isinstance(data[name], str) else data[name])
        meeting.save()
        meeting.municipalities.set(municipalities)
        audit.log(
            action, actor=by, obj=meeting, data={"municipalities": sorted(m.ags for m in municipalities)}, atomic=True
        )
    return meeting


def delete_exchange_meeting(*, meeting: ExchangeMeeting, by: User | None) -> None:
    with transaction.atomic():
        ags = sorted(meeting.municipalities.values_list("ags", flat=True))
        audit.log("alliance.meeting_deleted", actor=by, obj=meeting, data={"municipalities": ags}, atomic=True)
        meeting.delete()
