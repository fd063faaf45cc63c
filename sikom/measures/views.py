from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sikom.accounts.decorators import staff_required
from sikom.cases.selectors import get_case_for
from sikom.core import audit
from sikom.core.choices import choice_label
from sikom.measures import catalogue, selectors, services
from sikom.measures.forms import PlanMeasureForm, UpdateMeasureForm
from sikom.measures.models import CaseMeasure, MeasureStatus


def _plan_form(case, organisations, defaults, recommended, data=None, kind: str | None = None):
    if data is None:
        kind = (
            kind
            if kind in catalogue.CATALOGUE
            else (recommended[0] if recommended else next(iter(catalogue.CATALOGUE)))
        )
        default = defaults[kind]
        initial = {"kind": kind, "responsible": default.pk if default else None}
    else:
        initial = None
    return PlanMeasureForm(
        data,
        initial=initial,
        organisations=organisations,
        recommended=recommended,
        responsible_url=reverse("measures:responsible", args=[case.number]),
    )


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def measure_list(request: HttpRequest, number: str) -> HttpResponse:
    case = get_case_for(request.user, number)
    may_manage = selectors.can_manage_measures(request.user, case)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    organisations = selectors.responsible_choices(case)
    defaults = selectors.default_responsibles(case, choices=organisations)
    recommendations = selectors.recommendations_for(case)
    recommended = [recommendation.kind for recommendation in recommendations]
    form = None
    status = 200
    if may_manage and request.method == "POST":
        form = _plan_form(case, organisations, defaults, recommended, data=request.POST)
        if form.is_valid():
            try:
                measure = services.plan_measure(
                    case=case,
                    kind=form.cleaned_data["kind"],
                    responsible=form.cleaned_data["responsible"],
                    by=request.user,
                    starts_on=form.cleaned_data["starts_on"],
                    notes=form.cleaned_data["notes"],
                )
            except services.OnlyLeadMayAssign as refusal:
                form.add_error(refusal.field, refusal.message)
            except services.MeasureInvalid as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                messages.success(
                    request,
                    _("Die Maßnahme »%(title)s« ist geplant (zuständig: %(responsible)s).")
                    % {"title": measure.title, "responsible": measure.responsible.name},
                )
                return redirect("measures:list", number=case.number)
        status = 400
    else:
        audit.log("case.measures_viewed", actor=request.user, obj=case)
        if may_manage:
            form = _plan_form(case, organisations, defaults, recommended, kind=request.GET.get("art"))
    return render(
        request,
        "measures/measure_list.html",
        {
            "case": case,
            "measures": selectors.measures_for(case),
            "recommendations": [(recommendation, defaults[recommendation.kind]) for recommendation in recommendations],
            "rules": catalogue.RULES,
            "catalogue": [(entry, defaults[code]) for code, entry in catalogue.CATALOGUE.items()],
            "can_manage_measures": may_manage,
            "form": form,
        },
        status=status,
    )


@staff_required()
@require_GET
def responsible_field(request: HttpRequest, number: str) -> HttpResponse:
    """htmx fragment: the agency select with the default for the chosen measure preselected."""
    case = get_case_for(request.user, number)
    if not selectors.can_manage_measures(request.user, case):
        raise PermissionDenied
    organisations = selectors.responsible_choices(case)
    defaults = selectors.default_responsibles(case, choices=organisations)
    form = _plan_form(case, organisations, defaults, [], kind=request.GET.get("kind"))
    return render(request, "measures/partials/responsible_field.html", {"form": form})


def _readable(name: str, value) -> str:
    if value in (None, ""):
        return ""
    if name == "status":
        return str(choice_label(MeasureStatus, value))
    if name == "kind":
        return str(catalogue.CATALOGUE[value].title) if value in catalogue.CATALOGUE else str(value)
    if name in ("starts_on", "ends_on"):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


FIELD_LABELS = {
    "kind": gettext_lazy("Maßnahme"),
    "responsible": gettext_lazy("Zuständige Stelle"),
    "status": gettext_lazy("Status"),
    "starts_on": gettext_lazy("Beginn"),
    "ends_on": gettext_lazy("Ende"),
    "notes": gettext_lazy("Notizen"),
}
FIELD_ORDER = list(FIELD_LABELS)


def _history(measure: CaseMeasure) -> list[dict]:
    rows = []
    for change in selectors.history_of(measure):
        fields = sorted(change.changes or {}, key=lambda name: FIELD_ORDER.index(name) if name in FIELD_ORDER else 99)
        rows.append(
            {
                "change": change,
                "fields": [
                    {
                        "label": str(FIELD_LABELS.get(name, name)),
                        "old": _readable(name, change.changes[name][0]),
                        "new": _readable(name, change.changes[name][1]),
                    }
                    for name in fields
                ],
            }
        )
    return rows


def _update_form(measure: CaseMeasure, data=None) -> UpdateMeasureForm:
    initial = None
    if data is None:
        initial = {
            "status": measure.status,
            "starts_on": measure.starts_on,
            "ends_on": measure.ends_on,
            "notes": measure.notes,
            "version": measure.version,
        }
    return UpdateMeasureForm(data, initial=initial, current_status=measure.status)


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def measure_detail(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = get_case_for(request.user, number)
    measure = get_object_or_404(selectors.measures_for(case), pk=pk)
    may_manage = selectors.can_manage_measures(request.user, case)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    form = None
    status = 200
    if may_manage and request.method == "POST":
        form = _update_form(measure, request.POST)
        if form.is_valid():
            try:
                services.update_measure(
                    measure=measure,
                    by=request.user,
                    status=form.cleaned_data["status"],
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    notes=form.cleaned_data["notes"],
                    expected_version=form.cleaned_data["version"] or 0,
                )
            except services.MeasureConflict as conflict:
                # Keep what the person typed, show the current state beside it, and base a new attempt on it.
                measure = get_object_or_404(selectors.measures_for(case), pk=pk)
                data = request.POST.copy()
                data["version"] = str(conflict.current.version)
                form = _update_form(measure, data)
                form.is_valid()
                form.add_error(None, conflict.message)
            except services.MeasureInvalid as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                messages.success(request, _("Die Änderungen sind gespeichert."))
                return redirect("measures:detail", number=case.number, pk=measure.pk)
        status = 400
    else:
        audit.log("case.measure_viewed", actor=request.user, obj=case, data={"measure": measure.pk})
        if may_manage:
            form = _update_form(measure)
    return render(
        request,
        "measures/measure_detail.html",
        {
            "case": case,
            "measure": measure,
            "history": _history(measure),
            "can_manage_measures": may_manage,
            "form": form,
        },
        status=status,
    )
