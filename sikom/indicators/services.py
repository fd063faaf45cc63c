"""Every write of the indicators app: indicators, the import (upload -> column mapping -> validation report ->
preview -> confirm) and housekeeping of waiting uploads. Nothing reaches `IndicatorValue` before a clean
validation; a confirmed import replaces the values of the same municipality, year and category."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.core import audit
from sikom.geo.models import Municipality
from sikom.indicators.models import ImportBatch, Indicator, IndicatorValue, PendingImport, Unit
from sikom.indicators.tables import Table

FIRST_YEAR = 1990
MAX_VALUE = Decimal("1e13")
MAX_CATEGORY = 150
MAX_PROBLEMS = 200
PENDING_HOURS = 24
CHUNK = 500

FIELDS = ("municipality", "year", "category", "value")
REQUIRED_FIELDS = ("municipality", "year", "value")
# Header names (lower case, without spaces, hyphens and underscores) that map a column without asking.
STANDARD_HEADERS = {
    "municipality": {"ags", "gemeindeschlüssel", "gemeindeschluessel", "amtlichergemeindeschlüssel", "gkz", "gemeinde"},
    "year": {"jahr", "year", "berichtsjahr"},
    "category": {"kategorie", "category", "straftatengruppe", "deliktgruppe", "deliktsgruppe", "straftat", "gruppe"},
    "value": {"fälle", "faelle", "fallzahl", "anzahl", "wert", "value", "cases", "erfasstefälle"},
}


class ImportRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    row: int | None  # the row number as a spreadsheet shows it (the header is row 1); None: the whole file
    column: str
    message: str


@dataclass(frozen=True)
class Record:
    municipality_id: int
    year: int
    category: str
    value: Decimal


@dataclass
class Validation:
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    records: list[Record] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))
        else:
            self.more_problems += 1


@dataclass(frozen=True)
class Preview:
    rows: int
    municipalities: int
    years: list[int]
    categories: list[str]
    replaced: int


# Indicators ----------------------------------------------------------------------------------------------------


def save_indicator(*, indicator: Indicator | None, by, data: dict) -> Indicator:
    with transaction.atomic():
        created = indicator is None
        indicator = indicator or Indicator()
        for name in ("name", "kind", "unit", "source", "description", "per_capita"):
            setattr(indicator, name, data[name])
        indicator.save()
        audit.log("indicators.created" if created else "indicators.updated", actor=by, obj=indicator)
    return indicator


# Mapping -------------------------------------------------------------------------------------------------------


def _normal(header: str) -> str:
    return re.sub(r"[\s_\-.]", "", header.lower())


def standard_mapping(header: list[str]) -> dict | None:
    """The mapping of a file with the standard headers (every required column found once), else None."""
    mapping: dict[str, int | None] = {"category": None}
    for name, known in STANDARD_HEADERS.items():
        found = [index for index, title in enumerate(header) if _normal(title) in known]
        if len(found) > 1:
            return None
        if found:
            mapping[name] = found[0]
    if any(name not in mapping for name in REQUIRED_FIELDS):
        return None
    return mapping


def column_label(header: list[str], index: int) -> str:
    letter = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letter = chr(65 + rest) + letter
    return f"{letter} »{header[index]}«" if header[index] else letter


# Validation ----------------------------------------------------------------------------------------------------


def _parse_value(text: str, unit: str) -> Decimal | None:
    text = text.replace("\u00a0", "").replace(" ", "")
    if unit == Unit.COUNT:
        # A count is a whole number; German thousands separators (1.234) are allowed.
        if re.fullmatch(r"-?\d+", text) or re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
            return Decimal(text.replace(".", ""))
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def validate(*, table: Table, mapping: dict, indicator: Indicator, scope: Municipality | None) -> Validation:
    """Every problem of the table under the mapping, with row and column; the records when there is none.
    `scope`: the one municipality this person may import for (None: all)."""
    result = Validation()
    header = table.header
    municipalities = {ags: (pk, name) for ags, pk, name in Municipality.objects.values_list("ags", "pk", "name")}
    last_year = timezone.localdate().year
    seen: dict[tuple, int] = {}
    records = []
    labels = {name: column_label(header, mapping[name]) for name in FIELDS if mapping.get(name) is not None}
    for offset, row in enumerate(table.rows):
        number = offset + 2
        ags = row[mapping["municipality"]].replace(" ", "")
        year_text = row[mapping["year"]]
        category = row[mapping["category"]] if mapping.get("category") is not None else ""
        value_text = row[mapping["value"]]
        ok = True
        if not ags:
            result.add(number, labels["municipality"], _("Der Gemeindeschlüssel fehlt."))
            ok = False
        elif not re.fullmatch(r"\d{8}", ags):
            result.add(
                number,
                labels["municipality"],
                _("»%(value)s« ist kein Gemeindeschlüssel (8 Ziffern, z. B. 14628270).") % {"value": ags},
            )
            ok = False
        elif ags not in municipalities:
            result.add(
                number,
                labels["municipality"],
                _("Den Gemeindeschlüssel %(value)s gibt es in Sachsen nicht.") % {"value": ags},
            )
            ok = False
        elif scope is not None and ags != scope.ags:
            result.add(
                number,
                labels["municipality"],
                _("Sie können nur Werte Ihrer eigenen Gemeinde (%(own)s, %(ags)s) einlesen.")
                % {"own": scope.display_name, "ags": scope.ags},
            )
            ok = False
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
        if year is None:
            result.add(number, labels["year"], _("»%(value)s« ist keine Jahreszahl.") % {"value": year_text[:20]})
            ok = False
        elif not FIRST_YEAR <= year <= last_year:
            result.add(
                number,
                labels["year"],
                _("Das Jahr %(year)d liegt nicht zwischen %(first)d und %(last)d.")
                % {"year": year, "first": FIRST_YEAR, "last": last_year},
            )
            ok = False
        if len(category) > MAX_CATEGORY:
            result.add(
                number,
                labels["category"],
                _("Die Kategorie ist länger als %(chars)d Zeichen.") % {"chars": MAX_CATEGORY},
            )
            ok = False
        value = _parse_value(value_text, indicator.unit) if value_text else None
        if not value_text:
            result.add(number, labels["value"], _("Der Wert fehlt."))
            ok = False
        elif value is None:
            message = (
                _("»%(value)s« ist keine ganze Zahl.")
                if indicator.unit == Unit.COUNT
                else _("»%(value)s« ist keine Zahl.")
            )
            result.add(number, labels["value"], message % {"value": value_text[:20]})
            ok = False
        elif indicator.unit == Unit.COUNT and value < 0:
            result.add(number, labels["value"], _("Eine Fallzahl kann nicht negativ sein."))
            ok = False
        elif abs(value) >= MAX_VALUE:
            result.add(number, labels["value"], _("Der Wert ist unplausibel groß."))
            ok = False
        elif value != value.quantize(Decimal("0.01")):
            result.add(number, labels["value"], _("Bitte höchstens zwei Nachkommastellen angeben."))
            ok = False
        if not ok:
            continue
        key = (ags, year, category)
        if key in seen:
            result.add(
                number,
                labels["municipality"],
                _("Doppelte Zeile: Gemeinde, Jahr und Kategorie wie in Zeile %(row)d.") % {"row": seen[key]},
            )
            continue
        seen[key] = number
        records.append(Record(municipalities[ags][0], year, category, value))
    if result.clean:
        result.records = records
    return result


def check_mapping(*, header: list[str], data: dict) -> dict:
    """A mapping from the form's choices (column numbers as text); ImportRefused for a column chosen twice."""
    mapping = {name: (int(data[name]) if data.get(name) not in (None, "") else None) for name in FIELDS}
    chosen = [index for index in mapping.values() if index is not None]
    if len(chosen) != len(set(chosen)):
        raise ImportRefused(_("Jede Spalte kann nur für ein Feld gewählt werden."))
    if any(mapping[name] is None for name in REQUIRED_FIELDS) or any(not 0 <= index < len(header) for index in chosen):
        raise ImportRefused(_("Bitte wählen Sie die Spalten für Gemeindeschlüssel, Jahr und Wert."))
    return mapping


def _existing(indicator: Indicator, records: list[Record]) -> dict[tuple, int]:
    """The stored values the records would replace: key -> pk."""
    keys = {(record.municipality_id, record.year, record.category) for record in records}
    found = {}
    municipality_ids = sorted({key[0] for key in keys})
    for start in range(0, len(municipality_ids), CHUNK):
        rows = IndicatorValue.objects.filter(
            indicator=indicator, municipality_id__in=municipality_ids[start : start + CHUNK]
        ).values_list("pk", "municipality_id", "year", "category")
        for pk, municipality_id, year, category in rows:
            if (municipality_id, year, category) in keys:
                found[(municipality_id, year, category)] = pk
    return found


def preview(*, indicator: Indicator, records: list[Record]) -> Preview:
    return Preview(
        rows=len(records),
        municipalities=len({record.municipality_id for record in records}),
        years=sorted({record.year for record in records}),
        categories=sorted({record.category for record in records}),
        replaced=len(_existing(indicator, records)),
    )


# Pending uploads -----------------------------------------------------------------------------------------------


def hold_upload(*, indicator: Indicator, by, file_name: str, table: Table) -> PendingImport:
    """Keep a readable table (its cells, not the file) for the mapping and confirmation steps."""
    return PendingImport.objects.create(
        indicator=indicator,
        by=by,
        file_name=re.sub(r"[\x00-\x1f\x7f]", "", file_name)[:255],
        header=table.header,
        rows=table.rows,
        mapping=standard_mapping(table.header),
    )


def set_mapping(*, pending: PendingImport, mapping: dict) -> PendingImport:
    pending.mapping = mapping
    pending.save(update_fields=["mapping"])
    return pending


def discard(*, pending: PendingImport) -> None:
    pending.delete()


def confirm_import(*, pending_id: int, by, scope: Municipality | None) -> ImportBatch:
    """Validate again (nothing may have changed the rules since the preview) and store the values: existing ones of
    the same municipality, year and category are replaced. The waiting upload is removed in the same transaction,
    so a second confirm finds nothing to import."""
    with transaction.atomic():
        pending = PendingImport.objects.select_for_update().filter(pk=pending_id, by=by).first()
        if pending is None or pending.mapping is None:
            raise ImportRefused(_("Dieser Import ist bereits abgeschlossen oder verworfen."))
        indicator = Indicator.objects.select_for_update().get(pk=pending.indicator_id)
        table = Table(header=pending.header, rows=pending.rows)
        result = validate(table=table, mapping=pending.mapping, indicator=indicator, scope=scope)
        if not result.clean:
            raise ImportRefused(_("Die Datei ist nicht fehlerfrei; es wurde nichts eingelesen."))
        existing = list(_existing(indicator, result.records).values())
        for start in range(0, len(existing), CHUNK):
            IndicatorValue.objects.filter(pk__in=existing[start : start + CHUNK]).delete()
        batch = ImportBatch.objects.create(
            indicator=indicator,
            by=by,
            file_name=pending.file_name,
            row_count=len(result.records),
            replaced_count=len(existing),
        )
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    indicator=indicator,
                    municipality_id=record.municipality_id,
                    year=record.year,
                    category=record.category,
                    value=record.value,
                    batch=batch,
                )
                for record in result.records
            ],
            batch_size=CHUNK,
        )
        pending.delete()
        audit.log(
            "indicators.imported",
            actor=by,
            obj=indicator,
            data={"batch": batch.pk, "file": batch.file_name, "rows": batch.row_count, "replaced": len(existing)},
        )
    return batch


def purge_pending() -> dict[str, int]:
    """Housekeeping: uploads neither confirmed nor discarded within `PENDING_HOURS` are removed."""
    cutoff = timezone.now() - timedelta(hours=PENDING_HOURS)
    count, _detail = PendingImport.objects.filter(created_at__lt=cutoff).delete()
    return {"indicator_uploads": count}
