"""After the event, in a real browser with axe on every page: staff check a participant in on a 390 px phone, the
participant downloads the certificate PDF, five feedback forms are answered and the aggregate shows them, and the
conference page lists its programme and documentation."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser
from sikom.events import services
from sikom.events.models import Attendance, FeedbackAnswer
from sikom.events.tests.factories import make_event, make_session, manage_token, past_confirmed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_check_in_on_a_phone(phone_page, live_server, client, asskomm):
    page = phone_page
    session = make_session(days=0, starts_at=timezone.now() - timedelta(minutes=10), capacity=3)
    registration = past_confirmed(1, session=session)
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + f"/veranstaltungen/verwalten/termine/{session.pk}/einlass/")
    button = page.get_by_role("button", name=re.compile(r"Anwesend\s*: Person 1\.0"))
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300, box  # a big, full-width button on the phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    button.click()
    expect(page.get_by_role("button", name=re.compile(r"Rückgängig\s*: Person 1\.0"))).to_be_visible()
    check_accessibility(page)
    assert Attendance.objects.filter(person__registration=registration).count() == 1
    page.get_by_role("link", name="Person vor Ort anmelden").click()
    page.get_by_label(re.compile("^Name")).fill("Vor Ort (Test)")
    page.get_by_label(re.compile("^Organisation")).fill("Stadt Pirna")
    page.get_by_role("button", name="Anmelden und als anwesend erfassen").click()
    expect(page.get_by_text("Vor Ort (Test) ist angemeldet und als anwesend erfasst.")).to_be_visible()
    assert Attendance.objects.filter(session=session).count() == 2


def test_certificate_pdf_opens(page, live_server):
    registration = past_confirmed(1)
    Attendance.objects.create(session=registration.session, person=registration.persons.get())
    token = manage_token(registration)
    page.goto(live_server.url + f"/veranstaltungen/anmeldung/{token}/")
    link = page.get_by_role("link", name=re.compile("Bescheinigung für Person 1.0"))
    with page.expect_download() as download_info:
        link.click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_feedback_answered_and_aggregate_shows_it(page, live_server, client, asskomm):
    session = make_session(days=-1)
    for n in range(5):
        raw, _pk = services.issue_feedback_token(session=session)
        page.goto(live_server.url + f"/veranstaltungen/rueckmeldung/{raw}/")
        page.get_by_role("button", name="Rückmeldung absenden").click()
        expect(page.get_by_text("Bitte wählen Sie eine Bewertung von 1 bis 5.").first).to_be_visible()
        for group in ("Gesamteindruck", "Nutzen für Ihre Arbeit", "Organisation"):
            page.get_by_role("group", name=re.compile(group)).get_by_label("5", exact=True).check()
        page.get_by_label("Was nehmen Sie mit?").fill(f"Erkenntnis {n}")
        page.get_by_role("button", name="Rückmeldung absenden").click()
        expect(page.get_by_role("heading", name="Vielen Dank für Ihre Rückmeldung")).to_be_visible()
    assert FeedbackAnswer.objects.count() == 5
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + f"/veranstaltungen/verwalten/{session.event_id}/rueckmeldungen/")
    expect(page.get_by_text("5 Rückmeldungen liegen vor.")).to_be_visible()
    expect(page.locator("svg title").first).to_have_text("Gesamteindruck")
    expect(page.get_by_text("Erkenntnis 4")).to_be_visible()


def test_conference_page_lists_programme_and_documentation(page, live_server):
    event = make_event(title="Kommunal-Konferenz (Test)", type="conference", report="Ein kurzer Bericht.")
    make_session(event, days=-10)
    event.agenda.create(starts_at="09:30", title="Begrüßung", speakers="N. N.")
    services.save_publication(
        publication=None,
        by=None,
        data={
            "title": "Folien Lagebild (Test)",
            "type": "slides",
            "publisher": "X",
            "is_published": True,
            "event": event,
            "external_url": "https://example.org/folien.pdf",
        },
    )
    page.goto(live_server.url + f"/veranstaltungen/{event.pk}/")
    expect(page.get_by_role("rowheader", name="Begrüßung")).to_be_visible()
    expect(page.get_by_role("heading", name="Dokumentation")).to_be_visible()
    expect(page.get_by_text("Ein kurzer Bericht.")).to_be_visible()
    page.get_by_role("link", name="Folien Lagebild (Test)").click()
    expect(page.get_by_role("heading", name="Folien Lagebild (Test)")).to_be_visible()
