"""The case history (»Verlauf«): every step is recorded and reads as a German sentence."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sikom import testing
from sikom.accounts.models import OrganisationType
from sikom.cases import services
from sikom.cases.models import CaseEvent, CaseStatus
from sikom.measures import services as measure_services
from sikom.measures.catalogue import MeasureKind
from sikom.measures.models import MeasureStatus

pytestmark = pytest.mark.django_db


def history(client, case) -> list[str]:
    html = client.get(reverse("casefile:detail", args=[case.number])).content.decode()
    section = html[html.index('id="verlauf"') :]
    section = section[: section.index("</ol>")]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def test_every_step_of_a_case_is_in_its_history(client, pd_dresden):
    case = testing.make_case()
    services.post_handler_message(case=case, by=pd_dresden, body="Wir rufen Sie an.", internal=False)
    services.post_handler_message(case=case, by=pd_dresden, body="Zweite Nachricht.", internal=False)
    review = timezone.localdate() + timedelta(days=30)
    services.set_risk_level(case=case, level=case.risk_level, by=pd_dresden, next_review_on=review)
    measure = measure_services.plan_measure(
        case=case, kind=MeasureKind.PATROLS, responsible=pd_dresden.organisation, by=pd_dresden, notes="geheim"
    )
    measure_services.update_measure(
        measure=measure,
        by=pd_dresden,
        status=MeasureStatus.ACTIVE,
        starts_on=None,
        ends_on=None,
        notes="noch geheimer",
        expected_version=measure.version,
    )
    services.change_status(case=case, to=CaseStatus.IN_REVIEW, by=pd_dresden)
    zora = testing.organisation_of(OrganisationType.ZORA)
    services.refer(case=case, to=zora, by=pd_dresden, reason="Strafverfolgung")

    testing.login(client, pd_dresden)
    lines = history(client, case)
    text = "\n".join(lines)
    by = f"({pd_dresden.full_name}, Polizeidirektion Dresden)"
    assert "Automatisch zugewiesen an Polizeidirektion Dresden (Regel »" in text
    assert "Vorläufige Gefährdungsstufe aus den Angaben der Meldung: 3 – hoch." in text
    # The first contact happened by the first message; the second message is no new first contact.
    assert f"Erstkontakt: Nachricht an die meldende Person geschickt. {by}" in text
    assert text.count("Erstkontakt") == 1
    assert f"Gefährdungsstufe 3 – hoch bestätigt (bisher vorläufig). Nächste Neubewertung am {review:%d.%m.%Y}." in text
    title = MeasureKind.PATROLS.label
    assert f"Schutzmaßnahme »{title}« geplant; zuständig: Polizeidirektion Dresden. {by}" in text
    assert f"Schutzmaßnahme »{title}«: Status von »geplant« auf »läuft«; geändert: Beginn, Notizen." in text
    assert "Status von »Eingegangen« auf »In Prüfung« gesetzt." in text
    assert f"Weitergeleitet an {zora.name}; die Federführung liegt jetzt dort. Begründung: Strafverfolgung {by}" in text
    assert "Weitergeleitet: Weitergeleitet" not in text
    # Notes of measures stay in the measure's own encrypted history.
    assert "geheim" not in text


def test_noting_the_first_contact_by_hand_is_a_step_too(client, pd_dresden):
    case = testing.make_case()
    testing.login(client, pd_dresden)
    client.post(reverse("casefile:first_contact", args=[case.number]))
    client.post(reverse("casefile:first_contact", args=[case.number]))
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.FIRST_CONTACT).count() == 1
    assert any("Erstkontakt mit der meldenden Person vermerkt." in line for line in history(client, case))
