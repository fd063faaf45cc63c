import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sikom import testing
from sikom.browser_testing import check_accessibility, login_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inbox_case_page_and_actions_are_accessible(page, live_server, client, pd_dresden):
    case = testing.make_case(description="Drohung am Gartenzaun.")
    late = testing.make_case(categories=["physical_attack"])
    from datetime import timedelta

    from django.utils import timezone

    testing.update_case(late, first_contact_due_at=timezone.now() - timedelta(hours=3))
    login_browser(page, live_server, client, pd_dresden)
    page.goto(live_server.url + reverse("casefile:inbox"))
    expect(page.get_by_role("heading", name="Fälle – Polizeidirektion Dresden")).to_be_visible()
    expect(page.get_by_text("überfällig").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Fälligkeit").select_option("overdue")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("link", name=late.number)).to_be_visible()
    expect(page.get_by_role("link", name=case.number)).to_have_count(0)
    page.get_by_role("link", name=late.number).click()
    expect(page.get_by_text("Der Erstkontakt ist überfällig.")).to_be_visible()
    check_accessibility(page)

    # A close without reason is refused with a German message at the top; nothing changes.
    page.get_by_label("Neuer Status").select_option("closed")
    page.get_by_role("button", name="Status ändern").click()
    expect(page.get_by_text("Bitte geben Sie eine Begründung an.").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Neuer Status").select_option("in_review")
    page.get_by_role("button", name="Status ändern").click()
    expect(page.get_by_text("Der Status ist geändert.")).to_be_visible()

    # Re-authentication before the dossier.
    page.get_by_role("link", name="Dossier als PDF").click()
    expect(page.get_by_role("heading", name="Anmeldung bestätigen")).to_be_visible()
    check_accessibility(page)


def test_supervisor_log_page_is_accessible(page, live_server, client, pd_dresden):
    case = testing.make_case()
    pd_dresden.is_supervisor = True
    pd_dresden.save()
    login_browser(page, live_server, client, pd_dresden)
    page.goto(live_server.url + reverse("casefile:detail", args=[case.number]))
    page.get_by_role("link", name="Protokoll").click()
    expect(page.get_by_text("case.viewed")).to_be_visible()
    check_accessibility(page)
