"""The demo's earlier wave: Pirna's 2023 demo analysis is done with its past dates (status history and the councils'
row, finished after the programme's documented count of February 2024), the running demo analysis stays the municipality's current one, and its report compares with the earlier wave;
loading twice adds nothing."""

from datetime import date

import pytest

from sikom import testing
from sikom.councils.models import AnalysisSource, AnalysisStatus, SafetyAnalysisStatus
from sikom.surveys import demo, fieldwork_demo, report, report_demo, report_waves, wave_demo
from sikom.surveys.models import AnalysisState, Response, SafetyAnalysis

pytestmark = pytest.mark.django_db


def test_demo_report_compares_with_the_earlier_demo_wave(client, asskomm):
    lines = demo.load() + fieldwork_demo.load() + report_demo.load()
    assert any("2023" in line for line in lines)
    counts = (SafetyAnalysis.objects.count(), Response.objects.count(), SafetyAnalysisStatus.objects.count())
    assert demo.load() + fieldwork_demo.load() + report_demo.load() == []
    assert (SafetyAnalysis.objects.count(), Response.objects.count(), SafetyAnalysisStatus.objects.count()) == counts

    earlier = SafetyAnalysis.objects.get(is_demo=True, year=wave_demo.YEAR)
    assert earlier.status == AnalysisState.DONE and "(Demo)" in earlier.title
    assert earlier.field_start.year == earlier.field_end.year == 2023
    assert Response.objects.filter(questionnaire__analysis=earlier, is_demo=True).count() == wave_demo.ANSWERED
    assert [c.to_status for c in earlier.status_changes.all()] == ["planned", "running", "done"]
    assert [c.at.date() for c in earlier.status_changes.all()][1:] == [earlier.field_start, wave_demo.FINISHED]
    record = earlier.status_record
    assert record.source == AnalysisSource.SURVEY and record.status == AnalysisStatus.DONE
    assert (record.year, record.completed_on) == (wave_demo.FINISHED.year, wave_demo.FINISHED)
    assert record.completed_on < date.today()

    current = SafetyAnalysis.objects.get(is_demo=True, status=AnalysisState.RUNNING)
    assert current.year > 2023
    # The councils list a municipality's rows newest first (-year, -pk): the running demo stays the current one.
    newest = SafetyAnalysisStatus.objects.filter(municipality=current.municipality).first()
    assert newest == current.status_record and newest.status == AnalysisStatus.RUNNING

    testing.login(client, asskomm)
    page = client.get(f"/sicherheitsanalysen/{current.pk}/bericht/").content.decode()
    assert earlier.title in page and "Früher (2023)" in page
    waves = report_waves.comparison(current, report.build(current))
    assert waves.earlier == earlier
    assert any(change.difference is not None and not change.earlier.suppressed for change in waves.changes)
