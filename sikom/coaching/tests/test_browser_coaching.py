"""The main path in a real browser: the ASSKomm team opens a coaching, records a strategy step with a document,
and opens the strategy — every page checked with axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sikom import testing
from sikom.browser_testing import check_accessibility, login_browser
from sikom.coaching.models import StepDocument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_asskomm_records_a_step_and_opens_the_strategy(page, live_server, client, asskomm, tmp_path, settings):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    coaching = testing.make_coaching("14628270")
    login_browser(page, live_server, client, asskomm)
    page.goto(live_server.url + reverse("portal:my_area"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Coaching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coachingprozesse")
    check_accessibility(page)

    page.get_by_role("link", name=re.compile("Pirna")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pirna")
    check_accessibility(page)

    page.get_by_role("link", name="1. Problembeschreibung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1. Problembeschreibung")
    check_accessibility(page)
    # Done without text: refused at the field.
    page.get_by_role("radio", name="erledigt").check()
    page.get_by_role("button", name="Schritt speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Ein Schritt ohne Text kann nicht erledigt sein.")
    check_accessibility(page)

    page.get_by_role("textbox", name=re.compile("^Text")).fill(
        "Beleidigungen und Drohungen gegen Ratsmitglieder nehmen zu."
    )
    page.get_by_role("radio", name="erledigt").check()
    page.get_by_role("button", name="Schritt speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Der Schritt ist gespeichert.")

    upload = tmp_path / "Lagebild.pdf"
    upload.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Dokument", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Dokument hochladen").click()
    expect(page.get_by_role("status")).to_contain_text("Das Dokument ist gespeichert.")
    expect(page.get_by_role("link", name="Lagebild.pdf")).to_be_visible()
    assert StepDocument.objects.filter(step__coaching=coaching).count() == 1

    page.get_by_role("link", name="Verlauf dieses Schritts").click()
    expect(page.get_by_text("Fassung 2", exact=False)).to_be_visible()
    check_accessibility(page)

    page.goto(live_server.url + reverse("coaching:detail", args=[coaching.pk]))
    page.get_by_role("link", name="Strategie ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pirna")
    expect(page.get_by_text("Beleidigungen und Drohungen gegen Ratsmitglieder nehmen zu.")).to_be_visible()
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    assert download.value.suggested_filename == "Praeventionsstrategie-pirna.pdf"


def test_the_municipality_reads_its_strategy_on_a_phone(phone_page, live_server, client, municipality_user, settings):
    from sikom.coaching import services

    coaching = testing.make_coaching("14628270")
    services.save_measure(
        coaching=coaching,
        by=municipality_user,
        data={
            "title": "Deeskalationsschulung für Beschäftigte mit Publikumsverkehr",
            "owner": "Hauptamt",
            "timing": "2. Quartal 2025",
            "due": None,
            "status": "planned",
            "source": "Bürgerforum",
        },
    )
    page = phone_page
    login_browser(page, live_server, client, municipality_user)
    for name in ["coaching:detail", "coaching:measures", "coaching:strategy"]:
        page.goto(live_server.url + reverse(name, args=[coaching.pk]))
        check_accessibility(page)
        # Nothing wider than the phone: the tables scroll in their own box.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    expect(page.get_by_role("heading", level=2, name="1. Problembeschreibung")).to_be_visible()
