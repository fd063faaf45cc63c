"""Paper returns: typing keys, reading one entered questionnaire, the one-time form token, reading table files (every
kind of bad file), the validation report with row and column, and the all-or-nothing import."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from sikom.core.exports import xlsx_file
from sikom.core.models import AuditEvent
from sikom.surveys import logic, paper, services
from sikom.surveys.models import AnalysisState, Response, ResponseChannel
from sikom.surveys.tests.factories import dresden, make_analysis, running_analysis

pytestmark = pytest.mark.django_db


def post(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data[name.replace("__", "-")] = value
    return data


@pytest.fixture
def analysis(asskomm):
    return running_analysis(by=asskomm)


@pytest.fixture
def spec(analysis):
    return logic.load_spec(analysis.questionnaire)


def key_of(question, code: str) -> str:
    return next(key for key, option in paper.entry_keys(question) if option.code == code)


def upload(name: str, data: bytes, content_type: str = "text/csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# Keys and one entered questionnaire --------------------------------------------------------------------------------


def test_numeric_codes_are_typed_as_they_are_other_codes_by_position(spec):
    safety = spec.by_code["sicher_dunkel"]
    assert [key for key, _o in paper.entry_keys(safety)] == safety.option_codes
    sex = spec.by_code["geschlecht"]
    keys = paper.entry_keys(sex)
    assert [key for key, _o in keys] == [str(i) for i in range(1, len(sex.options) + 1)]
    assert paper.resolve_key(sex, "1") == sex.options[0].code
    # The code itself is understood too, in any case, where it cannot be mistaken for a position.
    assert paper.resolve_key(sex, sex.options[0].code.upper()) == sex.options[0].code
    assert paper.resolve_key(sex, "99") is None


def test_a_full_sheet_is_read_into_answers(spec):
    sheet = paper.read_sheet(
        spec,
        post(
            **{
                "q__sicher_dunkel": "3",
                "q__sicher_orte__tag_wohngegend": "1",
                "q__sicher_orte__nacht_zentrum": "4",
                "q__haushalt": "3",
                "q__angstort_grund": "  Schlecht beleuchtet.  ",
            }
        ),
    )
    assert sheet.errors == {}
    assert sheet.answers["sicher_dunkel"] == "3"
    assert sheet.answers["sicher_orte"] == {"tag_wohngegend": "1", "nacht_zentrum": "4"}
    assert sheet.answers["haushalt"] == 3


def test_values_outside_the_scale_and_unknown_codes_get_a_german_message_at_their_field(spec):
    sheet = paper.read_sheet(
        spec, post(q__sicher_dunkel="7", q__sicher_orte__tag_wohngegend="x", q__haushalt="100000000", q__opfer="1 99")
    )
    assert sheet.errors["q-sicher_dunkel"] == "»7« ist hier kein gültiger Wert. Erlaubt: 1, 2, 3, 4, 9."
    assert "q-sicher_orte-tag_wohngegend" in sheet.errors
    assert "Zahl" in sheet.errors["q-haushalt"]
    assert "»99«" in sheet.errors["q-opfer"]
    assert sheet.raw["q-sicher_dunkel"] == "7"  # shown again as typed


def test_answers_to_skipped_questions_are_dropped_and_named(spec):
    follow_up = next(q for q in spec.questions if q.conditions)
    source, codes = follow_up.conditions[0]
    other = next(code for code in spec.by_code[source].option_codes if code not in codes)
    fields = {logic.field_name(spec.by_code[source]): key_of(spec.by_code[source], other)}
    key = paper.entry_keys(follow_up)[0][0] if follow_up.options else "1"
    fields[logic.field_name(follow_up)] = key
    sheet = paper.read_sheet(spec, post(**{k.replace("-", "__"): v for k, v in fields.items()}))
    assert not sheet.errors
    assert follow_up.code in sheet.dropped
    assert follow_up.code not in sheet.answers


def test_a_sheet_is_saved_once_per_form_token(analysis, spec, asskomm):
    token = paper.issue_form_token(analysis, asskomm)
    sheet = paper.read_sheet(spec, post(q__sicher_dunkel="2"))
    response = paper.save_sheet(analysis=analysis, sheet=sheet, token=token, by=asskomm)
    assert response.channel == ResponseChannel.PAPER and response.answers == {"sicher_dunkel": "2"}
    with pytest.raises(paper.AlreadySaved):
        paper.save_sheet(analysis=analysis, sheet=sheet, token=token, by=asskomm)
    assert Response.objects.count() == 1
    assert paper.paper_count(analysis.questionnaire) == {"paper": 1, "all": 1}
    # The audit says that staff entered a sheet, never which response it was.
    event = AuditEvent.objects.filter(action="surveys.response_recorded").get()
    assert str(response.pk) not in str(event.data) and event.object_id == str(analysis.pk)


def test_a_token_of_another_analysis_or_person_or_a_forged_one_stores_nothing(
    analysis, spec, asskomm, municipality_user
):
    other = running_analysis(title="Andere", by=asskomm, municipality=dresden())
    sheet = paper.read_sheet(spec, post(q__sicher_dunkel="2"))
    for token, user in [
        (paper.issue_form_token(other, asskomm), asskomm),
        (paper.issue_form_token(analysis, municipality_user), asskomm),
        ("erfunden", asskomm),
    ]:
        with pytest.raises(services.Refused):
            paper.save_sheet(analysis=analysis, sheet=sheet, token=token, by=user)
    assert not Response.objects.exists()


def test_no_paper_entry_before_the_analysis_runs(asskomm):
    planned = make_analysis(by=asskomm)
    spec = logic.load_spec(planned.questionnaire)
    sheet = paper.read_sheet(spec, post(q__sicher_dunkel="2"))
    with pytest.raises(services.Refused):
        paper.save_sheet(analysis=planned, sheet=sheet, token=paper.issue_form_token(planned, asskomm), by=asskomm)
    assert planned.status == AnalysisState.PLANNED and not Response.objects.exists()


# Reading files -----------------------------------------------------------------------------------------------------


def test_utf8_with_bom_and_semicolons_and_windows_1252_with_commas_are_read():
    table = paper.read_table(upload("a.csv", "\ufeffsicher_dunkel;angstort_grund\n3;Straße\n".encode()))
    assert (table.header, table.rows, table.encoding) == (
        ["sicher_dunkel", "angstort_grund"],
        [["3", "Straße"]],
        "UTF-8 (BOM)",
    )
    table = paper.read_table(upload("b.csv", "sicher_dunkel,angstort_grund\n3,Straße\n".encode("cp1252")))
    assert (table.rows, table.encoding) == ([["3", "Straße"]], "Windows-1252")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.csv", "a;b\n1;2\n".encode("utf-16"), "UTF-16"),
        ("a.csv", b"a;b\n\x81\x8d;2\n", "Zeichenkodierung"),
        ("a.csv", b"", "leer"),
        ("a.csv", b"sicher_dunkel\n", "nur die Kopfzeile"),
        ("a.csv", b'a;b\n"1;2\n', "fehlerhaft"),
        ("a.csv", b"a;b\n1;2;3\n", "mehr Werte"),
        ("a.csv", b"PK\x03\x04xxxx", "Excel"),
        ("a.xlsx", b"a;b\n1;2\n", "keine Excel"),
        ("a.xlsx", b"PK\x03\x04 damaged", "beschädigt"),
        ("a.pdf", b"%PDF-1.4", "CSV-Datei"),
    ],
)
def test_bad_files_are_refused_with_a_german_message(name, data, message):
    with pytest.raises(paper.TableRejected) as refused:
        paper.read_table(upload(name, data))
    assert message in str(refused.value.message)


def test_a_huge_file_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(paper, "MAX_BYTES", 1000)
    with pytest.raises(paper.TableRejected) as refused:
        paper.read_table(upload("a.csv", b"a;b\n" + b"1;2\n" * 500))
    assert "größer als" in str(refused.value.message)


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(paper, "MAX_ROWS", 3)
    with pytest.raises(paper.TableRejected) as refused:
        paper.read_table(upload("a.csv", b"a\n1\n2\n3\n4\n5\n"))
    assert "Zeilen" in str(refused.value.message)


def test_an_xlsx_in_the_template_layout_is_read(spec):
    header = list(paper.template_columns(spec))
    row = ["" for _h in header]
    row[header.index("sicher_dunkel")] = 3  # a number cell
    row[header.index("haushalt")] = 4.0
    workbook = xlsx_file(header, [row])
    table = paper.read_table(upload("a.xlsx", workbook.read(), "application/octet-stream"))
    check = paper.check_template_table(spec, table)
    assert check.clean, check.errors
    assert check.rows[0]["answers"] == {"sicher_dunkel": "3", "haushalt": 4}


# The validation report and the import ------------------------------------------------------------------------------


def csv_table(text: str) -> paper.Table:
    return paper.read_table(upload("a.csv", text.encode()))


def test_the_template_has_a_column_per_matrix_row_and_per_multiple_choice_option(spec):
    columns = paper.template_columns(spec)
    matrix = spec.by_code["sicher_orte"]
    assert all(f"sicher_orte_{row}" in columns for row in matrix.row_codes)
    assert all(f"opfer_{option}" in columns for option in spec.by_code["opfer"].option_codes)
    assert "angstort_lat" in columns and "angstort_lon" in columns


def test_every_problem_is_listed_with_row_and_column_and_nothing_is_imported(spec):
    check = paper.check_template_table(
        spec,
        csv_table(
            "sicher_dunkel;erfunden;sicher_orte_nacht_zentrum;haushalt;opfer_theft\n3;;1;2;1\n5;;8;-4;ja\n2;;;abc;2\n"
        ),
    )
    assert not check.clean
    found = {(p.row, p.column.split(" ")[0]) for p in check.errors}
    assert (1, "erfunden") in found  # unknown column, in the header row
    assert {(3, "sicher_dunkel"), (3, "sicher_orte_nacht_zentrum"), (3, "haushalt")} <= found
    assert {(4, "haushalt"), (4, "opfer_theft")} <= found
    assert any("(C)" in p.column for p in check.errors)  # the spreadsheet's column letter
    assert not Response.objects.exists()


def test_a_doubled_column_is_an_error(spec):
    check = paper.check_template_table(spec, csv_table("sicher_dunkel;sicher_dunkel\n1;2\n"))
    assert [p.message for p in check.errors] == ["Diese Spalte kommt doppelt vor."]


def test_a_file_for_another_questionnaire_is_refused_as_a_whole(spec):
    check = paper.check_template_table(spec, csv_table("name;strasse\nA;B\n"))
    assert check.errors[0].row is None and "Keine Spalte passt" in check.errors[0].message


def test_a_clean_file_is_imported_all_at_once_in_random_order(analysis, spec, asskomm):
    lines = ["sicher_dunkel;haushalt;anmerkungen", ";;"] + [f"{1 + i % 4};{i};Text {i}" for i in range(1, 21)]
    check = paper.check_template_table(spec, csv_table("\n".join(lines) + "\n"))
    assert check.clean and len(check.rows) == 20 and check.empty_rows == 1
    assert not Response.objects.exists()  # checking stores nothing
    count = paper.import_rows(
        analysis=analysis, rows=check.rows, channel=ResponseChannel.IMPORT, by=asskomm, token="t-1"
    )
    assert count == 20
    stored = list(Response.objects.values_list("answers", "channel"))
    assert {channel for _a, channel in stored} == {"import"}
    households = [answers["haushalt"] for answers, _c in stored]  # in id order, which is random
    assert sorted(households) == list(range(1, 21)) and households != list(range(1, 21))
    with pytest.raises(paper.AlreadySaved):
        paper.import_rows(analysis=analysis, rows=check.rows, channel=ResponseChannel.IMPORT, by=asskomm, token="t-1")
    assert Response.objects.count() == 20
    assert AuditEvent.objects.filter(action="surveys.responses_imported", data__count=20).exists()


def test_an_import_is_all_or_nothing(analysis, asskomm):
    rows = [
        {"answers": {"sicher_dunkel": "1"}, "texts": {}, "language": "de", "completed": True},
        {"answers": {"sicher_dunkel": "7"}, "texts": {}, "language": "de", "completed": True},  # forged
    ]
    with pytest.raises(services.Refused):
        paper.import_rows(analysis=analysis, rows=rows, channel=ResponseChannel.PAPER, by=asskomm, token="t-2")
    assert not Response.objects.exists()
    with pytest.raises(services.Refused):
        paper.import_rows(analysis=analysis, rows=rows[:1], channel="online", by=asskomm, token="t-3")
    assert not Response.objects.exists()


def test_answers_to_skipped_questions_in_a_file_are_dropped_and_noted(spec):
    follow_up = next(
        q
        for q in spec.questions
        if q.conditions and q.type == "single" and spec.by_code[q.conditions[0][0]].type == "single"
    )
    source, codes = follow_up.conditions[0]
    other = next(code for code in spec.by_code[source].option_codes if code not in codes)
    check = paper.check_template_table(
        spec, csv_table(f"{source};{follow_up.code}\n{other};{follow_up.option_codes[0]}\n")
    )
    assert check.clean
    assert follow_up.code not in check.rows[0]["answers"]
    assert any(follow_up.code in note for note in check.notes)


def test_the_pending_import_is_kept_encrypted_in_the_session(analysis, spec):
    check = paper.check_template_table(spec, csv_table("anmerkungen\nGeheimer Ort am Markt\n"))
    session = SessionStore()
    token = paper.keep_pending(session, analysis=analysis, check=check, channel="paper", source="sikom")
    assert "Geheimer Ort" not in str(dict(session))
    assert paper.pending(session, analysis, token)["rows"][0]["texts"] == {"anmerkungen": "Geheimer Ort am Markt"}
    assert paper.pending(session, analysis, "falsch") is None
    paper.drop_pending(session)
    assert paper.pending(session, analysis, token) is None


def test_column_letters():
    assert [paper.column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_an_import_confirmed_after_the_analysis_closed_stores_nothing(analysis, spec, asskomm):
    check = paper.check_template_table(spec, csv_table("sicher_dunkel\n1\n2\n"))
    services.change_status(analysis=analysis, to=AnalysisState.DONE, by=asskomm)
    with pytest.raises(services.Refused):
        paper.import_rows(analysis=analysis, rows=check.rows, channel=ResponseChannel.PAPER, by=asskomm, token="t-4")
    assert not Response.objects.exists()


def test_too_many_columns_and_overlong_cells_are_refused(spec, monkeypatch):
    monkeypatch.setattr(paper, "MAX_COLUMNS", 5)
    with pytest.raises(paper.TableRejected) as refused:
        paper.read_table(upload("a.csv", b"a;b;c;d;e;f\n1;2;3;4;5;6\n"))
    assert "Spalten" in str(refused.value.message)
    check = paper.check_template_table(spec, csv_table("anmerkungen;sicher_dunkel\n" + "x" * 2500 + ";1\n"))
    assert [(p.row, p.column) for p in check.errors] == [(2, "anmerkungen (A)")]
    assert "länger als 2000 Zeichen" in check.errors[0].message
