"""Every URL of the app, for every persona and anonymous: the expected answer (200 page, 302 to the login, 403 wrong
role, 404 an object outside the persona's queryset, 405 wrong method)."""

import pytest
from django.test import Client
from django.urls import reverse

from sikom import testing

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
NOBODY = {"anonymous": 302}  # everyone else: 403 unless named


def expected(**named):
    """Status per persona: anonymous → 302 (login), named ones as given, every other persona 403."""
    if "pd_dresden" in named:  # the directorate's supervisor reads what its members read
        named.setdefault("pd_dresden_supervisor", named["pd_dresden"])
    return {persona: named.get(persona, 302 if persona == "anonymous" else 403) for persona in PERSONAS}


KEEPERS = {"municipality_user": 200, "asskomm": 200}
READERS = {**KEEPERS, "pd_dresden": 200, "expert_network": 200}
PUBLIC = dict.fromkeys(PERSONAS, 200)

# (url name, object key in `world` or None, expected)
MATRIX = [
    ("councils:list", None, expected(**READERS)),
    ("councils:create", None, expected(**KEEPERS)),
    ("councils:detail", "pirna", expected(**KEEPERS, pd_dresden=404, expert_network=404)),
    ("councils:detail", "dresden", expected(asskomm=200, municipality_user=404, pd_dresden=200, expert_network=404)),
    ("councils:edit", "pirna", expected(**KEEPERS)),
    ("councils:edit", "dresden", expected(asskomm=200, municipality_user=404)),
    ("councils:meeting_create", "pirna", expected(**KEEPERS)),
    ("councils:meeting_create", "dresden", expected(asskomm=200, municipality_user=404)),
    ("councils:meeting_detail", "meeting_pirna", expected(**KEEPERS, pd_dresden=404, expert_network=404)),
    (
        "councils:meeting_detail",
        "meeting_dresden",
        expected(asskomm=200, municipality_user=404, pd_dresden=200, expert_network=404),
    ),
    ("councils:meeting_edit", "meeting_pirna", expected(**KEEPERS)),
    ("councils:meeting_edit", "meeting_dresden", expected(asskomm=200, municipality_user=404)),
    ("councils:analysis_list", None, expected(**KEEPERS)),
    ("councils:analysis_create", None, expected(**KEEPERS)),
    ("councils:analysis_edit", "analysis_pirna", expected(**KEEPERS)),
    ("councils:analysis_edit", "analysis_dresden", expected(asskomm=200, municipality_user=404)),
    ("councils:format_list", None, expected(**KEEPERS)),
    ("councils:format_create", None, expected(**KEEPERS)),
    ("councils:format_detail", "announced_pirna", expected(**KEEPERS)),
    ("councils:format_detail", "planned_dresden", expected(asskomm=200, municipality_user=404)),
    ("councils:format_edit", "announced_pirna", expected(**KEEPERS)),
    ("councils:format_edit", "planned_dresden", expected(asskomm=200, municipality_user=404)),
    ("councils:format_status", "announced_pirna", expected(municipality_user=405, asskomm=405)),
    ("councils:format_results", "held_pirna", expected(**KEEPERS)),
    ("councils:format_results", "planned_dresden", expected(asskomm=302, municipality_user=404)),
    ("councils:public_list", None, PUBLIC),
    ("councils:public_detail", "announced_pirna", PUBLIC),
    ("councils:public_detail", "planned_dresden", dict.fromkeys(PERSONAS, 404)),
    ("councils:public_detail", "held_pirna", dict.fromkeys(PERSONAS, 404)),
]


@pytest.fixture
def clients(request, world):
    result = {"anonymous": Client()}
    for persona in PERSONAS[1:]:
        result[persona] = testing.login(Client(), request.getfixturevalue(persona))
    return result


def test_every_url_of_the_app_is_in_the_matrix():
    from sikom.councils.urls import urlpatterns

    names = {f"councils:{pattern.name}" for pattern in urlpatterns}
    assert names == {name for name, _key, _expected in MATRIX}


def test_every_url_answers_each_persona_as_expected(clients, world):
    failures = []
    for name, key, statuses in MATRIX:
        url = reverse(name, args=[world[key].pk]) if key else reverse(name)
        for persona, status in statuses.items():
            answer = clients[persona].get(url)
            if answer.status_code != status:
                failures.append(f"{persona} GET {url} ({name}): {answer.status_code}, expected {status}")
    assert not failures, "\n".join(failures)


def test_unverified_staff_are_sent_to_the_second_factor(world, municipality_user):
    client = testing.login(Client(), municipality_user, verified=False)
    answer = client.get(reverse("councils:detail", args=[world["pirna"].pk]))
    assert answer.status_code == 302
    assert "/anmelden/" in answer["Location"] or "zweiter" in answer["Location"] or "2fa" in answer["Location"].lower()


def test_posts_of_personas_without_access_change_nothing(clients, world):
    pirna = world["pirna"]
    for persona in ["pd_dresden", "expert_network", "zastex", "outsider"]:
        clients[persona].post(
            reverse("councils:edit", args=[pirna.pk]), {"founded": "2020-01-01", "chair": "Übernommen", "version": 1}
        )
    pirna.refresh_from_db()
    assert pirna.chair == "Bürgermeisteramt"


def test_reading_a_council_or_its_meeting_is_audited_and_a_refused_read_is_not(clients, world):
    from sikom.core.models import AuditEvent

    clients["asskomm"].get(reverse("councils:detail", args=[world["pirna"].pk]))
    clients["asskomm"].get(reverse("councils:meeting_detail", args=[world["meeting_pirna"].pk]))
    clients["expert_network"].get(reverse("councils:detail", args=[world["pirna"].pk]))  # 404: not shared
    reads = AuditEvent.objects.filter(action__in=["councils.council_viewed", "councils.meeting_viewed"])
    assert sorted(reads.values_list("action", "object_id")) == [
        ("councils.council_viewed", str(world["pirna"].pk)),
        ("councils.meeting_viewed", str(world["meeting_pirna"].pk)),
    ]
    assert all(event.actor_id for event in reads)
