"""The shell: navigation assembled from what the apps register, the demo data, housekeeping across apps."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from sikom import testing
from sikom.accounts.models import User
from sikom.cases.models import Case, CaseKind, CaseStatus

pytestmark = pytest.mark.django_db


def _navigation(client, path="/"):
    response = client.get(path)
    return [(str(item["label"]), item["active"]) for item in response.context["navigation"]]


def test_visitors_see_the_public_entries_in_order(client):
    assert [label for label, _ in _navigation(client)] == [
        "Startseite",
        "Vorfall melden",
        "Meldung verfolgen",
        "Angebote",
        "Wegweiser",
        "Selbstcheck",
        "Veranstaltungen",
        "Förderung",
        "Bürgerbeteiligung",
        "Zahlen",
        "Lagebild in Zahlen",
    ]


def test_each_role_sees_the_work_areas_its_app_registered(client, zastex, asskomm, operator):
    testing.login(client, zastex)
    labels = [label for label, _ in _navigation(client)]
    assert "Fälle" in labels and "Angebote verwalten" not in labels and "Plattformverwaltung" not in labels
    testing.login(client, asskomm)
    labels = [label for label, _ in _navigation(client)]
    assert "Angebote verwalten" in labels and "Fälle" in labels
    testing.login(client, operator)
    assert "Plattformverwaltung" in [label for label, _ in _navigation(client)]


def test_my_area_links_what_a_persons_own_rules_admit(client, zastex, official):
    """»Mein Bereich« lists the personal links the apps registered, each by its rule: a reviewer of another office
    assigned to a funding application finds the applications there (the main menu does not ask the database)."""
    from sikom.funding.models import ReviewerAssignment
    from sikom.funding.tests.factories import make_application, make_call

    def links(user):
        testing.login(client, user)
        return [str(link["label"]) for link in client.get(reverse("portal:my_area")).context["personal_links"]]

    assert links(official) == ["Meine Anmeldungen", "Meine gespeicherten Selbstchecks"]
    assert "Förderanträge" not in links(zastex)
    ReviewerAssignment.objects.create(application=make_application(make_call()), reviewer=zastex)
    assert links(zastex) == ["Meine Anmeldungen", "Meine gespeicherten Selbstchecks", "Förderanträge"]
    assert reverse("funding:applications") in client.get(reverse("portal:my_area")).content.decode()


def test_staff_without_the_second_factor_see_no_work_area(client, zastex):
    testing.login(client, zastex, verified=False)
    assert "Fälle" not in [label for label, _ in _navigation(client)]


def test_only_the_longest_matching_entry_is_current(client):
    current = [label for label, active in _navigation(client, reverse("intake:followup")) if active]
    assert current == ["Meldung verfolgen"]
    current = [label for label, active in _navigation(client, reverse("portal:home")) if active]
    assert current == ["Startseite"]


def test_demo_data_creates_one_login_per_role_and_routed_demo_cases(settings, capsys):
    settings.SIKOM_DEMO = True
    call_command("load_demo_data")
    # Logins: the demo accounts with a password (the Expertennetzwerk demo adds members no one logs in with).
    logins = User.objects.filter(email__endswith="@demo.sikom.invalid").exclude(password__startswith="!")
    assert logins.count() == 10
    cases = Case.objects.filter(kind=CaseKind.REPORT).select_related("report", "lead")
    assert cases.count() == 4
    assert all(case.report.description.startswith("[Demo]") and case.lead_id for case in cases)
    assert "TOTP" in capsys.readouterr().out
    total = Case.objects.count()
    call_command("load_demo_data")  # idempotent: no second set of cases or logins
    assert Case.objects.count() == total and cases.count() == 4 and logins.count() == 10


def test_housekeeping_runs_the_jobs_of_every_app(settings):
    from sikom.core.housekeeping import run_jobs

    settings.CASE_RETENTION_DAYS = 0
    case = testing.make_case()
    testing.update_case(case, status=CaseStatus.CLOSED, closed_at=case.created_at)
    result = run_jobs()
    assert set(result) >= {
        "drafts",
        "orphan_files",
        "throttle_counters",
        "cases_deleted_by_retention",
        "situation_months_refreshed",
    }
    assert result["cases_deleted_by_retention"] == 1
    assert not Case.objects.filter(pk=case.pk).exists()
