"""Demo events (only in the demo set-up, every record marked »(Demo)« / »[Demo]«).

The event types are the programme's offers (seed 002: »Deeskalations-, Kommunikations- und Argumentationstrainings«,
»Vermittlung von Fachinformationen (Konferenzen, Vorträge …)«, »Organisation von Austausch, Vernetzung und kollegialer
Beratung«). Titles, dates, places, programme and participants are invented for the demo and say so; no real person is
named. Participants' organisations are founding member municipalities of the alliance (seed 003).
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from sikom.events.models import (
    AgendaItem,
    Attendance,
    Event,
    EventTargetGroup,
    EventType,
    FeedbackAnswer,
    NewsItem,
    Person,
    Publication,
    PublicationTopic,
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
    """Idempotent in two parts: the events (first slice), then attendance, feedback, publications and news."""
    lines = _load_events()
    lines += _load_follow_up()
    return lines


def _load_events() -> list[str]:
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


# The programme's own flyer (seed 002): referenced by title, publisher and where to order it, not reproduced.
FLYER_TITLE = "Strategie »Allianz Sichere Sächsische Kommunen« beim Landespräventionsrat"
FLYER_PUBLISHER = "Sächsisches Staatsministerium des Innern, Wilhelm-Buck-Straße 2, 01097 Dresden"
FLYER_ORDER = (
    "Diese Druckschrift kann kostenfrei bezogen werden bei:\n"
    "Zentraler Broschürenversand der Sächsischen Staatsregierung\n"
    "Hammerweg 30, 01127 Dresden\n"
    "Telefon: +49 351 2103671\n"
    "Telefax: +49 351 2103681\n"
    "E-Mail: publikationen@sachsen.de\n"
    "www.publikationen.sachsen.de"
)
FEEDBACK = [
    (5, 5, 4, "Sätze, mit denen ich Störungen in der Sitzung ruhig begegnen kann. (Demo)", ""),
    (4, 5, 5, "Die Übungen mit Rollenspiel. (Demo)", "Mehr Zeit für Fragen. (Demo)"),
    (5, 4, 4, "", "Unterlagen vorab schicken. (Demo)"),
    (4, 4, 3, "Dass ich Angriffe im Netz dokumentieren sollte. (Demo)", "Raum war zu klein. (Demo)"),
    (3, 4, 4, "Kontakte zu anderen Ehrenamtlichen. (Demo)", ""),
    (5, 5, 5, "", ""),
]


def _load_follow_up() -> list[str]:
    if Publication.objects.filter(title__endswith="(Demo)").exists():
        return []
    past = Event.objects.filter(title="Argumentationstraining gegen Hassrede (Demo)").first()
    with transaction.atomic():
        present = 0
        if past is not None:
            held = past.sessions.order_by("starts_at").first()
            confirmed = Person.objects.filter(
                registration__session=held, registration__status=RegistrationStatus.CONFIRMED
            )
            # Ten of the twelve came; the first of them is the demo municipal login's registration (certificate).
            persons = list(confirmed.order_by("registration__created_at", "pk")[:10])
            Attendance.objects.bulk_create(
                [Attendance(session=held, person=p, marked_at=held.starts_at) for p in persons]
            )
            Person.objects.filter(pk__in=[p.pk for p in persons]).update(feedback_invited=True)
            present = len(persons)
            from sikom.accounts.models import User

            login = User.objects.filter(email="kommune@demo.sikom.invalid").first()
            if login is not None and persons:
                Registration.objects.filter(pk=persons[0].registration_id).update(user=login)
            FeedbackAnswer.objects.bulk_create(
                [
                    FeedbackAnswer(
                        event=past,
                        submitted_on=timezone.localdate(held.ends_at) + timedelta(days=1),
                        overall=o,
                        usefulness=u,
                        organisation=g,
                        takeaway=t,
                        improve=i,
                    )
                    for o, u, g, t, i in FEEDBACK
                ]
            )
            past.report = (
                "Zwölf Amts- und Mandatsträger:innen übten, Störungen und Angriffen sicher zu begegnen. (Demo-Bericht)"
            )
            past.save(update_fields=["report"])
        flyer = Publication.objects.create(
            title=FLYER_TITLE,
            type="flyer",
            description=(
                "Flyer zur Landesstrategie: Ziel, Inhalt und die Unterstützungsangebote der ASSKomm. Die Druckschrift "
                "wird hier nur genannt; bestellen Sie sie beim Zentralen Broschürenversand."
            ),
            publisher=FLYER_PUBLISHER,
            published_on=date(2023, 10, 13),
            language="de",
            order_info=FLYER_ORDER,
            is_published=True,
        )
        guide = Publication.objects.create(
            title="Leitfaden: Gespräche in angespannten Lagen (Demo)",
            type="guide",
            description="Ein Beispiel-Leitfaden für die Demo; Inhalt und Herausgeber sind erfunden.",
            publisher="ASSKomm-Team (Demo)",
            published_on=timezone.localdate() - timedelta(days=90),
            language="de",
            external_url="https://www.demo.sikom.invalid/leitfaden-deeskalation.pdf",
            is_published=True,
        )
        slides = Publication.objects.create(
            title="Folien: Angebote der Landesstrategie (Demo)",
            type="slides",
            description="Beispielfolien zur Dokumentation einer Veranstaltung.",
            publisher="ASSKomm-Team (Demo)",
            published_on=timezone.localdate() - timedelta(days=60),
            language="de",
            external_url="https://www.demo.sikom.invalid/folien-angebote.pdf",
            event=past,
            is_published=True,
        )
        PublicationTopic.objects.bulk_create(
            [
                PublicationTopic(publication=flyer, code="prevention"),
                PublicationTopic(publication=guide, code="deescalation"),
                PublicationTopic(publication=guide, code="safety"),
                PublicationTopic(publication=slides, code="prevention"),
            ]
        )
        NewsItem.objects.create(
            title="Neue Trainingstermine (Demo)",
            text="Das nächste Deeskalationstraining findet in Pirna statt. Anmeldung über die Veranstaltungsseite. (Demo)",
            published_on=timezone.localdate() - timedelta(days=2),
            is_published=True,
        )
        NewsItem.objects.create(
            title="Dokumentation des Argumentationstrainings online (Demo)",
            text="Folien und ein kurzer Bericht stehen auf der Veranstaltungsseite. (Demo)",
            published_on=timezone.localdate() - timedelta(days=20),
            is_published=True,
        )
    return [
        f"Demo-Nachbereitung: {present} Anwesende, {len(FEEDBACK)} Rückmeldungen, 3 Publikationen (davon der "
        "ASSKomm-Flyer als Bezugshinweis), 2 Neuigkeiten"
    ]
