import inspect
from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from sikom.assessments import services
from sikom.assessments.models import AppendOnly, ThreatAssessment
from sikom.assessments.services import AssessmentInvalid, record_assessment
from sikom.assessments.tests.helpers import answers, in_days
from sikom.cases.models import CaseEvent
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def record(case, by, answer_dict=None, *, level=1, reason="", next_review_on=None):
    return record_assessment(
        case=case,
        by=by,
        answers=answers() if answer_dict is None else answer_dict,
        level=level,
        override_reason=reason,
        next_review_on=in_days(30) if next_review_on is None else next_review_on,
    )


def assert_nothing_saved(case, level_before):
    case.refresh_from_db()
    assert not ThreatAssessment.objects.filter(case=case).exists()
    assert case.risk_level == level_before and case.risk_level_is_provisional
    assert not AuditEvent.objects.filter(action="case.assessment_recorded").exists()


def test_confirmed_suggestion_sets_the_cases_level_and_review_date(zastex_case, zastex):
    assert zastex_case.risk_level_is_provisional
    assessment = record(zastex_case, zastex, answers(pathway="present"), level=4, next_review_on=in_days(7))
    assert (assessment.suggested_level, assessment.level, assessment.rules_fired) == (4, 4, ["R1", "R2"])
    assert assessment.instrument_version == "2026-1" and assessment.override_reason == ""
    assert assessment.assessed_by == zastex and assessment.assessed_by_organisation == zastex.organisation.name
    zastex_case.refresh_from_db()
    assert zastex_case.risk_level == 4 and not zastex_case.risk_level_is_provisional
    assert zastex_case.next_review_on == in_days(7)
    assert CaseEvent.objects.filter(case=zastex_case, kind=CaseEvent.Kind.RISK).exists()
    event = AuditEvent.objects.get(action="case.assessment_recorded")
    assert event.object_id == str(zastex_case.pk) and event.actor == zastex
    assert event.data == {"level": 4, "suggested": 4, "version": "2026-1"}


def test_an_override_needs_a_reason(zastex_case, zastex):
    before = zastex_case.risk_level
    for reason in ("", "   \n "):
        with pytest.raises(AssessmentInvalid) as error:
            record(zastex_case, zastex, answers(pathway="present"), level=2, reason=reason)
        assert error.value.field == "override_reason" and "Bitte begründen Sie" in error.value.message
    assert_nothing_saved(zastex_case, before)


def test_an_override_with_a_reason_is_kept_encrypted(zastex_case, zastex):
    assessment = record(
        zastex_case, zastex, answers(pathway="present"), level=3, reason="  Täter in Haft seit gestern.  "
    )
    assert (assessment.suggested_level, assessment.level) == (4, 3) and assessment.is_override
    assert ThreatAssessment.objects.get().override_reason == "Täter in Haft seit gestern."
    with connection.cursor() as cursor:
        cursor.execute("SELECT override_reason, answers FROM assessments_threatassessment")
        raw_reason, raw_answers = cursor.fetchone()
    assert raw_reason.startswith("enc1:") and "Haft" not in raw_reason
    assert raw_answers.startswith("enc1:") and "pathway" not in raw_answers


def test_a_confirmation_keeps_no_override_reason(zastex_case, zastex):
    assessment = record(zastex_case, zastex, level=1, reason="Nur ein Kommentar")
    assert assessment.override_reason == "" and not assessment.is_override


def test_the_suggestion_is_computed_on_the_server_and_cannot_be_lowered_without_a_reason(zastex_case, zastex):
    with pytest.raises(AssessmentInvalid):
        record(zastex_case, zastex, answers(last_resort="present"), level=1)
    assessment = record(zastex_case, zastex, answers(last_resort="present"), level=4)
    assert assessment.suggested_level == 4
    assert not [name for name in inspect.signature(record_assessment).parameters if "suggest" in name]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (in_days(-1), "Vergangenheit"),
        (in_days(366), "höchstens ein Jahr"),
        ("2026-12-01", "gültiges Datum"),
        (None, "gültiges Datum"),
    ],
)
def test_bad_review_dates_are_refused(zastex_case, zastex, value, message):
    before = zastex_case.risk_level
    with pytest.raises(AssessmentInvalid) as error:
        record_assessment(
            case=zastex_case, by=zastex, answers=answers(), level=1, override_reason="", next_review_on=value
        )
    assert error.value.field == "next_review_on" and message in error.value.message
    assert_nothing_saved(zastex_case, before)


def test_a_datetime_is_not_a_review_date(zastex_case, zastex):
    with pytest.raises(AssessmentInvalid):
        record(zastex_case, zastex, next_review_on=datetime(2030, 1, 1, 12, 0))


def test_review_today_and_in_exactly_a_year_are_allowed(zastex_case, zastex):
    record(zastex_case, zastex, next_review_on=in_days(0))
    record(zastex_case, zastex, next_review_on=in_days(365))
    assert ThreatAssessment.objects.count() == 2


def test_unknown_item_codes_are_refused(zastex_case, zastex):
    before = zastex_case.risk_level
    data = answers() | {"secret_score": {"value": "present", "note": ""}}
    with pytest.raises(AssessmentInvalid) as error:
        record(zastex_case, zastex, data)
    assert "secret_score" in error.value.message
    assert_nothing_saved(zastex_case, before)


def test_every_item_must_be_answered(zastex_case, zastex):
    data = answers()
    del data["enemy_list"]
    with pytest.raises(AssessmentInvalid) as error:
        record(zastex_case, zastex, data)
    assert error.value.field == "enemy_list"


@pytest.mark.parametrize(
    "forged",
    [{"value": "maybe", "note": ""}, {"value": "", "note": ""}, "present", {"value": ["present"], "note": ""}],
)
def test_forged_answers_are_refused(zastex_case, zastex, forged):
    with pytest.raises(AssessmentInvalid) as error:
        record(zastex_case, zastex, answers() | {"pathway": forged})
    assert error.value.field == "pathway"
    assert not ThreatAssessment.objects.exists()


def test_forged_answers_container_is_refused(zastex_case, zastex):
    with pytest.raises(AssessmentInvalid):
        record(zastex_case, zastex, [("pathway", "present")])


@pytest.mark.parametrize("level", [0, 5, "3", 3.0, True, None])
def test_forged_levels_are_refused(zastex_case, zastex, level):
    with pytest.raises(AssessmentInvalid) as error:
        record(zastex_case, zastex, level=level, reason="Begründung")
    assert error.value.field == "level"


def test_notes_are_limited_to_2000_characters(zastex_case, zastex):
    with pytest.raises(AssessmentInvalid) as error:
        record(zastex_case, zastex, answers(notes={"fixation": "x" * 2001}))
    assert error.value.field == "fixation_note" and "2000" in error.value.message
    with pytest.raises(AssessmentInvalid):
        record(zastex_case, zastex, answers() | {"fixation": {"value": "absent", "note": 42}})
    assessment = record(zastex_case, zastex, answers(notes={"fixation": " " + "x" * 2000 + " "}))
    assert assessment.answers["fixation"]["note"] == "x" * 2000


def test_only_assessing_offices_of_the_case_may_record(directorate_case, zmi, pd_leipzig, asskomm):
    for user in (zmi, pd_leipzig, asskomm):  # ZMI is shared but does not assess; the others are not involved
        with pytest.raises(PermissionDenied):
            record(directorate_case, user)
    assert not ThreatAssessment.objects.exists()


def test_shared_zastex_and_leading_directorate_may_record(directorate_case, zastex, pd_dresden):
    record(directorate_case, pd_dresden)
    record(directorate_case, zastex, answers(enemy_list="present"), level=2)
    assert ThreatAssessment.objects.filter(case=directorate_case).count() == 2


def test_assessments_are_kept_append_only_and_the_latest_sets_the_case(zastex_case, zastex):
    first = record(zastex_case, zastex, answers(enemy_list="present"), level=2, next_review_on=in_days(60))
    second = record(zastex_case, zastex, answers(pathway="present"), level=4, next_review_on=in_days(3))
    assert list(ThreatAssessment.objects.filter(case=zastex_case)) == [second, first]
    zastex_case.refresh_from_db()
    assert (zastex_case.risk_level, zastex_case.next_review_on) == (4, in_days(3))
    first.level = 1
    with pytest.raises(AppendOnly):
        first.save()
    first.refresh_from_db()
    assert first.level == 2
    assert not [name for name in dir(services) if name.startswith(("update", "change", "edit", "delete"))]
