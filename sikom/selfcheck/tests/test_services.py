"""The guide as data: loading the reference guide, frozen published versions, copies as new drafts, saved checks
encrypted at rest and evaluated against the version they were given with."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.selfcheck import logic, selectors, services
from sikom.selfcheck.models import Advice, Choice, FrozenVersion, GuideVersion, Question, SavedCheck, Topic
from sikom.selfcheck.state import State
from sikom.selfcheck.tests.helpers import ALL_WELL, walk

pytestmark = pytest.mark.django_db


def test_reference_guide_is_loaded_once_and_published():
    version = selectors.current_version()
    assert version.number == 1 and version.is_published
    assert services.load_guide() == {"selfcheck_versions_created": 0}
    assert GuideVersion.objects.count() == 1
    topics = [topic.key for topic in Topic.objects.filter(version=version)]
    assert topics == ["anschrift", "zuhause", "wege", "auftritte", "amt", "online", "dokumentation"]


def test_every_question_and_advice_names_its_public_source():
    assert not Question.objects.filter(source="").exists()
    assert not Advice.objects.filter(source="").exists()
    assert Question.objects.filter(key="auskunftssperre", source__contains="§ 51 Bundesmeldegesetz").exists()
    # Every choice with advice; every advice has an urgency from the list.
    assert set(Advice.objects.values_list("urgency", flat=True)) <= {1, 2, 3}


def test_published_version_is_frozen():
    question = Question.objects.get(key="auskunftssperre")
    question.text = "Geändert"
    with pytest.raises(FrozenVersion):
        question.save()
    with pytest.raises(ValidationError):
        question.clean()
    with pytest.raises(FrozenVersion):
        Choice.objects.filter(question=question).first().delete()
    with pytest.raises(FrozenVersion):
        Topic.objects.create(version=question.version, key="neu", title="Neu")


def test_copy_makes_an_editable_draft_with_the_same_branching(asskomm):
    published = selectors.current_version()
    draft = services.copy_version(version=published, by=asskomm)
    assert draft.number == 2 and not draft.is_published
    assert Question.objects.filter(version=draft).count() == Question.objects.filter(version=published).count()
    follow_up = Question.objects.get(version=draft, key="sperre_ablauf")
    assert follow_up.opened_by.question.version == draft and follow_up.opened_by.key == "ja"
    assert (
        Advice.objects.filter(choice__question__version=draft).count()
        == Advice.objects.filter(choice__question__version=published).count()
    )
    follow_up.text = "Wann endet Ihre Auskunftssperre?"
    follow_up.save()  # a draft can be edited
    assert selectors.current_version() == published  # drafts are never shown
    services.publish_version(version=draft, by=asskomm)
    assert selectors.current_version().number == 2
    with pytest.raises(services.Refused):
        services.publish_version(version=draft, by=asskomm)
    assert AuditEvent.objects.filter(action="selfcheck.version_published").exists()


def test_saved_answers_are_evaluated_against_their_own_version(client, official, asskomm):
    testing.login(client, official)
    result = walk(client, ALL_WELL | {"auskunftssperre": "nein"})
    response = client.post("/selbstcheck/speichern/", {"zustand": result.context["token"]})
    saved = SavedCheck.objects.get(user=official)
    assert response.status_code == 302 and response["Location"] == f"/selbstcheck/gespeichert/{saved.pk}/"
    # A newer version changes the advice; the saved check keeps the old one.
    draft = services.copy_version(version=saved.version, by=asskomm)
    Advice.objects.filter(choice__question__version=draft, title="Auskunftssperre im Melderegister beantragen").update(
        title="Neuer Titel"
    )
    services.publish_version(version=draft, by=asskomm)
    page = client.get(f"/selbstcheck/gespeichert/{saved.pk}/")
    body = page.content.decode()
    assert "Auskunftssperre im Melderegister beantragen" in body and "Neuer Titel" not in body
    assert "Fassung 1" in body
    assert "Meldebehörde der Stadt Pirna" in body


def test_saved_content_is_encrypted_at_rest_and_the_audit_names_no_answer(official):
    version = selectors.current_version()
    saved = services.save_check(
        user=official, state=State(version=version.number, answers={"auskunftssperre": "nein"}, ags="14628270")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT content FROM {SavedCheck._meta.db_table} WHERE id = %s", [saved.pk])  # noqa: S608
        raw = cursor.fetchone()[0]
    assert "auskunftssperre" not in raw and "14628270" not in raw
    assert SavedCheck.objects.get(pk=saved.pk).content["answers"] == {"auskunftssperre": "nein"}
    entry = AuditEvent.objects.get(action="selfcheck.saved")
    assert "nein" not in str(entry.data) and "1462" not in str(entry.data)


def test_owner_deletes_a_saved_check(client, official):
    version = selectors.current_version()
    saved = services.save_check(user=official, state=State(version=version.number))
    testing.login(client, official)
    assert "Selbstcheck vom" in client.get("/selbstcheck/gespeichert/").content.decode()
    response = client.post(f"/selbstcheck/gespeichert/{saved.pk}/loeschen/")
    assert response.status_code == 302
    assert not SavedCheck.objects.exists()
    assert AuditEvent.objects.filter(action="selfcheck.deleted").exists()


def test_demo_loader_saves_one_check_for_the_demo_official():
    from sikom.selfcheck import demo

    assert demo.load() == []  # no demo account yet
    official = testing.make_user(email="amtstraegerin@demo.sikom.invalid")
    lines = demo.load()
    assert lines and SavedCheck.objects.get(user=official).is_demo
    assert demo.load() == []  # idempotent
    guide = logic.build(selectors.current_version())
    assert logic.valid_answers(guide, demo.DEMO_ANSWERS) == demo.DEMO_ANSWERS  # every demo answer is asked


def test_operator_admin_cannot_change_a_published_version(client, operator):
    testing.login(client, operator)
    question = Question.objects.get(key="auskunftssperre")
    url = f"/plattformverwaltung/selfcheck/question/{question.pk}/change/"
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {"text": "Geändert"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text != "Geändert"
