"""Every persona against every case URL: only the lead and shared agencies see a case; everyone else gets 404
(staff), 403 (accounts without an agency) or the login page (anonymous) — never a hint that the case exists."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom import testing
from sikom.accounts import reauth
from sikom.accounts.models import User

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
    "pd_dresden_supervisor",
    "expert_network",
    "operator",
]
# A threat at home in Pirna: Polizeidirektion Dresden leads, ZASTEX is shared.
ALLOWED = {"pd_dresden": "lead", "pd_dresden_supervisor": "lead", "zastex": "shared"}


@pytest.fixture
def case(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    case = testing.make_case()
    testing.evidence_row(case.report)
    return case


def urls(case):
    evidence = case.report.evidence.get()
    number = case.number
    return [
        ("get", reverse("casefile:detail", args=[number]), {}),
        ("get", reverse("casefile:evidence", args=[number, evidence.pk]), {}),
        ("get", reverse("casefile:dossier", args=[number]), {}),
        ("get", reverse("casefile:log", args=[number]), {}),
        ("post", reverse("casefile:status", args=[number]), {"to": "in_review"}),
        ("post", reverse("casefile:refer", args=[number]), {"organisation": case.lead_id, "reason": "x"}),
        ("post", reverse("casefile:share", args=[number]), {"reason": "x"}),
        ("post", reverse("casefile:message", args=[number]), {"body": "Hallo", "internal": "true"}),
        ("post", reverse("casefile:first_contact", args=[number]), {}),
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
            if url.endswith("/protokoll/"):
                assert response.status_code == (200 if persona == "pd_dresden_supervisor" else 404), (persona, url)
            else:
                assert response.status_code in (200, 302, 400, 403), (persona, url, response.status_code)


def test_guessing_the_next_case_number_finds_nothing(client, zmi):
    first = testing.make_case(categories=["online_hate"], place="online")  # ZMI leads
    second = testing.make_case()  # PD Dresden leads
    testing.login(client, zmi)
    assert client.get(reverse("casefile:detail", args=[first.number])).status_code == 200
    assert client.get(reverse("casefile:detail", args=[second.number])).status_code == 404
    assert client.get(reverse("casefile:detail", args=["SK-2026-999999"])).status_code == 404


def test_evidence_and_dossier_need_a_fresh_confirmation(client, pd_dresden, case):
    testing.login(client, pd_dresden)
    url = reverse("casefile:dossier", args=[case.number])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("casefile:reauth"))
    session = client.session
    session[reauth.SESSION_KEY] = 0  # long ago
    session.save()
    assert client.get(url)["Location"].startswith(reverse("casefile:reauth"))


def test_inbox_is_for_case_handling_agencies_only(client, municipality_user, asskomm):
    testing.login(client, municipality_user)
    assert client.get(reverse("casefile:inbox")).status_code == 403
    client.logout()
    testing.login(client, asskomm)
    assert client.get(reverse("casefile:inbox")).status_code == 200


def account_urls(account):
    return [
        ("get", reverse("accounts:account_list"), {"q": "a"}),
        ("get", reverse("accounts:account_export"), {}),
        ("get", reverse("accounts:account_create"), {}),
        ("post", reverse("accounts:account_create"), {"email": "neu@example.org", "full_name": "Neu"}),
        ("get", reverse("accounts:account_edit", args=[account.pk]), {}),
        ("post", reverse("accounts:account_edit", args=[account.pk]), {"full_name": "X", "is_supervisor": "on"}),
        ("post", reverse("accounts:account_set_active", args=[account.pk]), {"aktion": "deaktivieren"}),
        ("post", reverse("accounts:account_reset_second_factor", args=[account.pk]), {}),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_account_management_is_for_operators_only(client, request, persona, pd_dresden):
    """Only the platform operators manage accounts; nobody else can even list them, and nothing changes."""
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    before = User.objects.values_list("pk", "full_name", "is_active", "is_supervisor", "organisation_id")
    before, devices = sorted(before), TOTPDevice.objects.count()
    for method, url, data in account_urls(pd_dresden):
        response = getattr(client, method)(url, data)
        if user is None:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
        elif persona == "operator":
            assert response.status_code in (200, 302), (persona, url, response.status_code)
        else:
            assert response.status_code == 403, (persona, url, response.status_code)
    if persona != "operator":
        after = User.objects.values_list("pk", "full_name", "is_active", "is_supervisor", "organisation_id")
        assert sorted(after) == before and TOTPDevice.objects.count() == devices


def test_operator_without_the_code_in_this_session_is_sent_to_verify(client, operator, pd_dresden):
    testing.login(client, operator, verified=False)
    for method, url, data in account_urls(pd_dresden):
        response = getattr(client, method)(url, data)
        assert response["Location"].startswith(reverse("accounts:two_factor_verify")), url
