from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from sikom.core.models import AuditEvent
from sikom.core.versions import EditConflict
from sikom.core.workflow import TransitionNotAllowed
from sikom.councils import selectors, services
from sikom.councils.figures import analysis_rows, council_rows
from sikom.councils.models import (
    AnalysisSource,
    AnalysisStatus,
    CouncilDecision,
    CouncilMeeting,
    FormatStatus,
    ParticipationMeasure,
    PreventionCouncil,
    SafetyAnalysisStatus,
)
from sikom.councils.tests.conftest import PIRNA, make_council, make_format, make_held_format, make_meeting, verified
from sikom.geo.models import Municipality

pytestmark = pytest.mark.django_db


def test_a_council_is_created_with_members_and_audited(pd_dresden):
    council = make_council(PIRNA)
    council.shared_with.add(pd_dresden.organisation)
    assert council.municipality.ags == PIRNA
    assert AuditEvent.objects.filter(action="councils.council_created", object_id=str(council.pk)).exists()


def test_a_second_council_for_the_same_municipality_is_refused():
    make_council(PIRNA)
    with pytest.raises(services.Refused) as refused:
        make_council(PIRNA)
    assert refused.value.field == "municipality"
    assert PreventionCouncil.objects.count() == 1


def test_a_council_cannot_be_dissolved_before_it_was_founded():
    with pytest.raises(services.Refused) as refused:
        make_council(PIRNA, founded=date(2022, 1, 1), dissolved=date(2021, 1, 1))
    assert refused.value.field == "dissolved"
    assert not PreventionCouncil.objects.exists()


def test_an_edit_over_someone_elses_edit_is_refused(asskomm):
    council = make_council(PIRNA)
    data = {"founded": council.founded, "chair": "Neu"}
    services.update_council(council=council, by=asskomm, data=data, expected_version=1)
    with pytest.raises(EditConflict):
        services.update_council(council=council, by=asskomm, data={**data, "chair": "Alt"}, expected_version=1)
    council.refresh_from_db()
    assert (council.chair, council.version) == ("Neu", 2)


def test_a_meeting_is_saved_with_its_decisions():
    meeting = make_meeting(make_council(PIRNA))
    assert [d.text for d in meeting.decisions.all()] == ["Beleuchtung prüfen"]


def test_a_due_date_before_the_meeting_saves_nothing():
    council = make_council(PIRNA)
    with pytest.raises(services.Refused) as refused:
        services.create_meeting(
            council=council,
            by=None,
            data={"date": date(2024, 5, 6), "agenda": "1."},
            decisions=[{"text": "A", "owner": "B", "due_date": date(2024, 5, 1)}],
        )
    assert (refused.value.field, refused.value.row) == ("due_date", 0)
    assert not CouncilMeeting.objects.exists()


def test_a_meeting_ending_before_it_starts_is_refused():
    with pytest.raises(services.Refused) as refused:
        services.create_meeting(
            council=make_council(PIRNA),
            by=None,
            data={"date": date(2024, 5, 6), "agenda": "1.", "starts_at": time(18), "ends_at": time(17)},
        )
    assert refused.value.field == "ends_at"


def test_a_decision_of_another_meeting_cannot_be_changed_through_this_one(asskomm):
    pirna = make_meeting(make_council(PIRNA))
    other = make_meeting(make_council("14612000"))
    foreign = other.decisions.get()
    with pytest.raises(services.Refused):
        services.update_meeting(
            meeting=pirna,
            by=asskomm,
            data={"date": pirna.date, "agenda": "x"},
            decisions=[{"id": foreign.pk, "text": "übernommen", "owner": "x"}],
            expected_version=pirna.version,
        )
    foreign.refresh_from_db()
    assert foreign.text == "Beleuchtung prüfen"
    pirna.refresh_from_db()
    assert pirna.agenda == "1. Lagebild"


def test_moving_a_meeting_after_a_kept_decisions_due_date_is_refused(asskomm):
    meeting = make_meeting(make_council(PIRNA))
    decision = meeting.decisions.get()
    row = {"id": decision.pk, "text": decision.text, "owner": decision.owner, "due_date": decision.due_date}
    with pytest.raises(services.Refused):
        services.update_meeting(
            meeting=meeting, by=asskomm, data={"date": date(2024, 7, 1), "agenda": "x"}, decisions=[row]
        )
    meeting.refresh_from_db()
    assert meeting.date == date(2024, 5, 6)


def test_decisions_can_be_changed_added_and_removed(asskomm):
    meeting = make_meeting(make_council(PIRNA))
    decision = meeting.decisions.get()
    services.update_meeting(
        meeting=meeting,
        by=asskomm,
        data={"date": meeting.date, "agenda": "x"},
        decisions=[
            {"id": decision.pk, "delete": True},
            {"text": "Neu", "owner": "Ordnungsamt", "due_date": None, "done": True},
        ],
        expected_version=meeting.version,
    )
    assert list(CouncilDecision.objects.values_list("text", "done")) == [("Neu", True)]


def test_analysis_status_rules():
    pirna = Municipality.objects.get(ags=PIRNA)
    done = {"status": AnalysisStatus.DONE, "year": 2023}
    with pytest.raises(services.Refused) as refused:
        services.record_analysis_status(municipality=pirna, by=None, data=done)
    assert refused.value.field == "completed_on"
    with pytest.raises(services.Refused):
        services.record_analysis_status(municipality=pirna, by=None, data={**done, "completed_on": date(2022, 5, 1)})
    with pytest.raises(services.Refused):
        services.record_analysis_status(
            municipality=pirna,
            by=None,
            data={"status": AnalysisStatus.PLANNED, "year": 2025, "completed_on": date(2023, 1, 1)},
        )
    services.record_analysis_status(municipality=pirna, by=None, data={**done, "completed_on": date(2023, 5, 1)})
    services.record_analysis_status(municipality=pirna, by=None, data={"status": AnalysisStatus.PLANNED, "year": 2025})
    with pytest.raises(services.Refused) as refused:
        services.record_analysis_status(
            municipality=pirna, by=None, data={"status": AnalysisStatus.RUNNING, "year": 2025}
        )
    assert refused.value.field == "status"
    assert SafetyAnalysisStatus.objects.count() == 2


def test_the_survey_app_can_drive_an_analysis_and_it_is_no_longer_edited_by_hand(municipality_user):
    verified(municipality_user)
    pirna = Municipality.objects.get(ags=PIRNA)
    analysis = services.record_analysis_status(
        municipality=pirna, by=None, data={"status": AnalysisStatus.RUNNING, "year": 2025}, source=AnalysisSource.SURVEY
    )
    assert analysis in selectors.analyses_visible_to(municipality_user)
    assert analysis not in selectors.analyses_editable_by(municipality_user)


def test_participation_workflow_from_planned_to_documented():
    fmt = make_format(PIRNA, public_description="")
    with pytest.raises(TransitionNotAllowed):
        services.change_format_status(fmt=fmt, to=FormatStatus.ANNOUNCED, by=None)
    with pytest.raises(TransitionNotAllowed):
        services.change_format_status(fmt=fmt, to=FormatStatus.HELD, by=None)  # in the future
    with pytest.raises(TransitionNotAllowed):
        services.change_format_status(fmt=fmt, to=FormatStatus.DOCUMENTED, by=None)
    with pytest.raises(TransitionNotAllowed):
        services.change_format_status(fmt=fmt, to=FormatStatus.CANCELLED, by=None, reason="  ")
    services.change_format_status(fmt=fmt, to=FormatStatus.CANCELLED, by=None, reason="Raum nicht verfügbar")
    fmt.refresh_from_db()
    assert (fmt.status, fmt.cancel_reason) == (FormatStatus.CANCELLED, "Raum nicht verfügbar")
    assert [c.status for c in fmt.status_changes.all()] == [FormatStatus.PLANNED, FormatStatus.CANCELLED]


def test_results_with_measures_document_the_format_and_reach_the_coaching_selector():
    fmt = make_held_format(PIRNA)
    with pytest.raises(services.Refused) as refused:
        services.record_results(
            fmt=fmt, by=None, results="x", measures=[{"title": "A", "owner": "B", "due_date": fmt.date - timedelta(1)}]
        )
    assert (refused.value.field, refused.value.row) == ("due_date", 0)
    services.record_results(
        fmt=fmt,
        by=None,
        results="Viel Zuspruch",
        measures=[{"title": "Beleuchtung", "owner": "Bauamt", "due_date": None}],
    )
    fmt.refresh_from_db()
    assert fmt.status == FormatStatus.DOCUMENTED
    [measure] = selectors.participation_measures_of(fmt.municipality)
    assert (measure.title, measure.owner, measure.due_date) == ("Beleuchtung", "Bauamt", None)
    assert (measure.format_title, measure.format_date) == (fmt.title, fmt.date)


def test_results_are_refused_before_the_format_took_place():
    fmt = make_format(PIRNA)
    with pytest.raises(services.Refused):
        services.record_results(fmt=fmt, by=None, results="x")
    assert not ParticipationMeasure.objects.exists()


def test_planning_ending_before_start_is_refused():
    with pytest.raises(services.Refused):
        make_format(PIRNA, starts_at=time(18), ends_at=time(9))


def test_figures_count_councils_and_completed_analyses():
    make_council(PIRNA, founded=date(2021, 1, 1), dissolved=date(2023, 1, 1))
    pirna = Municipality.objects.get(ags=PIRNA)
    services.record_analysis_status(
        municipality=pirna,
        by=None,
        data={"status": AnalysisStatus.DONE, "year": 2022, "completed_on": date(2022, 3, 1)},
    )
    services.record_analysis_status(municipality=pirna, by=None, data={"status": AnalysisStatus.PLANNED, "year": 2026})
    assert list(council_rows()) == [{"start": date(2021, 1, 1), "end": date(2023, 1, 1), "district": "14628"}]
    assert list(analysis_rows()) == [{"start": date(2022, 3, 1), "end": None, "district": "14628"}]


def test_figures_and_navigation_are_registered():
    from sikom.core import figures

    registered = {figure.key: figure for figure in figures.registered()}
    assert (registered["councils"].order, str(registered["councils"].label)) == (40, "Kriminalpräventive Räte")
    assert (registered["safety_analyses"].order, str(registered["safety_analyses"].label)) == (
        50,
        "Sicherheitsanalysen",
    )


def test_a_past_format_date_is_allowed_for_documentation():
    fmt = make_held_format(PIRNA)
    assert fmt.date < timezone.localdate()
