"""Demo indicators: marked as demo values, idempotent, and the pages show them."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.indicators import demo
from sikom.indicators.models import Indicator, IndicatorValue
from sikom.indicators.tests.factories import PIRNA

pytestmark = pytest.mark.django_db


def test_demo_is_labelled_idempotent_and_shown(client, asskomm):
    assert demo.load()
    assert demo.load() == []
    assert Indicator.objects.count() == 3
    assert all(
        i.source == "Demo-Werte, keine amtliche Statistik" and "(Demo)" in i.name for i in Indicator.objects.all()
    )
    assert IndicatorValue.objects.filter(municipality__ags=PIRNA).values("year").distinct().count() >= 5
    assert not IndicatorValue.objects.filter(value__lt=0).exists()
    testing.login(client, asskomm)
    body = client.get(reverse("indicators:profile", args=[PIRNA])).content.decode()
    assert body.count("<svg") >= 6 and "Demo-Werte, keine amtliche Statistik" in body
    assert "Arbeitslosenquote in % (Demo)" in body
