"""Demo events (only in the demo set-up, every record marked »(Demo)« / »[Demo]«).

The event types are the programme's offers (seed 002: »Deeskalations-, Kommunikations- und Argumentationstrainings«,
»Vermittlung von Fachinformationen (Konferenzen, Vorträge …)«, »Organisation von Austausch, Vernetzung und kollegialer
Beratung«). Titles, dates, places, programme and participants are invented for the demo and say so; no real person is
named. Participants' organisations are founding member municipalities of the alliance (seed 003).
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from sikom.events.models import (
    AgendaItem,
    Event,
    EventTargetGroup,
    EventType,
    Person,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
    Session,
)
from sikom.geo.models import District

ORGANISER = "Landespräventionsrat Sachsen / ASSKomm (Demo)"
CONTACT = "veranstaltungen@demo.sikom.invalid"
# Founding members (seed 003).
TOWNS = ["Pirna", "Freital", "Görlitz", "Plauen", "Wurzen", "Zwickau", "Leipzig", "Chemnitz"]


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), timezone.get_current_timezone())


def _event(title: str, type_: str, groups: list[str], **fields) -> Event:
    event = Event.objects.create(
        title=title,
        type=type_,
        organiser=ORGANISER,
        contact_email=CONTACT,
        language="de",
        is_published=True,
        **fields,
    )
    EventTargetGroup.objects.bulk_create([EventTargetGroup(event=event, code=code) for code in groups])
    return event


def _register(session: Session, n: int, status: str, *, companions: int = 0, position: int | None = None) -> None:
    town = TOWNS[n % len(TOWNS)]
    registration = Registration.objects.create(
        session=session,
        status=status,
        name=f"[Demo] Teilnehmer:in {n}",
        email=f"teilnahme{n}@demo.sikom.invalid",
        organisation=f"Stadt {town} (Demo)",
        role="Gemeinderat (Demo)" if n % 2 else "Ordnungsamt (Demo)",
        seats=1 + companions,
        queue_position=position,
    )
    names = [registration.name] + [f"[Demo] Begleitung {n}.{k}" for k in range(1, companions + 1)]
    Person.objects.bulk_create(
        [Person(registration=registration, name=name, position=i) for i, name in enumerate(names)]
    )
    RegistrationEvent.objects.create(registration=registration, status=status)


def load() -> list[str]:
    if Event.objects.filter(title__endswith="(Demo)").exists():
        return []
    pirna = District.objects.get(key="14628")
    dresden = District.objects.get(key="14612")
    with transaction.atomic():
        training = _event(
            "Deeskalationstraining für Amts- und Mandatsträger:innen (Demo)",
            EventType.DEESCALATION,
            ["officials", "municipal_staff"],
            summary="Ruhig bleiben, Grenzen setzen, Gespräche in angespannten Lagen führen – mit Übungen aus dem Alltag.",
            description="Ein Demo-Training: Ablauf und Inhalte sind Beispiele.",
            accessibility_notes="Stufenloser Zugang, barrierefreies WC (Demo-Angabe).",
            district=pirna,
        )
        full = Session.objects.create(
            event=training,
            starts_at=_at(21, 9),
            ends_at=_at(21, 16),
            venue="Tagungsraum (Demo)",
            street="Musterstraße 1",
            postcode_city="01796 Pirna",
            capacity=8,
        )
        for n in range(1, 9):
            _register(full, n, RegistrationStatus.CONFIRMED)
        _register(full, 9, RegistrationStatus.WAITING, position=1)
        _register(full, 10, RegistrationStatus.WAITING, companions=1, position=2)
        _register(full, 11, RegistrationStatus.WAITING, position=3)
        Session.objects.create(
            event=training,
            starts_at=_at(42, 9),
            ends_at=_at(42, 12, 30),
            online_url="https://konferenz.demo.sikom.invalid/deeskalation",
            capacity=12,
        )

        conference = _event(
            "Fachkonferenz Sicherheit im kommunalen Ehrenamt (Demo)",
            EventType.CONFERENCE,
            ["officials", "municipal_staff", "police"],
            summary="Erfahrungen, Angebote und Austausch zur Sicherheit von Amts- und Mandatsträger:innen.",
            description="Eine Demo-Konferenz mit Beispielprogramm.",
            accessibility_notes="Induktionsschleife im Saal; Gebärdensprachdolmetschung auf Anfrage (Demo-Angabe).",
            district=dresden,
        )
        Session.objects.create(
            event=conference,
            starts_at=_at(63, 9, 30),
            ends_at=_at(63, 16),
            venue="Tagungszentrum (Demo)",
            street="Beispielweg 5",
            postcode_city="01067 Dresden",
            capacity=300,
        )
        for start, title, speakers in [
            (time(9, 30), "Begrüßung", "N. N., Landespräventionsrat (Demo)"),
            (time(10, 0), "Lagebild: Anfeindungen gegen kommunale Amts- und Mandatsträger:innen", "N. N. (Demo)"),
            (time(11, 0), "Angebote der Landesstrategie: Beratung, Coaching, Trainings", "ASSKomm-Team (Demo)"),
            (time(12, 30), "Mittagspause", ""),
            (time(13, 30), "Foren: Erfahrungen aus den Mitgliedskommunen", "Vertreter:innen der Kommunen (Demo)"),
            (time(15, 30), "Zusammenfassung und Ausblick", "N. N. (Demo)"),
        ]:
            AgendaItem.objects.create(event=conference, starts_at=start, title=title, speakers=speakers)

        network = _event(
            "Netzwerktreffen der kriminalpräventiven Räte (Demo)",
            EventType.NETWORK,
            ["municipal_staff"],
            summary="Austausch der Geschäftsstellen kriminalpräventiver Räte, online.",
        )
        Session.objects.create(
            event=network,
            starts_at=_at(30, 14),
            ends_at=_at(30, 16),
            online_url="https://konferenz.demo.sikom.invalid/netzwerk",
            capacity=40,
        )

        past = _event(
            "Argumentationstraining gegen Hassrede (Demo)",
            EventType.ARGUMENTATION,
            ["officials"],
            summary="Sicher antworten, wenn Sitzungen gestört oder Sie im Netz angegriffen werden.",
            district=pirna,
        )
        held = Session.objects.create(
            event=past,
            starts_at=_at(-60, 9),
            ends_at=_at(-60, 15),
            venue="Tagungsraum (Demo)",
            street="Musterstraße 1",
            postcode_city="01796 Pirna",
            capacity=15,
        )
        for n in range(20, 32):
            _register(held, n, RegistrationStatus.CONFIRMED)
    return [
        "Demo-Veranstaltungen: 4 (ein ausgebuchtes Deeskalationstraining mit Warteliste, eine Fachkonferenz mit "
        "Programm, ein Netzwerktreffen, ein vergangenes Argumentationstraining)"
    ]
