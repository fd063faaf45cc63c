"""The demo analysis: running in Pirna with the standard questionnaire, demo answers, printed codes that work."""

import re

import pytest

from sikom.councils.models import AnalysisSource
from sikom.surveys import demo, logic, services
from sikom.surveys.models import AnalysisState, InvitationStatus, Response, SafetyAnalysis

pytestmark = pytest.mark.django_db


def test_demo_analysis_is_loaded_once_with_usable_codes_and_valid_demo_answers():
    lines = demo.load()
    assert demo.load() == []
    analysis = SafetyAnalysis.objects.get(is_demo=True, status="running")  # not the earlier wave
    assert analysis.status == AnalysisState.RUNNING and "(Demo)" in analysis.title
    assert analysis.status_record.source == AnalysisSource.SURVEY
    responses = Response.objects.filter(questionnaire=analysis.questionnaire)
    assert responses.count() == demo.ANSWERED and all(r.is_demo for r in responses)
    spec = logic.load_spec(analysis.questionnaire)
    for response in responses:
        assert logic.check_answers(spec, response.answers, response.texts or {}, complete=True) == {}
    assert analysis.invitations.filter(status=InvitationStatus.SUBMITTED).values("used_on").distinct().count() > 1
    codes = re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", lines[0])
    assert len(codes) == 2
    for code in codes:
        invitation = services.find_invitation(code)
        assert invitation is not None and invitation.status == InvitationStatus.UNUSED
    assert analysis.open_token in lines[0]
