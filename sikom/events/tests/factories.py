"""Small factories for the events tests."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from sikom import testing
from sikom.events import services
from sikom.events.models import Event, EventTargetGroup, EventType, Session

PERSON = {
    "name": "Erika Beispiel",
    "email": "erika@example.org",
    "organisation": "Gemeinde Beispiel",
    "role": "Bürgermeisterin",
}


def make_event(**fields) -> Event:
    data = {
        "title": "Deeskalationstraining (Test)",
        "type": EventType.DEESCALATION,
        "summary": "Gespräche in angespannten Lagen führen.",
        "organiser": "Landespräventionsrat Sachsen",
        "contact_email": "asskomm@example.org",
        "is_published": True,
    } | fields
    groups = data.pop("target_groups", ["officials"])
    event = Event.objects.create(**data)
    EventTargetGroup.objects.bulk_create([EventTargetGroup(event=event, code=code) for code in groups])
    return event


def make_session(event: Event | None = None, *, capacity: int = 10, days: int = 14, **fields) -> Session:
    event = event or make_event()
    start = timezone.now() + timedelta(days=days)
    data = {
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "venue": "Rathaus",
        "street": "Markt 1",
        "postcode_city": "01796 Pirna",
        "capacity": capacity,
    } | fields
    return Session.objects.create(event=event, **data)


def person(n: int, **fields) -> dict:
    return PERSON | {"name": f"Person {n}", "email": f"person{n}@example.org"} | fields


def member(n: int):
    return testing.make_user(full_name=f"Mitglied {n}", email=f"mitglied{n}@example.org")


def link_from_mail(kind: str, message=None) -> str:
    """The token of the last e-mail's link of this kind: confirm, offer (platz) or manage."""
    pattern = {
        "confirm": r"/veranstaltungen/anmeldung/bestaetigen/([^/\s]+)/",
        "offer": r"/veranstaltungen/anmeldung/platz/([^/\s]+)/",
        "manage": r"/veranstaltungen/anmeldung/(?!bestaetigen/|platz/)([^/\s]+)/",
    }[kind]
    message = message or mail.outbox[-1]
    match = re.search(pattern, message.body)
    assert match, message.body
    return match.group(1)


def confirmed_public(session: Session, n: int, **fields):
    services.register_public(session_id=session.pk, data=person(n, **fields))
    return services.confirm_email(raw_token=link_from_mail("confirm"))


def past_confirmed(n: int = 1, *, session: Session | None = None, seats: int = 1, days: int = -3):
    """A confirmed registration (with `seats` persons) of a session that took place `days` ago."""
    from sikom.events.models import Person, Registration, RegistrationStatus

    session = session or make_session(days=days)
    registration = Registration.objects.create(
        session=session,
        status=RegistrationStatus.CONFIRMED,
        name=f"Person {n}",
        email=f"person{n}@example.org",
        organisation="Gemeinde Beispiel",
        seats=seats,
    )
    for i in range(seats):
        Person.objects.create(registration=registration, name=f"Person {n}.{i}", position=i)
    return registration


def manage_token(registration) -> str:
    from sikom.events.models import LinkToken

    return services.issue_token(
        registration=registration,
        purpose=LinkToken.Purpose.MANAGE,
        expires_at=timezone.now() + timedelta(days=30),
    )
