from datetime import date

import pytest

from sikom.alliance import services
from sikom.alliance.models import MeetingFormat
from sikom.geo.models import Municipality
from sikom.testing import verified  # noqa: F401  (the tests import it from here)

PIRNA, LEIPZIG, FREITAL = "14628270", "14713000", "14628110"


def municipality(ags: str) -> Municipality:
    return Municipality.objects.get(ags=ags)


def member(ags: str, *, joined_on: date = date(2020, 1, 1), founding: bool = False):
    return services.record_membership(municipality=municipality(ags), by=None, joined_on=joined_on, founding=founding)


def contact(ags: str, *, opted_in: bool = True, name: str = "Test Ansprechperson"):
    return services.save_contact(
        by=None,
        municipality=municipality(ags),
        data={
            "name": name,
            "function": "Präventionsbeauftragte",
            "email": "person@example.invalid",
            "phone": "",
            "opted_in_directory": opted_in,
        },
    )


def meeting(*ags: str, topic: str = "Testtreffen"):
    return services.save_exchange_meeting(
        by=None,
        data={"held_on": date(2024, 1, 10), "topic": topic, "format": MeetingFormat.EXCHANGE_MEETING, "record": ""},
        municipalities=[municipality(code) for code in ags],
    )


@pytest.fixture
def world(db):
    """Pirna (the municipality persona's) and Leipzig are members with contacts; Freital has a pending request; one
    meeting with Pirna, one without."""
    pirna, leipzig = member(PIRNA), member(LEIPZIG)
    requested = services.request_membership(municipality=municipality(FREITAL), by=None)
    return {
        "pirna": pirna,
        "leipzig": leipzig,
        "requested": requested,
        "pirna_contact": contact(PIRNA),
        "leipzig_contact": contact(LEIPZIG),
        "leipzig_hidden": contact(LEIPZIG, opted_in=False, name="Verborgene Person"),
        "with_pirna": meeting(PIRNA, LEIPZIG, topic="Mit Pirna"),
        "without_pirna": meeting(LEIPZIG, topic="Ohne Pirna"),
    }
