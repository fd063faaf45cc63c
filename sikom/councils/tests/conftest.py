from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from sikom.councils import services
from sikom.councils.models import AnalysisStatus, FormatKind, FormatStatus
from sikom.geo.models import Municipality
from sikom.testing import verified  # noqa: F401  (the tests import it from here)

PIRNA = "14628270"
DRESDEN = "14612000"


def make_council(ags: str, **data):
    data = {"name": "", "founded": date(2021, 3, 1), "chair": "Bürgermeisteramt", **data}
    return services.create_council(municipality=Municipality.objects.get(ags=ags), by=None, data=data)


def make_meeting(council, **data):
    data = {"date": date(2024, 5, 6), "starts_at": time(18), "ends_at": time(20), "place": "Rathaus", **data}
    data.setdefault("agenda", "1. Lagebild")
    return services.create_meeting(
        council=council,
        by=None,
        data=data,
        decisions=[{"text": "Beleuchtung prüfen", "owner": "Bauamt", "due_date": date(2024, 6, 30), "done": False}],
    )


def make_format(ags: str, *, status=FormatStatus.PLANNED, **data):
    data = {
        "kind": FormatKind.CITIZENS_MEETING,
        "title": "Bürgerversammlung Altstadt",
        "date": timezone.localdate() + timedelta(days=20),
        "starts_at": time(18),
        "ends_at": time(20),
        "place": "Rathaus, Ratssaal",
        "invited_groups": "Vereine, Schulen",
        "agenda": "Interner Ablauf",
        "public_description": "Die Stadt lädt ein.",
        **data,
    }
    fmt = services.plan_format(municipality=Municipality.objects.get(ags=ags), by=None, data=data)
    if status == FormatStatus.ANNOUNCED:
        fmt = services.change_format_status(fmt=fmt, to=status, by=None)
    return fmt


def make_held_format(ags: str, **data):
    fmt = make_format(ags, date=timezone.localdate() - timedelta(days=10), **data)
    return services.change_format_status(fmt=fmt, to=FormatStatus.HELD, by=None)


@pytest.fixture
def world(db, expert_network, pd_dresden):
    """Pirna (the municipality persona's) and Dresden, each with a council, a meeting, an analysis and formats;
    Dresden's council is shared with PD Dresden, Pirna's with nobody."""
    pirna = make_council(PIRNA)
    dresden = make_council(DRESDEN, founded=date(2020, 1, 1))
    dresden.shared_with.add(pd_dresden.organisation)
    analysis_pirna = services.record_analysis_status(
        municipality=pirna.municipality, by=None, data={"status": AnalysisStatus.PLANNED, "year": 2025}
    )
    analysis_dresden = services.record_analysis_status(
        municipality=dresden.municipality, by=None, data={"status": AnalysisStatus.RUNNING, "year": 2025}
    )
    return {
        "pirna": pirna,
        "dresden": dresden,
        "meeting_pirna": make_meeting(pirna),
        "meeting_dresden": make_meeting(dresden),
        "analysis_pirna": analysis_pirna,
        "analysis_dresden": analysis_dresden,
        "announced_pirna": make_format(PIRNA, status=FormatStatus.ANNOUNCED),
        "held_pirna": make_held_format(PIRNA, title="Nachbarschaftsgespräch"),
        "planned_dresden": make_format(DRESDEN, title="Sicherheitskonferenz Dresden"),
    }
