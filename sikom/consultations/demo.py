"""Demo consultations (only in the demo set-up; every text marked »[Demo]«).

The programme reported 144 consultations on the offers of the state strategy from its start in February 2019 to the
conference on 27 Feb 2024 (seed 003). The demo records exactly 144 up to and including that day, spread over the
alliance's demo members (`sikom.alliance.demo.member_schedule`), each after its municipality joined and before it
left, and a few with single office holders without a municipality; then a handful from 2024 to 2026 with open and
overdue next steps, so that the team's overview shows them. Topics are offers of the reference catalogue. Who was
advised is never a person's name, only a role.
"""

import random
from datetime import date, timedelta

from sikom.alliance.demo import FOUNDED, member_schedule
from sikom.consultations.models import Consultation, Format
from sikom.consultations.services import ConsultationData, StepData, create_consultation
from sikom.geo.models import Municipality
from sikom.offers.models import Offer

MARK = "[Demo]"
REPORTED_ON = date(2024, 2, 27)
REPORTED_COUNT = 144
OFFICE_HOLDER_COUNT = 6

MUNICIPAL_TOPICS = [
    "asskomm-beratung-praevention",
    "asskomm-sicherheitsanalyse",
    "asskomm-coaching-praeventionsstrategie",
    "kommunale-praeventionsgremien",
    "foerderrichtlinie-kommunale-praevention",
    "asskomm-trainings",
    "asskomm-buergerbeteiligung",
    "asskomm-austausch-vernetzung",
]
OFFICE_HOLDER_TOPICS = ["sicherheitsleitfaden", "polizei-verhaltensberatung", "zastex", "asskomm-trainings"]
OFFICE_HOLDERS = [
    "Ehrenamtliche Bürgermeisterin (Landkreis Bautzen)",
    "Kreisrat (Erzgebirgskreis)",
    "Ortschaftsrätin (Landkreis Leipzig)",
    "Kandidat für das Bürgermeisteramt (Landkreis Görlitz)",
    "Stadträtin (Vogtlandkreis)",
    "Gemeinderat (Landkreis Meißen)",
]
PARTICIPANTS = [
    "Bürgermeister:in, Ordnungsamt, ASSKomm-Team",
    "Präventionsbeauftragte:r der Stadt, Hauptamt, ASSKomm-Team",
    "Oberbürgermeister:in, Fachbereich Sicherheit, ASSKomm-Team, Bürgerpolizist:in",
    "Ordnungsamt, Jugendamt, ASSKomm-Team",
]
RESULTS = {
    "asskomm-beratung-praevention": "Fragen zur kommunalen Prävention geklärt; Handlungsfelder für das nächste Jahr benannt.",
    "asskomm-sicherheitsanalyse": "Ablauf einer Sicherheitsanalyse mit Bürgerbefragung besprochen; Stichprobe und Zeitplan skizziert.",
    "asskomm-coaching-praeventionsstrategie": "Vorgehen für ein Coaching zur kommunalen Präventionsstrategie vereinbart.",
    "kommunale-praeventionsgremien": "Zusammensetzung und Geschäftsordnung eines kriminalpräventiven Rates besprochen.",
    "foerderrichtlinie-kommunale-praevention": "Fördermöglichkeiten nach der Richtlinie »Kommunale Prävention« erläutert; Projektidee geschärft.",
    "asskomm-trainings": "Bedarf an Deeskalations- und Argumentationstrainings für Verwaltung und Rat festgestellt.",
    "asskomm-buergerbeteiligung": "Format für eine Bürgerversammlung zu Sicherheitsfragen entworfen.",
    "asskomm-austausch-vernetzung": "Kontakte zu Kommunen mit ähnlichen Fragen vermittelt.",
    "sicherheitsleitfaden": "Sicherheitsleitfaden durchgesprochen; Schutzmaßnahmen für Wohnung und Büro besprochen.",
    "polizei-verhaltensberatung": "Verhaltensweisen in Gefahrenlagen besprochen; Kontakt zur Polizeidirektion hergestellt.",
    "zastex": "Auf ZASTEX für eine erste Gefahrenanalyse hingewiesen.",
}  # fmt: skip
STEPS = [
    ("Unterlagen zur Sicherheitsanalyse zusenden", "ASSKomm-Team"),
    ("Termin für den Auftakt des Präventionsrates festlegen", "Ordnungsamt"),
    ("Projektskizze für die Förderung einreichen", "Hauptamt"),
    ("Trainingstermin für den Stadtrat abstimmen", "ASSKomm-Team"),
]

# After the reported period: (date, municipality AGS, topics, steps as (text, owner, due, done)).
LATER = [
    (date(2024, 5, 14), "14628270", ["asskomm-sicherheitsanalyse"], [(0, date(2024, 6, 30), True)]),
    (date(2024, 10, 8), "14713000", ["kommunale-praeventionsgremien"], [(1, date(2024, 12, 15), True)]),
    (date(2025, 3, 18), "14522180", ["foerderrichtlinie-kommunale-praevention"], [(2, date(2025, 9, 30), False)]),
    (date(2025, 9, 23), "14628270", ["asskomm-trainings", "asskomm-beratung-praevention"], [(3, date(2026, 10, 15), False)]),
    (date(2026, 4, 21), "14612000", ["asskomm-coaching-praeventionsstrategie"], [(1, date(2027, 3, 31), False)]),
    (date(2026, 10, 6), "14625020", ["asskomm-buergerbeteiligung"], [(0, date(2026, 11, 13), False), (3, date(2027, 2, 26), False)]),
    (date(2026, 11, 17), "14628270", ["asskomm-sicherheitsanalyse"], [(0, date(2027, 1, 29), False)]),
]  # fmt: skip


def _offers() -> dict[str, Offer]:
    return {offer.slug: offer for offer in Offer.objects.filter(slug__in=[*MUNICIPAL_TOPICS, *OFFICE_HOLDER_TOPICS])}


def _reported_period(rng: random.Random, offers: dict[str, Offer]) -> list[ConsultationData]:
    """144 consultations from FOUNDED to REPORTED_ON: six with office holders, the others with members."""
    schedule = member_schedule()
    municipalities = Municipality.objects.in_bulk([member.ags for member in schedule], field_name="ags")
    start = FOUNDED + timedelta(days=14)
    span = (REPORTED_ON - start).days
    holder_slots = {round(i * (REPORTED_COUNT - 1) / (OFFICE_HOLDER_COUNT - 1)) for i in range(OFFICE_HOLDER_COUNT)}
    records = []
    for index in range(REPORTED_COUNT):
        day = start + timedelta(days=round(span * index / (REPORTED_COUNT - 1)))
        if index in holder_slots:
            topic = rng.choice(OFFICE_HOLDER_TOPICS)
            records.append(
                ConsultationData(
                    office_holder_note=f"{MARK} {OFFICE_HOLDERS[len([r for r in records if r.municipality is None])]}",
                    date=day,
                    offers=[offers[topic]],
                    format=rng.choice([Format.PHONE, Format.ONLINE]),
                    participants=f"{MARK} Beratene Person, ASSKomm-Team",
                    result=f"{MARK} {RESULTS[topic]}",
                )
            )
            continue
        members = [m for m in schedule if m.joined <= day and (m.left is None or day < m.left)]
        member = rng.choice(members)
        topics = rng.sample(MUNICIPAL_TOPICS, k=rng.choice([1, 1, 2]))
        steps = []
        if rng.random() < 0.5:
            text, owner = rng.choice(STEPS)
            steps.append(StepData(text=f"{MARK} {text}", owner=owner, due_on=day + timedelta(days=30), done=True))
        records.append(
            ConsultationData(
                municipality=municipalities[member.ags],
                date=day,
                offers=[offers[slug] for slug in topics],
                format=rng.choice(list(Format)),
                participants=f"{MARK} {rng.choice(PARTICIPANTS)}",
                result=f"{MARK} {' '.join(RESULTS[slug] for slug in topics)}",
                steps=steps,
            )
        )
    return records


def _later(offers: dict[str, Offer]) -> list[ConsultationData]:
    municipalities = Municipality.objects.in_bulk([ags for _day, ags, _topics, _steps in LATER], field_name="ags")
    return [
        ConsultationData(
            municipality=municipalities[ags],
            date=day,
            offers=[offers[slug] for slug in topics],
            format=Format.ON_SITE,
            participants=f"{MARK} {PARTICIPANTS[index % len(PARTICIPANTS)]}",
            result=f"{MARK} {' '.join(RESULTS[slug] for slug in topics)}",
            steps=[
                StepData(text=f"{MARK} {STEPS[step][0]}", owner=STEPS[step][1], due_on=due, done=done)
                for step, due, done in steps
            ],
        )
        for index, (day, ags, topics, steps) in enumerate(LATER)
    ]


def load() -> list[str]:
    if Consultation.objects.filter(participants__startswith=MARK).exists():
        return []
    offers = _offers()
    if len(offers) < len(set(MUNICIPAL_TOPICS + OFFICE_HOLDER_TOPICS)):
        return ["Demo-Beratungen übersprungen: der Angebotskatalog ist nicht geladen (load_reference_data)."]
    rng = random.Random(20190201)  # noqa: S311 - a fixed seed for the same demo every time, no secret
    records = _reported_period(rng, offers) + _later(offers)
    for data in records:
        create_consultation(by=None, data=data)
    return [
        f"Demo-Beratungen angelegt: {len(records)} ({REPORTED_COUNT} bis {REPORTED_ON:%d.%m.%Y}, "
        f"{len(records) - REPORTED_COUNT} danach)"
    ]
