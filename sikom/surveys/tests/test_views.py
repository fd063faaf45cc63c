"""The pages through the test client: the respondent's walk with a code (pages, skip logic, checks at the field,
save and resume, language, submit once), the open link, the staff pages and the editor."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.surveys import logic, services
from sikom.surveys.models import AnalysisState, Invitation, InvitationStatus, Question, Response, SafetyAnalysis
from sikom.surveys.tests.factories import make_analysis, one_code, pirna, running_analysis

pytestmark = pytest.mark.django_db

PAGE = reverse("surveys:page")


def _enter(client: Client, code: str):
    return client.post(reverse("surveys:start"), {"code": code})


def _page_number(answer) -> int:
    return int(re.search(r'name="page" value="(\d+)"', answer.content.decode()).group(1))


def _post(client: Client, data: dict, action: str = "next"):
    current = client.get(PAGE)
    return client.post(PAGE, {"page": _page_number(current), "action": action, **data})


FIRST_PAGE = {"q-sicher_dunkel": "2", "q-sicher_orte-tag_wohngegend": "1", "q-sicher_orte-nacht_zentrum": "3"}


def test_respondent_answers_page_by_page_and_submits_once():
    analysis = running_analysis()
    code = one_code(analysis)
    client = Client()
    assert _enter(client, code.lower().replace("-", " ")).status_code == 302
    first = client.get(PAGE)
    html = first.content.decode()
    assert first.status_code == 200
    # Every matrix row is a fieldset with a legend, each radio labelled by its column.
    assert html.count('<fieldset class="kern-fieldset survey__row') == 7
    assert '<legend class="kern-label">tagsüber allein in Ihrer Wohngegend?</legend>' in html
    assert '<label class="kern-label" for="q-sicher_orte-tag_wohngegend-0">sehr sicher</label>' in html

    # The required question missing: the message is at the field, tied to it and listed at the top.
    answer = client.post(PAGE, {"page": 0, "action": "next"})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="q-sicher_dunkel-error"' in html and 'aria-invalid="true"' in html
    assert 'href="#q-sicher_dunkel-0"' in html
    assert "Bitte beantworten Sie diese Frage." in html

    assert _post(client, FIRST_PAGE).status_code == 302
    # Page 2 (worries) and 3 (behaviour) without answers; page 4: victimisation with follow-ups.
    _post(client, {})
    _post(client, {"q-schutz": ["schloss", "keine"]})  # exclusive option with another: refused
    answer = client.post(PAGE, {"page": 2, "action": "next", "q-schutz": ["schloss", "keine"]})
    assert answer.status_code == 400 and "lässt sich nicht mit anderen Antworten kombinieren" in answer.content.decode()
    _post(client, {"q-schutz": ["schloss"]})
    html = client.get(PAGE).content.decode()
    assert "q-opfer" in html and "q-anzeige" not in html  # follow-ups appear only after the answer
    # The follow-ups appear on the same page once the answer is sent.
    answer = _post(client, {"q-opfer": ["theft"]})
    html = answer.content.decode()
    assert answer.status_code == 200 and "weitere Fragen auf dieser Seite" in html
    assert "q-anzeige" in html and "q-anzeige_nicht" not in html
    answer = _post(client, {"q-opfer": ["theft"], "q-anzeige": "3"})
    assert "q-anzeige_nicht" in answer.content.decode()
    assert _post(client, {"q-opfer": ["theft"], "q-anzeige": "3", "q-anzeige_nicht": ["schwere"]}).status_code == 302

    # Save and resume with the code, in English.
    assert _post(client, {}, action="save")["Location"] == reverse("surveys:saved")
    assert client.get(PAGE)["Location"] == reverse("surveys:start")
    _enter(client, code)
    client.post(reverse("surveys:language"), {"language": "en", "next": PAGE})
    html = client.get(PAGE).content.decode()
    assert "Police" in html and 'lang="en"' in html
    _post(client, {})  # police
    _post(client, {})  # neighbourhood
    answer = _post(client, {"q-angstort_gibt": "1"})
    assert "q-angstort-lat" in answer.content.decode()
    answer = _post(client, {"q-angstort_gibt": "1", "q-angstort-lat": "0", "q-angstort-lon": "0"})
    assert answer.status_code == 400 and 'id="q-angstort-lat-error"' in answer.content.decode()
    municipality = pirna()
    point = {
        "q-angstort-lat": f"{municipality.latitude:.5f}".replace(".", ","),
        "q-angstort-lon": f"{municipality.longitude:.5f}",
    }
    assert _post(client, {"q-angstort_gibt": "1", **point, "q-angstort_grund": "Dunkel."}).status_code == 302
    answer = _post(client, {"q-alter": "30-44", "q-haushalt": "99999999999"}, action="submit")
    assert answer.status_code == 400 and 'id="q-haushalt-error"' in answer.content.decode()
    answer = _post(client, {"q-alter": "30-44", "q-haushalt": "2"}, action="submit")
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("surveys:thanks"))

    response = Response.objects.get()
    assert response.language == "en"
    assert response.answers["angstort"] == {
        "lat": round(municipality.latitude, 5),
        "lon": round(municipality.longitude, 5),
    }
    assert response.answers["anzeige_nicht"] == ["schwere"] and response.texts == {"angstort_grund": "Dunkel."}
    invitation = Invitation.objects.get(analysis=analysis)
    assert invitation.status == InvitationStatus.SUBMITTED and invitation.draft is None
    # The code is used up.
    again = _enter(Client(), code)
    assert again.status_code == 400 and "bereits abgeschickt" in again.content.decode()


def test_unknown_codes_get_a_clear_message_and_are_throttled():
    running_analysis()
    client = Client()
    answer = _enter(client, "ZZZZ-ZZZZ-ZZZZ")
    assert answer.status_code == 400 and "Diesen Zugangscode kennen wir nicht" in answer.content.decode()
    for _ in range(5):
        _enter(client, "ZZZZ-ZZZZ-ZZZZ")
    assert "Zu viele Fehlversuche" in _enter(client, "ZZZZ-ZZZZ-ZZZZ").content.decode()


def test_a_code_of_an_analysis_not_running_is_refused():
    analysis = make_analysis()
    code = one_code(analysis)
    answer = _enter(Client(), code)
    assert answer.status_code == 400 and "beendet" in answer.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"page": "x"},
        {"page": "99"},
        {"page": "0", "action": "hack"},
        {"page": "0", "q-sicher_dunkel": "99"},
        {"page": "0", "q-sicher_dunkel": ["1", "2"]},
        {"page": "0", "q-sicher_orte-erfunden": "1", "q-sicher_dunkel": "1"},
        {"page": "0", "q-sicher_dunkel": "\x00" * 5000},
        {"page": "0", "q-anzeige": "1", "q-sicher_dunkel": "1"},
    ],
)
def test_hostile_posts_on_the_questionnaire_never_fail_and_store_nothing_wrong(data):
    analysis = running_analysis()
    client = Client()
    _enter(client, one_code(analysis))
    answer = client.post(PAGE, data)
    assert answer.status_code in (200, 302, 400)
    invitation = Invitation.objects.get(analysis=analysis)
    stored = (invitation.draft or {}).get("answers", {})
    assert stored.get("sicher_dunkel") in (None, "1")
    assert "anzeige" not in stored and "erfunden" not in str(stored)
    assert not Response.objects.exists()


def test_open_link_lets_one_browser_answer_once():
    analysis = running_analysis()
    services.enable_open_link(analysis=analysis, enabled=True, by=None)
    analysis.refresh_from_db()
    url = reverse("surveys:open", args=[analysis.open_token])
    client = Client()
    assert client.get(url).status_code == 200
    assert client.post(url)["Location"] == PAGE
    invitation = Invitation.objects.get(analysis=analysis, kind="open")
    services.save_draft(invitation=invitation, answers={"sicher_dunkel": "1"}, texts={}, page=7, language="de")
    assert _post(client, {}, action="submit")["Location"].startswith(reverse("surveys:thanks"))
    assert Response.objects.get().channel == "open"
    done = client.get(url)
    assert "schon teilgenommen" in done.content.decode()
    assert client.post(url).status_code == 200 and Invitation.objects.filter(kind="open").count() == 1
    assert Client().get(reverse("surveys:open", args=["gibt-es-nicht"])).status_code == 404


def test_staff_walk_create_plan_team_status_codes(municipality_user, asskomm):
    client = testing.login(Client(), municipality_user)
    answer = client.post(
        reverse("surveys:create"),
        {
            "municipality": pirna().pk,
            "title": "Sicherheitsanalyse 2026",
            "year": 2026,
            "english": "on",
            "standard": "on",
        },
    )
    analysis = SafetyAnalysis.objects.get()
    assert answer["Location"] == reverse("surveys:detail", args=[analysis.pk])
    assert client.get(reverse("surveys:detail", args=[analysis.pk])).status_code == 200
    assert client.get(reverse("surveys:list")).status_code == 200
    answer = client.post(
        reverse("surveys:milestones", args=[analysis.pk]),
        {"questionnaire-planned_on": "01.03.2026", "field-planned_on": "2026-04-01", "report-done_on": "01.01.2999"},
    )
    assert answer.status_code == 200 and "nicht in der Zukunft" in answer.content.decode()
    client.post(reverse("surveys:milestones", args=[analysis.pk]), {"questionnaire-planned_on": "01.03.2026"})
    assert str(analysis.milestones.get(kind="questionnaire").planned_on) == "2026-03-01"
    client.post(reverse("surveys:team_add", args=[analysis.pk]), {"user": asskomm.pk, "task": "Methodik"})
    assert analysis.team.filter(user=asskomm).exists()
    answer = client.post(reverse("surveys:codes", args=[analysis.pk]), {"stratum": "Kernstadt", "count": "3"})
    lines = (
        b"".join(answer.streaming_content if answer.streaming else [answer.content]).decode("utf-8-sig").splitlines()
    )
    assert answer["Content-Type"].startswith("text/csv") and len(lines) == 4
    code = lines[1].split(";")[0]
    assert services.find_invitation(code).stratum == "Kernstadt"
    answer = client.post(reverse("surveys:codes", args=[analysis.pk]), {"count": "0"})
    assert answer.status_code == 400
    answer = client.post(reverse("surveys:status", args=[analysis.pk]), {"to": "cancelled", "reason": ""})
    assert answer.status_code == 400 and "Grund" in answer.content.decode()
    client.post(reverse("surveys:status", args=[analysis.pk]), {"to": "running"})
    analysis.refresh_from_db()
    assert analysis.status == AnalysisState.RUNNING and analysis.status_record.source == "survey"


def test_editor_walk_custom_question_with_options_condition_and_preview(asskomm):
    analysis = make_analysis(by=asskomm)
    client = testing.login(Client(), asskomm)
    editor = reverse("surveys:editor", args=[analysis.pk])
    assert client.get(editor).status_code == 200
    section = analysis.questionnaire.sections.get(position=0)
    data = {
        "section": section.pk,
        "type": "single",
        "code": "park",
        "text_de": "Fühlen Sie sich im Stadtpark sicher?",
        "text_en": "Do you feel safe in the town park?",
        "options": "1 | ja | yes\n2 | nein | no\n9 | weiß nicht | don't know | fehlend",
        "condition_source": "",
        "weighting_role": "",
    }
    bad = client.post(reverse("surveys:question_create", args=[analysis.pk]), data | {"options": "1 ja"})
    assert bad.status_code == 200 and "Zeile 1" in bad.content.decode()
    assert not Question.objects.filter(code="park").exists()
    client.post(reverse("surveys:question_create", args=[analysis.pk]), data)
    park = Question.objects.get(code="park")
    assert [o.code for o in park.options.all()] == ["1", "2", "9"] and park.options.get(code="9").is_missing
    follow = data | {
        "code": "park_warum",
        "type": "text",
        "text_de": "Warum nicht?",
        "options": "",
        "condition_source": "park",
        "condition_values": "2",
    }
    follow["section"] = analysis.questionnaire.sections.get(position=1).pk
    client.post(reverse("surveys:question_create", args=[analysis.pk]), follow)
    assert Question.objects.get(code="park_warum").conditions.get().option_codes == ["2"]
    # A refused part leaves the whole question as it was.
    answer = client.post(reverse("surveys:question_edit", args=[park.pk]), data | {"options": "1 | ja"})
    assert "mindestens zwei" in answer.content.decode()
    client.post(reverse("surveys:question_move", args=[park.pk]), {"direction": "hoch"})
    client.post(reverse("surveys:question_move", args=[park.pk]), {"direction": "seitwärts"})
    preview = client.get(reverse("surveys:preview", args=[analysis.pk]) + "?neu=1")
    assert preview.status_code == 200 and "Fühlen Sie sich im Stadtpark sicher?" in preview.content.decode()
    answer = client.post(reverse("surveys:preview", args=[analysis.pk]), {"page": 0, "q-park": "2"})
    assert answer.status_code == 400  # the required first item is missing
    answer = client.post(
        reverse("surveys:preview", args=[analysis.pk]), {"page": 0, "q-park": "2", "q-sicher_dunkel": "1"}
    )
    assert answer.status_code == 302
    assert "Warum nicht?" in client.get(reverse("surveys:preview", args=[analysis.pk])).content.decode()
    assert not Response.objects.exists()
    client.post(
        reverse("surveys:intro", args=[analysis.pk]),
        {"intro_de": "Liebe Bürgerinnen und Bürger (Test)", "intro_en": "Dear residents (test)"},
    )
    assert (
        "Liebe Bürgerinnen und Bürger (Test)"
        in client.get(reverse("surveys:preview", args=[analysis.pk]) + "?neu=1").content.decode()
    )
    client.post(reverse("surveys:bank_add", args=[analysis.pk]), {"key": "sorge", "section": section.pk})
    client.post(reverse("surveys:section_create", args=[analysis.pk]), {"title_de": "Zusatz", "title_en": "Extra"})
    assert (
        analysis.questionnaire.sections.filter(title__de="Zusatz").exists()
        or analysis.questionnaire.sections.count() == 9
    )


def test_a_click_on_the_map_becomes_a_point_in_the_municipality():
    analysis = running_analysis()
    invitation_code = one_code(analysis)
    client = Client()
    _enter(client, invitation_code)
    invitation = Invitation.objects.get(analysis=analysis)
    services.save_draft(
        invitation=invitation, answers={"sicher_dunkel": "1", "angstort_gibt": "1"}, texts={}, page=6, language="de"
    )
    html = client.get(PAGE).content.decode()
    assert 'type="image" name="q-angstort-map" src="data:image/svg+xml;base64,' in html
    answer = client.post(
        PAGE, {"page": 6, "q-angstort_gibt": "1", "q-angstort-map.x": "160", "q-angstort-map.y": "160"}
    )
    assert answer.status_code == 200 and "Der Punkt ist auf der Karte markiert" in answer.content.decode()
    invitation.refresh_from_db()
    point = invitation.draft["answers"]["angstort"]
    spec = logic.load_spec(analysis.questionnaire)
    assert logic.check_value(spec, spec.by_code["angstort"], point) is None
    south, west, north, east = spec.bounds
    assert abs(point["lat"] - (south + north) / 2) < 0.01 and abs(point["lon"] - (west + east) / 2) < 0.01
    # Enter in a field (implicit submission: the image button with 0,0) moves on as »Weiter« would.
    answer = client.post(PAGE, {"page": 6, "q-angstort_gibt": "1", "q-angstort-map.x": "0", "q-angstort-map.y": "0"})
    assert answer.status_code == 302


def test_preview_of_an_empty_questionnaire_answers_without_error(asskomm):
    analysis = make_analysis(by=asskomm, standard=False)
    client = testing.login(Client(), asskomm)
    url = reverse("surveys:preview", args=[analysis.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"page": 0, "action": "submit"}).status_code == 400


def test_the_letters_qr_code_fills_in_the_code_but_only_sending_it_checks_it():
    running_analysis()
    page = Client().get(reverse("surveys:start"), {"code": "ABCD-EFGH-JKMN"}).content.decode()
    assert 'value="ABCD-EFGH-JKMN"' in page
    assert "kennen wir nicht" not in page
    hostile = Client().get(reverse("surveys:start"), {"code": '"><script>' + "x" * 500}).content.decode()
    assert "<script>" not in hostile


def test_the_analysis_page_leads_to_fieldwork_monitoring_and_paper_entry(asskomm):
    analysis = running_analysis(by=asskomm)
    page = testing.login(Client(), asskomm).get(reverse("surveys:detail", args=[analysis.pk])).content.decode()
    for name in ("fieldwork", "monitoring", "paper_entry", "import", "structure"):
        assert reverse(f"surveys:{name}", args=[analysis.pk]) in page
