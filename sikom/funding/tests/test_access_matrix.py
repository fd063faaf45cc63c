"""Every URL of the app for every persona and anonymous: who gets the page, who is refused, who gets 404."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sikom import testing
from sikom.funding import services
from sikom.funding.models import Status
from sikom.funding.tests.factories import DRESDEN, TODAY, fields, make_application, make_call, plan, reviewer
from sikom.funding.urls import urlpatterns

pytestmark = pytest.mark.django_db

PUBLIC = {"calls", "funded", "call_detail"}
STAFF = {
    "overview",
    "call_create",
    "call_edit",
    "budget",
    "payment_export",
    "start_review",
    "ask",
    "resume",
    "decide",
    "pay",
    "close_proof",
    "assign",
    "pay_instalment",
}
APPLICANT = {"apply", "application_edit", "answer", "payment_request", "proof"}
READERS = {"applications", "application_detail", "receipt", "letter", "attachment", "withdraw", "review"}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def world(asskomm):
    call = make_call(attachments=1)
    required = call.required_attachments.get()
    pirna = testing.municipality_organisation().municipality
    own = services.save_application(
        by=None,
        call=call,
        municipality=pirna,
        fields=fields(call),
        plan=plan(call),
        uploads={required.pk: SimpleUploadedFile("s.pdf", b"%PDF-1.4 x")},
    )
    own = services.submit(application=own, by=None, today=TODAY)
    services.start_review(application=own, by=asskomm)
    criteria = {c.pk: 3 for c in call.criteria.all()}
    services.save_review(application=own, by=reviewer(), scores=criteria, recommendation="")
    services.decide(application=own, by=asskomm, outcome="approved", amount=own.requested)
    payment = services.request_payment(
        application=own, by=None, year=call.year, amount=Decimal("100.00"), expenditure="x"
    )
    draft = make_application(call, submit=False)
    other = services.save_application(
        by=None,
        call=call,
        municipality=testing.municipality_organisation(DRESDEN).municipality,
        fields=fields(call),
        plan=plan(call),
        uploads={required.pk: SimpleUploadedFile("s.pdf", b"%PDF-1.4 x")},
    )
    other = services.submit(application=other, by=None, today=TODAY)
    return {"call": call, "own": own, "draft": draft, "other": other, "payment": payment}


def _urls(w) -> list[tuple[str, str, str, str]]:
    call, own, draft, other, payment = w["call"], w["own"], w["draft"], w["other"], w["payment"]
    own_file, other_file = own.attachments.get(), other.attachments.get()
    r = reverse
    return [
        ("calls", "get", r("funding:calls"), ""),
        ("funded", "get", r("funding:funded"), ""),
        ("call_detail", "get", r("funding:call_detail", args=[call.pk]), ""),
        ("overview", "get", r("funding:overview"), ""),
        ("overview", "get", r("funding:overview") + "?format=xlsx", ""),
        ("call_create", "get", r("funding:call_create"), ""),
        ("call_edit", "get", r("funding:call_edit", args=[call.pk]), ""),
        ("budget", "get", r("funding:budget", args=[call.pk]), ""),
        ("payment_export", "get", r("funding:payment_export", args=[call.pk]) + "?format=csv", ""),
        ("apply", "get", r("funding:apply", args=[call.pk]), ""),
        ("applications", "get", r("funding:applications"), ""),
        ("application_detail", "get", r("funding:application_detail", args=[own.pk]), "own"),
        ("application_detail", "get", r("funding:application_detail", args=[other.pk]), "other"),
        ("application_edit", "get", r("funding:application_edit", args=[draft.pk]), "own"),
        ("application_edit", "get", r("funding:application_edit", args=[own.pk]), "decided"),
        ("receipt", "get", r("funding:receipt", args=[own.pk]), "own"),
        ("receipt", "get", r("funding:receipt", args=[other.pk]), "other"),
        ("letter", "get", r("funding:letter", args=[own.pk]), "own"),
        ("attachment", "get", r("funding:attachment", args=[own.pk, own_file.pk]), "own"),
        ("attachment", "get", r("funding:attachment", args=[other.pk, other_file.pk]), "other"),
        ("attachment", "get", r("funding:attachment", args=[own.pk, other_file.pk]), "mixed"),
        ("start_review", "post", r("funding:start_review", args=[other.pk]), "other"),
        ("withdraw", "get", r("funding:withdraw", args=[own.pk]), "own"),
        ("withdraw", "get", r("funding:withdraw", args=[other.pk]), "other"),
        ("review", "post", r("funding:review", args=[own.pk]), "own"),
        ("ask", "post", r("funding:ask", args=[own.pk]), "own"),
        ("resume", "post", r("funding:resume", args=[own.pk]), "own"),
        ("assign", "post", r("funding:assign", args=[own.pk]), "own"),
        ("assign", "post", r("funding:assign", args=[draft.pk]), "mixed"),
        ("answer", "get", r("funding:answer", args=[draft.pk]), "not_queried"),
        ("decide", "get", r("funding:decide", args=[own.pk]), "decided"),
        ("payment_request", "post", r("funding:payment_request", args=[own.pk]), "own"),
        ("payment_request", "post", r("funding:payment_request", args=[other.pk]), "other"),
        ("pay", "post", r("funding:pay", args=[own.pk, payment.pk]), "own"),
        ("pay", "post", r("funding:pay", args=[other.pk, payment.pk]), "mixed"),
        ("pay_instalment", "post", r("funding:pay_instalment", args=[own.pk, 999999]), "mixed"),
        ("proof", "get", r("funding:proof", args=[own.pk]), "own"),
        ("proof", "get", r("funding:proof", args=[other.pk]), "other"),
        ("close_proof", "post", r("funding:close_proof", args=[own.pk]), "no_proof"),
    ]


def expected(persona: str | None, name: str, method: str, record: str) -> int:
    if name in PUBLIC:
        return 200
    if persona is None:
        return 302
    ok = 302 if method == "post" else 200
    if persona == "asskomm":
        if name in APPLICANT:
            return 403
        if record in {"mixed", "no_proof"} or (name == "decide" and record == "decided"):
            return 404
        return ok
    if persona == "municipality_user":
        if name in STAFF:
            return 403
        if record in {"other", "mixed", "decided", "not_queried"}:
            return 404
        if name == "review":
            return 404  # neither funding staff nor assigned
        return ok
    return 403


def test_the_matrix_names_every_url_pattern(world):
    assert {name for name, *_ in _urls(world)} == {pattern.name for pattern in urlpatterns}


@pytest.mark.parametrize("persona", [None, *[p for p in testing.PERSONAS if p != "anonymous"]])
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


def test_an_assigned_reviewer_sees_only_the_assigned_application(client, world, zastex, asskomm):
    testing.login(client, asskomm)
    client.post(reverse("funding:assign", args=[world["other"].pk]), {"email": zastex.email.upper()})
    assert (
        client.post(reverse("funding:assign", args=[world["other"].pk]), {"email": "nobody@example.org"}).status_code
        == 302
    )
    assert world["other"].assignments.get().reviewer == zastex
    testing.login(client, zastex)
    assert client.get(reverse("funding:application_detail", args=[world["other"].pk])).status_code == 200
    assert client.get(reverse("funding:application_detail", args=[world["own"].pk])).status_code == 404
    listing = client.get(reverse("funding:applications")).content.decode()
    assert world["other"].number in listing and world["own"].number not in listing
    criteria = {f"criterion_{c.pk}": "2" for c in world["call"].criteria.all()}
    services.start_review(application=world["other"], by=asskomm)
    assert client.post(reverse("funding:review", args=[world["other"].pk]), criteria).status_code == 302
    assert world["other"].reviews.get().reviewer == zastex


def test_unpublished_calls_and_drafts_stay_hidden(client, world):
    assert world["draft"].status == Status.DRAFT
    page = client.get(reverse("funding:funded")).content.decode()
    assert world["own"].title in page
    assert world["other"].municipality.name not in page
