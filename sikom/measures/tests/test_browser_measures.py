"""The lead agency plans a protective measure from the recommendations, sets it running, and every page passes axe."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.browser_testing import check_accessibility, login_browser
from sikom.measures.catalogue import MeasureKind
from sikom.measures.models import CaseMeasure, MeasureStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGETED = "Absprache gezielter polizeilicher Maßnahmen"


def test_lead_plans_a_recommended_measure_and_sets_it_running(page, live_server, client, pd_dresden):
    case = testing.make_case(categories=("threat", "private_sphere"), place="home", motives=("right_wing",))
    lka = testing.organisation_of(OrganisationType.LKA_PROTECTION)
    login_browser(page, live_server, client, pd_dresden)

    page.goto(live_server.url + reverse("measures:list", args=[case.number]))
    expect(page.get_by_role("heading", level=1, name="Schutzmaßnahmen")).to_be_visible()
    expect(page.get_by_text("Für diesen Fall ist noch keine Schutzmaßnahme geplant.")).to_be_visible()
    # Recommended for level 3 (provisional) and for the right-wing motive, each with its reason; the rules are written.
    expect(page.get_by_role("row", name=re.compile(rf"^{TARGETED} ab Gefährdungsstufe 3 \(hoch\)"))).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile(r"^Einbindung des Expertennetzwerks extremistisches Motiv"))
    ).to_be_visible()
    page.get_by_text("Nach diesen Regeln wird empfohlen").click()
    expect(page.get_by_text("Bei Gefährdungsstufe 4 (akut) zusätzlich", exact=False)).to_be_visible()
    check_accessibility(page)

    # Choosing a measure preselects the agency the catalogue names for it (htmx).
    page.get_by_label("Maßnahme", exact=True).select_option(label="Personenschutz durch das LKA")
    expect(page.get_by_label("Zuständige Stelle")).to_have_value(str(lka.pk))

    # The recommendation's link preselects the measure and the municipality's police directorate.
    page.get_by_role("link", name=f"»{TARGETED}« planen").click()
    expect(page.get_by_label("Maßnahme", exact=True)).to_have_value(MeasureKind.TARGETED_POLICE_MEASURES)
    expect(page.get_by_label("Zuständige Stelle")).to_have_value(str(case.lead_id))
    page.get_by_label(re.compile(r"^Notizen")).fill("Abstimmung mit der Betroffenen am Montag.")
    page.get_by_role("button", name="Maßnahme planen").click()
    expect(page.get_by_text(f"Die Maßnahme »{TARGETED}« ist geplant", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name=f"»{TARGETED}« planen")).to_have_count(0)
    check_accessibility(page)

    # Set it running; a wrong end date is answered at the field first.
    page.get_by_role("link", name=TARGETED, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=TARGETED)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Status").select_option(label="läuft")
    started = timezone.localdate() - timedelta(days=3)
    page.get_by_label(re.compile(r"^Beginn")).fill(started.isoformat())
    page.get_by_label(re.compile(r"^Ende")).fill((started - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Das Ende darf nicht vor dem Beginn liegen.").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label(re.compile(r"^Ende")).fill("")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Änderungen sind gespeichert.")).to_be_visible()
    expect(page.locator("dd").filter(has_text=re.compile(r"^läuft$"))).to_be_visible()
    check_accessibility(page)

    measure = CaseMeasure.objects.get()
    assert measure.status == MeasureStatus.ACTIVE and measure.starts_on == started
    assert measure.changes.count() == 2
