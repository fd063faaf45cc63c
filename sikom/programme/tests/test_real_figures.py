"""The figures the apps really register (alliance, consultations, coaching, councils, events, funding), nothing artificial:
each counts its own records, and `/programm/` and `/zahlen/` run the same number of queries with 2 records per
figure as with 42."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.alliance.models import Membership, MembershipStatus
from sikom.coaching.models import Coaching, CoachingStatus
from sikom.consultations.models import Consultation, Format, NextStep
from sikom.core import figures
from sikom.councils.models import AnalysisStatus, CouncilMeeting, PreventionCouncil, SafetyAnalysisStatus
from sikom.events.models import Attendance, Event, EventType, Person, Registration, RegistrationStatus, Session
from sikom.funding.models import Application as FundingApplication
from sikom.funding.models import Call as FundingCall
from sikom.geo.models import District, Municipality
from sikom.offers.models import Offer
from sikom.programme import selectors

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("programme:dashboard")
PUBLIC = reverse("programme:public")
REAL_KEYS = {
    "members",
    "consultations",
    "coachings_running",
    "coachings",
    "councils",
    "safety_analyses",
    "trainings",
    "participants",
    "funded_projects",
}
# Session, user, second factor and organisation (the navigation asks for the role), then one query per figure.
SESSION_AND_USER = 4


@pytest.fixture
def test_figures():
    """Replaces the package's autouse fixture (which swaps in figures of its own): here the registry stays as the
    apps' `ready()` left it."""
    return figures.registered()


def _aware(day: date, hour: int):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def add_records(count: int, *, first: int) -> None:
    """``count`` records behind every real figure, in the municipalities ``first``, ``first + 1``, … (a council and
    an open membership are one per municipality), each counted today: all begun in the past, none ended."""
    municipalities = list(Municipality.objects.order_by("pk")[first : first + count])
    assert len(municipalities) == count
    day = date(2021, 3, 15)
    Membership.objects.bulk_create(
        Membership(
            municipality=municipality, status=MembershipStatus.ACTIVE, requested_at=_aware(day, 9), joined_on=day
        )
        for municipality in municipalities
    )
    consultations = Consultation.objects.bulk_create(
        Consultation(municipality=municipality, date=day, format=Format.ONLINE, participants="[Demo]", result="[Demo]")
        for municipality in municipalities
    )
    offer = Offer.objects.order_by("pk").first()
    Consultation.offers.through.objects.bulk_create(
        Consultation.offers.through(consultation_id=consultation.pk, offer_id=offer.pk)
        for consultation in consultations
    )
    NextStep.objects.bulk_create(
        NextStep(consultation_id=consultation.pk, text="[Demo]", owner="[Demo]", due_on=day)
        for consultation in consultations
    )
    Coaching.objects.bulk_create(
        Coaching(municipality=municipality, begun=day, status=CoachingStatus.RUNNING) for municipality in municipalities
    )
    councils = PreventionCouncil.objects.bulk_create(
        PreventionCouncil(municipality=municipality, founded=day, chair="[Demo]") for municipality in municipalities
    )
    CouncilMeeting.objects.bulk_create(
        CouncilMeeting(council_id=council.pk, date=day, agenda="[Demo]") for council in councils
    )
    SafetyAnalysisStatus.objects.bulk_create(
        SafetyAnalysisStatus(municipality=municipality, status=AnalysisStatus.DONE, year=day.year, completed_on=day)
        for municipality in municipalities
    )
    event = Event.objects.create(
        title="[Demo] Deeskalationstraining",
        type=EventType.DEESCALATION,
        summary="[Demo]",
        organiser="[Demo]",
        district=District.objects.get(key="14628"),
    )
    sessions = Session.objects.bulk_create(
        Session(event=event, starts_at=_aware(day, 9), ends_at=_aware(day, 16), capacity=20) for _number in range(count)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            session_id=session.pk,
            status=RegistrationStatus.CONFIRMED,
            name="[Demo] Teilnehmende",
            email="teilnehmende@demo.sikom.invalid",
            organisation="[Demo]",
        )
        for session in sessions
    )
    persons = Person.objects.bulk_create(
        Person(registration_id=registration.pk, name="[Demo] Person") for registration in registrations
    )
    # The `participants` figure counts persons marked present.
    Attendance.objects.bulk_create(
        Attendance(session_id=registration.session_id, person=person)
        for registration, person in zip(registrations, persons, strict=True)
    )
    # The `funded_projects` figure counts approved applications from the day of the decision.
    call = FundingCall.objects.create(
        title=f"[Demo] Aufruf {first}",
        year=day.year,
        opens_on=day,
        closes_on=day,
        period_start=day,
        period_end=day,
        max_funding_rate=90,
        min_own_share=10,
        consultation_required=False,
        rules_source="[Demo]",
    )
    FundingApplication.objects.bulk_create(
        FundingApplication(
            call=call,
            municipality=municipality,
            number=f"T-{first}-{index}",
            status="approved",
            applicant="[Demo]",
            title="[Demo]",
            starts_on=day,
            ends_on=day,
            target_groups="[Demo]",
            decided_at=_aware(day, 10),
        )
        for index, municipality in enumerate(municipalities)
    )


def queries(client, url, django_assert_num_queries, expected: int, **params) -> None:
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200


def test_every_app_registers_its_figures():
    assert {figure.key for figure in selectors.figures()} >= REAL_KEYS


def test_each_real_figure_counts_its_records_on_the_day_and_over_time():
    add_records(2, first=0)
    today = timezone.localdate()
    for figure in selectors.figures():
        assert selectors.total_on(figure, today) == 2, figure.key
        assert selectors.total_on(figure, date(2021, 3, 14)) == 0, figure.key
        counted = selectors.counts(figure, today, known_districts=selectors.district_names())
        assert counted.total() == 2 and counted.series()[8] == (date(2021, 3, 31), 2), figure.key
    add_records(40, first=2)
    assert {figure.key: value for figure, value in selectors.totals_on(today)} == dict.fromkeys(REAL_KEYS, 42)


@pytest.mark.parametrize("path", [DASHBOARD, PUBLIC])
def test_the_queries_of_the_pages_do_not_grow_with_the_records(path, client, request, django_assert_num_queries):
    shown = selectors.figures(public_only=path == PUBLIC)
    expected = len(shown)
    if path == DASHBOARD:  # the ASSKomm team; the public page anonymously
        testing.login(client, request.getfixturevalue("asskomm"))
        expected += SESSION_AND_USER
    client.get(path)  # the district shapes are computed once per process
    for count, first in ((2, 0), (40, 2)):
        add_records(count, first=first)
        queries(client, path, django_assert_num_queries, expected)
        queries(client, path, django_assert_num_queries, expected, stichtag="2021-06-30")
        for figure in shown:
            queries(client, path, django_assert_num_queries, expected, kennzahl=figure.key)
    response = client.get(path)
    assert {figure.key: value for figure, value in response.context["overview"].totals} == {
        figure.key: 42 for figure in shown
    }


def test_a_session_counts_on_its_local_day_also_near_midnight():
    """The trainings' dates are cut from a time in Berlin: compared as the time column against the next local
    midnight, a session at 23:30 (22:30 UTC) counts on its day, one at 00:30 (still the day before in UTC) not."""
    event = Event.objects.create(
        title="[Demo] Training", type=EventType.COMMUNICATION, summary="[Demo]", organiser="[Demo]"
    )
    late = timezone.make_aware(datetime(2021, 3, 15, 23, 30))
    early = timezone.make_aware(datetime(2021, 3, 16, 0, 30))
    for start in (late, early):
        Session.objects.create(event=event, starts_at=start, ends_at=start + (early - late) / 4, capacity=5)
    trainings = selectors.figure_by_key("trainings")
    assert [
        selectors.total_on(trainings, day) for day in (date(2021, 3, 14), date(2021, 3, 15), date(2021, 3, 16))
    ] == [
        0,
        1,
        2,
    ]
    for day, expected in ((date(2021, 3, 15), 1), (date(2021, 3, 16), 2)):
        counted = selectors.counts(trainings, day, since=date(2021, 3, 1))
        assert counted.total() == expected
        assert counted.districts() == {None: expected}  # no district: counted, not on the map


def test_a_count_on_the_day_without_the_district_keeps_every_record():
    """The count on the day leaves out the joins to the district; a consultation without a municipality (an office
    holder) still counts, on the day and in the grouped query."""
    add_records(2, first=0)
    Consultation.objects.create(
        office_holder_note="[Demo] Ortsvorsteher",
        date=date(2021, 3, 15),
        format=Format.PHONE,
        participants="-",
        result="-",
    )
    consultations = selectors.figure_by_key("consultations")
    today = timezone.localdate()
    counted = selectors.counts(consultations, today, known_districts=selectors.district_names())
    assert selectors.total_on(consultations, today) == counted.total() == 3
    assert counted.districts()[None] == 1
