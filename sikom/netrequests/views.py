"""Pages of the Expertennetzwerk requests and the coordination's register: thin — parse, call a service or a
selector, render. Every request is found through `selectors.get_request_for` (invisible → 404)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts import reauth
from sikom.accounts.decorators import staff_required
from sikom.cases import selectors as cases
from sikom.cases import services as case_services
from sikom.cases.models import CaseStatus
from sikom.core import audit
from sikom.core.versions import EditConflict
from sikom.core.workflow import TransitionNotAllowed
from sikom.netrequests import files, selectors, services
from sikom.netrequests.forms import (
    ConferenceForm,
    CorrectionForm,
    EntryDeleteForm,
    EntryEditForm,
    EntryForm,
    ExpertForm,
    InformationForm,
    MessageForm,
    NoteForm,
    OutcomeForm,
    ReadersForm,
    RequestForm,
    ReviewForm,
    SourceFileForm,
    StatusForm,
)


@never_cache
@staff_required(selectors.can_use_requests)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("alle") == "1"
    municipality_side = selectors.can_file(request.user)
    if municipality_side:
        listed = selectors.requests_of_municipality(request.user, open_only=not show_all)
    else:
        listed = selectors.inbox(request.user, open_only=not show_all)
    return render(
        request,
        "netrequests/request_list.html",
        {
            "requests": listed,
            "show_all": show_all,
            "municipality_side": municipality_side,
            "can_read_register": selectors.can_read_register(request.user),
        },
    )


@never_cache
@staff_required(selectors.can_file)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            # The request and its first file together: a file refused at the last step leaves no request.
            with transaction.atomic():
                filed = services.file_request(by=request.user, data=form.cleaned_data)
                if form.cleaned_data.get("upload"):
                    services.add_source_file(request=filed, by=request.user, upload=form.cleaned_data["upload"])
        except TransitionNotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Ihre Anfrage ist bei der regionalen Koordination eingegangen."))
            return redirect("netrequests:detail", number=filed.case.number)
    return render(request, "netrequests/request_form.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(user, item, **forms) -> dict:
    case = item.case
    municipality_side = selectors.is_municipality_side(user, item)
    lead = cases.is_lead(user, case)
    context = {
        "item": item,
        "case": case,
        "municipality_side": municipality_side,
        "is_lead": lead,
        "outcome_recorded": bool(item.outcome),
        "source_files": item.source_files.all(),
        "source_form": forms.get("source_form") or SourceFileForm(),
        "can_add_sources": not (municipality_side and case.status == CaseStatus.CLOSED),
        "can_correct": municipality_side and case.status != CaseStatus.CLOSED,
        "corrections": item.corrections.all(),
        "event_day": timezone.localdate(item.event_at),
    }
    if municipality_side:
        return context | {
            "messages_on_case": cases.messages_for_reporter(case),
            "info_form": forms.get("info_form") or InformationForm(),
        }
    event_day = context["event_day"]
    shares = list(cases.shares_of(case))
    return context | {
        "messages_on_case": cases.messages_on_case(case),
        "events": cases.events_of(case),
        "shares": shares,
        # After a correction of the date, answers asked for after the event are flagged, never moved silently.
        "late_shares": [share for share in shares if share.due_on and share.due_on > event_day],
        "checklist": selectors.checklist(item),
        "message_form": forms.get("message_form") or MessageForm(),
        "expert_form": forms.get("expert_form")
        or ExpertForm(organisations=selectors.expert_organisations(item), event_day=event_day),
        "status_form": forms.get("status_form") or StatusForm(current=case.status),
        "outcome_form": forms.get("outcome_form")
        or OutcomeForm(
            initial={
                "outcome": item.outcome or None,
                "notes": item.outcome_notes,
                "course": item.event_course,
                "version": item.version,
            }
        ),
        "today": timezone.localdate(),
    }


@never_cache
@staff_required(selectors.can_use_requests)
@require_GET
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    item = selectors.get_request_for(request.user, number)
    audit.log("netrequests.viewed", actor=request.user, obj=item.case)
    case_services.mark_seen(case=item.case, by=request.user)
    return render(request, "netrequests/request_detail.html", _detail_context(request.user, item))


def _action(request, number, form_name, make_form, apply, success, *, template="netrequests/request_detail.html"):
    """The shape of every action on a request: validate, apply the service, German messages on the page."""
    item = selectors.get_request_for(request.user, number)
    form = make_form(item, request.POST)
    if form.is_valid():
        try:
            apply(item, form.cleaned_data)
        except (TransitionNotAllowed, EditConflict) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, success)
            return redirect("netrequests:detail", number=item.case.number)
    return render(request, template, _detail_context(request.user, item, **{form_name: form}), status=400)


@staff_required(selectors.can_use_requests)
@require_POST
def add_source_file(request: HttpRequest, number: str) -> HttpResponse:
    item = selectors.get_request_for(request.user, number)
    form = SourceFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_source_file(request=item, by=request.user, upload=form.cleaned_data["upload"])
        except TransitionNotAllowed as refusal:
            form.add_error("upload", str(refusal))
        else:
            messages.success(request, _("Die Datei ist gespeichert."))
            return redirect("netrequests:detail", number=item.case.number)
    context = _detail_context(request.user, item, source_form=form)
    return render(request, "netrequests/request_detail.html", context, status=400)


@never_cache
@staff_required(selectors.can_use_requests)
@require_GET
def download_source_file(request: HttpRequest, number: str, file_id) -> HttpResponse:
    item = selectors.get_request_for(request.user, number)
    source = item.source_files.filter(pk=file_id).first()
    if source is None:
        raise Http404
    if not reauth.is_recent(request):
        return reauth.ask(request)
    audit.log("netrequests.source_downloaded", actor=request.user, obj=item.case, data={"sha256": source.sha256})
    response = StreamingHttpResponse(files.open_source(source.storage_name), content_type=source.content_type)
    response["Content-Length"] = str(source.size)
    response["Content-Disposition"] = f'attachment; filename="{source.sha256[:16]}{files.suffix(source.content_type)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _handlers_only(request, number):
    item = selectors.get_request_for(request.user, number)
    if selectors.is_municipality_side(request.user, item):
        raise Http404
    return item


def _lead_only(request, number):
    item = _handlers_only(request, number)
    if not cases.is_lead(request.user, item.case):
        raise Http404
    return item


@never_cache
@staff_required(selectors.can_file)
@require_http_methods(["GET", "POST"])
def correct_facts(request: HttpRequest, number: str) -> HttpResponse:
    """The municipality corrects the event's date, place, organiser or expected participants while it is open."""
    item = selectors.get_request_for(request.user, number)
    if not selectors.is_municipality_side(request.user, item):
        raise Http404
    closed = item.case.status == CaseStatus.CLOSED
    form = CorrectionForm(request.POST) if request.method == "POST" else CorrectionForm.for_request(item)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.correct_facts(
                request=item, by=request.user, data=form.cleaned_data, version=form.cleaned_data["version"]
            )
        except (TransitionNotAllowed, EditConflict) as refusal:
            form.add_error(None, str(refusal))
        else:
            if correction is None:
                messages.info(request, _("Es wurde nichts geändert."))
            else:
                messages.success(request, _("Die Angaben sind korrigiert; die Koordination ist benachrichtigt."))
            return redirect("netrequests:detail", number=item.case.number)
    return render(
        request,
        "netrequests/correction_form.html",
        {"item": item, "case": item.case, "form": form, "closed": closed},
        status=400 if form.errors else 200,
    )


@staff_required(selectors.can_use_requests)
@require_POST
def add_information(request: HttpRequest, number: str) -> HttpResponse:
    item = selectors.get_request_for(request.user, number)
    if not selectors.is_municipality_side(request.user, item):
        raise Http404
    return _action(
        request,
        number,
        "info_form",
        lambda item, data: InformationForm(data),
        lambda item, data: services.add_information(request=item, by=request.user, body=data["body"]),
        _("Ihre Information ist bei der Koordination eingegangen."),
    )


@staff_required(selectors.can_use_requests)
@require_POST
def post_message(request: HttpRequest, number: str) -> HttpResponse:
    _handlers_only(request, number)
    return _action(
        request,
        number,
        "message_form",
        lambda item, data: MessageForm(data),
        lambda item, data: services.post_message(
            request=item, by=request.user, body=data["body"], internal=data["internal"]
        ),
        _("Gespeichert."),
    )


@staff_required(selectors.can_use_requests)
@require_POST
def bring_in(request: HttpRequest, number: str) -> HttpResponse:
    _lead_only(request, number)
    return _action(
        request,
        number,
        "expert_form",
        lambda item, data: ExpertForm(
            data, organisations=selectors.expert_organisations(item), event_day=timezone.localdate(item.event_at)
        ),
        lambda item, data: services.bring_in_expert(
            request=item,
            organisation=data["organisation"],
            by=request.user,
            question=data["question"],
            due_on=data["due_on"],
        ),
        _("Die Stelle ist beteiligt und hat Ihre Frage erhalten."),
    )


@staff_required(selectors.can_use_requests)
@require_POST
def end_expert(request: HttpRequest, number: str, organisation_id: int) -> HttpResponse:
    item = _lead_only(request, number)
    share = cases.shares_of(item.case).filter(organisation_id=organisation_id).first()
    if share is None:
        raise Http404
    services.end_expert(request=item, organisation=share.organisation, by=request.user)
    messages.success(request, _("Die Beteiligung ist beendet."))
    return redirect("netrequests:detail", number=item.case.number)


@staff_required(selectors.can_use_requests)
@require_POST
def change_status(request: HttpRequest, number: str) -> HttpResponse:
    _lead_only(request, number)
    return _action(
        request,
        number,
        "status_form",
        lambda item, data: StatusForm(data, current=item.case.status),
        lambda item, data: services.change_status(request=item, to=data["to"], by=request.user, reason=data["reason"]),
        _("Der Status ist geändert."),
    )


@staff_required(selectors.can_use_requests)
@require_POST
def record_outcome(request: HttpRequest, number: str) -> HttpResponse:
    _lead_only(request, number)
    return _action(
        request,
        number,
        "outcome_form",
        lambda item, data: OutcomeForm(data),
        lambda item, data: services.record_outcome(
            request=item,
            by=request.user,
            outcome=data["outcome"],
            notes=data["notes"],
            course=data["course"],
            close=data["close"],
            version=data["version"],
        ),
        _("Das Ergebnis ist festgehalten."),
    )


def _checklist_context(item, user, forms=None) -> dict:
    forms = forms or {}
    rows = []
    for angle, review in selectors.checklist(item):
        form = forms.get(angle.pk) or ReviewForm(
            initial={
                "status": review.status if review else "open",
                "notes": review.notes if review else "",
                "references": review.references if review else "",
                "outcome": review.outcome if review else "",
                "version": review.version if review else 0,
            },
            auto_id=f"angle{angle.pk}_%s",
        )
        rows.append({"angle": angle, "review": review, "form": form})
    return {
        "item": item,
        "case": item.case,
        "rows": rows,
        "is_lead": cases.is_lead(user, item.case),
    }


@never_cache
@staff_required(selectors.can_use_requests)
@require_GET
def checklist(request: HttpRequest, number: str) -> HttpResponse:
    item = _handlers_only(request, number)
    return render(request, "netrequests/checklist.html", _checklist_context(item, request.user))


@staff_required(selectors.can_use_requests)
@require_POST
def review_angle(request: HttpRequest, number: str, angle_id: int) -> HttpResponse:
    item = _lead_only(request, number)
    try:
        angle = next(angle for angle, _review in selectors.checklist(item) if angle.pk == angle_id)
    except StopIteration:
        raise Http404 from None
    form = ReviewForm(request.POST, auto_id=f"angle{angle.pk}_%s")
    if form.is_valid():
        try:
            services.review_angle(request=item, angle=angle, by=request.user, **form.cleaned_data)
        except (TransitionNotAllowed, EditConflict) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Der Prüfpunkt »%(angle)s« ist gespeichert.") % {"angle": angle.name})
            return redirect(reverse("netrequests:checklist", args=[item.case.number]) + f"#angle-{angle.pk}")
    context = _checklist_context(item, request.user, {angle.pk: form})
    return render(request, "netrequests/checklist.html", context, status=400)


# The register and the situation conferences.


@never_cache
@staff_required(selectors.can_read_register)
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    keeper = selectors.can_keep_register(request.user)
    context = {
        "entries": selectors.entries_visible_to(request.user).select_related("coordination"),
        "conferences": selectors.conferences_visible_to(request.user).select_related("coordination")[:100],
        "can_keep": keeper,
    }
    if keeper:
        coordination = request.user.organisation
        context["readers"] = selectors.readers_of(coordination)
        context["readers_form"] = ReadersForm(
            candidates=selectors.reader_candidates(coordination),
            initial={"organisations": [reader.organisation for reader in context["readers"]]},
        )
    return render(request, "netrequests/register.html", context)


@staff_required(selectors.can_keep_register)
@require_POST
def set_readers(request: HttpRequest) -> HttpResponse:
    coordination = request.user.organisation
    form = ReadersForm(request.POST, candidates=selectors.reader_candidates(coordination))
    if form.is_valid():
        services.set_readers(by=request.user, organisations=list(form.cleaned_data["organisations"]))
        messages.success(request, _("Die Leserechte sind gespeichert."))
        return redirect("netrequests:register")
    readers = selectors.readers_of(coordination)
    return render(
        request,
        "netrequests/register.html",
        {
            "entries": selectors.entries_visible_to(request.user),
            "conferences": selectors.conferences_visible_to(request.user)[:100],
            "can_keep": True,
            "readers": readers,
            "readers_form": form,
        },
        status=400,
    )


@never_cache
@staff_required(selectors.can_keep_register)
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = services.create_entry(by=request.user, **form.cleaned_data)
        messages.success(request, _("Der Eintrag ist gespeichert."))
        return redirect("netrequests:entry", entry_id=entry.pk)
    return render(request, "netrequests/entry_form.html", {"form": form}, status=400 if form.errors else 200)


def _entry_page(request, entry, note_form=None, status=200):
    return render(
        request,
        "netrequests/entry_detail.html",
        {
            "entry": entry,
            "notes": entry.notes.select_related("by"),
            "can_keep": selectors.can_keep_register(request.user)
            and entry.coordination_id == request.user.organisation_id,
            "note_form": note_form or NoteForm(),
        },
        status=status,
    )


@never_cache
@staff_required(selectors.can_read_register)
@require_GET
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(selectors.entries_visible_to(request.user).select_related("coordination"), pk=entry_id)
    audit.log("netrequests.register_entry_viewed", actor=request.user, obj=entry)
    return _entry_page(request, entry)


@staff_required(selectors.can_keep_register)
@require_POST
def entry_note(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(entry=entry, by=request.user, **form.cleaned_data)
        messages.success(request, _("Der Vermerk ist gespeichert."))
        return redirect("netrequests:entry", entry_id=entry.pk)
    return _entry_page(request, entry, form, status=400)


def _own_entry(request, entry_id: int):
    return get_object_or_404(
        selectors.entries_visible_to(request.user).filter(coordination=request.user.organisation), pk=entry_id
    )


def _entry_edit_page(request, entry, form=None, delete_form=None, status=200):
    note_count = entry.notes.count()
    return render(
        request,
        "netrequests/entry_edit.html",
        {
            "entry": entry,
            "form": form
            or EntryEditForm(
                initial={
                    "kind": entry.kind,
                    "name": entry.name,
                    "place": entry.place,
                    "description": entry.description,
                    "version": entry.version,
                }
            ),
            "delete_form": delete_form or EntryDeleteForm(initial={"version": entry.version, "notes": note_count}),
            "note_count": note_count,
        },
        status=status,
    )


@never_cache
@staff_required(selectors.can_keep_register)
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    if request.method == "GET":
        return _entry_edit_page(request, entry)
    form = EntryEditForm(request.POST)
    if form.is_valid():
        try:
            services.update_entry(entry=entry, by=request.user, **form.cleaned_data)
        except (TransitionNotAllowed, EditConflict) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Der Eintrag ist gespeichert."))
            return redirect("netrequests:entry", entry_id=entry.pk)
    return _entry_edit_page(request, entry, form=form, status=400)


@staff_required(selectors.can_keep_register)
@require_POST
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    form = EntryDeleteForm(request.POST)
    if form.is_valid():
        try:
            notes = services.delete_entry(
                entry=entry,
                by=request.user,
                version=form.cleaned_data["version"],
                notes_seen=form.cleaned_data["notes"],
            )
        except (TransitionNotAllowed, EditConflict) as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                ngettext(
                    "Der Eintrag und %(count)d Vermerk sind gelöscht.",
                    "Der Eintrag und %(count)d Vermerke sind gelöscht.",
                    notes,
                )
                % {"count": notes},
            )
            return redirect("netrequests:register")
    return _entry_edit_page(request, entry, delete_form=form, status=400)


@never_cache
@staff_required(selectors.can_keep_register)
@require_http_methods(["GET", "POST"])
def conference_create(request: HttpRequest) -> HttpResponse:
    form = ConferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conference = services.record_conference(by=request.user, **form.cleaned_data)
        messages.success(request, _("Das Protokoll ist gespeichert."))
        return redirect("netrequests:conference", conference_id=conference.pk)
    return render(request, "netrequests/conference_form.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@staff_required(selectors.can_read_register)
@require_GET
def conference_detail(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = get_object_or_404(
        selectors.conferences_visible_to(request.user).select_related("coordination"), pk=conference_id
    )
    audit.log("netrequests.conference_viewed", actor=request.user, obj=conference)
    return render(request, "netrequests/conference_detail.html", {"conference": conference})
