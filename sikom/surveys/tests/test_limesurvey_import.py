"""LimeSurvey in: the .lss structure (both layouts, hardened XML, type mapping, conditions, languages) and response
exports (identifying columns dropped, incomplete rows on request, values checked with row and column)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sikom.surveys import limesurvey, logic, paper, services
from sikom.surveys.models import Condition, Question, QuestionType, Response, ResponseChannel
from sikom.surveys.tests.factories import make_analysis

FIXTURES = Path(__file__).parent / "fixtures"
MODERN = (FIXTURES / "limesurvey_survey_742315.lss").read_bytes()
VERSION_3 = (FIXTURES / "limesurvey_survey_381920_v3.lss").read_bytes()


def codes(plan) -> list[tuple[str, str]]:
    return [(q["code"], q["type"]) for section in plan.sections for q in section["questions"]]


# Structure ---------------------------------------------------------------------------------------------------------


def test_a_limesurvey_6_structure_becomes_sections_questions_and_conditions():
    plan = limesurvey.read_structure(MODERN)
    assert plan.title == "Bürgerbefragung Sicherheit (Test)"
    assert plan.languages == ["de", "en"]
    assert [s["title"] for s in plan.sections] == [
        {"de": "Sicherheitsgefühl", "en": "Feeling of safety"},
        {"de": "Angaben zu Ihrer Person", "en": "About you"},
    ]
    assert codes(plan) == [
        ("q1", "single"), ("q2", "matrix"), ("q3", "multiple"), ("q4", "single"),
        ("q6", "number"), ("q7", "text"), ("q8", "single"),
    ]  # fmt: skip
    q1, q2, q3 = plan.sections[0]["questions"][:3]
    assert q1["text"]["de"] == "Wie sicher fühlen Sie sich nachts allein in Ihrer Wohngegend?"  # HTML removed
    assert q1["required"] and [o["code"] for o in q1["options"]] == ["A1", "A2", "A3", "A4"]
    assert q1["options"][0]["label"] == {"de": "sehr sicher", "en": "very safe"}
    assert [r["code"] for r in q2["rows"]] == ["SQ001", "SQ002"] and len(q2["options"]) == 3
    assert [o["code"] for o in q3["options"]] == ["SQ001", "SQ002", "SQ003", "-oth-"]
    q6 = plan.sections[1]["questions"][0]
    assert (q6["min_value"], q6["max_value"]) == (0, 99)
    assert plan.conditions == [
        {"question": "q4", "source": "q1", "codes": ["A3", "A4"]},
        {"question": "q6", "source": "q3", "codes": ["SQ002"]},
    ]
    assert plan.refused == ["Frage »Q5« (Typ R: Rangfolge) wird nicht übernommen: diesen Fragetyp kennt sikom nicht."]
    assert any("Q7" in note and "Q1 > 2" for note in plan.notes)  # a relevance that is not simple
    assert any("Sonstiges" in note for note in plan.notes)


def test_a_limesurvey_3_structure_with_texts_in_the_rows_is_read_too():
    plan = limesurvey.read_structure(VERSION_3)
    assert codes(plan) == [("wohnlage", "single"), ("zufrieden", "matrix"), ("ortsteil", "text")]
    matrix = plan.sections[0]["questions"][1]
    assert [o["code"] for o in matrix["options"]] == ["1", "2", "3", "4", "5"]  # type A: five points
    assert matrix["rows"][0]["label"] == {"de": "der Beleuchtung"}
    assert plan.conditions == [{"question": "zufrieden", "source": "wohnlage", "codes": ["Z"]}]
    assert "datum" in plan.refused[0] and "Datum" in plan.refused[0]
    assert plan.languages == ["de"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<document><LimeSurveyDocType>Survey</LimeSurveyDocType><x>&lol2;</x></document>",
            "Dokumenttyp",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><document>&xxe;</document>',
            "Dokumenttyp",
        ),
        (b'<?xml version="1.0"?><!DOCTYPE document SYSTEM "http://example.org/x.dtd"><document/>', "Dokumenttyp"),
        (b"<document><LimeSurveyDocType>Survey</LimeSurveyDocType>", "kein gültiges XML"),
        (b"\x00\x01 not xml", "kein gültiges XML"),
        (b"<html><body>Hallo</body></html>", "keine LimeSurvey"),
        (b"<document><LimeSurveyDocType>Question</LimeSurveyDocType></document>", "einzelnen Frage"),
        (b"<document><LimeSurveyDocType>Survey</LimeSurveyDocType></document>", "keine Frage"),
    ],
)
def test_bad_structure_files_are_refused_with_a_german_message(data, message):
    with pytest.raises(limesurvey.StructureRejected) as refused:
        limesurvey.read_structure(data)
    assert message in str(refused.value.message)


def test_a_huge_structure_file_is_refused(monkeypatch):
    monkeypatch.setattr(limesurvey, "MAX_LSS_BYTES", 1000)
    with pytest.raises(limesurvey.StructureRejected) as refused:
        limesurvey.read_structure(MODERN)
    assert "größer" in str(refused.value.message)


def test_a_survey_without_german_takes_the_base_language_and_says_so():
    # The German texts relabelled as French: a survey in French (base) and English.
    french = MODERN.replace(b"<language>de</language>", b"<language>fr</language>").replace(
        b"<![CDATA[de]]></language>", b"<![CDATA[fr]]></language>"
    )
    plan = limesurvey.read_structure(french)
    text = plan.sections[0]["questions"][0]["text"]
    assert text["de"].startswith("Wie sicher") and text["en"].startswith("How safe")
    assert any("keine deutsche Fassung" in note for note in plan.notes)


@pytest.mark.parametrize(
    ("equation", "expected"),
    [
        ('Q1 == "A1"', [{"source": "q1", "codes": ["A1"]}]),
        ("((Q1.NAOK == 'A1' || Q1.NAOK == 'A2'))", [{"source": "q1", "codes": ["A1", "A2"]}]),
        ('Q1 == "A1" and Q3_SQ001 == "Y"', [{"source": "q1", "codes": ["A1"]}, {"source": "q3", "codes": ["SQ001"]}]),
        ('Q1 == "A9"', None),
        ('Q1 == "A1" or Q3_SQ001 == "Y"', None),
        ("Q1 > 2", None),
        ("!is_empty(Q1)", None),
        ('Q7 == "x"', None),
    ],
)
def test_only_simple_relevance_equations_become_conditions(equation, expected):
    by_title = {
        "Q1": {"code": "q1", "type": QuestionType.SINGLE, "options": [{"code": "A1"}, {"code": "A2"}]},
        "Q3": {"code": "q3", "type": QuestionType.MULTIPLE, "options": [{"code": "SQ001"}, {"code": "SQ002"}]},
        "Q7": {"code": "q7", "type": QuestionType.TEXT, "options": []},
    }
    assert limesurvey.parse_relevance(equation, by_title) == expected


def test_codes_become_sikom_variable_names():
    taken: set[str] = set()
    assert [limesurvey.our_code(t, taken) for t in ["Q1", "q1", "1a", "F-01 b", ""]] == [
        "q1", "q1_2", "q1a", "f_01_b", "frage",
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_structure_replaces_the_questionnaire_of_a_planned_analysis(asskomm):
    analysis = make_analysis(by=asskomm)
    plan = limesurvey.read_structure(MODERN)
    count = limesurvey.import_structure(analysis=analysis, plan=plan.as_dict(), by=asskomm)
    assert count == 7
    questionnaire = analysis.questionnaire
    questionnaire.refresh_from_db()
    assert questionnaire.bank_version == "" and questionnaire.intro["de"] == "Vielen Dank für Ihre Teilnahme."
    assert list(questionnaire.sections.values_list("title", flat=True))[1]["de"] == "Angaben zu Ihrer Person"
    assert Question.objects.get(questionnaire=questionnaire, code="q2").rows.count() == 2
    condition = Condition.objects.get(question__code="q4")
    assert (condition.source.code, condition.option_codes) == ("q1", ["A3", "A4"])
    spec = logic.load_spec(questionnaire)
    assert logic.shown(spec, {"q1": "A1"}) >= {"q1", "q2", "q3"} and "q4" not in logic.shown(spec, {"q1": "A1"})


@pytest.mark.django_db
def test_the_structure_is_not_taken_over_once_the_analysis_runs_or_has_answers(asskomm):
    from sikom.surveys.tests.factories import running_analysis

    running = running_analysis(by=asskomm)
    plan = limesurvey.read_structure(MODERN).as_dict()
    with pytest.raises(services.Refused):
        limesurvey.import_structure(analysis=running, plan=plan, by=asskomm)
    assert running.questionnaire.questions.filter(code="sicher_dunkel").exists()
    planned = make_analysis(by=asskomm, municipality=None, title="Zweite")
    Response.objects.create(questionnaire=planned.questionnaire, answers={}, channel=ResponseChannel.IMPORT)
    with pytest.raises(services.Refused):
        limesurvey.import_structure(analysis=planned, plan=plan, by=asskomm)
    assert planned.questionnaire.questions.filter(code="sicher_dunkel").exists()


# Response exports -----------------------------------------------------------------------------------------------

EXPORT_HEADER = (
    '"id","submitdate","lastpage","startlanguage","seed","token","ipaddr","refurl","startdate","datestamp",'
    '"Q1","Q2[SQ001]","Q2[SQ002]","Q3[SQ001]","Q3[SQ002]","Q3[SQ003]","Q3[other]","Q4","Q6","Q7","Q8","Q5[1]",'
    '"interviewtime","Q1Time"'
)


def export_row(*, id_, submitted=True, language="de", **answers) -> str:
    values = {
        "Q1": "", "Q2[SQ001]": "", "Q2[SQ002]": "", "Q3[SQ001]": "", "Q3[SQ002]": "", "Q3[SQ003]": "",
        "Q3[other]": "", "Q4": "", "Q6": "", "Q7": "", "Q8": "", "Q5[1]": "",
    }  # fmt: skip
    values.update({key.replace("_", "[", 1) + "]" if "_" in key else key: value for key, value in answers.items()})
    cells = [
        str(id_), "2024-05-02 10:11:12" if submitted else "", "2", language, "123456", f"tok{id_}", "192.0.2.1",
        "https://example.org", "2024-05-02 10:00:00", "2024-05-02 10:11:12",
        *values.values(), "311.5", "12.3",
    ]  # fmt: skip
    return ",".join(f'"{cell}"' for cell in cells)


@pytest.fixture
def lime_analysis(asskomm):
    from sikom.surveys.models import AnalysisState

    analysis = make_analysis(by=asskomm, standard=False)
    limesurvey.import_structure(analysis=analysis, plan=limesurvey.read_structure(MODERN).as_dict(), by=asskomm)
    services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=asskomm)
    analysis.refresh_from_db()
    return analysis


def read(text: str) -> paper.Table:
    return paper.read_table(
        SimpleUploadedFile("survey_742315.csv", text.encode(), content_type="text/csv"), allow_xlsx=False
    )


@pytest.mark.django_db
def test_a_response_export_is_mapped_and_identifying_columns_are_dropped(lime_analysis, asskomm):
    spec = logic.load_spec(lime_analysis.questionnaire)
    text = (
        "\n".join(
            [
                EXPORT_HEADER,
                export_row(
                    id_=1, Q1="A3", Q2_SQ001="1", Q2_SQ002="3", Q3_SQ002="Y", Q4="Y", Q6="35.0000000000", Q8="4"
                ),
                export_row(id_=2, language="en", Q1="A1", Q3_SQ001="Y", Q7="Mehr Licht", Q6="12"),
                export_row(id_=3, submitted=False, Q1="A2"),
            ]
        )
        + "\n"
    )
    check = limesurvey.check_response_export(spec, read(text), include_incomplete=False)
    assert check.clean, check.errors
    assert check.skipped_incomplete == 1 and len(check.rows) == 2
    assert set(check.dropped_columns) >= {
        "id", "submitdate", "token", "ipaddr", "refurl", "seed", "startdate", "datestamp", "lastpage",
        "startlanguage", "interviewtime", "Q1Time", "Q3[other]",
    }  # fmt: skip
    first, second = check.rows
    assert first["answers"] == {
        "q1": "A3", "q2": {"SQ001": "1", "SQ002": "3"}, "q3": ["SQ002"], "q4": "Y", "q6": 35, "q8": "4",
    }  # fmt: skip
    # q6 is shown only to those with SQ002 (burglary): the second row's answer is dropped, and so noted.
    assert second["answers"] == {"q1": "A1", "q3": ["SQ001"]} and second["language"] == "en"
    assert second["texts"] == {"q7": "Mehr Licht"}
    assert any("q6" in note for note in check.notes)
    assert any("Q5[1]" in note for note in check.notes)  # a refused question's column
    paper.import_rows(analysis=lime_analysis, rows=check.rows, channel=ResponseChannel.IMPORT, by=asskomm, token="x")
    stored = Response.objects.filter(questionnaire=lime_analysis.questionnaire)
    assert stored.count() == 2
    for response in stored:
        assert set(response.answers) <= {"q1", "q2", "q3", "q4", "q6", "q8"}
        assert "tok" not in str(response.answers) and "192.0.2.1" not in str(response.texts)


@pytest.mark.django_db
def test_incomplete_responses_are_imported_when_chosen(lime_analysis):
    spec = logic.load_spec(lime_analysis.questionnaire)
    text = EXPORT_HEADER + "\n" + export_row(id_=3, submitted=False, Q1="A2") + "\n"
    check = limesurvey.check_response_export(spec, read(text), include_incomplete=True)
    assert check.clean and check.rows[0]["completed"] is False


@pytest.mark.django_db
def test_values_outside_the_scale_are_reported_with_row_and_column(lime_analysis):
    spec = logic.load_spec(lime_analysis.questionnaire)
    text = (
        "\n".join(
            [EXPORT_HEADER, export_row(id_=1, Q1="A1"), export_row(id_=2, Q1="A7", Q6="100", Q3_SQ001="vielleicht")]
        )
        + "\n"
    )
    check = limesurvey.check_response_export(spec, read(text), include_incomplete=False)
    assert not check.clean
    found = {(p.row, p.column.split(" ")[0]) for p in check.errors}
    assert found == {(3, "Q1"), (3, "Q6"), (3, "Q3[SQ001]")}


@pytest.mark.django_db
def test_an_export_of_another_survey_is_refused(lime_analysis):
    spec = logic.load_spec(lime_analysis.questionnaire)
    check = limesurvey.check_response_export(
        spec, read('"id","token","X1","X2"\n"1","a","b","c"\n'), include_incomplete=False
    )
    assert not check.clean and "Keine Spalte passt" in check.errors[0].message
