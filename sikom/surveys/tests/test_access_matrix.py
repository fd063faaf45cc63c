"""Every URL of the app, for every persona and anonymous: the expected answer (200 page, 302 to the login or the
code entry, 403 wrong role, 404 an object outside the persona's queryset, 405 wrong method)."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.surveys import services
from sikom.surveys.models import Question, SafetyAnalysis
from sikom.surveys.tests.factories import dresden, make_analysis, pirna, running_analysis

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "official",
    "municipality_user",
    "asskomm",
    "zastex",
    "zmi",
    "pd_dresden",
    "expert_network",
    "operator",
    "outsider",
]


def expected(**named):
    """Status per persona: anonymous → 302 (login), named ones as given, every other persona 403."""
    return {persona: named.get(persona, 302 if persona == "anonymous" else 403) for persona in PERSONAS}


KEEPERS = {"municipality_user": 200, "asskomm": 200}
OWN = expected(**KEEPERS)
OTHER = expected(asskomm=200, municipality_user=404)
POST_ONLY = expected(municipality_user=405, asskomm=405)
PUBLIC = dict.fromkeys(PERSONAS, 200)


@pytest.fixture
def world(asskomm):
    own = running_analysis(by=asskomm, municipality=pirna())
    other = make_analysis(by=asskomm, municipality=dresden())
    services.enable_open_link(analysis=own, enabled=True, by=asskomm)
    own.refresh_from_db()
    return {
        "own": own,
        "other": other,
        "own_question": own.questionnaire.questions.first(),
        "other_question": other.questionnaire.questions.first(),
        "own_section": own.questionnaire.sections.first(),
        "other_section": other.questionnaire.sections.first(),
        "own_member": own.team.first(),
    }


def _args(world, key):
    if key is None:
        return []
    if key == "own_member":
        return [world["own"].pk, world["own_member"].pk]
    if key == "open_token":
        return [world["own"].open_token]
    return [world[key].pk]


# (url name, object key in `world` or None, expected)
MATRIX = [
    ("surveys:list", None, OWN),
    ("surveys:create", None, OWN),
    ("surveys:detail", "own", OWN),
    ("surveys:detail", "other", OTHER),
    ("surveys:edit", "own", OWN),
    ("surveys:edit", "other", OTHER),
    ("surveys:milestones", "own", OWN),
    ("surveys:milestones", "other", OTHER),
    ("surveys:status", "own", POST_ONLY),
    ("surveys:team_add", "own", POST_ONLY),
    ("surveys:team_remove", "own_member", POST_ONLY),
    ("surveys:codes", "own", POST_ONLY),
    ("surveys:open_link", "own", POST_ONLY),
    ("surveys:editor", "own", OWN),
    ("surveys:editor", "other", OTHER),
    ("surveys:bank_add", "own", POST_ONLY),
    ("surveys:intro", "own", POST_ONLY),
    ("surveys:section_create", "own", POST_ONLY),
    ("surveys:question_create", "own", OWN),
    ("surveys:question_create", "other", OTHER),
    ("surveys:preview", "own", OWN),
    ("surveys:preview", "other", OTHER),
    ("surveys:section_edit", "own_section", OWN),
    ("surveys:section_edit", "other_section", OTHER),
    ("surveys:section_move", "own_section", POST_ONLY),
    ("surveys:question_edit", "own_question", OWN),
    ("surveys:question_edit", "other_question", OTHER),
    ("surveys:question_move", "own_question", POST_ONLY),
    ("surveys:question_delete", "own_question", POST_ONLY),
    ("surveys:start", None, PUBLIC),
    ("surveys:page", None, dict.fromkeys(PERSONAS, 302)),
    ("surveys:language", None, dict.fromkeys(PERSONAS, 405)),
    ("surveys:saved", None, PUBLIC),
    ("surveys:thanks", None, PUBLIC),
    ("surveys:open", "open_token", PUBLIC),
]


@pytest.fixture
def clients(request, world):
    result = {"anonymous": Client()}
    for persona in PERSONAS[1:]:
        result[persona] = testing.login(Client(), request.getfixturevalue(persona))
    return result


# The URLs the app includes from its parts, each walked persona by persona in the part's own test module.
PART_TESTS = {
    "sikom.surveys.fieldwork_urls": "test_fieldwork_views.py",
    "sikom.surveys.language_urls": "test_language_access_matrix.py",
    "sikom.surveys.paper_urls": "test_paper_access_matrix.py",
    "sikom.surveys.report_urls": "test_report_access_matrix.py",
}


def test_every_url_of_the_app_is_in_the_matrix():
    from django.urls import URLResolver

    from sikom.surveys.urls import urlpatterns

    own = {f"surveys:{pattern.name}" for pattern in urlpatterns if not isinstance(pattern, URLResolver)}
    assert own == {name for name, _key, _expected in MATRIX}
    parts = [pattern for pattern in urlpatterns if isinstance(pattern, URLResolver)]
    assert {part.urlconf_name.__name__ for part in parts} == set(PART_TESTS)
    for part in parts:
        source = (Path(__file__).parent / PART_TESTS[part.urlconf_name.__name__]).read_text()
        missing = [p.name for p in part.url_patterns if f"surveys:{p.name}" not in source]
        assert not missing, f"{PART_TESTS[part.urlconf_name.__name__]} does not walk {missing}"


def test_every_url_answers_each_persona_as_expected(clients, world):
    failures = []
    for name, key, statuses in MATRIX:
        url = reverse(name, args=_args(world, key))
        for persona, status in statuses.items():
            answer = clients[persona].get(url)
            if answer.status_code != status:
                failures.append(f"{persona} GET {url} ({name}): {answer.status_code}, expected {status}")
    assert not failures, "\n".join(failures)


def test_posts_to_another_municipalitys_analysis_answer_404_and_change_nothing(clients, world):
    other = world["other"]
    question = world["other_question"]
    client = clients["municipality_user"]
    posts = [
        (reverse("surveys:edit", args=[other.pk]), {"title": "Übernommen", "year": 2026, "version": other.version}),
        (reverse("surveys:status", args=[other.pk]), {"to": "running"}),
        (reverse("surveys:codes", args=[other.pk]), {"count": "5"}),
        (reverse("surveys:open_link", args=[other.pk]), {"enabled": "1"}),
        (reverse("surveys:question_delete", args=[question.pk]), {}),
        (reverse("surveys:question_move", args=[question.pk]), {"direction": "runter"}),
        (reverse("surveys:section_move", args=[other.questionnaire.sections.last().pk]), {"direction": "hoch"}),
        (reverse("surveys:section_create", args=[other.pk]), {"title_de": "Fremd"}),
        (reverse("surveys:intro", args=[other.pk]), {"intro_de": "Fremd"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    other.refresh_from_db()
    assert (other.title, other.status, other.open_token) == ("Sicherheitsanalyse (Test)", "planned", "")
    assert not other.invitations.exists()
    assert Question.objects.filter(pk=question.pk).exists()
    assert other.questionnaire.intro == {}


def test_posts_of_personas_without_access_change_nothing(clients, world):
    own = world["own"]
    for persona in ["anonymous", "official", "pd_dresden", "expert_network", "zastex", "operator", "outsider"]:
        clients[persona].post(reverse("surveys:codes", args=[own.pk]), {"count": "5"})
        clients[persona].post(reverse("surveys:status", args=[own.pk]), {"to": "cancelled", "reason": "x"})
        clients[persona].post(reverse("surveys:create"), {"municipality": pirna().pk, "title": "X", "year": 2026})
    own.refresh_from_db()
    assert own.status == "running" and not own.invitations.exists()
    assert SafetyAnalysis.objects.count() == 2
