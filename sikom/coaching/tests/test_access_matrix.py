"""Every coaching URL for every persona: ASSKomm and the municipality itself read and write; the Expertennetzwerk
reads what was shared with it (writes: 403); every other member of staff finds nothing (404, or 403 on the list and
the pages only ASSKomm has); accounts without an organisation get 403, anonymous visitors the login page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sikom import testing
from sikom.coaching import services
from sikom.coaching.models import Coaching, StepDocument, StrategyMeasure
from sikom.coaching.tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
EDITORS = {"asskomm", "municipality_user"}
READERS = EDITORS | {"expert_network"}  # the coaching is shared with the Expertennetzwerk of its district
LIST_USERS = READERS | {"pd_dresden", "pd_dresden_supervisor"}


@pytest.fixture
def world(coaching, asskomm, expert_network):
    step = coaching.steps.get(number=1)
    document = services.add_document(step=step, by=asskomm, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    measure = services.save_measure(
        coaching=coaching,
        by=asskomm,
        data={"title": "M", "owner": "Ordnungsamt", "timing": "", "due": None, "status": "planned", "source": ""},
    )
    services.share(coaching=coaching, organisation=expert_network.organisation, by=asskomm)
    return {"coaching": coaching, "document": document, "measure": measure, "org": expert_network.organisation}


def urls(world):
    pk, document, measure = world["coaching"].pk, world["document"], world["measure"]
    step_data = {"text": "Neu", "status": "in_progress", "version": "1"}
    measure_data = {"title": "Neu", "owner": "Bauamt", "status": "planned"}
    return [
        ("list", "get", reverse("coaching:list"), {}),
        ("list", "get", reverse("coaching:export"), {"format": "csv"}),
        ("list", "get", reverse("coaching:export"), {"format": "xlsx"}),
        ("create", "get", reverse("coaching:create"), {}),
        ("create", "post", reverse("coaching:create"), {"municipality": "14628270", "begun": "2024-02-01"}),
        ("read", "get", reverse("coaching:detail", args=[pk]), {}),
        ("read", "get", reverse("coaching:step", args=[pk, 1]), {}),
        ("read", "get", reverse("coaching:step_history", args=[pk, 1]), {}),
        ("read", "get", reverse("coaching:document", args=[pk, document.pk]), {}),
        ("read", "get", reverse("coaching:measures", args=[pk]), {}),
        ("read", "get", reverse("coaching:strategy", args=[pk]), {}),
        ("read", "get", reverse("coaching:strategy_pdf", args=[pk]), {}),
        ("write", "post", reverse("coaching:step", args=[pk, 2]), step_data),
        ("write", "post", reverse("coaching:document_upload", args=[pk, 2]), {"document": None}),
        ("write", "post", reverse("coaching:measures", args=[pk]), measure_data),
        ("write", "post", reverse("coaching:measures_take_over", args=[pk]), {"measures": "1"}),
        ("write", "get", reverse("coaching:measure_edit", args=[pk, measure.pk]), {}),
        ("write", "post", reverse("coaching:measure_edit", args=[pk, measure.pk]), measure_data),
        ("write", "get", reverse("coaching:shares", args=[pk]), {}),
        ("write", "post", reverse("coaching:shares", args=[pk]), {"organisation": world["org"].pk}),
        ("write", "post", reverse("coaching:measure_delete", args=[pk, measure.pk]), {}),
        ("write", "post", reverse("coaching:share_remove", args=[pk, world["org"].pk]), {}),
        ("write", "post", reverse("coaching:status", args=[pk]), {"to": "finished"}),
    ]


def expected(kind: str, persona: str) -> set[int]:
    ok = {200, 302, 400}
    if kind == "list":
        return ok if persona in LIST_USERS else {403}
    if kind == "create":
        return ok if persona == "asskomm" else {403}
    if kind == "read":
        return {200} if persona in READERS else {404}
    if persona in EDITORS:
        return ok
    return {403} if persona in READERS else {404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_coaching_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    before = (Coaching.objects.count(), StepDocument.objects.count(), StrategyMeasure.objects.count())
    for kind, method, url, data in urls(world):
        if data.get("document", "") is None:
            data = {"document": SimpleUploadedFile("b.pdf", PDF_BYTES)}
        response = getattr(client, method)(url, data)
        if user is None:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
        elif not user.must_use_two_factor:
            assert response.status_code == 403, (persona, url)
        else:
            assert response.status_code in expected(kind, persona), (persona, method, url, response.status_code)
    if persona not in EDITORS:
        after = (Coaching.objects.count(), StepDocument.objects.count(), StrategyMeasure.objects.count())
        assert after == before
        assert world["coaching"].steps.get(number=2).version == 1


def test_staff_without_the_code_in_this_session_is_sent_to_verify(client, municipality_user, world):
    testing.login(client, municipality_user, verified=False)
    for _kind, method, url, data in urls(world):
        if data.get("document", "") is None:
            data = {}
        response = getattr(client, method)(url, data)
        assert response["Location"].startswith(reverse("accounts:two_factor_verify")), url
