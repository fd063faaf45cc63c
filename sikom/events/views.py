from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.core import audit, documents, exports, throttle
from sikom.events import calendar, charts, files, selectors, services
from sikom.events.forms import (
    AgendaItemForm,
    CheckInForm,
    EventFilterForm,
    EventForm,
    FeedbackForm,
    MemberRegistrationForm,
    NewsForm,
    PublicationFilterForm,
    PublicationForm,
    PublicRegistrationForm,
    ReorderForm,
    ReportForm,
    SessionForm,
    WalkInForm,
)
from sikom.events.models import AgendaItem, LinkToken, RegistrationStatus
from sikom.geo.models import District
from sikom.geo.selectors import without_boundaries


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# Public pages --------------------------------------------------------------------------------------------------


EVENTS_PER_PAGE = 20
PUBLICATIONS_PER_PAGE = 20


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("seite", None)
    return query.urlencode()


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    districts = list(District.objects.order_by("name").values_list("key", "name"))
    form = EventFilterForm(request.GET or None, districts=districts)
    filters = form.filters() if request.GET else {}
    page = selectors.upcoming_events_page(request.user, request.GET.get("seite"), per_page=EVENTS_PER_PAGE, **filters)
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "can_manage": selectors.can_manage_events(request.user),
    }
    template = "events/event_list.html#results" if _is_htmx(request) else "events/event_list.html"
    return render(request, template, context)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(
        without_boundaries(selectors.events_visible_to(request.user).select_related("district"), "district"), pk=pk
    )
    sessions = selectors.event_sessions(event)
    for session in sessions:
        session.refusal = services.registration_refusal(session)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "sessions": sessions,
            "agenda": event.agenda.all(),
            "can_manage": selectors.can_manage_events(request.user),
            **_documentation_context(event, request.user),
        },
    )


def _documentation_context(event, user) -> dict:
    """After the event (or once anything is documented): report, publications and figures from the records."""
    publications = selectors.documentation_of(event, user)
    held = event.sessions.filter(ends_at__lte=timezone.now()).exists()
    if not (held or publications or event.report):
        return {"documented": False}
    return {"documented": True, "publications": publications, "figures": selectors.event_figures(event)}


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(calendar.feed_ics(selectors.feed_sessions()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="veranstaltungen.ics"'
    return response


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "events/too_many.html", {"wait": throttle.rate_limit_wait_text()}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    member = request.user.is_authenticated
    form_class = MemberRegistrationForm if member else PublicRegistrationForm
    refusal = services.registration_refusal(session)
    form = form_class(request.POST or None)
    if request.method == "POST" and refusal is None:
        if not member and not throttle.allow(request, "event_registration"):
            return _too_many(request)
        if form.is_valid():
            try:
                if member:
                    registration = services.register_member(
                        session_id=session.pk,
                        user=request.user,
                        data=form.data_for_service(),
                        companions=form.cleaned_data["companions"],
                    )
                else:
                    registration = services.register_public(
                        session_id=session.pk, data=form.data_for_service(), companions=form.cleaned_data["companions"]
                    )
            except services.Refused as refused:
                form.add_error(None, str(refused))
            else:
                return render(
                    request, "events/registered.html", {"registration": registration, "session": session}, status=200
                )
    return render(
        request,
        "events/register.html",
        {"session": session, "event": session.event, "form": form, "refusal": refusal, "member": member},
    )


def _link_page(request: HttpRequest, token: str, purpose: str, action, template: str) -> HttpResponse:
    """A single-use link from an e-mail: GET shows a button (mail scanners that follow links change nothing), POST
    uses the link. A used, expired or unknown link gives a German message and status 400."""
    try:
        registration = services.link_token_state(token, purpose)
    except services.LinkInvalid as invalid:
        return render(request, "events/link_invalid.html", {"message": str(invalid)}, status=400)
    if request.method == "POST":
        try:
            registration = action(raw_token=token)
        except services.Refused as refused:
            return render(request, "events/link_invalid.html", {"message": str(refused)}, status=400)
        return render(
            request, "events/registered.html", {"registration": registration, "session": registration.session}
        )
    return render(request, template, {"registration": registration, "session": registration.session})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _link_page(request, token, LinkToken.Purpose.CONFIRM_EMAIL, services.confirm_email, "events/confirm.html")


@never_cache
@require_http_methods(["GET", "POST"])
def accept_offer(request: HttpRequest, token: str) -> HttpResponse:
    return _link_page(request, token, LinkToken.Purpose.ACCEPT_OFFER, services.accept_offer, "events/accept_offer.html")


@never_cache
@require_http_methods(["GET", "POST"])
def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """The registration behind the link in its e-mails: status, online access once confirmed, cancellation."""
    try:
        registration = services.registration_for_link(token)
    except services.LinkInvalid as invalid:
        return render(request, "events/link_invalid.html", {"message": str(invalid)}, status=400)
    if request.method == "POST":
        try:
            registration = services.cancel(registration=registration, note="link")
        except services.Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Ihre Anmeldung ist storniert. Sie erhalten eine Bestätigung per E-Mail."))
    return render(
        request,
        "events/registration.html",
        {
            "registration": registration,
            "session": registration.session,
            "certificates": selectors.present_persons(registration),
            "token": token,
        },
    )


@login_required
@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/my_registrations.html",
        {
            "registrations": selectors.registrations_of(request.user),
            "now": timezone.now(),
            "certificates": selectors.certificates_of(request.user),
        },
    )


@login_required
@require_POST
def my_registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(selectors.registrations_of(request.user), pk=pk)
    try:
        services.cancel(registration=registration, by=request.user, note="account")
    except services.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Ihre Anmeldung ist storniert."))
    return redirect("events:mine")


# Staff pages (ASSKomm) -----------------------------------------------------------------------------------------


@staff_required(selectors.can_manage_events)
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    events = (
        selectors.events_manageable_by(request.user)
        .prefetch_related("sessions")
        .order_by("-is_published", "-created_at", "pk")
    )
    return render(request, "events/manage.html", {"events": events})


def _event_data(form: EventForm) -> dict:
    return {name: form.cleaned_data[name] for name in [*services.EVENT_FIELDS, "target_groups"]}


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, initial={"organiser": "", "language": "de"})
    if request.method == "POST" and form.is_valid():
        event = services.create_event(by=request.user, data=_event_data(form))
        messages.success(request, _("Die Veranstaltung ist angelegt. Legen Sie jetzt einen Termin an."))
        return redirect("events:session_create", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_manageable_by(request.user), pk=pk)
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                services.update_event(
                    event=event,
                    by=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    data=_event_data(form),
                )
            except services.EditConflict:
                form.add_error(
                    None,
                    _(
                        "Die Veranstaltung wurde inzwischen von jemand anderem geändert. Ihre Änderungen sind nicht "
                        "gespeichert. Bitte öffnen Sie sie neu und tragen Sie sie erneut ein."
                    ),
                )
            else:
                messages.success(request, _("Die Änderungen sind gespeichert."))
                return redirect("events:detail", pk=event.pk)
    else:
        initial = {name: getattr(event, name) for name in services.EVENT_FIELDS}
        initial |= {"district": event.district.key if event.district else "", "target_groups": event.target_groups}
        form = EventForm(initial={**initial, "version": event.version})
    return render(request, "events/event_form.html", {"form": form, "event": event})


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_manageable_by(request.user), pk=pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_session(event=event, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Der Termin ist angelegt."))
        return redirect("events:detail", pk=event.pk)
    return render(request, "events/session_form.html", {"form": form, "event": event, "session": None})


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_manageable_by(request.user), pk=pk)
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                services.update_session(session=session, by=request.user, data=form.cleaned_data)
            except services.Refused as refused:
                form.add_error("capacity", str(refused))
            else:
                messages.success(request, _("Die Änderungen sind gespeichert."))
                return redirect("events:detail", pk=session.event_id)
    else:
        form = SessionForm(initial={name: getattr(session, name) for name in services.SESSION_FIELDS})
    return render(request, "events/session_form.html", {"form": form, "event": session.event, "session": session})


REGISTRATION_HEADER = [
    "Status",
    "Wartelistenplatz",
    "Personen",
    "Namen",
    "E-Mail",
    "Organisation",
    "Funktion",
    "Barrierefreiheit",
    "Angemeldet am",
]


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def session_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    """The registrations of a session and its waiting list, which staff may reorder with a reason."""
    session = get_object_or_404(selectors.sessions_manageable_by(request.user), pk=pk)
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in exports.FORMATS:
            raise Http404
        rows = (
            [
                r.get_status_display(),
                r.queue_position or "",
                r.seats,
                "; ".join(p.name for p in r.persons.all()),
                r.email,
                r.organisation,
                r.role,
                r.accessibility_needs,
                timezone.localtime(r.created_at),
            ]
            for r in selectors.registrations_for_staff(session)
        )
        audit.log("events.registrations_exported", actor=request.user, obj=session, data={"format": fmt})
        return exports.table_download(fmt, f"anmeldungen-termin-{session.pk}", REGISTRATION_HEADER, rows)
    form = ReorderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reorder_waiting_list(
                session=session,
                registration_id=form.cleaned_data["registration"],
                position=form.cleaned_data["position"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Die Warteliste ist neu geordnet."))
            return redirect("events:session_registrations", pk=session.pk)
    registrations = list(selectors.registrations_for_staff(session))
    audit.log("events.registrations_viewed", actor=request.user, obj=session)
    return render(
        request,
        "events/session_registrations.html",
        {
            "session": session,
            "event": session.event,
            "held": services.seats_held(session),
            "registrations": [r for r in registrations if r.status != RegistrationStatus.WAITING],
            "waiting": selectors.waiting_list(session),
            "form": form,
        },
    )


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_manageable_by(request.user), pk=pk)
    form = AgendaItemForm()
    if request.method == "POST":
        remove = request.POST.get("entfernen", "")
        if remove:
            item = AgendaItem.objects.filter(
                event=event, pk=int(remove) if remove.isdigit() and len(remove) < 12 else 0
            ).first()
            if item is None:
                messages.error(request, _("Diesen Programmpunkt gibt es nicht (mehr)."))
            else:
                services.remove_agenda_item(item=item, by=request.user)
                messages.success(request, _("Der Programmpunkt ist entfernt."))
            return redirect("events:agenda", pk=event.pk)
        form = AgendaItemForm(request.POST)
        if form.is_valid():
            services.add_agenda_item(event=event, by=request.user, data=form.cleaned_data)
            messages.success(request, _("Der Programmpunkt ist hinzugefügt."))
            return redirect("events:agenda", pk=event.pk)
    return render(request, "events/agenda.html", {"event": event, "agenda": event.agenda.all(), "form": form})


# Attendance and check-in (ASSKomm staff, on a phone) -----------------------------------------------------------

ATTENDANCE_HEADER = ["Name", "Organisation", "Funktion", "E-Mail", "Anwesend"]


@staff_required(selectors.can_manage_events)
@require_GET
def attendance_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance list of a session as PDF (for signatures), CSV or Excel."""
    session = get_object_or_404(selectors.sessions_manageable_by(request.user), pk=pk)
    fmt = request.GET.get("format", "pdf")
    persons = selectors.attendance_list(session)
    audit.log("events.attendance_exported", actor=request.user, obj=session, data={"format": fmt})
    if fmt == "pdf":
        now = timezone.now()
        pdf = documents.render_pdf(
            "events/documents/attendance.html",
            {"session": session, "event": session.event, "persons": persons, "created": now},
            label=_("Anwesenheitsliste – %(title)s") % {"title": session.event.title},
            created_at=now,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="anwesenheit-termin-{session.pk}.pdf"'
        return response
    if fmt not in exports.FORMATS:
        raise Http404
    rows = (
        [p.name, p.registration.organisation, p.registration.role, p.registration.email, "ja" if p.present else "nein"]
        for p in persons
    )
    return exports.table_download(fmt, f"anwesenheit-termin-{session.pk}", ATTENDANCE_HEADER, rows)


@never_cache
@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Check-in at the door: one big button per person; works as plain forms, htmx swaps only the person's row."""
    session = get_object_or_404(selectors.sessions_manageable_by(request.user), pk=pk)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Diese Person gibt es hier nicht. Bitte laden Sie die Liste neu."))
            return redirect("events:check_in", pk=session.pk)
        action = services.mark_present if form.cleaned_data["action"] == "present" else services.unmark_present
        try:
            person = action(session=session, person_id=form.cleaned_data["person"], by=request.user)
        except services.Refused as refused:
            if _is_htmx(request):
                return render(request, "events/partials/refused.html", {"message": str(refused)}, status=200)
            messages.error(request, str(refused))
            return redirect("events:check_in", pk=session.pk)
        if _is_htmx(request):
            person = next(p for p in selectors.attendance_list(session) if p.pk == person.pk)
            return render(request, "events/check_in.html#person", {"person": person, "session": session})
        if form.cleaned_data["action"] == "present":
            messages.success(request, _("%(name)s ist als anwesend erfasst.") % {"name": person.name})
        else:
            messages.success(request, _("Die Anwesenheit von %(name)s ist zurückgenommen.") % {"name": person.name})
        return redirect(f"{reverse('events:check_in', args=[session.pk])}#person-{person.pk}")
    persons = selectors.attendance_list(session)
    return render(
        request,
        "events/check_in.html",
        {
            "session": session,
            "event": session.event,
            "persons": persons,
            "present": sum(p.present for p in persons),
            "held": services.seats_held(session),
            "refusal": services.check_in_refusal(session, timezone.now()),
        },
    )


@never_cache
@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_manageable_by(request.user), pk=pk)
    form = WalkInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.register_walk_in(session_id=session.pk, by=request.user, data=form.cleaned_data)
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("%(name)s ist angemeldet und als anwesend erfasst.") % {"name": registration.name}
            )
            return redirect("events:check_in", pk=session.pk)
    return render(
        request,
        "events/walk_in.html",
        {"session": session, "event": session.event, "form": form, "held": services.seats_held(session)},
    )


# Certificates --------------------------------------------------------------------------------------------------


def _certificate(request: HttpRequest, registration, person_id: int) -> HttpResponse:
    person = selectors.certificate_person(registration, person_id)
    if person is None:
        raise Http404
    session = registration.session
    event = session.event
    now = timezone.now()
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    pdf = documents.render_pdf(
        "events/documents/certificate.html",
        {
            "person": person,
            "registration": registration,
            "session": session,
            "event": event,
            "hours": minutes // 60,
            "minutes": minutes % 60,
            "created": now,
        },
        label=_("Teilnahmebescheinigung – %(title)s") % {"title": event.title},
        created_at=now,
    )
    audit.log("events.certificate_downloaded", actor=request.user, obj=registration, data={"person": person.pk})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="teilnahmebescheinigung-{person.pk}.pdf"'
    return response


@never_cache
@require_GET
def certificate_by_link(request: HttpRequest, token: str, person: int) -> HttpResponse:
    try:
        registration = services.registration_for_link(token)
    except services.LinkInvalid as invalid:
        return render(request, "events/link_invalid.html", {"message": str(invalid)}, status=400)
    return _certificate(request, registration, person)


@login_required
@require_GET
def my_certificate(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    registration = get_object_or_404(selectors.registrations_of(request.user), pk=pk)
    return _certificate(request, registration, person)


# Feedback ------------------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The anonymous feedback form behind a single-use link."""
    try:
        session = services.feedback_link_state(token)
    except services.LinkInvalid as invalid:
        return render(request, "events/link_invalid.html", {"message": str(invalid)}, status=400)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_feedback(raw_token=token, data=form.cleaned_data)
        except services.LinkInvalid as invalid:
            return render(request, "events/link_invalid.html", {"message": str(invalid)}, status=400)
        return render(request, "events/feedback_thanks.html", {"event": session.event})
    return render(request, "events/feedback.html", {"form": form, "session": session, "event": session.event})


@staff_required(selectors.can_manage_events)
@require_GET
def feedback_results(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_manageable_by(request.user), pk=pk)
    summary = selectors.feedback_summary(event)
    for question in summary["questions"]:
        question["chart"] = charts.bar_chart(question["distribution"], title=str(question["label"]))
    return render(request, "events/feedback_results.html", {"event": event, "summary": summary})


# Conference documentation --------------------------------------------------------------------------------------


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def documentation(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_manageable_by(request.user), pk=pk)
    form = ReportForm(request.POST or None, initial={"report": event.report})
    if request.method == "POST" and form.is_valid():
        services.set_event_report(event=event, by=request.user, report=form.cleaned_data["report"])
        messages.success(request, _("Der Kurzbericht ist gespeichert."))
        return redirect("events:documentation", pk=event.pk)
    return render(
        request,
        "events/documentation.html",
        {"event": event, "form": form, "publications": selectors.documentation_of(event, request.user)},
    )


# Publications and news -----------------------------------------------------------------------------------------


@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    form = PublicationFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    publications = selectors.search_publications(request.user, **filters)
    page = Paginator(publications, PUBLICATIONS_PER_PAGE).get_page(request.GET.get("seite"))
    return render(
        request,
        "events/publication_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_manage": selectors.can_manage_events(request.user),
        },
    )


@require_GET
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(selectors.publications_visible_to(request.user).select_related("event"), pk=pk)
    return render(
        request,
        "events/publication_detail.html",
        {"publication": publication, "can_manage": selectors.can_manage_events(request.user)},
    )


@require_GET
def publication_file(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(selectors.publications_visible_to(request.user).exclude(file_name=""), pk=pk)
    response = StreamingHttpResponse(files.open_file(publication.file_name), content_type=publication.file_content_type)
    response["Content-Disposition"] = f'inline; filename="{files.download_name(publication)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _event_choices(user) -> list[tuple[int, str]]:
    return list(selectors.events_manageable_by(user).order_by("title", "pk").values_list("pk", "title"))


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def publication_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    publication = get_object_or_404(selectors.publications_visible_to(request.user), pk=pk) if pk else None
    events = _event_choices(request.user)
    has_file = bool(publication and publication.file_name)
    if request.method == "POST":
        form = PublicationForm(request.POST, request.FILES, events=events, has_file=has_file)
        if form.is_valid():
            manageable = selectors.events_manageable_by(request.user)
            data = form.data_for_service(lambda value: manageable.get(pk=int(value)))
            try:
                publication = services.save_publication(
                    publication=publication, by=request.user, data=data, upload=form.cleaned_data.get("file")
                )
            except files.FileRejected as rejected:
                form.add_error("file", rejected.message)
            else:
                messages.success(request, _("Die Publikation ist gespeichert."))
                return redirect("events:publication_detail", pk=publication.pk)
    else:
        initial = {"language": "de", "event": request.GET.get("veranstaltung", "")}
        if publication:
            initial = {name: getattr(publication, name) for name in services.PUBLICATION_FIELDS}
            initial |= {"event": publication.event_id or "", "topics": publication.topics}
        form = PublicationForm(initial=initial, events=events, has_file=has_file)
    return render(request, "events/publication_form.html", {"form": form, "publication": publication})


@staff_required(selectors.can_manage_events)
@require_POST
def publication_delete(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(selectors.publications_visible_to(request.user), pk=pk)
    services.delete_publication(publication=publication, by=request.user)
    messages.success(request, _("Die Publikation ist gelöscht."))
    return redirect("events:publications")


@staff_required(selectors.can_manage_events)
@require_GET
def news_manage(request: HttpRequest) -> HttpResponse:
    return render(request, "events/news_manage.html", {"items": selectors.news_visible_to(request.user)})


@staff_required(selectors.can_manage_events)
@require_http_methods(["GET", "POST"])
def news_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(selectors.news_visible_to(request.user), pk=pk) if pk else None
    if request.method == "POST":
        form = NewsForm(request.POST)
        if form.is_valid():
            services.save_news(item=item, by=request.user, data=form.cleaned_data)
            messages.success(request, _("Die Neuigkeit ist gespeichert."))
            return redirect("events:news_manage")
    else:
        initial = {"published_on": timezone.localdate()}
        if item:
            initial = {name: getattr(item, name) for name in ("title", "text", "published_on", "is_published")}
        form = NewsForm(initial=initial)
    return render(request, "events/news_form.html", {"form": form, "item": item})


@staff_required(selectors.can_manage_events)
@require_POST
def news_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.news_visible_to(request.user), pk=pk)
    services.delete_news(item=item, by=request.user)
    messages.success(request, _("Die Neuigkeit ist gelöscht."))
    return redirect("events:news_manage")
