"""Fieldwork of a safety analysis: the population-register extract, the stratified sample with one access code per
person, the letters and reminders, the deletion of the register and the field monitoring (decision 0032).

- `check_register` reads a CSV (UTF-8 with or without BOM, or Windows-1252; »;« or »,«) or XLSX file and reports
  every problem with its row and column; `import_register` stores nothing unless the file is clean. Names, address
  and register id are encrypted (`RegisterPerson.personal`); only the strata variables are in clear.
- `draw_sample` is reproducible: persons in the order of their register id, strata in the alphabetical order of
  their label, and one `random.Random(seed)` whose `sample(range(N_h), n_h)` picks each stratum's persons (as
  indexes into the stratum's persons in register-id order).
  The same extract, seed and sizes give the same persons. Each drawn person gets an invitation through
  `services.create_invitations`; the plain code is kept encrypted on the person row for the reminder letter until
  the register is deleted. `StratumCount` keeps N_h and n_h for the statistics.
- `delete_registers` (housekeeping) deletes the person rows, and with them the stored codes and addresses, of every
  analysis whose field period has ended or which is done or cancelled; `delete_register` does it on request.
"""

import csv
import io
import platform
import random
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sikom.accounts.models import User
from sikom.core import audit, jobs
from sikom.core.models import Job
from sikom.surveys import letters, services
from sikom.surveys.models import (
    AGE_GROUPS,
    AnalysisState,
    Invitation,
    InvitationKind,
    InvitationStatus,
    LetterSettings,
    RegisterExtract,
    RegisterPerson,
    SafetyAnalysis,
    Sex,
    StrataVariable,
    StratumCount,
)
from sikom.surveys.services import Refused
from sikom.surveys.workflow import INVITATIONS_OPEN

# The register extract ----------------------------------------------------------------------------------------------

# The columns of an extract: (key, German header, required). Birth year or age group: one of them is needed.
COLUMNS = [
    ("register_id", gettext_lazy("Registernummer"), True),
    ("name", gettext_lazy("Name"), True),
    ("address1", gettext_lazy("Adresszeile 1"), True),
    ("address2", gettext_lazy("Adresszeile 2"), False),
    ("postcode", gettext_lazy("PLZ"), True),
    ("place", gettext_lazy("Ort"), True),
    ("birth_year", gettext_lazy("Geburtsjahr"), False),
    ("age_group", gettext_lazy("Altersgruppe"), False),
    ("sex", gettext_lazy("Geschlecht"), True),
    ("part_of_town", gettext_lazy("Ortsteil"), False),
]
COLUMN_KEYS = [key for key, _label, _required in COLUMNS]
# Other spellings found in extracts (compared without case, spaces, dashes and underscores).
ALIASES = {
    "register_id": {"registernummer", "registerid", "ordnungsmerkmal", "id", "nr", "lfdnr", "personennummer"},
    "name": {"name", "vollername", "vornamename"},
    "address1": {"adresszeile1", "adresse", "strasse", "straße", "strasseundhausnummer", "anschrift"},
    "address2": {"adresszeile2", "adresszusatz", "zusatz"},
    "postcode": {"plz", "postleitzahl"},
    "place": {"ort", "wohnort", "gemeinde"},
    "birth_year": {"geburtsjahr", "jahrgang"},
    "age_group": {"altersgruppe", "alter"},
    "sex": {"geschlecht", "sex"},
    "part_of_town": {"ortsteil", "stadtteil", "gemeindeteil"},
}
SEX_VALUES = {
    "w": Sex.FEMALE,
    "weiblich": Sex.FEMALE,
    "f": Sex.FEMALE,
    "m": Sex.MALE,
    "männlich": Sex.MALE,
    "maennlich": Sex.MALE,
    "d": Sex.DIVERSE,
    "divers": Sex.DIVERSE,
    "x": Sex.UNSTATED,
    "o": Sex.UNSTATED,
    "ohne angabe": Sex.UNSTATED,
    "keine angabe": Sex.UNSTATED,
}
MAX_PROBLEMS = 200
MIN_AGE = 16
TEXT_MAX = 200
PART_MAX = 60
_POSTCODE = re.compile(r"^\d{5}$")


@dataclass
class Problem:
    row: int | None  # the row in the file (1: the header), None for the whole file
    column: str  # the column's header in the file ("" for the whole file or row)
    message: str


@dataclass
class RegisterCheck:
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # column key → header in the file
    persons: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def clean(self) -> bool:
        return self.problem_count == 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))


def _squash(header: str) -> str:
    return re.sub(r"[\s\-_.]", "", header.strip().lower())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(raw: bytes, check: RegisterCheck) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        check.add(None, "", _("Die Datei ist keine Textdatei in UTF-8 oder Windows-1252 (z. B. UTF-16)."))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        check.add(None, "", _("Die Zeichenkodierung der Datei ist weder UTF-8 noch Windows-1252."))
        return None


def _csv_rows(raw: bytes, check: RegisterCheck) -> Iterator[list[str]] | None:
    text = _decode(raw, check)
    if text is None:
        return None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return ([cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(raw: bytes, check: RegisterCheck) -> Iterator[list[str]] | None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:
        check.add(None, "", _("Die Excel-Datei lässt sich nicht lesen."))
        return None
    return ([_cell(value) for value in row] for row in sheet.iter_rows(values_only=True))


def read_upload(upload) -> bytes | None:
    """The upload's bytes, or None when it is larger than allowed (read no further than the limit)."""
    limit = settings.SURVEY_REGISTER_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        return None
    upload.seek(0)
    raw = upload.read(limit + 1)
    return None if len(raw) > limit else raw


def auto_mapping(headers: list[str]) -> dict[str, str]:
    squashed = {_squash(header): header for header in headers if header}
    mapping = {}
    for key in COLUMN_KEYS:
        for alias in ALIASES[key]:
            if alias in squashed:
                mapping[key] = squashed[alias]
                break
    return mapping


def check_register(raw: bytes | None, *, file_name: str, year: int, mapping: dict[str, str] | None = None):
    """Read and check an extract; `mapping` (column key → header) overrides the headers found by name."""
    check = RegisterCheck()
    if raw is None:
        limit = settings.SURVEY_REGISTER_MAX_BYTES // (1024 * 1024)
        check.add(None, "", _("Die Datei ist größer als %(mb)s MB.") % {"mb": limit})
        return check
    if not raw.strip():
        check.add(None, "", _("Die Datei ist leer."))
        return check
    is_xlsx = raw.startswith(b"PK\x03\x04")
    if not is_xlsx and not file_name.lower().endswith((".csv", ".txt")):
        check.add(None, "", _("Bitte laden Sie eine CSV- oder Excel-Datei (XLSX) hoch."))
        return check
    rows = _xlsx_rows(raw, check) if is_xlsx else _csv_rows(raw, check)
    if rows is None:
        return check
    try:
        _check_rows(rows, check, year=year, mapping=mapping or {})
    except csv.Error as error:
        check.add(None, "", _("Die CSV-Datei ist fehlerhaft: %(error)s") % {"error": str(error)[:200]})
    if check.problem_count:
        check.persons = []
    return check


def _check_rows(rows: Iterator[list[str]], check: RegisterCheck, *, year: int, mapping: dict[str, str]) -> None:
    headers = next(rows, None)
    if not headers or not any(headers):
        check.add(1, "", _("Die erste Zeile muss die Spaltenüberschriften enthalten."))
        return
    check.headers = headers = [header.strip() for header in headers]
    chosen = auto_mapping(headers)
    for key, header in mapping.items():
        if not header:
            continue
        if header not in headers:
            check.add(1, header, _("Die Spalte »%(header)s« gibt es in der Datei nicht.") % {"header": header})
        else:
            chosen[key] = header
    check.mapping = chosen
    for key, label, required in COLUMNS:
        if required and key not in chosen:
            check.add(1, str(label), _("Die Spalte »%(label)s« fehlt.") % {"label": label})
    if "birth_year" not in chosen and "age_group" not in chosen:
        check.add(1, str(_("Geburtsjahr")), _("Es fehlt eine Spalte »Geburtsjahr« oder »Altersgruppe«."))
    duplicates = [header for header, count in Counter(h for h in headers if h).items() if count > 1]
    for header in duplicates:
        check.add(1, header, _("Die Spaltenüberschrift »%(header)s« kommt mehrmals vor.") % {"header": header})
    if check.problem_count:
        return
    index = {key: headers.index(header) for key, header in chosen.items()}
    seen: dict[str, int] = {}
    limit = settings.SURVEY_REGISTER_MAX_ROWS
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue  # an empty line (often the last)
        if len(check.persons) >= limit:
            check.add(number, "", _("Die Datei hat mehr als %(limit)s Zeilen.") % {"limit": limit})
            return
        person = _check_row(row, number, index, chosen, check, year=year)
        register_id = person["register_id"]
        if register_id:
            if register_id in seen:
                check.add(
                    number,
                    chosen["register_id"],
                    _("Die Registernummer »%(id)s« steht schon in Zeile %(row)s.")
                    % {"id": register_id[:40], "row": seen[register_id]},
                )
            else:
                seen[register_id] = number
        if not check.problem_count:
            check.persons.append(person)
    if not check.persons and not check.problem_count:
        check.add(None, "", _("Die Datei enthält keine Personen."))


def _check_row(row, number, index, chosen, check: RegisterCheck, *, year: int) -> dict:
    def value(key: str) -> str:
        position = index.get(key)
        return row[position].strip() if position is not None and position < len(row) else ""

    person = {key: value(key) for key in index}
    for key, _label, required in COLUMNS:
        text = person.get(key, "")
        if required and not text:
            check.add(number, chosen[key], _("Das Feld ist leer."))
        elif len(text) > TEXT_MAX:
            check.add(number, chosen[key], _("Der Eintrag ist länger als %(n)s Zeichen.") % {"n": TEXT_MAX})
    postcode = person.get("postcode", "")
    if postcode and not _POSTCODE.match(postcode):
        check.add(number, chosen["postcode"], _("Die Postleitzahl muss aus fünf Ziffern bestehen."))
    sex = person.get("sex", "")
    if sex:
        if sex.lower() in SEX_VALUES:
            person["sex"] = str(SEX_VALUES[sex.lower()].value)
        else:
            check.add(
                number,
                chosen["sex"],
                _("Unbekannter Wert »%(value)s«: erlaubt sind w, m, d und x (ohne Angabe).") % {"value": sex[:20]},
            )
    birth_year = person.get("birth_year", "")
    person["birth_year"] = None
    if birth_year:
        if not birth_year.isdigit() or not 1900 <= int(birth_year) <= year - MIN_AGE:
            check.add(
                number,
                chosen["birth_year"],
                _("Das Geburtsjahr muss eine Jahreszahl zwischen 1900 und %(last)s sein.") % {"last": year - MIN_AGE},
            )
        else:
            person["birth_year"] = int(birth_year)
            person["age_group"] = age_group_of(year - int(birth_year))
    elif person.get("age_group", "") not in AGE_GROUPS:
        column = chosen.get("age_group") or chosen.get("birth_year", "")
        check.add(
            number,
            column,
            _("Geburtsjahr oder Altersgruppe fehlt oder ist unbekannt (erlaubt: %(groups)s).")
            % {"groups": ", ".join(AGE_GROUPS)},
        )
    part = person.get("part_of_town", "")
    if len(part) > PART_MAX:
        check.add(number, chosen["part_of_town"], _("Der Ortsteil ist länger als %(n)s Zeichen.") % {"n": PART_MAX})
    return person


def age_group_of(age: int) -> str:
    for group in reversed(AGE_GROUPS):
        if age >= int(group.split("-")[0].rstrip("+")):
            return group
    return AGE_GROUPS[0]


def _register_order(register_id: str) -> tuple:
    """Numeric register ids in numeric order, others after them in text order."""
    return (0, int(register_id), "") if register_id.isdigit() else (1, 0, register_id)


class RegisterRejected(Refused):
    def __init__(self, check: RegisterCheck):
        super().__init__(_("Die Datei enthält Fehler; es wurde nichts übernommen."), "file")
        self.check = check


def _fieldwork_open(analysis: SafetyAnalysis) -> None:
    if analysis.status not in INVITATIONS_OPEN:
        raise Refused(_("Für eine abgeschlossene oder abgebrochene Analyse ist das nicht mehr möglich."))
    if analysis.field_end and analysis.field_end < timezone.localdate():
        raise Refused(_("Die Feldphase ist vorbei; das Melderegister wird gelöscht."))


def import_register(
    *, analysis: SafetyAnalysis, raw: bytes | None, file_name: str, mapping: dict[str, str], by: User | None
) -> RegisterExtract:
    """Check and store an extract (replacing one without a sample); RegisterRejected with the report otherwise."""
    check = check_register(raw, file_name=file_name, year=analysis.year, mapping=mapping)
    if not check.clean:
        raise RegisterRejected(check)
    persons = sorted(check.persons, key=lambda person: _register_order(person["register_id"]))
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        _fieldwork_open(current)
        existing = RegisterExtract.objects.filter(analysis=current).first()
        if existing is not None and existing.drawn_at is not None:
            raise Refused(_("Die Stichprobe ist schon gezogen; ein neuer Registerauszug ist nicht möglich."), "file")
        if existing is not None:
            existing.delete()
        variables = [StrataVariable.AGE_GROUP.value, StrataVariable.SEX.value]
        if "part_of_town" in check.mapping and all(person.get("part_of_town") for person in persons):
            variables.insert(0, StrataVariable.PART_OF_TOWN.value)
        extract = RegisterExtract.objects.create(
            analysis=current,
            file_name=file_name[:200],
            row_count=len(persons),
            imported_by=by,
            variables=variables,
            is_demo=current.is_demo,
        )
        RegisterPerson.objects.bulk_create(
            (
                RegisterPerson(
                    extract=extract,
                    position=position,
                    personal={
                        "register_id": person["register_id"],
                        "name": person["name"],
                        "lines": [line for line in (person["address1"], person.get("address2", "")) if line],
                        "postcode": person["postcode"],
                        "place": person["place"],
                    },
                    birth_year=person["birth_year"],
                    age_group=person["age_group"],
                    sex=person["sex"],
                    part_of_town=person.get("part_of_town", ""),
                )
                for position, person in enumerate(persons, start=1)
            ),
            batch_size=1000,
        )
        audit.log(
            "surveys.register_imported",
            actor=by,
            obj=current,
            data={"file": file_name[:200], "rows": len(persons), "variables": variables},
        )
    return extract


# Strata and sample -------------------------------------------------------------------------------------------------

SEPARATOR = " / "
ALL = "alle"  # the one stratum when the sample is not stratified (a stored label, so not translated)


def _check_strata_by(extract: RegisterExtract, strata_by: list[str]) -> list[str]:
    ordered = [variable for variable in StrataVariable.values if variable in strata_by]
    unknown = set(strata_by) - set(extract.variables)
    if unknown:
        raise Refused(_("Diese Schichtungsmerkmale enthält der Registerauszug nicht."), "strata_by")
    return ordered


def populations(extract: RegisterExtract, strata_by: list[str]) -> dict[str, int]:
    """N_h of each stratum, by label in alphabetical order."""
    strata_by = _check_strata_by(extract, strata_by)
    counts: Counter = Counter()
    if strata_by:
        for values in extract.persons.values_list(*strata_by).annotate(n=Count("pk")).order_by():
            *keys, n = values
            counts[SEPARATOR.join(keys)] += n
    else:
        counts[ALL] = extract.persons.count()
    return dict(sorted(counts.items()))


def proportional(populations: dict[str, int], total: int) -> dict[str, int]:
    """Proportional allocation by largest remainders (Hamilton): each stratum gets ⌊total·N_h/N⌋, the units left go
    to the largest remainders (ties: the stratum first in alphabetical order). Sums to `total` exactly."""
    population = sum(populations.values())
    if total < 1 or population < 1:
        raise Refused(_("Bitte geben Sie einen Stichprobenumfang von mindestens 1 an."), "total")
    if total > population:
        raise Refused(
            _("Der Stichprobenumfang ist größer als die Zahl der Personen im Register (%(n)s).") % {"n": population},
            "total",
        )
    exact = {label: total * n / population for label, n in populations.items()}
    sizes = {label: int(value) for label, value in exact.items()}
    left = total - sum(sizes.values())
    for label in sorted(exact, key=lambda label: (-(exact[label] - sizes[label]), label))[:left]:
        sizes[label] += 1
    return sizes


def draw_sample(
    *,
    analysis: SafetyAnalysis,
    strata_by: list[str],
    sizes: dict[str, int],
    seed: int | None,
    by: User | None,
) -> RegisterExtract:
    """Draw the sample and make one access code per drawn person (see the module's description)."""
    if seed is None:
        seed = secrets.randbelow(10**9)
    if not 0 <= seed < 2**62:
        raise Refused(_("Der Startwert muss eine ganze Zahl zwischen 0 und 2^62 sein."), "seed")
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        _fieldwork_open(current)
        extract = RegisterExtract.objects.select_for_update().filter(analysis=current).first()
        if extract is None or extract.deleted_at is not None:
            raise Refused(_("Bitte laden Sie zuerst einen Registerauszug hoch."))
        if extract.drawn_at is not None:
            raise Refused(_("Die Stichprobe ist schon gezogen."))
        strata_by = _check_strata_by(extract, strata_by)
        counts = populations(extract, strata_by)
        if set(sizes) != set(counts):
            raise Refused(_("Bitte geben Sie für jede Schicht einen Umfang an."), "sizes")
        for label, n in sizes.items():
            if not 0 <= n <= counts[label]:
                raise Refused(
                    _("Schicht »%(label)s«: der Umfang muss zwischen 0 und %(n)s liegen.")
                    % {"label": label, "n": counts[label]},
                    "sizes",
                )
        if sum(sizes.values()) < 1:
            raise Refused(_("Bitte geben Sie einen Stichprobenumfang von mindestens 1 an."), "sizes")
        members: dict[str, list[int]] = defaultdict(list)
        fields = ["pk", *strata_by]
        for row in extract.persons.order_by("position").values_list(*fields):
            members[SEPARATOR.join(row[1:]) if strata_by else ALL].append(row[0])
        rng = random.Random(seed)  # noqa: S311 -- reproducible by design; the codes come from `secrets`
        chosen: dict[str, list[int]] = {}
        for label in sorted(counts):
            picked = sorted(rng.sample(range(len(members[label])), sizes[label])) if sizes[label] else []
            chosen[label] = [members[label][index] for index in picked]
        issued = services.create_invitations(
            analysis=current, strata={label: n for label, n in sizes.items() if n}, by=by, demo=current.is_demo
        )
        by_stratum: dict[str, list] = defaultdict(list)
        for code in issued:
            by_stratum[code.stratum].append(code)
        persons = []
        for label, person_ids in chosen.items():
            for person_id, code in zip(person_ids, by_stratum[label], strict=True):
                persons.append(RegisterPerson(pk=person_id, invitation_id=code.invitation_id, code=code.code))
        RegisterPerson.objects.bulk_update(persons, ["invitation", "code"], batch_size=1000)
        StratumCount.objects.filter(analysis=current).delete()
        sample_persons = {person_id: label for label, ids in chosen.items() for person_id in ids}
        first_of = {}
        for row in extract.persons.order_by("position").values("pk", "part_of_town", "age_group", "sex"):
            label = SEPARATOR.join(row[variable] for variable in strata_by) if strata_by else ALL
            first_of.setdefault(label, row)
        StratumCount.objects.bulk_create(
            StratumCount(
                analysis=current,
                stratum=label,
                part_of_town=first_of[label]["part_of_town"] if "part_of_town" in strata_by else "",
                age_group=first_of[label]["age_group"] if "age_group" in strata_by else "",
                sex=first_of[label]["sex"] if "sex" in strata_by else "",
                population=counts[label],
                sample=sizes[label],
            )
            for label in counts
        )
        extract.strata_by = strata_by
        extract.seed = seed
        extract.drawn_at = timezone.now()
        extract.save(update_fields=["strata_by", "seed", "drawn_at"])
        audit.log(
            "surveys.sample_drawn",
            actor=by,
            obj=current,
            data={
                "strata_by": strata_by,
                "seed": seed,
                "sample": len(sample_persons),
                "strata": len(counts),
                # random.Random promises the same sequence for a seed across versions only for random() (0032).
                "python": platform.python_version(),
            },
        )
    return extract


# Letters -----------------------------------------------------------------------------------------------------------

LETTER_KIND = "surveys.letters"
DEFAULT_TEXT = gettext_lazy(
    "Guten Tag,\n\nwie sicher fühlen Sie sich in Ihrer Gemeinde? Wo fühlen Sie sich wohl, wo nicht? Mit einer "
    "Bürgerbefragung möchten wir das erfahren, um gemeinsam mit Polizei und Partnern gezielt etwas für die Sicherheit "
    "zu tun. Sie gehören zu den Personen, die dafür zufällig aus dem Melderegister ausgewählt wurden.\n\n"
    "Die Teilnahme ist freiwillig und dauert etwa 15 Minuten. Ihre Antworten werden anonym ausgewertet: Sie werden "
    "nicht mit Ihrem Namen oder Ihrer Anschrift verknüpft. Ihre Anschrift wird nach dem Ende der Befragung gelöscht."
    "\n\nVielen Dank für Ihre Unterstützung!"
)
DEFAULT_REMINDER = gettext_lazy(
    "Guten Tag,\n\nvor einigen Wochen haben wir Sie gebeten, an unserer Bürgerbefragung zur Sicherheit in Ihrer "
    "Gemeinde teilzunehmen. Falls Sie schon geantwortet haben: herzlichen Dank! Falls nicht, bitten wir Sie, sich "
    "noch ein paar Minuten Zeit zu nehmen. Jede Antwort zählt.\n\nIhre Antworten bleiben anonym."
)
TEXT_MAX_CHARS = 1500
CREST_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}


def letter_settings_for(analysis: SafetyAnalysis) -> LetterSettings:
    """The saved settings or, unsaved, the defaults."""
    existing = LetterSettings.objects.filter(analysis=analysis).first()
    if existing is not None:
        return existing
    return LetterSettings(
        analysis=analysis,
        sender=_("Gemeindeverwaltung %(name)s") % {"name": analysis.municipality.name},
        text=str(DEFAULT_TEXT),
        reminder_text=str(DEFAULT_REMINDER),
    )


class CrestRejected(Refused):
    pass


_SVG_FORBIDDEN = re.compile(rb"<!DOCTYPE|<!ENTITY|<script|<foreignObject|\bon[a-z]+\s*=", re.IGNORECASE)
_SVG_HREF = re.compile(rb"""(?:xlink:)?href\s*=\s*["']\s*([^"'\s])""", re.IGNORECASE)
_SVG_URL = re.compile(rb"url\(\s*['\"]?\s*([^#'\"\s])", re.IGNORECASE)


def check_crest(upload) -> tuple[bytes, str]:
    """The crest's bytes and content type, judged by the bytes: PNG, JPEG or an SVG that refers to nothing outside
    itself (no scripts, entities, external links or images)."""
    limit = settings.SURVEY_CREST_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise CrestRejected(_("Das Wappen ist größer als %(kb)s kB.") % {"kb": limit // 1024}, "crest")
    upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        raise CrestRejected(_("Die Datei ist leer."), "crest")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data, "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return data, "image/jpeg"
    head = data.lstrip()[:1024].lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        if _SVG_FORBIDDEN.search(data) or any(ref != b"#" for ref in _SVG_HREF.findall(data)):
            raise CrestRejected(_("Das SVG enthält Skripte oder Verweise auf andere Dateien."), "crest")
        if _SVG_URL.search(data):
            raise CrestRejected(_("Das SVG enthält Skripte oder Verweise auf andere Dateien."), "crest")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise CrestRejected(_("Das SVG ist nicht in UTF-8 gespeichert."), "crest") from None
        return data, "image/svg+xml"
    raise CrestRejected(_("Das Wappen muss eine PNG-, JPEG- oder SVG-Datei sein."), "crest")


def save_letter_settings(
    *, analysis: SafetyAnalysis, data: dict, crest: tuple[bytes, str] | None, remove_crest: bool, by: User
) -> LetterSettings:
    for name in ("text", "reminder_text", "text_en"):
        if len(data.get(name, "")) > TEXT_MAX_CHARS:
            raise Refused(
                _("Höchstens %(n)s Zeichen, damit der Text auf eine Seite passt.") % {"n": TEXT_MAX_CHARS}, name
            )
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        row = letter_settings_for(current)
        for name in ("sender", "signature", "text", "reminder_text", "text_en"):
            setattr(row, name, data.get(name, ""))
        if crest is not None:
            row.crest, row.crest_type = crest
        elif remove_crest:
            row.crest, row.crest_type = None, ""
        row.save()
        audit.log("surveys.letter_settings_saved", actor=by, obj=current, data={"crest": row.crest_type or "none"})
    return row


def letter_people(extract: RegisterExtract, *, reminder: bool):
    persons = extract.persons.filter(invitation__isnull=False)
    if reminder:
        persons = persons.exclude(invitation__status=InvitationStatus.SUBMITTED)
    return persons.order_by("position")


def start_letters(*, analysis: SafetyAnalysis, reminder: bool, by: User) -> Job:
    extract = RegisterExtract.objects.filter(analysis=analysis).first()
    if extract is None or extract.drawn_at is None:
        raise Refused(_("Bitte ziehen Sie zuerst die Stichprobe."))
    if extract.deleted_at is not None:
        raise Refused(_("Das Melderegister ist gelöscht; Briefe lassen sich nicht mehr erstellen."))
    total = letter_people(extract, reminder=reminder).count()
    if total == 0:
        raise Refused(_("Alle Personen der Stichprobe haben schon geantwortet: es gibt niemanden zu erinnern."))
    label = _("Erinnerungsschreiben") if reminder else _("Anschreiben")
    job = jobs.start(
        kind=LETTER_KIND,
        owner=by,
        label=f"{label}: {analysis.title}",
        params={"analysis": analysis.pk, "reminder": reminder},
        total=total,
    )
    audit.log("surveys.letters_started", actor=by, obj=analysis, data={"job": job.pk, "reminder": reminder})
    return job


def make_letters(job: Job, out: BinaryIO, progress) -> tuple[str, str]:
    """The job handler (`core.jobs`): all letters of the sample (or the reminders) as one PDF."""
    analysis = SafetyAnalysis.objects.filter(pk=job.params.get("analysis")).first()
    extract = RegisterExtract.objects.filter(analysis=analysis).first() if analysis else None
    if extract is None or extract.deleted_at is not None:
        raise jobs.JobRefused(_("Das Melderegister ist gelöscht; Briefe lassen sich nicht mehr erstellen."))
    reminder = bool(job.params.get("reminder"))
    people = letter_people(extract, reminder=reminder)
    invitation_ids: list[int] = []

    def rows():
        for person in people.only("personal", "code", "invitation_id").iterator(chunk_size=500):
            invitation_ids.append(person.invitation_id)
            yield person.personal, person.code

    letters.write_letters(
        letter_settings=letter_settings_for(analysis), people=rows(), reminder=reminder, out=out, progress=progress
    )
    today = timezone.localdate()
    stamp = "reminder_sent_on" if reminder else "letter_sent_on"
    for start in range(0, len(invitation_ids), 1000):
        Invitation.objects.filter(pk__in=invitation_ids[start : start + 1000]).update(**{stamp: today})
    name = "Erinnerungen" if reminder else "Anschreiben"
    return f"{name}-{analysis.municipality.ags}-{analysis.year}.pdf", "application/pdf"


def letter_jobs(analysis: SafetyAnalysis, user) -> list[Job]:
    return list(
        jobs.jobs_visible_to(user).filter(kind=LETTER_KIND, params__analysis=analysis.pk).order_by("-created_at")[:5]
    )


# Deleting the register ---------------------------------------------------------------------------------------------


def delete_register(*, analysis: SafetyAnalysis, by: User | None, reason: str = "field_ended") -> int:
    """Delete the extract's person rows (names, addresses, stored codes); the extract row and the stratum counts
    stay. Returns how many persons were deleted."""
    with transaction.atomic():
        extract = RegisterExtract.objects.select_for_update().filter(analysis=analysis).first()
        if extract is None or extract.deleted_at is not None:
            return 0
        if extract.drawn_at is None and not StratumCount.objects.filter(analysis=analysis).exists():
            # No sample yet: keep the population counts by every variable, so N_h is known.
            counts = populations(extract, extract.variables)
            StratumCount.objects.bulk_create(
                StratumCount(analysis=analysis, stratum=label, population=n) for label, n in counts.items()
            )
        deleted, _by_model = extract.persons.all().delete()
        extract.deleted_at = timezone.now()
        extract.save(update_fields=["deleted_at"])
        audit.log("surveys.register_deleted", actor=by, obj=analysis, data={"persons": deleted, "reason": reason})
    return deleted


def registers_due(today: date | None = None):
    today = today or timezone.localdate()
    return RegisterExtract.objects.filter(deleted_at__isnull=True).filter(
        Q(analysis__field_end__lt=today) | Q(analysis__status__in=[AnalysisState.DONE, AnalysisState.CANCELLED])
    )


def delete_registers() -> dict[str, int]:
    """Housekeeping: the register of every analysis whose field period has ended (or which is done or cancelled)."""
    deleted = 0
    for extract in registers_due().select_related("analysis"):
        deleted += delete_register(analysis=extract.analysis, by=None)
    return {"survey_register_persons": deleted}


# Field monitoring --------------------------------------------------------------------------------------------------


@dataclass
class Rate:
    label: str
    invited: int
    submitted: int

    @property
    def percent(self) -> float:
        return round(100 * self.submitted / self.invited, 1) if self.invited else 0.0


def monitoring(analysis: SafetyAnalysis) -> dict:
    """Response rates from the invitation side only (submitted / invited), overall, by stratum and — where the
    strata carry them — by age group and sex; submissions per day from `Invitation.used_on`."""
    codes = analysis.invitations.filter(kind=InvitationKind.CODE)
    invited = codes.count()
    submitted = codes.filter(status=InvitationStatus.SUBMITTED).count()
    by_stratum = [
        Rate(row["stratum"] or "–", row["total"], row["done"])
        for row in codes.values("stratum")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=InvitationStatus.SUBMITTED)))
        .order_by("stratum")
    ]
    extract = RegisterExtract.objects.filter(analysis=analysis).first()
    strata_by = extract.strata_by if extract else []
    by_variable: dict[str, list[Rate]] = {}
    for variable in (StrataVariable.AGE_GROUP, StrataVariable.SEX, StrataVariable.PART_OF_TOWN):
        if variable.value not in strata_by:
            continue
        position = strata_by.index(variable.value)
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for rate in by_stratum:
            parts = rate.label.split(SEPARATOR)
            key = parts[position] if position < len(parts) else "–"
            totals[key][0] += rate.invited
            totals[key][1] += rate.submitted
        labels = dict(Sex.choices) if variable == StrataVariable.SEX else {}
        by_variable[str(variable.label)] = [
            Rate(str(labels.get(key, key)), n, k) for key, (n, k) in sorted(totals.items())
        ]
    per_day = dict(
        analysis.invitations.filter(status=InvitationStatus.SUBMITTED)
        .values_list("used_on")
        .annotate(n=Count("pk"))
        .values_list("used_on", "n")
    )
    days = []
    if per_day:
        first = min(per_day)
        last = max(max(per_day), min(timezone.localdate(), analysis.field_end or timezone.localdate()))
        if analysis.field_start and analysis.field_start < first:
            first = analysis.field_start
        day, running = first, 0
        while day <= last and len(days) < 366:
            running += per_day.get(day, 0)
            days.append((day, per_day.get(day, 0), running))
            day += timedelta(days=1)
    return {
        "overall": Rate(_("alle"), invited, submitted),
        "by_stratum": by_stratum,
        "by_variable": by_variable,
        "days": days,
        "open_link": analysis.invitations.filter(kind=InvitationKind.OPEN, status=InvitationStatus.SUBMITTED).count(),
    }
