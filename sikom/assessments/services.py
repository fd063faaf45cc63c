"""Recording a danger analysis: the only write. Assessments are append-only; a new one supersedes the last.

The service trusts nothing from the client: it checks every answer against the instrument, computes the
suggestion itself from the answers, and requires a reason whenever the chosen level differs from it (the database
cannot check that, see ``models.py``). The checks raise ``AssessmentInvalid`` with a German message and, where it
belongs to one field, that field's name, so the form can show it at the field.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.accounts.models import User
from sikom.assessments import rules
from sikom.assessments.instrument import INSTRUMENT_VERSION, ITEMS, NOTE_MAX, Answer
from sikom.assessments.models import ThreatAssessment
from sikom.assessments.selectors import organisation_may_assess
from sikom.cases import services as case_services
from sikom.cases.models import Case, RiskLevel
from sikom.core import audit

REVIEW_HORIZON_DAYS = 365
REASON_MAX = 5_000


class AssessmentInvalid(Exception):
    """Carries a German message for the analyst and the name of the field it belongs to (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def clean_answers(answers) -> dict[str, dict[str, str]]:
    """Every item of the instrument answered with an allowed value, notes as text within the limit; nothing else."""
    if not isinstance(answers, dict):
        raise AssessmentInvalid(_("Die Antworten sind unvollständig. Bitte beantworten Sie jeden Punkt."))
    unknown = sorted(str(code) for code in answers if code not in ITEMS)
    if unknown:
        raise AssessmentInvalid(
            _("Diese Punkte gehören nicht zum Instrument: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    cleaned = {}
    for code, item in ITEMS.items():
        answer = answers.get(code)
        if not isinstance(answer, dict) or answer.get("value") in (None, ""):
            raise AssessmentInvalid(_("Bitte beantworten Sie diese Frage."), field=code)
        if answer["value"] not in Answer.values:
            raise AssessmentInvalid(_("Bitte wählen Sie eine der angebotenen Antworten aus."), field=code)
        note = answer.get("note") or ""
        if not isinstance(note, str):
            raise AssessmentInvalid(_("Die Notiz muss ein Text sein."), field=f"{code}_note")
        note = note.strip()
        if len(note) > NOTE_MAX:
            raise AssessmentInvalid(
                _("Bitte verwenden Sie höchstens %(limit)d Zeichen (jetzt: %(count)d).")
                % {"limit": NOTE_MAX, "count": len(note)},
                field=f"{code}_note",
            )
        cleaned[item.code] = {"value": answer["value"], "note": note}
    return cleaned


def check_level(level) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or level not in RiskLevel.values:
        raise AssessmentInvalid(_("Bitte wählen Sie eine Gefährdungsstufe von 1 bis 4."), field="level")
    return level


def check_override_reason(*, level: int, suggested: int, reason) -> str:
    """The reason is required when the level differs from the suggestion; when confirming, none is kept."""
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise AssessmentInvalid(_("Die Begründung muss ein Text sein."), field="override_reason")
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise AssessmentInvalid(
            _("Bitte verwenden Sie höchstens %(limit)d Zeichen (jetzt: %(count)d).")
            % {"limit": REASON_MAX, "count": len(reason)},
            field="override_reason",
        )
    if level == suggested:
        return ""
    if not reason:
        raise AssessmentInvalid(
            _(
                "Sie weichen vom Vorschlag (Stufe %(suggested)s) ab. Bitte begründen Sie, warum Sie Stufe "
                "%(level)s festlegen."
            )
            % {"suggested": RiskLevel(suggested).label, "level": RiskLevel(level).label},
            field="override_reason",
        )
    return reason


def suggested_next_review(level: int, *, today: date | None = None) -> date:
    """The next reassessment the form suggests for a level: the operators' interval for it
    (``settings.ASSESSMENT_REVIEW_DAYS``, a setting, not a rule), counted from today."""
    return (today or timezone.localdate()) + timedelta(days=settings.ASSESSMENT_REVIEW_DAYS[level])


def check_next_review_on(value, *, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if not isinstance(value, date) or isinstance(value, datetime):
        raise AssessmentInvalid(_("Bitte geben Sie ein gültiges Datum an."), field="next_review_on")
    if value < today:
        raise AssessmentInvalid(
            _("Das Datum liegt in der Vergangenheit. Bitte wählen Sie heute oder einen späteren Tag."),
            field="next_review_on",
        )
    if value > today + timedelta(days=REVIEW_HORIZON_DAYS):
        raise AssessmentInvalid(
            _("Bitte legen Sie die nächste Neubewertung auf höchstens ein Jahr ab heute fest (spätestens %(last)s).")
            % {"last": (today + timedelta(days=REVIEW_HORIZON_DAYS)).strftime("%d.%m.%Y")},
            field="next_review_on",
        )
    return value


def record_assessment(
    *, case: Case, by: User, answers: dict, level: int, override_reason: str, next_review_on: date
) -> ThreatAssessment:
    """Check, compute the suggestion, store the assessment and set the case's risk level and reassessment date."""
    cleaned = clean_answers(answers)
    suggestion = rules.suggest_level(cleaned)
    level = check_level(level)
    reason = check_override_reason(level=level, suggested=suggestion.level, reason=override_reason)
    next_review_on = check_next_review_on(next_review_on)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        # Checked again under the lock: the case may have been referred away since the form was opened.
        if not organisation_may_assess(by.organisation, case):
            raise PermissionDenied
        assessment = ThreatAssessment.objects.create(
            case=case,
            instrument_version=INSTRUMENT_VERSION,
            answers=cleaned,
            suggested_level=suggestion.level,
            rules_fired=suggestion.rules_fired,
            level=level,
            override_reason=reason,
            next_review_on=next_review_on,
            assessed_by=by,
            assessed_by_organisation=by.organisation_name,
        )
        case_services.set_risk_level(case=case, level=level, by=by, provisional=False, next_review_on=next_review_on)
        audit.log(
            "case.assessment_recorded",
            actor=by,
            obj=case,
            data={"level": level, "suggested": suggestion.level, "version": INSTRUMENT_VERSION},
        )
    return assessment
