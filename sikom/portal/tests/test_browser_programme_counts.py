"""The programme's figures come from records: a consultation the ASSKomm team records in the browser changes the
count on the team's figures page and on the public page at once (issue 10, »adding a consultation in the UI changes
the count«). Every page is checked with axe."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser
from sikom.consultations.tests.factories import make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _count(page, label: str) -> str:
    item = page.locator(".kern-description-list-item").filter(has=page.get_by_text(label, exact=True))
    return item.locator("dd strong").inner_text()


def test_a_consultation_recorded_in_the_browser_is_counted(page, live_server, client, asskomm):
    make_consultation()
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("programme:dashboard"))
    assert _count(page, "Beratungen") == "1"
    check_accessibility(page)

    page.goto(live_server.url + reverse("consultations:create"))
    page.get_by_label(re.compile(r"^Gemeinde")).select_option(label="Pirna")
    page.get_by_label("Datum der Beratung").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.get_by_label("Gründung kommunaler Präventionsgremien").check()
    page.get_by_role("radio", name="telefonisch").check()
    page.get_by_label("Teilnehmende").fill("Bürgermeisterin, ASSKomm-Team")
    page.get_by_label("Ergebnis").fill("Beratung zur Gründung eines Rates.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Die Beratung ist gespeichert.")

    page.goto(live_server.url + reverse("programme:dashboard"))
    assert _count(page, "Beratungen") == "2"
    districts = page.get_by_role("table", name=re.compile("nach Landkreis oder Kreisfreier Stadt"))
    expect(districts.get_by_role("row", name=re.compile("Sächsische Schweiz-Osterzgebirge"))).to_be_visible()

    public = page.context.browser.new_page()
    public.goto(live_server.url + reverse("programme:public"))
    assert _count(public, "Beratungen") == "2"
    check_accessibility(public)
    public.close()
