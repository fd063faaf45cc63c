"""The whole way of a case, as the issue describes it: an anonymous report is routed to the right agency, a ZASTEX
analyst records a danger analysis, level and due date follow the rules, a measure is planned, the reporter reads the
handler's message (naming ZASTEX) and the progress with the receipt code, the case is referred to ZORA, and the dossier PDF lists the evidence
hashes."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.assessments.instrument import ITEMS
from sikom.browser_testing import PHONE, check_accessibility, login_browser
from sikom.cases.models import Case, CaseStatus
from sikom.intake.tests.flows import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRESENT = {"directly_communicated_threat", "concrete_time_or_place", "enemy_list", "private_address_known"}


def report_anonymously(browser, live_server, tmp_path):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + reverse("intake:start"))
    page.get_by_role("button", name="Meldung beginnen").click()
    page.get_by_label("Bürgermeister:in", exact=True).check()
    page.get_by_label("Gemeinde, in der").fill("Freital")
    page.get_by_role("button", name="Weiter", exact=True).click()
    page.get_by_label("Veröffentlichung persönlicher Daten", exact=False).check()
    page.get_by_label("Wann ist es passiert? (Datum)").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_label("Im Internet").check()
    page.get_by_label("Messenger").check()
    page.get_by_label("Einmalig").check()
    page.get_by_label("Eine Gruppe").check()
    page.get_by_label("»Reichsbürger«", exact=False).check()
    page.get_by_label("Beschreiben Sie, was passiert ist").fill(
        "In einem Kanal stehen meine Adresse und die Ankündigung, am Samstag um 18 Uhr vorbeizukommen."
    )
    page.get_by_role("button", name="Weiter", exact=True).click()
    page.get_by_role("button", name="Weiter", exact=True).click()
    (tmp_path / "kanal.png").write_bytes(PNG)
    page.get_by_label("Dateien auswählen").set_input_files(tmp_path / "kanal.png")
    page.get_by_role("button", name="Hochladen").click()
    page.get_by_role("button", name="Weiter", exact=True).click()
    page.get_by_label("Ja, anonym.", exact=False).check()
    page.get_by_label("Ja, ich möchte Anzeige erstatten").check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()
    page.get_by_role("button", name="Weiter", exact=True).click()
    page.get_by_role("button", name="Meldung absenden").click()
    number = page.locator("#fallnummer").inner_text().strip()
    code = page.locator("#zugangscode").inner_text().strip()
    context.close()
    return number, code


def test_a_case_from_report_to_referral_and_dossier(browser, page, live_server, client, zastex, tmp_path):
    number, code = report_anonymously(browser, live_server, tmp_path)
    case = Case.objects.get(number=number)
    assert case.lead.type == OrganisationType.ZASTEX  # »enemy list« → ZASTEX
    assert case.risk_level == 3 and case.risk_level_is_provisional  # private sphere: provisional »hoch«

    # The ZASTEX analyst finds the case in the inbox and records the first danger analysis.
    login_browser(page, live_server, client, zastex)
    page.goto(live_server.url + reverse("casefile:inbox"))
    page.get_by_role("link", name=number).click()
    expect(page.get_by_text("In einem Kanal stehen meine Adresse")).to_be_visible()
    page.get_by_role("link", name="Neue Gefahrenanalyse").click()
    for item_code, item in ITEMS.items():
        answer = "liegt vor" if item_code in PRESENT else "liegt nicht vor"
        page.get_by_role("group", name=str(item.label), exact=True).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Vorschlag berechnen").click()
    expect(page.locator("#vorschlag").get_by_role("heading", name="Vorschlag: Stufe 4 – akut")).to_be_visible()
    # The next reassessment is suggested for the level (the operators' default for »akut«: seven days).
    expect(page.get_by_label("Nächste Neubewertung am")).to_have_value(
        (timezone.localdate() + timedelta(days=7)).isoformat()
    )
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Gefahrenanalyse ist gespeichert.", exact=False)).to_be_visible()
    case.refresh_from_db()
    assert case.risk_level == 4 and not case.risk_level_is_provisional
    assert case.first_contact_due_at == case.created_at + timedelta(hours=2)  # acute: two hours

    # A protective measure is planned.
    page.goto(live_server.url + reverse("measures:list", args=[number]))
    page.get_by_label("Maßnahme", exact=True).select_option(label="Beratung zu Verhaltensweisen in Gefahrenlagen")
    page.get_by_role("button", name="Maßnahme planen").click()
    expect(page.get_by_text("ist geplant", exact=False)).to_be_visible()
    assert case.measures.count() == 1

    # The analyst writes to the reporter.
    page.goto(live_server.url + reverse("casefile:detail", args=[number]))
    page.get_by_label("Nachricht an die meldende Person").check()
    page.get_by_label("Text", exact=True).fill("Wir haben Ihre Meldung geprüft. Bitte rufen Sie uns heute noch an.")
    page.get_by_role("button", name="Speichern und senden").click()
    expect(page.get_by_text("Gespeichert.")).to_be_visible()
    case.refresh_from_db()
    assert case.first_contact_at is not None

    # The reporter reads it with the receipt code.
    reporter = browser.new_context(viewport=PHONE)
    reporter_page = reporter.new_page()
    reporter_page.goto(live_server.url + reverse("intake:followup"))
    reporter_page.get_by_label("Fallnummer").fill(number)
    reporter_page.get_by_label("Zugangscode").fill(code)
    reporter_page.get_by_role("button", name="Meldung öffnen").click()
    expect(reporter_page.get_by_text("Bitte rufen Sie uns heute noch an.")).to_be_visible()
    # The message names the office that wrote; the progress says in plain words what is happening, nothing internal.
    expect(reporter_page.locator(".kern-card", has_text="Bitte rufen Sie uns heute noch an.")).to_contain_text(
        "ZASTEX ·"
    )
    progress = reporter_page.get_by_role("region", name="Stand der Bearbeitung")
    expect(progress).to_contain_text("Die zuständige Stelle hat Ihre Meldung geprüft.")
    expect(progress.locator("[aria-current=step]")).to_contain_text("Schutzmaßnahmen werden umgesetzt.")
    expect(reporter_page.get_by_role("main")).not_to_contain_text("akut")
    expect(reporter_page.get_by_role("main")).not_to_contain_text("Beratung zu Verhaltensweisen")
    check_accessibility(reporter_page)
    reporter.close()

    # Referral to ZORA for prosecution.
    refer = page.locator("form[action$='/weiterleiten/']")
    refer.get_by_label("Stelle", exact=True).select_option(label=str(testing.organisation_of(OrganisationType.ZORA)))
    refer.get_by_label("Begründung").fill("Zur Strafverfolgung.")
    page.get_by_role("button", name="Weiterleiten").click()
    expect(page.get_by_text("Der Fall ist weitergeleitet.")).to_be_visible()
    case.refresh_from_db()
    assert case.lead.type == OrganisationType.ZORA and case.status == CaseStatus.REFERRED
    check_accessibility(page)

    # The dossier, after confirming the password once more, lists the evidence hash.
    page.get_by_role("link", name="Dossier als PDF").click()
    page.get_by_label("Passwort oder aktueller Code", exact=False).fill(testing.PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Bestätigen").click()
    pdf = PdfReader(download.value.path())
    text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "").replace(" ", "")
    assert number in text and hashlib.sha256(PNG).hexdigest() in text
