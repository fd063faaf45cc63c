"""In a real browser, axe on every page: a municipality files a request about an assembly in five days, the
district's coordinator brings in the police directorate, works the checklist and records the outcome, and the
municipality reads it; the list works on a phone."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_from_filing_to_outcome(page, live_server, municipality_user, expert_network, pd_dresden):
    event_day = timezone.localdate() + timedelta(days=5)

    # The municipality files the request.
    login_browser(page, live_server, Client(), municipality_user)
    page.goto(live_server.url + reverse("portal:my_area"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Expertennetzwerk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anfragen an das Expertennetzwerk")
    check_accessibility(page)
    page.get_by_role("link", name="Anfrage stellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anfrage an das Expertennetzwerk stellen")
    check_accessibility(page)
    page.get_by_role("radio", name="Versammlung / Demonstration").check()
    page.get_by_label("Datum des Anlasses").fill(event_day.isoformat())
    page.get_by_label("Uhrzeit").fill("18:00")
    page.get_by_label("Ort", exact=True).fill("Marktplatz")
    page.get_by_label("Erwartete Teilnehmende").fill("200")
    page.get_by_label("Was bekannt ist").fill("Aufruf zu einer Kundgebung auf Flyern und in einem Kanal.")
    page.get_by_label("Quellen (Flyer, Beiträge, Links)").fill("https://example.org/aufruf")
    # Nothing about what is needed: refused at the field.
    page.get_by_role("button", name="Anfrage absenden").click()
    expect(page.get_by_text("Bitte füllen Sie dieses Feld aus.", exact=True)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Was die Kommune braucht").fill("Eine rechtliche Einschätzung und Unterstützung.")
    page.get_by_role("button", name="Anfrage absenden").click()
    expect(page.get_by_role("status")).to_contain_text("Ihre Anfrage ist bei der regionalen Koordination eingegangen.")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Anfrage SK-")
    number = heading.inner_text().split()[-1]
    expect(page.get_by_text("Anlass in 5 Tagen")).to_be_visible()
    check_accessibility(page)

    # The district's coordinator finds it in the inbox, brings in the police directorate.
    login_browser(page, live_server, Client(), expert_network)
    page.goto(live_server.url + reverse("netrequests:list"))
    row = page.get_by_role("row", name=re.compile(number))
    expect(row).to_contain_text("Anlass in 5 Tagen")
    check_accessibility(page)
    row.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Anfrage {number}")
    check_accessibility(page)
    page.get_by_label("Stelle", exact=True).select_option(label=pd_dresden.organisation.name)
    page.get_by_label("Frage an die Stelle").fill("Liegen Erkenntnisse zum Veranstalter vor?")
    page.get_by_label("Antwort erbeten bis").fill((event_day - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Hinzuziehen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Stelle ist beteiligt")
    expect(page.get_by_text("Liegen Erkenntnisse zum Veranstalter vor?")).to_be_visible()
    check_accessibility(page)

    # The checklist.
    page.get_by_role("link", name="Prüfpunkte bearbeiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechtliche Prüfung")
    check_accessibility(page)
    section = page.get_by_role("region", name="Versammlungsrecht")
    section.get_by_label("Stand").select_option(label="einschlägig")
    section.get_by_label("Notizen").fill("Beschränkungen zum Ort möglich.")
    section.get_by_label("Fundstellen und Rechtsgrundlagen").fill("SächsVersG")
    section.get_by_label("Ergebnis der Prüfung").fill("Auflagen empfohlen.")
    section.get_by_role("button", name="»Versammlungsrecht« speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Der Prüfpunkt »Versammlungsrecht« ist gespeichert.")
    check_accessibility(page)

    # The outcome.
    page.get_by_role("link", name=f"Zur Anfrage {number}").click()
    page.get_by_role("radio", name="Auflagen erteilt").check()
    page.get_by_label("Erläuterung").fill("Auflagenbescheid zum Versammlungsort.")
    page.get_by_label("Wie der Anlass verlief").fill("Friedlich, etwa 80 Teilnehmende.")
    page.get_by_label("Anfrage damit abschließen").check()
    page.get_by_role("button", name="Ergebnis speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Das Ergebnis ist festgehalten.")
    expect(page.get_by_role("heading", level=1).locator("xpath=following-sibling::p")).to_contain_text("Abgeschlossen")
    check_accessibility(page)

    # The municipality reads it.
    login_browser(page, live_server, Client(), municipality_user)
    page.goto(live_server.url + reverse("netrequests:list") + "?alle=1")
    page.get_by_role("link", name=number).click()
    outcome = page.get_by_role("region", name="Ergebnis")
    expect(outcome).to_contain_text("Auflagen erteilt")
    expect(outcome).to_contain_text("Friedlich, etwa 80 Teilnehmende.")
    expect(page.get_by_text("Abgeschlossen").first).to_be_visible()
    expect(page.get_by_text("SächsVersG")).to_have_count(0)
    check_accessibility(page)


def test_the_pages_work_on_a_phone(phone_page, live_server, municipality_user, expert_network):
    from sikom.netrequests import services
    from sikom.netrequests.tests.factories import make_request, verified

    request = make_request(by=verified(municipality_user))
    number = request.case.number
    entry = services.create_entry(by=expert_network, kind="property", name="Objekt", place="Ort", description="")
    services.add_note(entry=entry, by=expert_network, on=timezone.localdate(), text="Besichtigung")
    conference = services.record_conference(
        by=expert_network,
        held_on=timezone.localdate(),
        participants="Polizeidirektion, Landratsamt",
        assessment="ruhig",
        priorities="",
        agreed_steps="",
    )
    pages = {
        municipality_user: [
            reverse("netrequests:list"),
            reverse("netrequests:detail", args=[number]),
            reverse("netrequests:correct", args=[number]),
        ],
        expert_network: [
            reverse("netrequests:list"),
            reverse("netrequests:detail", args=[number]),
            reverse("netrequests:checklist", args=[number]),
            reverse("netrequests:register"),
            reverse("netrequests:entry", args=[entry.pk]),
            reverse("netrequests:entry_edit", args=[entry.pk]),
            reverse("netrequests:conference_create"),
            reverse("netrequests:conference", args=[conference.pk]),
            reverse("netrequests:entry_create"),
        ],
    }
    for user, urls in pages.items():
        login_browser(phone_page, live_server, Client(), user)
        for url in urls:
            phone_page.goto(live_server.url + url)
            check_accessibility(phone_page)
            width = phone_page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (url, width)
