"""Services of the surveys app: workflow with the councils status, questionnaire editing, access codes, answering
(skip logic, checks, exactly one submission per code)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sikom.core.models import AuditEvent
from sikom.core.workflow import TransitionNotAllowed
from sikom.councils import services as council_services
from sikom.councils.models import AnalysisSource, AnalysisStatus, SafetyAnalysisStatus
from sikom.surveys import bank, logic, services
from sikom.surveys.models import (
    AnalysisState,
    Invitation,
    InvitationStatus,
    Question,
    QuestionType,
    Response,
    ResponseChannel,
)
from sikom.surveys.tests.factories import FULL_ANSWERS, FULL_TEXTS, make_analysis, one_code, pirna, running_analysis

pytestmark = pytest.mark.django_db


# Analysis and workflow ---------------------------------------------------------------------------------------------


def test_new_analysis_has_the_standard_questionnaire_the_plan_and_the_creator_on_the_team(municipality_user):
    analysis = make_analysis(by=municipality_user)
    questionnaire = analysis.questionnaire
    assert questionnaire.questions.count() == len(bank.items())
    assert questionnaire.bank_version == bank.BANK_VERSION
    assert list(analysis.milestones.values_list("kind", flat=True)) == [
        "questionnaire", "sample", "letters", "field", "reminders", "analysis", "report", "presentation"
    ]  # fmt: skip
    assert list(analysis.team.values_list("user", flat=True)) == [municipality_user.pk]
    matrix = questionnaire.questions.get(code="sicher_orte")
    assert matrix.rows.count() == 7 and matrix.options.filter(is_missing=True).count() == 1
    assert matrix.text["en"].startswith("And how safe")
    roles = set(questionnaire.questions.exclude(weighting_role="").values_list("weighting_role", flat=True))
    assert roles == {"age_group", "sex", "part_of_town", "residence"}
    assert AuditEvent.objects.filter(action="surveys.analysis_created").exists()


def test_starting_creates_the_councils_status_and_completing_sets_it_done(asskomm):
    analysis = make_analysis(by=asskomm)
    assert not SafetyAnalysisStatus.objects.filter(municipality=analysis.municipality).exists()

    services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=asskomm)
    analysis.refresh_from_db()
    record = analysis.status_record
    assert (record.status, record.source, record.year) == (AnalysisStatus.RUNNING, AnalysisSource.SURVEY, analysis.year)
    assert analysis.questionnaire.questions.exists()

    services.change_status(analysis=analysis, to=AnalysisState.DONE, by=asskomm)
    record.refresh_from_db()
    assert record.status == AnalysisStatus.DONE
    assert record.completed_on == timezone.localdate()
    assert list(analysis.status_changes.values_list("to_status", flat=True)) == ["planned", "running", "done"]


def test_starting_takes_over_an_open_row_entered_by_hand(asskomm):
    manual = council_services.record_analysis_status(
        municipality=pirna(), by=asskomm, data={"status": AnalysisStatus.PLANNED, "year": 2026, "note": "geplant"}
    )
    analysis = make_analysis(by=asskomm, running=True)
    assert analysis.status_record_id == manual.pk
    manual.refresh_from_db()
    assert (manual.status, manual.source) == (AnalysisStatus.RUNNING, AnalysisSource.SURVEY)


def test_a_second_running_analysis_of_the_same_municipality_is_refused(asskomm):
    make_analysis(by=asskomm, running=True)
    second = make_analysis(by=asskomm)
    with pytest.raises(services.Refused):
        services.change_status(analysis=second, to=AnalysisState.RUNNING, by=asskomm)
    second.refresh_from_db()
    assert second.status == AnalysisState.PLANNED


def test_cancelling_a_running_analysis_removes_its_councils_row_and_needs_a_reason(asskomm):
    analysis = make_analysis(by=asskomm, running=True)
    with pytest.raises(TransitionNotAllowed):
        services.change_status(analysis=analysis, to=AnalysisState.CANCELLED, by=asskomm)
    services.change_status(analysis=analysis, to=AnalysisState.CANCELLED, by=asskomm, reason="Haushaltssperre")
    assert not SafetyAnalysisStatus.objects.filter(municipality=analysis.municipality).exists()
    with pytest.raises(TransitionNotAllowed):
        services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=asskomm)


def test_an_analysis_without_questions_cannot_start(asskomm):
    analysis = make_analysis(by=asskomm, standard=False)
    with pytest.raises(services.Refused):
        services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=asskomm)


def test_field_period_must_be_in_order(asskomm):
    today = timezone.localdate()
    with pytest.raises(services.Refused) as error:
        make_analysis(by=asskomm, field_start=today, field_end=today - timedelta(days=1))
    assert error.value.field == "field_end"


def test_team_takes_municipal_staff_of_the_municipality_and_asskomm_only(asskomm, municipality_user, zastex):
    analysis = make_analysis(by=asskomm)
    services.add_team_member(analysis=analysis, user=municipality_user, by=asskomm, task="Koordination")
    with pytest.raises(services.Refused):
        services.add_team_member(analysis=analysis, user=zastex, by=asskomm)
    with pytest.raises(services.Refused):
        services.add_team_member(analysis=analysis, user=municipality_user, by=asskomm)
    assert analysis.team.count() == 2


# Questionnaire -----------------------------------------------------------------------------------------------------


def test_questionnaire_is_fixed_once_the_analysis_runs(asskomm):
    analysis = make_analysis(by=asskomm, running=True)
    question = analysis.questionnaire.questions.get(code="haushalt")
    with pytest.raises(services.Refused):
        services.delete_question(question=question, by=asskomm)
    assert Question.objects.filter(pk=question.pk).exists()


def test_custom_question_of_every_type_with_options_rows_and_condition(asskomm):
    analysis = make_analysis(by=asskomm, standard=False)
    questionnaire = analysis.questionnaire
    first = services.save_section(questionnaire=questionnaire, titles={"de": "Eins", "en": "One"}, by=asskomm)
    second = services.save_section(questionnaire=questionnaire, titles={"de": "Zwei"}, by=asskomm)
    base = {"section": first, "required": False, "weighting_role": ""}
    made = {}
    for kind in QuestionType.values:
        made[kind] = services.save_question(
            questionnaire=questionnaire,
            data=base | {"code": f"q_{kind}", "type": kind, "text": {"de": f"Frage {kind}", "en": f"Question {kind}"}},
            by=asskomm,
        )
    options = [{"code": "1", "label": {"de": "ja", "en": "yes"}}, {"code": "2", "label": {"de": "nein"}}]
    for kind in ("single", "multiple", "matrix", "place"):
        services.save_options(question=made[kind], options=options, by=asskomm)
    services.save_rows(question=made["matrix"], rows=[{"code": "a", "label": {"de": "Zeile"}}], by=asskomm)
    # A condition on a later question is refused; on an earlier one (same page or before) it is kept, and moving
    # the question above its source is refused.
    with pytest.raises(services.Refused):
        services.set_condition(question=made["single"], source=made["place"], option_codes=["1"], by=asskomm)
    services.set_condition(question=made["multiple"], source=made["single"], option_codes=["1"], by=asskomm)
    with pytest.raises(services.Refused):
        services.move_question(question=made["multiple"], direction=-1, by=asskomm)
    services.move_question(question=made["place"], direction=+1, by=asskomm)  # the last one: onto page 2
    assert Question.objects.get(pk=made["place"].pk).section == second
    services.move_question(question=made["text"], direction=+1, by=asskomm)  # now the last of page 1 too
    assert list(second.questions.order_by("position").values_list("code", flat=True))[:2] == ["q_text", "q_place"]
    late = services.save_question(
        questionnaire=questionnaire,
        data=base | {"section": second, "code": "q_late", "type": "text", "text": {"de": "Später"}},
        by=asskomm,
    )
    services.set_condition(question=late, source=made["single"], option_codes=["1"], by=asskomm)
    spec = logic.load_spec(questionnaire)
    assert logic.shown(spec, {"q_single": "1"}) >= {"q_late"}
    assert "q_late" not in logic.shown(spec, {"q_single": "2"})
    with pytest.raises(services.Refused):
        services.delete_question(question=made["single"], by=asskomm)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"code": "Bad Code"}, "code"),
        ({"code": "sicher_dunkel"}, "code"),
        ({"text": {"de": "  "}}, "text_de"),
        ({"min_value": 10, "max_value": 1}, "max_value"),
        ({"max_value": 10**12}, "max_value"),
        ({"weighting_role": "sex"}, "weighting_role"),
        ({"type": "nonsense"}, "type"),
    ],
)
def test_bad_question_data_is_refused_at_its_field(asskomm, change, field):
    analysis = make_analysis(by=asskomm)
    questionnaire = analysis.questionnaire
    section = questionnaire.sections.first()
    data = {"section": section, "code": "neu", "type": "number", "text": {"de": "Neu"}, "weighting_role": ""} | change
    if change.get("weighting_role"):
        data["type"] = "single"
    before = questionnaire.questions.count()
    with pytest.raises(services.Refused) as error:
        services.save_question(questionnaire=questionnaire, data=data, by=asskomm)
    assert error.value.field == field
    assert questionnaire.questions.count() == before


def test_bank_item_can_be_added_once(asskomm):
    analysis = make_analysis(by=asskomm, standard=False)
    questionnaire = analysis.questionnaire
    section = services.save_section(questionnaire=questionnaire, titles={"de": "A"}, by=asskomm)
    services.add_bank_item(questionnaire=questionnaire, key="sorge", section=section, by=asskomm)
    with pytest.raises(services.Refused):
        services.add_bank_item(questionnaire=questionnaire, key="sorge", section=section, by=asskomm)
    with pytest.raises(services.Refused):
        services.add_bank_item(questionnaire=questionnaire, key="gibt-es-nicht", section=section, by=asskomm)
    assert questionnaire.questions.get(code="sorge").rows.count() == 8


# Access codes ------------------------------------------------------------------------------------------------------


def test_codes_are_returned_once_and_stored_only_as_keyed_hashes(asskomm):
    analysis = make_analysis(by=asskomm)
    issued = services.create_invitations(analysis=analysis, strata={"Kernstadt": 3, "Ortsteile": 2}, by=asskomm)
    assert [code.stratum for code in issued] == ["Kernstadt"] * 3 + ["Ortsteile"] * 2
    assert len({code.code for code in issued}) == 5
    for code in issued:
        invitation = Invitation.objects.get(pk=code.invitation_id)
        assert invitation.code_hash.startswith("hmac1$")
        assert code.code.replace("-", "") not in invitation.code_hash
        assert services.find_invitation(code.code.lower().replace("-", " ")) == invitation
    assert services.find_invitation("AAAA-AAAA-AAAA") is None
    assert services.find_invitation("x" * 5000) is None


@pytest.mark.parametrize("strata", [{"A": 0}, {"A": -1, "B": 2}, {"A": 20_001}, {"x" * 101: 1}])
def test_bad_code_requests_make_nothing(asskomm, strata):
    analysis = make_analysis(by=asskomm)
    with pytest.raises(services.Refused):
        services.create_invitations(analysis=analysis, strata=strata, by=asskomm)
    assert not analysis.invitations.exists()


# Answering ---------------------------------------------------------------------------------------------------------


def _spec(analysis):
    return logic.load_spec(analysis.questionnaire)


def test_submission_moves_the_draft_into_an_anonymous_response_once(asskomm):
    analysis = running_analysis(by=asskomm)
    invitation = services.find_invitation(one_code(analysis))
    services.save_draft(invitation=invitation, answers=FULL_ANSWERS, texts=FULL_TEXTS, page=7, language="en")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED and invitation.draft["page"] == 7

    services.submit(invitation=invitation)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.used_on, invitation.draft) == ("submitted", timezone.localdate(), None)
    response = Response.objects.get(questionnaire=analysis.questionnaire)
    assert response.answers == FULL_ANSWERS
    assert response.texts == FULL_TEXTS
    assert (response.language, response.channel, response.completed) == ("en", ResponseChannel.ONLINE, True)
    assert 0 < response.id < 2**63

    with pytest.raises(services.AlreadySubmitted):
        services.submit(invitation=invitation)
    with pytest.raises(services.AlreadySubmitted):
        services.save_draft(invitation=invitation, answers={}, texts={}, page=0, language="de")
    assert Response.objects.count() == 1


def test_answers_to_questions_skipped_by_a_later_change_are_dropped(asskomm):
    analysis = running_analysis(by=asskomm)
    invitation = services.find_invitation(one_code(analysis))
    answers = FULL_ANSWERS | {"opfer": ["nichts"]}  # the follow-ups on the victimisation no longer apply
    services.save_draft(invitation=invitation, answers=answers, texts=FULL_TEXTS, page=7, language="de")
    services.submit(invitation=invitation)
    stored = Response.objects.get().answers
    assert "anzeige" not in stored and "anzeige_nicht" not in stored
    assert stored["opfer"] == ["nichts"]


def test_missing_required_answer_refuses_submission_and_keeps_the_draft(asskomm):
    analysis = running_analysis(by=asskomm)
    invitation = services.find_invitation(one_code(analysis))
    answers = {k: v for k, v in FULL_ANSWERS.items() if k != "sicher_dunkel"}
    services.save_draft(invitation=invitation, answers=answers, texts={}, page=7, language="de")
    with pytest.raises(services.Refused) as error:
        services.submit(invitation=invitation)
    assert error.value.field == "sicher_dunkel"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED and invitation.draft is not None
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [
        {"sicher_dunkel": "7"},  # outside the scale
        {"sicher_dunkel": 3},
        {"sicher_orte": {"tag_wohngegend": "5"}},
        {"sicher_orte": {"erfunden": "1"}},  # forged row
        {"opfer": ["theft", "nichts"]},  # exclusive option with another
        {"opfer": ["theft", "theft"]},
        {"haushalt": 10**18},  # huge value
        {"haushalt": 0},
        {"haushalt": True},
        {"angstort": {"lat": 0.0, "lon": 0.0}},  # far outside Pirna
        {"angstort": {"lat": float("nan"), "lon": 13.9}},
        {"unbekannt": "1"},
        {"anmerkungen": "Freitext an der falschen Stelle"},
    ],
)
def test_answers_outside_their_question_are_refused(asskomm, answers):
    analysis = running_analysis(by=asskomm)
    errors = logic.check_answers(_spec(analysis), FULL_ANSWERS | answers, {}, complete=False)
    assert errors, answers
    with pytest.raises(services.Refused):
        services.record_response(
            questionnaire=analysis.questionnaire, answers=FULL_ANSWERS | answers, texts={}, channel="paper"
        )
    assert not Response.objects.exists()


def test_a_point_in_the_municipality_and_a_long_text_are_checked(asskomm):
    analysis = running_analysis(by=asskomm)
    spec = _spec(analysis)
    municipality = pirna()
    point = {"lat": municipality.latitude, "lon": municipality.longitude}
    assert not logic.check_answers(spec, FULL_ANSWERS | {"angstort": point}, {}, complete=True)
    assert logic.check_answers(spec, FULL_ANSWERS, {"angstort_grund": "x" * 1001}, complete=True)


def test_paper_response_may_be_incomplete(asskomm):
    analysis = running_analysis(by=asskomm)
    response = services.record_response(
        questionnaire=analysis.questionnaire, answers={"alter": "75+"}, texts={}, channel="paper", by=asskomm
    )
    assert response.completed is False and response.channel == "paper"


def test_nobody_answers_outside_the_field_period(asskomm):
    today = timezone.localdate()
    analysis = running_analysis(by=asskomm, field_start=today + timedelta(days=3), field_end=today + timedelta(days=9))
    invitation = services.find_invitation(one_code(analysis))
    with pytest.raises(services.Refused):
        services.save_draft(invitation=invitation, answers=FULL_ANSWERS, texts={}, page=0, language="de")


def test_completing_the_analysis_deletes_unsent_drafts(asskomm):
    analysis = running_analysis(by=asskomm)
    invitation = services.find_invitation(one_code(analysis))
    services.save_draft(invitation=invitation, answers={"alter": "75+"}, texts={}, page=1, language="de")
    services.change_status(analysis=analysis, to=AnalysisState.DONE, by=asskomm)
    invitation.refresh_from_db()
    assert invitation.draft is None


def test_open_link_invitations_are_found_by_their_token_only(asskomm):
    analysis = running_analysis(by=asskomm)
    services.enable_open_link(analysis=analysis, enabled=True, by=asskomm)
    invitation, token = services.start_open_invitation(analysis=analysis)
    assert services.find_open_invitation(analysis, token) == invitation
    assert services.find_open_invitation(analysis, token + "x") is None
    assert services.find_invitation(token) is None  # not an access code


def test_skip_logic_hides_follow_ups_until_the_condition_holds(asskomm):
    spec = _spec(make_analysis(by=asskomm))
    hidden = logic.shown(spec, {})
    assert "anzeige" not in hidden and "anzeige_nicht" not in hidden and "sicher_dunkel" in hidden
    assert "anzeige" in logic.shown(spec, {"opfer": ["fraud"]})
    assert "anzeige_nicht" in logic.shown(spec, {"opfer": ["fraud"], "anzeige": "2"})
    # A follow-up of a follow-up stays hidden when the first is hidden, whatever its own answer says.
    assert "anzeige_nicht" not in logic.shown(spec, {"opfer": ["nichts"], "anzeige": "2"})
    assert len(logic.pages_shown(spec, {})) == len(bank.SECTIONS)


def test_shuffle_job_marks_responses_and_keeps_them(asskomm):
    analysis = running_analysis(by=asskomm)
    for age in ("16-29", "30-44", "75+"):
        services.record_response(
            questionnaire=analysis.questionnaire, answers={"alter": age}, texts={}, channel="paper"
        )
    ids = set(Response.objects.values_list("id", flat=True))
    services.shuffle_responses()
    assert set(Response.objects.values_list("id", flat=True)) == ids
    assert not Response.objects.filter(shuffled=False).exists()


def test_letters_and_reminders_are_noted_and_reminders_skip_those_who_answered(asskomm):
    analysis = running_analysis(by=asskomm)
    issued = services.create_invitations(analysis=analysis, strata={"A": 3}, by=asskomm)
    ids = [code.invitation_id for code in issued]
    today = timezone.localdate()
    assert services.record_letters_sent(analysis=analysis, invitation_ids=ids, on=today, by=asskomm) == 3
    answered = Invitation.objects.get(pk=ids[0])
    services.save_draft(invitation=answered, answers=FULL_ANSWERS, texts={}, page=7, language="de")
    services.submit(invitation=answered)
    from sikom.surveys import selectors

    assert sorted(selectors.invitations_to_remind(analysis).values_list("pk", flat=True)) == ids[1:]
    assert services.record_letters_sent(analysis=analysis, invitation_ids=ids, on=today, by=asskomm, reminder=True) == 2
    assert Invitation.objects.get(pk=ids[0]).reminder_sent_on is None
    assert set(Invitation.objects.filter(pk__in=ids).values_list("letter_sent_on", flat=True)) == {today}
