import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.cases.models import CaseShare
from sikom.cases.services import set_risk_level
from sikom.core.models import AuditEvent
from sikom.intake.tests import flows
from sikom.measures import selectors
from sikom.measures.catalogue import MeasureKind as K
from sikom.measures.models import CaseMeasure, MeasureStatus
from sikom.measures.services import plan_measure, update_measure

pytestmark = pytest.mark.django_db


def list_url(case):
    return reverse("measures:list", args=[case.number])


def detail_url(measure):
    return reverse("measures:detail", args=[measure.case.number, measure.pk])


def plan_data(case, kind=K.PATROLS, responsible=None, **extra):
    return {"kind": kind, "responsible": str((responsible or case.lead).pk), "starts_on": "", "notes": ""} | extra


def edit_data(measure, **extra):
    return {
        "status": measure.status,
        "starts_on": measure.starts_on.isoformat() if measure.starts_on else "",
        "ends_on": measure.ends_on.isoformat() if measure.ends_on else "",
        "notes": measure.notes,
        "version": str(measure.version),
    } | extra


@pytest.fixture
def measure(case, pd_dresden):
    return plan_measure(case=case, kind=K.PATROLS, responsible=case.lead, by=pd_dresden)


# Access -----------------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client, case, measure):
    for url in [list_url(case), detail_url(measure)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["zmi", "asskomm", "expert_network", "municipality_user", "operator"])
def test_other_agencies_get_404_and_change_nothing(client, case, measure, persona, request):
    testing.login(client, request.getfixturevalue(persona))
    assert client.get(list_url(case)).status_code == 404
    assert client.get(detail_url(measure)).status_code == 404
    assert client.post(list_url(case), plan_data(case, kind=K.POLICE_CONTACT)).status_code == 404
    assert client.post(detail_url(measure), edit_data(measure, status="active")).status_code == 404
    assert client.get(reverse("measures:responsible", args=[case.number])).status_code == 404
    assert CaseMeasure.objects.count() == 1 and CaseMeasure.objects.get().status == MeasureStatus.PLANNED


def test_staff_without_second_factor_is_asked_for_it(client, case, pd_dresden):
    testing.login(client, pd_dresden, verified=False)
    response = client.get(list_url(case))
    assert response.status_code == 302 and reverse("accounts:two_factor_verify") in response.url


def test_a_measure_of_another_case_is_not_found(client, case, measure, pd_dresden):
    other = testing.make_case()
    testing.login(client, pd_dresden)
    assert client.get(reverse("measures:detail", args=[other.number, measure.pk])).status_code == 404


# The measures page -----------------------------------------------------------------------------------------------


def test_page_shows_measures_recommendations_with_their_rule_and_the_form(client, case, measure, pd_dresden):
    testing.login(client, pd_dresden)
    response = client.get(list_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lageabhängige Streifen" in html and "geplant" in html and "Polizeidirektion Dresden" in html
    # Level 3 (provisional, private sphere): the level 3 measures are recommended, with the rule; LKA protection not.
    assert "Absprache gezielter polizeilicher Maßnahmen" in html and "Ab Gefährdungsstufe 3 (hoch)" in html
    assert f'href="?art={K.TARGETED_POLICE_MEASURES}#planen"' in html
    assert f'href="?art={K.PERSON_PROTECTION}#planen"' not in html
    assert f'href="?art={K.PATROLS}#planen"' not in html  # planned already
    assert 'optgroup label="Empfohlen"' in html
    assert reverse("casefile:detail", args=[case.number]) in html
    assert AuditEvent.objects.filter(action="case.measures_viewed", actor=pd_dresden).exists()


def test_recommended_measures_come_first_with_their_default_agency_preselected(client, case, pd_dresden):
    testing.login(client, pd_dresden)
    form = client.get(list_url(case)).context["form"]
    kinds = [code for _, group in form.fields["kind"].choices for code, _ in group]
    assert kinds[: len(selectors.recommendations_for(case))] == [r.kind for r in selectors.recommendations_for(case)]
    assert form.initial == {"kind": K.POLICE_CONTACT, "responsible": case.lead.pk}
    form = client.get(list_url(case), {"art": K.ASSKOMM_ADVICE}).context["form"]
    asskomm = testing.organisation_of(OrganisationType.ASSKOMM)
    assert form.initial == {"kind": K.ASSKOMM_ADVICE, "responsible": asskomm.pk}


def test_choosing_a_measure_preselects_its_agency(client, case, pd_dresden, lka):
    testing.login(client, pd_dresden)
    response = client.get(reverse("measures:responsible", args=[case.number]), {"kind": K.PERSON_PROTECTION})
    assert f'<option value="{lka.pk}" selected>' in response.content.decode()


def test_lead_plans_a_measure(client, case, pd_dresden):
    testing.login(client, pd_dresden)
    response = client.post(list_url(case), plan_data(case, starts_on="01.12.2026", notes="Mit Frau B. abgestimmt."))
    assert response.status_code == 302 and response.url == list_url(case)
    measure = CaseMeasure.objects.get()
    assert measure.kind == K.PATROLS and measure.starts_on.isoformat() == "2026-12-01"
    assert measure.notes == "Mit Frau B. abgestimmt."
    assert "ist geplant" in client.get(list_url(case)).content.decode()


def test_lead_assigns_lka_protection_and_the_case_is_shared(client, case, pd_dresden, lka):
    testing.login(client, pd_dresden)
    client.post(list_url(case), plan_data(case, kind=K.PROPERTY_PROTECTION, responsible=lka))
    assert CaseMeasure.objects.get().responsible == lka
    assert CaseShare.objects.filter(case=case, organisation=lka).exists()


def test_shared_agency_plans_a_measure_for_an_agency_already_on_the_case(client, case, zastex):
    testing.login(client, zastex)
    response = client.post(list_url(case), plan_data(case, kind=K.BEHAVIOUR_ADVICE))
    assert response.status_code == 302
    assert CaseMeasure.objects.get().responsible == case.lead


def test_shared_agency_is_told_at_the_field_that_only_the_lead_brings_in_an_agency(client, case, zastex, lka):
    testing.login(client, zastex)
    response = client.post(list_url(case), plan_data(case, kind=K.PERSON_PROTECTION, responsible=lka))
    assert response.status_code == 400
    assert "Nur die federführende Stelle" in " ".join(response.context["form"].errors["responsible"])
    assert not CaseMeasure.objects.exists() and not CaseShare.objects.filter(organisation=lka).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": ""}, "kind", "Bitte wählen Sie einen Eintrag aus."),
        ({"kind": "helicopter"}, "kind", "Diese Auswahl gibt es nicht."),
        ({"responsible": "999999"}, "responsible", "Diese Auswahl gibt es nicht."),
        ({"responsible": "abc"}, "responsible", "Diese Auswahl gibt es nicht."),
        ({"starts_on": "31.02.2026"}, "starts_on", "gültiges Datum"),
        ({"notes": "x" * 5001}, "notes", "höchstens 5000 Zeichen"),
    ],
)
def test_bad_input_is_answered_at_the_field_and_saves_nothing(client, case, pd_dresden, data, field, message):
    testing.login(client, pd_dresden)
    response = client.post(list_url(case), plan_data(case) | data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert "Bitte prüfen Sie Ihre Angaben." in response.content.decode()
    assert not CaseMeasure.objects.exists()


def test_a_municipality_forged_into_the_form_is_refused(client, case, pd_dresden):
    testing.login(client, pd_dresden)
    response = client.post(list_url(case), plan_data(case, responsible=testing.municipality_organisation()))
    assert response.status_code == 400 and "responsible" in response.context["form"].errors


def test_planning_the_same_measure_twice_is_answered_at_the_kind(client, case, measure, pd_dresden):
    testing.login(client, pd_dresden)
    response = client.post(list_url(case), plan_data(case))
    assert response.status_code == 400 and "schon geplant" in response.context["form"].errors["kind"][0]


def test_list_page_queries_do_not_grow_with_the_measures(client, case, pd_dresden, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    testing.login(client, pd_dresden)
    plan_measure(case=case, kind=K.PATROLS, responsible=case.lead, by=pd_dresden)
    with CaptureQueriesContext(connection) as one:
        client.get(list_url(case))
    for kind in [K.POLICE_CONTACT, K.BEHAVIOUR_ADVICE, K.LOCAL_AWARENESS, K.CRIMINAL_COMPLAINT]:
        plan_measure(case=case, kind=kind, responsible=case.lead, by=pd_dresden)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(list_url(case))


# The measure page ------------------------------------------------------------------------------------------------


def test_lead_sets_a_measure_active_and_the_history_shows_it(client, measure, pd_dresden):
    testing.login(client, pd_dresden)
    page = client.get(detail_url(measure))
    assert [value for value, _ in page.context["form"].fields["status"].widget.choices] == [
        "planned",
        "active",
        "ended",
    ]
    response = client.post(detail_url(measure), edit_data(measure, status="active", notes="Ab heute jeden Abend."))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ACTIVE and measure.starts_on == timezone.localdate()
    html = client.get(detail_url(measure)).content.decode()
    assert "läuft" in html and "Ab heute jeden Abend." in html and "geändert" in html
    assert [value for value, _ in client.get(detail_url(measure)).context["form"].fields["status"].widget.choices] == [
        "active",
        "ended",
    ]


def test_an_edit_on_an_outdated_page_is_refused_and_keeps_the_input(client, measure, pd_dresden, zastex):
    stale = edit_data(measure, status="active", notes="Meine Notiz")
    update_measure(
        measure=measure,
        by=zastex,
        status="planned",
        starts_on=None,
        ends_on=None,
        notes="Notiz von ZASTEX",
        expected_version=1,
    )
    testing.login(client, pd_dresden)
    response = client.post(detail_url(measure), stale)
    assert response.status_code == 400
    html = response.content.decode()
    assert "inzwischen von jemand anderem geändert" in html
    assert "Meine Notiz" in html and "Notiz von ZASTEX" in html
    assert response.context["form"]["version"].value() == "2"
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED and measure.notes == "Notiz von ZASTEX"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "planned", "starts_on": "2026-05-02", "ends_on": "2026-05-01"}, "ends_on", "nicht vor dem Beginn"),
        ({"status": "paused"}, "status", "Diese Auswahl gibt es nicht."),
        ({"ends_on": "morgen"}, "ends_on", "gültiges Datum"),
    ],
)
def test_bad_edits_are_answered_at_the_field(client, measure, pd_dresden, data, field, message):
    testing.login(client, pd_dresden)
    response = client.post(detail_url(measure), edit_data(measure) | data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    measure.refresh_from_db()
    assert measure.version == 1


def test_moving_back_is_answered_at_the_status(client, measure, pd_dresden):
    update_measure(
        measure=measure, by=pd_dresden, status="active", starts_on=None, ends_on=None, notes="", expected_version=1
    )
    measure.refresh_from_db()
    testing.login(client, pd_dresden)
    response = client.post(detail_url(measure), edit_data(measure, status="planned"))
    assert response.status_code == 400
    assert "nicht auf »geplant« gesetzt" in response.context["form"].errors["status"][0]


def test_a_missing_version_is_treated_as_a_conflict(client, measure, pd_dresden):
    testing.login(client, pd_dresden)
    data = edit_data(measure, status="active")
    del data["version"]
    response = client.post(detail_url(measure), data)
    assert response.status_code == 400 and "inzwischen" in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


# The section on the case page ------------------------------------------------------------------------------------


def test_case_section_lists_open_measures_and_links_to_the_page(case, pd_dresden, lka):
    running = plan_measure(case=case, kind=K.PATROLS, responsible=case.lead, by=pd_dresden)
    update_measure(
        measure=running, by=pd_dresden, status="active", starts_on=None, ends_on=None, notes="", expected_version=1
    )
    ended = plan_measure(case=case, kind=K.POLICE_CONTACT, responsible=case.lead, by=pd_dresden)
    update_measure(
        measure=ended, by=pd_dresden, status="ended", starts_on=None, ends_on=None, notes="", expected_version=1
    )
    html = render_to_string(
        "measures/partials/case_section.html",
        {"case": case, "measures": selectors.measures_for(case), "can_manage_measures": True},
    )
    assert "Lageabhängige Streifen" in html and "läuft" in html
    assert "Enger Kontakt zur Polizei" not in html
    assert list_url(case) in html and f"{list_url(case)}#planen" in html
    html = render_to_string(
        "measures/partials/case_section.html",
        {"case": case, "measures": CaseMeasure.objects.none(), "can_manage_measures": False},
    )
    assert "Keine Schutzmaßnahme" in html and "#planen" not in html


def test_a_submitted_report_can_get_measures(client, pd_dresden):
    """End to end: the report form routes the Pirna threat to the directorate, which plans at once."""
    reporter = Client()
    flows.fill_all(reporter)
    flows.submit(reporter)
    case = type(pd_dresden.organisation).objects.get(pk=pd_dresden.organisation_id).lead_cases.get()
    set_risk_level(case=case, level=4, by=pd_dresden)
    testing.login(client, pd_dresden)
    html = client.get(list_url(case)).content.decode()
    assert "Personenschutz durch das LKA" in html and "Einbindung des Expertennetzwerks" in html  # right-wing motive
