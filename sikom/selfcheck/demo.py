"""Demo data: one saved check of the demo office holder (the guide itself is reference content, decision 0040)."""

from sikom.accounts.models import User
from sikom.selfcheck import selectors
from sikom.selfcheck.models import SavedCheck

DEMO_ANSWERS = {
    "auskunftssperre": "nein",
    "anschrift_oeffentlich": "ja",
    "anschrift_entfernen": "nein",
    "sicherung": "teilweise",
    "familie": "ja",
    "vorfall_zuhause": "ja",
    "vorfall_angezeigt": "nein",
    "routine": "ja",
    "termine_oeffentlich": "nein",
    "absprache": "manchmal",
    "training": "nein",
    "zugang": "ja",
    "notfall": "nein",
    "impressum": "nein",
    "privatsphaere": "ja",
    "hass": "ja",
    "hass_angezeigt": "manchmal",
    "protokoll": "nein",
    "anzeige": "manchmal",
}


def load() -> list[str]:
    version = selectors.current_version()
    official = User.objects.filter(email__endswith="@demo.sikom.invalid", organisation=None).order_by("pk").first()
    if version is None or official is None or SavedCheck.objects.filter(user=official).exists():
        return []
    SavedCheck.objects.create(
        user=official, version=version, content={"answers": DEMO_ANSWERS, "ags": "14628270"}, is_demo=True
    )
    return [f"Selbstcheck: ein gespeicherter Aktionsplan für {official.email} (Demo)"]
