from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.cases.selectors import messages_for_reporter
from sikom.cases.services import post_reporter_message
from sikom.core import throttle
from sikom.geo.selectors import municipality_names
from sikom.intake import selectors, services, steps
from sikom.intake.forms import FollowUpLoginForm, OnlineContentFormSet, ReporterMessageForm
from sikom.intake.receipt_pdf import render_receipt_pdf
from sikom.intake.selectors import FOLLOWUP_SESSION_KEY
from sikom.reports.evidence import MAX_FILES, EvidenceUploadHandler
from sikom.reports.models import ReportDraft

DRAFT_SESSION_KEY = "report_draft"
RECEIPT_SESSION_KEY = "report_receipt"


def _too_many(request: HttpRequest, uploaded=()) -> HttpResponse:
    """The rate limit's answer; files that arrived with the refused request are removed again."""
    for stored in uploaded:
        services.discard_upload(stored)
    wait = throttle.rate_limit_wait_text()
    return render(request, "intake/too_many.html", {"wait": wait}, status=429)


def _session_draft(request: HttpRequest) -> ReportDraft | None:
    draft_id = request.session.get(DRAFT_SESSION_KEY)
    if not draft_id:
        return None
    # Read once per request: the upload view and the step view it wraps, and the views that ask both "current?"
    # and "submitted?", look at the same row. Every write locks and reads the row again (services.save_step).
    loaded = getattr(request, "_session_draft", None)
    if loaded is None or loaded[0] != draft_id:
        loaded = request._session_draft = (draft_id, selectors.draft_by_id(draft_id))
    return loaded[1]


def _current_draft(request: HttpRequest) -> ReportDraft | None:
    draft = _session_draft(request)
    return draft if draft is not None and not draft.submitted_case_id else None


def _submitted_draft(request: HttpRequest) -> ReportDraft | None:
    """The session's draft if it was submitted and the reporter has not yet confirmed noting the code.

    Only the session cookie survives a crash on the browser's side; through it, this finds the case and code of a
    submit whose answer never arrived.
    """
    draft = _session_draft(request)
    return draft if draft is not None and draft.submitted_case_id else None


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if _submitted_draft(request) is not None:  # number and code not yet noted: they come first
        return redirect("intake:confirmation")
    draft = _current_draft(request)
    if request.method == "POST":
        if draft is None or request.POST.get("neu") == "1":
            if not throttle.allow(request, "report_draft"):
                return _too_many(request)
            draft = services.start_draft()
            request.session[DRAFT_SESSION_KEY] = str(draft.pk)
        return redirect("intake:step", slug=steps.first_open_step(draft.answers).slug)
    return render(request, "intake/start.html", {"draft": draft})


def _step_context(step, draft, form, **extra):
    return {
        "form": form,
        "step": step,
        "steps": steps.STEPS,
        "number": steps.index_of(step) + 1,
        "reached": steps.index_of(steps.first_open_step(draft.answers)),
        "previous": steps.previous(step),
        **extra,
    }


def _review_context(draft) -> dict:
    return {"summary": selectors.draft_summary(draft), "items": draft.evidence.all()}


@never_cache
@require_http_methods(["GET", "POST"])
def step_view(request: HttpRequest, slug: str) -> HttpResponse:
    step = steps.BY_SLUG.get(slug)
    if step is None:
        raise Http404
    draft = _current_draft(request)
    if draft is None:
        if _submitted_draft(request) is not None:
            return redirect("intake:confirmation")
        messages.warning(request, _("Ihre Meldung wurde nicht gefunden oder ist abgelaufen. Bitte beginnen Sie neu."))
        return redirect("intake:start")
    if not steps.may_open(step, draft.answers):
        return redirect("intake:step", slug=steps.first_open_step(draft.answers).slug)
    if step.name == "evidence":
        return _evidence_step(request, step, draft)
    if step.name == "online":
        return _online_step(request, step, draft)
    form_class = steps.FORMS[step.name]
    if request.method == "POST":
        form = form_class(request.POST)
        going_back = "zurueck" in request.POST
        if form.is_valid():
            services.save_step(draft=draft, step=step.name, answers=form.answers())
            if going_back:
                return redirect("intake:step", slug=steps.previous(step).slug)
            return redirect("intake:step", slug=steps.following(step).slug)
        if going_back:
            services.save_step(draft=draft, step=step.name, answers=_raw(request.POST, form), complete=False)
            return redirect("intake:step", slug=steps.previous(step).slug)
    else:
        form = form_class(initial=_initial(draft, step))
    extra = {}
    if step.name == "person":
        extra["municipality_names"] = municipality_names()
    if step.name == "review":
        extra.update(_review_context(draft))
    return render(request, f"intake/step_{step.name}.html", _step_context(step, draft, form, **extra))


def _initial(draft, step) -> dict:
    return draft.answers.get("pending", {}).get(step.name) or draft.answers.get(step.name, {})


def _raw(post, form) -> dict:
    """What the person typed, kept when they go back without finishing the step (never submitted as is)."""
    return {name: (post.getlist(name) if len(post.getlist(name)) > 1 else post.get(name, "")) for name in form.fields}


def _online_step(request, step, draft) -> HttpResponse:
    stored = _initial(draft, step).get("entries", [])
    if request.method == "POST":
        formset = OnlineContentFormSet(request.POST)
        # A forged row count falls through to validation, which names the broken form instead of failing.
        if "zeile" in request.POST and formset.management_form.is_valid():
            # One more row: show what was typed plus an empty row, without judging the half-filled rows yet.
            total = min(formset.management_form.cleaned_data["TOTAL_FORMS"], 9)
            fields = list(OnlineContentFormSet.form.base_fields)
            rows = [{name: request.POST.get(f"form-{i}-{name}", "") for name in fields} for i in range(total)]
            formset = OnlineContentFormSet(initial=[*rows, {}])
            return render(request, "intake/step_online.html", _step_context(step, draft, formset))
        if formset.is_valid():
            services.save_step(draft=draft, step=step.name, answers=formset.answers())
            target = steps.previous(step) if "zurueck" in request.POST else steps.following(step)
            return redirect("intake:step", slug=target.slug)
    else:
        formset = OnlineContentFormSet(initial=stored or None)
        if not stored:
            formset = OnlineContentFormSet(initial=[{}])
    return render(request, "intake/step_online.html", _step_context(step, draft, formset))


def _csrf_checked_upload(request: HttpRequest, view, *args, scope: str) -> HttpResponse:
    """Run ``view`` once the request passed the CSRF check that the upload views do by hand.

    The check reads the body, so the encrypting handler has already stored the files when it fails: a refused
    request has them deleted at once and still counts against the upload rate limit, so forged cross-site posts can
    neither fill the disk until housekeeping nor upload without limit.
    """
    refusal = CsrfViewMiddleware(view).process_view(request, view, args, {})
    if refusal is None:
        return view(request, *args)
    for handler in request.upload_handlers:
        if isinstance(handler, EvidenceUploadHandler):
            handler.discard_stored()
    throttle.allow(request, scope)
    return refusal


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def evidence_step(request: HttpRequest, slug: str = "beweismittel") -> HttpResponse:
    """Uploads stream through the encrypting handler, which must be in place before anything reads the body;
    so CSRF is checked right after, by hand."""
    draft = _current_draft(request)
    if request.method == "POST" and draft is not None:
        request.evidence_slots_left = max(0, MAX_FILES - draft.evidence.count())
        request.upload_handlers = [EvidenceUploadHandler(request)]
    return _csrf_checked_upload(request, step_view, slug, scope="report_upload")


def _evidence_step(request, step, draft) -> HttpResponse:
    rejections = []
    if request.method == "POST":
        action = request.POST.get("aktion", "")
        uploaded = request.FILES.getlist("dateien")
        # Only known once the body has been parsed (by the access to FILES above).
        rejections = list(getattr(request, "evidence_rejections", []))
        if uploaded and not throttle.allow(request, "report_upload"):
            return _too_many(request, uploaded)
        services.add_evidence(uploaded=uploaded, draft=draft)
        removing = action.startswith("entfernen:")
        if removing and not services.remove_draft_evidence(draft=draft, evidence_id=action.split(":", 1)[1]):
            messages.error(request, _("Diese Datei ist nicht (mehr) Teil Ihrer Meldung."))
        if uploaded and not rejections:
            messages.success(request, _("Hochgeladen: %(count)d Datei(en).") % {"count": len(uploaded)})
        if action in ("weiter", "zurueck") and not rejections:
            services.save_step(draft=draft, step=step.name, answers={"count": draft.evidence.count()})
            target = steps.previous(step) if action == "zurueck" else steps.following(step)
            return redirect("intake:step", slug=target.slug)
        if not rejections:
            return redirect("intake:step", slug=step.slug)
    items = list(draft.evidence.all())
    return render(
        request,
        "intake/step_evidence.html",
        _step_context(
            step,
            draft,
            None,
            items=items,
            rejections=rejections,
            slots_left=MAX_FILES - len(items),
            max_files=MAX_FILES,
        ),
    )


@never_cache
@require_POST
def submit_view(request: HttpRequest) -> HttpResponse:
    draft = _current_draft(request)
    if draft is None:
        if _submitted_draft(request) is not None or request.session.get(RECEIPT_SESSION_KEY):
            # Submitted already (double click, reload, a crash before the answer): the first submit's confirmation.
            return redirect("intake:confirmation")
        messages.warning(request, _("Ihre Meldung wurde nicht gefunden oder ist abgelaufen. Bitte beginnen Sie neu."))
        return redirect("intake:start")
    if not throttle.allow(request, "report_submit"):
        return _too_many(request)
    review = steps.FORMS["review"](request.POST)
    if not review.is_valid():
        step = steps.STEPS[-1]
        context = _step_context(step, draft, review, **_review_context(draft))
        return render(request, "intake/step_review.html", context)
    try:
        submission = services.submit(draft_id=draft.pk, reporter_account=request.user, review=review.answers())
    except steps.IncompleteDraft as gap:
        messages.error(request, _("Bitte vervollständigen Sie zuerst diesen Schritt."))
        return redirect("intake:step", slug=gap.step.slug)
    _remember_receipt(request, submission.case.pk)
    return redirect("intake:confirmation")


def _remember_receipt(request, case_pk: int) -> None:
    # The code itself stays with the submitted draft (encrypted) until the reporter confirms noting it.
    # Assigned only when it changes: an assignment marks the session modified, and each reload would write it again.
    if request.session.get(RECEIPT_SESSION_KEY) != {"case": case_pk}:
        request.session[RECEIPT_SESSION_KEY] = {"case": case_pk}
    _remember_followup(request, case_pk)


def _remember_followup(request, case_pk: int) -> None:
    cases = request.session.get(FOLLOWUP_SESSION_KEY, [])
    if case_pk not in cases:
        request.session[FOLLOWUP_SESSION_KEY] = [*cases, case_pk]


@never_cache
@require_http_methods(["GET", "POST"])
def confirmation(request: HttpRequest) -> HttpResponse:
    """Number and code, shown on every visit until the reporter confirms noting them (POST); then the number only."""
    draft = _submitted_draft(request)
    if request.method == "POST":
        if draft is not None:
            services.forget_receipt_code(draft=draft)
            request.session.pop(DRAFT_SESSION_KEY, None)
        return redirect("intake:confirmation")
    if draft is not None:
        _remember_receipt(request, draft.submitted_case_id)
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    if not receipt:
        return redirect("intake:start")
    case = selectors.case_for_reporter(request, pk=receipt["case"])
    code = draft.receipt_code if draft is not None else ""
    grouped = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    return render(request, "intake/confirmation.html", {"case": case, "code": grouped})


@never_cache
@require_GET
def receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for_reporter(request, number=number)
    data = selectors.receipt_data(case.report)
    response = HttpResponse(render_receipt_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="Eingangsbestaetigung-{case.number}.pdf"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def followup_login(request: HttpRequest) -> HttpResponse:
    form = FollowUpLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_with_receipt(
                request=request, number=form.cleaned_data["number"], code=form.cleaned_data["code"]
            )
        except throttle.Locked as locked:
            form.add_error(None, str(locked))
        else:
            if case is None:
                form.add_error(None, _("Fallnummer oder Zugangscode stimmen nicht. Bitte prüfen Sie Ihre Eingabe."))
            else:
                request.session.cycle_key()
                _remember_followup(request, case.pk)
                return redirect("intake:followup_case", number=case.number)
    return render(request, "intake/followup_login.html", {"form": form})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def followup_case(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for_reporter(request, number=number)
    if request.method == "POST" and request.content_type == "multipart/form-data":
        request.evidence_slots_left = max(0, 2 * MAX_FILES - case.report.evidence.count())
        request.upload_handlers = [EvidenceUploadHandler(request)]
    return _csrf_checked_upload(request, _followup_case, case, scope="report_message")


def _followup_case(request: HttpRequest, case) -> HttpResponse:
    form = ReporterMessageForm()
    uploaded = request.FILES.getlist("dateien") if request.method == "POST" else []
    rejections = list(getattr(request, "evidence_rejections", []))
    if request.method == "POST":
        if not throttle.allow(request, "report_message"):
            return _too_many(request, uploaded)
        services.add_evidence(uploaded=uploaded, report=case.report)
        if "zuordnen" in request.POST:
            if services.claim_report(report=case.report, user=request.user):
                messages.success(request, _("Die Meldung ist jetzt Ihrem Konto zugeordnet."))
            return redirect("intake:followup_case", number=case.number)
        if "body" in request.POST:
            form = ReporterMessageForm(request.POST)
            if form.is_valid():
                post_reporter_message(case=case, body=form.cleaned_data["body"])
                messages.success(request, _("Ihre Nachricht ist angekommen."))
                return redirect("intake:followup_case", number=case.number)
        elif uploaded and not rejections:
            messages.success(request, _("Hochgeladen: %(count)d Datei(en).") % {"count": len(uploaded)})
            return redirect("intake:followup_case", number=case.number)
        elif not rejections:
            messages.error(request, _("Bitte wählen Sie mindestens eine Datei aus."))
    return render(
        request,
        "intake/followup_case.html",
        {
            "case": case,
            "report": case.report,
            "progress": selectors.reporter_progress(case),
            "messages_for_reporter": messages_for_reporter(case),
            "evidence": case.report.evidence.all(),
            "form": form,
            "rejections": rejections,
        },
    )


@never_cache
@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    rows = [
        (report, selectors.reporter_stage(report.case, has_measures=report.has_measures))
        for report in selectors.reports_of_account(request.user)
    ]
    return render(request, "intake/my_reports.html", {"rows": rows})
