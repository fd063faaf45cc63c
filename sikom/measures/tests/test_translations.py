"""The app's English catalogue is complete and compiled (it sits beside the app until it joins sikom/locale)."""

import re
from pathlib import Path

from django.utils import translation

from sikom.measures.catalogue import CATALOGUE, MeasureKind
from sikom.measures.models import MeasureStatus

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_text_has_an_english_translation():
    blocks = [block for block in PO.read_text(encoding="utf-8").split("\n\n") if 'msgid "' in block]
    untranslated = [block for block in blocks[1:] if re.search(r'^msgstr ""$', block, re.M) or "#, fuzzy" in block]
    assert len(blocks) > 100 and not untranslated, untranslated[:3]


def test_catalogue_and_statuses_read_in_english():
    with translation.override("en"):
        assert str(MeasureKind.PATROLS.label) == "Situation-dependent patrols"
        assert str(MeasureStatus.ACTIVE.label) == "running"
        english = [str(entry.description) for entry in CATALOGUE.values()]
    with translation.override("de"):
        german = [str(entry.description) for entry in CATALOGUE.values()]
    assert all(en != de for en, de in zip(english, german, strict=True))
