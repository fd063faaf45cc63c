"""The fieldwork services: register import and its report, the reproducible stratified sample, letters and
reminders, deletion of the register, the monitoring figures."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from pypdf import PdfReader

from sikom.core import jobs
from sikom.core.models import AuditEvent, Job
from sikom.geo.models import Municipality
from sikom.surveys import fieldwork, services
from sikom.surveys.models import (
    Invitation,
    InvitationStatus,
    RegisterExtract,
    RegisterPerson,
    StratumCount,
)
from sikom.surveys.tests.factories import running_analysis


def elsewhere(index: int = 0, **fields):
    """A running analysis in another municipality (one running analysis per municipality)."""
    municipality = Municipality.objects.exclude(ags="14628270").order_by("ags")[index]
    return running_analysis(municipality=municipality, **fields)


pytestmark = pytest.mark.django_db

HEADER = "Registernummer;Name;Adresszeile 1;PLZ;Ort;Geburtsjahr;Geschlecht;Ortsteil"


def register_csv(n: int = 40, *, header: str = HEADER, extra: list[str] | None = None) -> bytes:
    """`n` fictitious persons: parts »Nord«/»Süd«, sexes w/m, birth years spread over the age groups."""
    year = timezone.localdate().year
    lines = [header]
    for i in range(1, n + 1):
        part = "Nord" if i % 2 else "Süd"
        sex = "w" if i % 4 < 2 else "m"
        birth = year - (20 if i % 3 == 0 else 50)
        lines.append(f"{1000 + i};Demo Person {i:03d};Demoweg {i};01796;Demostadt;{birth};{sex};{part}")
    lines += extra or []
    return ("\n".join(lines) + "\n").encode("utf-8")


def imported(analysis, raw: bytes | str | None = "default", **kwargs):
    return fieldwork.import_register(
        analysis=analysis,
        raw=register_csv() if raw == "default" else raw,
        file_name="auszug.csv",
        mapping=kwargs.get("mapping", {}),
        by=None,
    )


def problems(raw: bytes | None, name: str = "a.csv", mapping=None) -> list:
    check = fieldwork.check_register(raw, file_name=name, year=timezone.localdate().year, mapping=mapping)
    assert not check.persons
    return check.problems


# Import -------------------------------------------------------------------------------------------------------------


def test_clean_csv_is_imported_encrypted_with_strata_in_clear():
    analysis = running_analysis()
    extract = imported(analysis)
    assert extract.row_count == 40
    assert extract.variables == ["part_of_town", "age_group", "sex"]
    person = RegisterPerson.objects.get(extract=extract, position=1)
    assert person.personal["name"] == "Demo Person 001" and person.personal["register_id"] == "1001"
    assert person.sex in ("w", "m") and person.age_group in ("16-29", "45-64")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT personal FROM surveys_registerperson WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert "Demo Person" not in stored and stored.startswith("enc1")
    assert AuditEvent.objects.filter(action="surveys.register_imported").exists()


def test_windows_1252_comma_and_bom_are_read():
    analysis = running_analysis()
    raw = register_csv(6, header=HEADER.replace(";", ",")).replace(b";", b",")
    raw = raw.replace("Süd".encode(), "Süd".encode("cp1252"))
    extract = imported(analysis, raw)
    assert {p.part_of_town for p in extract.persons.all()} == {"Nord", "Süd"}
    bom = elsewhere()
    assert imported(bom, b"\xef\xbb\xbf" + register_csv(4)).row_count == 4


def test_xlsx_is_read():
    book = Workbook()
    sheet = book.active
    sheet.append(["Registernummer", "Name", "Adresszeile 1", "PLZ", "Ort", "Altersgruppe", "Geschlecht"])
    sheet.append([7, "Demo Person", "Demoweg 1", "01796", "Demostadt", "30-44", "weiblich"])
    sheet.append([3, "Demo Person B", "Demoweg 2", "01796", "Demostadt", "75+", "m"])
    buffer = io.BytesIO()
    book.save(buffer)
    extract = imported(running_analysis(), buffer.getvalue())
    first = extract.persons.get(position=1)
    assert first.personal["register_id"] == "3" and first.age_group == "75+"
    assert extract.variables == ["age_group", "sex"]


def test_mapping_for_other_headers():
    raw = register_csv(5, header="Kennung;Name;Adresszeile 1;PLZ;Ort;Geburtsjahr;Gender;Ortsteil")
    assert any("Registernummer" in p.message for p in problems(raw))
    extract = imported(running_analysis(), raw, mapping={"register_id": "Kennung", "sex": "Gender"})
    assert extract.row_count == 5


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"", "leer"),
        (b"   \n", "leer"),
        ("Registernummer;Name\n1;A\n".encode("utf-16"), "UTF-16"),
        (b"Registernummer;Name\n1;\x81\x8d\n", "weder UTF-8"),
        (register_csv(2, extra=["1001;Dup;Weg;01796;Ort;1980;w;Nord"]), "steht schon in Zeile 2"),
        (register_csv(2, extra=["1100;X;Weg;01796;Ort;1980;q;Nord"]), "Unbekannter Wert »q«"),
        (register_csv(2, extra=["1100;X;Weg;01796;Ort;19x0;w;Nord"]), "Geburtsjahr muss"),
        (register_csv(2, extra=["1100;X;Weg;01796;Ort;2099;w;Nord"]), "Geburtsjahr muss"),
        (register_csv(2, extra=["1100;X;Weg;1796;Ort;1980;w;Nord"]), "Postleitzahl"),
        (register_csv(2, extra=["1100;;Weg;01796;Ort;1980;w;Nord"]), "leer"),
        (b"Name;PLZ\nA;01796\n", "fehlt"),
        (b"Registernummer;Registernummer;Name\n", "mehrmals"),
        (HEADER.encode() + b"\n", "keine Personen"),
    ],
)
def test_every_bad_input_is_reported_and_nothing_stored(raw, expected):
    analysis = running_analysis()
    found = problems(raw)
    assert any(expected in p.message for p in found), [p.message for p in found]
    with pytest.raises(fieldwork.RegisterRejected):
        imported(analysis, raw)
    assert not RegisterExtract.objects.exists() and not RegisterPerson.objects.exists()


def test_problem_names_row_and_column():
    found = problems(register_csv(3, extra=["1100;X;Weg;01796;Ort;1980;q;Nord"]))
    assert (found[0].row, found[0].column) == (5, "Geschlecht")


def test_oversize_and_wrong_kind(settings):
    settings.SURVEY_REGISTER_MAX_BYTES = 1024
    upload = SimpleUploadedFile("a.csv", register_csv(100))
    assert fieldwork.read_upload(upload) is None
    assert "größer" in problems(None)[0].message
    assert "CSV- oder Excel" in problems(b"%PDF-1.4", name="a.pdf")[0].message


def test_broken_xlsx_is_reported():
    assert "Excel-Datei" in problems(b"PK\x03\x04garbage", name="a.xlsx")[0].message


# Sample -------------------------------------------------------------------------------------------------------------


def test_proportional_allocation_sums_to_total():
    pops = {"a": 333, "b": 333, "c": 334}
    for total in (1, 2, 10, 100, 999, 1000):
        sizes = fieldwork.proportional(pops, total)
        assert sum(sizes.values()) == total and all(sizes[k] <= pops[k] for k in pops)
    assert fieldwork.proportional({"a": 90, "b": 10}, 10) == {"a": 9, "b": 1}
    with pytest.raises(services.Refused):
        fieldwork.proportional(pops, 1001)


def _draw(analysis, seed=42, total=12, strata_by=("part_of_town", "sex")):
    extract = RegisterExtract.objects.get(analysis=analysis)
    counts = fieldwork.populations(extract, list(strata_by))
    sizes = fieldwork.proportional(counts, total)
    fieldwork.draw_sample(analysis=analysis, strata_by=list(strata_by), sizes=sizes, seed=seed, by=None)
    return sorted(
        p.personal["register_id"]
        for p in RegisterPerson.objects.filter(extract__analysis=analysis, invitation__isnull=False)
    )


def test_same_extract_seed_and_sizes_give_the_same_sample():
    first, second, other = running_analysis(), elsewhere(0), elsewhere(1)
    for analysis in (first, second, other):
        imported(analysis)
    assert _draw(first) == _draw(second)
    assert _draw(other, seed=43) != _draw_ids(first)


def _draw_ids(analysis):
    return sorted(
        p.personal["register_id"]
        for p in RegisterPerson.objects.filter(extract__analysis=analysis, invitation__isnull=False)
    )


def test_sample_makes_one_code_per_person_and_keeps_stratum_counts():
    analysis = running_analysis()
    imported(analysis)
    _draw(analysis)
    drawn = RegisterPerson.objects.filter(extract__analysis=analysis, invitation__isnull=False)
    assert drawn.count() == 12 == analysis.invitations.count()
    person = drawn.first()
    assert services.find_invitation(person.code).pk == person.invitation_id
    assert person.invitation.stratum == f"{person.part_of_town} / {person.sex}"
    counts = {c.stratum: (c.population, c.sample) for c in StratumCount.objects.filter(analysis=analysis)}
    assert sum(n for n, _k in counts.values()) == 40 and sum(k for _n, k in counts.values()) == 12
    with pytest.raises(services.Refused):
        _draw(analysis)  # only once
    with pytest.raises(services.Refused):
        imported(analysis)  # no new extract after the draw


@pytest.mark.parametrize(
    "sizes",
    [{"Nord": 5}, {"Nord": -1, "Süd": 2}, {"Nord": 999, "Süd": 1}, {"Nord": 0, "Süd": 0}],
)
def test_bad_sizes_are_refused_and_nothing_drawn(sizes):
    analysis = running_analysis()
    imported(analysis)
    with pytest.raises(services.Refused):
        fieldwork.draw_sample(analysis=analysis, strata_by=["part_of_town"], sizes=sizes, seed=1, by=None)
    assert not analysis.invitations.exists() and not StratumCount.objects.exists()


def test_unknown_strata_variable_is_refused():
    analysis = running_analysis()
    imported(
        analysis,
        register_csv(4, header=HEADER.replace(";Ortsteil", "")).replace(b";Nord", b"").replace(b";S\xc3\xbcd", b""),
    )
    with pytest.raises(services.Refused):
        fieldwork.populations(RegisterExtract.objects.get(analysis=analysis), ["part_of_town"])


# Letters and reminders ----------------------------------------------------------------------------------------------


def test_letters_job_makes_one_page_per_person_and_reminders_skip_the_submitted(settings, tmp_path, asskomm):
    settings.EVIDENCE_ROOT = str(tmp_path)
    analysis = running_analysis()
    imported(analysis, register_csv(10, extra=["2000;Demo Łukasz Person;Weg 1;01796;Ort;1980;m;Nord"]))
    extract = RegisterExtract.objects.get(analysis=analysis)
    sizes = fieldwork.proportional(fieldwork.populations(extract, []), 11)
    fieldwork.draw_sample(analysis=analysis, strata_by=[], sizes=sizes, seed=1, by=None)
    job = fieldwork.start_letters(analysis=analysis, reminder=False, by=asskomm)
    assert job.status == Job.Status.DONE and job.done == job.total == 11
    reader = PdfReader(io.BytesIO(b"".join(jobs.open_result(job))))
    assert len(reader.pages) == 11
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Demo Person 001" in text and "Łukasz" in text  # the second through WeasyPrint
    first = RegisterPerson.objects.filter(extract=extract, invitation__isnull=False).first()
    assert first.code in text
    assert analysis.invitations.filter(letter_sent_on__isnull=False).count() == 11
    # One person answers: the reminders leave them out.
    invitation = first.invitation
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.SUBMITTED, used_on=timezone.localdate(), draft=None
    )
    reminder = fieldwork.start_letters(analysis=analysis, reminder=True, by=asskomm)
    reader = PdfReader(io.BytesIO(b"".join(jobs.open_result(reminder))))
    assert len(reader.pages) == 10
    assert first.code not in "\n".join(page.extract_text() for page in reader.pages)


def test_crest_checks():
    png = SimpleUploadedFile("c.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    assert fieldwork.check_crest(png)[1] == "image/png"
    svg = SimpleUploadedFile("c.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    assert fieldwork.check_crest(svg)[1] == "image/svg+xml"
    for bad in [
        b"",
        b"GIF89a....",
        b"<svg><script>alert(1)</script></svg>",
        b'<svg><image href="http://example.org/x.png"/></svg>',
        b'<svg onload="x()"></svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg></svg>',
    ]:
        with pytest.raises(fieldwork.CrestRejected):
            fieldwork.check_crest(SimpleUploadedFile("c.svg", bad))


def test_letters_refused_without_sample_or_after_deletion(asskomm):
    analysis = running_analysis()
    with pytest.raises(services.Refused):
        fieldwork.start_letters(analysis=analysis, reminder=False, by=asskomm)
    imported(analysis)
    _draw(analysis)
    fieldwork.delete_register(analysis=analysis, by=None)
    with pytest.raises(services.Refused):
        fieldwork.start_letters(analysis=analysis, reminder=False, by=asskomm)


# Deletion -----------------------------------------------------------------------------------------------------------


def test_housekeeping_deletes_registers_after_the_field_period_and_keeps_counts():
    today = timezone.localdate()
    ended = running_analysis()
    ongoing = elsewhere()
    for analysis in (ended, ongoing):
        imported(analysis)
    type(ended).objects.filter(pk=ended.pk).update(
        field_start=today - timedelta(days=40), field_end=today - timedelta(days=10)
    )
    # The sample of the ended analysis was drawn while it ran.
    RegisterExtract.objects.filter(analysis=ended).update(drawn_at=timezone.now())
    StratumCount.objects.create(analysis=ended, stratum="alle", population=40, sample=12)
    result = fieldwork.delete_registers()
    assert result == {"survey_register_persons": 40}
    assert not RegisterPerson.objects.filter(extract__analysis=ended).exists()
    assert RegisterPerson.objects.filter(extract__analysis=ongoing).count() == 40
    assert RegisterExtract.objects.get(analysis=ended).deleted_at is not None
    assert StratumCount.objects.get(analysis=ended).population == 40
    assert AuditEvent.objects.filter(action="surveys.register_deleted").count() == 1
    assert fieldwork.delete_registers() == {"survey_register_persons": 0}


def test_deleting_before_the_sample_keeps_population_counts():
    analysis = running_analysis()
    imported(analysis)
    assert fieldwork.delete_register(analysis=analysis, by=None, reason="manual") == 40
    assert sum(StratumCount.objects.filter(analysis=analysis).values_list("population", flat=True)) == 40


def test_deletion_keeps_invitations_but_drops_the_codes():
    analysis = running_analysis()
    imported(analysis)
    _draw(analysis)
    fieldwork.delete_register(analysis=analysis, by=None)
    assert analysis.invitations.count() == 12
    assert not RegisterPerson.objects.exists()


# Monitoring ---------------------------------------------------------------------------------------------------------


def test_monitoring_counts_from_invitations():
    analysis = running_analysis()
    imported(analysis)
    _draw(analysis, strata_by=("age_group", "sex"))
    today = timezone.localdate()
    answered = list(analysis.invitations.order_by("pk")[:3])
    for offset, invitation in enumerate(answered):
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.SUBMITTED, used_on=today - timedelta(days=offset % 2), draft=None
        )
    figures = fieldwork.monitoring(analysis)
    assert (figures["overall"].invited, figures["overall"].submitted) == (12, 3)
    assert figures["overall"].percent == 25.0
    assert sum(rate.submitted for rate in figures["by_stratum"]) == 3
    assert set(figures["by_variable"]) == {"Altersgruppe", "Geschlecht"}
    assert sum(rate.invited for rate in figures["by_variable"]["Geschlecht"]) == 12
    assert figures["days"][-1][2] == 3 and sum(day[1] for day in figures["days"]) == 3


@pytest.mark.parametrize(
    "crest",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 12"><path d="M0 0h10v7l-5 5-5-5z" fill="#c00"/></svg>',
        "png",
    ],
)
def test_letters_carry_the_crest(settings, tmp_path, asskomm, crest):
    import segno

    settings.EVIDENCE_ROOT = str(tmp_path)
    if crest == "png":
        buffer = io.BytesIO()
        segno.make("Wappen").save(buffer, kind="png", scale=4)
        crest = buffer.getvalue()
    analysis = running_analysis()
    imported(analysis, register_csv(2))
    checked = fieldwork.check_crest(SimpleUploadedFile("wappen", crest))
    fieldwork.save_letter_settings(
        analysis=analysis,
        data={"sender": "Gemeinde Demo", "text": "Guten Tag", "reminder_text": "Erinnerung", "signature": ""},
        crest=checked,
        remove_crest=False,
        by=asskomm,
    )
    fieldwork.draw_sample(analysis=analysis, strata_by=[], sizes={"alle": 2}, seed=1, by=None)
    job = fieldwork.start_letters(analysis=analysis, reminder=False, by=asskomm)
    assert job.status == Job.Status.DONE, job.error
    reader = PdfReader(io.BytesIO(b"".join(jobs.open_result(job))))
    assert len(reader.pages) == 2 and "Gemeinde Demo" in reader.pages[0].extract_text()
