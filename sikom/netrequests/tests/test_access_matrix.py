"""Every URL of the app for every persona and anonymous: a municipality sees only its own requests, an expert a
request only while it is shared with its office, the register only the coordination and the offices it names;
everything invisible answers 404."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.netrequests import services
from sikom.netrequests.models import LegalAngle, RegisterEntry, SituationConference
from sikom.netrequests.tests.factories import make_request, municipality_member, png_upload, verified
from sikom.netrequests.urls import urlpatterns

pytestmark = pytest.mark.django_db

PERSONAS = [p for p in testing.PERSONAS if p != "anonymous"]


@pytest.fixture
def world(municipality_user, expert_network, pd_dresden):
    municipality_user, expert_network, pd_dresden = map(verified, (municipality_user, expert_network, pd_dresden))
    own = make_request(by=municipality_user)
    services.bring_in_expert(
        request=own,
        organisation=pd_dresden.organisation,
        by=expert_network,
        question="Erkenntnisse zum Veranstalter?",
        due_on=timezone.localdate() + timedelta(days=1),
    )
    unshared = make_request(by=municipality_user, days=8)
    other = make_request(by=municipality_member("14612000"))
    own_entry = services.create_entry(by=expert_network, kind="property", name="Gasthof", place="Pirna", description="")
    other_coordination = testing.expert_network_of("14612")
    other_entry = RegisterEntry.objects.create(coordination=other_coordination, kind="activity", name="X", place="Y")
    own_conference = services.record_conference(
        by=expert_network,
        held_on=date(2026, 1, 15),
        participants="PD Dresden, Landkreis",
        assessment="ruhig",
        priorities="",
        agreed_steps="",
    )
    other_conference = SituationConference.objects.create(
        coordination=other_coordination, held_on=date(2026, 1, 1), participants="-", assessment="-"
    )
    services.set_readers(by=expert_network, organisations=[testing.organisation_of(OrganisationType.ZASTEX)])
    source = services.add_source_file(request=own, by=municipality_user, upload=png_upload())
    return {
        "source": source,
        "own": own,
        "unshared": unshared,
        "other": other,
        "pd": pd_dresden.organisation,
        "entry": {"own": own_entry, "other": other_entry},
        "conference": {"own": own_conference, "other": other_conference},
    }


REQUEST_URLS = [
    ("detail", "get"),
    ("information", "post"),
    ("correct", "get"),
    ("correct", "post"),
    ("message", "post"),
    ("bring_in", "post"),
    ("status", "post"),
    ("outcome", "post"),
    ("checklist", "get"),
    ("review", "post"),
    ("source_add", "post"),
    ("source", "get"),
    ("end_expert", "post"),  # last: it ends the share
]


def _urls(world) -> list[tuple[str, str, str, str]]:
    angle = LegalAngle.objects.first()
    urls = [
        ("list", "get", reverse("netrequests:list"), ""),
        ("create", "get", reverse("netrequests:create"), ""),
        ("register", "get", reverse("netrequests:register"), ""),
        ("entry_create", "get", reverse("netrequests:entry_create"), ""),
        ("conference_create", "get", reverse("netrequests:conference_create"), ""),
    ]
    for record in ("entry", "conference"):
        for which in ("own", "other"):
            urls.append((record, "get", reverse(f"netrequests:{record}", args=[world[record][which].pk]), which))
    for which in ("own", "other"):
        pk = world["entry"][which].pk
        urls.append(("entry_note", "post", reverse("netrequests:entry_note", args=[pk]), which))
        urls.append(("entry_edit", "get", reverse("netrequests:entry_edit", args=[pk]), which))
        urls.append(("entry_edit", "post", reverse("netrequests:entry_edit", args=[pk]), which))
        urls.append(("entry_delete", "post", reverse("netrequests:entry_delete", args=[pk]), which))
    for record in ("unshared", "other", "own"):
        number = world[record].case.number
        for name, method in REQUEST_URLS:
            args = [number]
            if name == "review":
                args.append(angle.pk)
            if name == "end_expert":
                args.append(world["pd"].pk)
            if name == "source":
                args.append(world["source"].pk)
            urls.append((name, method, reverse(f"netrequests:{name}", args=args), record))
    urls.append(("readers", "post", reverse("netrequests:readers"), ""))
    return urls


LEAD_ONLY = {"bring_in", "status", "outcome", "review", "end_expert"}
FORM_POSTS = {
    "information",
    "correct",
    "message",
    "bring_in",
    "status",
    "outcome",
    "review",
    "entry_note",
    "entry_edit",
    "entry_delete",
    "source_add",
}
REGISTER_READ = {"register", "entry", "conference"}
REGISTER_KEEP = {"entry_create", "conference_create", "entry_note", "entry_edit", "entry_delete", "readers"}


def _ok(name: str, method: str, record: str = "") -> int:
    if name == "source":  # the file belongs to the own request; a download first asks to confirm the login
        return 302 if record == "own" else 404
    if method == "get":
        return 200
    return 400 if name in FORM_POSTS else 302  # the matrix posts empty forms


def expected(persona: str | None, name: str, method: str, record: str) -> int:
    if persona is None:
        return 302
    if persona in {"official", "outsider", "operator"}:
        return 403
    municipality = persona == "municipality_user"
    coordination = persona == "expert_network"
    if name in REGISTER_READ | REGISTER_KEEP:
        if coordination:
            return 404 if record == "other" else _ok(name, method)
        if persona == "zastex" and name in REGISTER_READ:  # named as a reader by the coordination
            return 404 if record == "other" else 200
        return 403
    if name == "list":
        return 200
    if name == "create":
        return 200 if municipality else 403
    # One request's pages.
    if name == "correct":  # the municipality's own correction of the facts; no office files or corrects
        if not municipality:
            return 403
        return _ok(name, method) if record in {"own", "unshared"} else 404
    if municipality:
        visible = record in {"own", "unshared"}
        return (
            _ok(name, method, record) if visible and name in {"detail", "information", "source_add", "source"} else 404
        )
    if name == "information":
        return 404
    if coordination:
        if record == "other" or (name == "end_expert" and record == "unshared"):
            return 404
        return _ok(name, method, record)
    if persona in {"pd_dresden", "pd_dresden_supervisor"} and record == "own":
        return 404 if name in LEAD_ONLY else _ok(name, method, record)
    return 404


def test_the_matrix_names_every_url_pattern(world):
    assert {name for name, *_ in _urls(world)} == {pattern.name for pattern in urlpatterns}


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_access_matrix(request, world, persona):
    client = Client()
    if persona is not None:
        testing.login(client, request.getfixturevalue(persona))
    for name, method, url, record in _urls(world):
        response = getattr(client, method)(url)
        want = expected(persona, name, method, record)
        assert response.status_code == want, f"{persona} {method} {url}: {response.status_code}, expected {want}"
        if want == 302 and persona is None:
            assert response["Location"].startswith(reverse("accounts:login"))
        if want == 302 and name == "source" and persona is not None:
            assert response["Location"].startswith(reverse("casefile:reauth"))


def test_an_expert_loses_the_request_when_the_share_ends(client, world, pd_dresden, expert_network):
    testing.login(client, pd_dresden)
    url = reverse("netrequests:detail", args=[world["own"].case.number])
    assert client.get(url).status_code == 200
    services.end_expert(request=world["own"], organisation=world["pd"], by=verified(expert_network))
    assert client.get(url).status_code == 404
    assert world["own"].case.number not in client.get(reverse("netrequests:list")).content.decode()


def test_the_matrix_posts_delete_nothing(client, world, expert_network):
    testing.login(client, expert_network)
    url = reverse("netrequests:entry_delete", args=[world["entry"]["own"].pk])
    assert client.post(url).status_code == 400
    assert RegisterEntry.objects.filter(pk=world["entry"]["own"].pk).exists()
