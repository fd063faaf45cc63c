"""Further languages of a questionnaire (decision 0046): add, remove, translate, completeness; the editor's pages with
bad input; the respondent choosing Ukrainian or Arabic (right to left) and answering; answers stay codes."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.surveys import languages, services
from sikom.surveys.models import AnalysisState, Option, Question, Response, SafetyAnalysis
from sikom.surveys.tests.factories import dresden, make_analysis, one_code, running_analysis

pytestmark = pytest.mark.django_db

PAGE = reverse("surveys:page")


def translate_all(analysis: SafetyAnalysis, code: str, prefix: str) -> None:
    """Every text of the questionnaire in `code`, marked with `prefix` so the tests can find it."""
    texts = {
        slot.key: f"{prefix} {slot.source}"[: languages.limit(slot.key)]
        for slot in languages.slots(analysis.questionnaire)
    }
    languages.save_translations(analysis=analysis, code=code, texts=texts, by=None)


# Services -----------------------------------------------------------------------------------------------------------


def test_a_language_is_added_translated_counted_and_removed(asskomm):
    analysis = make_analysis(by=asskomm)
    questionnaire = analysis.questionnaire
    version = questionnaire.version
    analysis = languages.add_language(analysis=analysis, code="uk", by=asskomm)
    assert analysis.languages == ["de", "en", "uk"]
    questionnaire.refresh_from_db()
    assert questionnaire.version == version + 1
    state = languages.completeness(questionnaire, "uk")
    assert (state.done, state.complete) == (0, False) and state.total == len(state.missing) > 100
    # Not offered while texts are missing; the preview offers it.
    assert languages.offered(analysis) == ["de", "en"]
    assert languages.offered(analysis, preview=True) == ["de", "en", "uk"]

    question = questionnaire.questions.get(code="sicher_dunkel")
    option = question.options.first()
    changed = languages.save_translations(
        analysis=analysis,
        code="uk",
        texts={f"text-{question.pk}": "Наскільки безпечно?", f"option-{option.pk}": "дуже безпечно"},
        by=asskomm,
    )
    assert changed == 2
    question.refresh_from_db()
    assert question.text["uk"] == "Наскільки безпечно?" and question.text["de"].startswith("Wie sicher")
    assert languages.completeness(questionnaire, "uk").done == 2
    translate_all(analysis, "uk", "УКР")
    assert languages.completeness(questionnaire, "uk").complete
    assert languages.offered(analysis) == ["de", "en", "uk"]
    # An emptied text counts as missing again, and the language is no longer offered.
    languages.save_translations(analysis=analysis, code="uk", texts={f"option-{option.pk}": "  "}, by=asskomm)
    assert "uk" not in Option.objects.get(pk=option.pk).label
    assert languages.offered(analysis) == ["de", "en"]

    analysis = languages.remove_language(analysis=analysis, code="uk", by=asskomm)
    assert analysis.languages == ["de", "en"]
    # The texts stay: adding the language again brings them back.
    assert Question.objects.get(pk=question.pk).text["uk"].startswith("УКР")
    actions = list(AuditEvent.objects.filter(action__startswith="surveys.language").values_list("action", flat=True))
    assert sorted(actions) == ["surveys.language_added", "surveys.language_removed"]
    assert AuditEvent.objects.filter(action="surveys.translation_saved").count() == 3


@pytest.mark.parametrize("code", ["", "xx", "de", "klingonisch", "uk" * 300, "DE"])
def test_unknown_languages_are_refused(asskomm, code):
    analysis = make_analysis(by=asskomm)
    with pytest.raises(languages.Refused):
        languages.add_language(analysis=analysis, code=code, by=asskomm)
    analysis.refresh_from_db()
    assert analysis.languages == ["de", "en"]


def test_a_language_twice_and_german_removed_are_refused(asskomm):
    analysis = languages.add_language(analysis=make_analysis(by=asskomm), code="ar", by=asskomm)
    with pytest.raises(languages.Refused):
        languages.add_language(analysis=analysis, code="ar", by=asskomm)
    with pytest.raises(languages.Refused):
        languages.remove_language(analysis=analysis, code="de", by=asskomm)
    with pytest.raises(languages.Refused):
        languages.remove_language(analysis=analysis, code="pl", by=asskomm)
    assert SafetyAnalysis.objects.get(pk=analysis.pk).languages == ["de", "en", "ar"]


def test_languages_are_fixed_once_the_analysis_runs(asskomm):
    analysis = running_analysis(by=asskomm)
    question = analysis.questionnaire.questions.first()
    with pytest.raises(languages.Refused):
        languages.add_language(analysis=analysis, code="pl", by=asskomm)
    with pytest.raises(languages.Refused):
        languages.remove_language(analysis=analysis, code="en", by=asskomm)
    with pytest.raises(languages.Refused):
        languages.save_translations(analysis=analysis, code="en", texts={f"text-{question.pk}": "X"}, by=asskomm)
    assert SafetyAnalysis.objects.get(pk=analysis.pk).languages == ["de", "en"]
    assert Question.objects.get(pk=question.pk).text["en"] != "X"


def test_forged_and_overlong_texts_change_nothing(asskomm):
    analysis = languages.add_language(analysis=make_analysis(by=asskomm), code="pl", by=asskomm)
    other = make_analysis(dresden(), by=asskomm, title="Dresden")
    foreign = other.questionnaire.questions.first()
    own = analysis.questionnaire.questions.first()
    for texts in (
        {f"text-{foreign.pk}": "obce"},
        {f"text-{own.pk}": "ok", "text-999999999": "x"},
        {"question-1": "x"},
        {f"text-{own.pk}": "x" * 1001},
    ):
        with pytest.raises(languages.Refused):
            languages.save_translations(analysis=analysis, code="pl", texts=texts, by=asskomm)
    assert "pl" not in Question.objects.get(pk=own.pk).text
    assert "pl" not in Question.objects.get(pk=foreign.pk).text


def test_editing_a_question_in_german_keeps_its_translations(asskomm):
    analysis = languages.add_language(analysis=make_analysis(by=asskomm), code="cs", by=asskomm)
    translate_all(analysis, "cs", "CZ")
    question = analysis.questionnaire.questions.get(code="geschlecht")
    data = {
        "section": question.section,
        "code": question.code,
        "type": question.type,
        "text": {"de": "Ihr Geschlecht?", "en": question.text["en"]},
        "help": {},
        "weighting_role": question.weighting_role,
    }
    services.save_question(questionnaire=analysis.questionnaire, data=data, by=asskomm, question=question)
    options = [{"code": o.code, "label": {"de": o.label["de"]}} for o in question.options.all()]
    services.save_options(question=question, options=options, by=asskomm)
    question.refresh_from_db()
    assert question.text["cs"].startswith("CZ") and question.text["de"] == "Ihr Geschlecht?"
    assert all(option.label["cs"].startswith("CZ") for option in question.options.all())
    # The German-only edit dropped the English option labels (the form edits them), not the Czech ones.
    assert not any("en" in option.label for option in question.options.all())


# Editor pages -------------------------------------------------------------------------------------------------------


def test_the_editor_adds_translates_and_removes_a_language(asskomm):
    analysis = make_analysis(by=asskomm)
    client = testing.login(Client(), asskomm)
    url = reverse("surveys:languages", args=[analysis.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Ukrainisch (Українська)" in page.content.decode()
    answer = client.post(url, {"language": "ar"})
    assert answer["Location"] == reverse("surveys:translate", args=[analysis.pk, "ar"])
    form = client.get(answer["Location"])
    html = form.content.decode()
    total = len(languages.slots(analysis.questionnaire))
    assert f"0 von {total} Texten übersetzt" in html and 'dir="rtl"' in html and 'lang="ar"' in html
    assert "Die fehlenden Texte" in html
    version = int(re.search(r'name="version" value="(\d+)"', html).group(1))
    question = analysis.questionnaire.questions.get(code="sicher_dunkel")
    answer = client.post(answer["Location"], {"version": version, f"text-{question.pk}": "ما مدى الأمان؟"})
    assert answer.status_code == 302
    assert Question.objects.get(pk=question.pk).text["ar"] == "ما مدى الأمان؟"
    overview = client.get(url).content.decode()
    assert f"1 von {total} Texten" in overview and "nicht angeboten" in overview
    editor = client.get(reverse("surveys:editor", args=[analysis.pk])).content.decode()
    assert "Arabisch</a> 1 von" in editor
    answer = client.post(reverse("surveys:language_remove", args=[analysis.pk, "ar"]))
    assert answer.status_code == 302
    assert SafetyAnalysis.objects.get(pk=analysis.pk).languages == ["de", "en"]


def test_the_analysis_form_keeps_further_languages(asskomm):
    analysis = languages.add_language(analysis=make_analysis(by=asskomm), code="vi", by=asskomm)
    client = testing.login(Client(), asskomm)
    answer = client.post(
        reverse("surveys:edit", args=[analysis.pk]),
        {"title": "Neu", "year": analysis.year, "version": analysis.version},
    )
    assert answer.status_code == 302
    assert SafetyAnalysis.objects.get(pk=analysis.pk).languages == ["de", "vi"]


@pytest.mark.parametrize(
    "data",
    [
        {"language": "xx"},
        {"language": "de"},
        {"language": "en"},  # already there
        {"language": ""},
        {"language": "uk" * 5000},
        {"language": "<b>uk</b>"},
        {"version": "1"},
    ],
)
def test_bad_languages_get_a_german_message_at_the_field(asskomm, data):
    analysis = make_analysis(by=asskomm)
    client = testing.login(Client(), asskomm)
    answer = client.post(reverse("surveys:languages", args=[analysis.pk]), data)
    html = answer.content.decode()
    assert answer.status_code == 400 and 'aria-invalid="true"' in html
    assert "Bitte wählen Sie" in html or "Auswahl" in html or "schon" in html
    assert SafetyAnalysis.objects.get(pk=analysis.pk).languages == ["de", "en"]


def test_bad_translation_posts_save_nothing(asskomm, municipality_user):
    analysis = languages.add_language(analysis=make_analysis(by=asskomm), code="tr", by=asskomm)
    other = make_analysis(dresden(), by=asskomm, title="Dresden")
    foreign = other.questionnaire.questions.first()
    question = analysis.questionnaire.questions.get(code="sicher_dunkel")
    url = reverse("surveys:translate", args=[analysis.pk, "tr"])
    client = testing.login(Client(), asskomm)
    version = analysis.questionnaire.version
    # Too long: the German message at the field.
    answer = client.post(url, {"version": version, f"text-{question.pk}": "x" * 5000})
    assert answer.status_code == 400 and "höchstens" in answer.content.decode()
    # Another questionnaire's text: not a field of this form, nothing written anywhere.
    answer = client.post(url, {"version": version, f"text-{foreign.pk}": "yabancı"})
    assert answer.status_code == 302
    # A stale version: the conflict message.
    answer = client.post(url, {"version": version - 1, f"text-{question.pk}": "Ne kadar güvenli?"})
    assert answer.status_code == 400 and "inzwischen" in answer.content.decode()
    answer = client.post(url, {"version": "abc", f"text-{question.pk}": "Ne kadar güvenli?"})
    assert answer.status_code == 400
    # A language the questionnaire does not have, another municipality's analysis: 404.
    assert client.get(reverse("surveys:translate", args=[analysis.pk, "pl"])).status_code == 404
    assert client.get(reverse("surveys:translate", args=[analysis.pk, "de"])).status_code == 404
    assert client.post(reverse("surveys:language_remove", args=[analysis.pk, "pl"])).status_code == 404
    own_staff = testing.login(Client(), municipality_user)
    assert own_staff.post(reverse("surveys:languages", args=[other.pk]), {"language": "uk"}).status_code == 404
    assert own_staff.post(reverse("surveys:translate", args=[other.pk, "en"]), {}).status_code == 404
    # Without the CSRF token: refused with a German page.
    guarded = testing.login(Client(enforce_csrf_checks=True), asskomm)
    answer = guarded.post(url, {"version": version, f"text-{question.pk}": "csrf"})
    assert answer.status_code == 403 and "Ihre Angaben wurden nicht gespeichert." in answer.content.decode()
    answer = guarded.post(reverse("surveys:languages", args=[analysis.pk]), {"language": "pl"})
    assert answer.status_code == 403 and "Sitzung abgelaufen" in answer.content.decode()
    answer = guarded.post(reverse("surveys:language_remove", args=[analysis.pk, "tr"]))
    assert answer.status_code == 403
    assert "tr" not in Question.objects.get(pk=question.pk).text
    assert "tr" not in Question.objects.get(pk=foreign.pk).text
    assert SafetyAnalysis.objects.get(pk=analysis.pk).languages == ["de", "en", "tr"]


def test_a_running_questionnaires_translation_can_be_read_not_saved(asskomm):
    analysis = running_analysis(by=asskomm)
    client = testing.login(Client(), asskomm)
    url = reverse("surveys:translate", args=[analysis.pk, "en"])
    page = client.get(url).content.decode()
    assert "festgelegt" in page and "Übersetzung speichern" not in page
    question = analysis.questionnaire.questions.first()
    answer = client.post(url, {f"text-{question.pk}": "changed"})
    assert answer.status_code == 400
    assert Question.objects.get(pk=question.pk).text["en"] != "changed"
    answer = client.post(reverse("surveys:languages", args=[analysis.pk]), {"language": "pl"})
    assert answer.status_code == 400 and "festgelegt" in answer.content.decode()
    assert client.post(reverse("surveys:language_remove", args=[analysis.pk, "en"])).status_code == 302
    assert SafetyAnalysis.objects.get(pk=analysis.pk).languages == ["de", "en"]


# Respondents --------------------------------------------------------------------------------------------------------


def _walk_to_the_end(client: Client) -> None:
    """Answer the required first question, leave the rest, and send the questionnaire."""
    for _step in range(20):
        html = client.get(PAGE).content.decode()
        page = int(re.search(r'name="page" value="(\d+)"', html).group(1))
        data = {"page": page, "action": "submit" if 'value="submit"' in html else "next"}
        if page == 0:
            data["q-sicher_dunkel"] = "2"
        answer = client.post(PAGE, data)
        assert answer.status_code in (200, 302), answer.content.decode()[:2000]
        if answer.status_code == 302 and answer["Location"].startswith(reverse("surveys:thanks")):
            return
    raise AssertionError("the questionnaire did not end")


def _ready(code_language: str, prefix: str) -> str:
    analysis = make_analysis()
    languages.add_language(analysis=analysis, code=code_language, by=None)
    analysis.refresh_from_db()
    translate_all(analysis, code_language, prefix)
    services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=None)
    analysis.refresh_from_db()
    return one_code(analysis)


def test_a_respondent_answers_in_ukrainian():
    code = _ready("uk", "УКР")
    client = Client()
    client.post(reverse("surveys:start"), {"code": code})
    html = client.get(PAGE).content.decode()
    assert 'value="uk"' in html and "Українська" in html  # offered, named in itself
    client.post(reverse("surveys:language"), {"language": "uk", "next": PAGE})
    html = client.get(PAGE).content.decode()
    assert 'lang="uk"' in html and "УКР Wie sicher" in html and 'dir="rtl"' not in html
    # The choice is kept through the pages.
    client.post(PAGE, {"page": 0, "action": "next", "q-sicher_dunkel": "1"})
    assert "УКР" in client.get(PAGE).content.decode()
    # Saved and resumed with the code: the language comes back with the draft.
    client.post(PAGE, {"page": 1, "action": "save"})
    fresh = Client()
    fresh.post(reverse("surveys:start"), {"code": code})
    assert "УКР" in fresh.get(PAGE).content.decode()
    _walk_to_the_end(fresh)
    response = Response.objects.get()
    # The answers are the codes whatever the language; only the language itself is noted.
    assert response.language == "uk" and response.answers["sicher_dunkel"] == "1"


def test_a_respondent_answers_in_arabic_right_to_left():
    code = _ready("ar", "عربي")
    client = Client()
    client.post(reverse("surveys:start"), {"code": code})
    client.post(reverse("surveys:language"), {"language": "ar", "next": PAGE})
    html = client.get(PAGE).content.decode()
    assert re.search(r'<h1 class="kern-heading-large" lang="ar" dir="rtl">عربي', html)
    assert '<div class="sikom-stack survey__content" lang="ar" dir="rtl">' in html
    # The page's own words (German here) keep their language and direction inside the Arabic content.
    assert 'lang="de" dir="ltr">(Pflichtfrage)' in html
    answer = client.post(PAGE, {"page": 0, "action": "next"})
    assert answer.status_code == 400 and 'lang="de" dir="ltr"><span class="kern-icon' in answer.content.decode()
    _walk_to_the_end(client)
    assert Response.objects.get().language == "ar"


def test_an_incomplete_language_is_not_offered_to_respondents():
    analysis = make_analysis()
    languages.add_language(analysis=analysis, code="pl", by=None)
    services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=None)
    code = one_code(SafetyAnalysis.objects.get(pk=analysis.pk))
    client = Client()
    client.post(reverse("surveys:start"), {"code": code})
    assert 'value="pl"' not in client.get(PAGE).content.decode()
    # Chosen anyway (a forged form): the questionnaire stays German.
    client.post(reverse("surveys:language"), {"language": "pl", "next": PAGE})
    html = client.get(PAGE).content.decode()
    assert 'lang="pl"' not in html and "Wie sicher" in html
    client.post(reverse("surveys:language"), {"language": "xx" * 1000, "next": "https://evil.example/"})
    assert client.get(PAGE).status_code == 200


def test_the_preview_offers_an_incomplete_language_with_a_warning(asskomm):
    analysis = languages.add_language(analysis=make_analysis(by=asskomm), code="ru", by=asskomm)
    client = testing.login(Client(), asskomm)
    url = reverse("surveys:preview", args=[analysis.pk])
    assert 'value="ru"' in client.get(url).content.decode()
    client.post(reverse("surveys:language"), {"language": "ru", "next": url})
    html = client.get(url).content.decode()
    assert "unvollständigen Übersetzung" in html and 'lang="ru"' in html


# LimeSurvey --------------------------------------------------------------------------------------------------------


def test_a_limesurvey_structure_brings_its_further_languages(asskomm):
    from sikom.surveys import limesurvey
    from sikom.surveys.tests.test_limesurvey_import import MODERN

    # The test survey with Ukrainian instead of English.
    ukrainian = MODERN.replace(b"<language>en</language>", b"<language>uk</language>").replace(
        b"<![CDATA[en]]>", b"<![CDATA[uk]]>"
    )
    plan = limesurvey.read_structure(ukrainian)
    assert plan.languages == ["de", "uk"]
    assert plan.sections[0]["title"] == {"de": "Sicherheitsgefühl", "uk": "Feeling of safety"}
    analysis = make_analysis(by=asskomm, languages=["de"])
    limesurvey.import_structure(analysis=analysis, plan=plan.as_dict(), by=asskomm)
    analysis.refresh_from_db()
    assert analysis.languages == ["de", "uk"]
    assert languages.completeness(analysis.questionnaire, "uk").done > 0


# Paper and report ---------------------------------------------------------------------------------------------------


def test_the_report_exports_and_paper_entry_do_not_depend_on_the_language(municipality_user):
    from sikom.surveys.tests.test_report_numbers import respondents

    analysis = make_analysis(by=municipality_user)
    languages.add_language(analysis=analysis, code="uk", by=None)
    languages.add_language(analysis=analysis, code="ar", by=None)
    analysis.refresh_from_db()
    translate_all(analysis, "uk", "УКР")
    translate_all(analysis, "ar", "عربي")
    services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=None)
    respondents(analysis, 40)
    client = testing.login(Client(), municipality_user)
    data_url = reverse("surveys:report_data", args=[analysis.pk]) + "?format=csv"
    before = sorted(b"".join(client.get(data_url).streaming_content).splitlines())
    ids = sorted(Response.objects.values_list("id", flat=True))
    Response.objects.filter(id__in=ids[::2]).update(language="uk")
    Response.objects.filter(id__in=ids[1::4]).update(language="ar")
    # The answers are codes: the data, and with it every estimate, is the same whatever language was used (the
    # export's row order is its own).
    assert sorted(b"".join(client.get(data_url).streaming_content).splitlines()) == before
    page = client.get(reverse("surveys:report", args=[analysis.pk]))
    assert page.status_code == 200 and "УКР" not in page.content.decode()
    entry = client.get(reverse("surveys:paper_entry", args=[analysis.pk]))
    assert entry.status_code == 200 and "Wie sicher" in entry.content.decode()


def test_the_analysis_page_names_languages_that_are_not_offered(asskomm):
    analysis = languages.add_language(analysis=make_analysis(by=asskomm), code="pl", by=asskomm)
    html = testing.login(Client(), asskomm).get(reverse("surveys:detail", args=[analysis.pk])).content.decode()
    total = len(languages.slots(analysis.questionnaire))
    assert "Deutsch, Englisch" in html and f"Polnisch: nicht angeboten, {total} Texte fehlen" in html
