"""Demo fieldwork (only in the demo set-up, `load_demo_data`): a register extract of clearly fictitious persons
(»Demo Person 001«, »Demoweg 1«, parts of town »Nord (Demo)« and »Süd (Demo)«), a stratified sample drawn with a
fixed seed and, for the field monitoring, about a third of the invitations marked as answered over the last days
(invitation side only: no answers are invented). Runs on the demo analysis of Pirna (the demo login
kommune@demo.sikom.invalid), made here as a running analysis if the surveys demo did not make one."""

from datetime import timedelta

from django.utils import timezone

from sikom.geo.models import Municipality
from sikom.surveys import fieldwork, services
from sikom.surveys.models import (
    AGE_GROUPS,
    AnalysisState,
    Invitation,
    InvitationStatus,
    RegisterExtract,
    SafetyAnalysis,
)

PIRNA = "14628270"
PERSONS = 600
SAMPLE = 200
SEED = 2026


def _register_csv(year: int) -> bytes:
    ages = {"16-29": 22, "30-44": 37, "45-64": 55, "65-74": 70, "75+": 80}
    lines = ["Registernummer;Name;Adresszeile 1;PLZ;Ort;Geburtsjahr;Geschlecht;Ortsteil"]
    for i in range(1, PERSONS + 1):
        group = AGE_GROUPS[(i * 7) % len(AGE_GROUPS)]
        lines.append(
            f"D{i:05d};Demo Person {i:03d};Demoweg {i};01796;Pirna (Demo);{year - ages[group]};"
            f"{'w' if i % 2 else 'm'};{'Nord (Demo)' if i % 3 else 'Süd (Demo)'}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _analysis() -> SafetyAnalysis | None:
    existing = (
        SafetyAnalysis.objects.filter(municipality__ags=PIRNA, is_demo=True, status=AnalysisState.RUNNING)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    today = timezone.localdate()
    analysis = services.create_analysis(
        municipality=Municipality.objects.get(ags=PIRNA),
        title="Sicherheitsanalyse mit Bürgerbefragung (Demo)",
        year=today.year,
        by=None,
        standard=True,
        field_start=today - timedelta(days=14),
        field_end=today + timedelta(days=21),
        demo=True,
    )
    try:
        services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=None)
    except services.Refused:
        analysis.delete()
        return None
    analysis.refresh_from_db()
    return analysis


def load() -> list[str]:
    if RegisterExtract.objects.filter(is_demo=True).exists():
        return []
    analysis = _analysis()
    if analysis is None or RegisterExtract.objects.filter(analysis=analysis).exists():
        return []
    fieldwork.import_register(
        analysis=analysis, raw=_register_csv(analysis.year), file_name="melderegister-demo.csv", mapping={}, by=None
    )
    extract = RegisterExtract.objects.get(analysis=analysis)
    extract.is_demo = True
    extract.save(update_fields=["is_demo"])
    strata_by = ["part_of_town", "age_group", "sex"]
    sizes = fieldwork.proportional(fieldwork.populations(extract, strata_by), SAMPLE)
    fieldwork.draw_sample(analysis=analysis, strata_by=strata_by, sizes=sizes, seed=SEED, by=None)
    today = timezone.localdate()
    answered = list(analysis.invitations.filter(person__isnull=False).order_by("pk").values_list("pk", flat=True))
    for index, pk in enumerate(answered):
        if index % 3 == 0:
            day = today - timedelta(days=(index * 5) % 12)
            Invitation.objects.filter(pk=pk).update(
                status=InvitationStatus.SUBMITTED, used_on=day, draft=None, is_demo=True
            )
    return [f"Demo-Feldarbeit: {PERSONS} Personen im Registerauszug, Stichprobe {SAMPLE} ({analysis.title})"]
