"""Demo incidents: loaded once, counted, and the pages say the numbers are invented."""

import pytest

from sikom import testing
from sikom.cases.models import CaseStatistic
from sikom.situation import demo
from sikom.situation.models import IncidentCount

pytestmark = pytest.mark.django_db


def test_demo_incidents_are_counted_and_labelled(client, asskomm, settings):
    settings.SIKOM_DEMO = True
    assert "Demo-Vorfälle" in demo.load()[0]
    loaded = CaseStatistic.objects.count()
    assert loaded > 500
    demo.load()
    assert CaseStatistic.objects.count() == loaded
    assert sum(IncidentCount.objects.filter(dim_a="total").values_list("count", flat=True)) == loaded
    testing.login(client, asskomm)
    body = client.get("/lagebild/").content.decode()
    assert "erfundene Demo-Werte" in body and 'data-gesperrt="true"' in body
    assert "erfundene Demo-Werte" in client.get("/lagebild/zahlen/").content.decode()
