"""The front door on a phone: an anonymous report with two files, then the follow-up with the receipt code."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility
from sikom.cases.models import Case, Message
from sikom.intake.tests.flows import PDF, PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_step(page):
    page.get_by_role("button", name="Weiter", exact=True).click()


def test_anonymous_report_with_two_files_on_a_phone_and_follow_up(phone_page, live_server, tmp_path):
    page = phone_page
    page.goto(live_server.url + reverse("intake:start"))
    expect(page.get_by_role("link", name="Notruf 110 anrufen")).to_be_visible()
    check_accessibility(page)
    # The header leaves most of an 844 px phone screen to the content (it took 310 px; now about 160).
    header = page.locator("#inhalt").bounding_box()["y"]
    assert header < 200, f"the header takes {header} px of the phone screen before any content"
    page.get_by_role("button", name="Meldung beginnen").click()

    # 1 Person: a typo in the municipality gets a choice, nothing typed is lost.
    page.get_by_label("Gemeinderats", exact=False).check()
    page.get_by_label("Gemeinde, in der").fill("Pirma")
    next_step(page)
    expect(page.get_by_text("Welche Gemeinde meinen Sie?")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_label("Mitglied eines Gemeinderats", exact=False)).to_be_checked()
    page.get_by_label("Pirna (Landkreis Sächsische Schweiz-Osterzgebirge)").check()
    next_step(page)

    # 2 Incident: an empty submit shows the errors, then the answers.
    next_step(page)
    expect(page.get_by_text("Bitte prüfen Sie Ihre Angaben.")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Bedrohung", exact=True).check()
    page.get_by_label("Hass im Netz").check()
    page.get_by_label("Wann ist es passiert? (Datum)").fill((timezone.localdate() - timedelta(days=2)).isoformat())
    page.get_by_label("Im Internet").check()
    page.get_by_label("Soziales Netzwerk").check()
    page.get_by_label("Wiederholt").check()
    page.get_by_label("Wie oft ungefähr?").fill("4")
    page.get_by_label("Unbekannt").check()
    page.get_by_label("Rechtsextremistisch").check()
    page.get_by_label("Beschreiben Sie, was passiert ist").fill(
        "Mehrere Profile kündigen an, mich zu Hause zu besuchen."
    )
    next_step(page)

    # 3 Online content
    check_accessibility(page)
    page.get_by_label("Adresse (URL) des Beitrags").fill("https://social.example/post/4711")
    page.get_by_label("Plattform").fill("Beispielnetz")
    next_step(page)

    # 4 Evidence: two files
    check_accessibility(page)
    (tmp_path / "screenshot.png").write_bytes(PNG)
    (tmp_path / "drohbrief.pdf").write_bytes(PDF)
    page.get_by_label("Dateien auswählen").set_input_files([tmp_path / "screenshot.png", tmp_path / "drohbrief.pdf"])
    page.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_text("2 Dateien hochgeladen")).to_be_visible()
    check_accessibility(page)
    # The file table fits the phone: no sideways scrolling, every »Entfernen« fully visible.
    table = page.locator(".kern-table-responsive")
    overflow = table.evaluate("element => element.scrollWidth - element.clientWidth")
    assert overflow <= 0, f"the evidence table is {overflow} px too wide and scrolls sideways"
    for button in page.get_by_role("button", name="Entfernen").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], box
    next_step(page)

    # 5 Contact: anonymous
    check_accessibility(page)
    page.get_by_label("Ja, anonym.", exact=False).check()
    page.get_by_label("Ich weiß es noch nicht", exact=False).check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()
    next_step(page)

    # 6 Review and submit
    expect(page.get_by_text("Mehrere Profile kündigen an")).to_be_visible()
    expect(page.get_by_text("screenshot.png")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Meldung absenden").click()

    # Confirmation: case number and receipt code, shown once
    number = page.locator("#fallnummer").inner_text().strip()
    code = page.locator("#zugangscode").inner_text().strip()
    assert re.fullmatch(r"SK-\d{4}-\d{6}", number) and re.fullmatch(r"(\d{4} ){4}\d{4}", code)
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF-Bestätigung herunterladen").click()
    assert download.value.suggested_filename == f"Eingangsbestaetigung-{number}.pdf"
    case = Case.objects.get(number=number)
    assert case.report.evidence.count() == 2
    Message.objects.create(case=case, body="Wir haben Ihre Meldung erhalten. Bitte rufen Sie uns an.")

    # Follow-up in a fresh browser session with number and code
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("intake:followup"))
    check_accessibility(page)
    page.get_by_label("Fallnummer").fill(number)
    page.get_by_label("Zugangscode").fill(code)
    page.get_by_role("button", name="Meldung öffnen").click()
    expect(page.get_by_role("heading", name=f"Meldung {number}")).to_be_visible()
    expect(page.get_by_text("Wir haben Ihre Meldung erhalten. Bitte rufen Sie uns an.")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Ihre Nachricht oder Ergänzung").fill("Danke, ich rufe morgen an.")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_text("Ihre Nachricht ist angekommen.")).to_be_visible()
    expect(page.get_by_text("Danke, ich rufe morgen an.")).to_be_visible()
    assert Message.objects.filter(case=case, from_reporter=True).count() == 1


def test_wrong_receipt_code_is_refused_accessibly(page, live_server):
    page.goto(live_server.url + reverse("intake:followup"))
    page.get_by_label("Fallnummer").fill("SK-2026-000001")
    page.get_by_label("Zugangscode").fill("1234 5678 9012 3456 7890")
    page.get_by_role("button", name="Meldung öffnen").click()
    expect(page.get_by_text("Fallnummer oder Zugangscode stimmen nicht.")).to_be_visible()
    check_accessibility(page)


def test_report_form_works_without_javascript(browser, live_server, tmp_path):
    from sikom.browser_testing import DESKTOP

    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("intake:start"))
        page.get_by_role("button", name="Meldung beginnen").click()
        page.get_by_label("Landrat / Landrätin").check()
        page.get_by_label("Gemeinde, in der").fill("Görlitz")
        next_step(page)
        page.get_by_label("Beleidigung oder Verleumdung").check()
        page.get_by_label("Wann ist es passiert? (Datum)").fill((timezone.localdate() - timedelta(days=10)).isoformat())
        page.get_by_label("Im Amt oder Büro").check()
        page.get_by_label("Brief").check()
        page.get_by_label("Einmalig").check()
        page.get_by_label("Bekannt (ich weiß, wer es war)").check()
        page.get_by_label("Kein Motiv erkennbar").check()
        next_step(page)
        next_step(page)  # no online content
        next_step(page)  # no evidence
        page.get_by_label("Nein, Sie dürfen mich kontaktieren.").check()
        page.get_by_label("Name").fill("Max Beispiel")
        page.get_by_label("E-Mail-Adresse").fill("max@example.org")
        page.get_by_label("E-Mail", exact=True).check()
        page.get_by_label("Ja, ich möchte Anzeige erstatten").check()
        page.get_by_label("Seit wann wissen Sie", exact=False).fill(
            (timezone.localdate() - timedelta(days=10)).isoformat()
        )
        page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()
        next_step(page)
        page.get_by_role("button", name="Meldung absenden").click()
        expect(page.locator("#zugangscode")).to_be_visible()
        case = Case.objects.get()
        assert case.report.complaint_deadline is not None and case.report.contact_name == "Max Beispiel"
    finally:
        context.close()
