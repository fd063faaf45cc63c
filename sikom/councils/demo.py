"""Demo prevention councils, safety analyses and participation formats (only in the demo set-up, marked as demo).

The counts are the programme's (seed 003, 27 Feb 2024: 41 prevention councils, 26 safety analyses); which member
municipalities have them is not published: the demo gives councils to the first 41 members of the alliance's demo
schedule (`sikom.alliance.demo.member_schedule`), each founded after the municipality joined and no later than
27 Feb 2024, and completed analyses to the first 26 of them, plus a few planned or running ones. Pirna (the demo login
kommune@demo.sikom.invalid) gets two meetings with agenda, minutes and decisions, a participation format held and
documented with agreed measures, and a planned one announced on the public page. Names of persons never appear: the
chair and owners are functions marked »(Demo)«.
"""

from datetime import date, timedelta

from django.utils import timezone

from sikom.accounts.models import Organisation, OrganisationType
from sikom.alliance.demo import member_schedule
from sikom.councils import services
from sikom.councils.models import AnalysisStatus, FormatKind, FormatStatus, PreventionCouncil
from sikom.geo.models import Municipality

DEMO = "(Demo)"
CUTOFF = date(2024, 2, 27)
COUNCILS = 41
DONE_ANALYSES = 26
PIRNA = "14628270"


def _founded(joined: date, index: int) -> date:
    return min(joined + timedelta(days=60 + (index * 37) % 300), CUTOFF)


def _completed(founded: date, index: int) -> date:
    return min(founded + timedelta(days=150 + (index * 53) % 400), CUTOFF)


def load() -> list[str]:
    if PreventionCouncil.objects.filter(chair__endswith=DEMO).exists():
        return []
    members = member_schedule()[:COUNCILS]
    municipalities = Municipality.objects.in_bulk([member.ags for member in members], field_name="ags")
    councils = {}
    for index, member in enumerate(members):
        municipality = municipalities[member.ags]
        councils[member.ags] = services.create_council(
            municipality=municipality,
            by=None,
            data={
                "name": f"Kriminalpräventiver Rat {municipality.name} {DEMO}",
                "founded": _founded(member.joined, index),
                "chair": f"Bürgermeisteramt {DEMO}",
                "member_institutions": "\n".join(
                    f"{name} {DEMO}" for name in ("Ordnungsamt", "Polizeirevier", "Schulen", "Vereine")
                ),
            },
        )
    for index, member in enumerate(members[:DONE_ANALYSES]):
        completed = _completed(councils[member.ags].founded, index)
        services.record_analysis_status(
            municipality=municipalities[member.ags],
            by=None,
            data={"status": AnalysisStatus.DONE, "year": completed.year, "completed_on": completed, "note": DEMO},
        )
    for member, status, year in zip(
        members[DONE_ANALYSES : DONE_ANALYSES + 3],
        (AnalysisStatus.RUNNING, AnalysisStatus.PLANNED, AnalysisStatus.PLANNED),
        (2024, 2024, 2025),
        strict=True,
    ):
        services.record_analysis_status(
            municipality=municipalities[member.ags], by=None, data={"status": status, "year": year, "note": DEMO}
        )
    _pirna(councils[PIRNA])
    return [
        f"Demo-Präventionsräte: {COUNCILS} Räte, {DONE_ANALYSES} abgeschlossene und 3 geplante oder laufende "
        "Sicherheitsanalysen; Pirna mit zwei Sitzungen und zwei Beteiligungsformaten (eines öffentlich angekündigt)"
    ]


def _pirna(council: PreventionCouncil) -> None:
    directorate = Organisation.objects.filter(
        type=OrganisationType.POLICE_DIRECTORATE, police_directorate=council.municipality.district.police_directorate
    ).first()
    if directorate is not None:
        council.member_organisations.add(directorate)
        council.shared_with.add(directorate)
    services.create_meeting(
        council=council,
        by=None,
        data={
            "date": date(2023, 9, 12),
            "starts_at": None,
            "ends_at": None,
            "place": f"Rathaus, Beratungsraum {DEMO}",
            "agenda": "[Demo] 1. Lagebild der Polizei\n2. Sicherheit im Stadtpark\n3. Verschiedenes",
            "minutes": "[Demo] Das Polizeirevier stellt das Lagebild vor. Der Rat berät über Beleuchtung und "
            "Präsenz im Stadtpark.",
        },
        decisions=[
            {
                "text": "[Demo] Beleuchtung der Wege im Stadtpark prüfen",
                "owner": f"Bauamt {DEMO}",
                "due_date": date(2023, 12, 31),
                "done": True,
            },
            {
                "text": "[Demo] Gemeinsame Fußstreife von Ordnungsamt und Polizei an Wochenenden",
                "owner": f"Ordnungsamt {DEMO}",
                "due_date": date(2024, 3, 31),
                "done": False,
            },
        ],
    )
    services.create_meeting(
        council=council,
        by=None,
        data={
            "date": date(2024, 2, 13),
            "starts_at": None,
            "ends_at": None,
            "place": f"Rathaus, Beratungsraum {DEMO}",
            "agenda": "[Demo] 1. Bericht zu den Beschlüssen\n2. Vorbereitung einer Bürgerversammlung",
            "minutes": "[Demo] Die Beleuchtung ist erneuert. Der Rat beschließt eine Bürgerversammlung zur "
            "Sicherheit in der Altstadt.",
        },
        decisions=[
            {
                "text": "[Demo] Bürgerversammlung zur Sicherheit in der Altstadt vorbereiten",
                "owner": f"Präventionsbeauftragte:r {DEMO}",
                "due_date": date(2024, 6, 30),
                "done": False,
            }
        ],
    )
    talk = services.plan_format(
        municipality=council.municipality,
        by=None,
        data={
            "kind": FormatKind.NEIGHBOURHOOD_TALK,
            "title": "[Demo] Nachbarschaftsgespräch am Stadtpark",
            "date": date(2023, 11, 8),
            "place": f"Gemeindezentrum {DEMO}",
            "invited_groups": "Anwohnerinnen und Anwohner, Kirchgemeinde, Sportverein",
            "agenda": "[Demo] Was stört, was hilft?",
        },
    )
    services.change_format_status(fmt=talk, to=FormatStatus.HELD, by=None)
    services.record_results(
        fmt=talk,
        by=None,
        results="[Demo] Rund 30 Teilnehmende; Wunsch nach besserer Beleuchtung und mehr Präsenz am Abend.",
        measures=[
            {
                "title": "[Demo] Beleuchtung am Parkeingang erneuern",
                "owner": f"Bauamt {DEMO}",
                "due_date": date(2024, 3, 31),
            },
            {
                "title": "[Demo] Sprechstunde des Bürgerpolizisten im Viertel",
                "owner": f"Polizeirevier {DEMO}",
                "due_date": None,
            },
        ],
    )
    meeting = services.plan_format(
        municipality=council.municipality,
        by=None,
        data={
            "kind": FormatKind.CITIZENS_MEETING,
            "title": "[Demo] Bürgerversammlung »Sicher in der Altstadt«",
            "date": timezone.localdate() + timedelta(days=30),
            "place": f"Rathaus, Ratssaal {DEMO}",
            "invited_groups": "Alle Einwohnerinnen und Einwohner, Vereine, Schulen und Kirchgemeinden",
            "agenda": "[Demo] Begrüßung, Lagebild, Gespräch in Gruppen, Vereinbarungen",
            "public_description": "[Demo] Die Stadt lädt zur Bürgerversammlung ein: Wie sicher fühlen Sie sich in der "
            "Altstadt, und was können wir gemeinsam tun?",
        },
    )
    services.change_format_status(fmt=meeting, to=FormatStatus.ANNOUNCED, by=None)
