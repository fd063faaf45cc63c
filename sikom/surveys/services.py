"""Writes of the safety analyses: one transaction each, audited for staff actions. Respondents' actions (entering a
code, saving, submitting) are not audited: an audit entry carries a time and would let someone line up answers with
codes (decision 0029).

Callers (views) decide access through `selectors`; these functions check the domain rules again, so a forged
request saves nothing."""

import hashlib
import hmac
import random
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import OrganisationType, User
from sikom.core import audit, crypto
from sikom.core.versions import check_version
from sikom.councils import services as council_services
from sikom.councils.models import AnalysisSource, AnalysisStatus, SafetyAnalysisStatus
from sikom.surveys import bank, logic
from sikom.surveys.languages import CODES, keep_further
from sikom.surveys.models import (
    AnalysisState,
    AnalysisStatusChange,
    Condition,
    Invitation,
    InvitationKind,
    InvitationStatus,
    MatrixRow,
    Milestone,
    MilestoneKind,
    Option,
    Question,
    Questionnaire,
    QuestionType,
    Response,
    ResponseChannel,
    SafetyAnalysis,
    Section,
    TeamMember,
    WeightingRole,
)
from sikom.surveys.workflow import ANALYSIS, INVITATIONS_OPEN, QUESTIONNAIRE_EDITABLE


class Refused(Exception):
    """A domain rule refused the write; `field` names the form field the German message belongs to (or None)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


QUESTIONNAIRE_FIXED = _(
    "Der Fragebogen ist festgelegt, seit die Befragung läuft. Änderungen sind nur in der Planungsphase möglich."
)
# Every language a questionnaire may have (decision 0046: the list of `languages`).
LANGUAGES_OFFERED = {"de", *CODES}
MAX_CODES_PER_CALL = 20_000


# Analyses ----------------------------------------------------------------------------------------------------------


def _check_plan(data: dict[str, Any]) -> None:
    start, end = data.get("field_start"), data.get("field_end")
    if start and end and end < start:
        raise Refused(_("Das Ende der Feldphase muss nach ihrem Beginn liegen."), "field_end")
    year = data.get("year")
    if year is not None and not 2000 <= year <= 2100:
        raise Refused(_("Bitte geben Sie ein Jahr zwischen 2000 und 2100 an."), "year")
    languages = data.get("languages")
    if languages is not None and (not languages or languages[0] != "de" or set(languages) - LANGUAGES_OFFERED):
        raise Refused(_("Deutsch ist immer die erste Sprache des Fragebogens."), "languages")


def create_analysis(
    *,
    municipality,
    title: str,
    year: int,
    by: User | None,
    field_start: date | None = None,
    field_end: date | None = None,
    languages: list[str] | None = None,
    standard: bool = True,
    demo: bool = False,
) -> SafetyAnalysis:
    """A new analysis in planning: the eight milestones, the creator on the team and a questionnaire — the standard
    item bank (`standard`) or empty."""
    data = {"field_start": field_start, "field_end": field_end, "year": year, "languages": languages}
    _check_plan(data)
    with transaction.atomic():
        analysis = SafetyAnalysis.objects.create(
            municipality=municipality,
            title=title,
            year=year,
            field_start=field_start,
            field_end=field_end,
            languages=languages or ["de", "en"],
            created_by=by,
            is_demo=demo,
        )
        AnalysisStatusChange.objects.create(analysis=analysis, from_status="", to_status=AnalysisState.PLANNED, by=by)
        Milestone.objects.bulk_create(
            Milestone(analysis=analysis, kind=kind, position=i) for i, kind in enumerate(MilestoneKind.values)
        )
        if by is not None and _may_join(analysis, by):
            TeamMember.objects.create(analysis=analysis, user=by)
        questionnaire = Questionnaire.objects.create(analysis=analysis)
        if standard:
            _load_bank(questionnaire)
        audit.log("surveys.analysis_created", actor=by, obj=analysis, data={"year": year, "standard": standard})
    return analysis


def update_analysis(*, analysis: SafetyAnalysis, data: dict[str, Any], by: User, expected_version: int | None = None):
    _check_plan(data)
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        check_version(current, expected_version)
        if current.status in (AnalysisState.DONE, AnalysisState.CANCELLED):
            raise Refused(_("Eine abgeschlossene oder abgebrochene Analyse kann nicht mehr geändert werden."))
        for name in ("title", "year", "field_start", "field_end", "languages"):
            if name in data:
                setattr(current, name, data[name])
        current.version += 1
        current.save()
        audit.log("surveys.analysis_updated", actor=by, obj=current, data={"year": current.year})
    return current


def update_milestones(*, analysis: SafetyAnalysis, dates: dict[str, tuple[date | None, date | None]], by: User):
    """Planned and done dates per milestone kind; a done date may not lie in the future."""
    today = timezone.localdate()
    for kind, (_planned, done) in dates.items():
        if kind not in MilestoneKind.values:
            raise Refused(_("Diesen Meilenstein gibt es nicht."))
        if done and done > today:
            raise Refused(_("Ein Meilenstein kann nicht in der Zukunft erledigt sein."), f"{kind}-done_on")
    with transaction.atomic():
        SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        for milestone in analysis.milestones.all():
            if milestone.kind in dates:
                milestone.planned_on, milestone.done_on = dates[milestone.kind]
                milestone.save(update_fields=["planned_on", "done_on"])
        audit.log("surveys.milestones_updated", actor=by, obj=analysis)


def change_status(
    *, analysis: SafetyAnalysis, to: str, by: User | None, reason: str = "", on: date | None = None
) -> SafetyAnalysis:
    """Move the analysis along its workflow and drive the municipality's row in `councils.SafetyAnalysisStatus`
    (decision 0022): starting creates it (or takes over an open row entered by hand), completing sets it done,
    cancelling a started analysis removes it. ``on``: the day it was completed, when not today — only for the demo's
    earlier wave (`wave_demo`), whose councils row must carry its 2023 date."""
    try:
        with transaction.atomic():
            current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
            ANALYSIS.check(current.status, to, reason=reason)
            today = on or timezone.localdate()
            if to == AnalysisState.RUNNING:
                if not current.questionnaire.questions.exists():
                    raise Refused(_("Der Fragebogen hat noch keine Fragen."))
                current.status_record = _open_status_record(current, by)
            elif to == AnalysisState.DONE and current.status_record_id:
                record = SafetyAnalysisStatus.objects.get(pk=current.status_record_id)
                current.status_record = council_services.record_analysis_status(
                    municipality=current.municipality,
                    by=by,
                    analysis=record,
                    source=AnalysisSource.SURVEY,
                    data={
                        "status": AnalysisStatus.DONE,
                        "year": today.year,
                        "completed_on": today,
                        "note": record.note,
                    },
                )
            elif to == AnalysisState.CANCELLED and current.status_record_id:
                council_services.withdraw_analysis_status(
                    analysis=SafetyAnalysisStatus.objects.get(pk=current.status_record_id), by=by
                )
                current.status_record = None
            AnalysisStatusChange.objects.create(
                analysis=current, from_status=current.status, to_status=to, by=by, reason=reason.strip()
            )
            current.status = to
            current.version += 1
            current.save()
            if to in (AnalysisState.DONE, AnalysisState.CANCELLED):
                # No code can be used any more; unsubmitted drafts hold answers nobody will send.
                current.invitations.exclude(status=InvitationStatus.SUBMITTED).update(draft=None)
            audit.log("surveys.status_changed", actor=by, obj=current, data={"to": to})
    except council_services.Refused as error:
        raise Refused(error.message, "to") from error
    return current


def _open_status_record(analysis: SafetyAnalysis, by) -> SafetyAnalysisStatus:
    """The councils row for a started analysis: an open row entered by hand for the municipality is taken over (it
    described this very analysis), otherwise a new one."""
    data = {"status": AnalysisStatus.RUNNING, "year": analysis.year, "completed_on": None, "note": ""}
    manual = (
        SafetyAnalysisStatus.objects.filter(municipality=analysis.municipality)
        .exclude(status=AnalysisStatus.DONE)
        .first()
    )
    if manual is not None and manual.source == AnalysisSource.SURVEY:
        raise Refused(_("Für diese Gemeinde läuft schon eine andere Sicherheitsanalyse."), "to")
    return council_services.record_analysis_status(
        municipality=analysis.municipality,
        by=by,
        data={**data, "note": manual.note if manual else ""},
        analysis=manual,
        source=AnalysisSource.SURVEY,
    )


# Team --------------------------------------------------------------------------------------------------------------


def _may_join(analysis: SafetyAnalysis, user: User) -> bool:
    organisation = user.organisation
    if organisation is None or not user.is_active:
        return False
    if organisation.type == OrganisationType.ASSKOMM:
        return True
    return (
        organisation.type == OrganisationType.MUNICIPALITY and organisation.municipality_id == analysis.municipality_id
    )


def add_team_member(*, analysis: SafetyAnalysis, user: User, by: User, task: str = "") -> TeamMember:
    if not _may_join(analysis, user):
        raise Refused(
            _(
                "Zum Team gehören Beschäftigte der Gemeinde und das ASSKomm-Team. Diese Person gehört zu keinem von beiden."
            ),
            "user",
        )
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(analysis=analysis, user=user, task=task.strip()[:200])
            audit.log("surveys.team_added", actor=by, obj=analysis, data={"user": user.pk})
    except IntegrityError as error:
        raise Refused(_("Diese Person gehört schon zum Team."), "user") from error
    return member


def remove_team_member(*, member: TeamMember, by: User) -> None:
    with transaction.atomic():
        analysis = member.analysis
        member.delete()
        audit.log("surveys.team_removed", actor=by, obj=analysis, data={"user": member.user_id})


# Questionnaire -----------------------------------------------------------------------------------------------------


def _editable(questionnaire: Questionnaire) -> Questionnaire:
    """Lock the questionnaire's analysis row and refuse once it runs (called inside the writer's transaction)."""
    analysis = SafetyAnalysis.objects.select_for_update().get(pk=questionnaire.analysis_id)
    if analysis.status not in QUESTIONNAIRE_EDITABLE:
        raise Refused(QUESTIONNAIRE_FIXED)
    return questionnaire


def _texts(pair) -> dict[str, str]:
    return {"de": pair[0], "en": pair[1]}


def _option_rows(entry: dict) -> list[tuple]:
    if "scale" in entry:
        return bank.SCALES[entry["scale"]]
    return entry.get("options", [])


def _add_bank_item(questionnaire: Questionnaire, section: Section, entry: dict, position: int) -> Question:
    question = Question.objects.create(
        questionnaire=questionnaire,
        section=section,
        position=position,
        code=entry["key"],
        type=entry["type"],
        text=_texts(entry["text"]),
        help=_texts(entry["help"]) if "help" in entry else {},
        required=entry.get("required", False),
        min_value=entry.get("min"),
        max_value=entry.get("max"),
        max_length=entry.get("max_length"),
        weighting_role=entry.get("weighting_role", ""),
        bank_key=entry["key"],
    )
    Option.objects.bulk_create(
        Option(
            question=question,
            position=i,
            code=code,
            label={"de": de, "en": en},
            is_missing="missing" in flags,
            exclusive="exclusive" in flags,
        )
        for i, (code, de, en, *flags) in enumerate(_option_rows(entry))
    )
    MatrixRow.objects.bulk_create(
        MatrixRow(question=question, position=i, code=code, label={"de": de, "en": en})
        for i, (code, de, en) in enumerate(entry.get("rows", []))
    )
    if "condition" in entry:
        source_code, codes = entry["condition"]
        source = questionnaire.questions.filter(code=source_code).first()
        if source is not None:
            Condition.objects.create(question=question, source=source, option_codes=list(codes))
    return question


def _load_bank(questionnaire: Questionnaire) -> None:
    for s_index, section_entry in enumerate(bank.SECTIONS):
        section = Section.objects.create(
            questionnaire=questionnaire, position=s_index, title=_texts(section_entry["title"])
        )
        for q_index, entry in enumerate(section_entry["items"]):
            _add_bank_item(questionnaire, section, entry, q_index)
    questionnaire.bank_version = bank.BANK_VERSION
    questionnaire.save(update_fields=["bank_version", "updated_at"])


def _bump(questionnaire: Questionnaire) -> None:
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        version=questionnaire.version + 1, updated_at=timezone.now()
    )
    questionnaire.version += 1


def add_bank_item(*, questionnaire: Questionnaire, key: str, section: Section, by: User) -> Question:
    """Add one item of the standard bank (its condition only if the source question is present)."""
    entry = bank.item(key)
    if entry is None:
        raise Refused(_("Diese Frage gibt es im Fragenkatalog nicht."), "key")
    if section.questionnaire_id != questionnaire.pk:
        raise Refused(_("Diesen Abschnitt gibt es in diesem Fragebogen nicht."), "section")
    with transaction.atomic():
        _editable(questionnaire)
        if questionnaire.questions.filter(code=key).exists():
            raise Refused(_("Diese Frage ist schon im Fragebogen."), "key")
        role = entry.get("weighting_role", "")
        if role and questionnaire.questions.filter(weighting_role=role).exists():
            raise Refused(_("Eine Frage mit dieser Rolle in der Gewichtung ist schon im Fragebogen."), "key")
        position = (section.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        question = _add_bank_item(questionnaire, section, entry, position)
        _bump(questionnaire)
        audit.log("surveys.question_added", actor=by, obj=questionnaire.analysis, data={"code": key, "bank": True})
    return question


def save_intro(*, questionnaire: Questionnaire, texts: dict[str, str], by: User) -> Questionnaire:
    """The introduction on the first page, per language."""
    with transaction.atomic():
        _editable(questionnaire)
        questionnaire.intro = keep_further(
            questionnaire.intro, {code: text.strip() for code, text in texts.items() if text and text.strip()}
        )
        questionnaire.save(update_fields=["intro", "updated_at"])
        _bump(questionnaire)
        audit.log("surveys.intro_saved", actor=by, obj=questionnaire.analysis)
    return questionnaire


def save_section(*, questionnaire: Questionnaire, titles: dict[str, str], by: User, section: Section | None = None):
    if not titles.get("de", "").strip():
        raise Refused(_("Bitte geben Sie eine Überschrift an."), "title_de")
    with transaction.atomic():
        _editable(questionnaire)
        if section is None:
            position = (questionnaire.sections.aggregate(m=Max("position"))["m"] or 0) + 1
            section = Section(questionnaire=questionnaire, position=position)
        section.title = keep_further(
            section.title, {code: text.strip() for code, text in titles.items() if text.strip()}
        )
        section.save()
        _bump(questionnaire)
        audit.log("surveys.section_saved", actor=by, obj=questionnaire.analysis, data={"section": section.pk})
    return section


def delete_section(*, section: Section, by: User) -> None:
    with transaction.atomic():
        _editable(section.questionnaire)
        if section.questions.exists():
            raise Refused(_("Der Abschnitt enthält noch Fragen. Bitte verschieben oder löschen Sie diese zuerst."))
        section.delete()
        _bump(section.questionnaire)
        audit.log("surveys.section_deleted", actor=by, obj=section.questionnaire.analysis)


QUESTION_FIELDS = [
    "section",
    "code",
    "type",
    "text",
    "help",
    "required",
    "min_value",
    "max_value",
    "max_length",
    "allow_point",
    "weighting_role",
]
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _check_question(questionnaire: Questionnaire, data: dict[str, Any], question: Question | None) -> None:
    if not _CODE.match(data.get("code", "")):
        raise Refused(
            _(
                "Der Variablenname beginnt mit einem Kleinbuchstaben und enthält nur a–z, 0–9 und _ (höchstens 40 Zeichen)."
            ),
            "code",
        )
    if not (data.get("text") or {}).get("de", "").strip():
        raise Refused(_("Bitte geben Sie den Fragetext auf Deutsch an."), "text_de")
    if data["section"].questionnaire_id != questionnaire.pk:
        raise Refused(_("Diesen Abschnitt gibt es in diesem Fragebogen nicht."), "section")
    if data["type"] not in QuestionType.values:
        raise Refused(_("Diesen Fragetyp gibt es nicht."), "type")
    low, high = data.get("min_value"), data.get("max_value")
    if low is not None and high is not None and high < low:
        raise Refused(_("Der größte Wert muss mindestens so groß sein wie der kleinste."), "max_value")
    for name in ("min_value", "max_value"):
        if data.get(name) is not None and abs(data[name]) > logic.NUMBER_LIMIT:
            raise Refused(_("Bitte bleiben Sie zwischen -1.000.000 und 1.000.000."), name)
    if data.get("max_length") is not None and not 1 <= data["max_length"] <= logic.TEXT_LIMIT:
        raise Refused(_("Bitte geben Sie eine Länge von 1 bis 2000 Zeichen an."), "max_length")
    role = data.get("weighting_role", "")
    if role not in WeightingRole.values:
        raise Refused(_("Diese Rolle gibt es nicht."), "weighting_role")
    if role and data["type"] != QuestionType.SINGLE:
        raise Refused(_("Eine Gewichtungsvariable ist eine Frage mit Einfachauswahl."), "weighting_role")
    others = questionnaire.questions.exclude(pk=question.pk if question else None)
    if others.filter(code=data["code"]).exists():
        raise Refused(_("Diesen Variablennamen hat schon eine andere Frage."), "code")
    if role and others.filter(weighting_role=role).exists():
        raise Refused(_("Eine andere Frage hat schon diese Rolle in der Gewichtung."), "weighting_role")


def save_question(
    *, questionnaire: Questionnaire, data: dict[str, Any], by: User, question: Question | None = None
) -> Question:
    """Create or change a custom question (also one from the bank: then it keeps its bank key)."""
    _check_question(questionnaire, data, question)
    with transaction.atomic():
        _editable(questionnaire)
        if question is None:
            position = (data["section"].questions.aggregate(m=Max("position"))["m"] or 0) + 1
            question = Question(questionnaire=questionnaire, position=position)
        elif question.type != data["type"]:
            # Options, rows and conditions of another type mean something else; start again.
            question.options.all().delete()
            question.rows.all().delete()
        old_text, old_help = dict(question.text), dict(question.help)
        for name in QUESTION_FIELDS:
            if name in data:
                setattr(question, name, data[name])
        question.text = keep_further(
            old_text, {k: v.strip() for k, v in (data.get("text") or {}).items() if v and v.strip()}
        )
        question.help = keep_further(
            old_help, {k: v.strip() for k, v in (data.get("help") or {}).items() if v and v.strip()}
        )
        question.save()
        _check_conditions_order(questionnaire)
        _bump(questionnaire)
        audit.log("surveys.question_saved", actor=by, obj=questionnaire.analysis, data={"code": question.code})
    return question


def delete_question(*, question: Question, by: User) -> None:
    questionnaire = question.questionnaire
    with transaction.atomic():
        _editable(questionnaire)
        if question.dependents.exists():
            raise Refused(_("Andere Fragen hängen von dieser Frage ab. Bitte entfernen Sie zuerst deren Bedingungen."))
        code = question.code
        question.delete()
        _bump(questionnaire)
        audit.log("surveys.question_deleted", actor=by, obj=questionnaire.analysis, data={"code": code})


def _check_items(items: list[dict], field: str) -> None:
    codes = [item["code"] for item in items]
    if any(not re.match(r"^[A-Za-z0-9_+\-]{1,20}$", code) for code in codes):
        raise Refused(_("Ein Wert besteht aus 1 bis 20 Buchstaben, Ziffern, _, + oder -."), field)
    if len(set(codes)) != len(codes):
        raise Refused(_("Jeder Wert darf nur einmal vorkommen."), field)
    if any(not item["label"].get("de", "").strip() for item in items):
        raise Refused(_("Jede Zeile braucht eine deutsche Beschriftung."), field)
    if len(items) > 60:
        raise Refused(_("Höchstens 60 Einträge."), field)


def save_options(*, question: Question, options: list[dict], by: User) -> None:
    """Replace the options (columns of a matrix, named places): dicts with code, label ({lang: text}), is_missing,
    exclusive. Conditions that name a removed option lose it."""
    if question.type in (QuestionType.NUMBER, QuestionType.TEXT) and options:
        raise Refused(_("Diese Frage hat keine Antwortmöglichkeiten."), "options")
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATRIX) and len(options) < 2:
        raise Refused(_("Bitte geben Sie mindestens zwei Antwortmöglichkeiten an."), "options")
    _check_items(options, "options")
    with transaction.atomic():
        _editable(question.questionnaire)
        # Translations into further languages follow the option's code (decision 0046).
        old = {option.code: option.label for option in question.options.all()}
        question.options.all().delete()
        Option.objects.bulk_create(
            Option(
                question=question,
                position=i,
                code=item["code"],
                label=keep_further(
                    old.get(item["code"]), {k: v.strip() for k, v in item["label"].items() if v and v.strip()}
                ),
                is_missing=bool(item.get("is_missing")),
                exclusive=bool(item.get("exclusive")) and question.type == QuestionType.MULTIPLE,
            )
            for i, item in enumerate(options)
        )
        codes = {item["code"] for item in options}
        for condition in Condition.objects.filter(source=question):
            condition.option_codes = [code for code in condition.option_codes if code in codes]
            condition.save(update_fields=["option_codes"])
        _bump(question.questionnaire)
        audit.log("surveys.options_saved", actor=by, obj=question.questionnaire.analysis, data={"code": question.code})


def save_rows(*, question: Question, rows: list[dict], by: User) -> None:
    if question.type != QuestionType.MATRIX:
        raise Refused(_("Nur eine Bewertungsmatrix hat Zeilen."), "rows")
    if not rows:
        raise Refused(_("Bitte geben Sie mindestens eine Zeile an."), "rows")
    _check_items(rows, "rows")
    with transaction.atomic():
        _editable(question.questionnaire)
        old = {row.code: row.label for row in question.rows.all()}
        question.rows.all().delete()
        MatrixRow.objects.bulk_create(
            MatrixRow(
                question=question,
                position=i,
                code=item["code"],
                label=keep_further(
                    old.get(item["code"]), {k: v.strip() for k, v in item["label"].items() if v and v.strip()}
                ),
            )
            for i, item in enumerate(rows)
        )
        _bump(question.questionnaire)
        audit.log("surveys.rows_saved", actor=by, obj=question.questionnaire.analysis, data={"code": question.code})


def _order_key(question: Question) -> tuple:
    return (question.section.position, question.section_id, question.position, question.pk)


def _check_conditions_order(questionnaire: Questionnaire) -> None:
    """A condition's source must come before the question (in questionnaire order): the skip logic is applied on the
    server with the answers already sent. A follow-up on the same page appears when the page is sent (decision
    0030)."""
    for condition in Condition.objects.filter(question__questionnaire=questionnaire).select_related(
        "question__section", "source__section"
    ):
        if _order_key(condition.source) >= _order_key(condition.question):
            raise Refused(_("Eine Bedingung kann sich nur auf eine frühere Frage beziehen."), "condition")


def set_condition(*, question: Question, source: Question | None, option_codes: list[str], by: User) -> None:
    """Show `question` only if `source` was answered with one of `option_codes`; `source=None` removes it."""
    with transaction.atomic():
        _editable(question.questionnaire)
        question.conditions.all().delete()
        if source is not None:
            if source.questionnaire_id != question.questionnaire_id or source.pk == question.pk:
                raise Refused(_("Diese Frage gibt es in diesem Fragebogen nicht."), "source")
            if source.type not in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.PLACE):
                raise Refused(_("Bedingungen sind nur auf Auswahlfragen möglich."), "source")
            valid = set(source.options.values_list("code", flat=True))
            if not option_codes or set(option_codes) - valid:
                raise Refused(_("Bitte wählen Sie mindestens eine Antwort der gewählten Frage."), "option_codes")
            Condition.objects.create(question=question, source=source, option_codes=list(option_codes))
            _check_conditions_order(question.questionnaire)
        _bump(question.questionnaire)
        audit.log(
            "surveys.condition_saved",
            actor=by,
            obj=question.questionnaire.analysis,
            data={"code": question.code, "source": source.code if source else None},
        )


def move_question(*, question: Question, direction: int, by: User) -> None:
    """One step up (-1) or down (+1) within its page, or onto the neighbouring page at the page's edge."""
    questionnaire = question.questionnaire
    with transaction.atomic():
        _editable(questionnaire)
        siblings = list(question.section.questions.order_by("position", "pk"))
        for i, item in enumerate(siblings):
            item.position = i
        index = next(i for i, item in enumerate(siblings) if item.pk == question.pk)
        target = index + direction
        if 0 <= target < len(siblings):
            siblings[index], siblings[target] = siblings[target], siblings[index]
            for i, item in enumerate(siblings):
                item.position = i
            Question.objects.bulk_update(siblings, ["position"])
        else:
            sections = list(questionnaire.sections.order_by("position", "pk"))
            s_index = next(i for i, s in enumerate(sections) if s.pk == question.section_id)
            if not 0 <= s_index + direction < len(sections):
                return
            other = sections[s_index + direction]
            others = list(other.questions.order_by("position", "pk"))
            question.section = other
            question.save(update_fields=["section"])
            ordered = [question, *others] if direction > 0 else [*others, question]
            for i, item in enumerate(ordered):
                item.position = i
            Question.objects.bulk_update(ordered, ["position"])
        _check_conditions_order(questionnaire)
        _bump(questionnaire)
        audit.log("surveys.question_moved", actor=by, obj=questionnaire.analysis, data={"code": question.code})


def move_section(*, section: Section, direction: int, by: User) -> None:
    """One page up (-1) or down (+1): swaps places with its neighbour; at the first or last place nothing happens.
    Refused when a skip condition would then refer to a later question."""
    if direction not in (-1, 1):
        raise Refused(_("Diese Richtung gibt es nicht."))
    questionnaire = section.questionnaire
    with transaction.atomic():
        _editable(questionnaire)
        sections = list(questionnaire.sections.order_by("position", "pk"))
        index = next(i for i, item in enumerate(sections) if item.pk == section.pk)
        target = index + direction
        if not 0 <= target < len(sections):
            return
        sections[index], sections[target] = sections[target], sections[index]
        # Renumbered from 0: positions of older questionnaires may repeat or have gaps.
        for i, item in enumerate(sections):
            item.position = i
        Section.objects.bulk_update(sections, ["position"])
        _check_conditions_order(questionnaire)
        _bump(questionnaire)
        audit.log(
            "surveys.section_moved",
            actor=by,
            obj=questionnaire.analysis,
            data={"section": section.pk, "direction": direction, "position": target},
        )


# Access codes ------------------------------------------------------------------------------------------------------

# 12 characters from 31 letters and digits without look-alikes (0/O, 1/I/L): about 59 bits, shown in groups of four.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
_CODE_MAC_PURPOSE = b"survey access code"
CODE_HMAC_PREFIX = "hmac1"


@dataclass(frozen=True)
class IssuedCode:
    invitation_id: int
    stratum: str
    code: str  # the plain code, e.g. »ABCD-EFGH-JKMN«: shown or printed once, never stored


def normalise_code(raw: str) -> str:
    """What a person typed, as the code: upper case, without spaces and dashes; O and I/L read as 0 and 1 are
    impossible, so they stay and simply do not match."""
    return re.sub(r"[\s\-]", "", (raw or "")[:64]).upper()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _mac(key: bytes, code: str) -> str:
    return hmac.new(key, code.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def hash_code(code: str) -> str:
    key_id, key = crypto.mac_keys(_CODE_MAC_PURPOSE)[0]
    return f"{CODE_HMAC_PREFIX}${key_id}${_mac(key, normalise_code(code))}"


def code_hashes(code: str) -> list[str]:
    """The code's hash under every configured key: a code issued before a key rotation is still found."""
    plain = normalise_code(code)
    return [f"{CODE_HMAC_PREFIX}${key_id}${_mac(key, plain)}" for key_id, key in crypto.mac_keys(_CODE_MAC_PURPOSE)]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_invitations(
    *, analysis: SafetyAnalysis, strata: dict[str, int], by: User | None, demo: bool = False
) -> list[IssuedCode]:
    """Make `strata[label]` access codes per stratum and return them in plain text — the only moment they exist in
    clear (for the letters or a one-time download). The database keeps their keyed hashes."""
    total = sum(strata.values())
    if any(count < 0 for count in strata.values()) or total < 1:
        raise Refused(_("Bitte geben Sie eine Anzahl von mindestens 1 an."), "count")
    if total > MAX_CODES_PER_CALL:
        raise Refused(_("Höchstens 20.000 Zugangscodes auf einmal."), "count")
    if any(len(label) > 100 for label in strata):
        raise Refused(_("Die Bezeichnung der Schicht ist zu lang (höchstens 100 Zeichen)."), "stratum")
    issued: list[tuple[str, str]] = []
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        if current.status not in INVITATIONS_OPEN:
            raise Refused(_("Für eine abgeschlossene oder abgebrochene Analyse gibt es keine neuen Zugangscodes."))
        rows = []
        for label, count in strata.items():
            for _i in range(count):
                code = _new_code()
                issued.append((label.strip(), code))
                rows.append(
                    Invitation(analysis=current, code_hash=hash_code(code), stratum=label.strip(), is_demo=demo)
                )
        created = Invitation.objects.bulk_create(rows, batch_size=1000)
        if not all(row.pk for row in created):
            # SQLite and PostgreSQL return the ids; anything else would leave the caller without them.
            created = list(current.invitations.filter(code_hash__in=[row.code_hash for row in rows]).order_by("pk"))
        audit.log("surveys.codes_created", actor=by, obj=current, data={"strata": dict(strata)})
    by_hash = {row.code_hash: row.pk for row in created}
    return [IssuedCode(by_hash[hash_code(code)], label, format_code(code)) for label, code in issued]


def record_letters_sent(
    *, analysis: SafetyAnalysis, invitation_ids: list[int], on: date, by: User | None, reminder: bool = False
) -> int:
    """Note the day the letters (or, with `reminder`, the reminder letters) of these invitations went out; returns
    how many were marked. Only code invitations of this analysis count; for reminders only those not submitted."""
    rows = analysis.invitations.filter(pk__in=invitation_ids, kind=InvitationKind.CODE)
    if reminder:
        rows = rows.exclude(status=InvitationStatus.SUBMITTED)
    with transaction.atomic():
        count = rows.update(**{"reminder_sent_on" if reminder else "letter_sent_on": on})
        audit.log(
            "surveys.reminders_sent" if reminder else "surveys.letters_sent",
            actor=by,
            obj=analysis,
            data={"count": count, "on": on.isoformat()},
        )
    return count


def find_invitation(code: str) -> Invitation | None:
    """The invitation of a typed code, or None (unknown). The caller throttles the attempts."""
    plain = normalise_code(code)
    if len(plain) != CODE_LENGTH or set(plain) - set(CODE_ALPHABET):
        return None
    return Invitation.objects.select_related("analysis").filter(code_hash__in=code_hashes(plain)).first()


def enable_open_link(*, analysis: SafetyAnalysis, enabled: bool, by: User) -> SafetyAnalysis:
    with transaction.atomic():
        current = SafetyAnalysis.objects.select_for_update().get(pk=analysis.pk)
        current.open_token = secrets.token_urlsafe(18) if enabled and not current.open_token else current.open_token
        if not enabled:
            current.open_token = ""
        current.save(update_fields=["open_token", "updated_at"])
        audit.log("surveys.open_link", actor=by, obj=current, data={"enabled": enabled})
    return current


def start_open_invitation(*, analysis: SafetyAnalysis) -> tuple[Invitation, str]:
    """A browser that opens the open link gets an invitation of its own, reached with a random token kept in its
    (signed) cookie, so it can save, resume and submit once like a person with a code."""
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        analysis=analysis, kind=InvitationKind.OPEN, code_hash=hash_code(token), stratum="offen"
    )
    return invitation, token


def find_open_invitation(analysis: SafetyAnalysis, token: str) -> Invitation | None:
    if not token or len(token) > 64 or not re.match(r"^[A-Za-z0-9_-]+$", token):
        return None
    return analysis.invitations.filter(kind=InvitationKind.OPEN, code_hash__in=code_hashes(token)).first()


# Answering ---------------------------------------------------------------------------------------------------------


class AlreadySubmitted(Refused):
    pass


ALREADY_SUBMITTED = _(
    "Mit diesem Zugangscode wurde der Fragebogen bereits abgeschickt. Vielen Dank für Ihre Teilnahme!"
)
NOT_COLLECTING = _("Diese Befragung ist zurzeit nicht geöffnet.")


def is_collecting(analysis: SafetyAnalysis) -> bool:
    today = timezone.localdate()
    return (
        analysis.status == AnalysisState.RUNNING
        and (analysis.field_start is None or analysis.field_start <= today)
        and (analysis.field_end is None or today <= analysis.field_end)
    )


def save_draft(*, invitation: Invitation, answers: dict, texts: dict, page: int, language: str) -> Invitation:
    """Keep what a respondent entered so far (encrypted, on the invitation side) and the page reached."""
    with transaction.atomic():
        current = Invitation.objects.select_for_update().select_related("analysis").get(pk=invitation.pk)
        if current.status == InvitationStatus.SUBMITTED:
            raise AlreadySubmitted(ALREADY_SUBMITTED)
        if not is_collecting(current.analysis):
            raise Refused(NOT_COLLECTING)
        current.draft = {"answers": answers, "texts": texts, "page": page}
        current.draft_language = language[:8]
        current.status = InvitationStatus.STARTED
        current.save(update_fields=["draft", "draft_language", "status"])
    return current


def submit(*, invitation: Invitation, spec: logic.Spec | None = None) -> None:
    """Move the draft into an anonymous `Response` and mark the code used — in one transaction, under the
    invitation's row lock, so a code gives exactly one response also when it is sent twice at the same moment.
    Refuses (nothing changed) when the answers are incomplete or not allowed."""
    with transaction.atomic():
        current = Invitation.objects.select_for_update().select_related("analysis").get(pk=invitation.pk)
        if current.status == InvitationStatus.SUBMITTED:
            raise AlreadySubmitted(ALREADY_SUBMITTED)
        if not is_collecting(current.analysis):
            raise Refused(NOT_COLLECTING)
        questionnaire = current.analysis.questionnaire
        spec = spec or logic.load_spec(questionnaire)
        draft = current.draft or {}
        answers, texts = logic.prune(spec, draft.get("answers") or {}, draft.get("texts") or {})
        errors = logic.check_answers(spec, answers, texts, complete=True)
        if errors:
            code, message = next(iter(errors.items()))
            raise Refused(message, code)
        Response.objects.create(
            questionnaire=questionnaire,
            language=current.draft_language or "de",
            channel=ResponseChannel.OPEN if current.kind == InvitationKind.OPEN else ResponseChannel.ONLINE,
            answers=answers,
            texts=texts or None,
            is_demo=current.is_demo,
        )
        current.status = InvitationStatus.SUBMITTED
        current.used_on = timezone.localdate()
        current.draft = None
        current.draft_language = ""
        current.save(update_fields=["status", "used_on", "draft", "draft_language"])


def record_response(
    *,
    questionnaire: Questionnaire,
    answers: dict,
    texts: dict,
    channel: str,
    language: str = "de",
    by: User | None = None,
    demo: bool = False,
) -> Response:
    """Store one response that did not come through a code online (paper entry, import, demo data), after the same
    checks as online answers. A paper questionnaire may be incomplete: required questions are not enforced."""
    spec = logic.load_spec(questionnaire)
    # Unknown questions and values outside their question are refused even where the skip logic would drop them.
    errors = logic.check_answers(spec, answers, texts, complete=False)
    if errors:
        code, message = next(iter(errors.items()))
        raise Refused(message, code)
    answers, texts = logic.prune(spec, answers, texts)
    with transaction.atomic():
        response = Response.objects.create(
            questionnaire=questionnaire,
            language=language,
            channel=channel,
            answers=answers,
            texts=texts or None,
            completed=not logic.check_answers(spec, answers, texts, complete=True),
            is_demo=demo,
        )
        if by is not None:
            # Staff entering paper forms are audited as an action on the analysis, without the response's id.
            audit.log("surveys.response_recorded", actor=by, obj=questionnaire.analysis, data={"channel": channel})
    return response


# Storage order (decision 0029) -------------------------------------------------------------------------------------


def shuffle_responses() -> dict[str, int]:
    """PostgreSQL stores new rows at the end of the table, so their physical order follows submission order. Once a
    day per questionnaire with new responses, rewrite all its responses in random order (same ids), so neither ids
    nor storage order nor `ctid` tell who answered first. On SQLite the random id is the rowid: nothing to do."""
    if connection.vendor != "postgresql":
        Response.objects.filter(shuffled=False).update(shuffled=True)
        return {"survey_responses_shuffled": 0}
    moved = 0
    pending = Response.objects.filter(shuffled=False).values_list("questionnaire_id", flat=True).distinct()
    for questionnaire_id in list(pending):
        with transaction.atomic():
            Questionnaire.objects.select_for_update().get(pk=questionnaire_id)
            rows = list(Response.objects.filter(questionnaire_id=questionnaire_id))
            random.SystemRandom().shuffle(rows)
            # By id: a response submitted meanwhile is not in `rows` and must stay.
            Response.objects.filter(pk__in=[row.pk for row in rows]).delete()
            for row in rows:
                row.shuffled = True
            Response.objects.bulk_create(rows, batch_size=500)
            moved += len(rows)
    return {"survey_responses_shuffled": moved}
