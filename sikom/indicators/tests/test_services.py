"""The import: reading every accepted file shape, refusing every bad one with a German message, the validation
report with row and column, nothing imported until clean, and replacement on re-import."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from sikom.core.models import AuditEvent
from sikom.geo.models import Municipality
from sikom.indicators import population, services, tables
from sikom.indicators.models import ImportBatch, IndicatorValue, PendingImport, Unit
from sikom.indicators.tests.factories import (
    DRESDEN,
    FREITAL,
    PIRNA,
    csv_upload,
    import_rows,
    make_indicator,
    standard_csv,
    xlsx_bytes,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


# Reading files -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_csv_encodings_are_detected(encoding):
    text = "Gemeindeschlüssel;Jahr;Straftatengruppe;Fälle\n14628270;2023;Körperverletzung;12\n"
    table = tables.read_upload(csv_upload(text, encoding=encoding))
    assert table.header == ["Gemeindeschlüssel", "Jahr", "Straftatengruppe", "Fälle"]
    assert table.rows == [["14628270", "2023", "Körperverletzung", "12"]]


def test_csv_with_commas_and_quotes():
    table = tables.read_upload(csv_upload('ags,jahr,wert\r\n14628270,2023,"1,5"\r\n\r\n'))
    assert table.rows == [["14628270", "2023", "1,5"]]


def test_xlsx_is_read_with_numbers_as_text():
    upload = xlsx_upload([["AGS", "Jahr", "Fälle"], [14628270, 2023, 12.0], [None, None, None]])
    table = tables.read_upload(upload)
    assert table.header == ["AGS", "Jahr", "Fälle"]
    assert table.rows == [["14628270", "2023", "12"]]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.csv", b"", content_type="text/csv"), "leer"),
        (SimpleUploadedFile("a.csv", b"  \n\n", content_type="text/csv"), "leer"),
        (SimpleUploadedFile("a.csv", b"ags;jahr;faelle\n", content_type="text/csv"), "nur eine Kopfzeile"),
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf"), "CSV-Datei"),
        (SimpleUploadedFile("a.xlsx", b"ags;jahr\n1;2\n", content_type="text/csv"), "keine Excel"),
        (SimpleUploadedFile("a.csv", xlsx_bytes([["a"], [1]]), content_type="text/csv"), "keine Textdatei"),
        (SimpleUploadedFile("a.csv", b"ags;jahr\n1;2\n", content_type="image/png"), "keine Textdatei"),
        (SimpleUploadedFile("a.csv", "ags;jahr\n1;2\n".encode("utf-16"), content_type="text/csv"), "UTF-16"),
        (SimpleUploadedFile("a.csv", b"a;b\n" + b"1;2\n" * 2000 + b"3;\x00\n", content_type="text/csv"), "NUL"),
        (SimpleUploadedFile("a.xlsx", b"PK\x03\x04kaputt" * 10, content_type="application/zip"), "nicht lesen"),
    ],
)
def test_bad_files_are_refused_in_german(upload, message):
    with pytest.raises(tables.TableRejected) as refusal:
        tables.read_upload(upload)
    assert message in refusal.value.message


def test_too_large_and_too_long_files_are_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_BYTES", 50)
    with pytest.raises(tables.TableRejected, match="größer als"):
        tables.read_upload(csv_upload(standard_csv(*[(PIRNA, 2023, "", 1)] * 10)))
    monkeypatch.setattr(tables, "MAX_BYTES", 5_000_000)
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    with pytest.raises(tables.TableRejected, match="mehr als 3 Zeilen"):
        tables.read_upload(csv_upload(standard_csv(*[(PIRNA, 2023, "", 1)] * 5)))
    with pytest.raises(tables.TableRejected, match="mehr als 3 Zeilen"):
        tables.read_upload(xlsx_upload([["ags", "jahr", "fälle"]] + [[PIRNA, 2023, 1]] * 5))
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(tables.TableRejected, match="entpackt zu groß"):
        tables.read_upload(xlsx_upload([["ags", "jahr", "fälle"], [PIRNA, 2023, 1]]))


# Mapping -------------------------------------------------------------------------------------------------------


def test_standard_headers_map_themselves():
    assert services.standard_mapping(["AGS", "Jahr", "Straftatengruppe", "Erfasste Fälle"]) == {
        "municipality": 0,
        "year": 1,
        "category": 2,
        "value": 3,
    }
    assert services.standard_mapping(["Schlüssel", "Berichtsjahr", "Fälle"]) is None
    assert services.standard_mapping(["ags", "jahr", "anzahl", "wert"]) is None  # two value columns: ask


def test_mapping_refuses_a_column_twice_and_missing_columns():
    with pytest.raises(services.ImportRefused, match="nur für ein Feld"):
        services.check_mapping(header=["a", "b"], data={"municipality": "0", "year": "0", "value": "1"})
    with pytest.raises(services.ImportRefused, match="Gemeindeschlüssel, Jahr und Wert"):
        services.check_mapping(header=["a", "b", "c"], data={"municipality": "0", "year": "1", "value": "7"})


# Validation ----------------------------------------------------------------------------------------------------


def _validate(text, *, indicator=None, scope=None):
    table = tables.read_upload(csv_upload(text))
    mapping = services.standard_mapping(table.header)
    return services.validate(table=table, mapping=mapping, indicator=indicator or make_indicator(), scope=scope)


def test_every_problem_is_reported_with_row_and_column():
    text = standard_csv(
        ("14999999", 2023, "", 5),  # row 2: unknown key
        ("1462827", 2023, "", 5),  # row 3: not 8 digits
        (PIRNA, 1980, "", 5),  # row 4: year out of range
        (PIRNA, "zwanzig", "", 5),  # row 5: not a year
        (PIRNA, 2022, "", "viele"),  # row 6: not numeric
        (PIRNA, 2021, "", -3),  # row 7: negative
        (PIRNA, 2020, "", "1" * 16),  # row 8: implausibly large
        (PIRNA, 2019, "", ""),  # row 9: empty value
        (FREITAL, 2023, "Diebstahl", 4),  # row 10
        (FREITAL, 2023, "Diebstahl", 5),  # row 11: duplicate of row 10
        ("", 2023, "", 1),  # row 12: key missing
    )
    report = _validate(text)
    assert not report.clean and report.records == []
    found = {(problem.row, problem.column.split(" ")[0]) for problem in report.problems}
    assert found == {
        (2, "A"),
        (3, "A"),
        (4, "B"),
        (5, "B"),
        (6, "D"),
        (7, "D"),
        (8, "D"),
        (9, "D"),
        (11, "A"),
        (12, "A"),
    }
    messages = " ".join(problem.message for problem in report.problems)
    for text_part in [
        "gibt es in Sachsen nicht",
        "8 Ziffern",
        "nicht zwischen 1990",
        "keine Jahreszahl",
        "keine ganze Zahl",
        "nicht negativ",
        "unplausibel",
        "Wert fehlt",
        "wie in Zeile 10",
        "Gemeindeschlüssel fehlt",
    ]:
        assert text_part in messages
    assert report.problems[0].column == "A »Gemeindeschlüssel«"


def test_values_of_other_indicators_may_have_decimals_and_signs():
    indicator = make_indicator(unit=Unit.VALUE, per_capita=False)
    report = _validate(standard_csv((PIRNA, 2023, "", "6,4"), (FREITAL, 2023, "", "-1.5")), indicator=indicator)
    assert report.clean
    assert [str(record.value) for record in report.records] == ["6.4", "-1.5"]
    report = _validate(standard_csv((PIRNA, 2023, "", "6,123")), indicator=indicator)
    assert "zwei Nachkommastellen" in report.problems[0].message


def test_counts_take_german_thousands_separators():
    report = _validate(standard_csv((PIRNA, 2023, "", "1.234"), (FREITAL, 2023, "", "1,5")))
    assert [p.row for p in report.problems] == [3]
    report = _validate(standard_csv((PIRNA, 2023, "", "1.234")))
    assert report.records[0].value == 1234


def test_a_municipality_imports_only_its_own_figures():
    pirna = Municipality.objects.get(ags=PIRNA)
    report = _validate(standard_csv((PIRNA, 2023, "", 5), (FREITAL, 2023, "", 5)), scope=pirna)
    assert [(problem.row, "eigenen Gemeinde" in problem.message) for problem in report.problems] == [(3, True)]


def test_the_report_is_capped(monkeypatch):
    monkeypatch.setattr(services, "MAX_PROBLEMS", 2)
    report = _validate(standard_csv(*[("x", 2023, "", 1)] * 5))
    assert len(report.problems) == 2 and report.more_problems == 3


# Import --------------------------------------------------------------------------------------------------------


def test_nothing_is_imported_until_clean(asskomm):
    indicator = make_indicator()
    table = tables.read_upload(csv_upload(standard_csv((PIRNA, 2023, "", 5), ("14999999", 2023, "", 5))))
    pending = services.hold_upload(indicator=indicator, by=asskomm, file_name="x.csv", table=table)
    with pytest.raises(services.ImportRefused, match="nichts eingelesen"):
        services.confirm_import(pending_id=pending.pk, by=asskomm, scope=None)
    assert not IndicatorValue.objects.exists() and not ImportBatch.objects.exists()


def test_import_stores_values_and_reimport_replaces_them(asskomm):
    indicator = make_indicator()
    batch = import_rows(indicator, [(PIRNA, 2022, "", 10), (PIRNA, 2023, "", 12), (FREITAL, 2023, "", 7)], by=asskomm)
    assert (batch.row_count, batch.replaced_count) == (3, 0)
    assert not PendingImport.objects.exists()
    table = tables.read_upload(csv_upload(standard_csv((PIRNA, 2023, "", 15), (DRESDEN, 2023, "", 900))))
    pending = services.hold_upload(indicator=indicator, by=asskomm, file_name="neu.csv", table=table)
    report = services.validate(table=table, mapping=pending.mapping, indicator=indicator, scope=None)
    assert services.preview(indicator=indicator, records=report.records).replaced == 1
    second = services.confirm_import(pending_id=pending.pk, by=asskomm, scope=None)
    assert (second.row_count, second.replaced_count) == (2, 1)
    stored = {
        (ags, year): int(value)
        for ags, year, value in IndicatorValue.objects.values_list("municipality__ags", "year", "value")
    }
    assert stored == {(PIRNA, 2022): 10, (PIRNA, 2023): 15, (FREITAL, 2023): 7, (DRESDEN, 2023): 900}
    entry = AuditEvent.objects.filter(action="indicators.imported").order_by("pk").last()
    assert entry.data["replaced"] == 1 and entry.data["file"] == "neu.csv"


def test_a_second_confirm_imports_nothing(asskomm):
    indicator = make_indicator()
    table = tables.read_upload(csv_upload(standard_csv((PIRNA, 2023, "", 5))))
    pending = services.hold_upload(indicator=indicator, by=asskomm, file_name="x.csv", table=table)
    services.confirm_import(pending_id=pending.pk, by=asskomm, scope=None)
    with pytest.raises(services.ImportRefused, match="bereits abgeschlossen"):
        services.confirm_import(pending_id=pending.pk, by=asskomm, scope=None)
    assert IndicatorValue.objects.count() == 1


def test_confirm_checks_the_scope_again(asskomm, municipality_user):
    indicator = make_indicator()
    table = tables.read_upload(csv_upload(standard_csv((FREITAL, 2023, "", 5))))
    pending = services.hold_upload(indicator=indicator, by=municipality_user, file_name="x.csv", table=table)
    pirna = Municipality.objects.get(ags=PIRNA)
    with pytest.raises(services.ImportRefused):
        services.confirm_import(pending_id=pending.pk, by=municipality_user, scope=pirna)
    with pytest.raises(services.ImportRefused):  # only the uploader confirms
        services.confirm_import(pending_id=pending.pk, by=asskomm, scope=None)
    assert not IndicatorValue.objects.exists()


def test_xlsx_import_end_to_end(asskomm):
    indicator = make_indicator()
    table = tables.read_upload(xlsx_upload([["Gemeinde", "Jahr", "Anzahl"], [PIRNA, 2023, 8]]))
    pending = services.hold_upload(indicator=indicator, by=asskomm, file_name="x.xlsx", table=table)
    services.confirm_import(pending_id=pending.pk, by=asskomm, scope=None)
    assert IndicatorValue.objects.get().value == 8


def test_housekeeping_removes_old_uploads(asskomm):
    from datetime import timedelta

    from django.utils import timezone

    indicator = make_indicator()
    table = tables.read_upload(csv_upload(standard_csv((PIRNA, 2023, "", 5))))
    old = services.hold_upload(indicator=indicator, by=asskomm, file_name="alt.csv", table=table)
    new = services.hold_upload(indicator=indicator, by=asskomm, file_name="neu.csv", table=table)
    PendingImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert services.purge_pending() == {"indicator_uploads": 1}
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [new.pk]


# Reference population -------------------------------------------------------------------------------------------


def test_population_years_match_the_reference_data():
    path = Path(settings.BASE_DIR) / "data" / "reference" / "sachsen_gemeinden.csv"
    with path.open(encoding="utf-8") as handle:
        dates = {row["einwohner_stand"] for row in csv.DictReader(handle)}
    assert dates == {"2023-12-31"}
    assert population.AVAILABLE_YEARS == {2023: "31.12.2023"}


def test_missing_population_years_use_the_nearest_and_say_so():
    assert population.year_for(2019) == 2023 and population.year_for(2023) == 2023
    note = population.note([2021, 2023])
    assert "31.12.2023" in note and "Für 2021 liegen keine Einwohnerzahlen vor" in note
    assert "liegen keine" not in population.note([2023])
