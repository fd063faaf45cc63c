"""A ZASTEX analyst on a ZASTEX-led case fills the checklist, has the suggestion computed, overrides it with a
reason and saves; the form, the form with errors and the history pass axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sikom.assessments.instrument import ITEMS
from sikom.assessments.models import ThreatAssessment
from sikom.assessments.tests import helpers
from sikom.browser_testing import check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRESENT = {"energy_burst", "enemy_list", "address_block"}
UNKNOWN = {"earlier_violence"}


def answer(page, code: str, label: str) -> None:
    page.get_by_role("group", name=str(ITEMS[code].label), exact=True).get_by_label(label, exact=True).check()


def test_analyst_computes_the_suggestion_overrides_it_with_a_reason_and_saves(page, live_server, client, zastex):
    case = helpers.zastex_case()
    login_browser(page, live_server, client, zastex)

    page.goto(live_server.url + reverse("assessments:history", args=[case.number]))
    expect(page.get_by_role("heading", level=1, name="Erste Gefahrenanalyse")).to_be_visible()
    expect(page.get_by_text("Noch keine Gefahrenanalyse.", exact=False)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Neue Gefahrenanalyse").click()

    expect(page.get_by_role("heading", level=1, name="Neue Gefahrenanalyse")).to_be_visible()
    expect(page.get_by_role("heading", name="So entsteht der Vorschlag")).to_be_visible()
    check_accessibility(page)

    # Saving an empty form: German messages at the fields, nothing saved.
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Bitte prüfen Sie Ihre Angaben.")).to_be_visible()
    expect(page.locator("#id_pathway_error")).to_have_text("Bitte beantworten Sie diese Frage.")
    check_accessibility(page)
    assert not ThreatAssessment.objects.exists()

    for code in ITEMS:
        label = "liegt vor" if code in PRESENT else "unbekannt" if code in UNKNOWN else "liegt nicht vor"
        answer(page, code, label)
    page.get_by_label("Beleg oder Notiz zu »Energieschub (Energy Burst)«").fill(
        "Seit einer Woche täglich neue Beiträge, Anrufe und zwei Besuche am Rathaus."
    )
    page.get_by_role("button", name="Vorschlag berechnen").click()

    suggestion = page.locator("#vorschlag")
    expect(suggestion.get_by_role("heading", name="Vorschlag: Stufe 4 – akut")).to_be_visible()
    expect(suggestion.get_by_text("R2: Energieschub (Energy Burst) ⇒ Stufe 4 – akut.")).to_be_visible()
    expect(suggestion.get_by_text("Frühere Gewalt", exact=True)).to_be_visible()  # open question
    expect(suggestion.get_by_text("Auskunftssperre im Melderegister (§ 51 BMG)")).to_be_visible()
    level = page.get_by_role("group", name="Gefährdungsstufe", exact=True)
    expect(level.get_by_label("4 – akut")).to_be_checked()
    expect(page.get_by_label("Beleg oder Notiz zu »Energieschub (Energy Burst)«")).to_have_value(
        "Seit einer Woche täglich neue Beiträge, Anrufe und zwei Besuche am Rathaus."
    )
    check_accessibility(page)

    # The next reassessment is suggested by level, from the operators' setting (7 days for level 4 by default).
    review = page.get_by_label("Nächste Neubewertung am")
    expect(review).to_have_value(helpers.in_days(7).isoformat())
    expect(
        page.get_by_text(f"Als nächste Neubewertung ist der {helpers.in_days(7):%d.%m.%Y} vorgeschlagen")
    ).to_be_visible()
    expect(page.get_by_text("eine Einstellung, keine fachliche Vorgabe", exact=False)).to_be_visible()

    # Overriding without a reason is answered at the field; the untouched suggested date follows the level.
    level.get_by_label("3 – hoch").check()
    expect(review).to_have_value(helpers.in_days(30).isoformat())
    review.fill(helpers.in_days(14).isoformat())
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#id_override_reason_error")).to_contain_text("Bitte begründen Sie")
    check_accessibility(page)
    assert not ThreatAssessment.objects.exists()

    page.get_by_label("Begründung der Abweichung vom Vorschlag").fill(
        "Die Besuche galten dem Bürgerbüro; der Absender hat sich entschuldigt und ist in Behandlung."
    )
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_text("Die Gefahrenanalyse ist gespeichert.", exact=False)).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("der Absender hat sich entschuldigt")
    expect(table).to_contain_text("erste Analyse")
    expect(table).to_contain_text("4 – akut")
    expect(table).to_contain_text("3 – hoch")
    check_accessibility(page)

    # The assessment in full, with the note.
    table.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1, name="Gefahrenanalyse vom", exact=False)).to_be_visible()
    expect(page.get_by_text("zwei Besuche am Rathaus", exact=False)).to_be_visible()
    check_accessibility(page)

    assessment = ThreatAssessment.objects.get()
    assert (assessment.suggested_level, assessment.level, assessment.next_review_on) == (4, 3, helpers.in_days(14))
    case.refresh_from_db()
    assert case.risk_level == 3 and not case.risk_level_is_provisional
