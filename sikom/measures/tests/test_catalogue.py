import pytest

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.cases.services import set_risk_level
from sikom.measures import catalogue, selectors
from sikom.measures.catalogue import CATALOGUE, MeasureKind, Responsible, recommendations
from sikom.measures.models import CaseMeasure

K = MeasureKind
LEVEL_1 = [K.POLICE_CONTACT, K.BEHAVIOUR_ADVICE, K.CRIMINAL_COMPLAINT, K.VICTIM_COUNSELLING, K.ASSKOMM_ADVICE]


def recommended_for(level, *, extremist_motive=False) -> list[str]:
    return [recommendation.kind for recommendation in recommendations(level, extremist_motive=extremist_motive)]


def test_every_kind_has_one_catalogue_entry_with_a_description():
    assert list(CATALOGUE) == MeasureKind.values
    for code, entry in CATALOGUE.items():
        assert entry.kind == code and len(str(entry.description)) > 30


def test_level_1_recommends_contact_advice_complaint_counselling_and_asskomm():
    assert recommended_for(1) == [
        K.POLICE_CONTACT,
        K.BEHAVIOUR_ADVICE,
        K.CRIMINAL_COMPLAINT,
        K.VICTIM_COUNSELLING,
        K.ASSKOMM_ADVICE,
    ]


def test_level_2_adds_local_awareness_and_address_block():
    assert set(recommended_for(2)) == {*LEVEL_1, K.LOCAL_AWARENESS, K.ADDRESS_BLOCK}


def test_level_3_adds_targeted_police_measures_and_patrols():
    assert set(recommended_for(3)) == {
        *LEVEL_1,
        K.LOCAL_AWARENESS,
        K.ADDRESS_BLOCK,
        K.TARGETED_POLICE_MEASURES,
        K.PATROLS,
    }


def test_level_4_adds_person_and_property_protection_by_the_lka():
    assert set(recommended_for(4)) == set(MeasureKind.values) - {K.EXPERT_NETWORK}
    assert K.PERSON_PROTECTION not in recommended_for(3) and K.PROPERTY_PROTECTION not in recommended_for(3)


def test_recommendations_keep_catalogue_order():
    assert recommended_for(4) == [code for code in MeasureKind.values if code != K.EXPERT_NETWORK]


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_expert_network_is_recommended_only_for_an_extremist_motive(level):
    assert K.EXPERT_NETWORK not in recommended_for(level)
    assert K.EXPERT_NETWORK in recommended_for(level, extremist_motive=True)


@pytest.mark.parametrize("level", [0, 5, "3"])
def test_an_unknown_level_is_an_error(level):
    with pytest.raises(ValueError):
        recommended_for(level)


def test_each_recommendation_names_the_rule_that_first_recommends_it():
    reasons = {r.kind: r.rule for r in catalogue.recommendations(4, extremist_motive=True)}
    assert reasons[K.POLICE_CONTACT].min_level == 1
    assert reasons[K.ADDRESS_BLOCK].min_level == 2
    assert reasons[K.PATROLS].min_level == 3
    assert reasons[K.PERSON_PROTECTION].min_level == 4
    assert reasons[K.EXPERT_NETWORK] is catalogue.EXTREMIST_RULE
    assert "Gefährdungsstufe 4" in str(reasons[K.PERSON_PROTECTION].text)


def test_without_a_risk_level_only_the_motive_rule_applies():
    assert catalogue.recommendations(None) == []
    assert [r.kind for r in catalogue.recommendations(None, extremist_motive=True)] == [K.EXPERT_NETWORK]


def test_default_responsibles_follow_the_programme():
    responsible = {code: entry.responsible for code, entry in CATALOGUE.items()}
    police = [K.POLICE_CONTACT, K.BEHAVIOUR_ADVICE, K.TARGETED_POLICE_MEASURES, K.LOCAL_AWARENESS, K.PATROLS]
    assert all(responsible[code] == Responsible.POLICE_DIRECTORATE for code in police)
    assert responsible[K.CRIMINAL_COMPLAINT] == Responsible.POLICE_DIRECTORATE
    assert responsible[K.PERSON_PROTECTION] == responsible[K.PROPERTY_PROTECTION] == Responsible.LKA_PROTECTION
    assert responsible[K.ASSKOMM_ADVICE] == Responsible.ASSKOMM
    assert responsible[K.EXPERT_NETWORK] == Responsible.EXPERT_NETWORK
    assert responsible[K.ADDRESS_BLOCK] == responsible[K.VICTIM_COUNSELLING] == Responsible.LEAD


def test_address_block_is_described_as_the_law_says_without_procedure():
    text = str(CATALOGUE[K.ADDRESS_BLOCK].description)
    assert "Meldebehörde" in text and "§ 51 Bundesmeldegesetz" in text and "Gefahr" in text
    assert "Antrag" not in text and "Frist" not in text


# Resolved for a case ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_defaults_resolve_to_the_municipalitys_directorate_and_the_districts_coordination(case):
    defaults = selectors.default_responsibles(case)
    assert defaults[K.PATROLS].name == "Polizeidirektion Dresden"
    assert defaults[K.CRIMINAL_COMPLAINT] == case.lead
    assert defaults[K.EXPERT_NETWORK] == testing.expert_network_of("14628")
    assert defaults[K.PERSON_PROTECTION].type == OrganisationType.LKA_PROTECTION
    assert defaults[K.ASSKOMM_ADVICE].type == OrganisationType.ASSKOMM
    assert defaults[K.VICTIM_COUNSELLING] == case.lead


@pytest.mark.django_db
def test_responsible_choices_are_the_regional_and_statewide_agencies_and_those_on_the_case(case):
    choices = selectors.responsible_choices(case)
    types = [organisation.type for organisation in choices]
    assert types[:2] == [OrganisationType.POLICE_DIRECTORATE, OrganisationType.EXPERT_NETWORK]
    assert set(types) == {
        OrganisationType.POLICE_DIRECTORATE,
        OrganisationType.EXPERT_NETWORK,
        OrganisationType.LKA_PROTECTION,
        OrganisationType.ASSKOMM,
        OrganisationType.ZASTEX,
        OrganisationType.ZMI,
        OrganisationType.ZORA,
    }
    assert len({organisation.pk for organisation in choices}) == len(choices)
    assert case.lead in choices
    assert not any(organisation.type == OrganisationType.MUNICIPALITY for organisation in choices)


@pytest.mark.django_db
def test_case_recommendations_follow_the_current_level_and_leave_out_planned_measures(case, pd_dresden):
    set_risk_level(case=case, level=1, by=pd_dresden)
    case.refresh_from_db()
    assert [r.kind for r in selectors.recommendations_for(case)] == recommended_for(1)
    CaseMeasure.objects.create(case=case, kind=K.CRIMINAL_COMPLAINT, responsible=case.lead)
    assert K.CRIMINAL_COMPLAINT not in [r.kind for r in selectors.recommendations_for(case)]
    set_risk_level(case=case, level=4, by=pd_dresden)
    case.refresh_from_db()
    assert K.PERSON_PROTECTION in [r.kind for r in selectors.recommendations_for(case)]


@pytest.mark.django_db
def test_an_extremist_motive_in_the_report_recommends_the_expert_network():
    case = testing.make_case(motives=("right_wing",))
    assert K.EXPERT_NETWORK in [r.kind for r in selectors.recommendations_for(case)]
    other = testing.make_case(motives=("none",))
    assert K.EXPERT_NETWORK not in [r.kind for r in selectors.recommendations_for(other)]
