from sikom.assessments import instrument
from sikom.assessments.instrument import CONTEXT_FACTORS, GROUPS, ITEMS, PROTECTIVE_FACTORS, WARNING_BEHAVIOURS


def test_version_and_source_are_stated():
    assert instrument.INSTRUMENT_VERSION == "2026-1"
    assert "Meloy, J. R., Hoffmann, J., Guldimann, A., & James, D. (2012)" in instrument.__doc__
    assert "Behavioral Sciences & the Law, 30(3), 256–279" in instrument.__doc__


def test_the_eight_warning_behaviours_of_meloy_et_al():
    assert [item.code for item in WARNING_BEHAVIOURS] == [
        "pathway",
        "fixation",
        "identification",
        "novel_aggression",
        "energy_burst",
        "leakage",
        "last_resort",
        "directly_communicated_threat",
    ]


def test_context_and_protective_factors_of_the_issue():
    assert [item.code for item in CONTEXT_FACTORS] == [
        "perpetrator_identified",
        "earlier_violence",
        "weapons_access_mentioned",
        "extremist_ties",
        "private_address_known",
        "concrete_time_or_place",
        "escalation_over_time",
        "campaign_several_senders",
        "relatives_targeted",
        "enemy_list",
    ]
    assert [item.code for item in PROTECTIVE_FACTORS] == ["measures_in_place", "address_block", "support_network"]
    assert "§ 51 BMG" in str(ITEMS["address_block"].label)


def test_codes_are_unique_and_every_item_is_explained_in_one_sentence():
    codes = [item.code for group in GROUPS for item in group.items]
    assert len(codes) == len(set(codes)) == len(ITEMS) == 21
    for item in ITEMS.values():
        assert item.code.isascii() and item.code == item.code.lower()
        assert str(item.label) and str(item.explanation).endswith(".")
        assert str(item.explanation).count(". ") == 0, item.code


def test_pathway_is_explained_in_plain_words():
    assert "Erkunden, Planen, Beschaffen, Annähern an die Person" in str(ITEMS["pathway"].explanation)
