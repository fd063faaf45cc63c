"""The English catalogue is complete: every German text has a translation and none is a guess (fuzzy)."""

import gettext
import re

from django.conf import settings

PO = settings.BASE_DIR / "sikom" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M))
        if not msgid:
            continue  # the header
        yield msgid, block


def test_no_english_translation_is_missing_or_fuzzy():
    missing = [msgid for msgid, block in entries() if re.search(r'^msgstr(\[\d\])? ""\n(?!")', block + "\n", re.M)]
    fuzzy = [msgid for msgid, block in entries() if "#, fuzzy" in block]
    assert not missing, missing[:10]
    assert not fuzzy, fuzzy[:10]


def test_compiled_catalogue_matches_the_source():
    translations = gettext.GNUTranslations(MO.open("rb"))
    assert translations.gettext("Angebote und Ansprechstellen") == "Offers and contact points"
    assert translations.gettext("Vorfall melden") != "Vorfall melden"
    assert len(translations._catalog) >= len(list(entries()))
