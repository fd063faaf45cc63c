"""Reads of consultations; who may see and change them is decided here and nowhere else.

The ASSKomm team sees and keeps every consultation; a verified member of a municipality reads the consultations of
its own municipality (with their next steps), read-only; nobody else sees any.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sikom.accounts.selectors import is_asskomm, municipality_of
from sikom.consultations.models import Consultation, ConsultationRevision, Format, NextStep
from sikom.geo.models import District, Municipality
from sikom.geo.normalize import search_form
from sikom.geo.selectors import without_boundaries
from sikom.offers.models import Offer


def can_manage_consultations(user) -> bool:
    return is_asskomm(user)


def can_read_consultations(user) -> bool:
    return is_asskomm(user) or municipality_of(user) is not None


def consultations_visible_to(user) -> QuerySet[Consultation]:
    if is_asskomm(user):
        return Consultation.objects.all()
    municipality = municipality_of(user)
    if municipality is not None:
        return Consultation.objects.filter(municipality=municipality)
    return Consultation.objects.none()


def consultations_manageable_by(user) -> QuerySet[Consultation]:
    if not can_manage_consultations(user):
        return Consultation.objects.none()
    return Consultation.objects.all()


def next_steps_visible_to(user) -> QuerySet[NextStep]:
    return NextStep.objects.filter(consultation__in=consultations_visible_to(user))


def next_steps_manageable_by(user) -> QuerySet[NextStep]:
    return NextStep.objects.filter(consultation__in=consultations_manageable_by(user))


@dataclass(frozen=True)
class Filters:
    text: str = ""
    district: str = ""  # district key
    municipality: str = ""  # AGS
    offer: str = ""  # offer slug
    format: str = ""
    start: date | None = None
    end: date | None = None
    steps: str = ""  # "" | "open" | "overdue"


def _offers_prefetch() -> Prefetch:
    return Prefetch("offers", queryset=Offer.objects.only("pk", "slug", "title").order_by("title"))


def consultation_listing(user, filters: Filters = Filters(), *, today: date | None = None) -> QuerySet[Consultation]:
    """The filtered consultations, newest first, each with its municipality and district, its offers (prefetched)
    and the number of open and overdue next steps — a constant number of queries for any page size."""
    today = today or timezone.localdate()
    consultations = consultations_visible_to(user)
    for word in search_form(filters.text).split():
        consultations = consultations.filter(search_text__contains=word)
    if filters.district:
        consultations = consultations.filter(municipality__district__key=filters.district)
    if filters.municipality:
        consultations = consultations.filter(municipality__ags=filters.municipality)
    if filters.offer:
        through = Consultation.offers.through
        consultations = consultations.filter(
            Exists(through.objects.filter(consultation=OuterRef("pk"), offer__slug=filters.offer))
        )
    if filters.format:
        consultations = consultations.filter(format=filters.format)
    if filters.start:
        consultations = consultations.filter(date__gte=filters.start)
    if filters.end:
        consultations = consultations.filter(date__lte=filters.end)
    open_steps = NextStep.objects.filter(consultation=OuterRef("pk"), done=False)
    if filters.steps == "open":
        consultations = consultations.filter(Exists(open_steps))
    elif filters.steps == "overdue":
        consultations = consultations.filter(Exists(open_steps.filter(due_on__lt=today)))
    return (
        without_boundaries(
            consultations.select_related("municipality__district"), "municipality", "municipality__district"
        )
        .annotate(
            open_steps=Count("next_steps", filter=Q(next_steps__done=False)),
            overdue_steps=Count("next_steps", filter=Q(next_steps__done=False, next_steps__due_on__lt=today)),
        )
        .prefetch_related(_offers_prefetch())
        .order_by("-date", "-pk")
    )


EXPORT_CHUNK = 1000


def export_rows(listing: QuerySet[Consultation]) -> Iterator[list]:
    """The listing as table rows, read from the database in chunks of EXPORT_CHUNK (plain values, the offers' titles
    of each chunk in one query): memory stays flat for any number of rows, and no model objects are built."""
    districts = {district.key: district.display_name for district in District.objects.only("key", "short_name", "kind")}
    formats = dict(Format.choices)
    values = (
        listing.prefetch_related(None)
        .values_list(
            "pk",
            "date",
            "municipality__name",
            "municipality__ags",
            "municipality__district__key",
            "office_holder_note",
            "format",
            "participants",
            "result",
            "open_steps",
            "overdue_steps",
        )
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    through = Consultation.offers.through
    while chunk := list(islice(values, EXPORT_CHUNK)):
        titles: dict[int, list[str]] = {}
        topics = (
            through.objects.filter(consultation_id__in=[row[0] for row in chunk])
            .order_by("offer__title")
            .values_list("consultation_id", "offer__title")
        )
        for consultation_id, title in topics:
            titles.setdefault(consultation_id, []).append(title)
        for pk, day, name, ags, district, note, fmt, participants, result, open_steps, overdue_steps in chunk:
            yield [
                pk,
                day,
                name.split(",")[0].strip() if name else "",
                ags or "",
                districts.get(district, "") if district else "",
                note,
                ", ".join(titles.get(pk, [])),
                str(formats.get(fmt, fmt)),
                participants,
                result,
                open_steps,
                overdue_steps,
            ]


def consultation_detail(user, pk: int) -> Consultation:
    """One visible consultation with its offers and next steps (404 for every other)."""
    queryset = without_boundaries(
        consultations_visible_to(user).select_related("municipality__district", "created_by", "updated_by"),
        "municipality",
        "municipality__district",
    ).prefetch_related(
        _offers_prefetch(),
        Prefetch("next_steps", queryset=NextStep.objects.select_related("owner_organisation", "done_by")),
    )
    return get_object_or_404(queryset, pk=pk)


def open_next_steps(user, *, today: date | None = None) -> QuerySet[NextStep]:
    """The team's overview: every open step the user may see, the most overdue first, with `is_overdue`."""
    today = today or timezone.localdate()
    return (
        without_boundaries(
            next_steps_visible_to(user)
            .filter(done=False)
            .select_related("consultation__municipality", "owner_organisation"),
            "consultation__municipality",
        )
        .annotate(is_overdue=Q(due_on__lt=today))
        .order_by("due_on", "pk")
    )


def municipalities_with_consultations(user) -> list[tuple[str, str]]:
    """(AGS, name) of the municipalities the user's consultations concern: the choices of the list's filter."""
    municipalities = (
        Municipality.objects.filter(pk__in=consultations_visible_to(user).values("municipality"))
        .only("ags", "name")
        .order_by("search_name")
    )
    return [(municipality.ags, municipality.display_name) for municipality in municipalities]


def revisions_of(consultation: Consultation) -> QuerySet[ConsultationRevision]:
    return consultation.revisions.select_related("changed_by")
