from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.cases.models import CaseShare, CaseStatus
from sikom.core.models import AuditEvent
from sikom.measures import selectors
from sikom.measures.catalogue import MeasureKind as K
from sikom.measures.models import CaseMeasure, CaseMeasureChange, MeasureStatus
from sikom.measures.services import MeasureConflict, MeasureInvalid, OnlyLeadMayAssign, plan_measure, update_measure

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def zastex_org():
    return testing.organisation_of(OrganisationType.ZASTEX)


def plan(case, by, kind=K.PATROLS, responsible=None, **kwargs):
    return plan_measure(case=case, kind=kind, responsible=responsible or case.lead, by=by, **kwargs)


def update(measure, by, **changes):
    fields = {
        "status": measure.status,
        "starts_on": measure.starts_on,
        "ends_on": measure.ends_on,
        "notes": measure.notes,
        "expected_version": measure.version,
    } | changes
    return update_measure(measure=measure, by=by, **fields)


# Planning ---------------------------------------------------------------------------------------------------------


def test_lead_plans_a_measure_with_history_and_audit(case, pd_dresden):
    measure = plan(case, pd_dresden, notes="Streife abends zwischen 20 und 23 Uhr.")
    assert measure.status == MeasureStatus.PLANNED and measure.version == 1 and measure.created_by == pd_dresden
    change = measure.changes.get()
    assert change.action == CaseMeasureChange.Action.PLANNED and change.by_organisation == "Polizeidirektion Dresden"
    assert change.changes["kind"] == [None, K.PATROLS]
    event = AuditEvent.objects.get(action="case.measure_planned")
    assert event.object_id == str(case.pk) and event.actor == pd_dresden
    assert event.data == {
        "measure": measure.pk,
        "kind": K.PATROLS,
        "responsible": "Polizeidirektion Dresden",
        "shared": False,
    }


def test_notes_and_history_are_encrypted_at_rest(case, pd_dresden):
    measure = plan(case, pd_dresden, notes="Wohnt Musterweg 1.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM measures_casemeasure WHERE id = %s", [measure.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
        cursor.execute("SELECT changes FROM measures_casemeasurechange WHERE measure_id = %s", [measure.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    assert "Musterweg" not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_lead_assigning_an_agency_not_on_the_case_shares_the_case_with_it(case, pd_dresden, lka):
    assert not CaseShare.objects.filter(case=case, organisation=lka).exists()
    measure = plan(case, pd_dresden, kind=K.PERSON_PROTECTION, responsible=lka)
    share = CaseShare.objects.get(case=case, organisation=lka)
    assert "Personenschutz" in share.reason and measure.responsible == lka
    assert AuditEvent.objects.filter(action="case.shared", object_id=str(case.pk)).exists()
    assert AuditEvent.objects.get(action="case.measure_planned").data["shared"] is True


def test_shared_agency_cannot_bring_in_a_new_agency(case, zastex, lka):
    with pytest.raises(PermissionDenied) as refusal:
        plan(case, zastex, kind=K.PERSON_PROTECTION, responsible=lka)
    assert isinstance(refusal.value, OnlyLeadMayAssign) and "federführende Stelle" in refusal.value.message
    assert not CaseShare.objects.filter(case=case, organisation=lka).exists()
    assert not CaseMeasure.objects.exists()


def test_shared_agency_plans_for_an_agency_already_on_the_case(case, zastex):
    measure = plan(case, zastex, kind=K.BEHAVIOUR_ADVICE, responsible=case.lead)
    assert measure.responsible == case.lead
    assert plan(case, zastex, kind=K.VICTIM_COUNSELLING, responsible=zastex_org()).responsible == zastex_org()


@pytest.mark.parametrize("persona", ["zmi", "asskomm", "expert_network", "municipality_user", "outsider"])
def test_agencies_not_on_the_case_may_not_plan(case, persona, request):
    with pytest.raises(PermissionDenied):
        plan(case, request.getfixturevalue(persona))
    assert (
        not CaseMeasure.objects.exists() and not AuditEvent.objects.filter(action__startswith="case.measure").exists()
    )


def test_a_municipality_cannot_be_made_responsible(case, pd_dresden):
    with pytest.raises(MeasureInvalid) as refusal:
        plan(case, pd_dresden, responsible=testing.municipality_organisation())
    assert refusal.value.field == "responsible"


def test_unknown_kind_is_refused(case, pd_dresden):
    with pytest.raises(MeasureInvalid) as refusal:
        plan(case, pd_dresden, kind="helicopter")
    assert refusal.value.field == "kind"


def test_the_same_measure_is_not_open_twice_but_may_follow_an_ended_one(case, pd_dresden):
    first = plan(case, pd_dresden)
    with pytest.raises(MeasureInvalid) as refusal:
        plan(case, pd_dresden)
    assert refusal.value.field == "kind"
    update(first, pd_dresden, status=MeasureStatus.ENDED)
    assert plan(case, pd_dresden).pk != first.pk


def test_no_new_measures_on_a_closed_case(case, pd_dresden):
    testing.update_case(case, status=CaseStatus.CLOSED)
    with pytest.raises(MeasureInvalid, match="abgeschlossen"):
        plan(case, pd_dresden)


# Status, dates, conflicts ----------------------------------------------------------------------------------------


def test_status_moves_forward_and_fills_in_todays_dates(case, pd_dresden):
    measure = plan(case, pd_dresden)
    measure = update(measure, pd_dresden, status=MeasureStatus.ACTIVE)
    assert measure.status == MeasureStatus.ACTIVE and measure.starts_on == TODAY() and measure.version == 2
    measure = update(measure, pd_dresden, status=MeasureStatus.ENDED)
    assert measure.status == MeasureStatus.ENDED and measure.ends_on == TODAY() and measure.version == 3
    assert [c.changes.get("status") for c in measure.changes.order_by("version")] == [
        [None, "planned"],
        ["planned", "active"],
        ["active", "ended"],
    ]


def test_a_planned_measure_can_be_called_off(case, pd_dresden):
    measure = update(plan(case, pd_dresden), pd_dresden, status=MeasureStatus.ENDED)
    assert measure.status == MeasureStatus.ENDED and measure.starts_on is None and measure.ends_on == TODAY()


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([MeasureStatus.ACTIVE], MeasureStatus.PLANNED),
        ([MeasureStatus.ENDED], MeasureStatus.ACTIVE),
        ([MeasureStatus.ENDED], MeasureStatus.PLANNED),
        ([], "paused"),
    ],
)
def test_status_never_moves_back(case, pd_dresden, path, target):
    measure = plan(case, pd_dresden)
    for status in path:
        measure = update(measure, pd_dresden, status=status)
    with pytest.raises(MeasureInvalid) as refusal:
        update(measure, pd_dresden, status=target)
    assert refusal.value.field == "status"
    measure.refresh_from_db()
    assert measure.status == (path[-1] if path else MeasureStatus.PLANNED)


def test_a_lost_update_is_refused(case, pd_dresden, zastex):
    measure = plan(case, pd_dresden)
    stale = CaseMeasure.objects.get(pk=measure.pk)
    update(measure, zastex, notes="Absprache mit der Betroffenen am Telefon.")
    with pytest.raises(MeasureConflict) as conflict:
        update(stale, pd_dresden, status=MeasureStatus.ACTIVE, notes="")
    assert "inzwischen" in conflict.value.message and conflict.value.current.version == 2
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED and measure.notes == "Absprache mit der Betroffenen am Telefon."
    assert AuditEvent.objects.filter(action="case.measure_updated").count() == 1


def test_end_before_start_is_refused_by_the_service_and_the_database(case, pd_dresden):
    measure = plan(case, pd_dresden, starts_on=TODAY())
    with pytest.raises(MeasureInvalid) as refusal:
        update(measure, pd_dresden, ends_on=TODAY() - timedelta(days=1))
    assert refusal.value.field == "ends_on"
    measure.ends_on = TODAY() - timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_an_ended_measure_without_end_date_is_refused_by_the_database(case, pd_dresden):
    measure = plan(case, pd_dresden)
    measure.status = MeasureStatus.ENDED
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_running_measures_do_not_start_and_ended_ones_do_not_end_in_the_future(case, pd_dresden):
    tomorrow = TODAY() + timedelta(days=1)
    measure = plan(case, pd_dresden, starts_on=tomorrow)
    with pytest.raises(MeasureInvalid) as refusal:
        update(measure, pd_dresden, status=MeasureStatus.ACTIVE)
    assert refusal.value.field == "starts_on"
    measure = update(measure, pd_dresden, status=MeasureStatus.ACTIVE, starts_on=TODAY(), ends_on=tomorrow)
    assert measure.ends_on == tomorrow  # a running measure may have a planned end
    with pytest.raises(MeasureInvalid) as refusal:
        update(measure, pd_dresden, status=MeasureStatus.ENDED)
    assert refusal.value.field == "ends_on"


def test_update_is_audited_without_the_notes(case, pd_dresden):
    measure = plan(case, pd_dresden)
    update(measure, pd_dresden, status=MeasureStatus.ACTIVE, notes="Geheim: Schlüssel beim Nachbarn.")
    event = AuditEvent.objects.get(action="case.measure_updated")
    assert event.data == {
        "measure": measure.pk,
        "kind": K.PATROLS,
        "fields": ["status", "starts_on", "notes"],
        "status": ["planned", "active"],
    }
    assert "Schlüssel" not in str(event.data)


def test_saving_without_changes_writes_nothing(case, pd_dresden):
    measure = plan(case, pd_dresden)
    assert update(measure, pd_dresden).version == 1
    assert measure.changes.count() == 1 and not AuditEvent.objects.filter(action="case.measure_updated").exists()


def test_only_agencies_on_the_case_update(case, pd_dresden, zmi):
    measure = plan(case, pd_dresden)
    with pytest.raises(PermissionDenied):
        update(measure, zmi, status=MeasureStatus.ACTIVE)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_history_rows_are_append_only(case, pd_dresden):
    change = plan(case, pd_dresden).changes.get()
    change.changes = {}
    with pytest.raises(ValueError, match="append-only"):
        change.save()


def test_running_measures_keep_the_case(case, pd_dresden):
    measure = plan(case, pd_dresden)
    assert not selectors.cases_with_running_measures().exists()
    measure = update(measure, pd_dresden, status=MeasureStatus.ACTIVE)
    assert list(selectors.cases_with_running_measures()) == [case]
    update(measure, pd_dresden, status=MeasureStatus.ENDED)
    assert not selectors.cases_with_running_measures().exists()
