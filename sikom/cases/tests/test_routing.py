import pytest

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.cases.models import CaseEvent, RoutingRule
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def names(case):
    return case.lead.name, sorted(share.organisation.name for share in case.shares.all())


def test_online_hate_goes_to_zmi():
    case = testing.make_case(categories=["online_hate"], place="online")
    lead, shares = names(case)
    assert lead.startswith("ZMI") and shares == []


def test_enemy_list_goes_to_zastex():
    case = testing.make_case(categories=["data_published"], place="online")
    assert case.lead.type == OrganisationType.ZASTEX


def test_extremist_motive_goes_to_zastex_and_online_hate_shares_zmi():
    case = testing.make_case(categories=["online_hate", "insult"], place="online", motives=["right_wing"])
    _, shares = names(case)
    assert case.lead.type == OrganisationType.ZASTEX and len(shares) == 1 and shares[0].startswith("ZMI")


def test_threat_at_home_goes_to_the_municipalitys_directorate_with_zastex():
    case = testing.make_case(categories=["threat"], place="home", municipality_ags="14626110")  # Görlitz
    lead, shares = names(case)
    assert lead == "Polizeidirektion Görlitz" and len(shares) == 1 and shares[0].startswith("ZASTEX")


def test_attack_in_leipzig_goes_to_directorate_leipzig():
    case = testing.make_case(categories=["physical_attack"], place="home", municipality_ags="14713000")
    assert case.lead.name == "Polizeidirektion Leipzig"


def test_anything_else_goes_to_zastex():
    case = testing.make_case(categories=["other"], place="office")
    assert case.lead.type == OrganisationType.ZASTEX and case.shares.count() == 0


def test_rules_are_data_the_operators_change():
    RoutingRule.objects.filter(categories__isnull=False, target="zmi", lead=True).update(target="zastex")
    case = testing.make_case(categories=["online_hate"], place="online")
    assert case.lead.type == OrganisationType.ZASTEX


def test_routing_is_recorded_in_history_and_audit():
    case = testing.make_case(categories=["online_hate"], place="online")
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ROUTED).count() == 1
    entry = AuditEvent.objects.get(action="case.routed", object_id=str(case.pk))
    assert entry.data["lead"].startswith("ZMI") and entry.data["rule"] == "Hass im Netz → ZMI"


def test_provisional_level_and_deadline_follow_the_facts():
    attack = testing.make_case(categories=["physical_attack"], place="street")
    insult = testing.make_case(categories=["insult"], place="online")
    assert attack.risk_level == 3 and insult.risk_level == 1
    assert attack.risk_level_is_provisional and attack.first_contact_due_at < insult.first_contact_due_at


def test_routing_rule_changes_in_the_admin_are_audited(client, operator):
    from django.urls import reverse

    testing.login(client, operator)
    rule = RoutingRule.objects.get(name="Hass im Netz → ZMI")
    response = client.post(
        reverse("admin:cases_routingrule_change", args=[rule.pk]),
        {
            "name": rule.name,
            "priority": 45,
            "categories": '["online_hate"]',
            "target": "zmi",
            "lead": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="routing_rule.changed", actor=operator, object_id=str(rule.pk)).exists()
