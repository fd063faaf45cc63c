"""Browser tests: Playwright drives Debian's Chromium; axe-core checks every page visited.

Locally, without /usr/bin/chromium, browser tests are skipped with a loud notice; with SIKOM_REQUIRE_BROWSER=true
(set by CI) a missing browser fails the run instead.
"""

import json
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("SIKOM_CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_skipped_for_missing_browser: list[str] = []


def _browser_required() -> bool:
    return os.environ.get("SIKOM_REQUIRE_BROWSER", "false") == "true"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if _browser_required():
            pytest.fail(f"SIKOM_REQUIRE_BROWSER=true but no Chromium at {CHROMIUM}")
        _skipped_for_missing_browser.append("x")
        pytest.skip(f"no Chromium at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


def _new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, DESKTOP)
    yield page
    context.close()
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _new_page(browser, PHONE)
    yield page
    context.close()
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def check_accessibility(page) -> None:
    """Run axe-core on the current page; fail on any serious or critical violation."""
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe violations on {page.url}:\n" + json.dumps(
        [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in serious],
        indent=1,
        ensure_ascii=False,
    )


def login_browser(page, live_server, client, user) -> None:
    """Give the browser the session of a test client that logged in (and passed the second factor)."""
    from urllib.parse import urlsplit

    from django.conf import settings

    from sikom import testing

    testing.login(client, user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                # Chromium accepts a __Host- cookie only in the domain/path form.
                "domain": urlsplit(live_server.url).hostname,
                "path": "/",
                "secure": settings.SESSION_COOKIE_SECURE,
                "httpOnly": True,
            }
        ]
    )


def pytest_terminal_summary(terminalreporter):
    if _skipped_for_missing_browser:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED: no Chromium found", red=True, bold=True)
        terminalreporter.write_line(
            f"Install it with `apt-get install chromium` (expected at {CHROMIUM}); CI always runs them.", red=True
        )
