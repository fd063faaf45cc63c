"""The catalogue's facts come from the seed documents: no contact detail may be invented."""

import json
import re

import pytest
from django.conf import settings

from sikom.offers.vocabulary import Audience, RegionalContact, Situation

SEEDS = "\n".join(path.read_text(encoding="utf-8") for path in (settings.BASE_DIR / "data" / "seeds").glob("*.txt"))
OFFERS = json.loads((settings.BASE_DIR / "sikom" / "offers" / "data" / "offers.json").read_text(encoding="utf-8"))
ORGANISATIONS = json.loads(
    (settings.BASE_DIR / "sikom" / "accounts" / "data" / "organisations.json").read_text(encoding="utf-8")
)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\\", "")


@pytest.mark.parametrize("entry", OFFERS + ORGANISATIONS, ids=lambda entry: entry.get("slug") or entry["name"])
def test_every_contact_detail_is_in_the_seeds(entry):
    seeds = compact(SEEDS)
    for field in ["contact_street", "contact_postcode_city", "contact_phone", "contact_email"]:
        value = entry.get(field, "")
        if value:
            assert compact(value) in seeds, (field, value)
    website = entry.get("contact_website", "")
    if website:
        assert compact(website.removeprefix("https://").removeprefix("http://")) in seeds, website


def test_offers_use_only_known_codes_and_unique_slugs():
    assert len({entry["slug"] for entry in OFFERS}) == len(OFFERS)
    for entry in OFFERS:
        assert set(entry["audiences"]) <= set(Audience.values), entry["slug"]
        assert set(entry["situations"]) <= set(Situation.values), entry["slug"]
        assert entry["regional_contact"] in RegionalContact.values, entry["slug"]
        assert entry["audiences"] and entry["situations"], entry["slug"]


def test_catalogue_covers_the_offers_named_in_the_seeds():
    titles = " ".join(entry["title"] for entry in OFFERS)
    for name in [
        "ZASTEX",
        "ZMI",
        "Expertennetzwerk",
        "ZORA",
        "Sicherheitsleitfaden",
        "Landespräventionsrat",
        "Personen- und Objektschutz",
        "Sicherheitsanalyse",
        "Kommunale Prävention",
        "Coaching",
        "Argumentationstrainings",
    ]:
        assert name in titles, name


def test_police_offers_point_to_the_regional_directorate_without_invented_contacts():
    police = [entry for entry in OFFERS if entry["regional_contact"] == RegionalContact.POLICE_DIRECTORATE]
    assert len(police) == 4
    for entry in police:
        assert not (entry["contact_phone"] or entry["contact_email"] or entry["contact_street"])
