"""Every persona against every case URL: only the lead and shared agencies see a case; everyone else gets 404
(staff), 403 (accounts without an agency) or the login page (anonymous) — never a hint that the case exists."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.accounts import reauth
from sikom.reports.models import Evidence

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "official",
    "outsider",
    "municipality_user",
    "asskomm",
    "zastex",
    "zmi",
    "pd_dresden",
    "expert_network",
    "operator",
]
# A threat at home in Pirna: Polizeidirektion Dresden leads, ZASTEX is shared.
ALLOWED = {"pd_dresden": "lead", "zastex": "shared"}


@pytest.fixture
def case(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    case = testing.make_case()
    Evidence.objects.create(
        report=case.report,
        storage_name="incoming/" + "a" * 32 + ".skf",
        original_name="x.png",
        content_type="image/png",
        size=1,
        sha256="0" * 64,
    )
    return case


def urls(case):
    evidence = case.report.evidence.get()
    number = case.number
    return [
        ("get", reverse("cases:detail", args=[number]), {}),
        ("get", reverse("cases:evidence", args=[number, evidence.pk]), {}),
        ("get", reverse("cases:dossier", args=[number]), {}),
        ("get", reverse("cases:log", args=[number]), {}),
        ("post", reverse("cases:status", args=[number]), {"to": "in_review"}),
        ("post", reverse("cases:refer", args=[number]), {"organisation": case.lead_id, "reason": "x"}),
        ("post", reverse("cases:share", args=[number]), {"reason": "x"}),
        ("post", reverse("cases:message", args=[number]), {"body": "Hallo", "internal": "true"}),
        ("post", reverse("cases:first_contact", args=[number]), {}),
        ("get", reverse("assessments:history", args=[number]), {}),
        ("get", reverse("measures:list", args=[number]), {}),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_case_urls_by_persona(client, request, case, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    for method, url, data in urls(case):
        response = getattr(client, method)(url, data)
        if user is None:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
        elif not user.must_use_two_factor:
            assert response.status_code == 403, (persona, url)
        elif persona not in ALLOWED:
            assert response.status_code == 404, (persona, url, response.status_code)
        else:
            # The log is for supervisors only; to everyone else it does not exist.
            expected = (200, 302, 400, 403, 404) if url.endswith("/protokoll/") else (200, 302, 400, 403)
            assert response.status_code in expected, (persona, url, response.status_code)


def test_guessing_the_next_case_number_finds_nothing(client, zmi):
    first = testing.make_case(categories=["online_hate"], place="online")  # ZMI leads
    second = testing.make_case()  # PD Dresden leads
    testing.login(client, zmi)
    assert client.get(reverse("cases:detail", args=[first.number])).status_code == 200
    assert client.get(reverse("cases:detail", args=[second.number])).status_code == 404
    assert client.get(reverse("cases:detail", args=["SK-2026-999999"])).status_code == 404


def test_evidence_and_dossier_need_a_fresh_confirmation(client, pd_dresden, case):
    testing.login(client, pd_dresden)
    url = reverse("cases:dossier", args=[case.number])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("cases:reauth"))
    session = client.session
    session[reauth.SESSION_KEY] = 0  # long ago
    session.save()
    assert client.get(url)["Location"].startswith(reverse("cases:reauth"))


def test_inbox_is_for_case_handling_agencies_only(client, municipality_user, asskomm):
    testing.login(client, municipality_user)
    assert client.get(reverse("cases:inbox")).status_code == 403
    client.logout()
    testing.login(client, asskomm)
    assert client.get(reverse("cases:inbox")).status_code == 200
