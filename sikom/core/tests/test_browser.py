import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sikom.browser_testing import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("name", ["portal:home", "core:imprint", "core:privacy", "core:accessibility"])
def test_public_page_is_accessible(page, live_server, name):
    page.goto(live_server.url + reverse(name))
    assert page.get_by_role("link", name="Zum Inhalt springen").count() == 1
    check_accessibility(page)


def test_skip_link_moves_focus_to_content(page, live_server):
    page.goto(live_server.url + reverse("portal:home"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_language_switch_to_english_and_back(page, live_server):
    page.goto(live_server.url + reverse("offers:list"))
    page.get_by_role("button", name="Sprache wechseln: English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Offers and contact points"
    check_accessibility(page)
    page.get_by_role("button", name="Deutsch").click()
    assert page.locator("html").get_attribute("lang") == "de"


def test_axe_checks_each_loaded_page_before_the_test_moves_on(page, live_server):
    """No test has to remember `check_accessibility`: a page that loaded is checked before the next action."""
    page.goto(live_server.url + reverse("portal:home"))
    page.set_content('<html lang="de"><title>Probe</title><main><img src="/x.png"><a href="/">Start</a></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        page.get_by_role("link", name="Start").click()
    # Checked once: the same page is not checked again.
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_have_count(1)


def test_the_navigation_is_one_row_on_a_phone_and_reaches_every_entry(phone_page, live_server):
    """With more entries than a phone's width, the navigation scrolls sideways inside its row: the header stays
    small, the page itself never scrolls sideways, and the last entry is one tap away."""
    page = phone_page
    page.goto(live_server.url + reverse("portal:home"))
    links = page.locator(".sikom-nav__link")
    first, last = links.first.bounding_box(), links.last.bounding_box()
    assert abs(first["y"] - last["y"]) < 2, "the entries wrap into more than one row"
    assert page.locator("#inhalt").bounding_box()["y"] < 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    links.last.click()  # »Anmelden«, scrolled into view inside the row
    expect(page).to_have_url(re.compile(r"/anmelden/"))
