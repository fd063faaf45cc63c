import pytest
from django.urls import reverse

from sikom import testing
from sikom.offers.models import Offer

pytestmark = pytest.mark.django_db


def titles(response):
    return [offer.title for offer in response.context["offers"]]


def test_list_shows_every_published_offer(client):
    response = client.get(reverse("offers:list"))
    assert len(titles(response)) == Offer.objects.filter(is_published=True).count() == 19


def test_full_text_search_folds_umlauts_and_case(client):
    found = titles(client.get(reverse("offers:list"), {"q": "GEFAHRENANALYSE"}))
    assert any("ZASTEX" in title for title in found)
    assert titles(client.get(reverse("offers:list"), {"q": "burgerbefragung"})) == []
    assert titles(client.get(reverse("offers:list"), {"q": "bürgerbefragung"}))
    assert titles(client.get(reverse("offers:list"), {"q": "Hass Internet"}))


def test_filters_by_situation_audience_and_provider(client):
    online = titles(client.get(reverse("offers:list"), {"situation": "online_hate"}))
    assert any("ZMI" in title for title in online)
    assert all("Förderrichtlinie" not in title for title in online)
    citizens = titles(client.get(reverse("offers:list"), {"audience": "citizen"}))
    assert citizens and all(
        "citizen" in offer.audiences for offer in Offer.objects.filter(title__in=citizens).prefetch_related("tags")
    )
    lka = titles(client.get(reverse("offers:list"), {"provider": "Landeskriminalamt Sachsen"}))
    assert lka and len(lka) < 19


@pytest.mark.parametrize(
    "params", [{"situation": "hacking"}, {"audience": "<script>"}, {"provider": "Erfunden"}, {"q": "x" * 500}]
)
def test_forged_filters_give_a_german_message_not_an_error(client, params):
    response = client.get(reverse("offers:list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben." in html
    assert "<script>" not in html.split("<main", 1)[1].replace('<script src="', "")


def test_htmx_request_gets_only_the_results(client):
    response = client.get(reverse("offers:list"), {"situation": "funding"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="ergebnisse"') and "<html" not in html


def test_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get(reverse("offers:list"))
    for number in range(10):
        testing.make_offer(title=f"Weiteres Angebot {number}")
    with django_assert_max_num_queries(4):
        client.get(reverse("offers:list"))


def test_detail_shows_contacts_exactly_as_published(client):
    html = client.get(reverse("offers:detail", args=["zastex"])).content.decode()
    assert "+49 351 855-2223" in html and 'href="tel:+493518552223"' in html
    assert "mailto:zastex.lka@polizei.sachsen.de" in html


def test_unpublished_offer_is_hidden_from_the_public(client, asskomm):
    offer = testing.make_offer(is_published=False, title="Entwurf")
    assert client.get(reverse("offers:detail", args=[offer.slug])).status_code == 404
    assert "Entwurf" not in titles(client.get(reverse("offers:list")))
    testing.login(client, asskomm)
    assert client.get(reverse("offers:detail", args=[offer.slug])).status_code == 200


def test_unknown_offer_is_404(client):
    assert client.get(reverse("offers:detail", args=["gibt-es-nicht"])).status_code == 404
