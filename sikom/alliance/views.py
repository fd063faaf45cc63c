from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.accounts.selectors import is_asskomm, municipality_of
from sikom.alliance import selectors, services
from sikom.alliance.forms import (
    ConfirmMembershipForm,
    ContactPersonForm,
    DeclineMembershipForm,
    ExchangeMeetingForm,
    LeaveMembershipForm,
    MembershipFilterForm,
    RecordMembershipForm,
    RequestMembershipForm,
)
from sikom.alliance.models import ContactPerson, Membership, MembershipStatus
from sikom.alliance.workflow import MEMBERSHIPS
from sikom.core import audit
from sikom.core.exports import FORMATS, export_format, table_download

MEMBERSHIPS_PER_PAGE = 50


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, {**context, "asskomm": is_asskomm(request.user)}, status=status)


def _is_municipality_user(user) -> bool:
    return municipality_of(user) is not None


def _day(value) -> str:
    return date_format(value, "d.m.Y") if value else ""


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nein")


@staff_required(selectors.can_use_alliance)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The navigation's »Allianz«: the ASSKomm team's overview, a municipality's own membership page."""
    if is_asskomm(request.user):
        return redirect("alliance:memberships")
    return redirect("alliance:my_membership")


# Memberships (ASSKomm) ----------------------------------------------------------------------------------------


@never_cache
@staff_required(is_asskomm)
@require_GET
def membership_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    fmt = export_format(request)
    query.pop("format", None)
    query.pop("seite", None)
    form = MembershipFilterForm(query or None)
    listing = selectors.membership_listing(request.user, **form.filters())
    if fmt:
        return _membership_export(request, fmt, listing)
    page = Paginator(listing, MEMBERSHIPS_PER_PAGE).get_page(request.GET.get("seite"))
    return _render(
        request,
        "alliance/membership_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "formats": FORMATS,
            "open_requests": selectors.memberships_visible_to(request.user)
            .filter(status=MembershipStatus.REQUESTED)
            .count(),
        },
    )


def _membership_export(request: HttpRequest, fmt: str, listing) -> HttpResponse:
    audit.log("alliance.memberships_exported", actor=request.user, data={"format": fmt})
    header = [
        _("Kommune"),
        _("Gemeindeschlüssel"),
        _("Landkreis / Kreisfreie Stadt"),
        _("Status"),
        _("Gründungsmitglied"),
        _("Beantragt am"),
        _("Beigetreten am"),
        _("Ausgetreten am"),
    ]
    rows = (
        [
            membership.municipality.display_name,
            membership.municipality.ags,
            membership.municipality.district.display_name,
            membership.get_status_display(),
            _yes_no(membership.founding),
            _day(localtime(membership.requested_at).date()),
            _day(membership.joined_on),
            _day(membership.left_on),
        ]
        for membership in listing.iterator(chunk_size=500)
    )
    return table_download(fmt, _("Allianz-Mitgliedschaften"), header, rows)


@never_cache
@staff_required(is_asskomm)
@require_http_methods(["GET", "POST"])
def membership_create(request: HttpRequest) -> HttpResponse:
    form = RecordMembershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.record_membership(
                municipality=form.cleaned_data["municipality"],
                by=request.user,
                joined_on=form.cleaned_data["joined_on"],
                founding=form.cleaned_data["founding"],
            )
        except services.AllianceRefused as refusal:
            field = "municipality" if refusal.field == "confirm" else refusal.field
            form.add_error(field if field in form.fields else None, refusal.message)
        else:
            messages.success(
                request,
                _("%(municipality)s ist als Mitglied eingetragen.") % {"municipality": membership.municipality},
            )
            return redirect("alliance:membership", pk=membership.pk)
    return _render(request, "alliance/membership_form.html", {"form": form}, status=400 if form.errors else 200)


def _membership_page(request: HttpRequest, membership: Membership, *, forms: dict | None = None, status: int = 200):
    targets = MEMBERSHIPS.targets(membership.status) if is_asskomm(request.user) else []
    forms = forms or {}
    context = {
        "membership": membership,
        "history": selectors.history_of(membership),
        "contacts": selectors.contacts_visible_to(request.user).filter(municipality=membership.municipality),
        "others": selectors.memberships_visible_to(request.user)
        .filter(municipality=membership.municipality)
        .exclude(pk=membership.pk)
        .order_by("-requested_at"),
        "confirm_form": forms.get("confirm")
        or (ConfirmMembershipForm() if MembershipStatus.ACTIVE in targets else None),
        "decline_form": forms.get("decline")
        or (DeclineMembershipForm() if MembershipStatus.DECLINED in targets else None),
        "leave_form": forms.get("leave") or (LeaveMembershipForm() if MembershipStatus.LEFT in targets else None),
        "can_edit_contacts": True,
    }
    return _render(request, "alliance/membership_detail.html", context, status)


@never_cache
@staff_required(selectors.can_use_alliance)
@require_GET
def membership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(selectors.memberships_visible_to(request.user), pk=pk)
    return _membership_page(request, membership)


def _membership_step(request: HttpRequest, pk: int, name: str, form_class, step) -> HttpResponse:
    membership = get_object_or_404(selectors.memberships_visible_to(request.user), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            step(membership, form.cleaned_data)
        except services.AllianceRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            return redirect("alliance:membership", pk=membership.pk)
    return _membership_page(request, membership, forms={name: form}, status=400)


@never_cache
@staff_required(is_asskomm)
@require_POST
def membership_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def step(membership, data):
        services.confirm_membership(
            membership=membership, by=request.user, joined_on=data["joined_on"], founding=data["founding"]
        )
        messages.success(
            request,
            _("%(municipality)s ist jetzt Mitglied der Allianz.") % {"municipality": membership.municipality},
        )

    return _membership_step(request, pk, "confirm", ConfirmMembershipForm, step)


@never_cache
@staff_required(is_asskomm)
@require_POST
def membership_decline(request: HttpRequest, pk: int) -> HttpResponse:
    def step(membership, data):
        services.decline_membership(membership=membership, by=request.user, reason=data["reason"])
        messages.success(request, _("Der Antrag ist abgelehnt."))

    return _membership_step(request, pk, "decline", DeclineMembershipForm, step)


@never_cache
@staff_required(is_asskomm)
@require_POST
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    def step(membership, data):
        services.mark_left(membership=membership, by=request.user, left_on=data["left_on"], reason=data["reason"])
        messages.success(request, _("Der Austritt ist eingetragen."))

    return _membership_step(request, pk, "leave", LeaveMembershipForm, step)


# A municipality's own membership -------------------------------------------------------------------------------


def _my_page(request: HttpRequest, *, form: RequestMembershipForm | None = None, status: int = 200) -> HttpResponse:
    municipality = municipality_of(request.user)
    membership = selectors.current_membership(municipality)
    may_request = membership is None or not membership.is_open
    return _render(
        request,
        "alliance/my_membership.html",
        {
            "municipality": municipality,
            "membership": membership,
            "history": selectors.history_of(membership) if membership else [],
            "contacts": selectors.contacts_visible_to(request.user).filter(municipality=municipality),
            "form": form or (RequestMembershipForm() if may_request else None),
            "is_member": membership is not None and membership.status == MembershipStatus.ACTIVE,
        },
        status=status,
    )


@never_cache
@staff_required(_is_municipality_user)
@require_GET
def my_membership(request: HttpRequest) -> HttpResponse:
    return _my_page(request)


@never_cache
@staff_required(_is_municipality_user)
@require_POST
def membership_request(request: HttpRequest) -> HttpResponse:
    form = RequestMembershipForm(request.POST)
    if form.is_valid():
        try:
            services.request_membership(
                municipality=municipality_of(request.user), by=request.user, note=form.cleaned_data["note"]
            )
        except services.AllianceRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(
                request,
                _("Ihr Antrag ist eingegangen. Das ASSKomm-Team meldet sich, sobald es ihn bestätigt hat."),
            )
            return redirect("alliance:my_membership")
    return _my_page(request, form=form, status=400)


# Contact persons ----------------------------------------------------------------------------------------------


def _after_contact(request: HttpRequest, municipality) -> HttpResponse:
    if is_asskomm(request.user):
        membership = selectors.current_membership(municipality)
        if membership is not None:
            return redirect("alliance:membership", pk=membership.pk)
        return redirect("alliance:memberships")
    return redirect("alliance:my_membership")


def _back_url(request: HttpRequest, municipality) -> str:
    if is_asskomm(request.user):
        membership = selectors.current_membership(municipality)
        return reverse("alliance:membership", args=[membership.pk]) if membership else reverse("alliance:memberships")
    return reverse("alliance:my_membership")


@never_cache
@staff_required(selectors.can_use_alliance)
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(selectors.memberships_visible_to(request.user), pk=pk)
    form = ContactPersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.save_contact(by=request.user, data=form.cleaned_data, municipality=membership.municipality)
        messages.success(request, _("Die Ansprechperson ist gespeichert."))
        return _after_contact(request, membership.municipality)
    return _render(
        request,
        "alliance/contact_form.html",
        {
            "form": form,
            "contact": None,
            "municipality": membership.municipality,
            "back": _back_url(request, membership.municipality),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required(selectors.can_use_alliance)
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(selectors.contacts_visible_to(request.user), pk=pk)
    initial = {name: getattr(contact, name) for name in [*services.CONTACT_FIELDS, "version"]}
    form = ContactPersonForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact(
                by=request.user,
                data=form.cleaned_data,
                contact=contact,
                expected_version=form.cleaned_data["version"] or 0,
            )
        except services.AllianceRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return _after_contact(request, contact.municipality)
    return _render(
        request,
        "alliance/contact_form.html",
        {
            "form": form,
            "contact": contact,
            "municipality": contact.municipality,
            "back": _back_url(request, contact.municipality),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required(selectors.can_use_alliance)
@require_POST
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(selectors.contacts_visible_to(request.user), pk=pk)
    municipality = contact.municipality
    services.delete_contact(contact=contact, by=request.user)
    messages.success(request, _("Die Ansprechperson ist gelöscht."))
    return _after_contact(request, municipality)


# Network directory --------------------------------------------------------------------------------------------


@never_cache
@staff_required(selectors.can_see_directory)
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    fmt = export_format(request)
    members = selectors.directory_visible_to(request.user)
    if fmt:
        return _directory_export(request, fmt, members)
    # The directory shows the opted-in contact persons' names and details: each read is logged.
    audit.log("alliance.directory_viewed", actor=request.user)
    return _render(request, "alliance/directory.html", {"members": members, "formats": FORMATS})


def _directory_export(request: HttpRequest, fmt: str, members) -> HttpResponse:
    members = list(members)
    rows = []
    for membership in members:
        contacts: list[ContactPerson] = membership.municipality.directory_contacts
        base = [membership.municipality.display_name, membership.municipality.district.display_name]
        if not contacts:
            rows.append([*base, "", "", "", ""])
        for contact in contacts:
            rows.append([*base, contact.name, contact.function, contact.email, contact.phone])
    # The contact persons' details leave the platform: who took them, and how many, is logged.
    audit.log(
        "alliance.directory_exported",
        actor=request.user,
        data={"format": fmt, "members": len(members), "contacts": sum(1 for row in rows if row[2])},
    )
    header = [_("Kommune"), _("Landkreis / Kreisfreie Stadt"), _("Name"), _("Funktion"), _("E-Mail"), _("Telefon")]
    return table_download(fmt, _("Allianz-Netzwerkverzeichnis"), header, rows)


# Exchange meetings --------------------------------------------------------------------------------------------


@never_cache
@staff_required(selectors.can_use_alliance)
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    fmt = export_format(request)
    meetings = selectors.exchange_meetings_visible_to(request.user)
    if fmt:
        audit.log("alliance.meetings_exported", actor=request.user, data={"format": fmt})
        header = [_("Datum"), _("Format"), _("Thema"), _("Teilnehmende Kommunen")]
        rows = (
            [
                meeting.held_on,
                meeting.get_format_display(),
                meeting.topic,
                ", ".join(m.display_name for m in meeting.municipalities.all()),
            ]
            for meeting in meetings
        )
        return table_download(fmt, _("Allianz-Austauschtreffen"), header, rows)
    return _render(
        request,
        "alliance/meeting_list.html",
        {"meetings": meetings, "can_manage": is_asskomm(request.user), "formats": FORMATS},
    )


@never_cache
@staff_required(selectors.can_use_alliance)
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(selectors.exchange_meetings_visible_to(request.user), pk=pk)
    return _render(
        request, "alliance/meeting_detail.html", {"meeting": meeting, "can_manage": is_asskomm(request.user)}
    )


def _meeting_form(request: HttpRequest, meeting=None) -> HttpResponse:
    choices = selectors.meeting_municipality_choices(meeting)
    if request.method == "POST":
        form = ExchangeMeetingForm(request.POST, municipalities=choices)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                meeting = services.save_exchange_meeting(
                    by=request.user,
                    data=data,
                    municipalities=data.pop("municipalities"),
                    meeting=meeting,
                    expected_version=(data.pop("version") or 0) if meeting else None,
                )
            except services.AllianceRefused as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            else:
                messages.success(request, _("Das Treffen ist gespeichert."))
                return redirect("alliance:meeting", pk=meeting.pk)
    else:
        initial = ExchangeMeetingForm.initial_of(meeting) if meeting else None
        form = ExchangeMeetingForm(initial=initial, municipalities=choices)
    return _render(
        request,
        "alliance/meeting_form.html",
        {"form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required(is_asskomm)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    return _meeting_form(request)


@never_cache
@staff_required(is_asskomm)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(selectors.exchange_meetings_visible_to(request.user), pk=pk)
    return _meeting_form(request, meeting)


@never_cache
@staff_required(is_asskomm)
@require_POST
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(selectors.exchange_meetings_visible_to(request.user), pk=pk)
    services.delete_exchange_meeting(meeting=meeting, by=request.user)
    messages.success(request, _("Das Treffen ist gelöscht."))
    return redirect("alliance:meetings")
