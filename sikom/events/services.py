"""Writes for events: the staff pages (events, sessions, programme), registration, waiting list and cancellation.

Seats are never oversold: every write that can take or free a seat of a session first locks the session's row
(`_lock_session`: `SELECT … FOR UPDATE` on PostgreSQL; on SQLite the transaction is opened `IMMEDIATE`, so it holds
the database's write lock from its first statement and the `FOR UPDATE` is left out by Django) and only then counts
the seats held, in the same transaction. There is no path that checks seats without that lock (decision 0024).
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sikom.core import audit
from sikom.events.models import (
    ACTIVE,
    HOLDS_SEATS,
    AgendaItem,
    Attendance,
    Event,
    EventTargetGroup,
    FeedbackAnswer,
    FeedbackToken,
    LinkToken,
    NewsItem,
    Person,
    Publication,
    PublicationTopic,
    Registration,
    RegistrationEvent,
    Session,
    SessionTally,
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
        audit.log("events.event_created", actor=by, obj=event, data={"title": event.title}, atomic=True)
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
            audit.log("events.event_updated", actor=by, obj=current, data={"fields": changed}, atomic=True)
    return current


def create_session(*, event: Event, by, data: dict[str, Any]) -> Session:
    with transaction.atomic():
        session = Session.objects.create(event=event, **{name: data[name] for name in SESSION_FIELDS})
        audit.log("events.session_created", actor=by, obj=session, data={"event": event.pk}, atomic=True)
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
            audit.log("events.session_updated", actor=by, obj=current, data={"fields": changed}, atomic=True)
        _offer_free_seats(current)
    return current


def add_agenda_item(*, event: Event, by, data: dict[str, Any]) -> AgendaItem:
    with transaction.atomic():
        item = AgendaItem.objects.create(event=event, **data)
        audit.log("events.agenda_item_added", actor=by, obj=event, data={"item": item.pk}, atomic=True)
    return item


def remove_agenda_item(*, item: AgendaItem, by) -> None:
    with transaction.atomic():
        event = item.event
        audit.log(
            "events.agenda_item_removed", actor=by, obj=event, data={"item": item.pk, "title": item.title}, atomic=True
        )
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


DUPLICATE = gettext_lazy(
    "Mit dieser E-Mail-Adresse ist bereits eine Anmeldung für diesen Termin eingegangen. Bitte prüfen Sie Ihr "
    "Postfach; über den Link in der E-Mail können Sie die Anmeldung ansehen oder stornieren."
)


def _active_with(email: str) -> Q:
    """An active registration with this address refuses another; an unconfirmed one past its deadline (not yet
    expired by housekeeping) does not."""
    lapsed = Q(status=R.PENDING, deadline__lte=timezone.now())
    return Q(status__in=ACTIVE, email__iexact=email) & ~lapsed


def _check_duplicate(session: Session, email: str) -> None:
    if session.registrations.filter(_active_with(email)).exists():
        raise Refused(str(DUPLICATE))


def _seat_state(session: Session, email: str = "") -> tuple[int, int, bool]:
    """In one query (the session is locked by the caller): seats held, the last waiting position, and whether
    `email` already has an active registration."""
    duplicates = {"duplicates": Count("pk", filter=_active_with(email))} if email else {}
    row = session.registrations.aggregate(
        held=Sum("seats", filter=Q(status__in=HOLDS_SEATS)),
        last=Max("queue_position", filter=Q(status=R.WAITING)),
        **duplicates,
    )
    return row["held"] or 0, row["last"] or 0, bool(row.get("duplicates"))


def _create(
    session: Session,
    *,
    user,
    data: dict[str, Any],
    companions: list[str],
    history: tuple[str, ...] = (R.PENDING,),
    queue_position: int | None = None,
) -> Registration:
    """The registration with its persons, in the last status of `history` (each step checked against the workflow
    and kept as a history row)."""
    for before, after in pairwise(history):
        REGISTRATIONS.check(before, after)
    registration = Registration.objects.create(
        session=session,
        user=user if user is not None and user.is_authenticated else None,
        status=history[-1],
        seats=1 + len(companions),
        queue_position=queue_position,
        **{name: data.get(name, "") for name in PERSON_FIELDS},
    )
    Person.objects.bulk_create(
        [Person(registration=registration, name=name, position=i) for i, name in enumerate([data["name"], *companions])]
    )
    RegistrationEvent.objects.bulk_create(
        [RegistrationEvent(registration=registration, status=status, by=registration.user) for status in history]
    )
    return registration


def _place(registration: Registration, session: Session, *, by=None) -> None:
    """Confirm the registration if its whole group fits, else put it at the end of the waiting list. The session is
    locked by the caller."""
    held, last, _duplicate = _seat_state(session)
    if held + registration.seats <= session.capacity:
        _set_status(registration, R.CONFIRMED, by=by)
        _mail(registration, "confirmed")
    else:
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
        # One query for seats, waiting list and duplicate; the registration is created in its final status.
        held, last, duplicate = _seat_state(session, user.email)
        if duplicate:
            raise Refused(str(DUPLICATE))
        fits = held + 1 + len(companions) <= session.capacity
        registration = _create(
            session,
            user=user,
            data=data,
            companions=companions,
            history=(R.PENDING, R.CONFIRMED if fits else R.WAITING),
            queue_position=None if fits else last + 1,
        )
        _mail(registration, "confirmed" if fits else "waiting")
        audit.log(
            "events.registered",
            actor=user,
            obj=registration,
            data={"session": session.pk, "seats": registration.seats},
            atomic=True,
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
        registration = _create(session, user=None, data=data, companions=companions)
        registration.deadline = timezone.now() + timedelta(hours=settings.EVENT_CONFIRMATION_HOURS)
        registration.save(update_fields=["deadline"])
        audit.log("events.registration_requested", obj=registration, data={"session": session.pk}, atomic=True)
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
        audit.log("events.registration_confirmed", obj=registration, data={"status": registration.status}, atomic=True)
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
            audit.log("events.offer_accepted", obj=registration, data={"session": session.pk}, atomic=True)
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
            atomic=True,
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
        audit.log(
            "events.seat_offered",
            obj=registration,
            data={"session": session.pk, "seats": registration.seats},
            atomic=True,
        )
        free -= registration.seats
        offered += 1
        if free == 0:
            break
    return offered


def _expire_offer(registration: Registration, session: Session) -> None:
    _set_status(registration, R.EXPIRED, note="offer expired")
    _mail(registration, "offer_expired")
    audit.log("events.offer_expired", obj=registration, data={"session": session.pk}, atomic=True)
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
            atomic=True,
        )


# Attendance and walk-ins (staff, on the day) -------------------------------------------------------------------

CHECK_IN_OPENS = timedelta(days=1)  # check-in and walk-ins from a day before the start


def check_in_refusal(session: Session, now: datetime) -> str | None:
    if now < session.starts_at - CHECK_IN_OPENS:
        return _("Die Anwesenheit kann erst ab einem Tag vor Beginn des Termins erfasst werden.")
    return None


def _present_person(session: Session, person_id: int) -> Person:
    person = (
        Person.objects.select_related("registration")
        .filter(pk=person_id, registration__session=session, registration__status=R.CONFIRMED)
        .first()
    )
    if person is None:
        raise Refused(_("Diese Person ist für diesen Termin nicht (mehr) bestätigt angemeldet."))
    return person


def mark_present(*, session: Session, person_id: int, by) -> Person:
    """Check a confirmed person in; marking twice changes nothing."""
    with transaction.atomic():
        session = _lock_session(session.pk)
        refusal = check_in_refusal(session, timezone.now())
        if refusal:
            raise Refused(refusal)
        person = _present_person(session, person_id)
        _, created = Attendance.objects.get_or_create(session=session, person=person)
        if created:
            audit.log("events.checked_in", actor=by, obj=person.registration, data={"person": person.pk}, atomic=True)
    return person


def unmark_present(*, session: Session, person_id: int, by) -> Person:
    """Undo a check-in (a mistake at the door)."""
    with transaction.atomic():
        session = _lock_session(session.pk)
        person = _present_person(session, person_id)
        deleted, _rows = Attendance.objects.filter(session=session, person=person).delete()
        if deleted:
            audit.log(
                "events.check_in_undone", actor=by, obj=person.registration, data={"person": person.pk}, atomic=True
            )
    return person


def register_walk_in(*, session_id: int, by, data: dict[str, Any]) -> Registration:
    """A person who comes without registration: registered, confirmed and marked present at once, only if a seat is
    free — under the same session lock as every registration (decision 0024)."""
    with transaction.atomic():
        session = _lock_session(session_id)
        now = timezone.now()
        refusal = check_in_refusal(session, now)
        if refusal:
            raise Refused(refusal)
        if session.ends_at <= now:
            raise Refused(_("Der Termin ist vorbei. Eine Anmeldung vor Ort ist nicht mehr möglich."))
        held = seats_held(session)
        if held + 1 > session.capacity:
            raise Refused(
                _(
                    "Der Termin ist voll (%(held)d von %(capacity)d Plätzen vergeben). Eine Anmeldung vor Ort ist "
                    "nicht möglich."
                )
                % {"held": held, "capacity": session.capacity}
            )
        if data.get("email"):
            _check_duplicate(session, data["email"])
        registration = _create(session, user=None, data=data, companions=[])
        _set_status(registration, R.CONFIRMED, by=by, note="walk-in")
        Attendance.objects.create(session=session, person=registration.persons.get())
        if registration.email:
            _mail(registration, "confirmed")
        audit.log("events.walk_in", actor=by, obj=registration, data={"session": session.pk}, atomic=True)
    return registration


# Feedback (anonymous) ------------------------------------------------------------------------------------------

FEEDBACK_INVITE_WINDOW = timedelta(days=14)  # sessions that ended up to this long ago still get invitations
FEEDBACK_LINK_DAYS = 30


def invite_feedback(now: datetime | None = None) -> dict[str, int]:
    """Housekeeping: after a session ended, each registration with persons marked present gets one e-mail with a
    feedback link per present person (the task mints the links: `tasks.send_feedback_mail`)."""
    now = now or timezone.now()
    persons = Person.objects.filter(
        feedback_invited=False,
        attendance__isnull=False,
        registration__session__ends_at__lte=now,
        registration__session__ends_at__gt=now - FEEDBACK_INVITE_WINDOW,
    )
    registrations = sorted(set(persons.values_list("registration_id", flat=True)))
    from sikom.events.tasks import send_feedback_mail

    for registration_id in registrations:
        with transaction.atomic():
            marked = Person.objects.filter(
                registration_id=registration_id, feedback_invited=False, attendance__isnull=False
            ).update(feedback_invited=True)
            if marked:
                send_feedback_mail.enqueue(registration_id)
    return {"event_feedback_invitations": len(registrations)}


def issue_feedback_token(*, session: Session) -> tuple[str, int]:
    raw = secrets.token_urlsafe(32)
    token = FeedbackToken.objects.create(
        session=session, token_hash=token_hash(raw), expires_at=timezone.now() + timedelta(days=FEEDBACK_LINK_DAYS)
    )
    return raw, token.pk


def _feedback_token(raw: str) -> FeedbackToken:
    if not raw or len(raw) > 100:
        raise LinkInvalid(str(INVALID_LINK))
    token = FeedbackToken.objects.select_related("session__event").filter(token_hash=token_hash(raw)).first()
    if token is None:
        raise LinkInvalid(str(INVALID_LINK))
    return token


def _check_feedback_token(token: FeedbackToken) -> None:
    if token.used:
        raise LinkInvalid(_("Mit diesem Link wurde bereits eine Rückmeldung abgegeben. Jeder Link gilt nur einmal."))
    if token.expires_at <= timezone.now():
        raise LinkInvalid(_("Dieser Link zur Rückmeldung ist abgelaufen."))


def feedback_link_state(raw: str) -> Session:
    token = _feedback_token(raw)
    _check_feedback_token(token)
    return token.session


FEEDBACK_FIELDS = ["overall", "usefulness", "organisation", "takeaway", "improve"]


def submit_feedback(*, raw_token: str, data: dict[str, Any]) -> FeedbackAnswer:
    """Store one anonymous answer: the token is marked used, the answer knows only the event and the date."""
    token = _feedback_token(raw_token)
    with transaction.atomic():
        token = FeedbackToken.objects.select_for_update().select_related("session__event").get(pk=token.pk)
        _check_feedback_token(token)
        token.used = True
        token.save(update_fields=["used"])
        answer = FeedbackAnswer.objects.create(
            event=token.session.event,
            submitted_on=timezone.localdate(),
            **{name: data[name] for name in FEEDBACK_FIELDS},
        )
    return answer


# Retention -----------------------------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    year += moment.year
    month += 1
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month, day=day)


def purge_personal_data(now: datetime | None = None) -> dict[str, int]:
    """Housekeeping: `EVENT_RETENTION_MONTHS` after a session ended its registrations (with persons, history and
    links) are deleted. First their counts go into the session's tally; attendance rows stay without a person."""
    now = now or timezone.now()
    cutoff = months_before(now, settings.EVENT_RETENTION_MONTHS)
    sessions = sorted(
        set(Registration.objects.filter(session__ends_at__lte=cutoff).values_list("session_id", flat=True))
    )
    deleted = 0
    for session_id in sessions:
        with transaction.atomic():
            session = _lock_session(session_id)
            registrations = session.registrations.all()
            confirmed = registrations.filter(status=R.CONFIRMED).aggregate(n=Sum("seats"))["n"] or 0
            tally, _created = SessionTally.objects.get_or_create(session=session)
            tally.registrations += registrations.count()
            tally.persons_confirmed += confirmed
            tally.purged_at = now
            tally.save()
            count = registrations.count()
            registrations.delete()
            deleted += count
            audit.log("events.personal_data_deleted", obj=session, data={"registrations": count}, atomic=True)
    return {"event_registrations_deleted": deleted}


# Event documentation, publications, news -----------------------------------------------------------------------

PUBLICATION_FIELDS = [
    "title",
    "type",
    "description",
    "publisher",
    "published_on",
    "language",
    "external_url",
    "order_info",
    "event",
    "is_published",
]


def set_event_report(*, event: Event, by, report: str) -> Event:
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.report != report:
            event.report = report
            event.save(update_fields=["report", "updated_at"])
            audit.log("events.report_updated", actor=by, obj=event, atomic=True)
    return event


def _set_topics(publication: Publication, codes: list[str]) -> None:
    publication.topic_rows.exclude(code__in=codes).delete()
    existing = set(publication.topic_rows.values_list("code", flat=True))
    PublicationTopic.objects.bulk_create(
        [PublicationTopic(publication=publication, code=c) for c in codes if c not in existing]
    )


def save_publication(*, publication: Publication | None, by, data: dict[str, Any], upload=None) -> Publication:
    """Create or edit a library entry. A new file (already checked by `files.check`) replaces the old one; the
    stored file is removed again if the row cannot be written."""
    from sikom.events import files

    stored = None
    if upload is not None:
        content_type = files.check(upload)
        stored = files.store(upload, content_type)
    old_file = ""
    try:
        with transaction.atomic():
            publication = publication or Publication()
            for name in PUBLICATION_FIELDS:
                if name in data:
                    setattr(publication, name, data[name])
            if stored:
                old_file = publication.file_name
                publication.file_name = stored
                publication.file_original_name = files.sanitize_name(upload.name or "")[:200]
                publication.file_content_type = content_type
                publication.file_size = upload.size
            elif data.get("remove_file"):
                old_file, publication.file_name = publication.file_name, ""
                publication.file_original_name = publication.file_content_type = ""
                publication.file_size = 0
            created = publication.pk is None
            publication.save()
            _set_topics(publication, data.get("topics", []))
            audit.log(
                "events.publication_created" if created else "events.publication_updated",
                actor=by,
                obj=publication,
                data={"title": publication.title, "file": bool(stored)},
                atomic=True,
            )
    except BaseException:
        if stored:
            files.delete(stored)
        raise
    if old_file:
        files.delete(old_file)
    return publication


def delete_publication(*, publication: Publication, by) -> None:
    """Remove a library entry and its file; the file goes only once the row is gone for good."""
    from sikom.events import files

    stored = publication.file_name
    with transaction.atomic():
        audit.log(
            "events.publication_deleted",
            actor=by,
            obj=publication,
            data={"title": publication.title, "file": bool(stored)},
            atomic=True,
        )
        publication.delete()
        if stored:
            transaction.on_commit(lambda: files.delete(stored))


def save_news(*, item: NewsItem | None, by, data: dict[str, Any]) -> NewsItem:
    with transaction.atomic():
        item = item or NewsItem()
        for name in ("title", "text", "published_on", "is_published"):
            setattr(item, name, data[name])
        created = item.pk is None
        item.save()
        audit.log("events.news_created" if created else "events.news_updated", actor=by, obj=item, atomic=True)
    return item


def delete_news(*, item: NewsItem, by) -> None:
    with transaction.atomic():
        audit.log("events.news_deleted", actor=by, obj=item, data={"title": item.title}, atomic=True)
        item.delete()
