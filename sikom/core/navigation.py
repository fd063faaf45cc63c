"""The main navigation. Each app registers its entries in its `AppConfig.ready()` with the rule for who sees them,
so core lists them without knowing the apps above it. The same for the personal links on »Mein Bereich«: rules that
may ask the database (an assignment, a saved item) belong there, because the main navigation is drawn on every
page."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Entry:
    order: int
    url_name: str
    label: Promise
    shown: Callable[[object], bool]


_entries: dict[str, Entry] = {}
_personal: dict[str, Entry] = {}


def register(*, order: int, url_name: str, label: Promise, shown: Callable[[object], bool] = lambda user: True) -> None:
    """Registering the same URL name again replaces the entry (ready() may run more than once in tests)."""
    _entries[url_name] = Entry(order=order, url_name=url_name, label=label, shown=shown)


def navigation(request) -> dict:
    """Context processor: the entries this user sees; the one whose address is the longest prefix of the current
    path is marked current (only one: `/melden/status/…` is »Meldung verfolgen«, not also »Vorfall melden«)."""
    items = [
        {"url": reverse(entry.url_name), "label": entry.label}
        for entry in sorted(_entries.values(), key=lambda entry: entry.order)
        if entry.shown(request.user)
    ]
    path = request.path
    matches = [
        item["url"] for item in items if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))
    ]
    current = max(matches, key=len, default=None)
    for item in items:
        item["active"] = item["url"] == current
    return {"navigation": items}


def register_personal(
    *, order: int, url_name: str, label: Promise, shown: Callable[[object], bool] = lambda user: True
) -> None:
    """A link on »Mein Bereich« for the users `shown` admits; registering the same URL name again replaces it."""
    _personal[url_name] = Entry(order=order, url_name=url_name, label=label, shown=shown)


def personal_links(user) -> list[dict]:
    return [
        {"url": reverse(entry.url_name), "label": entry.label}
        for entry in sorted(_personal.values(), key=lambda entry: entry.order)
        if entry.shown(user)
    ]
