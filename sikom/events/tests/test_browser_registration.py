"""A member of the public registers for a full training in a real browser, lands on the waiting list, is offered the
seat after a cancellation and confirms it; axe-core checks every page on the way."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility
from sikom.events import services
from sikom.events.models import Registration
from sikom.events.models import RegistrationStatus as R
from sikom.events.tests.factories import link_from_mail, make_event, make_session, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_registration_waiting_list_and_promotion(page, live_server):
    event = make_event(title="Deeskalationstraining Browser (Test)")
    session = make_session(event, capacity=1)
    taken = services.register_member(session_id=session.pk, user=member(1), data={"organisation": "Stadt Pirna"})

    page.goto(live_server.url + "/veranstaltungen/")
    page.get_by_role("link", name="Deeskalationstraining Browser (Test)").click()
    expect(page.get_by_text("Ausgebucht.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Auf die Warteliste")).click()
    page.get_by_label("Vor- und Nachname").fill("Erika Beispiel")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Organisation oder Kommune").fill("Gemeinde Beispiel")
    page.get_by_label(re.compile("^Funktion")).fill("Bürgermeisterin")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse")).to_be_visible()

    page.goto(live_server.url + f"/veranstaltungen/anmeldung/bestaetigen/{link_from_mail('confirm')}/")
    page.get_by_role("button", name="Anmeldung bestätigen").click()
    expect(page.get_by_role("heading", name="Sie stehen auf der Warteliste")).to_be_visible()
    assert Registration.objects.get(email="erika@example.org").status == R.WAITING

    services.cancel(registration=taken)
    offer = next(m for m in mail.outbox if m.to == ["erika@example.org"] and "frei geworden" in m.subject)
    page.goto(live_server.url + f"/veranstaltungen/anmeldung/platz/{link_from_mail('offer', offer)}/")
    expect(page.get_by_role("heading", name="Ein Platz ist für Sie frei")).to_be_visible()
    page.get_by_role("button", name="Platz annehmen").click()
    expect(page.get_by_role("heading", name="Ihre Anmeldung ist bestätigt")).to_be_visible()
    assert Registration.objects.get(email="erika@example.org").status == R.CONFIRMED

    # The confirmation e-mail's link shows the registration; using the offer link again is refused in German.
    confirmation = mail.outbox[-1]
    assert confirmation.attachments
    page.goto(live_server.url + f"/veranstaltungen/anmeldung/{link_from_mail('manage', confirmation)}/")
    expect(page.get_by_text("Bestätigt")).to_be_visible()
    page.goto(live_server.url + f"/veranstaltungen/anmeldung/platz/{link_from_mail('offer', offer)}/")
    expect(page.get_by_text("bereits verwendet")).to_be_visible()
    check_accessibility(page)


def test_event_list_on_a_phone(phone_page, live_server):
    make_session(make_event(title="Argumentationstraining Telefon (Test)"))
    phone_page.goto(live_server.url + "/veranstaltungen/")
    expect(phone_page.get_by_role("link", name="Argumentationstraining Telefon (Test)")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone_page.get_by_label(re.compile("^Art")).select_option(label="Fachkonferenz")
    expect(phone_page.get_by_role("heading", name="0 Veranstaltungen")).to_be_visible()


def test_registration_works_without_javascript(browser, live_server):
    session = make_session(make_event(title="Kommunikationstraining ohne JS (Test)", type="communication"))
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + "/veranstaltungen/?art=communication")
        page.get_by_role("link", name="Kommunikationstraining ohne JS (Test)").click()
        page.get_by_role("link", name=re.compile("^Teilnahme anmelden")).click()
        page.get_by_label("Vor- und Nachname").fill("Max Beispiel")
        page.get_by_label("E-Mail-Adresse").fill("max@example.org")
        page.get_by_label("Organisation oder Kommune").fill("Gemeinde Beispiel")
        page.get_by_role("button", name="Verbindlich anmelden").click()
        expect(page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse")).to_be_visible()
        page.goto(live_server.url + f"/veranstaltungen/anmeldung/bestaetigen/{link_from_mail('confirm')}/")
        page.get_by_role("button", name="Anmeldung bestätigen").click()
        expect(page.get_by_role("heading", name="Ihre Anmeldung ist bestätigt")).to_be_visible()
        assert session.registrations.get().status == R.CONFIRMED
    finally:
        context.close()
