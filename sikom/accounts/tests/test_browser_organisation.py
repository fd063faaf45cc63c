import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sikom.accounts.models import Organisation
from sikom.browser_testing import check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_police_directorate_fills_in_its_public_contact(page, live_server, client, pd_dresden):
    login_browser(page, live_server, client, pd_dresden)
    page.goto(live_server.url + reverse("portal:my_area"))
    expect(page.get_by_text("Kontaktdaten noch nicht hinterlegt")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Kontaktdaten bearbeiten").click()
    check_accessibility(page)
    page.get_by_label("E-Mail").fill("keine-adresse")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert").first).to_contain_text("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
    check_accessibility(page)
    page.get_by_label("E-Mail").fill("poststelle.pd-dd@example.org")
    page.get_by_label("Telefon").fill("+49 351 000-0")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Kontaktdaten sind gespeichert.")).to_be_visible()
    assert Organisation.objects.get(pk=pd_dresden.organisation_id).contact_email == "poststelle.pd-dd@example.org"
    # The Wegweiser now names the directorate with its contact.
    page.goto(
        live_server.url + reverse("offers:finder_result") + "?fuer=official&anliegen=threat&akut=nein&kreis=14612"
    )
    expect(page.get_by_text("poststelle.pd-dd@example.org").first).to_be_visible()


def test_error_pages_are_accessible(page, live_server, client, outsider):
    page.goto(live_server.url + "/gibt-es-nicht/")
    expect(page.get_by_role("heading", name="Seite nicht gefunden")).to_be_visible()
    check_accessibility(page)
    login_browser(page, live_server, client, outsider)
    page.goto(live_server.url + reverse("offers:manage"))
    expect(page.get_by_role("heading", name="Kein Zugriff")).to_be_visible()
    check_accessibility(page)
