"""The inbox of an organisation: filters, counts per filter, sorting and paging over the cases it may see.

Every query starts from `selectors.cases_visible_to`, so the inbox can never show more than the case page would.
The number of queries is constant however many cases there are (asserted in the tests).
"""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.cases.models import Case, CaseShare, CaseStatus, RiskLevel
from sikom.cases.selectors import cases_visible_to
from sikom.geo.models import District
from sikom.reports.models import ReportCategory
from sikom.reports.vocabulary import Category

PAGE_SIZE = 50
OPEN = "open"

SORTS = {
    "due": ("first_contact_due_at", "-created_at"),
    "newest": ("-created_at",),
    "risk": ("-risk_level", "first_contact_due_at"),
}

_INVALID = {"invalid_choice": _("Diese Auswahl gibt es nicht. Bitte wählen Sie einen Eintrag aus der Liste.")}


class InboxFilterForm(forms.Form):
    is_filter = True  # every field is optional: no »optional« marks
    status = forms.ChoiceField(label=_("Status"), required=False, error_messages=_INVALID)
    risk = forms.TypedChoiceField(
        label=_("Gefährdungsstufe"), required=False, coerce=int, empty_value=None, error_messages=_INVALID
    )
    district = forms.ChoiceField(label=_("Landkreis / Kreisfreie Stadt"), required=False, error_messages=_INVALID)
    category = forms.ChoiceField(label=_("Vorfallart"), required=False, error_messages=_INVALID)
    due = forms.ChoiceField(
        label=_("Fälligkeit"),
        required=False,
        choices=[
            ("", _("alle")),
            ("overdue", _("überfällig")),
            ("today", _("heute fällig")),
            ("week", _("in 7 Tagen fällig")),
        ],
        error_messages=_INVALID,
    )
    relation = forms.ChoiceField(
        label=_("Rolle meiner Stelle"),
        required=False,
        choices=[("", _("alle")), ("lead", _("federführend")), ("shared", _("beteiligt"))],
        error_messages=_INVALID,
    )
    q = forms.CharField(label=_("Fallnummer"), required=False, max_length=30)
    sort = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[("due", _("nach Fälligkeit")), ("newest", _("neueste zuerst")), ("risk", _("höchste Stufe zuerst"))],
        error_messages=_INVALID,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("alle"))]
        self.fields["status"].choices = [(OPEN, _("offen (nicht abgeschlossen)")), ("", _("alle")), *CaseStatus.choices]
        self.fields["status"].initial = OPEN
        self.fields["risk"].choices = every + list(RiskLevel.choices)
        self.fields["district"].choices = every + [
            (d.key, d.display_name) for d in District.objects.only("key", "name", "short_name", "kind")
        ]
        self.fields["category"].choices = every + list(Category.choices)

    def filters(self) -> dict:
        """Valid filters only; a forged one is reported at its field and ignored, never an error page."""
        if not self.is_bound:
            return {"status": OPEN}
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        if "status" not in self.data:
            data["status"] = OPEN
        return data


@dataclass
class InboxPage:
    page: object
    counts: dict
    total: int


def _filtered(user, filters: dict) -> QuerySet[Case]:
    organisation_id = user.organisation_id
    cases = cases_visible_to(user)
    status = filters.get("status")
    if status == OPEN:
        cases = cases.exclude(status=CaseStatus.CLOSED)
    elif status:
        cases = cases.filter(status=status)
    if filters.get("risk"):
        cases = cases.filter(risk_level=filters["risk"])
    if filters.get("district"):
        cases = cases.filter(report__municipality__district__key=filters["district"])
    if filters.get("category"):
        cases = cases.filter(
            Exists(ReportCategory.objects.filter(report__case=OuterRef("pk"), code=filters["category"]))
        )
    now = timezone.now()
    due = filters.get("due")
    if due:
        pending = Q(first_contact_at__isnull=True) & ~Q(status=CaseStatus.CLOSED)
        if due == "overdue":
            cases = cases.filter(pending, first_contact_due_at__lt=now)
        elif due == "today":
            end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
            cases = cases.filter(pending, first_contact_due_at__lte=end)
        elif due == "week":
            cases = cases.filter(pending, first_contact_due_at__lte=now + timedelta(days=7))
    if filters.get("relation") == "lead":
        cases = cases.filter(lead_id=organisation_id)
    elif filters.get("relation") == "shared":
        cases = cases.exclude(lead_id=organisation_id)
    number = (filters.get("q") or "").strip().upper()
    if number:
        cases = cases.filter(number__contains=number)
    return cases


# Only what the inbox shows: no encrypted report fields to decrypt, no boundaries to parse.
LISTED = (
    "number",
    "status",
    "lead",
    "risk_level",
    "risk_level_is_provisional",
    "first_contact_due_at",
    "first_contact_at",
    "reporter_activity_at",
    "report__municipality__district__short_name",
    "report__municipality__district__kind",
)


def inbox(user, filters: dict, page_number) -> InboxPage:
    now = timezone.now()
    cases = _filtered(user, filters)
    order = SORTS.get(filters.get("sort") or "due", SORTS["due"])
    shared = CaseShare.objects.filter(case=OuterRef("pk"), organisation_id=user.organisation_id)
    listing = (
        cases.annotate(is_shared=Exists(shared))
        .select_related("report__municipality__district")
        .only(*LISTED)
        .prefetch_related(Prefetch("report__category_rows", queryset=ReportCategory.objects.order_by("pk")))
        .order_by(*order)
    )
    page = Paginator(listing, PAGE_SIZE).get_page(page_number)
    # All counts in one grouped pass over the visible cases; risk level and attention count open cases only.
    rows = (
        cases_visible_to(user)
        .values_list("status", "risk_level")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(first_contact_at__isnull=True, first_contact_due_at__lt=now)),
            reporter_activity=Count("pk", filter=Q(reporter_activity_at__isnull=False)),
            lead=Count("pk", filter=Q(lead_id=user.organisation_id)),
        )
        .order_by()
    )
    status, risk, attention = {}, {}, {"overdue": 0, "reporter_activity": 0, "lead": 0}
    for code, level, n, overdue, activity, lead in rows:
        status[code] = status.get(code, 0) + n
        if code != CaseStatus.CLOSED:
            risk[level] = risk.get(level, 0) + n
            attention["overdue"] += overdue
            attention["reporter_activity"] += activity
            attention["lead"] += lead
    return InboxPage(
        page=page, counts={"status": status, "risk": risk, "attention": attention}, total=page.paginator.count
    )
