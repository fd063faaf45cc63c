"""The inbox of an organisation: filters, counts per filter, sorting and paging over the cases it may see.

Filters, counts and sorting read the organisation's `InboxEntry` rows (one index range, however many cases there
are); the cases shown are loaded through `selectors.cases_visible_to`, so the inbox can never show more than the
case page would. The number of queries is constant however many cases there are (asserted in the tests).
"""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.cases.models import CaseStatus, InboxEntry, RiskLevel
from sikom.cases.selectors import cases_visible_to, inbox_entries_of
from sikom.geo.models import District
from sikom.reports.vocabulary import CATEGORY_BITS, Category

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


class _Paginator(Paginator):
    """A paginator that can be told the total when the counts already hold it (one COUNT query fewer)."""

    def __init__(self, object_list, per_page, count: int | None = None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.count = count


def _filtered(entries: QuerySet[InboxEntry], filters: dict) -> QuerySet[InboxEntry]:
    status = filters.get("status")
    if status == OPEN:
        entries = entries.filter(is_open=True)
    elif status:
        entries = entries.filter(status=status)
    if filters.get("risk"):
        entries = entries.filter(risk_level=filters["risk"])
    if filters.get("district"):
        entries = entries.filter(district__key=filters["district"])
    if filters.get("category"):
        entries = entries.alias(category_bit=F("categories").bitand(CATEGORY_BITS[filters["category"]])).filter(
            category_bit__gt=0
        )
    now = timezone.now()
    due = filters.get("due")
    if due:
        pending = Q(awaiting_first_contact=True, is_open=True)
        if due == "overdue":
            entries = entries.filter(pending, first_contact_due_at__lt=now)
        elif due == "today":
            end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
            entries = entries.filter(pending, first_contact_due_at__lte=end)
        elif due == "week":
            entries = entries.filter(pending, first_contact_due_at__lte=now + timedelta(days=7))
    if filters.get("relation") == "lead":
        entries = entries.filter(is_lead=True)
    elif filters.get("relation") == "shared":
        entries = entries.filter(is_lead=False)
    number = (filters.get("q") or "").strip().upper()
    if number:
        entries = entries.filter(number__contains=number)
    return entries


def _counts(entries: QuerySet[InboxEntry]) -> dict:
    """All counts in one grouped pass over the organisation's rows, read from one index (hence counting a column of
    it, not the primary key); risk level and attention count open cases only."""
    now = timezone.now()
    rows = (
        entries.values_list("status", "risk_level")
        .annotate(
            n=Count("organisation"),
            overdue=Count("organisation", filter=Q(awaiting_first_contact=True, first_contact_due_at__lt=now)),
            reporter_activity=Count("organisation", filter=Q(reporter_activity=True)),
            lead=Count("organisation", filter=Q(is_lead=True)),
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
    return {"status": status, "risk": risk, "attention": attention}


def _total_from_counts(filters: dict, counts: dict) -> int | None:
    if any(value for name, value in filters.items() if name not in ("status", "sort")):
        return None
    status = filters.get("status")
    if status == OPEN:
        return sum(n for code, n in counts["status"].items() if code != CaseStatus.CLOSED)
    if status:
        return counts["status"].get(status, 0)
    return sum(counts["status"].values())


# Only what the inbox shows: no encrypted report fields to decrypt, no boundaries to parse.
LISTED = (
    "number",
    "kind",
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
    entries = inbox_entries_of(user)
    counts = _counts(entries)
    order = SORTS.get(filters.get("sort") or "due", SORTS["due"])
    listing = _filtered(entries, filters).order_by(*order).values_list("case_id", "categories", "event_at")
    page = _Paginator(listing, PAGE_SIZE, count=_total_from_counts(filters, counts)).get_page(page_number)
    # The rows shown are checked against the one visibility rule again: a derived row can never show a case.
    shown = {
        case.pk: case
        for case in cases_visible_to(user)
        .filter(pk__in=[case_id for case_id, *_ in page.object_list])
        .select_related("report__municipality__district")
        .only(*LISTED)
    }
    status_labels, risk_labels, category_labels = (
        dict(CaseStatus.choices),
        dict(RiskLevel.choices),
        dict(Category.choices),
    )
    cases = []
    for case_id, categories, event_at in page.object_list:
        case = shown.get(case_id)
        if case is None:
            continue
        case.status_label = status_labels.get(case.status, case.status)
        case.risk_label = risk_labels.get(case.risk_level, "")
        case.category_labels = [category_labels[code] for code, bit in CATEGORY_BITS.items() if categories & bit]
        case.event_at = event_at  # the date a request is about (other kinds than the incident report)
        cases.append(case)
    page.object_list = cases
    return InboxPage(page=page, counts=counts, total=page.paginator.count)
