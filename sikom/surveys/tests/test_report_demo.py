"""The demo report of Pirna: generated answers for the answered demo invitations, weighted to the demo register's
margins, with domain tables and prevention findings, labelled demo; loading twice adds nothing."""

import pytest

from sikom import testing
from sikom.surveys import demo, fieldwork_demo, prevention, report, report_demo
from sikom.surveys.models import InvitationStatus, Response

pytestmark = pytest.mark.django_db


def test_demo_report_has_meaningful_labelled_figures(client, asskomm):
    demo.load()
    fieldwork_demo.load()
    lines = report_demo.load()
    assert lines and "Demo" in lines[0]
    assert report_demo.load() == []
    analysis = (
        Response.objects.filter(is_demo=True, questionnaire__analysis__status="running").first().questionnaire.analysis
    )
    submitted = analysis.invitations.filter(kind="code", status=InvitationStatus.SUBMITTED).count()
    assert Response.objects.filter(questionnaire__analysis=analysis).count() == submitted
    built = report.build(analysis)
    weighting = built.weighting
    assert {m.role: m.source for m in weighting.margins} == {
        "age_group": "register",
        "sex": "register",
        "residence": "entered",
    }
    assert weighting.converged and weighting.error == "" and weighting.notes  # part of town: a note, no margin
    row = built.row("sicher_dunkel")
    assert not row.overall.suppressed
    assert any(not cell.suppressed for _label, cell in row.domains["sex"])
    assert built.points and built.places
    assert prevention.evaluate(built)
    testing.login(client, asskomm)
    page = client.get(f"/sicherheitsanalysen/{analysis.pk}/bericht/").content.decode()
    assert "erfundene Demo-Daten" in page
