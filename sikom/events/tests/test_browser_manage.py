"""The ASSKomm team in a real browser: creates a conference with a session and programme, sees it on the public page,
and reorders a waiting list with a reason; axe-core checks every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import login_browser
from sikom.events.models import Event
from sikom.events.models import RegistrationStatus as R
from sikom.events.tests.factories import confirmed_public, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_asskomm_creates_a_conference_with_programme(page, live_server, client, asskomm):
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + "/veranstaltungen/verwalten/")
    page.get_by_role("link", name="Neue Veranstaltung anlegen").click()
    page.get_by_label(re.compile("^Titel")).fill("Fachkonferenz Browser (Test)")
    page.get_by_label(re.compile("^Art")).select_option(label="Fachkonferenz")
    page.get_by_label(re.compile("^Kurzbeschreibung")).fill("Austausch zur Sicherheit im Ehrenamt.")
    page.get_by_label("Amts- und Mandatsträger:innen").check()
    page.get_by_label(re.compile("^Veranstalter")).fill("Landespräventionsrat Sachsen")
    page.get_by_label(re.compile("^Kontakt: E-Mail")).fill("asskomm@example.org")
    page.get_by_label(re.compile("^Veröffentlicht")).check()
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("heading", name="Neuer Termin")).to_be_visible()
    day = timezone.localdate() + timedelta(days=30)
    page.get_by_label(re.compile("^Beginn")).fill(f"{day:%Y-%m-%d}T09:00")
    page.get_by_label(re.compile("^Ende")).fill(f"{day:%Y-%m-%d}T08:00")
    page.get_by_label(re.compile("^Straße")).fill("Markt 1")
    page.get_by_label(re.compile("^PLZ und Ort")).fill("01067 Dresden")
    page.get_by_label(re.compile("^Plätze")).fill("300")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Das Ende muss nach dem Beginn liegen.").first).to_be_visible()
    page.get_by_label(re.compile("^Ende")).fill(f"{day:%Y-%m-%d}T16:00")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("300 Plätze frei")).to_be_visible()

    page.get_by_role("link", name="Programm bearbeiten").click()
    page.get_by_label(re.compile("^Uhrzeit")).fill("09:30")
    page.get_by_label(re.compile("^Titel")).fill("Begrüßung")
    page.get_by_label(re.compile("^Mitwirkende")).fill("N. N.")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.get_by_role("cell", name="Begrüßung", exact=True)).to_be_visible()
    page.get_by_role("link", name="Zur Veranstaltung").click()
    expect(page.get_by_role("rowheader", name="Begrüßung")).to_be_visible()
    assert Event.objects.get().sessions.count() == 1


def test_asskomm_reorders_the_waiting_list(page, live_server, client, asskomm):
    session = make_session(capacity=1)
    confirmed_public(session, 0)
    first = confirmed_public(session, 1)
    second = confirmed_public(session, 2)
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + f"/veranstaltungen/verwalten/termine/{session.pk}/anmeldungen/")
    expect(page.get_by_text("1 von 1 Plätzen vergeben")).to_be_visible()
    page.get_by_label("Neuer Platz").nth(1).fill("1")
    page.get_by_label("Begründung").nth(1).fill("Referentin der Kommune")
    page.get_by_role("button", name=re.compile(r"Verschieben\s*: Person 2")).click()
    expect(page.get_by_text("Die Warteliste ist neu geordnet.")).to_be_visible()
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.queue_position, first.queue_position) == (1, 2)
    assert first.status == R.WAITING
