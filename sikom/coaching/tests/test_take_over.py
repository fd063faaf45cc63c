"""Measures agreed at a municipality's participation formats are taken into its prevention strategy, each once."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.coaching.models import StrategyMeasure
from sikom.core.models import AuditEvent
from sikom.councils import services as council_services
from sikom.councils.tests.conftest import make_held_format

pytestmark = pytest.mark.django_db


def _agreed(ags: str, *titles: str):
    fmt = make_held_format(ags, title="Nachbarschaftsgespräch Altstadt")
    council_services.record_results(
        fmt=fmt,
        by=None,
        results="Beleuchtung und Treffpunkte besprochen.",
        measures=[{"title": title, "owner": "Ordnungsamt", "due_date": None} for title in titles],
    )
    return list(fmt.measures.order_by("pk"))


def test_municipality_takes_over_agreed_measures_once(client, municipality_user):
    coaching = testing.make_coaching()
    lighting, _patrols = _agreed("14628270", "Beleuchtung am Markt", "Fußstreifen am Bahnhof")
    testing.login(client, municipality_user)

    page = client.get(reverse("coaching:measures", args=[coaching.pk]))
    assert "Beleuchtung am Markt" in page.content.decode() and "Aus der Bürgerbeteiligung" in page.content.decode()

    response = client.post(reverse("coaching:measures_take_over", args=[coaching.pk]), {"measures": [lighting.pk]})
    assert response.status_code == 302
    measure = StrategyMeasure.objects.get(coaching=coaching)
    assert (measure.title, measure.owner, measure.taken_from) == ("Beleuchtung am Markt", "Ordnungsamt", lighting)
    assert measure.source.startswith("Nachbarschaftsgespräch Altstadt am ")
    assert AuditEvent.objects.filter(action="coaching.measures_taken_over").exists()

    # Taken over once: offered no more, and a second post of the same id is refused at the field.
    page = client.get(reverse("coaching:measures", args=[coaching.pk])).content.decode()
    assert "Fußstreifen am Bahnhof" in page and f'value="{lighting.pk}"' not in page
    again = client.post(reverse("coaching:measures_take_over", args=[coaching.pk]), {"measures": [lighting.pk]})
    assert again.status_code == 400
    assert "Diese Maßnahme kann nicht übernommen werden." in again.content.decode()
    assert StrategyMeasure.objects.filter(coaching=coaching).count() == 1


@pytest.mark.parametrize("value", ["", "abc", "999999", "1e9", "-1"])
def test_forged_or_missing_choices_change_nothing(client, asskomm, value):
    coaching = testing.make_coaching()
    _agreed("14628270", "Beleuchtung am Markt")
    testing.login(client, asskomm)
    response = client.post(reverse("coaching:measures_take_over", args=[coaching.pk]), {"measures": value})
    assert response.status_code == 400
    assert StrategyMeasure.objects.count() == 0


def test_another_municipalitys_measures_cannot_be_taken_over(client, asskomm):
    coaching = testing.make_coaching()
    (foreign,) = _agreed("14612000", "Videoschutz am Altmarkt")
    testing.login(client, asskomm)
    response = client.post(reverse("coaching:measures_take_over", args=[coaching.pk]), {"measures": [foreign.pk]})
    assert response.status_code == 400
    assert StrategyMeasure.objects.count() == 0


def test_readers_of_a_shared_strategy_cannot_take_over(client, expert_network):
    coaching = testing.make_coaching()
    coaching.shares.add(expert_network.organisation)
    (measure,) = _agreed("14628270", "Beleuchtung am Markt")
    testing.login(client, expert_network)
    response = client.post(reverse("coaching:measures_take_over", args=[coaching.pk]), {"measures": [measure.pk]})
    assert response.status_code == 403
    assert StrategyMeasure.objects.count() == 0
    assert client.get(reverse("coaching:measures", args=[coaching.pk])).status_code == 200
