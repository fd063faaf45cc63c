"""The inbox rows (`InboxEntry`): derived from lead, shares and report, kept in step by the services, never a way to
see a case. The autouse check in conftest.py compares them with a recomputation after every test of the suite."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.cases import services
from sikom.cases.models import CaseStatus, InboxEntry
from sikom.reports.vocabulary import CATEGORY_BITS, Category

pytestmark = pytest.mark.django_db


def rows(case):
    return {
        entry.organisation_id: entry
        for entry in InboxEntry.objects.filter(case=case).select_related("district", "organisation")
    }


def numbers(response):
    return [case.number for case in response.context["result"].page.object_list]


def test_a_routed_case_has_a_row_for_the_lead_and_each_share(zastex):
    case = testing.make_case(categories=["threat", "insult"])  # PD Dresden leads, ZASTEX shared
    entries = rows(case)
    assert set(entries) == {case.lead_id, zastex.organisation_id}
    lead, shared = entries[case.lead_id], entries[zastex.organisation_id]
    assert lead.is_lead and not shared.is_lead
    for entry in (lead, shared):
        assert entry.number == case.number and entry.status == CaseStatus.RECEIVED and entry.is_open
        assert entry.risk_level == case.risk_level and entry.first_contact_due_at == case.first_contact_due_at
        assert entry.awaiting_first_contact and not entry.reporter_activity
        assert entry.district.key == "14628"  # Sächsische Schweiz-Osterzgebirge, the default municipality's district
        assert entry.categories == CATEGORY_BITS[Category.THREAT] | CATEGORY_BITS[Category.INSULT]


def test_referral_moves_the_lead_row_and_keeps_one_row_per_organisation(pd_dresden, zastex):
    case = testing.make_case()  # PD Dresden leads, ZASTEX shared
    services.refer(case=case, to=zastex.organisation, by=pd_dresden, reason="Extremistischer Hintergrund")
    entries = rows(case)
    assert set(entries) == {pd_dresden.organisation_id, zastex.organisation_id}
    assert entries[zastex.organisation_id].is_lead and not entries[pd_dresden.organisation_id].is_lead
    assert entries[zastex.organisation_id].status == CaseStatus.REFERRED


def test_closing_and_first_contact_reach_every_row(pd_dresden):
    case = testing.make_case()
    services.post_handler_message(case=case, by=pd_dresden, body="Wir rufen Sie heute an.", internal=False)
    services.change_status(case=case, to=CaseStatus.CLOSED, by=pd_dresden, reason="erledigt")
    assert all(not e.is_open and not e.awaiting_first_contact for e in rows(case).values())


def test_every_category_has_its_own_bit():
    assert set(CATEGORY_BITS) == set(Category)
    bits = list(CATEGORY_BITS.values())
    assert len(set(bits)) == len(bits) and all(bit & (bit - 1) == 0 for bit in bits)
    assert max(bits) < 2**31  # fits the PositiveIntegerField on every database


def test_a_case_with_two_categories_is_found_by_either(client, pd_dresden):
    both = testing.make_case(categories=["threat", "property_damage"])
    threat = testing.make_case(categories=["threat"])
    testing.login(client, pd_dresden)
    inbox = reverse("casefile:inbox")
    assert set(numbers(client.get(inbox, {"category": "threat"}))) == {both.number, threat.number}
    assert numbers(client.get(inbox, {"category": "property_damage"})) == [both.number]
    assert numbers(client.get(inbox, {"category": "coercion"})) == []
    page = client.get(inbox, {"category": "property_damage"}).content.decode()
    assert "Bedrohung, Sachbeschädigung" in page


def test_totals_from_the_counts_match_the_listing(client, pd_dresden):
    cases = [testing.make_case() for _ in range(3)]
    services.change_status(case=cases[0], to=CaseStatus.CLOSED, by=pd_dresden, reason="erledigt")
    services.change_status(case=cases[1], to=CaseStatus.IN_REVIEW, by=pd_dresden)
    testing.login(client, pd_dresden)
    inbox = reverse("casefile:inbox")
    for params, total in [({}, 2), ({"status": ""}, 3), ({"status": "closed"}, 1), ({"status": "in_review"}, 1)]:
        result = client.get(inbox, params).context["result"]
        assert result.total == total == len(result.page.object_list), params
    result = client.get(inbox, {"status": "", "relation": "shared"}).context["result"]
    assert result.total == 0


def test_a_row_without_access_behind_it_shows_nothing(client, zmi):
    """Defence in depth: even a derived row out of step never lists a case the organisation may not see."""
    case = testing.make_case()  # PD Dresden and ZASTEX, not ZMI
    forged = InboxEntry.objects.create(
        **{
            field.attname: getattr(rows(case)[case.lead_id], field.attname)
            for field in InboxEntry._meta.concrete_fields
            if not field.primary_key
        }
        | {"organisation_id": zmi.organisation_id, "is_lead": False}
    )
    testing.login(client, zmi)
    response = client.get(reverse("casefile:inbox"))
    assert numbers(response) == [] and case.number not in response.content.decode()
    assert client.get(reverse("casefile:detail", args=[case.number])).status_code == 404
    forged.delete()  # leave the rows in step for the suite's check


def test_rebuild_command_recomputes_every_row(zastex):
    cases = [testing.make_case(), testing.make_case(categories=["online_hate"], place="online")]
    expected = sorted(InboxEntry.objects.values_list("organisation_id", "case_id", "is_lead", "categories"))
    InboxEntry.objects.all().delete()
    InboxEntry.objects.create(**{**_row_of(cases[0]), "organisation": testing.organisation_of(OrganisationType.ZORA)})
    out = io.StringIO()
    call_command("rebuild_inbox", stdout=out)
    assert "casefile: 2" in out.getvalue()
    assert sorted(InboxEntry.objects.values_list("organisation_id", "case_id", "is_lead", "categories")) == expected


def test_the_migration_fills_rows_for_existing_cases(zastex):
    testing.make_case(categories=["threat", "data_published"])
    testing.make_case(categories=["online_hate"], place="online")
    expected = testing.inbox_entry_rows()
    InboxEntry.objects.all().delete()
    importlib.import_module("sikom.cases.migrations.0004_inboxentry").fill_inbox_entries(apps, None)
    assert testing.inbox_entry_rows() == expected


def _row_of(case):
    return {
        "case": case,
        "is_lead": True,
        "number": case.number,
        "status": case.status,
        "is_open": True,
        "awaiting_first_contact": True,
        "reporter_activity": False,
        "created_at": case.created_at,
        "categories": 0,
    }
