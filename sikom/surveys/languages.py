"""Further languages of a questionnaire (decision 0046): which languages may be added, which texts a language needs,
how complete a translation is, and the writes that add, remove and translate.

The texts stay where decision 0030 put them — one JSON map per text, language code → text — and the languages a
questionnaire offers stay in `SafetyAnalysis.languages` (German first). Nothing here is a second store: a »slot« is
just the address of one such map (the introduction, a page title, a question's text or hint, an option, a matrix
row), so the translation page and the completeness count walk the same rows the respondents' pages read.

A language with a missing text is not offered to respondents (`offered`); the preview offers it with the German
text in the gaps, marked, so a translator can check a half-done translation."""

from dataclasses import dataclass

from django.conf.locale import LANG_INFO
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import User
from sikom.core import audit
from sikom.core.versions import check_version
from sikom.surveys.models import MatrixRow, Option, Question, Questionnaire, SafetyAnalysis, Section
from sikom.surveys.workflow import QUESTIONNAIRE_EDITABLE

SOURCE = "de"
# Languages with an ISO 639-1 code that Django knows (name, own name, writing direction from LANG_INFO), plus Upper
# and Lower Sorbian: minority languages of Saxony (and Brandenburg) that only have ISO 639-2 codes.
CODES = sorted(
    code
    for code, info in LANG_INFO.items()
    if "name" in info and (len(code) == 2 or code in ("hsb", "dsb")) and code != SOURCE
)
# Languages most often needed for surveys in Saxony: offered first in the list.
FREQUENT = ["en", "uk", "ru", "ar", "pl", "cs", "vi", "tr", "hsb"]
MAX_LANGUAGES = 12

# The longest text per kind of slot: the lengths of the German fields of the editor.
LIMITS = {"intro": 2000, "section": 200, "text": 1000, "help": 500, "option": 300, "row": 300}

UNKNOWN_LANGUAGE = _("Diese Sprache gibt es in der Auswahl nicht.")
FIXED = _("Der Fragebogen ist festgelegt, seit die Befragung läuft. Änderungen sind nur in der Planungsphase möglich.")


class Refused(Exception):
    """A rule refused the write; `field` names the form field the German message belongs to (or None)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def name(code: str) -> str:
    """The language's name in the page's language (Django's catalogue translates its language names)."""
    if code == SOURCE:
        return gettext("Deutsch")
    info = LANG_INFO.get(code, {})
    return gettext(info["name"]) if "name" in info else code


def local_name(code: str) -> str:
    """The language's name in itself, as respondents look for it."""
    if code == SOURCE:
        return "Deutsch"
    return LANG_INFO.get(code, {}).get("name_local", code)


def is_rtl(code: str) -> bool:
    return bool(LANG_INFO.get(code, {}).get("bidi"))


def choices() -> list:
    """Grouped choices for the »add a language« field, in German names."""
    frequent = [(code, f"{name(code)} ({local_name(code)})") for code in FREQUENT if code in CODES]
    others = sorted(((code, f"{name(code)} ({local_name(code)})") for code in CODES if code not in FREQUENT), key=_key)
    return [(gettext("Häufig in Sachsen"), frequent), (gettext("Weitere Sprachen"), others)]


def _key(entry: tuple[str, str]) -> str:
    return entry[1].casefold()


# Slots: every text of a questionnaire that a language needs -----------------------------------------------------


@dataclass
class Slot:
    key: str  # form field and address: »intro«, »section-12«, »text-34«, »help-34«, »option-56«, »row-78«
    kind: str  # what it is, for the page: a translated word
    context: str  # where it is: the question code or page number
    texts: dict
    long: bool = False

    @property
    def source(self) -> str:
        return self.texts.get(SOURCE, "")

    def text(self, language: str) -> str:
        return self.texts.get(language, "")


@dataclass
class Group:
    """The slots of one page of the questionnaire (the introduction is a group of its own)."""

    title: str
    slots: list


def groups(questionnaire: Questionnaire) -> list[Group]:
    """Every text with a German version, page by page in questionnaire order. Texts without German (an empty hint)
    need no translation."""
    result = []
    if questionnaire.intro.get(SOURCE):
        result.append(
            Group(gettext("Einleitung"), [Slot("intro", gettext("Einleitung"), "", questionnaire.intro, True)])
        )
    sections = list(questionnaire.sections.order_by("position", "pk"))
    questions = list(
        questionnaire.questions.select_related("section")
        .prefetch_related("options", "rows")
        .order_by("section__position", "section_id", "position", "pk")
    )
    for number, section in enumerate(sections, start=1):
        slots = [Slot(f"section-{section.pk}", gettext("Überschrift der Seite"), "", section.title)]
        for question in (q for q in questions if q.section_id == section.pk):
            slots.append(Slot(f"text-{question.pk}", gettext("Fragetext"), question.code, question.text, True))
            if question.help.get(SOURCE):
                slots.append(Slot(f"help-{question.pk}", gettext("Hinweis"), question.code, question.help, True))
            for row in question.rows.all():
                slots.append(Slot(f"row-{row.pk}", gettext("Zeile"), f"{question.code} · {row.code}", row.label))
            for option in question.options.all():
                slots.append(
                    Slot(f"option-{option.pk}", gettext("Antwort"), f"{question.code} · {option.code}", option.label)
                )
        title = gettext("Seite %(number)s: %(title)s") % {"number": number, "title": section.title.get(SOURCE, "")}
        result.append(Group(title, [slot for slot in slots if slot.source]))
    return result


def slots(questionnaire: Questionnaire) -> list[Slot]:
    return [slot for group in groups(questionnaire) for slot in group.slots]


@dataclass
class Completeness:
    code: str
    done: int
    total: int
    missing: list

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def name(self) -> str:
        return name(self.code)


def completeness(questionnaire: Questionnaire, code: str, all_slots: list[Slot] | None = None) -> Completeness:
    all_slots = slots(questionnaire) if all_slots is None else all_slots
    missing = [slot for slot in all_slots if not slot.text(code).strip()]
    return Completeness(code, len(all_slots) - len(missing), len(all_slots), missing)


def overview(analysis: SafetyAnalysis) -> list[Completeness]:
    """Completeness of every further language of the analysis, in its order."""
    all_slots = slots(analysis.questionnaire)
    return [completeness(analysis.questionnaire, code, all_slots) for code in analysis.languages if code != SOURCE]


def offered(analysis: SafetyAnalysis, *, preview: bool = False) -> list[str]:
    """The languages respondents may choose: German and every further language whose translation is complete. The
    preview offers all of them."""
    if preview:
        return list(analysis.languages)
    complete = {entry.code for entry in overview(analysis) if entry.complete}
    return [code for code in analysis.languages if code == SOURCE or code in complete]


# Writes -------------------------------------------------------------------------------------------------------------


def _locked(analysis: SafetyAnalysis) -> SafetyAnalysis:
    current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
    if current.status not in QUESTIONNAIRE_EDITABLE:
        raise Refused(FIXED)
    return current


def _bump(questionnaire: Questionnaire) -> None:
    # The questionnaire's version, as every other edit of it raises it (services._bump), under the analysis lock.
    Questionnaire.objects.filter(pk=questionnaire.pk).update(version=questionnaire.version + 1)
    questionnaire.version += 1


def add_language(*, analysis: SafetyAnalysis, code: str, by: User) -> SafetyAnalysis:
    if code not in CODES:
        raise Refused(UNKNOWN_LANGUAGE, "language")
    with transaction.atomic():
        current = _locked(analysis)
        if code in current.languages:
            raise Refused(_("Der Fragebogen hat diese Sprache schon."), "language")
        if len(current.languages) > MAX_LANGUAGES:
            raise Refused(_("Ein Fragebogen hat höchstens %(count)s weitere Sprachen.") % {"count": MAX_LANGUAGES})
        current.languages = [*current.languages, code]
        current.version += 1
        current.save(update_fields=["languages", "version", "updated_at"])
        _bump(current.questionnaire)
        audit.log("surveys.language_added", actor=by, obj=current, data={"language": code})
    return current


def remove_language(*, analysis: SafetyAnalysis, code: str, by: User) -> SafetyAnalysis:
    """Take a language off the questionnaire. Its texts stay in the maps (nobody sees them), so adding the language
    again brings the translation back; German cannot be removed."""
    if code == SOURCE:
        raise Refused(_("Deutsch ist die Sprache des Fragebogens und kann nicht entfernt werden."))
    with transaction.atomic():
        current = _locked(analysis)
        if code not in current.languages:
            raise Refused(_("Der Fragebogen hat diese Sprache nicht."))
        current.languages = [entry for entry in current.languages if entry != code]
        current.version += 1
        current.save(update_fields=["languages", "version", "updated_at"])
        _bump(current.questionnaire)
        audit.log("surveys.language_removed", actor=by, obj=current, data={"language": code})
    return current


def save_translations(
    *,
    analysis: SafetyAnalysis,
    code: str,
    texts: dict[str, str],
    by: User,
    expected_version: int | None = None,
) -> int:
    """Write the translations of one language: `texts` maps slot keys to texts (empty: the translation is removed,
    the text counts as missing again). A key that is not a slot of this questionnaire is refused, so a forged id
    changes nothing. Returns how many texts changed."""
    with transaction.atomic():
        current = _locked(analysis)
        if code not in current.languages or code == SOURCE:
            raise Refused(_("Der Fragebogen hat diese Sprache nicht."))
        questionnaire = Questionnaire.objects.select_for_update().get(analysis=current)
        check_version(questionnaire, expected_version)
        by_key = {slot.key: slot for slot in slots(questionnaire)}
        unknown = set(texts) - set(by_key)
        if unknown:
            raise Refused(_("Diesen Text gibt es in diesem Fragebogen nicht."))
        for key, value in texts.items():
            if len((value or "").strip()) > limit(key):
                raise Refused(
                    _("Bitte kürzen Sie den Text auf höchstens %(count)s Zeichen.") % {"count": limit(key)}, key
                )
        changed = 0
        for key, value in texts.items():
            value = (value or "").strip()
            slot = by_key[key]
            if slot.text(code) == value:
                continue
            new = dict(slot.texts)
            if value:
                new[code] = value
            else:
                new.pop(code, None)
            _write(questionnaire, key, new)
            changed += 1
        if changed:
            _bump(questionnaire)
            audit.log(
                "surveys.translation_saved",
                actor=by,
                obj=current,
                data={"language": code, "changed": changed},
            )
    return changed


def limit(key: str) -> int:
    return LIMITS[key.partition("-")[0]]


def _write(questionnaire: Questionnaire, key: str, texts: dict) -> None:
    kind, _sep, pk = key.partition("-")
    if kind == "intro":
        Questionnaire.objects.filter(pk=questionnaire.pk).update(intro=texts)
    elif kind == "section":
        Section.objects.filter(pk=pk, questionnaire=questionnaire).update(title=texts)
    elif kind == "text":
        Question.objects.filter(pk=pk, questionnaire=questionnaire).update(text=texts)
    elif kind == "help":
        Question.objects.filter(pk=pk, questionnaire=questionnaire).update(help=texts)
    elif kind == "option":
        Option.objects.filter(pk=pk, question__questionnaire=questionnaire).update(label=texts)
    elif kind == "row":
        MatrixRow.objects.filter(pk=pk, question__questionnaire=questionnaire).update(label=texts)


def keep_further(old: dict | None, new: dict) -> dict:
    """A text map from a form that edits German and English only: the other languages' texts of the same item are
    kept, so editing a question does not erase its translations."""
    result = dict(new)
    for code, text in (old or {}).items():
        if code not in ("de", "en") and code not in result and text:
            result[code] = text
    return result
