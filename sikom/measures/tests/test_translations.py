"""The measures read in English once the language is switched (the catalogue is checked in core/tests)."""

from django.utils import translation

from sikom.measures.catalogue import CATALOGUE, MeasureKind
from sikom.measures.models import MeasureStatus


def test_catalogue_and_statuses_read_in_english():
    with translation.override("en"):
        assert str(MeasureKind.PATROLS.label) == "Situation-dependent patrols"
        assert str(MeasureStatus.ACTIVE.label) == "running"
        english = [str(entry.description) for entry in CATALOGUE.values()]
    with translation.override("de"):
        german = [str(entry.description) for entry in CATALOGUE.values()]
    assert all(en != de for en, de in zip(english, german, strict=True))
