"""Each rule on its own, at its boundaries: present fires, absent and unknown do not."""

import pytest

from sikom.assessments import rules
from sikom.assessments.instrument import CONTEXT_FACTORS, ITEMS, WARNING_CODES
from sikom.assessments.rules import AGGRAVATING_FACTORS, suggest_level
from sikom.assessments.tests.helpers import answers

OTHER_CONTEXT = [item.code for item in CONTEXT_FACTORS if item.code not in AGGRAVATING_FACTORS]


def test_the_rules_are_r1_to_r6_written_down_in_the_module_doc():
    assert [rule.code for rule in rules.RULES] == ["R1", "R2", "R3", "R4", "R5", "R6"]
    for rule in rules.RULES:
        assert f"{rule.code}  " in rules.__doc__
        assert "⇒" in str(rule.description)
    assert "senken den Vorschlag aber nie" in rules.__doc__ and "never lower" in rules.__doc__


# R6: nothing present


def test_r6_nothing_present_is_low():
    suggestion = suggest_level(answers())
    assert (suggestion.level, suggestion.rules_fired) == (1, ["R6"])
    assert suggestion.reasons[0].startswith("R6:")


def test_r6_everything_unknown_is_low_but_every_item_is_an_open_question():
    data = answers("unknown")
    assert suggest_level(data).rules_fired == ["R6"] and suggest_level(data).level == 1
    assert [item.code for item in rules.open_questions(data)] == list(ITEMS)


def test_r6_does_not_fire_when_another_rule_does():
    assert "R6" not in suggest_level(answers(enemy_list="present")).rules_fired


# R1: any warning behaviour ⇒ at least high


@pytest.mark.parametrize("code", WARNING_CODES)
def test_r1_any_warning_behaviour_is_at_least_high(code):
    suggestion = suggest_level(answers(**{code: "present"}))
    assert "R1" in suggestion.rules_fired and suggestion.level >= 3
    assert str(ITEMS[code].label) in suggestion.reasons[0]


@pytest.mark.parametrize("value", ["absent", "unknown"])
def test_r1_absent_or_unknown_warning_behaviour_does_not_count(value):
    suggestion = suggest_level(answers(**dict.fromkeys(WARNING_CODES, value)))
    assert (suggestion.level, suggestion.rules_fired) == (1, ["R6"])


def test_r1_alone_is_exactly_high():
    suggestion = suggest_level(answers(fixation="present", leakage="present"))
    assert (suggestion.level, suggestion.rules_fired) == (3, ["R1"])
    assert "Fixierung" in suggestion.reasons[0] and "Leakage" in suggestion.reasons[0]


# R2: pathway, energy burst or last resort ⇒ acute


@pytest.mark.parametrize("code", ["pathway", "energy_burst", "last_resort"])
def test_r2_acute_warning_behaviours(code):
    suggestion = suggest_level(answers(**{code: "present"}))
    assert (suggestion.level, suggestion.rules_fired) == (4, ["R1", "R2"])


@pytest.mark.parametrize("code", sorted(set(WARNING_CODES) - {"pathway", "energy_burst", "last_resort"}))
def test_r2_other_warning_behaviours_are_not_acute_on_their_own(code):
    assert "R2" not in suggest_level(answers(**{code: "present"})).rules_fired


def test_r2_unknown_pathway_is_not_acute():
    suggestion = suggest_level(answers(pathway="unknown", fixation="present"))
    assert (suggestion.level, suggestion.rules_fired) == (3, ["R1"])
    assert ITEMS["pathway"] in rules.open_questions(answers(pathway="unknown"))


# R3: directly communicated threat with a concrete time or place ⇒ acute


def test_r3_threat_with_time_or_place_is_acute():
    suggestion = suggest_level(answers(directly_communicated_threat="present", concrete_time_or_place="present"))
    assert (suggestion.level, suggestion.rules_fired) == (4, ["R1", "R3"])


def test_r3_threat_without_time_or_place_is_high():
    for value in ("absent", "unknown"):
        suggestion = suggest_level(answers(directly_communicated_threat="present", concrete_time_or_place=value))
        assert (suggestion.level, suggestion.rules_fired) == (3, ["R1"])


def test_r3_time_or_place_without_a_direct_threat_is_not_acute():
    for value in ("absent", "unknown"):
        suggestion = suggest_level(answers(directly_communicated_threat=value, concrete_time_or_place="present"))
        assert (suggestion.level, suggestion.rules_fired) == (1, ["R6"])


# R4: one aggravating context factor ⇒ at least medium


@pytest.mark.parametrize("code", AGGRAVATING_FACTORS)
def test_r4_one_aggravating_factor_is_medium(code):
    suggestion = suggest_level(answers(**{code: "present"}))
    assert (suggestion.level, suggestion.rules_fired) == (2, ["R4"])


@pytest.mark.parametrize("code", AGGRAVATING_FACTORS)
def test_r4_unknown_aggravating_factor_does_not_count(code):
    assert suggest_level(answers(**{code: "unknown"})).level == 1


@pytest.mark.parametrize("code", OTHER_CONTEXT)
def test_r4_other_context_factors_alone_do_not_raise_the_level(code):
    assert suggest_level(answers(**{code: "present"})).rules_fired == ["R6"]


def test_r4_lists_exactly_the_six_factors_of_the_issue():
    assert set(AGGRAVATING_FACTORS) == {
        "private_address_known",
        "enemy_list",
        "relatives_targeted",
        "escalation_over_time",
        "earlier_violence",
        "weapons_access_mentioned",
    }


# R5: two aggravating factors, or extremist ties with the private address ⇒ at least high


def test_r5_two_aggravating_factors_are_high():
    suggestion = suggest_level(answers(enemy_list="present", earlier_violence="present"))
    assert (suggestion.level, suggestion.rules_fired) == (3, ["R4", "R5"])
    assert "»Feindesliste«" in suggestion.reasons[1] and "Frühere Gewalt" in suggestion.reasons[1]


def test_r5_one_factor_and_one_unknown_stays_medium():
    suggestion = suggest_level(answers(enemy_list="present", earlier_violence="unknown"))
    assert (suggestion.level, suggestion.rules_fired) == (2, ["R4"])


def test_r5_extremist_ties_with_private_address_are_high():
    suggestion = suggest_level(answers(extremist_ties="present", private_address_known="present"))
    assert (suggestion.level, suggestion.rules_fired) == (3, ["R4", "R5"])


def test_r5_extremist_ties_alone_or_with_unknown_address_stay_low():
    assert suggest_level(answers(extremist_ties="present")).level == 1
    assert suggest_level(answers(extremist_ties="present", private_address_known="unknown")).level == 1


def test_r5_extremist_ties_with_another_single_factor_stay_medium():
    suggestion = suggest_level(answers(extremist_ties="present", enemy_list="present"))
    assert (suggestion.level, suggestion.rules_fired) == (2, ["R4"])


# Together


def test_the_highest_level_wins_and_every_applying_rule_is_named():
    suggestion = suggest_level(
        answers(pathway="present", enemy_list="present", relatives_targeted="present", support_network="present")
    )
    assert suggestion.level == 4 and suggestion.rules_fired == ["R1", "R2", "R4", "R5"]
    assert [reason.split(":")[0] for reason in suggestion.reasons] == suggestion.rules_fired


def test_protective_factors_never_lower_the_suggestion():
    protective = {"measures_in_place": "present", "address_block": "present", "support_network": "present"}
    assert suggest_level(answers(pathway="present", **protective)).level == 4
    assert suggest_level(answers(enemy_list="present", earlier_violence="present", **protective)).level == 3
    assert suggest_level(answers(**protective)).level == 1
    assert [item.code for item in rules.protective_factors_present(answers(**protective))] == list(protective)


def test_missing_items_and_bare_values_are_understood():
    assert suggest_level({"pathway": "present"}).level == 4
    assert suggest_level({"pathway": {"value": "maybe"}}).level == 1
    assert len(rules.open_questions({})) == len(ITEMS)
