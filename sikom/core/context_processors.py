from django.urls import reverse
from django.utils.translation import gettext as _

from sikom.accounts.selectors import is_verified_staff
from sikom.cases.selectors import handles_cases
from sikom.offers.selectors import can_manage_offers


def navigation(request):
    """Main navigation by role: public entries for everyone, work areas for verified staff."""
    user = request.user
    items = [
        (reverse("core:home"), _("Startseite")),
        (reverse("reports:start"), _("Vorfall melden")),
        (reverse("reports:followup"), _("Meldung verfolgen")),
        (reverse("offers:list"), _("Angebote")),
        (reverse("offers:finder"), _("Wegweiser")),
    ]
    if user.is_authenticated:
        items.append((reverse("accounts:home"), _("Mein Bereich")))
    if user.is_authenticated and not user.must_use_two_factor:
        items.append((reverse("reports:my_reports"), _("Meine Meldungen")))
    if is_verified_staff(user):
        if handles_cases(user):
            items.append((reverse("cases:inbox"), _("Fälle")))
        if can_manage_offers(user):
            items.append((reverse("offers:manage"), _("Angebote verwalten")))
        if user.is_superuser:
            items.append((reverse("admin:index"), _("Plattformverwaltung")))
    current = _current_entry(request.path, [url for url, _label in items])
    return {"navigation": [{"url": url, "label": label, "active": url == current} for url, label in items]}


def _current_entry(path: str, urls: list[str]) -> str | None:
    """The one entry the page belongs to: the longest address the path starts with (»/melden/status/…« belongs to
    »Meldung verfolgen« at /melden/status/, not also to »Vorfall melden« at /melden/). The start page only for
    itself."""
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len, default=None)
