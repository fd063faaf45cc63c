"""Writes for events: the staff pages (events, sessions, programme), registration, waiting list and cancellation.

Seats are never oversold: every write that can take or free a seat of a session first locks the session's row
(`_lock_session`: `SELECT … FOR UPDATE` on PostgreSQL; on SQLite the transaction is opened `IMMEDIATE`, so it holds
the database's write lock from its first statement and the `FOR UPDATE` is left out by Django) and only then counts
the seats held, in the same transaction. There is no path that checks seats without that lock (decision 0024).
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sikom.core import audit
from sikom.events.models import (
    ACTIVE,
    HOLDS_SEATS,
    AgendaItem,
    Event,
    EventTargetGroup,
    LinkToken,
    Person,
    Registration,
    RegistrationEvent,
    Session,
)
from sikom.events.models import RegistrationStatus as R
from sikom.events.workflow import REGISTRATIONS

EVENT_FIELDS = [
    "title",
    "type",
    "summary",
    "description",
    "language",
    "accessibility_notes",
    "organiser",
    "contact_email",
    "contact_phone",
    "district",
    "registration_opens_at",
    "registration_closes_at",
    "is_published",
]
SESSION_FIELDS = ["starts_at", "ends_at", "venue", "street", "postcode_city", "online_url", "capacity"]
PERSON_FIELDS = ["name", "email", "organisation", "role", "accessibility_needs"]
MAX_GROUP = 10


class Refused(Exception):
    """A German message for the person who tried; nothing was changed."""


class LinkInvalid(Refused):
    """A link that is unknown, used or expired."""


class EditConflict(Exception):
    def __init__(self, current: Event):
        super().__init__("event changed meanwhile")
        self.current = current


# Events, sessions, programme (ASSKomm staff pages) ------------------------------------------------------------


def _set_target_groups(event: Event, codes: list[str]) -> None:
    event.audience_rows.exclude(code__in=codes).delete()
    existing = set(event.audience_rows.values_list("code", flat=True))
    EventTargetGroup.objects.bulk_create([EventTargetGroup(event=event, code=c) for c in codes if c not in existing])


def create_event(*, by, data: dict[str, Any]) -> Event:
    with transaction.atomic():
        event = Event(**{name: data[name] for name in EVENT_FIELDS if name in data})
        event.save()
        _set_target_groups(event, data.get("target_groups", []))
        audit.log("events.event_created", actor=by, obj=event, data={"title": event.title})
    return event


def update_event(*, event: Event, by, expected_version: int, data: dict[str, Any]) -> Event:
    """Save an edit; refuse it when someone else saved in between (no lost updates)."""
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.version != expected_version:
            raise EditConflict(current)
        changed = [name for name in EVENT_FIELDS if name in data and getattr(current, name) != data[name]]
        for name in changed:
            setattr(current, name, data[name])
        if "target_groups" in data and sorted(current.target_groups) != sorted(data["target_groups"]):
            _set_target_groups(current, data["target_groups"])
            changed.append("target_groups")
        if changed:
            current.version += 1
            current.save()
            audit.log("events.event_updated", actor=by, obj=current, data={"fields": changed})
    return current


def create_session(*, event: Event, by, data: dict[str, Any]) -> Session:
    with transaction.atomic():
        session = Session.objects.create(event=event, **{name: data[name] for name in SESSION_FIELDS})
        audit.log("events.session_created", actor=by, obj=session, data={"event": event.pk})
    return session


def update_session(*, session: Session, by, data: dict[str, Any]) -> Session:
    """Capacity may not fall below the seats already held; more capacity offers seats to the waiting list."""
    with transaction.atomic():
        current = _lock_session(session.pk)
        held = seats_held(current)
        if data["capacity"] < held:
            raise Refused(
                _(
                    "Es sind bereits %(held)d Plätze vergeben (bestätigt oder angeboten). Die Zahl der Plätze kann "
                    "nicht darunter sinken."
                )
                % {"held": held}
            )
        changed = [name for name in SESSION_FIELDS if getattr(current, name) != data[name]]
        for name in changed:
            setattr(current, name, data[name])
        current.save()
        if changed:
            audit.log("events.session_updated", actor=by, obj=current, data={"fields": changed})
        _offer_free_seats(current)
    return current


def add_agenda_item(*, event: Event, by, data: dict[str, Any]) -> AgendaItem:
    with transaction.atomic():
        item = AgendaItem.objects.create(event=event, **data)
        audit.log("events.agenda_item_added", actor=by, obj=event, data={"item": item.pk})
    return item


def remove_agenda_item(*, item: AgendaItem, by) -> None:
    with transaction.atomic():
        event = item.event
        audit.log("events.agenda_item_removed", actor=by, obj=event, data={"item": item.pk, "title": item.title})
        item.delete()


# Tokens --------------------------------------------------------------------------------------------------------


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(*, registration: Registration, purpose: str, expires_at: datetime) -> str:
    """A new random link token; only its hash is stored. Called when the e-mail is written, so the raw token exists
    only in the e-mail (never in the task queue's rows)."""
    raw = secrets.token_urlsafe(32)
    LinkToken.objects.create(
        registration=registration, purpose=purpose, token_hash=token_hash(raw), expires_at=expires_at
    )
    return raw


INVALID_LINK = gettext_lazy(
    "Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig aus der E-Mail übernommen haben."
)


OFFER_EXPIRED = gettext_lazy(
    "Dieses Platzangebot ist abgelaufen. Der Platz wurde der nächsten Person auf der Warteliste angeboten."
)


def _token(raw: str, purpose: str) -> LinkToken:
    if not raw or len(raw) > 100:
        raise LinkInvalid(str(INVALID_LINK))
    token = (
        LinkToken.objects.select_related("registration__session__event")
        .filter(token_hash=token_hash(raw), purpose=purpose)
        .first()
    )
    if token is None:
        raise LinkInvalid(str(INVALID_LINK))
    return token


def registration_for_link(raw: str) -> Registration:
    """The registration a »manage« link opens (status, access for confirmed participants, cancellation)."""
    token = _token(raw, LinkToken.Purpose.MANAGE)
    if token.expires_at <= timezone.now():
        raise LinkInvalid(_("Dieser Link ist abgelaufen, weil der Termin vorbei ist."))
    return token.registration


def link_token_state(raw: str, purpose: str) -> Registration:
    """For the page behind a single-use link (shown before the person presses the button): refuse a used or
    expired link right away."""
    token = _token(raw, purpose)
    _check_single_use(token)
    return token.registration


def _check_single_use(token: LinkToken) -> None:
    if token.used_at is not None:
        raise LinkInvalid(_("Dieser Link wurde bereits verwendet. Jeder Link gilt nur einmal."))
    if token.expires_at <= timezone.now():
        if token.purpose == LinkToken.Purpose.CONFIRM_EMAIL:
            raise LinkInvalid(
                _(
                    "Dieser Bestätigungslink ist abgelaufen. Ihre Anmeldung ist verfallen; bitte melden Sie sich "
                    "erneut an."
                )
            )
        raise LinkInvalid(str(OFFER_EXPIRED))


# Seats ---------------------------------------------------------------------------------------------------------


def _lock_session(pk: int) -> Session:
    """The one lock of a session: every seat check runs after it in the same transaction."""
    return Session.objects.select_for_update(of=("self",)).select_related("event").get(pk=pk)


def seats_held(session: Session) -> int:
    total = session.registrations.filter(status__in=HOLDS_SEATS).aggregate(n=Sum("seats"))["n"]
    return total or 0


def _set_status(registration: Registration, to: str, *, by=None, note: str = "") -> None:
    REGISTRATIONS.check(registration.status, to)
    registration.status = to
    if to != R.WAITING:
        registration.queue_position = None
    if to not in (R.PENDING, R.OFFERED):
        registration.deadline = None
    registration.save()
    RegistrationEvent.objects.create(
        registration=registration, status=to, note=note[:300], by=by if by and by.is_authenticated else None
    )


def _mail(registration: Registration, kind: str) -> None:
    # In the transaction: the database task backend writes the task row with the registration, so a crash after the
    # commit cannot lose the e-mail, and the worker retries a failed send.
    from sikom.events.tasks import send_registration_mail

    send_registration_mail.enqueue(registration.pk, kind)


def _refusal(session: Session, now: datetime) -> str | None:
    event = session.event
    if not event.is_published:
        return _("Für diese Veranstaltung ist keine Anmeldung möglich.")
    if session.starts_at <= now:
        return _("Dieser Termin hat bereits begonnen oder ist vorbei. Eine Anmeldung ist nicht mehr möglich.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Die Anmeldung ist noch nicht geöffnet. Sie beginnt am %(date)s.") % {
            "date": timezone.localtime(event.registration_opens_at).strftime("%d.%m.%Y um %H:%M Uhr")
        }
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _("Die Anmeldefrist ist abgelaufen.")
    return None


def registration_refusal(session: Session) -> str | None:
    """Why nobody can register for this session now (None: registration is open); for the pages."""
    return _refusal(session, timezone.now())


def _check_duplicate(session: Session, email: str) -> None:
    """An active registration with this address refuses another; an unconfirmed one past its deadline (not yet
    expired by housekeeping) does not."""
    lapsed = Q(status=R.PENDING, deadline__lte=timezone.now())
    if session.registrations.filter(status__in=ACTIVE, email__iexact=email).exclude(lapsed).exists():
        raise Refused(
            _(
                "Mit dieser E-Mail-Adresse ist bereits eine Anmeldung für diesen Termin eingegangen. Bitte prüfen Sie "
                "Ihr Postfach; über den Link in der E-Mail können Sie die Anmeldung ansehen oder stornieren."
            )
        )


def _create(session: Session, *, user, data: dict[str, Any], status: str, companions: list[str]) -> Registration:
    registration = Registration.objects.create(
        session=session,
        user=user if user is not None and user.is_authenticated else None,
        status=status,
        seats=1 + len(companions),
        **{name: data.get(name, "") for name in PERSON_FIELDS},
    )
    Person.objects.bulk_create(
        [Person(registration=registration, name=name, position=i) for i, name in enumerate([data["name"], *companions])]
    )
    RegistrationEvent.objects.create(registration=registration, status=status, by=registration.user)
    return registration


def _place(registration: Registration, session: Session, *, by=None) -> None:
    """Confirm the registration if its whole group fits, else put it at the end of the waiting list. The session is
    locked by the caller."""
    if seats_held(session) + registration.seats <= session.capacity:
        _set_status(registration, R.CONFIRMED, by=by)
        _mail(registration, "confirmed")
    else:
        last = session.registrations.filter(status=R.WAITING).aggregate(n=Max("queue_position"))["n"] or 0
        registration.queue_position = last + 1
        _set_status(registration, R.WAITING, by=by)
        _mail(registration, "waiting")


def _check_group(companions: list[str]) -> None:
    if len(companions) + 1 > MAX_GROUP:
        raise Refused(_("Eine Gruppenanmeldung umfasst höchstens %(max)d Personen.") % {"max": MAX_GROUP})


def register_member(*, session_id: int, user, data: dict[str, Any], companions: list[str] = ()) -> Registration:
    """A logged-in person registers in one step: confirmed if the whole group fits, else on the waiting list."""
    companions = list(companions)
    _check_group(companions)
    data = {**data, "name": user.full_name or user.email, "email": user.email}
    with transaction.atomic():
        session = _lock_session(session_id)
        refusal = _refusal(session, timezone.now())
        if refusal:
            raise Refused(refusal)
        _check_duplicate(session, user.email)
        registration = _create(session, user=user, data=data, status=R.PENDING, companions=companions)
        _place(registration, session, by=user)
        audit.log(
            "events.registered", actor=user, obj=registration, data={"session": session.pk, "seats": registration.seats}
        )
    return registration


def register_public(*, session_id: int, data: dict[str, Any], companions: list[str] = ()) -> Registration:
    """A member of the public registers: nothing is held until the link in the e-mail is opened (double opt-in)."""
    companions = list(companions)
    _check_group(companions)
    with transaction.atomic():
        session = _lock_session(session_id)
        refusal = _refusal(session, timezone.now())
        if refusal:
            raise Refused(refusal)
        _check_duplicate(session, data["email"])
        registration = _create(session, user=None, data=data, status=R.PENDING, companions=companions)
        registration.deadline = timezone.now() + timedelta(hours=settings.EVENT_CONFIRMATION_HOURS)
        registration.save(update_fields=["deadline"])
        audit.log("events.registration_requested", obj=registration, data={"session": session.pk})
        _mail(registration, "confirm_email")
    return registration


def confirm_email(*, raw_token: str) -> Registration:
    """The link in the e-mail was opened (and its button pressed): now the seat is taken or the waiting list joined."""
    token = _token(raw_token, LinkToken.Purpose.CONFIRM_EMAIL)
    with transaction.atomic():
        session = _lock_session(token.registration.session_id)
        token = LinkToken.objects.select_related("registration").get(pk=token.pk)
        _check_single_use(token)
        registration = token.registration
        if registration.status != R.PENDING:
            raise LinkInvalid(_("Diese Anmeldung ist bereits bestätigt oder nicht mehr gültig."))
        if session.starts_at <= timezone.now():
            raise Refused(
                _("Dieser Termin hat bereits begonnen oder ist vorbei. Eine Anmeldung ist nicht mehr möglich.")
            )
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        _place(registration, session)
        audit.log("events.registration_confirmed", obj=registration, data={"status": registration.status})
    return registration


def accept_offer(*, raw_token: str) -> Registration:
    """A waiting person takes the seat offered to them. An expired offer is passed on to the next at once."""
    token = _token(raw_token, LinkToken.Purpose.ACCEPT_OFFER)
    expired = False
    with transaction.atomic():
        session = _lock_session(token.registration.session_id)
        token = LinkToken.objects.select_related("registration").get(pk=token.pk)
        registration = token.registration
        now = timezone.now()
        if token.used_at is None and registration.status == R.OFFERED and registration.deadline <= now:
            _expire_offer(registration, session)
            expired = True
        else:
            _check_single_use(token)
            if registration.status != R.OFFERED:
                raise LinkInvalid(_("Dieses Platzangebot gilt nicht mehr."))
            token.used_at = now
            token.save(update_fields=["used_at"])
            _set_status(registration, R.CONFIRMED)
            _mail(registration, "confirmed")
            audit.log("events.offer_accepted", obj=registration, data={"session": session.pk})
    if expired:  # raised after the commit: the expiry and the offer to the next person stay
        raise LinkInvalid(str(OFFER_EXPIRED))
    return registration


def cancel(*, registration: Registration, by=None, note: str = "") -> Registration:
    """Cancel by the participant (link or account) or staff; freed seats are offered to the waiting list."""
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status not in ACTIVE:
            raise Refused(_("Diese Anmeldung ist bereits storniert oder verfallen."))
        if session.starts_at <= timezone.now():
            raise Refused(
                _(
                    "Der Termin hat bereits begonnen. Bitte wenden Sie sich an den Veranstalter, wenn Sie nicht teilnehmen."
                )
            )
        freed = current.status in HOLDS_SEATS
        _set_status(current, R.CANCELLED, by=by, note=note)
        LinkToken.objects.filter(registration=current, used_at__isnull=True).exclude(
            purpose=LinkToken.Purpose.MANAGE
        ).update(used_at=timezone.now())
        _mail(current, "cancelled")
        audit.log(
            "events.cancelled",
            actor=by,
            obj=current,
            data={"session": session.pk, "freed": current.seats if freed else 0},
        )
        if freed:
            _offer_free_seats(session)
    return current


def _offer_free_seats(session: Session) -> int:
    """Offer free seats to the waiting list in order: the first person or group that fits as a whole gets an offer,
    then the next, until no seat is free or nobody fits. The session is locked by the caller."""
    now = timezone.now()
    if session.starts_at <= now:
        return 0
    free = session.capacity - seats_held(session)
    offered = 0
    if free <= 0:
        return 0
    deadline = min(now + timedelta(hours=settings.EVENT_OFFER_HOURS), session.starts_at)
    for registration in session.registrations.filter(status=R.WAITING).order_by("queue_position", "pk"):
        if registration.seats > free:
            continue
        registration.deadline = deadline
        _set_status(registration, R.OFFERED)
        _mail(registration, "offer")
        audit.log("events.seat_offered", obj=registration, data={"session": session.pk, "seats": registration.seats})
        free -= registration.seats
        offered += 1
        if free == 0:
            break
    return offered


def _expire_offer(registration: Registration, session: Session) -> None:
    _set_status(registration, R.EXPIRED, note="offer expired")
    _mail(registration, "offer_expired")
    audit.log("events.offer_expired", obj=registration, data={"session": session.pk})
    _offer_free_seats(session)


def expire_overdue(now: datetime | None = None) -> dict[str, int]:
    """Housekeeping: unconfirmed public registrations and unanswered offers past their deadline expire; each
    expired offer's seats go to the next on the waiting list. Session by session, under the session's lock, so an
    expiry never races a confirmation."""
    now = now or timezone.now()
    overdue = Registration.objects.filter(status__in=(R.PENDING, R.OFFERED), deadline__lte=now)
    pending = offers = 0
    for session_id in sorted(set(overdue.values_list("session_id", flat=True))):
        with transaction.atomic():
            session = _lock_session(session_id)
            for registration in session.registrations.filter(status=R.PENDING, deadline__lte=now):
                _set_status(registration, R.EXPIRED, note="e-mail not confirmed")
                pending += 1
            for registration in session.registrations.filter(status=R.OFFERED, deadline__lte=now):
                _expire_offer(registration, session)
                offers += 1
    return {"event_registrations_unconfirmed_expired": pending, "event_offers_expired": offers}


def reorder_waiting_list(*, session: Session, registration_id: int, position: int, reason: str, by) -> None:
    """Move a waiting registration to `position` (1 = first); the reason is kept in its history and the audit log."""
    if not reason.strip():
        raise Refused(_("Bitte geben Sie eine Begründung an."))
    with transaction.atomic():
        session = _lock_session(session.pk)
        waiting = list(session.registrations.filter(status=R.WAITING).order_by("queue_position", "pk"))
        moving = next((r for r in waiting if r.pk == registration_id), None)
        if moving is None:
            raise Refused(_("Diese Anmeldung steht nicht (mehr) auf der Warteliste."))
        if not 1 <= position <= len(waiting):
            raise Refused(_("Bitte wählen Sie einen Platz zwischen 1 und %(n)d.") % {"n": len(waiting)})
        old = waiting.index(moving) + 1
        waiting.remove(moving)
        waiting.insert(position - 1, moving)
        for index, registration in enumerate(waiting, start=1):
            if registration.queue_position != index:
                registration.queue_position = index
                registration.save(update_fields=["queue_position", "updated_at"])
        RegistrationEvent.objects.create(
            registration=moving,
            status=R.WAITING,
            by=by,
            note=(
                _("Wartelistenplatz %(old)d → %(new)d: %(reason)s") % {"old": old, "new": position, "reason": reason}
            )[:300],
        )
        audit.log(
            "events.waiting_list_reordered",
            actor=by,
            obj=moving,
            data={"session": session.pk, "from": old, "to": position, "reason": reason},
        )
