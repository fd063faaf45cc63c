"""The municipality corrects the event's facts after filing: a visible history of old → new values, the inbox rows'
date and urgency follow at once, share due dates after a moved-up event are flagged, the offices are told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.cases.models import CaseEvent, CaseStatus, InboxEntry
from sikom.core.models import AuditEvent
from sikom.core.versions import EditConflict
from sikom.netrequests import services
from sikom.netrequests.models import ExpertRequest, FactCorrection
from sikom.netrequests.tests.factories import municipality_member, request_data

pytestmark = pytest.mark.django_db


def _data(days: int = 2, **fields) -> dict:
    base = request_data(days=days)
    return {
        name: base[name] for name in ("event_at", "event_time_known", "place", "organiser", "expected_participants")
    } | fields


def test_a_correction_records_old_and_new_values_and_moves_the_inbox(
    filed, municipality_user, expert_network, pd_dresden, django_capture_on_commit_callbacks
):
    services.bring_in_expert(
        request=filed,
        organisation=pd_dresden.organisation,
        by=expert_network,
        question="Erkenntnisse?",
        due_on=timezone.localdate() + timedelta(days=4),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        correction = services.correct_facts(
            request=filed, by=municipality_user, data=_data(days=2, place="Festwiese"), version=filed.version
        )
    filed.refresh_from_db()
    assert filed.place == "Festwiese" and timezone.localdate(filed.event_at) == timezone.localdate() + timedelta(days=2)
    assert [(row["field"], row["new"]) for row in correction.changes] == [
        ("event_at", timezone.localtime(filed.event_at).strftime("%d.%m.%Y %H:%M")),
        ("place", "Festwiese"),
    ]
    assert correction.changes[1]["old"] == "Marktplatz"
    step = CaseEvent.objects.filter(case=filed.case, kind=CaseEvent.Kind.STEP).last()
    assert step.details["fields"] == ["event_at", "place"] and "Festwiese" not in str(step.details)
    # The inbox rows follow at once, and the request stands out for the coordination.
    assert set(InboxEntry.objects.filter(case=filed.case).values_list("event_at", flat=True)) == {filed.event_at}
    assert filed.case.__class__.objects.get(pk=filed.case_id).reporter_activity_at is not None
    assert AuditEvent.objects.get(action="netrequests.facts_corrected").data == {"fields": ["event_at", "place"]}
    # The coordination and the expert office get number and link only.
    assert len(mail.outbox) == 1
    assert filed.case.number in mail.outbox[0].subject and "Festwiese" not in mail.outbox[0].body


def test_nothing_changed_writes_nothing(filed, municipality_user):
    data = {
        "event_at": filed.event_at,
        "event_time_known": filed.event_time_known,
        "place": filed.place,
        "organiser": filed.organiser,
        "expected_participants": filed.expected_participants,
    }
    assert services.correct_facts(request=filed, by=municipality_user, data=data, version=filed.version) is None
    assert not FactCorrection.objects.exists()


def test_a_stale_version_another_municipality_and_a_closed_request_are_refused(
    filed, municipality_user, expert_network
):
    services.correct_facts(request=filed, by=municipality_user, data=_data(place="A"), version=filed.version)
    with pytest.raises(EditConflict):
        services.correct_facts(request=filed, by=municipality_user, data=_data(place="B"), version=1)
    with pytest.raises(services.RequestRefused):
        services.correct_facts(
            request=filed, by=municipality_member("14612000"), data=_data(place="C"), version=filed.version
        )
    with pytest.raises(services.RequestRefused):
        services.correct_facts(request=filed, by=expert_network, data=_data(place="C"), version=filed.version)
    services.change_status(request=filed, to=CaseStatus.CLOSED, by=expert_network, reason="erledigt")
    with pytest.raises(services.RequestRefused, match="abgeschlossen"):
        services.correct_facts(request=filed, by=municipality_user, data=_data(place="D"), version=filed.version)
    assert ExpertRequest.objects.get().place == "A"


def _form(item, **fields) -> dict:
    at = timezone.localtime(item.event_at)
    return {
        "event_day": at.date().isoformat(),
        "event_time": at.strftime("%H:%M"),
        "place": item.place,
        "organiser": item.organiser,
        "expected_participants": str(item.expected_participants),
        "version": str(item.version),
    } | fields


def test_the_pages_show_the_history_to_both_sides_and_flag_late_share_dates(
    client, filed, municipality_user, expert_network, pd_dresden
):
    services.bring_in_expert(
        request=filed,
        organisation=pd_dresden.organisation,
        by=expert_network,
        question="?",
        due_on=timezone.localdate() + timedelta(days=4),
    )
    number = filed.case.number
    testing.login(client, municipality_user)
    detail = client.get(reverse("netrequests:detail", args=[number])).content.decode()
    assert reverse("netrequests:correct", args=[number]) in detail
    page = client.get(reverse("netrequests:correct", args=[number])).content.decode()
    assert 'value="Marktplatz"' in page
    new_day = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        reverse("netrequests:correct", args=[number]),
        _form(filed, event_day=new_day, organiser="Neue Gruppe", expected_participants="400"),
    )
    assert response.status_code == 302
    page = client.get(reverse("netrequests:detail", args=[number])).content.decode()
    assert "Korrekturen der Kommune" in page and "Unbekannte Gruppe" in page and "Neue Gruppe" in page
    assert "150" in page and "400" in page and "Anlass in 2 Tagen" in page
    assert "Antwortfrist" not in page  # the shares are not the municipality's business
    testing.login(client, expert_network)
    page = client.get(reverse("netrequests:detail", args=[number])).content.decode()
    assert "Neue Gruppe" in page and "Eine Antwortfrist liegt nach dem Anlass" in page
    assert "nach dem Anlass – Frist prüfen" in page
    assert "Angaben zum Anlass korrigiert" in page  # the case's history
    listing = client.get(reverse("netrequests:list")).content.decode()
    assert "Anlass in 2 Tagen" in listing


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"event_day": "gestern"}, "Bitte geben Sie ein gültiges Datum ein"),
        ({"event_day": "2020-01-01"}, "Der Termin muss in der Zukunft liegen."),
        ({"event_day": "9999-12-31"}, "in den nächsten fünf Jahren"),
        ({"event_time": "25:99"}, "gültige Uhrzeit"),
        ({"place": ""}, None),
        ({"place": "x" * 301}, None),
        ({"expected_participants": "-1"}, "ab 0"),
        ({"expected_participants": "10000000"}, "höchstens"),
        ({"expected_participants": "viele"}, "ganze Zahl"),
        ({"version": "abc"}, None),
        ({"version": "99999999999"}, None),
        ({"version": "7"}, "inzwischen"),
    ],
)
def test_hostile_corrections_are_refused_at_the_field(client, filed, municipality_user, fields, message):
    testing.login(client, municipality_user)
    response = client.post(reverse("netrequests:correct", args=[filed.case.number]), _form(filed, **fields))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben." in page
    if message:
        assert message in page
    assert not FactCorrection.objects.exists()
    assert ExpertRequest.objects.get().place == "Marktplatz"


def test_a_correction_without_csrf_token_is_refused(filed, municipality_user):
    client = Client(enforce_csrf_checks=True)
    testing.login(client, municipality_user)
    response = client.post(reverse("netrequests:correct", args=[filed.case.number]), _form(filed, place="X"))
    assert response.status_code == 403 and not FactCorrection.objects.exists()


def test_a_closed_request_shows_no_form(client, filed, municipality_user, expert_network):
    services.change_status(request=filed, to=CaseStatus.CLOSED, by=expert_network, reason="erledigt")
    testing.login(client, municipality_user)
    page = client.get(reverse("netrequests:correct", args=[filed.case.number])).content.decode()
    assert "abgeschlossen" in page and "Korrektur speichern" not in page
    assert (
        reverse("netrequests:correct", args=[filed.case.number])
        not in client.get(reverse("netrequests:detail", args=[filed.case.number])).content.decode()
    )
    response = client.post(reverse("netrequests:correct", args=[filed.case.number]), _form(filed, place="X"))
    assert response.status_code == 400 and "abgeschlossen" in response.content.decode()


def test_a_pending_first_answer_is_brought_forward_to_an_earlier_event(filed, municipality_user):
    # The day's end today lies before one working day from now: the first answer may not come after the event.
    today = timezone.localdate()
    at = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()).replace(hour=23, minute=59))
    services.correct_facts(
        request=filed, by=municipality_user, data=_data(event_at=at, event_time_known=False), version=filed.version
    )
    filed.case.refresh_from_db()
    assert filed.case.first_contact_due_at == at
    assert set(InboxEntry.objects.filter(case=filed.case).values_list("first_contact_due_at", flat=True)) == {at}
