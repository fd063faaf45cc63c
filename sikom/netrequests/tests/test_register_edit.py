"""The coordination edits (with a lost-update check) and deletes its register entries; a deleted entry takes its
notes with it, and the edit page says so before."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.core.versions import EditConflict
from sikom.netrequests import services
from sikom.netrequests.models import RegisterEntry, RegisterNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(expert_network):
    entry = services.create_entry(
        by=expert_network, kind="property", name="Gasthof", place="Pirna", description="Kaufinteresse"
    )
    services.add_note(entry=entry, by=expert_network, on=date(2026, 1, 5), text="Besichtigung")
    services.add_note(entry=entry, by=expert_network, on=date(2026, 2, 5), text="Notartermin")
    return entry


def test_an_edit_keeps_the_notes_and_refuses_a_stale_version(entry, expert_network):
    updated = services.update_entry(
        entry=entry, by=expert_network, kind="activity", name="Gasthof", place="Pirna-Copitz", description="", version=1
    )
    assert (updated.kind, updated.place, updated.version) == ("activity", "Pirna-Copitz", 2)
    assert entry.notes.count() == 2
    assert AuditEvent.objects.get(action="netrequests.register_entry_updated").data == {
        "fields": ["description", "kind", "place"]
    }
    with pytest.raises(EditConflict):
        services.update_entry(
            entry=entry, by=expert_network, kind="property", name="X", place="Y", description="", version=1
        )
    assert RegisterEntry.objects.get().name == "Gasthof"


def test_a_delete_takes_the_notes_and_is_audited(entry, expert_network):
    with pytest.raises(EditConflict):
        services.delete_entry(entry=entry, by=expert_network, version=5)
    with pytest.raises(services.RequestRefused, match="Vermerke hinzugekommen"):
        services.delete_entry(entry=entry, by=expert_network, version=1, notes_seen=1)
    assert services.delete_entry(entry=entry, by=expert_network, version=1, notes_seen=2) == 2
    assert not RegisterEntry.objects.exists() and not RegisterNote.objects.exists()
    assert AuditEvent.objects.get(action="netrequests.register_entry_deleted").data == {
        "kind": "property",
        "notes_deleted": 2,
    }


def test_only_the_own_coordination_edits_or_deletes(entry, zastex):
    other = testing.expert_network_of("14612")
    other_member = testing.make_user(organisation=other)
    other_member.is_verified = lambda: True
    for by in (zastex, other_member):
        with pytest.raises(services.RequestRefused):
            services.update_entry(entry=entry, by=by, kind="property", name="X", place="Y", description="", version=1)
        with pytest.raises(services.RequestRefused):
            services.delete_entry(entry=entry, by=by, version=1)
    assert RegisterEntry.objects.get().name == "Gasthof"


def test_the_pages_edit_and_delete_after_saying_what_goes(client, entry, expert_network):
    testing.login(client, expert_network)
    detail = client.get(reverse("netrequests:entry", args=[entry.pk])).content.decode()
    assert reverse("netrequests:entry_edit", args=[entry.pk]) in detail
    page = client.get(reverse("netrequests:entry_edit", args=[entry.pk])).content.decode()
    assert "seine 2 Vermerke im Verlauf endgültig gelöscht" in page
    form = {"kind": "property", "name": "Gasthof zur Linde", "place": "Pirna", "description": "", "version": "1"}
    response = client.post(reverse("netrequests:entry_edit", args=[entry.pk]), form)
    assert response.status_code == 302 and RegisterEntry.objects.get().name == "Gasthof zur Linde"
    # The same form again is based on an older version: refused, nothing saved.
    response = client.post(reverse("netrequests:entry_edit", args=[entry.pk]), form | {"name": "Alt"})
    assert response.status_code == 400 and "inzwischen" in response.content.decode()
    assert RegisterEntry.objects.get().name == "Gasthof zur Linde"
    # Delete without confirming: a message at the field; with it the entry and its notes go.
    response = client.post(reverse("netrequests:entry_delete", args=[entry.pk]), {"version": "2", "notes": "2"})
    assert response.status_code == 400 and "Bitte bestätigen Sie das Löschen." in response.content.decode()
    response = client.post(
        reverse("netrequests:entry_delete", args=[entry.pk]), {"version": "2", "notes": "2", "confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("netrequests:register")
    assert not RegisterEntry.objects.exists() and not RegisterNote.objects.exists()
    assert client.get(reverse("netrequests:entry_edit", args=[entry.pk])).status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "castle"},
        {"kind": ""},
        {"name": ""},
        {"name": "x" * 201},
        {"place": "x" * 301},
        {"description": "x" * 20_001},
        {"version": ""},
        {"version": "-1"},
        {"version": "x"},
        {"version": str(2**40)},
    ],
)
def test_hostile_edits_are_refused_and_save_nothing(client, entry, expert_network, fields):
    testing.login(client, expert_network)
    form = {"kind": "property", "name": "Neu", "place": "Neu", "description": "", "version": "1"} | fields
    response = client.post(reverse("netrequests:entry_edit", args=[entry.pk]), form)
    assert response.status_code == 400 and "Bitte prüfen Sie Ihre Angaben." in response.content.decode()
    assert RegisterEntry.objects.get().name == "Gasthof"


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"confirm": "on"},
        {"confirm": "on", "version": "x", "notes": "2"},
        {"version": "1", "notes": "2"},
        {"confirm": "on", "version": "1"},
        {"confirm": "on", "version": "1", "notes": "-5"},
        {"confirm": "on", "version": "1", "notes": "1"},  # a note was added since the page was opened
    ],
)
def test_hostile_deletes_are_refused(client, entry, expert_network, fields):
    testing.login(client, expert_network)
    response = client.post(reverse("netrequests:entry_delete", args=[entry.pk]), fields)
    assert response.status_code == 400 and "Bitte prüfen Sie Ihre Angaben." in response.content.decode()
    assert RegisterEntry.objects.exists() and RegisterNote.objects.count() == 2


def test_forged_ids_and_missing_csrf(client, entry, expert_network):
    testing.login(client, expert_network)
    assert (
        client.post(
            reverse("netrequests:entry_delete", args=[2**31]), {"confirm": "on", "version": "1", "notes": "2"}
        ).status_code
        == 404
    )
    strict = Client(enforce_csrf_checks=True)
    testing.login(strict, expert_network)
    assert (
        strict.post(
            reverse("netrequests:entry_delete", args=[entry.pk]), {"confirm": "on", "version": "1", "notes": "2"}
        ).status_code
        == 403
    )
    assert RegisterEntry.objects.exists()
