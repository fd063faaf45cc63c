import pytest

from sikom.geo.normalize import search_form
from sikom.geo.selectors import district_by_key, search_municipalities

pytestmark = pytest.mark.django_db


def names(query):
    return [match.municipality.display_name for match in search_municipalities(query)]


def test_search_form_folds_case_umlauts_and_accents():
    assert search_form("Görlitz") == "goerlitz"
    assert search_form("Bautzen / Budyšin") == "bautzen budysin"
    assert search_form("  Großenhain ") == "grossenhain"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Pirna", "Pirna"),
        ("pirna", "Pirna"),
        ("Pirma", "Pirna"),
        ("Goerlitz", "Görlitz"),
        ("Görliz", "Görlitz"),
        ("Dresdn", "Dresden"),
        ("Budysin", "Bautzen / Budyšin"),
        ("Chemniz", "Chemnitz"),
        ("Leipzig", "Leipzig"),
        ("Annaberg", "Annaberg-Buchholz"),
    ],
)
def test_finds_municipality_despite_typos(query, expected):
    assert names(query)[0] == expected


def test_exact_match_scores_full_and_comes_first():
    matches = search_municipalities("Freital")
    assert matches[0].municipality.display_name == "Freital" and matches[0].score == 1.0


def test_nothing_for_nonsense_or_too_short_input():
    assert names("xqzwv") == []
    assert names("a") == []
    assert names("") == []


def test_search_answers_with_few_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        search_municipalities("Bautzen")


def test_district_by_key_rejects_forged_keys():
    assert district_by_key("14628").short_name == "Sächsische Schweiz-Osterzgebirge"
    for bad in ["", "99999", "1462", "14628' OR 1=1", "abcde"]:
        assert district_by_key(bad) is None
