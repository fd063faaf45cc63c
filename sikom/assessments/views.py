"""The danger-analysis pages of a case: history, the two-step form (compute the suggestion, then save) and one
assessment in full. Every view gets the case through ``get_case_for`` first: an invisible case answers 404."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sikom.accounts.decorators import staff_required
from sikom.assessments import rules, selectors, services
from sikom.assessments.forms import AssessmentForm
from sikom.assessments.instrument import GROUPS, INSTRUMENT_VERSION, SOURCE, Answer
from sikom.cases.selectors import get_case_for
from sikom.core import audit

COMPUTE, SAVE = "berechnen", "speichern"


def _rules_context() -> dict:
    return {
        "rules": rules.RULES,
        "highest_wins_note": rules.HIGHEST_WINS_NOTE,
        "protective_note": rules.PROTECTIVE_NOTE,
        "unknown_note": rules.UNKNOWN_NOTE,
        "instrument_version": INSTRUMENT_VERSION,
        "source": SOURCE,
    }


@never_cache
@staff_required()
@require_GET
def history(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case_for(request.user, number)
    assessments = list(selectors.assessments_for(case))
    # Newest first: each row is compared with the assessment before it in time, the next one in the list.
    previous = [older.level for older in assessments[1:]] + [None] if assessments else []
    rows = [{"assessment": a, "previous_level": level} for a, level in zip(assessments, previous, strict=True)]
    # The table shows the analysts' reasons: reading it is a read of the case.
    audit.log("case.assessment_history_viewed", actor=request.user, obj=case, data={"count": len(assessments)})
    return render(
        request,
        "assessments/history.html",
        {
            "case": case,
            "rows": rows,
            "can_assess": selectors.can_assess(request.user, case),
            "today": timezone.localdate(),
        },
    )


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case_for(request.user, number)
    if not selectors.can_assess(request.user, case):
        raise PermissionDenied
    answers = None
    if request.method == "GET":
        form = AssessmentForm()
    elif request.POST.get("aktion") == SAVE:
        form = AssessmentForm(request.POST)
        if form.is_valid():
            answers = form.answers()
            try:
                services.record_assessment(
                    case=case,
                    by=request.user,
                    answers=answers,
                    level=form.cleaned_data["level"],
                    override_reason=form.cleaned_data["override_reason"],
                    next_review_on=form.cleaned_data["next_review_on"],
                )
            except services.AssessmentInvalid as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, _("Die Gefahrenanalyse ist gespeichert. Die Gefährdungsstufe des Falls ist gesetzt.")
                )
                return redirect("assessments:history", number=case.number)
        elif form.suggestion is not None:
            answers = form.answers()
    else:
        computed = AssessmentForm(request.POST, compute_only=True)
        if computed.is_valid():
            answers = computed.answers()
            form = AssessmentForm(initial=computed.initial_after_compute(), suggestion=computed.suggestion)
        else:
            form = computed
    suggestion = form.suggestion
    return render(
        request,
        "assessments/form.html",
        {
            "case": case,
            "form": form,
            "suggestion": suggestion,
            "review_suggestion": _review_suggestion(suggestion),
            "open_questions": rules.open_questions(answers) if answers is not None else [],
            "protective_present": rules.protective_factors_present(answers) if answers is not None else [],
            **_rules_context(),
        },
    )


def _review_suggestion(suggestion: rules.Suggestion | None) -> dict | None:
    if suggestion is None:
        return None
    return {
        "on": services.suggested_next_review(suggestion.level),
        "days": settings.ASSESSMENT_REVIEW_DAYS[suggestion.level],
    }


@never_cache
@staff_required()
@require_GET
def detail(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = get_case_for(request.user, number)
    assessment = selectors.get_assessment(case, pk)
    audit.log("case.assessment_viewed", actor=request.user, obj=case, data={"assessment": assessment.pk})
    answers = assessment.answers or {}
    sections = []
    for group in GROUPS:
        items = []
        for item in group.items:
            answer = answers.get(item.code) or {}
            value = answer.get("value", Answer.UNKNOWN)
            items.append(
                {
                    "item": item,
                    "value": value,
                    "value_label": Answer(value).label if value in Answer.values else value,
                    "note": answer.get("note", ""),
                }
            )
        sections.append({"group": group, "items": items})
    # The reasons are recomputed from the stored answers only under the rules they were made with.
    same_rules = assessment.instrument_version == INSTRUMENT_VERSION
    return render(
        request,
        "assessments/detail.html",
        {
            "case": case,
            "assessment": assessment,
            "sections": sections,
            "reasons": rules.suggest_level(answers).reasons if same_rules else [],
            "fired_rules": [rules.RULES_BY_CODE[code] for code in assessment.rules_fired if code in rules.RULES_BY_CODE]
            if same_rules
            else [],
            "open_questions": rules.open_questions(answers),
            "protective_present": rules.protective_factors_present(answers),
            "can_assess": selectors.can_assess(request.user, case),
            **_rules_context(),
        },
    )
