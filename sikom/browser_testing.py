"""Browser tests: Playwright drives Debian's Chromium; axe-core checks every page visited.

Every page a browser test loads with JavaScript on is checked automatically, in whatever context the test opened:
a page's ``load`` only marks it as due (an event handler must not drive the page), and the check runs before the
test's next action on that page (click, fill, goto, …) and when its context closes, so a page is checked before the
test can leave it. Tests still call ``check_accessibility`` for states a load does not produce (an htmx swap, an
opened menu). JavaScript-free contexts are not checked: axe needs scripts.

Locally, without /usr/bin/chromium, browser tests are skipped with a loud notice; with SIKOM_REQUIRE_BROWSER=true
(set by CI) a missing browser fails the run instead.

The browser tests run on SQLite only (decision 0035): what the two databases do differently is covered by the
test-client, service and concurrency tests, which run on both; on PostgreSQL the browser tests are skipped unless
SIKOM_BROWSER_ON_POSTGRESQL=true. CI spreads them over its two jobs (decision 0048): SIKOM_BROWSER_SHARD=k/n keeps
the k-th of n shares of the browser tests (every n-th by test id), SIKOM_BROWSER_ONLY=true leaves out the rest.
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


def _shard() -> tuple[int, int] | None:
    value = os.environ.get("SIKOM_BROWSER_SHARD", "")
    if not value:
        return None
    try:
        number, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise pytest.UsageError(f"SIKOM_BROWSER_SHARD must look like 1/2, not {value!r}") from None
    if not 1 <= number <= count:
        raise pytest.UsageError(f"SIKOM_BROWSER_SHARD {value!r}: the share must lie between 1 and {count}")
    return number, count


def _select(config, items) -> None:
    """The share of the tests this run keeps (CI's two jobs, decision 0048); left out tests are deselected."""
    shard, browser_only = _shard(), os.environ.get("SIKOM_BROWSER_ONLY", "false") == "true"
    if shard is None and not browser_only:
        return
    browser_ids = sorted(item.nodeid for item in items if item.get_closest_marker("browser"))
    kept_browser = set(browser_ids[shard[0] - 1 :: shard[1]] if shard else browser_ids)
    keep, drop = [], []
    for item in items:
        if item.get_closest_marker("browser"):
            (keep if item.nodeid in kept_browser else drop).append(item)
        else:
            (drop if browser_only else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_collection_modifyitems(config, items):
    _select(config, items)
    on_postgresql = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if not on_postgresql or os.environ.get("SIKOM_BROWSER_ON_POSTGRESQL", "false") == "true":
        return
    skip = pytest.mark.skip(reason="browser tests run on SQLite (decision 0035); SIKOM_BROWSER_ON_POSTGRESQL=true")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


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
        _install_automatic_checks()
        new_context = instance.new_context

        def new_checked_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            if kwargs.get("java_script_enabled", True):
                _watch(context)
            return context

        # Contexts the tests open themselves (a second person, a phone, no JavaScript) are watched too.
        instance.new_context = new_checked_context
        yield instance
        instance.close()


# Page and locator actions before which a page that has loaded since its last check is checked: everything that
# can make the test leave the page.
_ACTIONS = (
    "check",
    "click",
    "dblclick",
    "dispatch_event",
    "fill",
    "press",
    "press_sequentially",
    "select_option",
    "set_checked",
    "set_input_files",
    "tap",
    "type",
    "uncheck",
)
_NAVIGATIONS = ("goto", "reload", "go_back", "go_forward", "close")
_DUE = "_sikom_axe_due"


def _check_if_due(page) -> None:
    if getattr(page, _DUE, False) and not page.is_closed():
        setattr(page, _DUE, False)
        page.wait_for_load_state("load")
        check_accessibility(page)


def _checked_first(method, page_of):
    def action(self, *args, **kwargs):
        _check_if_due(page_of(self))
        return method(self, *args, **kwargs)

    action.__wrapped__ = method
    return action


def _install_automatic_checks() -> None:
    """Wrap Playwright's actions once per run: each first checks its page if it loaded since its last check."""
    from playwright.sync_api import BrowserContext, Locator, Page

    if hasattr(Page.click, "__wrapped__"):
        return
    for name in _ACTIONS + _NAVIGATIONS:
        if hasattr(Page, name):
            setattr(Page, name, _checked_first(getattr(Page, name), lambda page: page))
    for name in _ACTIONS:
        setattr(Locator, name, _checked_first(getattr(Locator, name), lambda locator: locator.page))

    close = BrowserContext.close

    def close_after_checks(context, *args, **kwargs):
        for page in context.pages:
            _check_if_due(page)
        return close(context, *args, **kwargs)

    close_after_checks.__wrapped__ = close
    BrowserContext.close = close_after_checks


def _watch(context) -> None:
    """Mark every page of the context as due for a check whenever it has loaded."""

    def watch_page(page):
        page.on("load", lambda loaded: setattr(loaded, _DUE, True))

    context.on("page", watch_page)


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
    setattr(page, _DUE, False)
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
