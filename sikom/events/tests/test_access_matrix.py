"""Every URL of the events app for every persona and anonymous: the public pages for everyone, the links from the
e-mails only with a valid token, »Meine Anmeldungen« for the logged-in owner, the staff pages for ASSKomm only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sikom import testing
from sikom.events import services
from sikom.events.models import Attendance, NewsItem, Publication
from sikom.events.tests.factories import make_event, make_session, member, past_confirmed

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
LOGIN = "login"


@pytest.fixture
def world(settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    session = make_session()
    draft = make_event(title="Entwurf", is_published=False)
    draft_session = make_session(draft)
    someone = member(900)
    registration = services.register_member(session_id=session.pk, user=someone, data={"organisation": "G"})
    past = past_confirmed(901, days=-2)
    Attendance.objects.create(session=past.session, person=past.persons.get())
    data = {"type": "flyer", "publisher": "X", "order_info": "Bestellung"}
    upload = SimpleUploadedFile("f.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    public = services.save_publication(
        publication=None, by=None, data=data | {"title": "Öffentlich", "is_published": True}, upload=upload
    )
    hidden = services.save_publication(publication=None, by=None, data=data | {"title": "Entwurf"})
    news = NewsItem.objects.create(title="N", text="T", published_on="2026-01-01", is_published=True)
    return {
        "session": session,
        "event": session.event,
        "draft": draft,
        "draft_session": draft_session,
        "registration": registration,
        "past": past,
        "public": public,
        "hidden": hidden,
        "news": news,
    }


def expectations(world, persona):
    """(method, url, expected) — expected is a status code or LOGIN."""
    anonymous = persona == "anonymous"
    staff = persona == "asskomm"
    no_role = 403
    staff_page = 200 if staff else (LOGIN if anonymous else no_role)
    event, session, draft = world["event"], world["session"], world["draft"]
    past = world["past"]
    past_person = past.persons.get().pk
    return [
        ("get", reverse("events:list"), 200),
        ("get", reverse("events:feed"), 200),
        ("get", reverse("events:detail", args=[event.pk]), 200),
        ("get", reverse("events:detail", args=[draft.pk]), 200 if staff else 404),
        ("get", reverse("events:register", args=[session.pk]), 200),
        ("get", reverse("events:register", args=[world["draft_session"].pk]), 200 if staff else 404),
        ("get", reverse("events:confirm", args=["erfunden"]), 400),
        ("post", reverse("events:confirm", args=["erfunden"]), 400),
        ("get", reverse("events:accept_offer", args=["erfunden"]), 400),
        ("get", reverse("events:registration", args=["erfunden"]), 400),
        ("post", reverse("events:registration", args=["erfunden"]), 400),
        ("get", reverse("events:mine"), LOGIN if anonymous else 200),
        ("post", reverse("events:mine_cancel", args=[world["registration"].pk]), LOGIN if anonymous else 404),
        ("get", reverse("events:manage"), staff_page),
        ("get", reverse("events:create"), staff_page),
        ("get", reverse("events:edit", args=[event.pk]), staff_page),
        ("get", reverse("events:edit", args=[draft.pk]), staff_page),
        ("get", reverse("events:agenda", args=[event.pk]), staff_page),
        ("get", reverse("events:session_create", args=[event.pk]), staff_page),
        ("get", reverse("events:session_edit", args=[session.pk]), staff_page),
        ("get", reverse("events:session_registrations", args=[session.pk]), staff_page),
        ("get", reverse("events:session_registrations", args=[session.pk]) + "?format=csv", staff_page),
        ("post", reverse("events:session_registrations", args=[session.pk]), staff_page),
        ("post", reverse("events:agenda", args=[event.pk]), staff_page),
        # Attendance, certificates, feedback, documentation (second slice).
        ("get", reverse("events:check_in", args=[session.pk]), staff_page),
        ("post", reverse("events:check_in", args=[session.pk]), 302 if staff else (LOGIN if anonymous else no_role)),
        ("get", reverse("events:walk_in", args=[session.pk]), staff_page),
        ("post", reverse("events:walk_in", args=[session.pk]), staff_page),
        ("get", reverse("events:attendance_list", args=[past.session_id]), staff_page),
        ("get", reverse("events:attendance_list", args=[past.session_id]) + "?format=csv", staff_page),
        ("get", reverse("events:certificate", args=["erfunden", past_person]), 400),
        ("get", reverse("events:mine_certificate", args=[past.pk, past_person]), LOGIN if anonymous else 404),
        ("get", reverse("events:feedback", args=["erfunden"]), 400),
        ("post", reverse("events:feedback", args=["erfunden"]), 400),
        ("get", reverse("events:feedback_results", args=[event.pk]), staff_page),
        ("get", reverse("events:documentation", args=[event.pk]), staff_page),
        # Publications and news.
        ("get", reverse("events:publications"), 200),
        ("get", reverse("events:publication_detail", args=[world["public"].pk]), 200),
        ("get", reverse("events:publication_detail", args=[world["hidden"].pk]), 200 if staff else 404),
        ("get", reverse("events:publication_file", args=[world["public"].pk]), 200),
        ("get", reverse("events:publication_file", args=[world["hidden"].pk]), 404),
        ("get", reverse("events:publication_create"), staff_page),
        ("post", reverse("events:publication_create"), staff_page),
        ("get", reverse("events:publication_edit", args=[world["public"].pk]), staff_page),
        ("get", reverse("events:publication_edit", args=[world["hidden"].pk]), staff_page),
        ("get", reverse("events:news_manage"), staff_page),
        ("get", reverse("events:news_create"), staff_page),
        ("post", reverse("events:news_create"), staff_page),
        ("get", reverse("events:news_edit", args=[world["news"].pk]), staff_page),
        # Deleting answers only to POST; the staff's POSTs are tested with their effects elsewhere.
        ("get", reverse("events:publication_delete", args=[world["public"].pk]), 405 if staff else staff_page),
        ("post", reverse("events:publication_delete", args=[world["public"].pk]), 302 if staff else staff_page),
        ("get", reverse("events:news_delete", args=[world["news"].pk]), 405 if staff else staff_page),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_events_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    for method, url, expected in expectations(world, persona):
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), (
                persona,
                url,
            )
        else:
            assert response.status_code == expected, (persona, method, url, response.status_code)
    # Nothing anyone did here changed the registration, the attendance or the library.
    world["registration"].refresh_from_db()
    assert world["registration"].status == "confirmed"
    assert Attendance.objects.count() == 1
    assert not NewsItem.objects.exclude(pk=world["news"].pk).exists()
    assert Publication.objects.filter(pk=world["public"].pk).exists() == (persona != "asskomm")
    assert NewsItem.objects.filter(pk=world["news"].pk).exists()


def test_unverified_asskomm_is_sent_to_the_second_factor(client, asskomm):
    testing.login(client, asskomm, verified=False)
    response = client.get(reverse("events:manage"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_navigation_entries(client, asskomm):
    body = client.get(reverse("events:list")).content.decode()
    assert 'href="/veranstaltungen/"' in body and reverse("events:manage") not in body.split("<main")[0]
    testing.login(client, asskomm)
    body = client.get(reverse("events:list")).content.decode()
    assert reverse("events:manage") in body
