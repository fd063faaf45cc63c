"""The fieldwork pages: every URL for every persona, and hostile input (no 500, nothing changed, no file left)."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent, Job
from sikom.surveys import fieldwork
from sikom.surveys.models import LetterSettings, RegisterExtract, RegisterPerson, StratumCount
from sikom.surveys.tests.factories import running_analysis
from sikom.surveys.tests.test_fieldwork_services import elsewhere, imported, register_csv

pytestmark = pytest.mark.django_db

PERSONAS = testing.PERSONAS
LOGIN = "login"


@pytest.fixture
def world(settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    own = running_analysis()  # Pirna: the municipality_user's municipality
    imported(own)
    other = elsewhere()
    imported(other)
    someone = testing.make_user(organisation=testing.municipality_organisation())
    job = Job.objects.create(
        owner=someone, kind=fieldwork.LETTER_KIND, label="x", params={"analysis": own.pk}, status="done"
    )
    return {"own": own, "other": other, "job": job}


def expectations(world, persona):
    anonymous = persona == "anonymous"
    staff = persona in ("asskomm", "municipality_user")
    denied = LOGIN if anonymous else 403
    own, other, job = world["own"].pk, world["other"].pk, world["job"].pk

    def page(ok=200, pk=own):
        if not staff:
            return denied
        if pk == other and persona == "municipality_user":
            return 404
        return ok

    rows = []
    for pk in (own, other):
        rows += [
            ("get", reverse("surveys:fieldwork", args=[pk]), page(pk=pk)),
            ("get", reverse("surveys:register_import", args=[pk]), page(pk=pk)),
            ("post", reverse("surveys:register_import", args=[pk]), page(pk=pk)),
            ("post", reverse("surveys:register_delete", args=[pk]), page(302, pk=pk)),
            ("get", reverse("surveys:sample", args=[pk]), page(pk=pk)),
            ("post", reverse("surveys:sample", args=[pk]), page(pk=pk)),
            ("get", reverse("surveys:letters", args=[pk]), page(pk=pk)),
            ("post", reverse("surveys:letters", args=[pk]), page(pk=pk)),
            ("get", reverse("surveys:monitoring", args=[pk]), page(pk=pk)),
            ("get", reverse("surveys:monitoring", args=[pk]) + "?format=csv", page(pk=pk)),
            ("get", reverse("surveys:monitoring", args=[pk]) + "?format=xlsx", page(pk=pk)),
            # Somebody else's job: nobody but its owner sees it.
            ("get", reverse("surveys:letters_job", args=[pk, job]), page(404, pk=pk)),
            ("get", reverse("surveys:letters_download", args=[pk, job]), page(404, pk=pk)),
        ]
    return rows


@pytest.mark.parametrize("persona", PERSONAS)
def test_fieldwork_urls_by_persona(client, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        testing.login(client, user)
    for method, url, expected in expectations(world, persona):
        response = getattr(client, method)(url)
        if expected == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url
        else:
            assert response.status_code == expected, (persona, method, url, response.status_code)
    # Nothing anyone did here changed the registers.
    assert RegisterPerson.objects.count() == 80
    assert not StratumCount.objects.exists() and not LetterSettings.objects.exists()


def _files(root) -> list[str]:
    return [name for _dir, _dirs, names in os.walk(root) for name in names]


@pytest.mark.parametrize(
    "content, name",
    [
        (b"", "leer.csv"),
        (b"\x00\x01\x02binary", "x.csv"),
        (b"%PDF-1.4 whatever", "x.pdf"),
        (register_csv(3, extra=["1001;Dup;Weg;01796;Ort;1980;w;Nord"]), "dup.csv"),
        (b"PK\x03\x04broken", "x.xlsx"),
        ("Registernummer;Name\n1;A\n".encode("utf-16"), "u16.csv"),
    ],
)
def test_bad_register_upload_changes_nothing(client, municipality_user, settings, tmp_path, content, name):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    analysis = running_analysis()
    testing.login(client, municipality_user)
    response = client.post(
        reverse("surveys:register_import", args=[analysis.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert "nichts übernommen" in response.content.decode() or "leer" in response.content.decode()
    assert not RegisterExtract.objects.exists() and not RegisterPerson.objects.exists()
    assert _files(tmp_path) == []


def test_upload_with_mapping_then_sample_then_monitoring(client, municipality_user, settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    analysis = running_analysis()
    testing.login(client, municipality_user)
    raw = register_csv(20, header="Kennung;Name;Adresszeile 1;PLZ;Ort;Geburtsjahr;Geschlecht;Ortsteil")
    url = reverse("surveys:register_import", args=[analysis.pk])
    refused = client.post(url, {"file": SimpleUploadedFile("a.csv", raw)})
    assert "Registernummer" in refused.content.decode() and not RegisterExtract.objects.exists()
    done = client.post(url, {"file": SimpleUploadedFile("a.csv", raw), "map_register_id": "Kennung"})
    assert done.status_code == 302 and RegisterPerson.objects.count() == 20
    sample_url = reverse("surveys:sample", args=[analysis.pk])
    allocated = client.post(sample_url, {"strata_by": ["sex"], "total": "6", "action": "allocate"})
    assert allocated.status_code == 200 and 'value="3"' in allocated.content.decode()
    drawn = client.post(sample_url, {"strata_by": ["sex"], "seed": "7", "size_0": "3", "size_1": "3", "action": "draw"})
    assert drawn.status_code == 302 and analysis.invitations.count() == 6
    monitoring = client.get(reverse("surveys:monitoring", args=[analysis.pk]))
    assert monitoring.status_code == 200 and "0 von 6" in monitoring.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"strata_by": ["sex"], "size_0": "-1", "size_1": "2", "action": "draw"},
        {"strata_by": ["sex"], "size_0": "abc", "size_1": "2", "action": "draw"},
        {"strata_by": ["sex"], "size_0": "99999", "size_1": "2", "action": "draw"},
        {"strata_by": ["sex"], "size_0": "0", "size_1": "0", "action": "draw"},
        {"strata_by": ["nonsense"], "action": "draw"},
        {"strata_by": ["sex"], "seed": "-5", "size_0": "1", "size_1": "1", "action": "draw"},
        {"strata_by": ["sex"], "seed": "9" * 40, "size_0": "1", "size_1": "1", "action": "draw"},
        {"strata_by": ["sex"], "total": "100000", "action": "allocate"},
    ],
)
def test_bad_sample_input_draws_nothing(client, municipality_user, data):
    analysis = running_analysis()
    imported(analysis)
    testing.login(client, municipality_user)
    response = client.post(reverse("surveys:sample", args=[analysis.pk]), data)
    assert response.status_code == 200
    assert not analysis.invitations.exists() and not StratumCount.objects.exists()


@pytest.mark.parametrize(
    "crest",
    [
        SimpleUploadedFile("c.gif", b"GIF89a...."),
        SimpleUploadedFile("c.svg", b"<svg><script>alert(1)</script></svg>"),
        SimpleUploadedFile("c.png", b"\x89PNG\r\n\x1a\n" + b"0" * (600 * 1024)),
    ],
)
def test_bad_crest_saves_nothing(client, municipality_user, crest):
    analysis = running_analysis()
    testing.login(client, municipality_user)
    response = client.post(
        reverse("surveys:letters", args=[analysis.pk]),
        {"sender": "Gemeinde", "text": "Text", "reminder_text": "Text", "crest": crest, "action": "save"},
    )
    assert response.status_code == 200 and "Wappen" in response.content.decode()
    assert not LetterSettings.objects.exists()


def test_letters_job_progress_and_download_for_the_owner(client, municipality_user, settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "files")
    analysis = running_analysis()
    imported(analysis, register_csv(4))
    testing.login(client, municipality_user)
    client.post(
        reverse("surveys:sample", args=[analysis.pk]),
        {"strata_by": [], "seed": "1", "size_0": "4", "action": "draw"},
    )
    url = reverse("surveys:letters", args=[analysis.pk])
    assert client.post(url, {"action": "letters"}).status_code == 302
    job = Job.objects.get()
    page = client.get(url).content.decode()
    assert "<progress" in page and "100 %" in page
    partial = client.get(reverse("surveys:letters_job", args=[analysis.pk, job.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"hx-get" not in partial.content  # finished: no more polling
    download = client.get(reverse("surveys:letters_download", args=[analysis.pk, job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="surveys.letters_downloaded").count() == 1
    assert AuditEvent.objects.filter(action="jobs.result_downloaded").count() == 1


def test_manual_delete_needs_confirmation(client, municipality_user):
    analysis = running_analysis()
    imported(analysis)
    testing.login(client, municipality_user)
    url = reverse("surveys:register_delete", args=[analysis.pk])
    client.post(url, {})
    assert RegisterPerson.objects.count() == 40
    client.post(url, {"confirm": "on"})
    assert not RegisterPerson.objects.exists()
    assert RegisterExtract.objects.get().deleted_at is not None


def test_monitoring_chart_table_and_export(client, municipality_user):
    from datetime import timedelta

    from django.utils import timezone

    from sikom.surveys.models import Invitation, InvitationStatus

    analysis = running_analysis()
    imported(analysis)
    fieldwork.draw_sample(analysis=analysis, strata_by=["sex"], sizes={"m": 4, "w": 4}, seed=3, by=None)
    today = timezone.localdate()
    for offset, pk in enumerate(analysis.invitations.order_by("pk").values_list("pk", flat=True)[:3]):
        Invitation.objects.filter(pk=pk).update(
            status=InvitationStatus.SUBMITTED, used_on=today - timedelta(days=offset), draft=None
        )
    testing.login(client, municipality_user)
    url = reverse("surveys:monitoring", args=[analysis.pk])
    page = client.get(url).content.decode()
    assert "<svg" in page and "<polyline" in page and "3 von 8" in page
    assert page.count('scope="row"') >= 3 + 2 + 2  # days, strata, sexes
    csv = b"".join(client.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    assert "Geschlecht" in csv and "37.5" in csv
    assert client.get(url + "?format=pdf").status_code == 404
