"""Demo Expertennetzwerk requests, register entries and a situation conference (only in the demo set-up; every text
marked »[Demo]«, no real place, person or group).

The demo logins see both sides: »Demo Kommune Pirna« files requests that go to the coordination of its district
(Sächsische Schweiz-Osterzgebirge), »Demo Expertennetzwerk Dresden« works the requests of Dresden and keeps its
register, »Demo Polizeidirektion Dresden« is brought in as expert. The filing members of Dresden and the coordinator
of Pirna's district are demo accounts without a password (no one logs in with them). Dates are relative to the day of
loading, so the urgency badges show the whole range."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from sikom.accounts.models import Organisation, OrganisationType, User
from sikom.cases.models import CaseStatus
from sikom.geo.models import District, Municipality
from sikom.netrequests import services
from sikom.netrequests.models import ExpertRequest, LegalAngle

MARK = "[Demo]"
DOMAIN = "demo.sikom.invalid"


def _member(local: str, name: str, organisation: Organisation) -> User:
    user = User.objects.filter(email=f"{local}@{DOMAIN}").first()
    if user is None:
        user = User.objects.create_user(f"{local}@{DOMAIN}", None, full_name=name, organisation=organisation)
    return user


def _municipality_member(ags: str, local: str) -> User:
    organisation = Organisation.objects.filter(type=OrganisationType.MUNICIPALITY, municipality__ags=ags).first()
    if organisation is None:
        municipality = Municipality.objects.get(ags=ags)
        organisation = Organisation.objects.create(
            type=OrganisationType.MUNICIPALITY, municipality=municipality, name=f"{municipality.name} (Demo)"
        )
    member = organisation.members.filter(is_active=True).order_by("pk").first()
    return member or _member(local, f"{MARK} Ordnungsamt", organisation)


def _coordinator(district_key: str, local: str) -> User:
    coordination = Organisation.objects.get(type=OrganisationType.EXPERT_NETWORK, district__key=district_key)
    member = coordination.members.filter(is_active=True).order_by("pk").first()
    return member or _member(local, f"{MARK} Regionalkoordination", coordination)


def _at(days: int, hour: int = 18) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, 0)))


def _data(kind: str, days: int, place: str, facts: str, needs: str, **more) -> dict:
    return {
        "kind": kind,
        "event_at": _at(days),
        "event_time_known": True,
        "place": f"{MARK} {place}",
        "organiser": more.get("organiser", ""),
        "expected_participants": more.get("participants"),
        "known_facts": f"{MARK} {facts}",
        "sources": more.get("sources", ""),
        "done_so_far": more.get("done", ""),
        "needs": f"{MARK} {needs}",
    }


def load() -> list[str]:
    if ExpertRequest.objects.filter(place__startswith=MARK).exists():
        return []
    if not LegalAngle.objects.exists() or not District.objects.filter(key="14612").exists():
        return ["Demo-Anfragen an das Expertennetzwerk übersprungen: Referenzdaten fehlen (load_reference_data)."]
    pirna = _municipality_member("14628270", "kommune-pirna-demo")
    dresden = _municipality_member("14612000", "kommune-dresden-demo")
    coordinator_pirna = _coordinator("14628", "expertennetzwerk-14628-demo")
    coordinator_dresden = _coordinator("14612", "expertennetzwerk-14612-demo")
    police = Organisation.objects.get(
        type=OrganisationType.POLICE_DIRECTORATE,
        police_directorate=District.objects.get(key="14612").police_directorate,
    )
    angles = list(LegalAngle.objects.filter(active=True)[:2])

    assembly = services.file_request(
        by=pirna,
        data=_data(
            "assembly",
            5,
            "Marktplatz",
            "Aufruf zu einer Kundgebung auf Flyern und in einem Messenger-Kanal.",
            "Einschätzung der Lage und der rechtlichen Möglichkeiten der Versammlungsbehörde.",
            participants=150,
            sources="https://example.org/demo-aufruf",
            done="[Demo] Versammlungsbehörde im Landratsamt informiert.",
        ),
    )
    services.change_status(request=assembly, to=CaseStatus.IN_REVIEW, by=coordinator_pirna)
    services.bring_in_expert(
        request=assembly,
        organisation=police,
        by=coordinator_pirna,
        question=f"{MARK} Liegen Erkenntnisse zum Aufrufenden und zu früheren Versammlungen vor?",
        due_on=timezone.localdate() + timedelta(days=2),
    )
    for angle, status in zip(angles, ["relevant", "in_review"], strict=False):
        services.review_angle(
            request=assembly,
            angle=angle,
            by=coordinator_pirna,
            status=status,
            notes=f"{MARK} Erste Einschätzung.",
            references="",
            outcome="",
            version=None,
        )
    services.post_message(
        request=assembly,
        by=coordinator_pirna,
        body=f"{MARK} Wir prüfen Ihre Anfrage und melden uns bis morgen.",
        internal=False,
    )
    services.file_request(
        by=pirna,
        data=_data(
            "property",
            30,
            "Ehemaliges Gasthaus im Ortsteil",
            "Ein Verein zeigt Interesse am Kauf eines leerstehenden Gebäudes.",
            "Beratung zu Vorkaufsrecht und Nutzungsgenehmigung.",
        ),
    )
    concert = services.file_request(
        by=dresden,
        data=_data(
            "event",
            9,
            "Gelände am Stadtrand",
            "Hinweise auf ein Konzert mit einschlägigen Bands.",
            "Rechtliche Möglichkeiten und Gespräch mit dem Grundstückseigentümer.",
            participants=300,
        ),
    )
    services.add_information(
        request=concert, by=dresden, body=f"{MARK} Ein zweiter Aufruf nennt einen anderen Treffpunkt."
    )
    # The municipality corrects the facts after filing: the request page shows the change from old to new.
    corrected = _data("event", 8, "Gelände am Stadtrand (Nordeinfahrt)", "-", "-", participants=450)
    services.correct_facts(
        request=concert,
        by=dresden,
        data={
            name: corrected[name]
            for name in ("event_at", "event_time_known", "place", "organiser", "expected_participants")
        },
        version=concert.version,
    )
    closed = services.file_request(
        by=dresden,
        data=_data(
            "other",
            2,
            "Vereinsheim",
            "Anmietung kommunaler Räume durch eine unbekannte Gruppe.",
            "Prüfung des Mietvertrags.",
        ),
    )
    services.record_outcome(
        request=closed,
        by=coordinator_dresden,
        outcome="talks_with_owner",
        notes=f"{MARK} Gespräch mit der Vermieterin; der Vertrag wurde nicht geschlossen.",
        course=f"{MARK} Die Veranstaltung fand nicht statt.",
        close=True,
        version=None,
    )

    entry = services.create_entry(
        by=coordinator_dresden,
        kind="property",
        name=f"{MARK} Ehemaliger Gasthof",
        place=f"{MARK} Ortsteil am Stadtrand",
        description=f"{MARK} Wiederholt für Veranstaltungen angefragt.",
    )
    services.add_note(
        entry=entry, by=coordinator_dresden, on=timezone.localdate() - timedelta(days=40), text=f"{MARK} Besichtigung."
    )
    services.create_entry(
        by=coordinator_dresden,
        kind="activity",
        name=f"{MARK} Jährliche Sonnenwendfeier",
        place=f"{MARK} Waldgrundstück",
        description="",
    )
    services.record_conference(
        by=coordinator_dresden,
        held_on=timezone.localdate() - timedelta(days=14),
        participants=f"{MARK} Regionalkoordination, Polizeidirektion Dresden, Ordnungsamt",
        assessment=f"{MARK} Ruhige Lage; zwei Anfragen in Bearbeitung.",
        priorities=f"{MARK} Veranstaltungen im Sommer.",
        agreed_steps=f"{MARK} Nächste Besprechung in vier Wochen.",
    )
    services.set_readers(by=coordinator_dresden, organisations=[police])
    return ["Demo-Anfragen an das Expertennetzwerk angelegt: 4, mit Register und einer Lagebesprechung"]
