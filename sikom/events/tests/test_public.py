"""The public pages: list with filters (constant queries), detail with programme, registration with double opt-in,
the links from the e-mails, the iCalendar attachment and feed."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sikom import testing
from sikom.events import services
from sikom.events.models import AgendaItem, EventType, LinkToken, Registration
from sikom.events.models import RegistrationStatus as R
from sikom.events.tests.factories import confirmed_public, link_from_mail, make_event, make_session
from sikom.geo.models import District

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Erika Beispiel",
    "email": "erika@example.org",
    "organisation": "Gemeinde Beispiel",
    "role": "Bürgermeisterin",
}


def titles(response) -> list[str]:
    return re.findall(r'kern-link--stretched" href="[^"]+">([^<]+)</a>', response.content.decode())


def test_list_shows_upcoming_published_events_and_filters(client):
    pirna = District.objects.get(key="14628")
    make_session(make_event(title="Training Pirna", district=pirna))
    make_session(make_event(title="Konferenz", type=EventType.CONFERENCE, target_groups=["municipal_staff"]), days=40)
    make_session(make_event(title="Vorbei"), days=-3)
    make_session(make_event(title="Entwurf", is_published=False))
    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Konferenz", "Training Pirna"]
    assert titles(client.get(reverse("events:list"), {"art": "conference"})) == ["Konferenz"]
    assert titles(client.get(reverse("events:list"), {"zielgruppe": "officials"})) == ["Training Pirna"]
    assert titles(client.get(reverse("events:list"), {"kreis": "14628"})) == ["Training Pirna"]
    month = (timezone.localdate() + timedelta(days=40)).strftime("%Y-%m")
    in_month = titles(client.get(reverse("events:list"), {"monat": month}))
    assert "Konferenz" in in_month
    # An invalid filter is shown as an error, not a failure.
    response = client.get(reverse("events:list"), {"art": "<script>", "monat": "2020-13"})
    assert response.status_code == 200 and "Diese Auswahl gibt es nicht" in response.content.decode()


def test_list_query_count_is_constant(client, django_assert_num_queries):
    for n in range(3):
        make_session(make_event(title=f"E{n}"))
    client.get(reverse("events:list"))  # warm-up (sessions, content types)
    # Districts for the filter, the count (pages), the page (events by their first upcoming session), their sessions
    # with seats.
    with django_assert_num_queries(4):
        client.get(reverse("events:list"))
    for n in range(10):
        event = make_event(title=f"F{n}")
        make_session(event)
        make_session(event, days=30)
    with django_assert_num_queries(4):
        response = client.get(reverse("events:list"))
    assert len(titles(response)) == 13
    for n in range(20):
        make_session(make_event(title=f"G{n:02d}"), days=60)
    with django_assert_num_queries(4):
        response = client.get(reverse("events:list"), {"seite": "2"})
    assert len(titles(response)) == 13 and "Seite 2 von 2" in response.content.decode()


def test_detail_shows_programme_and_hides_the_online_link(client):
    event = make_event(title="Kommunalkonferenz (Test)", type=EventType.CONFERENCE)
    make_session(event, online_url="https://meet.example.org/geheim", street="", postcode_city="")
    AgendaItem.objects.create(
        event=event, starts_at=time(9, 30), title="Begrüßung", speakers="Frau A, Staatsministerium"
    )
    response = client.get(reverse("events:detail", args=[event.pk]))
    body = response.content.decode()
    assert "Begrüßung" in body and "Frau A, Staatsministerium" in body and "09:30" in body
    assert "meet.example.org" not in body


def test_unpublished_event_is_404_for_the_public(client):
    event = make_event(is_published=False)
    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 404


def test_double_opt_in_through_the_pages(client):
    session = make_session(capacity=5, online_url="https://meet.example.org/raum", street="", postcode_city="")
    response = client.post(
        reverse("events:register", args=[session.pk]), FORM | {"companions": "Max Rat\n\nErika Rätin\n"}
    )
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == R.PENDING and registration.seats == 3
    assert services.seats_held(session) == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["erika@example.org"]
    assert "meet.example.org" not in mail.outbox[0].body
    confirm_url = reverse("events:confirm", args=[link_from_mail("confirm")])
    # Opening the link (a mail scanner does) changes nothing; the button does.
    page = client.get(confirm_url)
    assert page.status_code == 200 and Registration.objects.get().status == R.PENDING
    response = client.post(confirm_url)
    assert "Ihre Anmeldung ist bestätigt" in response.content.decode()
    assert Registration.objects.get().status == R.CONFIRMED
    confirmation = mail.outbox[-1]
    assert "https://meet.example.org/raum" in confirmation.body
    # The link is used: a second use gives a German message, no 500.
    again = client.post(confirm_url)
    assert again.status_code == 400 and "bereits verwendet" in again.content.decode()
    again = client.get(confirm_url)
    assert again.status_code == 400
    # The manage link shows the online access to the confirmed participant and cancels.
    manage_url = reverse("events:registration", args=[link_from_mail("manage", confirmation)])
    page = client.get(manage_url)
    assert "https://meet.example.org/raum" in page.content.decode()
    client.post(manage_url)
    assert Registration.objects.get().status == R.CANCELLED
    assert "storniert" in mail.outbox[-1].subject


def test_confirmation_mail_carries_a_valid_icalendar_attachment():
    session = make_session(online_url="https://meet.example.org/x", street="", postcode_city="")
    confirmed_public(session, 1)
    message = mail.outbox[-1]
    ((name, content, mimetype),) = message.attachments
    assert name == "termin.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["summary"]) == session.event.title
    assert entry.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert entry.decoded("dtend") == session.ends_at.replace(microsecond=0)
    assert str(entry["location"]) == "https://meet.example.org/x"
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]


def test_calendar_feed_lists_upcoming_published_sessions_without_access_links(client):
    event = make_event(title="Online-Vortrag", type=EventType.LECTURE)
    make_session(event, online_url="https://meet.example.org/geheim", street="", postcode_city="")
    make_session(make_event(title="Vorbei"), days=-2)
    make_session(make_event(title="Entwurf", is_published=False))
    response = client.get(reverse("events:feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Online-Vortrag"]
    assert b"geheim" not in response.content


def test_logged_in_registration_is_one_step_and_listed_in_the_account(client, official):
    session = make_session(capacity=1)
    testing.login(client, official)
    response = client.get(reverse("events:register", args=[session.pk]))
    assert 'name="email"' not in response.content.decode()
    client.post(reverse("events:register", args=[session.pk]), {"organisation": "Gemeinde", "role": "Bürgermeisterin"})
    registration = Registration.objects.get()
    assert registration.status == R.CONFIRMED and registration.email == official.email
    page = client.get(reverse("events:mine"))
    assert session.event.title in page.content.decode()
    client.post(reverse("events:mine_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == R.CANCELLED


def test_someone_elses_registration_cannot_be_cancelled_from_the_account(client, official, outsider):
    session = make_session()
    registration = services.register_member(session_id=session.pk, user=official, data={"organisation": "G"})
    testing.login(client, outsider)
    assert client.post(reverse("events:mine_cancel", args=[registration.pk])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == R.CONFIRMED


def test_waiting_list_offer_through_the_pages(client):
    session = make_session(capacity=1)
    first = confirmed_public(session, 1)
    second = confirmed_public(session, 2)
    assert second.status == R.WAITING
    services.cancel(registration=first)
    offer_url = reverse(
        "events:accept_offer", args=[link_from_mail("offer", next(m for m in mail.outbox if "frei" in m.subject))]
    )
    assert "Platz annehmen" in client.get(offer_url).content.decode()
    client.post(offer_url)
    second.refresh_from_db()
    assert second.status == R.CONFIRMED
    assert client.post(offer_url).status_code == 400


def test_public_registration_is_rate_limited(client, settings):
    settings.RATE_LIMITS_PER_HOUR = settings.RATE_LIMITS_PER_HOUR | {"event_registration": 2}
    session = make_session()
    for n in range(2):
        client.post(reverse("events:register", args=[session.pk]), FORM | {"email": f"p{n}@example.org"})
    response = client.post(reverse("events:register", args=[session.pk]), FORM | {"email": "p9@example.org"})
    assert response.status_code == 429
    assert Registration.objects.count() == 2


def test_tokens_are_stored_only_as_hashes():
    session = make_session()
    confirmed_public(session, 1)
    raw = {link_from_mail("confirm", mail.outbox[0]), link_from_mail("manage")}
    stored = set(LinkToken.objects.values_list("token_hash", flat=True))
    assert not raw & stored
