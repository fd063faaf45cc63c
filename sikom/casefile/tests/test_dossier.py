"""The case dossier for prosecution: what it contains, that any stored text renders, bounded queries, and the view."""

import hashlib
import io
import logging
import re
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from sikom import testing
from sikom.accounts import reauth
from sikom.accounts.models import OrganisationType
from sikom.assessments import rules
from sikom.assessments import services as assessment_services
from sikom.assessments.instrument import ITEMS, NOTE_MAX
from sikom.assessments.models import ThreatAssessment
from sikom.casefile.dossier import render_dossier_pdf
from sikom.cases import services
from sikom.cases.models import CaseStatus, Message, RiskLevel
from sikom.core.models import AuditEvent
from sikom.measures.catalogue import MeasureKind
from sikom.measures.services import plan_measure
from sikom.reports.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _german(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    with translation.override("de"):
        yield


def add_evidence(case, number: int, name: str | None = None) -> Evidence:
    return Evidence.objects.create(
        report=case.report,
        storage_name=f"incoming/{number:032x}.skf",
        original_name=name or f"Drohbrief_{number:02d}.png",
        content_type="image/png",
        size=2_000_000 + number,
        sha256=hashlib.sha256(f"file {number}".encode()).hexdigest(),
    )


PRESENT = {
    "directly_communicated_threat": "Drohbrief vom Montag",
    "private_address_known": "Brief lag im Hausbriefkasten",
    "support_network": "",
}


def answers(present: dict[str, str] = PRESENT) -> dict:
    """Every item of the instrument answered: the given ones present with their notes, the rest absent."""
    result = {code: {"value": "absent", "note": ""} for code in ITEMS}
    result["pathway"] = {"value": "absent", "note": "nichts bekannt"}
    result["weapons_access_mentioned"] = {"value": "unknown", "note": ""}
    result |= {code: {"value": "present", "note": note} for code, note in present.items()}
    return result


def record_assessment(case, by, *, present: dict[str, str] = PRESENT, level: int = 4, reason: str | None = None):
    return assessment_services.record_assessment(
        case=case,
        by=by,
        answers=answers(present),
        level=level,
        override_reason="Konkreter Ort der Tat wurde angekündigt" if reason is None else reason,
        next_review_on=timezone.localdate() + timedelta(days=7),
    )


@pytest.fixture
def case(pd_dresden):
    """A threat at home in Pirna (Polizeidirektion Dresden leads, ZASTEX shared), worked on and referred to ZORA."""
    case = testing.make_case(
        description="Ein Mann drohte vor dem Haus: »Wir kriegen dich.«",
        anonymous=False,
        contact_name="Erika Mustermann",
        contact_email="erika@example.org",
        contact_phone="+49 3501 123456",
        contact_preference="email",
        complaint_deadline=date(2026, 12, 31),
    )
    case = services.change_status(case=case, to=CaseStatus.IN_REVIEW, by=pd_dresden, reason="Sichtung begonnen")
    case = services.change_status(case=case, to=CaseStatus.IN_PROGRESS, by=pd_dresden, reason="Gefährdung prüfen")
    Message.objects.create(case=case, from_reporter=True, body="Heute stand er wieder vor der Tür.")
    Message.objects.create(
        case=case,
        author=pd_dresden,
        author_organisation=pd_dresden.organisation.name,
        body="Wir melden uns morgen telefonisch.",
    )
    Message.objects.create(
        case=case,
        author=pd_dresden,
        author_organisation=pd_dresden.organisation.name,
        body="Halterabfrage ergab Treffer.",
        internal=True,
    )
    for number in (1, 2):
        add_evidence(case, number)
    record_assessment(case, pd_dresden)
    plan_measure(
        case=case,
        kind=MeasureKind.PATROLS,
        responsible=pd_dresden.organisation,
        by=pd_dresden,
        notes="Streife abends vor dem Wohnhaus",
    )
    zora = testing.organisation_of(OrganisationType.ZORA)
    return services.refer(case=case, to=zora, by=pd_dresden, reason="Zur Strafverfolgung an ZORA")


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def normalised(text: str) -> str:
    return " ".join(text.split())


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def dossier_text(case) -> str:
    return normalised("\n".join(texts(render_dossier_pdf(case))))


def test_the_dossier_is_dated_by_its_creation_time_and_reproducible(case):
    now = timezone.now()
    pdf = render_dossier_pdf(case, now=now)
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata.creation_date == now.replace(microsecond=0)
    assert metadata.author is None and metadata.creator == "sikom" and metadata.producer == "sikom"
    assert render_dossier_pdf(case, now=now) == pdf


def test_dossier_states_case_state_and_confidentiality(case, pd_dresden):
    text = dossier_text(case)
    assert "Dossier" in text
    assert "Plattform »Sichere Kommunen« (sikom)" in text
    assert case.number in text
    assert f"Erstellt am {timezone.localdate():%d.%m.%Y}" in text
    assert (
        "Vertraulich – enthält personenbezogene Daten. Nur für die Strafverfolgung und die beteiligten Stellen." in text
    )
    assert "Status Weitergeleitet" in text
    assert f"Federführende Stelle {normalised(case.lead.name)}" in text
    # Polizeidirektion Dresden keeps a share after the referral; ZASTEX was shared by the routing rules.
    assert pd_dresden.organisation.name in text
    assert testing.organisation_of(OrganisationType.ZASTEX).name in text
    # The danger analysis set the level for good.
    assert "Gefährdungsstufe 4 – akut Federführende Stelle" in text
    assert "Eingegangen am" in text and "Erstkontakt fällig bis" in text


def test_a_provisional_risk_level_is_marked():
    case = testing.make_case()
    assert case.risk_level_is_provisional
    assert f"Gefährdungsstufe {case.get_risk_level_display()} (vorläufig)" in dossier_text(case)


def test_dossier_holds_the_facts_including_contact_details(case):
    text = dossier_text(case)
    assert "Sachverhalt" in text
    assert "Ein Mann drohte vor dem Haus: »Wir kriegen dich.«" in text
    for value in ("Erika Mustermann", "erika@example.org", "+49 3501 123456"):
        assert value in text
    assert "Strafantrag spätestens bis 31.12.2026" in text


def test_dossier_shows_the_history_with_reasons_and_people(case, pd_dresden):
    text = dossier_text(case)
    assert "Verlauf" in text
    for reason in ("Sichtung begonnen", "Gefährdung prüfen", "Zur Strafverfolgung an ZORA"):
        assert reason in text
    assert "Status von »In Prüfung« auf »In Bearbeitung« gesetzt." in text
    assert f"Weitergeleitet an {testing.organisation_of(OrganisationType.ZORA).name}; die Federführung" in text
    assert "Automatisch zugewiesen an Polizeidirektion Dresden" in text
    assert "Schutzmaßnahme »" in text and "geplant; zuständig: Polizeidirektion Dresden." in text
    assert f"Durch: {pd_dresden.full_name} ({pd_dresden.organisation.name})" in text
    # Routing is done by the rules, not by a person.
    assert "Durch: automatisch" in text


def test_risk_level_changes_render_without_placeholders(case, pd_dresden):
    text = dossier_text(case)
    # Routing set 3 provisionally, the danger analysis 4: the history says so in words.
    assert "Vorläufige Gefährdungsstufe aus den Angaben der Meldung: 3 – hoch." in text
    review = f"{timezone.localdate() + timedelta(days=7):%d.%m.%Y}"
    assert (
        f"Gefährdungsstufe 4 – akut festgelegt (bisher vorläufig 3 – hoch). Nächste Neubewertung am {review}." in text
    )
    assert f"Nächste Neubewertung {review}" in text


def test_dossier_shows_messages_and_marks_internal_notes(case, pd_dresden):
    text = dossier_text(case)
    assert "Nachrichten" in text
    for body in (
        "Heute stand er wieder vor der Tür.",
        "Wir melden uns morgen telefonisch.",
        "Halterabfrage ergab Treffer.",
    ):
        assert body in text
    assert "Meldende Person" in text
    assert re.search(r"interne Notiz [\d.]+, [\d:]+ Uhr · Person \d+ \(Polizeidirektion Dresden\) Halterabfrage", text)
    assert text.count("interne Notiz") == 1
    assert text.index("Heute stand er wieder") < text.index("Wir melden uns") < text.index("Halterabfrage")


def test_dossier_shows_the_danger_analysis_and_the_measures(case, pd_dresden):
    text = dossier_text(case)
    assert "Gefahrenanalysen" in text
    suggested = rules.suggest_level(answers()).level
    assert suggested != 4  # so the analysis is an override with a reason
    assert f"Vorgeschlagene Stufe {RiskLevel(suggested).label}" in text
    assert "Festgelegte Stufe 4 – akut" in text
    assert "Konkreter Ort der Tat wurde angekündigt" in text
    assert f"Analyst:in {pd_dresden.full_name}" in text
    # Only the items marked present, each with its note; protective factors in their own group.
    assert str(ITEMS["directly_communicated_threat"].label) in text
    assert "Drohbrief vom Montag" in text
    assert "Brief lag im Hausbriefkasten" in text
    assert str(ITEMS["support_network"].label) in text
    assert str(ITEMS["pathway"].label) not in text
    assert "nichts bekannt" not in text
    assert "Warnverhalten – liegt vor" in text
    assert "Schützende Faktoren – liegt vor Unterstützendes Umfeld" in text
    assert "Schutzmaßnahmen" in text
    assert "Lageabhängige Streifen" in text
    assert "Streife abends vor dem Wohnhaus" in text
    assert f"Zuständige Stelle {pd_dresden.organisation.name}" in text
    assert "Status geplant" in text


def test_analysis_without_present_items_says_so(pd_dresden):
    case = testing.make_case()
    record_assessment(case, pd_dresden, present={}, level=rules.suggest_level(answers({})).level, reason="")
    assert "Kein Merkmal wurde als »liegt vor« erfasst." in dossier_text(case)


def test_dossier_lists_evidence_with_full_checksums_but_not_the_files(case):
    text = dossier_text(case)
    assert "Beweismittel" in text
    for item in case.report.evidence.all():
        assert item.original_name in text
        assert item.sha256 in compact(text)
    assert "Die Dateien sind nicht Teil dieses Dossiers" in text


def test_every_page_has_the_dossier_footer(case):
    for number in range(3, 60):
        Message.objects.create(case=case, from_reporter=True, body=f"Nachricht {number} " + "lang " * 80)
    pages = texts(render_dossier_pdf(case))
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"Dossier {case.number}" in normalised(page)
        assert f"Seite {number} von {len(pages)}" in normalised(page)


def test_empty_case_renders(pd_dresden):
    case = testing.make_case(route=False)
    text = dossier_text(case)
    assert "Federführende Stelle noch keine" in text
    assert "Es wurde noch keine Gefahrenanalyse erfasst." in text
    assert "Es wurden keine Schutzmaßnahmen erfasst." in text
    assert "Keine Nachrichten." in text
    assert "Es wurden keine Dateien hochgeladen." in text


@pytest.mark.parametrize(
    "value",
    [
        "Emoji 😀👍🏽👨‍👩‍👧 und ❤️ im Text",
        "Steuerzeichen \x07\x1b[31m und \ufeff\u200b\u202eGegenrichtung\u202c",
        "privat \ue000\U000f0000 und {nb}",
        '<img src="https://example.org/x.png"></td></tr></table><style>* { display: none }</style>',
        "中文 العربية עברית हिन्दी ไทย 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "x" * 5_000,
        "Zeilen\u2028trenner\u2029und\x85mehr\x0bund\x0cSeitenvorschub\ttab\r\n",
    ],
)
def test_any_stored_text_renders(pd_dresden, value, caplog):
    case = testing.make_case(description=value, anonymous=False, contact_name=value)
    case = services.change_status(case=case, to=CaseStatus.IN_REVIEW, by=pd_dresden, reason=value)
    Message.objects.create(case=case, from_reporter=True, body=value)
    add_evidence(case, 1, name=value)
    record_assessment(case, pd_dresden, present={"pathway": value[:NOTE_MAX]}, level=1, reason=value)
    # An analysis made with an older instrument: items and rules no longer known are shown by their codes.
    ThreatAssessment.objects.create(
        case=case,
        instrument_version=value[:20],
        answers={value[:30]: {"value": "present", "note": value}, "pathway": "kaputt", "x": None},
        suggested_level=2,
        rules_fired=[value[:10], None],
        level=3,
        override_reason=value,
        next_review_on=timezone.localdate(),
        assessed_by=None,
        assessed_by_organisation=value[:200],
    )
    plan_measure(
        case=case, kind=MeasureKind.POLICE_CONTACT, responsible=pd_dresden.organisation, by=pd_dresden, notes=value
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pages = texts(render_dossier_pdf(case))
    assert pages
    assert case.number in normalised(pages[0])
    assert "Es wurden keine Dateien hochgeladen." not in normalised("\n".join(pages))
    assert not caplog.records


def test_queries_do_not_grow_with_the_case(case, pd_dresden):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            render_dossier_pdf(case)
        return len(context.captured_queries)

    before = queries()
    for number in range(3, 8):
        add_evidence(case, number)
        Message.objects.create(case=case, author=pd_dresden, body=f"Notiz {number}", internal=True)
    record_assessment(case, pd_dresden)
    services.change_status(case=case, to=CaseStatus.IN_PROGRESS, by=testing.make_user(organisation=case.lead))
    assert queries() == before <= 12


def test_view_sends_the_dossier_after_reauthentication_and_audits_it(client, case, pd_dresden):
    testing.login(client, pd_dresden)
    session = client.session
    session[reauth.SESSION_KEY] = time.time()
    session.save()
    response = client.get(reverse("casefile:dossier", args=[case.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="Dossier-{case.number}.pdf"'
    assert case.number in normalised(texts(response.content)[0])
    entry = AuditEvent.objects.get(action="case.exported", object_id=str(case.pk))
    assert entry.actor == pd_dresden
    assert entry.data == {"format": "pdf"}
