"""Reads of the funding procedure; who may see what is decided here and nowhere else.

- the public sees published calls and, after the decision, the funded projects (title, municipality, amount, year);
- a verified member of a municipality sees its own municipality's applications;
- the ASSKomm team (the funding staff) sees and keeps every call and application;
- a reviewer (a verified staff member assigned to an application) sees the applications assigned to them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from sikom.accounts.selectors import is_asskomm, is_verified_staff, municipality_of
from sikom.coaching.models import StrategyStep
from sikom.coaching.selectors import coachings_visible_to
from sikom.consultations.selectors import consultations_visible_to
from sikom.funding.models import (
    FUNDED,
    Application,
    Call,
    CallBudget,
    Commitment,
    Payment,
    PaymentStatus,
    Query,
    ReviewerAssignment,
    Status,
)
from sikom.funding.money import ZERO
from sikom.geo.selectors import without_boundaries


def can_manage_funding(user) -> bool:
    return is_asskomm(user)


def can_apply(user) -> bool:
    return municipality_of(user) is not None


def sees_applications_menu(user) -> bool:
    """The menu entry, without a query (it is drawn on every page): applicants and the funding staff. An assigned
    reviewer of another office reaches the list by its address (`can_list_applications`)."""
    return is_asskomm(user) or municipality_of(user) is not None


def can_list_applications(user) -> bool:
    return (
        is_asskomm(user)
        or municipality_of(user) is not None
        or (is_verified_staff(user) and ReviewerAssignment.objects.filter(reviewer=user).exists())
    )


def calls_public() -> QuerySet[Call]:
    return Call.objects.filter(is_published=True)


def calls_visible_to(user) -> QuerySet[Call]:
    if can_manage_funding(user):
        return Call.objects.all()
    return calls_public()


def calls_open_for_application(user, today) -> QuerySet[Call]:
    if not can_apply(user):
        return Call.objects.none()
    return calls_public().filter(opens_on__lte=today, closes_on__gte=today)


def applications_visible_to(user) -> QuerySet[Application]:
    if is_asskomm(user):
        return Application.objects.all()
    municipality = municipality_of(user)
    if municipality is not None:
        return Application.objects.filter(municipality=municipality)
    if is_verified_staff(user):
        # Drafts are the municipality's own until submitted, even for an assigned reviewer.
        return Application.objects.filter(
            Exists(ReviewerAssignment.objects.filter(application=OuterRef("pk"), reviewer=user))
        ).exclude(status=Status.DRAFT)
    return Application.objects.none()


def applications_editable_by(user) -> QuerySet[Application]:
    """The applicant's own drafts and applications sent back with queries."""
    municipality = municipality_of(user)
    if municipality is None:
        return Application.objects.none()
    return Application.objects.filter(municipality=municipality, status__in=[Status.DRAFT, Status.QUERIES])


def applications_manageable_by(user) -> QuerySet[Application]:
    if not can_manage_funding(user):
        return Application.objects.none()
    return Application.objects.all()


def application_detail(user, pk: int) -> Application:
    return get_object_or_404(
        applications_visible_to(user).select_related("call", "municipality__district", "consultation"), pk=pk
    )


def application_listing(user, *, call_id: int | None = None, status: str = "") -> QuerySet[Application]:
    """The review list: every visible application with its call and municipality and the mean weighted score of its
    reviews (kept on the row by the review service) — one query per page, on an index, for any number of rows."""
    listing = applications_visible_to(user)
    if call_id:
        listing = listing.filter(call_id=call_id)
    if status:
        listing = listing.filter(status=status)
    return (
        without_boundaries(listing.select_related("call", "municipality"), "municipality")
        .only(
            "pk",
            "number",
            "title",
            "status",
            "requested",
            "score",
            "review_count",
            "submitted_at",
            "call__title",
            "municipality__name",
            "municipality__ags",
        )
        .annotate(query_deadline=open_query_deadline())
        .order_by("-submitted_at", "-pk")
    )


def open_query_deadline() -> Subquery:
    """The deadline of the latest unanswered question (meaningful while the application is in »Rückfragen«; the pages
    look at the status too); one correlated subquery per listed row, so the page's query count stays constant."""
    return Subquery(
        Query.objects.filter(application=OuterRef("pk"), answered_at=None)
        .order_by("-asked_at", "-pk")
        .values("deadline")[:1]
    )


def funded_projects() -> QuerySet[Application]:
    """The public list after the decision: title, municipality, amount, year."""
    return (
        Application.objects.filter(status__in=FUNDED, call__is_published=True)
        .select_related("call", "municipality")
        .only("title", "granted", "call__year", "call__title", "municipality__name", "municipality__ags")
        .order_by("-call__year", "municipality__name", "title")
    )


@dataclass(frozen=True)
class BudgetYear:
    year: int
    planned: Decimal
    committed: Decimal  # net: commitments minus releases
    released: Decimal  # money returned (shown positive)
    paid: Decimal

    @property
    def available(self) -> Decimal:
        return self.planned - self.committed


def budget_overview(call: Call) -> list[BudgetYear]:
    """Per budget year of the call: planned, committed (net), released and paid — three aggregate queries whatever
    the number of applications."""
    planned = dict(CallBudget.objects.filter(call=call).values_list("year", "amount"))
    ledger = {
        row["year"]: row
        for row in Commitment.objects.filter(call=call)
        .values("year")
        .annotate(
            net=Coalesce(Sum("amount"), ZERO),
            released=Coalesce(Sum("amount", filter=Q(kind="release")), ZERO),
        )
    }
    paid = dict(
        Payment.objects.filter(application__call=call, status=PaymentStatus.PAID)
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )
    years = sorted(set(planned) | set(ledger) | set(paid))
    return [
        BudgetYear(
            year=year,
            planned=planned.get(year, ZERO),
            committed=ledger.get(year, {}).get("net", ZERO),
            released=-ledger.get(year, {}).get("released", ZERO),
            paid=paid.get(year, ZERO) or ZERO,
        )
        for year in years
    ]


@dataclass(frozen=True)
class OverviewRow:
    year: int
    district: str
    applications: int
    decided: int
    approved: int
    requested: Decimal
    granted: Decimal
    district_key: str = ""

    @property
    def approval_rate(self) -> Decimal | None:
        """Approved of decided, in percent (None before any decision)."""
        if not self.decided:
            return None
        return (Decimal(self.approved) * 100 / self.decided).quantize(Decimal("0.1"))


def funding_overview(*, year: int | None = None) -> list[OverviewRow]:
    """Per funding year and district: submitted applications, decisions, approvals, amounts — one grouped query."""
    from sikom.funding.models import DECIDED

    applications = Application.objects.exclude(status=Status.DRAFT)
    if year:
        applications = applications.filter(call__year=year)
    rows = (
        applications.values("call__year", "municipality__district__key", "municipality__district__short_name")
        .annotate(
            applications=Count("pk"),
            decided=Count("pk", filter=Q(status__in=DECIDED) | Q(status=Status.WITHDRAWN, decided_at__isnull=False)),
            approved=Count("pk", filter=Q(status__in=FUNDED)),
            requested_sum=Coalesce(Sum("requested"), ZERO),
            granted_sum=Coalesce(Sum("granted", filter=Q(status__in=FUNDED)), ZERO),
        )
        .order_by("-call__year", "municipality__district__short_name")
    )
    return [
        OverviewRow(
            year=row["call__year"],
            district=row["municipality__district__short_name"] or "",
            district_key=row["municipality__district__key"] or "",
            applications=row["applications"],
            decided=row["decided"],
            approved=row["approved"],
            requested=row["requested_sum"],
            granted=row["granted_sum"],
        )
        for row in rows
    ]


def applications_by_district(rows: list[OverviewRow], year: int) -> dict[str, int]:
    """Submitted applications of one funding year per district key, for the map."""
    return {row.district_key: row.applications for row in rows if row.year == year and row.district_key}


def overview_by_year(rows: list[OverviewRow]) -> list[OverviewRow]:
    """The rows summed per year (for the chart and the totals)."""
    years: dict[int, list[OverviewRow]] = {}
    for row in rows:
        years.setdefault(row.year, []).append(row)
    return [
        OverviewRow(
            year=year,
            district="",
            applications=sum(r.applications for r in group),
            decided=sum(r.decided for r in group),
            approved=sum(r.approved for r in group),
            requested=sum((r.requested for r in group), ZERO),
            granted=sum((r.granted for r in group), ZERO),
        )
        for year, group in sorted(years.items())
    ]


def strategy_steps(user) -> dict[int, str]:
    """The texts of Beccaria steps 1–5 of the applicant's municipality's latest coaching towards a prevention
    strategy, where one exists: a new application starts from them instead of from scratch."""
    municipality = municipality_of(user)
    if municipality is None:
        return {}
    coaching = coachings_visible_to(user).filter(municipality=municipality).order_by("-begun", "-pk").first()
    if coaching is None:
        return {}
    steps = StrategyStep.objects.filter(coaching=coaching, number__lte=5).exclude(text="")
    return dict(steps.values_list("number", "text"))


def consultation_records(user) -> list:
    """The consultation records the applicant may name as the proof of the prior consultation: those of their own
    municipality, as the consultations app shows them (newest first, at most 50)."""
    if municipality_of(user) is None:
        return []
    return list(
        consultations_visible_to(user).prefetch_related("offers").only("pk", "date").order_by("-date", "-pk")[:50]
    )
