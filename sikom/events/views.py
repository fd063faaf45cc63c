from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.core import audit, exports, throttle
from sikom.events import calendar, selectors, services
from sikom.events.forms import (
    AgendaItemForm,
    EventFilterForm,
    EventForm,
    MemberRegistrationForm,
    PublicRegistrationForm,
    ReorderForm,
    SessionForm,
)
from sikom.events.models import AgendaItem, LinkToken, RegistrationStatus
from sikom.geo.models import District


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# Public pages --------------------------------------------------------------------------------------------------


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    districts = list(District.objects.order_by("name").values_list("key", "name"))
    form = EventFilterForm(request.GET or None, districts=districts)
    filters = form.filters() if request.GET else {}
    events = selectors.upcoming_events(request.user, **filters)
    context = {"form": form, "events": events, "can_manage": selectors.can_manage_events(request.user)}
    template = "events/event_list.html#results" if _is_htmx(request) else "events/event_list.html"
    return render(request, template, context)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user).select_related("district"), pk=pk)
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
        },
    )


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
    return render(request, "events/registration.html", {"registration": registration, "session": registration.session})


@login_required
@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/my_registrations.html",
        {"registrations": selectors.registrations_of(request.user), "now": timezone.now()},
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
