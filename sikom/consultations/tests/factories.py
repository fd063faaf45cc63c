"""Consultations for the tests, written through the service like the pages write them."""

from datetime import date, timedelta

from sikom.consultations.models import Consultation, Format
from sikom.consultations.services import ConsultationData, StepData, create_consultation
from sikom.geo.models import Municipality
from sikom.offers.models import Offer

PIRNA = "14628270"
DRESDEN = "14612000"


def make_consultation(
    *,
    ags: str | None = PIRNA,
    day: date = date(2024, 2, 1),
    offers: tuple[str, ...] = ("asskomm-beratung-praevention",),
    steps: list[tuple[str, date, bool]] | None = None,
    by=None,
    note: str = "",
    participants: str = "Bürgermeister, Ordnungsamt",
    result: str = "Präventionsrat angeregt.",
    format: str = Format.ON_SITE,
) -> Consultation:
    return create_consultation(
        by=by,
        data=ConsultationData(
            municipality=Municipality.objects.get(ags=ags) if ags else None,
            office_holder_note=note or ("" if ags else "Kreisrätin"),
            date=day,
            offers=list(Offer.objects.filter(slug__in=offers)),
            format=format,
            participants=participants,
            result=result,
            steps=[StepData(text=text, owner="Ordnungsamt", due_on=due, done=done) for text, due, done in steps or []],
        ),
    )


def overdue_step(today: date) -> tuple[str, date, bool]:
    return ("Termin abstimmen", today - timedelta(days=3), False)
