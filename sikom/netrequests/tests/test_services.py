from datetime import timedelta

import pytest
from django.utils import timezone

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.cases.models import CaseKind, CaseShare, CaseStatus, InboxEntry, Message
from sikom.core.models import AuditEvent
from sikom.core.versions import EditConflict
from sikom.core.workflow import TransitionNotAllowed
from sikom.netrequests import selectors, services
from sikom.netrequests.models import AngleStatus, ExpertRequest, LegalAngle, Outcome
from sikom.netrequests.tests.factories import make_request, municipality_member, request_data

pytestmark = pytest.mark.django_db


def test_a_request_is_a_case_led_by_the_coordination_of_the_municipalitys_district(filed, expert_network):
    case = filed.case
    assert case.kind == CaseKind.EXPERT_REQUEST
    assert case.lead == expert_network.organisation
    assert case.number.startswith("SK-")
    entry = InboxEntry.objects.get(case=case)
    assert entry.kind == CaseKind.EXPERT_REQUEST and entry.is_lead
    assert entry.event_at == filed.event_at
    assert entry.district_id == filed.municipality.district_id
    assert AuditEvent.objects.filter(action="netrequests.filed").exists()


def test_the_first_answer_is_due_within_a_working_day_and_never_after_the_event(municipality_user):
    soon = make_request(by=municipality_user, days=0, event_at=timezone.now() + timedelta(hours=3))
    assert soon.case.first_contact_due_at == soon.event_at


def test_only_a_municipality_files_and_only_for_the_future(zastex, municipality_user):
    with pytest.raises(services.RequestRefused):
        services.file_request(by=zastex, data=request_data())
    with pytest.raises(services.RequestRefused):
        services.file_request(by=municipality_user, data=request_data(days=-1))
    assert not ExpertRequest.objects.exists()


def test_the_coordination_inbox_lists_requests_by_event_date(municipality_user, expert_network):
    later = make_request(by=municipality_user, days=20)
    sooner = make_request(by=municipality_user, days=2)
    listed = selectors.inbox(expert_network)
    assert [item.pk for item in listed] == [sooner.pk, later.pk]


def test_an_expert_sees_the_request_only_while_it_is_shared(filed, expert_network, pd_dresden):
    assert not selectors.requests_visible_to(pd_dresden).exists()
    due = timezone.localdate() + timedelta(days=2)
    services.bring_in_expert(
        request=filed, organisation=pd_dresden.organisation, by=expert_network, question="Lage?", due_on=due
    )
    share = CaseShare.objects.get(case=filed.case)
    assert share.question == "Lage?" and share.due_on == due
    assert list(selectors.requests_visible_to(pd_dresden)) == [filed]
    assert [item.pk for item in selectors.inbox(pd_dresden)] == [filed.pk]
    services.end_expert(request=filed, organisation=pd_dresden.organisation, by=expert_network)
    assert not selectors.requests_visible_to(pd_dresden).exists()
    assert not selectors.inbox(pd_dresden)


def test_the_answer_must_be_due_before_the_event(filed, expert_network, pd_dresden):
    for due in (timezone.localdate() - timedelta(days=1), timezone.localdate() + timedelta(days=6)):
        with pytest.raises(services.RequestRefused):
            services.bring_in_expert(
                request=filed, organisation=pd_dresden.organisation, by=expert_network, question="?", due_on=due
            )
    assert not CaseShare.objects.exists()


def test_only_the_coordination_brings_in_experts(filed, zastex, pd_dresden):
    with pytest.raises(TransitionNotAllowed):
        services.bring_in_expert(
            request=filed,
            organisation=zastex.organisation,
            by=pd_dresden,
            question="?",
            due_on=timezone.localdate(),
        )


def test_the_municipality_sees_only_its_own_requests(filed, municipality_user):
    other = make_request(ags="14612000")
    assert list(selectors.requests_visible_to(municipality_user)) == [filed]
    assert other not in selectors.requests_visible_to(municipality_user)


def test_the_municipality_adds_information_and_does_not_read_internal_notes(filed, municipality_user, expert_network):
    services.add_information(request=filed, by=municipality_user, body="Neuer Flyer aufgetaucht.")
    services.post_message(request=filed, by=expert_network, body="Intern", internal=True)
    services.post_message(request=filed, by=expert_network, body="Wir prüfen.", internal=False)
    filed.case.refresh_from_db()
    assert filed.case.first_contact_at is not None
    message = Message.objects.get(from_reporter=True)
    assert message.author == municipality_user
    from sikom.cases.selectors import messages_for_reporter

    assert [m.body for m in messages_for_reporter(filed.case)] == ["Neuer Flyer aufgetaucht.", "Wir prüfen."]


def test_another_municipality_cannot_add_information(filed):
    stranger = municipality_member("14612000")
    with pytest.raises(services.RequestRefused):
        services.add_information(request=filed, by=stranger, body="x")


def test_the_checklist_is_data_and_each_angle_keeps_status_notes_references_and_outcome(filed, expert_network):
    angles = list(LegalAngle.objects.filter(active=True))
    assert [angle.name for angle in angles][:2] == ["Versammlungsrecht", "Bau- und Planungsrecht"]
    assert len(angles) == 7
    angle = angles[0]
    review = services.review_angle(
        request=filed,
        angle=angle,
        by=expert_network,
        status=AngleStatus.RELEVANT,
        notes="Auflagen denkbar.",
        references="SächsVersG",
        outcome="Auflagenbescheid empfohlen.",
        version=0,
    )
    assert review.version == 1
    with pytest.raises(EditConflict):
        services.review_angle(
            request=filed,
            angle=angle,
            by=expert_network,
            status=AngleStatus.NOT_RELEVANT,
            notes="",
            references="",
            outcome="",
            version=0,
        )
    review.refresh_from_db()
    assert review.status == AngleStatus.RELEVANT
    assert filed.case.events.filter(kind="step").exists()
    LegalAngle.objects.filter(pk=angle.pk).update(active=False)
    assert angle in [a for a, _ in selectors.checklist(filed)]  # checked angles stay on the request's list
    fresh = make_request(by=filed.filed_by)
    assert angle not in [a for a, _ in selectors.checklist(fresh)]


def test_a_shared_expert_cannot_work_the_checklist(filed, expert_network, pd_dresden):
    services.bring_in_expert(
        request=filed,
        organisation=pd_dresden.organisation,
        by=expert_network,
        question="?",
        due_on=timezone.localdate(),
    )
    with pytest.raises(services.RequestRefused):
        services.review_angle(
            request=filed,
            angle=LegalAngle.objects.first(),
            by=pd_dresden,
            status="open",
            notes="",
            references="",
            outcome="",
            version=None,
        )


def test_recording_the_outcome_can_close_the_request(filed, expert_network):
    services.record_outcome(
        request=filed,
        by=expert_network,
        outcome=Outcome.CONDITIONS,
        notes="Auflagen zum Ort.",
        course="Friedlich, 80 Teilnehmende.",
        close=True,
        version=1,
    )
    filed.refresh_from_db()
    filed.case.refresh_from_db()
    assert filed.outcome == Outcome.CONDITIONS and filed.version == 2
    assert filed.case.status == CaseStatus.CLOSED
    assert not InboxEntry.objects.get(case=filed.case).is_open
    assert not selectors.inbox(expert_network)
    assert selectors.inbox(expert_network, open_only=False)


def test_retention_deletes_closed_requests_and_leaves_incident_reports_to_the_case_file(
    filed, expert_network, settings
):
    services.change_status(request=filed, to=CaseStatus.CLOSED, by=expert_network, reason="erledigt")
    settings.CASE_RETENTION_DAYS = 0
    assert services.apply_retention() == 1
    assert not ExpertRequest.objects.exists()
    from sikom.casefile.retention import due_for_deletion

    assert not due_for_deletion().filter(kind=CaseKind.EXPERT_REQUEST).exists()


def test_the_case_file_pages_do_not_open_a_request(filed, expert_network, client):
    testing.login(client, expert_network)
    assert client.get(f"/faelle/{filed.case.number}/").status_code == 404


def test_a_statewide_coordination_takes_requests_of_districts_without_one(municipality_user):
    from sikom.accounts.models import Organisation

    Organisation.objects.filter(
        type=OrganisationType.EXPERT_NETWORK, district=filed_district(municipality_user)
    ).update(district=None, name="Expertennetzwerk landesweit (Test)")
    request = make_request(by=municipality_user)
    assert request.case.lead.district is None


def filed_district(user):
    return user.organisation.municipality.district


def test_notices_carry_only_number_and_link(
    filed, expert_network, municipality_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(request=filed, by=expert_network, body="Geheimer Inhalt", internal=False)
    notice = [mail for mail in mailoutbox if municipality_user.email in mail.to]
    assert len(notice) == 1
    assert filed.case.number in notice[0].subject and "Geheimer Inhalt" not in notice[0].body
    assert f"/expertennetzwerk/anfragen/{filed.case.number}/" in notice[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(request=filed, by=expert_network, body="intern", internal=True)
    assert not [mail for mail in mailoutbox if municipality_user.email in mail.to]


def test_the_coordination_is_told_with_a_link_to_the_request_page(
    municipality_user, expert_network, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(by=municipality_user)
    notice = [mail for mail in mailoutbox if expert_network.email in mail.to]
    assert notice and f"/expertennetzwerk/anfragen/{request.case.number}/" in notice[0].body


def test_the_case_file_inbox_lists_requests_with_a_link_to_their_page(client, filed, expert_network):
    from django.urls import reverse

    testing.login(client, expert_network)
    page = client.get(reverse("casefile:inbox")).content.decode()
    assert f'href="/expertennetzwerk/anfragen/{filed.case.number}/"' in page
    assert "Anfrage an das Expertennetzwerk" in page
    assert f"Anlass am {timezone.localtime(filed.event_at):%d.%m.%Y}" in page
