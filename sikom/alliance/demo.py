"""Demo membership of the alliance (only in the demo set-up, marked as demo).

The eight founding members and the counts are the programme's own (seed 003, 27 Feb 2024: founded in February 2019
by Leipzig, Chemnitz, Freital, Görlitz, Plauen, Pirna, Wurzen and Zwickau, 56 members; seed 001, 14 Nov 2023: 54
members). Which other municipalities are members is not published: the demo takes the most populous ones in turn
(from the reference data), and the days of joining are illustrative. The schedule makes the counts come out of
records: 8 in February 2019, 54 on 14 Nov 2023, 56 on 27 Feb 2024 — with one member that left again, so that a
left member is shown and not counted.

The other apps' demo data build on this schedule (consultations, coaching and councils of member municipalities).
"""

from dataclasses import dataclass
from datetime import date, timedelta

FOUNDING_AGS = (
    "14713000",  # Leipzig
    "14511000",  # Chemnitz
    "14628110",  # Freital
    "14626110",  # Görlitz
    "14523320",  # Plauen
    "14628270",  # Pirna
    "14729410",  # Wurzen
    "14524330",  # Zwickau
)
FOUNDED = date(2019, 2, 1)

# The most populous other municipalities (reference data, population 2023), in that order.
OTHER_AGS = (
    "14612000", "14522180", "14625020", "14627210", "14625240", "14627230", "14627140", "14729160", "14730070",
    "14626610", "14729260", "14524180", "14522080", "14524080", "14524300", "14627010", "14523340", "14729050",
    "14521035", "14730310", "14521020", "14730270", "14625480", "14524030", "14627060", "14523020", "14625250",
    "14628160", "14521390", "14730110", "14729270", "14730300", "14521550", "14626600", "14628410", "14626290",
    "14522360", "14628060", "14730230", "14521530", "14524120", "14522150", "14524190", "14729140", "14628260",
    "14521710", "14626085", "14628050", "14521590",
)  # fmt: skip

# 47 joined between May 2019 and October 2023 (one of them left again in 2022): 8 + 46 = 54 on 14 Nov 2023;
# two more joined before the conference on 27 Feb 2024: 56.
_FIRST_JOIN, _LAST_JOIN = date(2019, 5, 1), date(2023, 10, 31)
_LATE_JOINS = (date(2023, 12, 1), date(2024, 1, 15))
_LEFT = {"14729140": date(2022, 6, 30)}


@dataclass(frozen=True)
class DemoMember:
    ags: str
    joined: date
    founding: bool
    left: date | None = None


def member_schedule() -> list[DemoMember]:
    members = [DemoMember(ags, FOUNDED, True) for ags in FOUNDING_AGS]
    early = OTHER_AGS[:47]
    step = (_LAST_JOIN - _FIRST_JOIN) / (len(early) - 1)
    for index, ags in enumerate(early):
        joined = _FIRST_JOIN + timedelta(days=round(step.days * index))
        members.append(DemoMember(ags, joined, False, _LEFT.get(ags)))
    # The member that left joined early enough to leave in 2022.
    members = [DemoMember(m.ags, min(m.joined, date(2020, 3, 1)), m.founding, m.left) if m.left else m for m in members]
    members += [DemoMember(ags, joined, False) for ags, joined in zip(OTHER_AGS[47:], _LATE_JOINS, strict=True)]
    return members


def members_on(day: date) -> list[DemoMember]:
    return [m for m in member_schedule() if m.joined <= day and (m.left is None or day < m.left)]


DEMO_MARK = "[Demo]"
# Never real people: function titles with »Demo-Ansprechperson« and addresses under the reserved .invalid domain.
DEMO_CONTACTS = (
    ("14628270", "Demo-Ansprechperson Präventionsbeauftragte", "Präventionsbeauftragte (Demo)", True),
    ("14628270", "Demo-Ansprechperson Ordnungsamt", "Leitung Ordnungsamt (Demo)", False),
    ("14713000", "Demo-Ansprechperson Kommunale Kriminalprävention", "Kriminalpräventiver Rat (Demo)", True),
    ("14628110", "Demo-Ansprechperson Bürgermeisterbüro", "Büro des Oberbürgermeisters (Demo)", True),
)
DEMO_MEETINGS = (
    (
        date(2023, 3, 15),
        "peer_consultation",
        "[Demo] Kollegiale Beratung: Anfeindungen in Ratssitzungen",
        ("14628270", "14628110", "14626110"),
        "[Demo] Beispielprotokoll: Erfahrungen mit Hausrecht und Sitzungsordnung ausgetauscht.",
    ),
    (
        date(2023, 9, 20),
        "exchange_meeting",
        "[Demo] Austauschtreffen: Kommunale Präventionsräte aufbauen",
        ("14713000", "14511000", "14628270", "14524330"),
        "[Demo] Beispielprotokoll: Geschäftsordnungen verglichen, Ansprechpersonen vernetzt.",
    ),
    (
        date(2024, 1, 24),
        "exchange_meeting",
        "[Demo] Austauschtreffen: Sicherheitsanalysen mit Bürgerbefragung",
        ("14523320", "14729410", "14628270"),
        "[Demo] Beispielprotokoll: Vorgehen und Zeitplan einer Bürgerbefragung besprochen.",
    ),
)


def _email(name: str) -> str:
    local = name.lower().replace("demo-ansprechperson ", "").replace(" ", "-")
    return f"{local.translate(str.maketrans({'ä': 'ae', 'ö': 'oe', 'ü': 'ue', 'ß': 'ss'}))}@kommune.example.invalid"


def load() -> list[str]:
    """The demo memberships (from `member_schedule()`), a few demo contact persons and exchange meetings. Does
    nothing when memberships exist already."""
    from django.db import transaction

    from sikom.alliance import services
    from sikom.alliance.models import Membership
    from sikom.geo.models import Municipality

    if Membership.objects.exists():
        return []
    schedule = member_schedule()
    municipalities = Municipality.objects.in_bulk([m.ags for m in schedule], field_name="ags")
    with transaction.atomic():
        for member in schedule:
            services.record_membership(
                municipality=municipalities[member.ags],
                by=None,
                joined_on=member.joined,
                founding=member.founding,
                left_on=member.left,
                reason=f"{DEMO_MARK} Austritt (Beispiel)" if member.left else "",
            )
        for ags, name, function, opted_in in DEMO_CONTACTS:
            services.save_contact(
                by=None,
                municipality=municipalities[ags],
                data={
                    "name": name,
                    "function": function,
                    "email": _email(name),
                    "phone": "",
                    "opted_in_directory": opted_in,
                },
            )
        for held_on, fmt, topic, participants, record in DEMO_MEETINGS:
            services.save_exchange_meeting(
                by=None,
                data={"held_on": held_on, "format": fmt, "topic": topic, "record": record},
                municipalities=[municipalities[ags] for ags in participants],
            )
    return [
        f"Allianz (Demo): {len(schedule)} Mitgliedschaften, {len(DEMO_CONTACTS)} Ansprechpersonen, "
        f"{len(DEMO_MEETINGS)} Austauschtreffen"
    ]
