"""Small factories for the surveys tests."""

from datetime import timedelta

from django.utils import timezone

from sikom.geo.models import Municipality
from sikom.surveys import services
from sikom.surveys.models import AnalysisState, SafetyAnalysis


def pirna() -> Municipality:
    return Municipality.objects.get(ags="14628270")


def dresden() -> Municipality:
    return Municipality.objects.get(ags="14612000")


def make_analysis(municipality: Municipality | None = None, *, by=None, running: bool = False, **fields):
    analysis = services.create_analysis(
        municipality=municipality or pirna(),
        title=fields.pop("title", "Sicherheitsanalyse (Test)"),
        year=fields.pop("year", timezone.localdate().year),
        by=by,
        standard=fields.pop("standard", True),
        **fields,
    )
    if running:
        services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=by)
        analysis.refresh_from_db()
    return analysis


def running_analysis(**fields) -> SafetyAnalysis:
    today = timezone.localdate()
    fields.setdefault("field_start", today - timedelta(days=1))
    fields.setdefault("field_end", today + timedelta(days=30))
    return make_analysis(running=True, **fields)


def one_code(analysis: SafetyAnalysis, stratum: str = "A") -> str:
    return services.create_invitations(analysis=analysis, strata={stratum: 1}, by=None)[0].code


# A complete set of answers to the standard questionnaire (the required item answered, a victimisation with its
# follow-ups, a place of fear as a point near Pirna's centre).
FULL_ANSWERS = {
    "sicher_dunkel": "3",
    "sicher_orte": {"tag_wohngegend": "1", "nacht_zentrum": "4"},
    "opfer": ["theft"],
    "anzeige": "3",
    "anzeige_nicht": ["schwere"],
    "angstort_gibt": "1",
    "angstort": "bahnhof",
    "alter": "30-44",
    "geschlecht": "w",
    "haushalt": 3,
}
FULL_TEXTS = {"angstort_grund": "Schlecht beleuchtet."}
