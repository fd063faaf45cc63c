"""Pages of the alliance: bad input per form (German message at the field, nothing saved), exports, query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.alliance import services
from sikom.alliance.models import ContactPerson, ExchangeMeeting, Membership, MembershipEvent, MembershipStatus
from sikom.alliance.tests.conftest import FREITAL, LEIPZIG, PIRNA, contact, meeting, member, municipality
from sikom.core.models import AuditEvent
from sikom.geo.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def asskomm_client(client, asskomm):
    return testing.login(client, asskomm)


@pytest.fixture
def municipality_client(client, municipality_user):
    return testing.login(client, municipality_user)


def _errors(response, field: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(field, [])]


# A municipality's request -------------------------------------------------------------------------------------


def test_municipality_requests_membership(municipality_client):
    page = municipality_client.get(reverse("alliance:my_membership"))
    assert "Mitgliedschaft beantragen" in page.content.decode()
    response = municipality_client.post(
        reverse("alliance:request"), {"confirm": "on", "note": "Ansprechpartnerin folgt"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(municipality__ags=PIRNA)
    assert membership.status == MembershipStatus.REQUESTED
    page = municipality_client.get(reverse("alliance:my_membership")).content.decode()
    assert "Ihr Antrag liegt dem ASSKomm-Team vor" in page and 'name="confirm"' not in page


def test_request_without_confirmation_is_refused_at_the_field(municipality_client):
    response = municipality_client.post(reverse("alliance:request"), {"note": "x"})
    assert response.status_code == 400
    assert _errors(response, "confirm") == ["Bitte bestätigen Sie, dass Ihre Kommune der Allianz beitreten möchte."]
    assert not Membership.objects.exists()


def test_joining_twice_is_refused_at_the_field(municipality_client):
    member(PIRNA)
    response = municipality_client.post(reverse("alliance:request"), {"confirm": "on"})
    assert response.status_code == 400
    assert _errors(response, "confirm") == ["Pirna ist bereits Mitglied der Allianz."]
    assert Membership.objects.count() == 1


def test_overlong_note_is_refused(municipality_client):
    response = municipality_client.post(reverse("alliance:request"), {"confirm": "on", "note": "x" * 2001})
    assert response.status_code == 400 and "höchstens 2000 Zeichen" in _errors(response, "note")[0]
    assert not Membership.objects.exists()


# ASSKomm's steps ----------------------------------------------------------------------------------------------


def _step_errors(response, name: str, field: str) -> list[str]:
    return [str(error) for error in response.context[f"{name}_form"].errors.get(field, [])]


def test_asskomm_confirms_a_request(asskomm_client):
    requested = services.request_membership(municipality=municipality(FREITAL), by=None)
    response = asskomm_client.post(
        reverse("alliance:confirm", args=[requested.pk]),
        {"beitritt-joined_on": "2019-02-01", "beitritt-founding": "on"},
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == MembershipStatus.ACTIVE and requested.founding
    page = asskomm_client.get(reverse("alliance:membership", args=[requested.pk])).content.decode()
    assert "Mitgliedschaft bestätigt" in page and "Austritt eintragen" in page


def test_asskomm_records_an_existing_membership(asskomm_client):
    url = reverse("alliance:membership_create")
    response = asskomm_client.post(url, {"municipality": LEIPZIG, "joined_on": "01.02.2019", "founding": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.status, membership.joined_on, membership.founding) == (
        MembershipStatus.ACTIVE,
        date(2019, 2, 1),
        True,
    )
    assert list(membership.events.values_list("action", flat=True)) == ["requested", "confirmed"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"municipality": PIRNA, "joined_on": "2020-01-01"}, "municipality", "Pirna ist bereits Mitglied der Allianz."),
        ({"municipality": "14999999", "joined_on": "2020-01-01"}, "municipality", "Diese Auswahl gibt es nicht."),
        ({"municipality": LEIPZIG, "joined_on": "2017-01-01"}, "joined_on", "im Februar 2019 gegründet"),
        ({"municipality": LEIPZIG, "joined_on": ""}, "joined_on", "Bitte geben Sie ein Datum an."),
    ],
)
def test_recording_a_membership_with_bad_input_is_refused_at_the_field(asskomm_client, data, field, message):
    member(PIRNA)
    response = asskomm_client.post(reverse("alliance:membership_create"), data)
    assert response.status_code == 400
    assert any(message in error for error in _errors(response, field))
    assert Membership.objects.count() == 1 and MembershipEvent.objects.count() == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Bitte geben Sie ein Datum an."),
        ("31.02.2024", "Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.12.2026."),
        ((timezone.localdate() + timedelta(days=2)).isoformat(), "Das Datum darf nicht in der Zukunft liegen."),
        ("2018-05-01", "Die Allianz wurde im Februar 2019 gegründet; ein Beitritt davor ist nicht möglich."),
    ],
)
def test_confirm_with_a_bad_date_is_refused_at_the_field(asskomm_client, value, message):
    requested = services.request_membership(municipality=municipality(FREITAL), by=None)
    response = asskomm_client.post(reverse("alliance:confirm", args=[requested.pk]), {"beitritt-joined_on": value})
    assert response.status_code == 400
    assert _step_errors(response, "confirm", "joined_on") == [message]
    requested.refresh_from_db()
    assert requested.status == MembershipStatus.REQUESTED and requested.events.count() == 1


def test_decline_needs_a_reason(asskomm_client):
    requested = services.request_membership(municipality=municipality(FREITAL), by=None)
    response = asskomm_client.post(reverse("alliance:decline", args=[requested.pk]), {"ablehnung-reason": "  "})
    assert response.status_code == 400
    assert _step_errors(response, "decline", "reason") == ["Bitte geben Sie eine Begründung an."]
    response = asskomm_client.post(reverse("alliance:decline", args=[requested.pk]), {"ablehnung-reason": "Doppelt"})
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == MembershipStatus.DECLINED


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"austritt-left_on": "2019-06-30", "austritt-reason": "x"}, "left_on", "nicht vor dem Beitritt am 01.01.2020"),
        (
            {"austritt-left_on": (timezone.localdate() + timedelta(days=1)).isoformat(), "austritt-reason": "x"},
            "left_on",
            "Das Datum darf nicht in der Zukunft liegen.",
        ),
        ({"austritt-left_on": "2022-06-30", "austritt-reason": ""}, "reason", "Bitte geben Sie eine Begründung an."),
    ],
)
def test_leaving_with_bad_input_is_refused_at_the_field(asskomm_client, data, field, message):
    membership = member(PIRNA, joined_on=date(2020, 1, 1))
    response = asskomm_client.post(reverse("alliance:leave", args=[membership.pk]), data)
    assert response.status_code == 400
    assert any(message in error for error in _step_errors(response, "leave", field))
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE and membership.left_on is None


def test_a_step_that_does_not_fit_the_status_is_refused_without_500(asskomm_client):
    membership = member(PIRNA)
    response = asskomm_client.post(
        reverse("alliance:confirm", args=[membership.pk]), {"beitritt-joined_on": "2020-01-01"}
    )
    assert response.status_code == 400
    assert "»Mitglied« kann nicht auf »Mitglied«" in response.content.decode()
    assert MembershipEvent.objects.filter(membership=membership).count() == 2


# Contact persons ----------------------------------------------------------------------------------------------


def _contact_data(**changes):
    return {
        "name": "Erika Beispiel",
        "function": "Präventionsbeauftragte",
        "email": "Erika@Example.invalid",
        "phone": "",
    } | changes


def test_municipality_adds_an_opted_in_contact_that_appears_in_the_directory(municipality_client):
    membership = member(PIRNA)
    response = municipality_client.post(
        reverse("alliance:contact_create", args=[membership.pk]), _contact_data(opted_in_directory="on")
    )
    assert response.status_code == 302 and response["Location"] == reverse("alliance:my_membership")
    contact = ContactPerson.objects.get()
    assert contact.email == "erika@example.invalid" and contact.opted_in_at is not None
    assert "Erika Beispiel" in municipality_client.get(reverse("alliance:directory")).content.decode()


def test_contact_without_opt_in_stays_out_of_the_directory(municipality_client):
    membership = member(PIRNA)
    municipality_client.post(reverse("alliance:contact_create", args=[membership.pk]), _contact_data())
    assert ContactPerson.objects.count() == 1
    assert "Erika Beispiel" not in municipality_client.get(reverse("alliance:directory")).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "keine-adresse"}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ({"name": ""}, "name", "Bitte geben Sie den Namen an."),
        ({"function": ""}, "function", "Bitte geben Sie die Funktion an."),
        ({"phone": "ruf mich an"}, "phone", "Bitte geben Sie eine Telefonnummer nur mit Ziffern"),
        ({"name": "x" * 151}, "name", "höchstens 150 Zeichen"),
    ],
)
def test_contact_with_bad_input_is_refused_at_the_field(municipality_client, changes, field, message):
    membership = member(PIRNA)
    response = municipality_client.post(
        reverse("alliance:contact_create", args=[membership.pk]), _contact_data(**changes)
    )
    assert response.status_code == 400
    assert any(message in error for error in _errors(response, field))
    assert not ContactPerson.objects.exists()


def test_forged_ids_of_another_municipality_answer_404_and_change_nothing(municipality_client):
    member(PIRNA)
    leipzig = member(LEIPZIG)
    other = contact(LEIPZIG)
    assert (
        municipality_client.post(reverse("alliance:contact_create", args=[leipzig.pk]), _contact_data()).status_code
        == 404
    )
    assert (
        municipality_client.post(reverse("alliance:contact_edit", args=[other.pk]), _contact_data()).status_code == 404
    )
    assert municipality_client.post(reverse("alliance:contact_delete", args=[other.pk])).status_code == 404
    assert municipality_client.get(reverse("alliance:membership", args=[leipzig.pk])).status_code == 404
    other.refresh_from_db()
    assert other.name == "Test Ansprechperson" and ContactPerson.objects.count() == 1


def test_withdrawing_the_opt_in_removes_the_contact_from_the_directory(municipality_client):
    member(PIRNA)
    own = contact(PIRNA)
    response = municipality_client.post(
        reverse("alliance:contact_edit", args=[own.pk]), _contact_data(name="Neu", version=own.version)
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "Neu" and not own.opted_in_directory and own.opted_in_at is None


def test_an_edit_based_on_an_older_version_is_refused(municipality_client):
    member(PIRNA)
    own = contact(PIRNA)
    page = municipality_client.get(reverse("alliance:contact_edit", args=[own.pk])).content.decode()
    assert 'name="version" value="1"' in page
    services.save_contact(by=None, contact=own, data={"name": "Jemand anderes"}, expected_version=1)
    response = municipality_client.post(
        reverse("alliance:contact_edit", args=[own.pk]), _contact_data(name="Meins", version=1)
    )
    assert response.status_code == 400
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    own.refresh_from_db()
    assert own.name == "Jemand anderes" and own.version == 2


# Exchange meetings --------------------------------------------------------------------------------------------


def _meeting_data(**changes):
    return {
        "held_on": "2024-01-10",
        "topic": "Austausch",
        "format": "exchange_meeting",
        "municipalities": [PIRNA],
    } | changes


def test_asskomm_records_a_meeting(asskomm_client):
    member(PIRNA)
    response = asskomm_client.post(reverse("alliance:meeting_create"), _meeting_data(record="Kurz"))
    assert response.status_code == 302
    meeting_ = ExchangeMeeting.objects.get()
    assert [m.ags for m in meeting_.municipalities.all()] == [PIRNA]
    stale = asskomm_client.post(reverse("alliance:meeting_edit", args=[meeting_.pk]), _meeting_data(topic="Alt"))
    assert stale.status_code == 400 and "inzwischen von jemand anderem" in stale.content.decode()
    response = asskomm_client.post(
        reverse("alliance:meeting_edit", args=[meeting_.pk]), _meeting_data(topic="Neu", version=1)
    )
    assert response.status_code == 302
    meeting_.refresh_from_db()
    assert (meeting_.topic, meeting_.version) == ("Neu", 2)
    assert AuditEvent.objects.filter(action__in=["alliance.meeting_created", "alliance.meeting_updated"]).count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # Dresden is no member in this test: a forged choice.
        ({"municipalities": ["14612000"]}, "municipalities", "Diese Auswahl gibt es nicht."),
        ({"municipalities": ["999999999999999999999"]}, "municipalities", "Diese Auswahl gibt es nicht."),
        ({"municipalities": []}, "municipalities", "Bitte wählen Sie mindestens eine teilnehmende Kommune."),
        ({"format": "party"}, "format", "Diese Auswahl gibt es nicht."),
        ({"held_on": "gestern"}, "held_on", "Bitte geben Sie ein gültiges Datum ein"),
        ({"topic": ""}, "topic", "Bitte geben Sie das Thema an."),
    ],
)
def test_meeting_with_bad_input_is_refused_at_the_field(asskomm_client, changes, field, message):
    member(PIRNA)
    response = asskomm_client.post(reverse("alliance:meeting_create"), _meeting_data(**changes))
    assert response.status_code == 400
    assert any(message in error for error in _errors(response, field))
    assert not ExchangeMeeting.objects.exists()


# Lists, filters, exports --------------------------------------------------------------------------------------


def test_filters_and_search(asskomm_client):
    member(PIRNA, founding=True)
    member(LEIPZIG)
    services.request_membership(municipality=municipality(FREITAL), by=None)
    url = reverse("alliance:memberships")

    def names(query):
        response = asskomm_client.get(url, query)
        assert response.status_code == 200
        return [m.municipality.ags for m in response.context["page"].object_list]

    assert names({}) == [FREITAL, LEIPZIG, PIRNA]
    assert "1 offener Antrag wartet auf Bestätigung" in asskomm_client.get(url).content.decode()
    assert names({"status": "requested"}) == [FREITAL]
    assert names({"kreis": "14628"}) == [FREITAL, PIRNA]
    assert names({"gruendung": "ja"}) == [PIRNA]
    assert names({"q": "leip"}) == [LEIPZIG]


def test_forged_filter_values_are_reported_and_ignored(asskomm_client):
    member(PIRNA)
    response = asskomm_client.get(reverse("alliance:memberships"), {"status": "boss", "kreis": "99999"})
    assert response.status_code == 200
    assert _errors(response, "status") and _errors(response, "kreis")
    assert len(response.context["page"].object_list) == 1


def test_membership_export_as_csv(asskomm_client):
    member(PIRNA, founding=True, joined_on=date(2019, 2, 1))
    response = asskomm_client.get(reverse("alliance:memberships"), {"format": "csv", "gruendung": "ja"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Disposition"] == 'attachment; filename="Allianz-Mitgliedschaften.csv"'
    assert "Pirna;14628270;Landkreis Sächsische Schweiz-Osterzgebirge;Mitglied;ja;" in body
    assert "01.02.2019" in body


def test_directory_export_is_audited(municipality_client, municipality_user):
    member(PIRNA)
    contact(PIRNA)
    response = municipality_client.get(reverse("alliance:directory"), {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    entry = AuditEvent.objects.get(action="alliance.directory_exported")
    assert entry.actor == municipality_user and entry.data == {"format": "xlsx", "members": 1, "contacts": 1}


def test_directory_page_read_is_audited(municipality_client, municipality_user):
    member(PIRNA)
    contact(PIRNA)
    assert municipality_client.get(reverse("alliance:directory")).status_code == 200
    assert AuditEvent.objects.get(action="alliance.directory_viewed").actor == municipality_user


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_members(count: int) -> list[Membership]:
    taken = set(Membership.objects.values_list("municipality_id", flat=True))
    others = Municipality.objects.exclude(pk__in=taken).order_by("-population")[:count]
    made = []
    for other in others:
        made.append(services.record_membership(municipality=other, by=None, joined_on=date(2021, 1, 1)))
        contact(other.ags)
    return made


def test_membership_list_queries_do_not_grow_with_rows(asskomm_client, django_assert_num_queries):
    member(PIRNA)
    url = reverse("alliance:memberships")
    few = _queries(asskomm_client, url)
    _more_members(12)
    with django_assert_num_queries(few):
        asskomm_client.get(url)


def test_directory_queries_do_not_grow_with_rows(municipality_client, django_assert_num_queries):
    member(PIRNA)
    contact(PIRNA)
    url = reverse("alliance:directory")
    few = _queries(municipality_client, url)
    _more_members(12)
    with django_assert_num_queries(few):
        municipality_client.get(url)


def test_meeting_list_queries_do_not_grow_with_rows(asskomm_client, django_assert_num_queries):
    member(PIRNA)
    meeting(PIRNA)
    url = reverse("alliance:meetings")
    few = _queries(asskomm_client, url)
    made = _more_members(6)
    for _ in range(5):
        meeting(PIRNA, *[m.municipality.ags for m in made])
    with django_assert_num_queries(few):
        asskomm_client.get(url)


def test_navigation_shows_alliance_to_asskomm_and_municipalities_only(client, asskomm, municipality_user, zastex):
    for user, shown in [(asskomm, True), (municipality_user, True), (zastex, False)]:
        client.logout()
        testing.login(client, user)
        html = client.get(reverse("portal:home")).content.decode()
        assert (f'href="{reverse("alliance:index")}"' in html) is shown
