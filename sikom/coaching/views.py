"""Thin views of the coaching pages: every object is reached through ``selectors.coachings_visible_to`` (read) or
``selectors.coachings_editable_by`` (write); what a person may not see answers 404, what she may only read 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.coaching import files, selectors, services, strategy
from sikom.coaching.forms import (
    CoachingCreateForm,
    CoachingFilterForm,
    CoachingStatusForm,
    DocumentForm,
    MeasureForm,
    ShareForm,
    StepForm,
    TakeOverForm,
)
from sikom.coaching.models import Coaching, StrategyStep
from sikom.coaching.workflow import COACHINGS
from sikom.core import audit
from sikom.core.exports import export_format, table_download

COACHINGS_PER_PAGE = 50


def _visible(request: HttpRequest, pk: int) -> Coaching:
    return get_object_or_404(selectors.coachings_visible_to(request.user), pk=pk)


def _editable(request: HttpRequest, pk: int) -> Coaching:
    """Invisible → 404; visible but only to read (a share) → 403."""
    coaching = _visible(request, pk)
    if not selectors.can_edit(request.user, coaching):
        raise PermissionDenied
    return coaching


def _step(coaching: Coaching, number: int) -> StrategyStep:
    return get_object_or_404(StrategyStep.objects.filter(coaching=coaching), number=number)


@never_cache
@staff_required(selectors.can_open_list)
@require_GET
def coaching_list(request: HttpRequest) -> HttpResponse:
    form = CoachingFilterForm(request.GET or None)
    listing = selectors.coaching_listing(request.user, **form.filters())
    page = Paginator(listing, COACHINGS_PER_PAGE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    query.pop("format", None)
    return render(
        request,
        "coaching/coaching_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": selectors.can_create_coachings(request.user),
            "show_filters": selectors.can_create_coachings(request.user),
        },
    )


@never_cache
@staff_required(selectors.can_open_list)
@require_GET
def coaching_export(request: HttpRequest) -> HttpResponse:
    fmt = export_format(request, default="csv")
    listing = selectors.coaching_listing(request.user, **CoachingFilterForm(request.GET or None).filters())
    audit.log("coaching.exported", actor=request.user, data={"format": fmt})
    header = [
        _("Gemeinde"),
        _("Gemeindeschlüssel"),
        _("Landkreis / Kreisfreie Stadt"),
        _("Beginn"),
        _("Ende"),
        _("Status"),
        _("Schritte erledigt"),
        _("Maßnahmen"),
    ]
    rows = (
        [
            c.municipality.display_name,
            c.municipality.ags,
            c.municipality.district.name,
            c.begun,
            c.finished,
            c.status_label,
            c.steps_done,
            c.measure_count,
        ]
        for c in listing.iterator()
    )
    return table_download(fmt, "Coachingprozesse", header, rows)


@never_cache
@staff_required(selectors.can_create_coachings)
@require_http_methods(["GET", "POST"])
def coaching_create(request: HttpRequest) -> HttpResponse:
    form = CoachingCreateForm(request.POST or None, initial={"begun": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            coaching = services.create_coaching(
                municipality=form.cleaned_data["municipality"],
                begun=form.cleaned_data["begun"],
                coach=request.user,
                by=request.user,
            )
        except services.CoachingInvalid as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(request, _("Der Coachingprozess ist angelegt."))
            return redirect("coaching:detail", pk=coaching.pk)
    return render(request, "coaching/coaching_form.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@staff_required()
@require_GET
def coaching_detail(request: HttpRequest, pk: int) -> HttpResponse:
    coaching = _visible(request, pk)
    can_edit = selectors.can_edit(request.user, coaching)
    return render(
        request,
        "coaching/coaching_detail.html",
        {
            "coaching": coaching,
            "steps": selectors.steps_of(coaching),
            "measures": selectors.measures_of(coaching),
            "shares": selectors.shares_of(coaching),
            "can_edit": can_edit,
            "status_form": CoachingStatusForm() if can_edit and COACHINGS.targets(coaching.status) else None,
        },
    )


@never_cache
@staff_required()
@require_POST
def coaching_status(request: HttpRequest, pk: int) -> HttpResponse:
    coaching = _editable(request, pk)
    form = CoachingStatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(
                coaching=coaching,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except services.CoachingInvalid as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("Der Status ist geändert."))
            return redirect("coaching:detail", pk=coaching.pk)
    return render(
        request,
        "coaching/coaching_detail.html",
        {
            "coaching": coaching,
            "steps": selectors.steps_of(coaching),
            "measures": selectors.measures_of(coaching),
            "shares": selectors.shares_of(coaching),
            "can_edit": True,
            "status_form": form,
        },
        status=400,
    )


def _step_page(request, coaching, step, *, form=None, document_form=None, conflict=None, status=200):
    can_edit = selectors.can_edit(request.user, coaching)
    if can_edit and form is None:
        form = StepForm(
            initial={
                "text": step.text,
                "status": step.status,
                "started": step.started,
                "finished": step.finished,
                "version": step.version,
            }
        )
    return render(
        request,
        "coaching/step.html",
        {
            "coaching": coaching,
            "step": step,
            "documents": selectors.documents_of(step),
            "can_edit": can_edit,
            "form": form if can_edit else None,
            "document_form": (document_form or DocumentForm()) if can_edit else None,
            "conflict": conflict,
            "max_mb": files.max_bytes() // (1024 * 1024) or 1,
        },
        status=status,
    )


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    if request.method == "GET":
        coaching = _visible(request, pk)
        return _step_page(request, coaching, _step(coaching, number))
    coaching = _editable(request, pk)
    step = _step(coaching, number)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _step_page(request, coaching, step, form=form, status=400)
    data = form.cleaned_data
    try:
        services.update_step(
            step=step,
            by=request.user,
            expected_version=data["version"],
            text=data["text"],
            status=data["status"],
            started=data["started"],
            finished=data["finished"],
        )
    except services.StepConflict as conflict:
        # Keep what the person typed, show the newer text beside it, and base a new attempt on the newer version.
        retry = request.POST.copy()
        retry["version"] = str(conflict.current.version)
        form = StepForm(retry)
        form.is_valid()
        form.add_error(
            None,
            _(
                "Dieser Schritt wurde inzwischen von jemand anderem geändert. Ihre Änderungen sind nicht gespeichert. "
                "Unten sehen Sie die neuere Fassung; übernehmen Sie, was Sie behalten möchten, und speichern Sie erneut."
            ),
        )
        return _step_page(request, coaching, conflict.current, form=form, conflict=conflict.current, status=409)
    except services.CoachingInvalid as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return _step_page(request, coaching, step, form=form, status=400)
    messages.success(request, _("Der Schritt ist gespeichert."))
    return redirect("coaching:step", pk=coaching.pk, number=step.number)


@never_cache
@staff_required()
@require_POST
def document_upload(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    coaching = _editable(request, pk)
    step = _step(coaching, number)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(step=step, by=request.user, upload=form.cleaned_data["document"])
        except services.CoachingInvalid as refusal:
            form.add_error("document", refusal.message)
        else:
            messages.success(request, _("Das Dokument ist gespeichert."))
            return redirect("coaching:step", pk=coaching.pk, number=step.number)
    return _step_page(request, coaching, step, document_form=form, status=400)


@never_cache
@staff_required()
@require_GET
def document_download(request: HttpRequest, pk: int, document_id) -> HttpResponse:
    coaching = _visible(request, pk)
    document = get_object_or_404(
        selectors.documents_visible_to(request.user).filter(step__coaching=coaching), pk=document_id
    )
    audit.log("coaching.document_downloaded", actor=request.user, obj=coaching, data={"document": str(document.pk)})
    response = StreamingHttpResponse(files.open_document(document.storage_name), content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = content_disposition_header(
        True, files.download_name(document.original_name, document.content_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@staff_required()
@require_GET
def step_history(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    coaching = _visible(request, pk)
    step = _step(coaching, number)
    return render(
        request,
        "coaching/step_history.html",
        {"coaching": coaching, "step": step, "revisions": selectors.revisions_of(step)},
    )


def _measures_page(request, coaching, form=None, status=200, take_over_form=None):
    can_edit = selectors.can_edit(request.user, coaching)
    if can_edit and take_over_form is None:
        take_over_form = TakeOverForm(queryset=selectors.participation_measures_to_take_over(coaching))
    return render(
        request,
        "coaching/measures.html",
        {
            "coaching": coaching,
            "measures": selectors.measures_of(coaching),
            "can_edit": can_edit,
            "form": (form or MeasureForm()) if can_edit else None,
            "take_over_form": take_over_form if can_edit else None,
        },
        status=status,
    )


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def measures(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _measures_page(request, _visible(request, pk))
    coaching = _editable(request, pk)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.save_measure(coaching=coaching, by=request.user, data=form.cleaned_data)
        except services.CoachingInvalid as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("Die Maßnahme ist eingetragen."))
            return redirect("coaching:measures", pk=coaching.pk)
    return _measures_page(request, coaching, form, status=400)


@never_cache
@staff_required()
@require_POST
def measures_take_over(request: HttpRequest, pk: int) -> HttpResponse:
    """Take measures agreed at the municipality's participation formats into the measures table."""
    coaching = _editable(request, pk)
    form = TakeOverForm(request.POST, queryset=selectors.participation_measures_to_take_over(coaching))
    if form.is_valid():
        try:
            taken = services.take_over_participation_measures(
                coaching=coaching, by=request.user, measures=form.cleaned_data["measures"]
            )
        except services.CoachingInvalid as refusal:
            form.add_error("measures", refusal.message)
        else:
            messages.success(
                request,
                ngettext("%(count)d Maßnahme ist übernommen.", "%(count)d Maßnahmen sind übernommen.", len(taken))
                % {"count": len(taken)},
            )
            return redirect("coaching:measures", pk=coaching.pk)
    return _measures_page(request, coaching, status=400, take_over_form=form)


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    coaching = _editable(request, pk)
    measure = get_object_or_404(selectors.measures_of(coaching), pk=measure_id)
    if request.method == "POST":
        form = MeasureForm(request.POST)
        if form.is_valid():
            try:
                services.save_measure(coaching=coaching, by=request.user, data=form.cleaned_data, measure=measure)
            except services.CoachingInvalid as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            else:
                messages.success(request, _("Die Maßnahme ist gespeichert."))
                return redirect("coaching:measures", pk=coaching.pk)
        status = 400
    else:
        form = MeasureForm(
            initial={name: getattr(measure, name) for name in ("title", "owner", "timing", "due", "status", "source")}
        )
        status = 200
    return render(
        request, "coaching/measure_form.html", {"coaching": coaching, "measure": measure, "form": form}, status=status
    )


@never_cache
@staff_required()
@require_POST
def measure_delete(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    coaching = _editable(request, pk)
    measure = get_object_or_404(selectors.measures_of(coaching), pk=measure_id)
    services.delete_measure(coaching=coaching, by=request.user, measure=measure)
    messages.success(request, _("Die Maßnahme ist gelöscht."))
    return redirect("coaching:measures", pk=coaching.pk)


def _shares_page(request, coaching, form=None, status=200):
    return render(
        request,
        "coaching/shares.html",
        {"coaching": coaching, "shares": selectors.shares_of(coaching), "form": form or ShareForm()},
        status=status,
    )


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def shares(request: HttpRequest, pk: int) -> HttpResponse:
    coaching = _editable(request, pk)
    if request.method == "GET":
        return _shares_page(request, coaching)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            services.share(coaching=coaching, organisation=form.cleaned_data["organisation"], by=request.user)
        except services.CoachingInvalid as refusal:
            form.add_error("organisation", refusal.message)
        else:
            messages.success(request, _("Die Freigabe ist gespeichert."))
            return redirect("coaching:shares", pk=coaching.pk)
    return _shares_page(request, coaching, form, status=400)


@never_cache
@staff_required()
@require_POST
def share_remove(request: HttpRequest, pk: int, organisation_id: int) -> HttpResponse:
    coaching = _editable(request, pk)
    organisation = get_object_or_404(selectors.shares_of(coaching), pk=organisation_id)
    services.unshare(coaching=coaching, organisation=organisation, by=request.user)
    messages.success(request, _("Die Freigabe ist aufgehoben."))
    return redirect("coaching:shares", pk=coaching.pk)


@never_cache
@staff_required()
@require_GET
def strategy_view(request: HttpRequest, pk: int) -> HttpResponse:
    coaching = _visible(request, pk)
    audit.log("coaching.strategy_viewed", actor=request.user, obj=coaching)
    return render(
        request,
        "coaching/strategy.html",
        {**strategy.context(coaching), "pdf_url": reverse("coaching:strategy_pdf", args=[coaching.pk])},
    )


@never_cache
@staff_required()
@require_GET
def strategy_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    coaching = _visible(request, pk)
    audit.log("coaching.strategy_exported", actor=request.user, obj=coaching, data={"format": "pdf"})
    response = HttpResponse(strategy.render_strategy_pdf(coaching), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, strategy.file_name(coaching))
    return response
