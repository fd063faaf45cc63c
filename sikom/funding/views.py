"""Thin views of the funding procedure: parse input, call a selector or service, render. Visibility comes from the
selectors (invisible == 404); every write goes through services."""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sikom.accounts.decorators import staff_required
from sikom.accounts.selectors import municipality_of
from sikom.core import audit, documents, exports
from sikom.core.workflow import TransitionNotAllowed
from sikom.funding import charts, files, forms, rules, selectors, services
from sikom.funding.models import DECIDED, EDITABLE, FUNDED, Instalment, Payment, PaymentStatus, ProofOfUse
from sikom.funding.models import Status as S
from sikom.funding.money import format_money
from sikom.geo.maps import choropleth

PER_PAGE = 50


# Public


@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    calls = selectors.calls_visible_to(request.user).prefetch_related("budgets")
    return render(
        request,
        "funding/call_list.html",
        {
            "calls": calls,
            "can_manage": selectors.can_manage_funding(request.user),
            "can_apply": selectors.can_apply(request.user),
            "today": timezone.localdate(),
        },
    )


@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(
        selectors.calls_visible_to(request.user).prefetch_related(
            "budgets", "categories", "staff_caps", "required_attachments", "criteria"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    return render(
        request,
        "funding/call_detail.html",
        {
            "call": call,
            "can_manage": selectors.can_manage_funding(request.user),
            "can_apply": selectors.can_apply(request.user) and call.is_published and call.window_open(today),
            "today": today,
        },
    )


@require_GET
def funded_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.funded_projects(), PER_PAGE).get_page(request.GET.get("seite"))
    return render(request, "funding/funded_list.html", {"page": page})


# Calls (staff)


def _call_page(request: HttpRequest, call=None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = forms.CallForm(data, instance=call)
    formsets = [
        (formset_class(data, instance=call, prefix=prefix), title)
        for prefix, formset_class, title in forms.CALL_FORMSETS
    ]
    if data is not None and form.is_valid() and all(formset.is_valid() for formset, _title in formsets):
        try:
            saved = services.save_call(by=request.user, form=form, formsets=[formset for formset, _title in formsets])
        except ProtectedError:
            form.add_error(
                None,
                _(
                    "Eine Kostenart, die in Anträgen verwendet wird, kann nicht gelöscht werden. Nichts wurde "
                    "gespeichert; ändern Sie stattdessen ihre Förderfähigkeit oder ihren Hinweis."
                ),
            )
        else:
            messages.success(request, _("Der Förderaufruf ist gespeichert."))
            return redirect("funding:call_detail", pk=saved.pk)
    return render(request, "funding/call_form.html", {"form": form, "formsets": formsets, "call": call})


@never_cache
@staff_required(selectors.can_manage_funding)
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    return _call_page(request)


@never_cache
@staff_required(selectors.can_manage_funding)
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_page(request, get_object_or_404(selectors.calls_visible_to(request.user), pk=pk))


@never_cache
@staff_required(selectors.can_manage_funding)
@require_GET
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)
    years = selectors.budget_overview(call)
    return render(request, "funding/budget.html", {"call": call, "years": years})


# Applications


@never_cache
@staff_required(selectors.can_list_applications)
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    call_id = request.GET.get("aufruf", "")
    status = request.GET.get("stand", "")
    if status not in S.values:
        status = ""
    listing = selectors.application_listing(
        request.user, call_id=int(call_id) if call_id.isdigit() and len(call_id) < 10 else None, status=status
    )
    ranked = call_id.isdigit() and request.GET.get("reihenfolge") == "punkte"
    if ranked:
        listing = listing.order_by("-score", "number")
    page = Paginator(listing, PER_PAGE).get_page(request.GET.get("seite"))
    return render(
        request,
        "funding/application_list.html",
        {
            "page": page,
            "calls": selectors.calls_visible_to(request.user).only("pk", "title"),
            "statuses": S.choices,
            "call_id": call_id,
            "status": status,
            "ranked": ranked,
            "today": timezone.localdate(),
            "can_manage": selectors.can_manage_funding(request.user),
            "open_calls": selectors.calls_open_for_application(request.user, timezone.localdate()),
        },
    )


def _application_page(request: HttpRequest, call, application=None) -> HttpResponse:
    uploaded = {a.required_id: a for a in application.attachments.all()} if application else {}
    records = selectors.consultation_records(request.user)
    post = request.method == "POST"
    if post:
        form = forms.ApplicationForm(
            request.POST, request.FILES, call=call, attachments=uploaded, consultations=records
        )
    elif application:
        initial = {name: getattr(application, name) for name in services.APPLICATION_FIELDS}
        initial["consultation"] = application.consultation_id
        form = forms.ApplicationForm(call=call, attachments=uploaded, initial=initial, consultations=records)
    else:
        municipality = municipality_of(request.user)
        # The project description starts from the municipality's prevention strategy, where its coaching wrote one.
        from_strategy = {f"step_{number}": text for number, text in selectors.strategy_steps(request.user).items()}
        form = forms.ApplicationForm(
            call=call,
            initial=forms.default_dates(call) | {"applicant": municipality.display_name} | from_strategy,
            consultations=records,
        )
        form.from_strategy = bool(from_strategy)
    lines, own, third = forms.plan_forms(call, request.POST if post else None, application)
    problems: list[str] = []
    if post:
        valid = form.is_valid() & lines.is_valid() & own.is_valid() & third.is_valid()
        if valid and forms.check_categories(call, lines):
            plan = forms.plan_input(call, lines, own, third)
            fields = {k: v for k, v in form.cleaned_data.items() if not k.startswith("attachment_")}
            whole = services.plan_of(
                call=call,
                starts_on=fields["starts_on"],
                ends_on=fields["ends_on"],
                requested=fields["requested"],
                fixed_amount=fields.get("fixed_amount", False),
                plan=plan,
            )
            call_rules = rules.call_rules(call)
            submitting = "einreichen" in request.POST or "zurueck" in request.POST
            violations = rules.draft_violations(call_rules, whole)
            if submitting and not violations:
                violations = rules.plan_violations(call_rules, whole) + rules.completeness_violations(
                    call_rules,
                    rules.Completeness(
                        steps={n: fields.get(f"step_{n}", "") for n in range(1, 6)},
                        target_groups=fields.get("target_groups", ""),
                        attachments=frozenset(set(uploaded) | set(form.uploads())),
                        has_consultation_record=fields.get("consultation") is not None,
                        consultation_date=fields.get("consultation_date"),
                        consultation_topic=fields.get("consultation_topic", ""),
                        declarations=(fields.get("declaration_truthful"), fields.get("declaration_not_started")),
                    ),
                )
            if violations:
                forms.show_violations(violations, form, lines, own, third)
                problems = [violation.message for violation in violations]
            else:
                try:
                    saved = services.save_application(
                        by=request.user,
                        call=call,
                        municipality=municipality_of(request.user),
                        fields=fields,
                        plan=plan,
                        uploads=form.uploads(),
                        application=application,
                    )
                    if "einreichen" in request.POST:
                        saved = services.submit(application=saved, by=request.user)
                        messages.success(
                            request,
                            _("Ihr Antrag ist eingereicht. Aktenzeichen: %(number)s") % {"number": saved.number},
                        )
                    else:
                        messages.success(request, _("Der Entwurf ist gespeichert."))
                    return redirect("funding:application_detail", pk=saved.pk)
                except services.Refused as refused:
                    forms.show_violations(refused.violations, form, lines, own, third)
                    problems = [v.message for v in refused.violations] or [refused.message]
                except files.FileRejected as rejected:
                    problems = [rejected.message]
    return render(
        request,
        "funding/application_form.html",
        {
            "call": call,
            "application": application,
            "form": form,
            "lines": lines,
            "own": own,
            "third": third,
            "problems": problems,
            "window_open": call.window_open(timezone.localdate()),
            "answering": application is not None and application.status == S.QUERIES,
        },
    )


@never_cache
@staff_required(selectors.can_apply)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_public(), pk=pk)
    return _application_page(request, call)


@never_cache
@staff_required(selectors.can_apply)
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_editable_by(request.user).select_related("call"), pk=pk)
    return _application_page(request, application.call, application)


@never_cache
@staff_required(selectors.can_list_applications)
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_detail(request.user, pk)
    user = request.user
    staff = selectors.can_manage_funding(user)
    own = municipality_of(user) == application.municipality
    plan = services.stored_plan(application)
    reviews = list(application.reviews.select_related("reviewer"))
    criteria = list(application.call.criteria.all())
    assigned = application.assignments.filter(reviewer=user).exists()
    today = timezone.localdate()
    open_query = services.open_query(application)
    overdue = open_query is not None and open_query.deadline < today
    proof = proof_of(application)
    return render(
        request,
        "funding/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "cost_lines": application.cost_lines.select_related("category"),
            "own_funds": application.own_funds.all(),
            "third_party": application.third_party_funds.all(),
            "attachments": application.attachments.select_related("required"),
            "plan": plan,
            "history": application.history.select_related("by"),
            "queries": application.queries.all(),
            "reviews": reviews,
            "criteria": criteria,
            "payments": application.payments.all(),
            "instalments": application.instalments.all(),
            "proof": proof,
            "can_file_proof": own and application.status in FUNDED and proof is None,
            "close_form": forms.CloseProofForm(
                initial={"final_amount": services.proposed_final_amount(application, proof)}
            )
            if staff and proof and proof.status == "filed"
            else None,
            "is_staff": staff,
            "is_applicant": own,
            "can_edit": own and application.status in EDITABLE,
            "can_withdraw": (own or staff) and application.status not in {S.REJECTED, S.WITHDRAWN},
            "can_start_review": staff and application.status == S.SUBMITTED,
            "can_review": (staff or assigned) and application.status == S.IN_REVIEW and criteria,
            "can_query": staff and application.status == S.IN_REVIEW,
            "today": today,
            "open_query": open_query,
            "overdue": overdue,
            "resume_form": forms.ReasonForm(prefix="resume") if staff and overdue else None,
            "can_decide": staff and application.status == S.IN_REVIEW,
            "can_request_payment": own and application.status in FUNDED and not application.instalments.exists(),
            "decided": application.status in DECIDED,
            "review_form": forms.review_form_class(application.call)() if criteria else None,
            "query_form": forms.QueryForm(),
            "assign_form": forms.AssignForm() if staff and application.status != S.DRAFT else None,
            "assigned": application.assignments.select_related("reviewer") if staff else [],
            "payment_form": forms.PaymentForm(initial={"year": application.starts_on.year}),
            "violations": services.submission_violations(application) if own and application.status == S.DRAFT else [],
        },
    )


def proof_of(application) -> ProofOfUse | None:
    """The application's proof of use with its lines, or None."""
    return ProofOfUse.objects.filter(application=application).prefetch_related("lines__cost_line__category").first()


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache
@staff_required(selectors.can_list_applications)
@require_GET
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_detail(request.user, pk)
    if application.submitted_at is None:
        raise Http404
    pdf = documents.render_pdf(
        "funding/documents/receipt.html",
        {
            "application": application,
            "plan": services.stored_plan(application),
            "attachments": application.attachments.all(),
        },
        label=_("Eingangsbestätigung %(number)s") % {"number": application.number},
        created_at=application.submitted_at,
    )
    return _pdf(pdf, f"eingang-{application.number}.pdf")


@never_cache
@staff_required(selectors.can_list_applications)
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_detail(request.user, pk)
    if application.status not in DECIDED and application.decided_at is None:
        raise Http404
    body = fill_letter(application.call.letter_template or services.DEFAULT_LETTER, _LetterFields(application))
    pdf = documents.render_pdf(
        "funding/documents/letter.html",
        {"application": application, "body": body},
        label=_("Bescheid %(number)s") % {"number": application.number},
        created_at=application.decided_at,
    )
    audit.log("funding.letter_read", actor=request.user, obj=application)
    return _pdf(pdf, f"bescheid-{application.number}.pdf")


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill_letter(template: str, fields: dict) -> str:
    """Replace the known placeholders only: the template is the funding body's text, not a Python format string
    (a stray brace or »{x.__class__}« stays as written instead of failing or reaching into objects)."""
    return _PLACEHOLDER.sub(lambda match: str(fields.get(match.group(1), match.group(0))), template)


class _LetterFields(dict):
    """The placeholders of the letter template ({aktenzeichen}, {titel}, …); an unknown one stays as written."""

    def __init__(self, application):
        from sikom.funding.money import format_money

        super().__init__(
            aktenzeichen=application.number or "",
            titel=application.title,
            antragsteller=application.applicant,
            gemeinde=application.municipality.display_name,
            entscheidung=application.get_status_display(),
            betrag=f"{format_money(application.granted)} €" if application.granted is not None else "–",
            beantragt=f"{format_money(application.requested)} €",
            auflagen=application.conditions or "–",
            begruendung=application.reasons or "–",
            aufruf=application.call.title,
        )


@never_cache
@staff_required(selectors.can_list_applications)
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = selectors.application_detail(request.user, pk)
    item = get_object_or_404(application.attachments, pk=attachment_pk)
    audit.log("funding.attachment_read", actor=request.user, obj=application, data={"attachment": item.pk})
    response = StreamingHttpResponse(files.open_file(item.storage_name), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="anlage-{item.pk}{files.EXTENSIONS[item.content_type]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _refused(request: HttpRequest, refused: services.Refused, pk: int) -> HttpResponse:
    messages.error(request, refused.message)
    return redirect("funding:application_detail", pk=pk)


@staff_required(selectors.can_manage_funding)
@require_POST
def start_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_manageable_by(request.user), pk=pk)
    try:
        services.start_review(application=application, by=request.user)
    except (services.Refused, TransitionNotAllowed) as refused:
        messages.error(request, str(refused))
    return redirect("funding:application_detail", pk=pk)


@never_cache
@staff_required(selectors.can_list_applications)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_detail(request.user, pk)
    if not (selectors.can_manage_funding(request.user) or municipality_of(request.user) == application.municipality):
        raise Http404
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(application=application, by=request.user, reason=form.cleaned_data["reason"])
        except TransitionNotAllowed as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Der Antrag ist zurückgezogen."))
            return redirect("funding:application_detail", pk=pk)
    return render(request, "funding/withdraw.html", {"application": application, "form": form})


@staff_required(selectors.can_list_applications)
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_detail(request.user, pk)
    if not (
        selectors.can_manage_funding(request.user) or application.assignments.filter(reviewer=request.user).exists()
    ):
        raise Http404
    form = forms.review_form_class(application.call)(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte vergeben Sie für jedes Kriterium Punkte."))
        return redirect("funding:application_detail", pk=pk)
    scores = {
        int(name.removeprefix("criterion_")): value
        for name, value in form.cleaned_data.items()
        if name.startswith("criterion_")
    }
    try:
        services.save_review(
            application=application,
            by=request.user,
            scores=scores,
            recommendation=form.cleaned_data["recommendation"],
        )
    except services.Refused as refused:
        return _refused(request, refused, pk)
    messages.success(request, _("Ihre Bewertung ist gespeichert."))
    return redirect("funding:application_detail", pk=pk)


@staff_required(selectors.can_manage_funding)
@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_manageable_by(request.user), pk=pk)
    form = forms.QueryForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("funding:application_detail", pk=pk)
    try:
        services.ask_query(application=application, by=request.user, **form.cleaned_data)
    except (services.Refused, TransitionNotAllowed) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Die Rückfrage ist gestellt; der Antrag ist zur Überarbeitung zurückgegeben."))
    return redirect("funding:application_detail", pk=pk)


@staff_required(selectors.can_manage_funding)
@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Continue the review without the applicant's answer after the question's deadline (with a reason)."""
    application = get_object_or_404(selectors.applications_manageable_by(request.user), pk=pk)
    form = forms.ReasonForm(request.POST, prefix="resume")
    if not form.is_valid():
        messages.error(request, _("Bitte begründen Sie, warum ohne Antwort weitergeprüft wird."))
        return redirect("funding:application_detail", pk=pk)
    try:
        services.resume_review(application=application, by=request.user, reason=form.cleaned_data["reason"])
    except (services.Refused, TransitionNotAllowed) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Die Prüfung wird ohne Antwort fortgesetzt."))
    return redirect("funding:application_detail", pk=pk)


@never_cache
@staff_required(selectors.can_apply)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_editable_by(request.user).filter(status=S.QUERIES), pk=pk)
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_query(application=application, by=request.user, answer=form.cleaned_data["answer"])
        except services.Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Ihre Antwort ist gesendet; der Antrag ist wieder in Prüfung."))
            return redirect("funding:application_detail", pk=pk)
    return render(
        request,
        "funding/answer.html",
        {
            "application": application,
            "form": form,
            "query": services.open_query(application),
            "today": timezone.localdate(),
        },
    )


@never_cache
@staff_required(selectors.can_manage_funding)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        selectors.applications_manageable_by(request.user).select_related("call", "municipality"), pk=pk
    )
    if application.status != S.IN_REVIEW:
        raise Http404
    form = forms.DecisionForm(request.POST or None, initial={"amount": application.requested})
    plan = forms.instalment_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() & plan.is_valid():
        try:
            services.decide(
                application=application,
                by=request.user,
                instalments=forms.instalments_of(plan),
                **form.cleaned_data,
            )
        except (services.Refused, TransitionNotAllowed) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Die Entscheidung ist gespeichert."))
            return redirect("funding:application_detail", pk=pk)
    return render(
        request,
        "funding/decide.html",
        {
            "application": application,
            "form": form,
            "plan": plan,
            "reviews": application.reviews.select_related("reviewer"),
            "split": services.per_year_split(application, application.requested),
        },
    )


@staff_required(selectors.can_apply)
@require_POST
def payment_request(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        selectors.applications_visible_to(request.user).filter(municipality=municipality_of(request.user)), pk=pk
    )
    form = forms.PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("funding:application_detail", pk=pk)
    try:
        services.request_payment(application=application, by=request.user, **form.cleaned_data)
    except services.Refused as refused:
        return _refused(request, refused, pk)
    messages.success(request, _("Der Mittelabruf ist gestellt."))
    return redirect("funding:application_detail", pk=pk)


@staff_required(selectors.can_manage_funding)
@require_POST
def pay(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    payment = get_object_or_404(
        Payment.objects.filter(application__in=selectors.applications_manageable_by(request.user)),
        application_id=pk,
        pk=payment_pk,
    )
    try:
        services.pay(payment=payment, by=request.user)
    except services.Refused as refused:
        return _refused(request, refused, pk)
    messages.success(request, _("Die Auszahlung ist freigegeben."))
    return redirect("funding:application_detail", pk=pk)


PAYMENT_HEADER = [
    "Aktenzeichen",
    "Gemeinde",
    "Amtlicher Gemeindeschlüssel",
    "Projekt",
    "Haushaltsjahr",
    "Betrag (EUR)",
    "Stand",
    "angefordert am",
    "freigegeben am",
]


@never_cache
@staff_required(selectors.can_manage_funding)
@require_GET
def payment_export(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)
    fmt = exports.export_format(request, default="csv")
    payments = (
        Payment.objects.filter(application__call=call, status=PaymentStatus.PAID)
        .select_related("application__municipality")
        .order_by("released_at", "pk")
    )
    audit.log("funding.payments_exported", actor=request.user, obj=call, data={"format": fmt})
    statuses = dict(PaymentStatus.choices)
    rows = (
        [
            p.application.number,
            p.application.municipality.display_name,
            p.application.municipality.ags,
            p.application.title,
            p.year,
            f"{p.amount:.2f}".replace(".", ","),
            str(statuses[p.status]),
            p.requested_at,
            p.released_at,
        ]
        for p in payments.iterator()
    )
    return exports.table_download(fmt, f"auszahlungen-{call.year}-{call.pk}", PAYMENT_HEADER, rows)


@never_cache
@staff_required(selectors.can_apply)
@require_http_methods(["GET", "POST"])
def proof(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        selectors.applications_visible_to(request.user).filter(
            municipality=municipality_of(request.user), status__in=FUNDED, proof__isnull=True
        ),
        pk=pk,
    )
    form = forms.proof_form_class(application)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_proof(
                application=application,
                by=request.user,
                evaluation=form.cleaned_data["evaluation"],
                conclusions=form.cleaned_data["conclusions"],
                actuals=forms.proof_actuals(form),
            )
        except services.Refused as refused:
            for violation in refused.violations:
                parts = violation.field.split(":")
                name = f"reason_{parts[1]}" if parts[0] == "proof" else parts[0]
                form.add_error(name if name in form.fields else None, violation.message)
            if not refused.violations:
                form.add_error(None, refused.message)
        else:
            messages.success(request, _("Der Verwendungsnachweis ist eingereicht."))
            return redirect("funding:application_detail", pk=pk)
    return render(request, "funding/proof_form.html", {"application": application, "form": form})


@staff_required(selectors.can_manage_funding)
@require_POST
def close_proof(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        selectors.applications_manageable_by(request.user).filter(proof__isnull=False), pk=pk
    )
    form = forms.CloseProofForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("funding:application_detail", pk=pk)
    try:
        closed = services.close_proof(application=application, by=request.user, **form.cleaned_data)
    except services.Refused as refused:
        return _refused(request, refused, pk)
    messages.success(
        request,
        _("Der Verwendungsnachweis ist abgeschlossen. Rückforderung: %(amount)s €")
        % {"amount": format_money(closed.repayment)},
    )
    return redirect("funding:application_detail", pk=pk)


OVERVIEW_HEADER = [
    "Förderjahr",
    "Landkreis / Kreisfreie Stadt",
    "Anträge",
    "entschieden",
    "bewilligt",
    "Bewilligungsquote (%)",
    "beantragt (EUR)",
    "bewilligt (EUR)",
]


@never_cache
@staff_required(selectors.can_manage_funding)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    fmt = exports.export_format(request)
    rows = selectors.funding_overview()
    if fmt:
        audit.log("funding.overview_exported", actor=request.user, data={"format": fmt})
        table = (
            [
                row.year,
                row.district,
                row.applications,
                row.decided,
                row.approved,
                str(row.approval_rate).replace(".", ",") if row.approval_rate is not None else "",
                f"{row.requested:.2f}".replace(".", ","),
                f"{row.granted:.2f}".replace(".", ","),
            ]
            for row in rows
        )
        return exports.table_download(fmt, "foerderuebersicht", OVERVIEW_HEADER, table)
    years = selectors.overview_by_year(rows)
    context = {"rows": rows, "years": years, "chart": charts.granted_chart(years)}
    if years:
        latest = years[-1].year
        context["map_year"] = latest
        context["map"] = choropleth(
            values=selectors.applications_by_district(rows, latest),
            title=_("Eingereichte Anträge für das Förderjahr %(year)s nach Landkreisen") % {"year": latest},
            description=_(
                "Karte der 13 Landkreise und Kreisfreien Städte Sachsens; je dunkler, desto mehr Anträge. "
                "Die Zahlen stehen auch in der Tabelle unter der Karte."
            ),
            element_id="karte-antraege",
        )
    return render(request, "funding/overview.html", context)


@staff_required(selectors.can_manage_funding)
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_manageable_by(request.user).exclude(status=S.DRAFT), pk=pk)
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        services.assign_reviewer(application=application, reviewer=form.cleaned_data["email"], by=request.user)
        messages.success(request, _("Die Gutachterin oder der Gutachter ist zugewiesen."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("funding:application_detail", pk=pk)


@staff_required(selectors.can_manage_funding)
@require_POST
def pay_instalment(request: HttpRequest, pk: int, instalment_pk: int) -> HttpResponse:
    instalment = get_object_or_404(
        Instalment.objects.filter(application__in=selectors.applications_manageable_by(request.user)),
        application_id=pk,
        pk=instalment_pk,
    )
    try:
        services.pay_instalment(instalment=instalment, by=request.user)
    except services.Refused as refused:
        return _refused(request, refused, pk)
    messages.success(request, _("Die Rate ist ausgezahlt."))
    return redirect("funding:application_detail", pk=pk)
