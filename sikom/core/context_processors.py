from django.urls import reverse
from django.utils.translation import gettext as _

from sikom.accounts.selectors import can_manage_users, is_verified_staff
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
        if can_manage_users(user):
            items.append((reverse("accounts:account_list"), _("Benutzerkonten")))
        if user.is_superuser:
            items.append((reverse("admin:index"), _("Plattformverwaltung")))
    path = request.path
    return {
        "navigation": [
            {"url": url, "label": label, "active": path == url or (url != "/" and path.startswith(url))}
            for url, label in items
        ]
    }
