"""The questionnaire as respondents meet it: a read-only snapshot of the questions (`Spec`), the skip logic and the
checks of every answer. Used by the online questionnaire, the preview and the services that store answers (also for
paper entry and imports), so an answer is judged the same way whichever way it arrives.

Answers are a dict from question code to value: single choice and named place → option code, multiple choice →
list of option codes, matrix → {row code: option code}, number → int, place as a point → {"lat": …, "lon": …}.
Free texts are a separate dict (question code → text), because they are stored encrypted.
"""

import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sikom.surveys import geometry
from sikom.surveys.models import Questionnaire, QuestionType, text_in

# Numbers without bounds of their own stay within these (a »number« is a count or a year, not a phone number).
NUMBER_LIMIT = 1_000_000
TEXT_LIMIT = 2000
# Without a stored boundary, a point may lie this far (in degrees) outside the box around the municipality's centre.
# With one, the point must lie in the boundary polygon or near its edge (`geometry`, decision 0045).
POINT_MARGIN = 0.02


@dataclass(frozen=True)
class OptionSpec:
    code: str
    label: dict
    is_missing: bool = False
    exclusive: bool = False

    def text(self, language: str) -> str:
        return text_in(self.label, language)


@dataclass(frozen=True)
class RowSpec:
    code: str
    label: dict

    def text(self, language: str) -> str:
        return text_in(self.label, language)


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    code: str
    type: str
    text: dict
    help: dict
    required: bool
    section: int  # index of the page
    options: tuple[OptionSpec, ...] = ()
    rows: tuple[RowSpec, ...] = ()
    conditions: tuple[tuple[str, frozenset[str]], ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    allow_point: bool = True
    weighting_role: str = ""

    def label(self, language: str) -> str:
        return text_in(self.text, language)

    def hint(self, language: str) -> str:
        return text_in(self.help, language)

    @property
    def option_codes(self) -> list[str]:
        return [option.code for option in self.options]

    @property
    def row_codes(self) -> list[str]:
        return [row.code for row in self.rows]


@dataclass(frozen=True)
class SectionSpec:
    id: int
    title: dict
    questions: tuple[QuestionSpec, ...]

    def heading(self, language: str) -> str:
        return text_in(self.title, language)


@dataclass
class Spec:
    sections: list[SectionSpec]
    # (south, west, north, east) of the municipality, for points on the map.
    bounds: tuple[float, float, float, float] | None = None
    municipality_pk: int | None = None
    # The rings of the municipality's boundary polygon ((lon, lat) pairs); empty when geo has no boundary.
    outline: tuple[geometry.Ring, ...] = ()
    by_code: dict[str, QuestionSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {q.code: q for section in self.sections for q in section.questions}

    @property
    def questions(self) -> list[QuestionSpec]:
        return [q for section in self.sections for q in section.questions]


def boundary_of(municipality):
    """The municipality's boundary as geo stores it (GeoJSON, or None); the default manager leaves it out."""
    from sikom.geo.models import Municipality

    return Municipality.objects.filter(pk=municipality.pk).values_list("boundary", flat=True).first()


def municipality_bounds(municipality, boundary=None) -> tuple[float, float, float, float]:
    """The bounding box of the municipality's boundary (GeoJSON; read when not given), or a box around its
    centre."""
    if boundary is None:
        boundary = boundary_of(municipality)
    points: list[tuple[float, float]] = []

    def walk(node) -> None:
        if isinstance(node, list | tuple) and len(node) >= 2 and all(isinstance(v, int | float) for v in node[:2]):
            points.append((float(node[0]), float(node[1])))
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            walk(node.get("coordinates") or node.get("geometry") or node.get("features") or [])

    walk(boundary or [])
    if points:
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        return (min(lats), min(lons), max(lats), max(lons))
    return (
        municipality.latitude - 0.1,
        municipality.longitude - 0.15,
        municipality.latitude + 0.1,
        municipality.longitude + 0.15,
    )


def load_spec(questionnaire: Questionnaire) -> Spec:
    """One snapshot of the questionnaire in four queries."""
    sections = list(questionnaire.sections.order_by("position", "pk"))
    index = {section.pk: i for i, section in enumerate(sections)}
    questions = list(
        questionnaire.questions.prefetch_related("options", "rows", "conditions__source").order_by(
            "section__position", "section_id", "position", "pk"
        )
    )
    by_section: dict[int, list[QuestionSpec]] = {section.pk: [] for section in sections}
    for q in questions:
        by_section[q.section_id].append(
            QuestionSpec(
                id=q.pk,
                code=q.code,
                type=q.type,
                text=q.text or {},
                help=q.help or {},
                required=q.required,
                section=index[q.section_id],
                options=tuple(
                    OptionSpec(o.code, o.label or {}, o.is_missing, o.exclusive)
                    for o in sorted(q.options.all(), key=lambda o: (o.position, o.pk))
                ),
                rows=tuple(
                    RowSpec(r.code, r.label or {}) for r in sorted(q.rows.all(), key=lambda r: (r.position, r.pk))
                ),
                conditions=tuple((c.source.code, frozenset(c.option_codes or [])) for c in q.conditions.all()),
                min_value=q.min_value,
                max_value=q.max_value,
                max_length=q.max_length,
                allow_point=q.allow_point,
                weighting_role=q.weighting_role,
            )
        )
    analysis = questionnaire.analysis
    boundary = boundary_of(analysis.municipality)
    return Spec(
        sections=[SectionSpec(s.pk, s.title or {}, tuple(by_section[s.pk])) for s in sections],
        bounds=municipality_bounds(analysis.municipality, boundary),
        municipality_pk=analysis.municipality_id,
        outline=tuple(geometry.rings(boundary)),
    )


# Skip logic --------------------------------------------------------------------------------------------------------


def _chosen(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def shown(spec: Spec, answers: dict) -> set[str]:
    """The codes of the questions a respondent with these answers sees. In questionnaire order, so a question whose
    source is hidden is hidden too (the hidden source's answer does not count)."""
    result: set[str] = set()
    for q in spec.questions:
        if all(source in result and _chosen(answers.get(source)) & codes for source, codes in q.conditions):
            result.add(q.code)
    return result


def prune(spec: Spec, answers: dict, texts: dict) -> tuple[dict, dict]:
    """Only the answers to questions that are shown: a respondent who went back and changed an answer leaves no
    answers behind to questions that no longer apply."""
    visible = shown(spec, answers)
    return (
        {code: value for code, value in answers.items() if code in visible},
        {code: value for code, value in texts.items() if code in visible},
    )


# Checks ------------------------------------------------------------------------------------------------------------


def field_name(question: QuestionSpec, part: str = "") -> str:
    return f"q-{question.code}-{part}" if part else f"q-{question.code}"


def _messages():
    return {
        "required": _("Bitte beantworten Sie diese Frage."),
        "row_required": _("Bitte wählen Sie in dieser Zeile eine Antwort."),
        "invalid_choice": _("Diese Antwort gibt es nicht. Bitte wählen Sie eine der angebotenen Antworten."),
        "exclusive": _("»%(option)s« lässt sich nicht mit anderen Antworten kombinieren."),
        "number": _("Bitte geben Sie eine ganze Zahl ein."),
        "range": _("Bitte geben Sie eine Zahl von %(min)s bis %(max)s ein."),
        "too_long": _("Bitte verwenden Sie höchstens %(limit)d Zeichen (jetzt: %(count)d)."),
        "point": _("Bitte geben Sie Breiten- und Längengrad als Dezimalzahlen an, zum Beispiel 50,9628 und 13,9410."),
        "point_outside": _("Dieser Punkt liegt außerhalb der Gemeinde. Bitte prüfen Sie die Angaben."),
        "place_both": _("Bitte wählen Sie entweder einen Ort aus der Liste oder geben Sie einen Punkt an."),
    }


_INTEGER = re.compile(r"^[+-]?\d{1,9}$")
_DECIMAL = re.compile(r"^[+-]?\d{1,3}([.,]\d{1,8})?$")


def _bounds(question: QuestionSpec) -> tuple[int, int]:
    low = question.min_value if question.min_value is not None else -NUMBER_LIMIT
    high = question.max_value if question.max_value is not None else NUMBER_LIMIT
    return low, high


def _clean_text(value: str) -> str:
    # NUL cannot be stored in PostgreSQL text; other control characters (except line breaks and tabs) carry nothing.
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32).strip()


def _in_bounds(spec: Spec, lat: float, lon: float) -> bool:
    if spec.bounds is None:
        return -90 <= lat <= 90 and -180 <= lon <= 180
    if spec.outline:
        return geometry.in_municipality(spec.outline, lat, lon)
    south, west, north, east = spec.bounds
    return south - POINT_MARGIN <= lat <= north + POINT_MARGIN and west - POINT_MARGIN <= lon <= east + POINT_MARGIN


def check_value(spec: Spec, question: QuestionSpec, value) -> str | None:
    """Why a stored-form answer is not acceptable (German message), or None. For values that arrive as data (the
    draft, paper entry, imports) rather than as a form."""
    m = _messages()
    codes = question.option_codes
    if question.type == QuestionType.SINGLE:
        return None if isinstance(value, str) and value in codes else m["invalid_choice"]
    if question.type == QuestionType.MULTIPLE:
        if not isinstance(value, list) or not value or any(not isinstance(v, str) or v not in codes for v in value):
            return m["invalid_choice"]
        if len(set(value)) != len(value):
            return m["invalid_choice"]
        for option in question.options:
            if option.exclusive and option.code in value and len(value) > 1:
                return m["exclusive"] % {"option": option.text("de")}
        return None
    if question.type == QuestionType.MATRIX:
        if not isinstance(value, dict) or not value:
            return m["invalid_choice"]
        rows = set(question.row_codes)
        if any(row not in rows or not isinstance(v, str) or v not in codes for row, v in value.items()):
            return m["invalid_choice"]
        return None
    if question.type == QuestionType.NUMBER:
        low, high = _bounds(question)
        if not isinstance(value, int) or isinstance(value, bool):
            return m["number"]
        return None if low <= value <= high else m["range"] % {"min": low, "max": high}
    if question.type == QuestionType.PLACE:
        if isinstance(value, str):
            return None if value in codes else m["invalid_choice"]
        if isinstance(value, dict) and question.allow_point and set(value) == {"lat", "lon"}:
            lat, lon = value["lat"], value["lon"]
            if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (lat, lon)):
                return m["point"]
            return None if _in_bounds(spec, lat, lon) else m["point_outside"]
        return m["invalid_choice"]
    return m["invalid_choice"]


def check_text(question: QuestionSpec, value) -> str | None:
    if question.type != QuestionType.TEXT or not isinstance(value, str):
        return _messages()["invalid_choice"]
    limit = min(question.max_length or TEXT_LIMIT, TEXT_LIMIT)
    if len(value) > limit:
        return _messages()["too_long"] % {"limit": limit, "count": len(value)}
    return None


def check_answers(spec: Spec, answers: dict, texts: dict, *, complete: bool) -> dict[str, str]:
    """Every problem of a whole set of answers as {question code: German message}: unknown questions, values that
    are not allowed, and (with `complete`) required questions that are shown but not answered. Answers to hidden
    questions are not errors; `prune` drops them."""
    errors: dict[str, str] = {}
    if not isinstance(answers, dict) or not isinstance(texts, dict):
        return {"": _messages()["invalid_choice"]}
    for code, value in answers.items():
        question = spec.by_code.get(code)
        if question is None or question.type == QuestionType.TEXT:
            errors[str(code)[:40]] = _messages()["invalid_choice"]
            continue
        problem = check_value(spec, question, value)
        if problem:
            errors[code] = problem
    for code, value in texts.items():
        question = spec.by_code.get(code)
        problem = _messages()["invalid_choice"] if question is None else check_text(question, value)
        if problem:
            errors[str(code)[:40]] = problem
    if complete:
        visible = shown(spec, answers)
        for question in spec.questions:
            if not question.required or question.code not in visible or question.code in errors:
                continue
            given = texts.get(question.code) if question.type == QuestionType.TEXT else answers.get(question.code)
            if question.type == QuestionType.MATRIX and isinstance(given, dict):
                if set(given) != set(question.row_codes):
                    errors[question.code] = _messages()["row_required"]
            elif given in (None, "", [], {}):
                errors[question.code] = _messages()["required"]
    return errors


# Reading a page of the form ----------------------------------------------------------------------------------------


@dataclass
class PageResult:
    answers: dict  # question code → value, only for questions on the page that were answered
    texts: dict
    cleared: set[str]  # questions on the page left empty (their earlier answers are removed)
    errors: dict[str, str]  # field name → German message
    raw: dict  # what was typed, to show it again
    map_clicked: bool = False  # a click on a map: show the page again with the point


def _map_click(spec: Spec, q: QuestionSpec, data) -> tuple[float, float] | None:
    """The point a click on the question's map stands for; None without a click. A keyboard activation of the
    image button (and the browser's implicit submission by Enter) sends 0,0: no point."""
    from sikom.surveys import maps

    if not q.allow_point or spec.bounds is None:
        return None
    x_raw, y_raw = data.get(field_name(q, "map") + ".x", ""), data.get(field_name(q, "map") + ".y", "")
    if not (x_raw.isdigit() and y_raw.isdigit() and len(x_raw) < 5 and len(y_raw) < 5):
        return None
    x, y = int(x_raw), int(y_raw)
    if (x, y) == (0, 0) or not (0 < x <= maps.MAP_SIZE and 0 < y <= maps.MAP_SIZE):
        return None
    return maps.frame(spec.bounds).to_point(x, y)


def _parse_point(spec: Spec, lat_raw: str, lon_raw: str, m) -> tuple[dict | None, str | None]:
    if not _DECIMAL.match(lat_raw) or not _DECIMAL.match(lon_raw):
        return None, m["point"]
    lat, lon = float(lat_raw.replace(",", ".")), float(lon_raw.replace(",", "."))
    if not _in_bounds(spec, lat, lon):
        return None, m["point_outside"]
    return {"lat": lat, "lon": lon}, None


def _one(data, name: str) -> str:
    return data.get(name, "")


def _sent_twice(data, q: QuestionSpec) -> str | None:
    """A field of a one-value question sent more than once (a forged form): the field to put the message at."""
    if q.type == QuestionType.MULTIPLE or not hasattr(data, "getlist"):
        return None
    names = [field_name(q, row.code) for row in q.rows] or [field_name(q)]
    if q.type == QuestionType.PLACE:
        names += [field_name(q, "lat"), field_name(q, "lon")]
    for name in names:
        if len(data.getlist(name)) > 1:
            return names[0]
    return None


def read_page(spec: Spec, section_index: int, data, visible: set[str]) -> PageResult:
    """Read one page's answers from POST data (a QueryDict): every value checked against the question, messages
    keyed by the field they belong to. Only the questions of the page that are shown are read."""
    m = _messages()
    result = PageResult({}, {}, set(), {}, {})
    section = spec.sections[section_index]
    for q in section.questions:
        if q.code not in visible:
            continue
        name = field_name(q)
        twice = _sent_twice(data, q)
        if twice:
            result.errors[twice] = m["invalid_choice"]
            continue
        if q.type == QuestionType.SINGLE:
            value = _one(data, name)
            result.raw[name] = value
            if value == "":
                result.cleared.add(q.code)
                if q.required:
                    result.errors[name] = m["required"]
            elif value not in q.option_codes:
                result.errors[name] = m["invalid_choice"]
            else:
                result.answers[q.code] = value
        elif q.type == QuestionType.MULTIPLE:
            values = data.getlist(name)
            result.raw[name] = values
            if not values:
                result.cleared.add(q.code)
                if q.required:
                    result.errors[name] = m["required"]
                continue
            ordered = [code for code in q.option_codes if code in values]
            problem = (
                m["invalid_choice"]
                if len(ordered) != len(set(values)) or len(values) != len(set(values))
                else check_value(spec, q, ordered)
            )
            if problem:
                result.errors[name] = problem
            else:
                result.answers[q.code] = ordered
        elif q.type == QuestionType.MATRIX:
            chosen = {}
            for row in q.rows:
                row_name = field_name(q, row.code)
                value = _one(data, row_name)
                result.raw[row_name] = value
                if value == "":
                    if q.required:
                        result.errors[row_name] = m["row_required"]
                elif value not in q.option_codes:
                    result.errors[row_name] = m["invalid_choice"]
                else:
                    chosen[row.code] = value
            if chosen:
                result.answers[q.code] = chosen
            else:
                result.cleared.add(q.code)
        elif q.type == QuestionType.NUMBER:
            value = _one(data, name).strip()
            result.raw[name] = value[:20]
            if value == "":
                result.cleared.add(q.code)
                if q.required:
                    result.errors[name] = m["required"]
            elif not _INTEGER.match(value):
                result.errors[name] = m["number"]
            else:
                problem = check_value(spec, q, int(value))
                if problem:
                    result.errors[name] = problem
                else:
                    result.answers[q.code] = int(value)
        elif q.type == QuestionType.TEXT:
            value = _clean_text(_one(data, name))
            result.raw[name] = value[:TEXT_LIMIT]
            if value == "":
                result.cleared.add(q.code)
                if q.required:
                    result.errors[name] = m["required"]
            else:
                problem = check_text(q, value)
                if problem:
                    result.errors[name] = problem
                else:
                    result.texts[q.code] = value
        elif q.type == QuestionType.PLACE:
            place = _one(data, name)
            lat_raw = _one(data, field_name(q, "lat")).strip()
            lon_raw = _one(data, field_name(q, "lon")).strip()
            clicked = _map_click(spec, q, data)
            if clicked is not None:
                result.map_clicked = True
                place, lat_raw, lon_raw = "", *(f"{v:.5f}".replace(".", ",") for v in clicked)
            result.raw[name] = place
            result.raw[field_name(q, "lat")] = lat_raw[:20]
            result.raw[field_name(q, "lon")] = lon_raw[:20]
            point_given = q.allow_point and (lat_raw or lon_raw)
            if place and point_given:
                result.errors[name] = m["place_both"]
            elif place:
                if place in q.option_codes:
                    result.answers[q.code] = place
                else:
                    result.errors[name] = m["invalid_choice"]
            elif point_given:
                point, problem = _parse_point(spec, lat_raw, lon_raw, m)
                if problem:
                    result.errors[field_name(q, "lat")] = problem
                else:
                    result.answers[q.code] = point
            else:
                result.cleared.add(q.code)
                if q.required:
                    result.errors[name] = m["required"]
    return result


def raw_from_answers(spec: Spec, section_index: int, answers: dict, texts: dict) -> dict:
    """The form values that show stored answers again (resume, going back)."""
    raw: dict = {}
    for q in spec.sections[section_index].questions:
        name = field_name(q)
        value = texts.get(q.code) if q.type == QuestionType.TEXT else answers.get(q.code)
        if value is None:
            continue
        if q.type == QuestionType.MATRIX and isinstance(value, dict):
            for row, chosen in value.items():
                raw[field_name(q, row)] = chosen
        elif q.type == QuestionType.PLACE and isinstance(value, dict):
            raw[field_name(q, "lat")] = str(value.get("lat", ""))
            raw[field_name(q, "lon")] = str(value.get("lon", ""))
        elif q.type == QuestionType.NUMBER:
            raw[name] = str(value)
        else:
            raw[name] = value
    return raw


def pages_shown(spec: Spec, answers: dict) -> list[int]:
    """The pages with at least one question shown, in order (a page whose questions are all skipped is skipped)."""
    visible = shown(spec, answers)
    return [i for i, section in enumerate(spec.sections) if any(q.code in visible for q in section.questions)]
