"""Reordering the questionnaire's pages in the editor: one step up or down per form (no JavaScript), audited,
refused when a skip condition would then point to a later question or once the questionnaire is fixed; the preview
and the respondents' pages follow the new order."""

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.surveys import logic, services
from sikom.surveys.models import Section
from sikom.surveys.tests.factories import dresden, make_analysis, running_analysis

pytestmark = pytest.mark.django_db


def _titles(analysis) -> list[str]:
    return [s.title["de"] for s in analysis.questionnaire.sections.order_by("position", "pk")]


def test_a_page_moves_one_step_and_stays_at_the_edges(asskomm):
    analysis = make_analysis(by=asskomm)
    before = _titles(analysis)
    sections = list(analysis.questionnaire.sections.order_by("position", "pk"))
    version = analysis.questionnaire.version

    services.move_section(section=sections[1], direction=-1, by=asskomm)
    assert _titles(analysis) == [before[1], before[0], *before[2:]]
    assert AuditEvent.objects.filter(action="surveys.section_moved", actor=asskomm).count() == 1
    analysis.questionnaire.refresh_from_db()
    assert analysis.questionnaire.version == version + 1
    # The spec the respondents' pages are built from follows the new order.
    spec = logic.load_spec(analysis.questionnaire)
    assert [q.code for q in spec.sections[0].questions][:1] == ["sorge"]

    services.move_section(section=sections[-1], direction=1, by=asskomm)  # already last: nothing happens
    services.move_section(section=sections[1], direction=-1, by=asskomm)  # now first: nothing happens
    assert _titles(analysis) == [before[1], before[0], *before[2:]]
    services.move_section(section=sections[-1], direction=-1, by=asskomm)
    assert _titles(analysis)[-2:] == [before[-1], before[-2]]
    with pytest.raises(services.Refused):
        services.move_section(section=sections[0], direction=5, by=asskomm)


def test_a_move_that_breaks_a_skip_condition_is_refused_and_changes_nothing(asskomm):
    analysis = make_analysis(by=asskomm)
    questionnaire = analysis.questionnaire
    first = questionnaire.sections.order_by("position").first()
    # »sorge« (page 2) only for those who feel unsafe after dark (page 1): page 1 may not move behind page 2.
    services.set_condition(
        question=questionnaire.questions.get(code="sorge"),
        source=questionnaire.questions.get(code="sicher_dunkel"),
        option_codes=["3", "4"],
        by=asskomm,
    )
    before = _titles(analysis)
    with pytest.raises(services.Refused, match="früher"):
        services.move_section(section=first, direction=1, by=asskomm)
    assert _titles(analysis) == before
    assert not AuditEvent.objects.filter(action="surveys.section_moved").exists()


def test_a_running_analysis_keeps_its_page_order(asskomm):
    analysis = running_analysis(by=asskomm)
    before = _titles(analysis)
    with pytest.raises(services.Refused):
        services.move_section(section=analysis.questionnaire.sections.last(), direction=-1, by=asskomm)
    assert _titles(analysis) == before


def test_the_editor_moves_pages_without_javascript(municipality_user):
    analysis = make_analysis(by=municipality_user)
    client = testing.login(Client(), municipality_user)
    sections = list(analysis.questionnaire.sections.order_by("position", "pk"))
    before = _titles(analysis)
    page = client.get(reverse("surveys:editor", args=[analysis.pk])).content.decode()
    assert page.count(reverse("surveys:section_move", args=[sections[0].pk])) == 1
    assert "Seite nach oben" in page and "Seite nach unten" in page

    url = reverse("surveys:section_move", args=[sections[2].pk])
    answer = client.post(url, {"direction": "hoch"})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("surveys:editor", args=[analysis.pk]) + f"#seite-{sections[2].pk}"
    assert _titles(analysis)[1:3] == [before[2], before[1]]

    for data in ({"direction": "seitwärts"}, {}, {"direction": "-1"}):
        answer = client.post(url, data, follow=True)
        assert answer.status_code == 200 and "Diese Richtung gibt es nicht." in answer.content.decode()
    assert _titles(analysis)[1:3] == [before[2], before[1]]
    assert client.get(url).status_code == 405

    services.change_status(analysis=analysis, to="running", by=municipality_user)
    answer = client.post(url, {"direction": "runter"}, follow=True)
    assert "festgelegt" in answer.content.decode()
    assert "Seite nach unten" not in answer.content.decode()
    assert _titles(analysis)[1:3] == [before[2], before[1]]


def test_pages_of_another_municipality_and_forged_ids_answer_404(municipality_user, asskomm):
    other = make_analysis(by=asskomm, municipality=dresden())
    client = testing.login(Client(), municipality_user)
    before = _titles(other)
    section = other.questionnaire.sections.last()
    assert client.post(reverse("surveys:section_move", args=[section.pk]), {"direction": "hoch"}).status_code == 404
    assert client.post("/sicherheitsanalysen/seiten/999999999/verschieben/", {"direction": "hoch"}).status_code == 404
    assert _titles(other) == before


def test_a_move_without_csrf_token_is_refused(municipality_user):
    analysis = make_analysis(by=municipality_user)
    client = testing.login(Client(enforce_csrf_checks=True), municipality_user)
    section = Section.objects.filter(questionnaire=analysis.questionnaire).last()
    before = _titles(analysis)
    assert client.post(reverse("surveys:section_move", args=[section.pk]), {"direction": "hoch"}).status_code == 403
    assert _titles(analysis) == before
