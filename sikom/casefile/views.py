from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts import reauth
from sikom.accounts.decorators import staff_required
from sikom.casefile import selectors as casefile_selectors
from sikom.casefile.forms import MessageForm, ReauthForm, ReferForm, ShareForm, StatusForm
from sikom.cases import inbox as inbox_queries
from sikom.cases import selectors, services
from sikom.cases.models import CaseStatus
from sikom.core import audit, files, throttle
from sikom.core.redirects import next_path
from sikom.core.workflow import TransitionNotAllowed
from sikom.reports import evidence as evidence_files
from sikom.reports.selectors import evidence_item


@never_cache
@staff_required(selectors.handles_cases)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form = inbox_queries.InboxFilterForm(request.GET or None)
    filters = form.filters()
    result = inbox_queries.inbox(request.user, filters, request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "casefile/inbox.html",
        {
            "form": form,
            "result": result,
            "query": query.urlencode(),
            "status_counts": [
                (code, label, result.counts["status"].get(code, 0)) for code, label in CaseStatus.choices
            ],
            "now": timezone.now(),
        },
    )


def _case_context(request, case, **forms):
    return casefile_selectors.case_page(request.user, case) | {
        "status_form": forms.get("status_form") or StatusForm(current=case.status),
        "refer_form": forms.get("refer_form") or ReferForm(case=case),
        "share_form": forms.get("share_form") or ShareForm(case=case),
        "message_form": forms.get("message_form") or MessageForm(),
    }


@never_cache
@staff_required()
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, number)
    audit.log("case.viewed", actor=request.user, obj=case)
    services.mark_seen(case=case, by=request.user)
    return render(request, "casefile/case_detail.html", _case_context(request, case))


def _action(request, number, form_name, make_form, apply, success):
    """Shared shape of the case actions: validate, apply the service, show German errors on the case page."""
    case = selectors.get_case_for(request.user, number)
    form = make_form(case, request.POST)
    if form.is_valid():
        try:
            apply(case, form.cleaned_data)
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, success)
            return redirect("casefile:detail", number=case.number)
    return render(request, "casefile/case_detail.html", _case_context(request, case, **{form_name: form}), status=400)


@staff_required()
@require_POST
def change_status(request: HttpRequest, number: str) -> HttpResponse:
    return _action(
        request,
        number,
        "status_form",
        lambda case, data: StatusForm(data, current=case.status),
        lambda case, data: services.change_status(case=case, to=data["to"], by=request.user, reason=data["reason"]),
        _("Der Status ist geändert."),
    )


@staff_required()
@require_POST
def refer(request: HttpRequest, number: str) -> HttpResponse:
    return _action(
        request,
        number,
        "refer_form",
        lambda case, data: ReferForm(data, case=case),
        lambda case, data: services.refer(case=case, to=data["organisation"], by=request.user, reason=data["reason"]),
        _("Der Fall ist weitergeleitet."),
    )


@staff_required()
@require_POST
def share(request: HttpRequest, number: str) -> HttpResponse:
    return _action(
        request,
        number,
        "share_form",
        lambda case, data: ShareForm(data, case=case),
        lambda case, data: services.share_with(
            case=case, organisation=data["organisation"], by=request.user, reason=data["reason"]
        ),
        _("Die Stelle ist beteiligt."),
    )


@staff_required()
@require_POST
def post_message(request: HttpRequest, number: str) -> HttpResponse:
    return _action(
        request,
        number,
        "message_form",
        lambda case, data: MessageForm(data),
        lambda case, data: services.post_handler_message(
            case=case, by=request.user, body=data["body"], internal=data["internal"]
        ),
        _("Gespeichert."),
    )


@staff_required()
@require_POST
def first_contact(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, number)
    services.record_first_contact(case=case, by=request.user)
    messages.success(request, _("Der Erstkontakt ist vermerkt."))
    return redirect("casefile:detail", number=case.number)


@never_cache
@staff_required()
@require_GET
def download_evidence(request: HttpRequest, number: str, evidence_id) -> HttpResponse:
    case = selectors.get_case_for(request.user, number)
    item = evidence_item(case.report, evidence_id)
    if item is None:
        raise Http404
    if not reauth.is_recent(request):
        return reauth.ask(request)
    audit.log("case.evidence_downloaded", actor=request.user, obj=case, data={"sha256": item.sha256})
    response = StreamingHttpResponse(evidence_files.open_evidence(item.storage_name), content_type=item.content_type)
    response["Content-Length"] = str(item.size)
    response["Content-Disposition"] = f'attachment; filename="{item.sha256[:16]}{files.extension(item.content_type)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@staff_required()
@require_GET
def dossier(request: HttpRequest, number: str) -> HttpResponse:
    from sikom.casefile.dossier import render_dossier_pdf

    case = selectors.get_case_for(request.user, number)
    if not reauth.is_recent(request):
        return reauth.ask(request)
    audit.log("case.exported", actor=request.user, obj=case, data={"format": "pdf"})
    response = HttpResponse(render_dossier_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="Dossier-{case.number}.pdf"'
    return response


@never_cache
@staff_required()
@require_GET
def case_log(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, number)
    if not selectors.can_read_log(request.user, case):
        raise Http404
    audit.log("case.log_viewed", actor=request.user, obj=case)
    return render(request, "casefile/case_log.html", {"case": case, "entries": audit.entries_for(case)})


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    target = next_path(request)
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = reauth.confirm(request, form.cleaned_data["secret"])
        except throttle.Locked as locked:
            form.add_error("secret", str(locked))
        else:
            if confirmed:
                return redirect(target or "casefile:inbox")
            form.add_error("secret", _("Das war weder Ihr Passwort noch ein gültiger Code."))
    return render(request, "casefile/reauth.html", {"form": form, "next": target})
