"""LimeSurvey in: a survey structure (`.lss`) becomes the questionnaire of an analysis that has no answers yet, and a
response export (CSV, »question code« headings) becomes anonymous responses (decision 0033).

The `.lss` file is XML. It is parsed with the standard library's expat parser, hardened by hand: a document type
declaration (and with it every entity declaration, the root of »billion laughs« and external entities) is refused
before anything is expanded, external entities are never fetched, and the file size is capped. The tree is built
with `xml.etree.ElementTree.TreeBuilder`, so no ElementTree parser with its defaults ever sees the file.

Both layouts LimeSurvey has written are read: up to version 3 (texts in the rows of `questions`, `groups`,
`answers`, one row per language) and from version 4 on (`question_l10ns`, `group_l10ns`, `answer_l10ns`).

Types: L, !, O (list), Y (yes/no), G (gender) and 5 (five-point choice) → single choice; M, P → multiple choice;
F, H, A, B, C, E (arrays) → rating matrix; N → number; S, T, U → free text. Every other type is refused with a
message naming the question. »Other« becomes the option »-oth-« (its free text is not kept); comments are not kept.
Relevance equations of the simple forms `Q1 == "A1"`, `Q1.NAOK == "A1"`, their `or` on one question and `and`
across questions (and `Q2_SQ001 == "Y"` for a multiple choice) become conditions; any other equation is reported as
not imported.
"""

import html
import re
import xml.parsers.expat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, TreeBuilder

from django.db import transaction
from django.utils.translation import gettext as _

from sikom.core import audit
from sikom.surveys import languages, logic, paper, services
from sikom.surveys.models import (
    Condition,
    MatrixRow,
    Option,
    Question,
    QuestionType,
    Response,
    SafetyAnalysis,
    Section,
)
from sikom.surveys.workflow import QUESTIONNAIRE_EDITABLE

MAX_LSS_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 500
TEXT_MAX = 2000


class StructureRejected(Exception):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


# Safe XML --------------------------------------------------------------------------------------------------------


class _Forbidden(Exception):
    pass


def _forbid(*_args):
    raise _Forbidden


def parse_xml(data: bytes) -> Element:
    """The element tree of `data`; StructureRejected for a DOCTYPE (and so any entity), malformed XML or a file
    that is too large."""
    if len(data) > MAX_LSS_BYTES:
        raise StructureRejected(_("Die Datei ist größer als %(mb)d MB.") % {"mb": MAX_LSS_BYTES // (1024 * 1024)})
    parser = xml.parsers.expat.ParserCreate()
    builder = TreeBuilder()
    parser.buffer_text = True
    parser.StartElementHandler = lambda tag, attributes: builder.start(tag, attributes)
    parser.EndElementHandler = lambda tag: builder.end(tag)
    parser.CharacterDataHandler = lambda text: builder.data(text)
    # No document type, no entity declaration, no external anything.
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
        return builder.close()
    except _Forbidden as error:
        raise StructureRejected(
            _(
                "Die Datei enthält eine Dokumenttyp- oder Entitätsdeklaration. Aus Sicherheitsgründen wird sie nicht gelesen."
            )
        ) from error
    except (xml.parsers.expat.ExpatError, AssertionError, IndexError) as error:
        raise StructureRejected(_("Die Datei ist kein gültiges XML (beschädigt oder unvollständig).")) from error


# Reading the .lss tables -------------------------------------------------------------------------------------------


def _table(root: Element, name: str) -> list[dict[str, str]]:
    table = root.find(name)
    if table is None:
        return []
    return [{child.tag: (child.text or "").strip() for child in row} for row in table.findall("rows/row")]


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("br", "p", "div", "li"):
            self.parts.append(" ")


def plain(text: str) -> str:
    """LimeSurvey keeps texts as HTML: the words only, whitespace collapsed."""
    if not text:
        return ""
    stripper = _TextOnly()
    stripper.feed(text)
    stripper.close()
    return re.sub(r"\s+", " ", html.unescape("".join(stripper.parts))).strip()[:TEXT_MAX]


def our_language(code: str) -> str | None:
    """Our code for a LimeSurvey language: »de-informal« → »de«, »pt-BR« → »pt«; every language a questionnaire may
    have (`languages.CODES`, decision 0046) is kept, others are not."""
    base = (code or "").lower().split("-")[0]
    if base == "de" or base in languages.CODES:
        return base
    return None


@dataclass
class Plan:
    """What an import would create, JSON-serialisable (kept in the session until confirmed)."""

    title: str = ""
    languages: list = field(default_factory=list)
    intro: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)  # [{"title": {..}, "questions": [question dicts]}]
    conditions: list = field(default_factory=list)  # [{"question", "source", "codes"}]
    refused: list = field(default_factory=list)  # German messages: questions not imported
    notes: list = field(default_factory=list)  # German messages: parts not imported

    @property
    def question_count(self) -> int:
        return sum(len(section["questions"]) for section in self.sections)

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "languages": self.languages,
            "intro": self.intro,
            "sections": self.sections,
            "conditions": self.conditions,
            "refused": self.refused,
            "notes": self.notes,
        }


SINGLE_TYPES = {"L", "!", "O", "Y", "G", "5"}
MULTIPLE_TYPES = {"M", "P"}
MATRIX_TYPES = {"F", "H", "A", "B", "C", "E"}
TEXT_TYPES = {"S", "T", "U"}
TYPE_NAMES = {
    "1": "Array dual scale",
    ";": "Array (Texte)",
    ":": "Array (Zahlen)",
    "D": "Datum",
    "K": "Mehrfache Zahleneingabe",
    "Q": "Mehrfache kurze Texte",
    "R": "Rangfolge",
    "X": "Textanzeige",
    "|": "Datei-Upload",
    "*": "Gleichung",
    "I": "Sprachumschaltung",
}
# Fixed answer scales of LimeSurvey's types that have no answer options in the file: (code, German, English).
FIXED_SCALES = {
    "Y": [("Y", "Ja", "Yes"), ("N", "Nein", "No")],
    "G": [("F", "weiblich", "female"), ("M", "männlich", "male")],
    "5": [(str(i), str(i), str(i)) for i in range(1, 6)],
    "A": [(str(i), str(i), str(i)) for i in range(1, 6)],
    "B": [(str(i), str(i), str(i)) for i in range(1, 11)],
    "C": [("Y", "Ja", "Yes"), ("U", "Unsicher", "Uncertain"), ("N", "Nein", "No")],
    "E": [("I", "Mehr", "Increase"), ("S", "Gleich", "Same"), ("D", "Weniger", "Decrease")],
}
_ITEM_CODE = re.compile(r"^[A-Za-z0-9_+\-]{1,20}$")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def our_code(title: str, taken: set[str]) -> str:
    """A LimeSurvey question code as a sikom variable name: lower case, only a–z, 0–9 and _, beginning with a
    letter, unique in the questionnaire."""
    code = re.sub(r"[^a-z0-9_]", "_", (title or "").lower())[:40] or "frage"
    if not code[0].isalpha():
        code = ("q" + code)[:40]
    candidate, n = code, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate, n = code[: 40 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


@dataclass
class _Survey:
    """The .lss read into plain dicts, both layouts merged."""

    base: str
    languages: list[str]  # LimeSurvey codes
    groups: list[dict]
    questions: list[dict]  # parents only
    subquestions: dict[str, list[dict]]
    answers: dict[str, list[dict]]  # qid → scale-0 answers with "texts"
    texts: dict[str, dict[str, dict[str, str]]]  # qid → LS language → {"question", "help"}
    group_texts: dict[str, dict[str, str]]  # gid → LS language → name
    attributes: dict[str, dict[str, str]]
    title: dict[str, str]
    intro: dict[str, str]


def read_survey(root: Element) -> _Survey:
    if root.tag != "document" or (root.findtext("LimeSurveyDocType") or "").strip() != "Survey":
        kind = (root.findtext("LimeSurveyDocType") or "").strip()
        if kind in ("Question", "Group"):
            raise StructureRejected(
                _(
                    "Das ist der Export einer einzelnen Frage oder Fragengruppe. Bitte exportieren Sie die ganze Umfrage (.lss)."
                )
            )
        raise StructureRejected(_("Die Datei ist keine LimeSurvey-Umfragestruktur (.lss)."))
    languages = [(lang.text or "").strip() for lang in root.findall("languages/language") if (lang.text or "").strip()]
    surveys = _table(root, "surveys")
    base = (surveys[0].get("language") if surveys else "") or (languages[0] if languages else "de")
    if base not in languages:
        languages.insert(0, base)

    texts: dict[str, dict[str, dict[str, str]]] = {}
    questions, subquestions = [], {}
    for row in _table(root, "questions") + _table(root, "subquestions"):
        qid = row.get("qid", "")
        if "language" in row and ("question" in row):  # layout up to LimeSurvey 3
            texts.setdefault(qid, {})[row["language"]] = {
                "question": row.get("question", ""),
                "help": row.get("help", ""),
            }
            if row["language"] != base and any(q.get("qid") == qid for q in questions):
                continue
        parent = row.get("parent_qid", "0") or "0"
        if parent != "0":
            if not any(s.get("qid") == qid for s in subquestions.get(parent, [])):
                subquestions.setdefault(parent, []).append(row)
        elif not any(q.get("qid") == qid for q in questions):
            questions.append(row)
    for row in _table(root, "question_l10ns"):
        texts.setdefault(row.get("qid", ""), {})[row.get("language", "")] = {
            "question": row.get("question", ""),
            "help": row.get("help", ""),
        }

    group_texts: dict[str, dict[str, str]] = {}
    groups = []
    for row in _table(root, "groups"):
        if "language" in row and "group_name" in row:
            group_texts.setdefault(row.get("gid", ""), {})[row["language"]] = row.get("group_name", "")
        if not any(g.get("gid") == row.get("gid") for g in groups):
            groups.append(row)
    for row in _table(root, "group_l10ns"):
        group_texts.setdefault(row.get("gid", ""), {})[row.get("language", "")] = row.get("group_name", "")

    answer_texts: dict[str, dict[str, str]] = {}
    for row in _table(root, "answer_l10ns"):
        answer_texts.setdefault(row.get("aid", ""), {})[row.get("language", "")] = row.get("answer", "")
    answers: dict[str, list[dict]] = {}
    for row in _table(root, "answers"):
        if (row.get("scale_id") or "0") != "0":
            continue
        qid = row.get("qid", "")
        existing = next((a for a in answers.get(qid, []) if a["code"] == row.get("code")), None)
        if existing is None:
            existing = {"code": row.get("code", ""), "order": row.get("sortorder", "0"), "texts": {}}
            answers.setdefault(qid, []).append(existing)
        if "answer" in row:
            existing["texts"][row.get("language") or base] = row["answer"]
        existing["texts"].update(answer_texts.get(row.get("aid", ""), {}))

    attributes: dict[str, dict[str, str]] = {}
    for row in _table(root, "question_attributes"):
        attributes.setdefault(row.get("qid", ""), {})[row.get("attribute", "")] = row.get("value", "")

    title, intro = {}, {}
    for row in _table(root, "surveys_languagesettings"):
        language = row.get("surveyls_language", "")
        title[language] = plain(row.get("surveyls_title", ""))
        intro[language] = plain(row.get("surveyls_welcometext", "") or row.get("surveyls_description", ""))
    return _Survey(
        base=base,
        languages=languages,
        groups=groups,
        questions=questions,
        subquestions=subquestions,
        answers=answers,
        texts=texts,
        group_texts=group_texts,
        attributes=attributes,
        title=title,
        intro=intro,
    )


def _order(row: dict, key: str) -> int:
    try:
        return int(row.get(key) or 0)
    except ValueError:
        return 0


class _Texts:
    """Texts of one survey by our language codes: »de« from German (or, without a German version, the base
    language), »en« from English."""

    def __init__(self, survey: _Survey, plan: Plan) -> None:
        self.sources: dict[str, str] = {}
        for code in survey.languages:
            ours = our_language(code)
            if ours and (ours not in self.sources or code == ours):
                self.sources[ours] = code
        if "de" not in self.sources:
            self.sources["de"] = survey.base
            plan.notes.append(
                _(
                    "Die Umfrage hat keine deutsche Fassung: die Texte der Sprache »%(language)s« stehen in der "
                    "deutschen Fassung. Bitte übersetzen Sie sie im Fragebogen."
                )
                % {"language": survey.base}
            )
        for code in survey.languages:
            if our_language(code) is None and code != self.sources["de"]:
                plan.notes.append(_("Die Sprache »%(language)s« wird nicht übernommen.") % {"language": code[:20]})
        plan.languages = ["de"] + [ours for ours in self.sources if ours != "de"]

    def pick(self, by_language: dict[str, str], *, html_text: bool = True) -> dict[str, str]:
        result = {}
        for ours, theirs in self.sources.items():
            text = by_language.get(theirs, "")
            text = plain(text) if html_text else text.strip()[:TEXT_MAX]
            if text:
                result[ours] = text
        return result


def build_plan(survey: _Survey) -> Plan:
    """The sections, questions and conditions to create, and everything that is refused or left out."""
    plan = Plan()
    texts = _Texts(survey, plan)
    plan.title = next((t for t in (survey.title.get(texts.sources["de"]), *survey.title.values()) if t), "")[:200]
    plan.intro = texts.pick(survey.intro, html_text=False)
    taken: set[str] = set()
    by_title: dict[str, dict] = {}  # LimeSurvey question code → our question dict
    relevance: list[tuple[dict, str, str]] = []
    groups = sorted(survey.groups, key=lambda g: (_order(g, "group_order"), _order(g, "gid")))
    questions = sorted(survey.questions, key=lambda q: _order(q, "question_order"))
    for g_index, group in enumerate(groups):
        gid = group.get("gid", "")
        section = {
            "title": texts.pick(survey.group_texts.get(gid, {})) or {"de": _("Seite %(n)d") % {"n": g_index + 1}},
            "questions": [],
        }
        if (group.get("grelevance") or "1").strip() not in ("", "1"):
            plan.notes.append(
                _("Die Bedingung der Fragengruppe »%(name)s« wird nicht übernommen.")
                % {"name": section["title"].get("de", gid)}
            )
        for row in questions:
            if row.get("gid") != gid:
                continue
            if plan.question_count >= MAX_QUESTIONS:
                plan.refused.append(
                    _("Mehr als %(n)d Fragen: die übrigen werden nicht übernommen.") % {"n": MAX_QUESTIONS}
                )
                break
            question = _question(survey, row, texts, plan, taken)
            if question is None:
                continue
            section["questions"].append(question)
            by_title[row.get("title", "")] = question
            relevance.append((question, row.get("title", ""), (row.get("relevance") or "1").strip()))
        if section["questions"]:
            plan.sections.append(section)
    order = [q["code"] for s in plan.sections for q in s["questions"]]
    for question, title, equation in relevance:
        if equation in ("", "1"):
            continue
        conditions = parse_relevance(equation, by_title)
        earlier = set(order[: order.index(question["code"])])
        if conditions is None or any(c["source"] not in earlier for c in conditions):
            plan.notes.append(
                _("Die Bedingung von »%(code)s« wird nicht übernommen: %(equation)s")
                % {"code": title, "equation": equation[:200]}
            )
            continue
        for condition in conditions:
            plan.conditions.append({"question": question["code"], **condition})
    if not plan.question_count:
        raise StructureRejected(_("Die Umfrage enthält keine Frage, die sikom übernehmen kann."))
    return plan


def _question(survey: _Survey, row: dict, texts: _Texts, plan: Plan, taken: set[str]) -> dict | None:
    qid, kind, title = row.get("qid", ""), row.get("type", ""), row.get("title", "")
    name = title or qid

    def refuse(message: str) -> None:
        plan.refused.append(message)

    if kind in TYPE_NAMES or not (
        kind in SINGLE_TYPES or kind in MULTIPLE_TYPES or kind in MATRIX_TYPES or kind in TEXT_TYPES or kind == "N"
    ):
        refuse(
            _("Frage »%(code)s« (Typ %(type)s: %(name)s) wird nicht übernommen: diesen Fragetyp kennt sikom nicht.")
            % {"code": name, "type": kind[:3], "name": TYPE_NAMES.get(kind, _("unbekannt"))}
        )
        return None
    text = texts.pick({lang: t.get("question", "") for lang, t in survey.texts.get(qid, {}).items()})
    if not text:
        refuse(_("Frage »%(code)s« wird nicht übernommen: sie hat keinen Fragetext.") % {"code": name})
        return None
    attributes = survey.attributes.get(qid, {})
    question = {
        "code": "",
        "ls_code": title,
        "text": text,
        "help": texts.pick({lang: t.get("help", "") for lang, t in survey.texts.get(qid, {}).items()}),
        "required": (row.get("mandatory") or "N") == "Y",
        "options": [],
        "rows": [],
        "min_value": None,
        "max_value": None,
        "max_length": None,
    }
    answer_options = [
        {"code": a["code"], "label": texts.pick(a["texts"]) or {"de": a["code"]}}
        for a in sorted(survey.answers.get(qid, []), key=lambda a: _order(a, "order"))
    ]
    fixed = [{"code": c, "label": {"de": de, "en": en}} for c, de, en in FIXED_SCALES.get(kind, [])]
    subs = [
        {
            "code": s.get("title", ""),
            "label": texts.pick(
                {lang: t.get("question", "") for lang, t in survey.texts.get(s.get("qid", ""), {}).items()}
            )
            or {"de": s.get("title", "")},
        }
        for s in sorted(survey.subquestions.get(qid, []), key=lambda s: _order(s, "question_order"))
        if (s.get("scale_id") or "0") == "0"
    ]
    other = {"code": "-oth-", "label": {"de": "Sonstiges", "en": "Other"}}
    if kind in SINGLE_TYPES:
        question["type"] = QuestionType.SINGLE
        question["options"] = fixed or answer_options
        if row.get("other") == "Y" and kind in ("L", "!"):
            question["options"].append(other)
            plan.notes.append(
                _("Frage »%(code)s«: die Freitextangabe zu »Sonstiges« wird nicht übernommen.") % {"code": name}
            )
        if kind == "O":
            plan.notes.append(_("Frage »%(code)s«: das Kommentarfeld wird nicht übernommen.") % {"code": name})
    elif kind in MULTIPLE_TYPES:
        question["type"] = QuestionType.MULTIPLE
        question["options"] = subs
        if row.get("other") == "Y":
            question["options"].append(other)
            plan.notes.append(
                _("Frage »%(code)s«: die Freitextangabe zu »Sonstiges« wird nicht übernommen.") % {"code": name}
            )
        if kind == "P":
            plan.notes.append(
                _("Frage »%(code)s«: die Kommentare zu den Antworten werden nicht übernommen.") % {"code": name}
            )
    elif kind in MATRIX_TYPES:
        question["type"] = QuestionType.MATRIX
        question["options"] = fixed or answer_options
        question["rows"] = subs
        if not subs:
            refuse(_("Frage »%(code)s« wird nicht übernommen: die Matrix hat keine Zeilen.") % {"code": name})
            return None
    elif kind == "N":
        question["type"] = QuestionType.NUMBER
        for key, target in (("min_num_value_n", "min_value"), ("max_num_value_n", "max_value")):
            value = (attributes.get(key) or "").strip()
            if re.fullmatch(r"-?\d{1,7}", value):
                question[target] = int(value)
        if (
            question["min_value"] is not None
            and question["max_value"] is not None
            and question["max_value"] < question["min_value"]
        ):
            question["min_value"] = question["max_value"] = None
    else:
        question["type"] = QuestionType.TEXT
        value = (attributes.get("maximum_chars") or "").strip()
        if value.isdigit() and 1 <= int(value) <= logic.TEXT_LIMIT:
            question["max_length"] = int(value)
    items = question["options"] + question["rows"]
    if question["type"] in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATRIX):
        if len(question["options"]) < 2:
            refuse(_("Frage »%(code)s« wird nicht übernommen: sie hat weniger als zwei Antworten.") % {"code": name})
            return None
        codes = [item["code"] for item in question["options"]]
        rows = [item["code"] for item in question["rows"]]
        if (
            any(not _ITEM_CODE.match(item["code"]) for item in items)
            or len(set(codes)) != len(codes)
            or len(set(rows)) != len(rows)
            or len(question["options"]) > 60
            or len(question["rows"]) > 60
        ):
            refuse(
                _("Frage »%(code)s« wird nicht übernommen: ihre Antwortcodes sind doppelt, zu viele oder ungültig.")
                % {"code": name}
            )
            return None
    question["code"] = our_code(title, taken)
    return question


_ATOM = re.compile(
    r"""^(?P<name>[A-Za-z][A-Za-z0-9_]*)(?:\.NAOK|\.code)?\s*==\s*(?P<quote>["'])(?P<value>[^"']{0,20})(?P=quote)$"""
)


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _split_top(text: str, words: tuple[str, ...]) -> list[str]:
    pattern = "|".join(re.escape(w) for w in words)
    parts, depth, start = [], 0, 0
    for match in re.finditer(rf"\(|\)|\s+(?:{pattern})\s+", text, flags=re.IGNORECASE):
        found = match.group(0)
        if found == "(":
            depth += 1
        elif found == ")":
            depth -= 1
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts]


def parse_relevance(equation: str, by_title: dict[str, dict]) -> list[dict] | None:
    """Conditions for a relevance equation of the simple forms, or None: an `and` of groups, each an `or` of
    equalities on one choice question (`Q1 == "A1"`, `Q1.NAOK == "A1"`, for a multiple choice `Q2_SQ001 == "Y"`)."""
    text = _strip_parens(equation.replace("&&", " and ").replace("||", " or "))
    conditions: dict[str, list[str]] = {}
    for group in _split_top(text, ("and",)):
        source, codes = None, []
        for atom in _split_top(_strip_parens(group), ("or",)):
            match = _ATOM.match(_strip_parens(atom))
            if not match:
                return None
            name, value = match.group("name"), match.group("value")
            question = by_title.get(name)
            if question is not None and question["type"] == QuestionType.SINGLE:
                code = value
            else:
                base, _sep, sub = name.rpartition("_")
                question = by_title.get(base)
                if question is None or question["type"] != QuestionType.MULTIPLE or value not in ("Y", "1"):
                    return None
                code = sub
            if code not in [o["code"] for o in question["options"]]:
                return None
            if source not in (None, question["code"]):
                return None
            source = question["code"]
            codes.append(code)
        if source is None or source in conditions:
            return None
        conditions[source] = codes
    return [{"source": source, "codes": codes} for source, codes in conditions.items()]


def read_structure(data: bytes) -> Plan:
    return build_plan(read_survey(parse_xml(data)))


# Creating the questionnaire ------------------------------------------------------------------------------------


def import_structure(*, analysis: SafetyAnalysis, plan: dict, by) -> int:
    """Replace the questionnaire of an analysis in planning that has no answers by the imported one (sections,
    questions, options, rows, conditions), in one transaction. Returns the number of questions."""
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        if current.status not in QUESTIONNAIRE_EDITABLE:
            raise services.Refused(services.QUESTIONNAIRE_FIXED)
        questionnaire = current.questionnaire
        if Response.objects.filter(questionnaire=questionnaire).exists():
            raise services.Refused(
                _(
                    "Der Fragebogen hat schon Antworten. Eine LimeSurvey-Struktur kann nur ohne Antworten übernommen werden."
                )
            )
        Condition.objects.filter(question__questionnaire=questionnaire).delete()
        questionnaire.questions.all().delete()
        questionnaire.sections.all().delete()
        created: dict[str, Question] = {}
        for s_index, entry in enumerate(plan["sections"]):
            section = Section.objects.create(questionnaire=questionnaire, position=s_index, title=entry["title"])
            for q_index, item in enumerate(entry["questions"]):
                if not paper_code_ok(item["code"]) or item["type"] not in QuestionType.values:
                    raise services.Refused(_("Die Umfragestruktur ist ungültig. Bitte laden Sie die Datei neu hoch."))
                question = Question.objects.create(
                    questionnaire=questionnaire,
                    section=section,
                    position=q_index,
                    code=item["code"],
                    type=item["type"],
                    text=item["text"],
                    help=item.get("help") or {},
                    required=bool(item.get("required")),
                    min_value=item.get("min_value"),
                    max_value=item.get("max_value"),
                    max_length=item.get("max_length"),
                )
                Option.objects.bulk_create(
                    Option(question=question, position=i, code=o["code"], label=o["label"])
                    for i, o in enumerate(item.get("options", []))
                )
                MatrixRow.objects.bulk_create(
                    MatrixRow(question=question, position=i, code=r["code"], label=r["label"])
                    for i, r in enumerate(item.get("rows", []))
                )
                created[question.code] = question
        for condition in plan.get("conditions", []):
            Condition.objects.create(
                question=created[condition["question"]],
                source=created[condition["source"]],
                option_codes=list(condition["codes"]),
            )
        # The survey's further languages join the analysis' (decision 0046); ones it had stay.
        further = [code for code in plan.get("languages") or [] if code in languages.CODES]
        added = [code for code in further if code not in current.languages]
        if added:
            current.languages = [*current.languages, *added]
            current.save(update_fields=["languages", "updated_at"])
        questionnaire.intro = plan.get("intro") or {}
        questionnaire.bank_version = ""
        questionnaire.version += 1
        questionnaire.save(update_fields=["intro", "bank_version", "version", "updated_at"])
        audit.log(
            "surveys.limesurvey_structure_imported",
            actor=by,
            obj=current,
            data={"questions": len(created), "conditions": len(plan.get("conditions", [])), "languages": added},
        )
    return len(created)


def paper_code_ok(code: str) -> bool:
    return bool(_CODE.match(code or ""))


# Response exports ----------------------------------------------------------------------------------------------

# LimeSurvey's columns that say who answered, when, from where or in which order: never imported.
IDENTIFYING = {
    "id",
    "token",
    "submitdate",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "seed",
    "lastpage",
    "startlanguage",
    "firstname",
    "lastname",
    "email",
    "emailstatus",
    "interviewtime",
}
_HEADING = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*)(?:\[(?P<part>[^\]]{1,40})\])?$")


def check_response_export(spec: logic.Spec, table: paper.Table, *, include_incomplete: bool) -> paper.ImportCheck:
    """A LimeSurvey response export read onto the questionnaire: question columns by code (`Q1`, `Q2[SQ001]`, in
    any case), identifying and timing columns dropped (and listed), incomplete rows (`submitdate` empty) only on
    request."""
    check = paper.ImportCheck(encoding=table.encoding)
    lowered = {code.lower(): code for code in spec.by_code}
    columns: list[tuple[int, str, paper.Column]] = []
    seen: set[tuple[str, str]] = set()
    submit_index = language_index = None
    unknown: list[str] = []
    for index, header in enumerate(table.header):
        name = header.strip()
        low = name.lower()
        if low == "submitdate":
            submit_index = index
        if low == "startlanguage":
            language_index = index
        if low in IDENTIFYING or low.startswith("attribute_"):
            check.dropped_columns.append(name)
            continue
        match = _HEADING.match(name)
        if not match:
            unknown.append(name or column_name(index))
            continue
        part = match.group("part") or ""
        if part.lower() in ("other", "comment") or part.lower().endswith("comment"):
            check.dropped_columns.append(name)
            continue
        code = lowered.get(paper_code(match.group("code")))
        q = spec.by_code.get(code) if code else None
        if q is None:
            # Timings (»interviewtime«, »groupTime12«, »Q1Time«) say how long someone took: dropped like the rest.
            (check.dropped_columns if low.endswith("time") else unknown).append(name)
            continue
        column = _column_for(q, part)
        if column is None:
            check.errors.append(
                paper.Problem(
                    1,
                    f"{name} ({paper.column_letter(index)})",
                    _("Diese Spalte passt zu keiner Antwort der Frage »%(code)s«.") % {"code": q.code},
                )
            )
            continue
        if (column.question, column.part) in seen:
            check.errors.append(
                paper.Problem(1, f"{name} ({paper.column_letter(index)})", _("Diese Spalte kommt doppelt vor."))
            )
            continue
        seen.add((column.question, column.part))
        columns.append((index, name, column))
    if unknown:
        check.notes.append(
            _("Diese Spalten gehören zu keiner Frage des Fragebogens und werden nicht übernommen: %(names)s.")
            % {"names": ", ".join(unknown[:30]) + (" …" if len(unknown) > 30 else "")}
        )
    if not columns:
        check.errors.insert(
            0,
            paper.Problem(
                None,
                "",
                _(
                    "Keine Spalte passt zu diesem Fragebogen. Ist es der Antwortexport dieser Umfrage (Überschriften als Fragecode)?"
                ),
            ),
        )
        return check
    if submit_index is None:
        check.notes.append(_("Die Datei hat keine Spalte »submitdate«: alle Zeilen gelten als abgeschlossen."))
    reader = paper.RowReader(spec, columns)
    for number, cells in enumerate(table.rows, start=2):
        complete = submit_index is None or bool(cells[submit_index].strip())
        if not complete and not include_incomplete:
            check.skipped_incomplete += 1
            continue
        result = reader.read(number, cells)
        if result is None:
            check.empty_rows += 1
            continue
        answers, texts = result
        language = our_language(cells[language_index]) if language_index is not None else None
        check.rows.append(
            {
                "answers": answers,
                "texts": texts,
                "language": language or "de",
                "completed": complete and not logic.check_answers(spec, answers, texts, complete=True),
            }
        )
    check.errors.extend(reader.problems)
    check.notes.extend(paper.dropped_notes(spec, reader.dropped))
    if not check.rows and not check.errors:
        check.errors.append(
            paper.Problem(None, "", _("Die Datei enthält keinen Antwortbogen, der übernommen werden kann."))
        )
    return check


def paper_code(title: str) -> str:
    """The code `our_code` gives a LimeSurvey question code (without the suffix for doubles)."""
    return our_code(title, set())


def column_name(index: int) -> str:
    return paper.column_letter(index)


def _column_for(q: logic.QuestionSpec, part: str) -> paper.Column | None:
    if q.type == QuestionType.MATRIX:
        rows = {code.lower(): code for code in q.row_codes}
        return paper.Column(q.code, rows[part.lower()]) if part.lower() in rows else None
    if q.type == QuestionType.MULTIPLE:
        options = {code.lower(): code for code in q.option_codes}
        return paper.Column(q.code, options[part.lower()]) if part.lower() in options else None
    return paper.Column(q.code) if not part else None
