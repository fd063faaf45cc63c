"""Deleting personal data after the retention time (counts kept), the publications library with uploads, the news
block on the start page and the conference documentation."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.core import figures, housekeeping
from sikom.events import files, selectors, services
from sikom.events.models import (
    Attendance,
    FeedbackAnswer,
    LinkToken,
    NewsItem,
    Person,
    Publication,
    Registration,
    SessionTally,
)
from sikom.events.tests.factories import make_event, make_session, manage_token, past_confirmed

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")


def test_retention_deletes_personal_data_and_keeps_counts(settings):
    settings.EVENT_RETENTION_MONTHS = 12
    old = make_session(days=-400)
    recent = make_session(days=-30)
    registration = past_confirmed(1, session=old, seats=2)
    Attendance.objects.create(session=old, person=registration.persons.first())
    manage_token(registration)
    keep = past_confirmed(2, session=recent)
    FeedbackAnswer.objects.create(
        event=old.event, submitted_on=timezone.localdate(), overall=5, usefulness=5, organisation=5
    )
    participants = next(f for f in figures.registered() if f.key == "participants")
    assert len(list(participants.rows())) == 1
    result = housekeeping.run_jobs()
    assert result["event_registrations_deleted"] == 1
    assert not Registration.objects.filter(session=old).exists()
    assert not Person.objects.filter(registration__session=old).exists()
    assert not LinkToken.objects.exists()
    assert Registration.objects.filter(pk=keep.pk).exists()
    tally = SessionTally.objects.get(session=old)
    assert (tally.registrations, tally.persons_confirmed) == (1, 2)
    attendance = Attendance.objects.get(session=old)
    assert attendance.person is None
    assert len(list(participants.rows())) == 1  # the figure survives
    assert selectors.event_figures(old.event) == {"registered": 2, "present": 1}
    assert FeedbackAnswer.objects.count() == 1
    assert housekeeping.run_jobs()["event_registrations_deleted"] == 0


def test_retention_months_setting_is_strict(monkeypatch):
    from sikom import env

    monkeypatch.setenv("EVENT_RETENTION_MONTHS", "zwölf")
    with pytest.raises(Exception):  # noqa: B017 -- env raises ImproperlyConfigured
        env.integer("EVENT_RETENTION_MONTHS", 12, minimum=1, maximum=120)
    assert services.months_before(timezone.now(), 12) < timezone.now() - timedelta(days=360)


@pytest.fixture
def staff(client, asskomm):
    testing.login(client, asskomm)
    return client


def _form(**fields):
    return {
        "title": "Leitfaden Deeskalation",
        "type": "guide",
        "description": "Wie Gespräche gelingen.",
        "publisher": "ASSKomm (Demo)",
        "published_on": "2024-02-27",
        "language": "de",
        "topics": ["deescalation"],
        "external_url": "",
        "order_info": "",
        "event": "",
    } | fields


def test_publication_with_file_is_stored_and_served(staff, client):
    upload = SimpleUploadedFile("leitfaden.pdf", PDF, content_type="application/pdf")
    response = staff.post(reverse("events:publication_create"), _form(file=upload, is_published="on"))
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.file_name.startswith("publications/") and publication.file_content_type == "application/pdf"
    assert publication.topics == ["deescalation"]
    download = staff.get(reverse("events:publication_file", args=[publication.pk]))
    assert b"".join(download.streaming_content) == PDF and download["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile("a.pdf", b"MZ\x90\x00 programm", content_type="application/pdf"),
            "Format, das wir nicht annehmen",
        ),
        (
            SimpleUploadedFile("a.exe", b"#!/bin/sh\nrm -rf /", content_type="text/plain"),
            "Format, das wir nicht annehmen",
        ),
        (SimpleUploadedFile("gross.pdf", PDF + b"0" * 2048, content_type="application/pdf"), "größer als"),
    ],
)
def test_publication_upload_refused(staff, monkeypatch, upload, message):
    monkeypatch.setattr(files, "MAX_BYTES", 1024)
    response = staff.post(reverse("events:publication_create"), _form(file=upload))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    "fields,message",
    [
        ({}, "Bitte laden Sie eine Datei hoch oder geben Sie einen Link oder den Bezug an."),
        ({"external_url": "http://example.org/x.pdf"}, "verschlüsselten Link"),
        ({"type": "poster", "order_info": "x"}, "Diese Auswahl gibt es nicht"),
        ({"topics": ["erfunden"], "order_info": "x"}, "Dieses Thema gibt es nicht"),
        ({"event": "999999", "order_info": "x"}, "Diese Auswahl gibt es nicht"),
        ({"published_on": "31.02.2024", "order_info": "x"}, "Bitte geben Sie ein Datum an"),
        ({"title": "", "order_info": "x"}, "Bitte füllen Sie dieses Feld aus."),
    ],
)
def test_publication_bad_input(staff, fields, message):
    response = staff.post(reverse("events:publication_create"), _form(**fields))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Publication.objects.exists()


def test_publication_search_and_filters(client):
    def make(title, **fields):
        data = {"title": title, "type": "flyer", "publisher": "X", "is_published": True, "order_info": "x"} | fields
        return services.save_publication(publication=None, by=None, data=data)

    make("Flyer Allianz", description="Angebote der Landesstrategie", topics=["prevention"])
    make("Studie Hassrede", type="study", description="Anfeindungen im Netz", topics=["hostility"])
    make("Entwurf", is_published=False)
    url = reverse("events:publications")
    body = client.get(url).content.decode()
    assert "Flyer Allianz" in body and "Studie Hassrede" in body and "Entwurf" not in body
    body = client.get(url, {"q": "landesstrategie"}).content.decode()
    assert "Flyer Allianz" in body and "Studie Hassrede" not in body
    body = client.get(url, {"art": "study"}).content.decode()
    assert "Studie Hassrede" in body and "Flyer Allianz" not in body
    body = client.get(url, {"thema": "prevention", "sprache": "de"}).content.decode()
    assert "Flyer Allianz" in body and "Studie Hassrede" not in body
    response = client.get(url, {"art": "erfunden", "q": "x" * 500})
    assert response.status_code == 200


def test_publication_list_query_count(client, django_assert_num_queries):
    for n in range(5):
        services.save_publication(
            publication=None,
            by=None,
            data={"title": f"P{n}", "type": "flyer", "publisher": "X", "is_published": True, "topics": ["safety"]},
        )
    client.get(reverse("events:publications"))
    with django_assert_num_queries(3):  # count (pages), publications, their topics
        client.get(reverse("events:publications"))


def test_news_on_the_start_page(staff):
    response = staff.post(
        reverse("events:news_create"),
        {
            "title": "Neue Trainingstermine (Demo)",
            "text": "Ab März.",
            "published_on": "2026-01-01",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    NewsItem.objects.create(title="Entwurf", text="x", published_on=timezone.localdate(), is_published=False)
    body = Client().get("/").content.decode()
    assert "Aktuelles" in body and "Neue Trainingstermine (Demo)" in body and "Entwurf" not in body
    bad = staff.post(reverse("events:news_create"), {"title": "", "text": "", "published_on": "gestern"})
    assert bad.status_code == 200 and "Bitte geben Sie ein Datum an" in bad.content.decode()
    assert NewsItem.objects.count() == 2


def test_conference_page_shows_programme_and_documentation(staff):
    event = make_event(title="Fachkonferenz (Test)", type="conference")
    session = make_session(event, days=-20)
    event.agenda.create(starts_at="09:30", title="Begrüßung")
    registration = past_confirmed(1, session=session, seats=3)
    for person in list(registration.persons.all())[:2]:
        Attendance.objects.create(session=session, person=person)
    staff.post(reverse("events:documentation", args=[event.pk]), {"report": "Rund 300 Gäste diskutierten."})
    services.save_publication(
        publication=None,
        by=None,
        data={
            "title": "Folien Lagebild",
            "type": "slides",
            "publisher": "X",
            "is_published": True,
            "event": event,
            "order_info": "x",
        },
    )
    body = Client().get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Programm" in body and "Begrüßung" in body
    assert "Dokumentation" in body and "Rund 300 Gäste diskutierten." in body and "Folien Lagebild" in body
    assert "Anmeldungen (bestätigte Personen)" in body and ">3<" in body and ">2<" in body
    bad = staff.post(reverse("events:documentation", args=[event.pk]), {"report": "x" * 10001})
    assert "höchstens 10000 Zeichen" in bad.content.decode()


def test_staff_delete_a_publication_with_its_file_and_the_deletion_is_audited(
    staff, django_capture_on_commit_callbacks
):
    from django.core.files.storage import storages

    from sikom.core.models import AuditEvent

    upload = SimpleUploadedFile("leitfaden.pdf", PDF, content_type="application/pdf")
    staff.post(reverse("events:publication_create"), _form(file=upload, is_published="on"))
    publication = Publication.objects.get()
    edit = staff.get(reverse("events:publication_edit", args=[publication.pk])).content.decode()
    assert reverse("events:publication_delete", args=[publication.pk]) in edit
    assert staff.get(reverse("events:publication_delete", args=[publication.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff.post(reverse("events:publication_delete", args=[publication.pk]))
    assert answer.status_code == 302 and answer["Location"] == reverse("events:publications")
    assert not Publication.objects.exists()
    assert not storages[files.STORAGE_ALIAS].exists(publication.file_name)
    assert AuditEvent.objects.get(action="events.publication_deleted").data == {
        "title": "Leitfaden Deeskalation",
        "file": True,
    }
    assert staff.post(reverse("events:publication_delete", args=[publication.pk])).status_code == 404


def test_staff_delete_a_news_item_and_it_leaves_the_start_page(staff):
    from sikom.core.models import AuditEvent

    item = NewsItem.objects.create(title="Alte Meldung", text="x", published_on=timezone.localdate(), is_published=True)
    assert "Alte Meldung" in Client().get("/").content.decode()
    assert (
        reverse("events:news_delete", args=[item.pk])
        in staff.get(reverse("events:news_edit", args=[item.pk])).content.decode()
    )
    assert staff.post(reverse("events:news_delete", args=[item.pk]))["Location"] == reverse("events:news_manage")
    assert not NewsItem.objects.exists() and "Alte Meldung" not in Client().get("/").content.decode()
    assert AuditEvent.objects.filter(action="events.news_deleted").count() == 1
    assert Client().post(reverse("events:news_delete", args=[item.pk])).status_code == 302  # to the login
