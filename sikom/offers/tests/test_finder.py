import pytest
from django.urls import reverse

from sikom import testing
from sikom.geo.models import District
from sikom.offers import finder, selectors
from sikom.offers.models import Offer

pytestmark = pytest.mark.django_db


def answers(audience="official", situations=("threat",), acute=False, district_key=None):
    district = District.objects.get(key=district_key) if district_key else None
    return finder.Answers(audience=audience, situations=tuple(situations), acute=acute, district=district)


def recommend(choice, user=None):
    from django.contrib.auth.models import AnonymousUser

    return finder.recommend(
        selectors.offers_visible_to(user or AnonymousUser()), choice, finder.regional_contacts(choice.district)
    )


# The written ranking rules -------------------------------------------------------------------------------------


def test_offers_not_meant_for_the_asker_are_left_out():
    for rec in recommend(answers(audience="citizen", situations=("threat", "funding"))):
        assert "citizen" in rec.offer.audiences


def test_each_named_situation_adds_ten_points():
    only_threat = testing.make_offer(title="A", situations=["threat"])
    both = testing.make_offer(title="B", situations=["threat", "insult"])
    by_offer = {rec.offer.pk: rec.score for rec in recommend(answers(situations=("threat", "insult")))}
    assert by_offer[only_threat.pk] == 10 and by_offer[both.pk] == 20


def test_acute_danger_puts_acute_offers_first_with_the_reason():
    recs = recommend(answers(situations=("funding",), acute=True))
    assert recs[0].offer.helps_in_acute_danger
    assert "weil Sie akute Gefahr angegeben haben" in recs[0].reasons
    acute_slugs = {rec.offer.slug for rec in recs if rec.offer.helps_in_acute_danger}
    assert {"zastex", "polizei-kontakt"} <= acute_slugs


def test_offers_matching_nothing_named_are_left_out():
    slugs = {rec.offer.slug for rec in recommend(answers(situations=("funding",)))}
    assert "foerderrichtlinie-kommunale-praevention" in slugs
    assert "zmi" not in slugs and "zastex" not in slugs


def test_reasons_name_the_answers_given():
    rec = next(r for r in recommend(answers(situations=("online_hate", "insult"))) if r.offer.slug == "zmi")
    assert "weil Sie »Beleidigung oder Verleumdung« und »Hass im Netz« angegeben haben" in rec.reasons or (
        "weil Sie »Hass im Netz« und »Beleidigung oder Verleumdung« angegeben haben" in rec.reasons
    )


def test_regional_offers_resolve_the_office_of_the_district():
    recs = recommend(answers(situations=("threat", "extremist_event"), district_key="14626"))
    police = next(r for r in recs if r.offer.slug == "polizei-kontakt")
    assert police.regional_office.name == "Polizeidirektion Görlitz"
    network = next(r for r in recs if r.offer.slug == "expertennetzwerk-rechtsextremismus")
    assert network.regional_office.name == "Expertennetzwerk – Regionale Koordination Landkreis Görlitz"


def test_without_district_regional_offers_have_no_office():
    police = next(r for r in recommend(answers()) if r.offer.slug == "polizei-kontakt")
    assert police.regional_office is None


def test_statewide_contacts_are_the_programmes_offices():
    names = [org.name for org in finder.regional_contacts(None).statewide]
    assert names[0].startswith("ZASTEX") and names[1].startswith("ZMI")
    assert any(name.startswith("ZORA") for name in names)
    assert any("Landesdirektion" in name for name in names)


def test_unpublished_offers_are_never_recommended():
    offer = Offer.objects.get(slug="zastex")
    Offer.objects.filter(pk=offer.pk).update(is_published=False)
    assert "zastex" not in {rec.offer.slug for rec in recommend(answers())}


# The pages ------------------------------------------------------------------------------------------------------

BASE = {"fuer": "official", "anliegen": ["threat", "private_sphere"], "akut": "nein"}


def test_each_step_keeps_the_earlier_answers(client):
    html = client.get(reverse("offers:finder_situation"), {"fuer": "official"}).content.decode()
    assert 'name="fuer" value="official"' in html and "Frage 2 von 4" in html
    html = client.get(reverse("offers:finder_danger"), {"fuer": "official", "anliegen": ["threat"]}).content.decode()
    assert 'name="anliegen" value="threat"' in html and "Frage 3 von 4" in html


def test_going_back_shows_the_previous_answer_selected(client):
    html = client.get(reverse("offers:finder_situation"), {"fuer": "official", "anliegen": ["insult"]}).content.decode()
    assert 'value="insult" id="id_anliegen_1" class="kern-form-check__checkbox" checked' in html
    assert 'value="threat" id="id_anliegen_0" class="kern-form-check__checkbox">' in html


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("offers:finder_situation", {}, "Bitte wählen Sie aus, wer Sie sind."),
        ("offers:finder_situation", {"fuer": "spion"}, "Bitte wählen Sie eine der angebotenen Antworten aus."),
        ("offers:finder_danger", {"fuer": "official"}, "Bitte wählen Sie mindestens eine Antwort aus."),
        ("offers:finder_danger", {"fuer": "official", "anliegen": "drop table"}, "Bitte wählen Sie nur aus"),
        ("offers:finder_place", {"fuer": "official", "anliegen": "threat"}, "Bitte beantworten Sie, ob akute Gefahr"),
        ("offers:finder_result", {"fuer": "official", "anliegen": "threat", "akut": "vielleicht"}, "»Ja« oder »Nein«"),
    ],
)
def test_missing_or_forged_answers_give_a_german_message(client, url, params, message):
    response = client.get(reverse(url), params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_exact_municipality_leads_to_the_result_with_only_the_district_in_the_address(client):
    response = client.post(reverse("offers:finder_place"), {**BASE, "gemeinde": "Pirna"})
    location = response["Location"]
    assert location.startswith(reverse("offers:finder_result")) and "kreis=14628" in location
    assert "Pirna" not in location and "14628270" not in location


def test_typo_shows_candidates_to_choose_from(client):
    html = client.post(reverse("offers:finder_place"), {**BASE, "gemeinde": "Pirma"}).content.decode()
    assert "Welche Gemeinde meinen Sie?" in html and 'value="14628270"' in html


def test_choosing_a_candidate_leads_to_the_result(client):
    response = client.post(reverse("offers:finder_place"), {**BASE, "gemeinde_ags": "14626110"})
    assert "kreis=14626" in response["Location"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"gemeinde": "Atlantis"}, "keine sächsische Gemeinde mit diesem Namen"),
        ({"gemeinde": ""}, "Bitte geben Sie Ihre Gemeinde ein"),
        ({"gemeinde_ags": "09162000"}, "Diese Gemeinde gibt es nicht"),
        ({"gemeinde_ags": "14999999"}, "Diese Gemeinde gibt es nicht"),
        ({"gemeinde": "x" * 101}, "höchstens 100 Zeichen"),
    ],
)
def test_unknown_municipality_is_explained(client, data, message):
    response = client.post(reverse("offers:finder_place"), {**BASE, **data})
    assert response.status_code == 200 and message in response.content.decode()


def test_continuing_without_a_place(client):
    response = client.post(reverse("offers:finder_place"), {**BASE, "ohne_ort": "true"})
    assert "kreis" not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "Ohne Ortsangabe können wir" in html


def test_suggestions_fragment_lists_matches(client):
    html = client.get(reverse("offers:finder_municipalities"), {"gemeinde": "Bautz"}).content.decode()
    assert "Bautzen / Budyšin" in html and 'name="gemeinde_ags"' in html and "<html" not in html


def test_result_lists_offers_with_reasons_and_regional_contacts(client):
    html = client.get(reverse("offers:finder_result"), {**BASE, "kreis": "14628"}).content.decode()
    assert "weil Sie »Bedrohung« und »Aufsuchen der Privatsphäre« angegeben haben" in html
    assert "Polizeidirektion Dresden" in html
    assert "Expertennetzwerk – Regionale Koordination Landkreis Sächsische Schweiz-Osterzgebirge" in html
    assert "expertennetzwerk@lds.sachsen.de" in html
    assert "Akute Gefahr? Rufen Sie sofort die Polizei: 110" not in html


def test_acute_danger_shows_110_before_anything_else(client):
    html = client.get(reverse("offers:finder_result"), {**BASE, "akut": "ja", "kreis": "14628"}).content.decode()
    main = html.split('<main id="inhalt"', 1)[1]
    assert main.index("Rufen Sie sofort die Polizei: 110") < main.index("<h1")
    html = client.get(reverse("offers:finder_place"), {**BASE, "akut": "ja"}).content.decode()
    assert "Rufen Sie sofort die Polizei: 110" in html


def test_forged_district_sends_back_to_the_place_question(client):
    response = client.get(reverse("offers:finder_result"), {**BASE, "kreis": "99999"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("offers:finder_place"))
    html = client.get(response["Location"]).content.decode()
    assert "Die Ortsangabe in der Adresse ist ungültig." in html


def test_result_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(reverse("offers:finder_result"), {**BASE, "kreis": "14628"})
