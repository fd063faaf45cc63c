import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sikom import testing
from sikom.assessments import selectors
from sikom.assessments.models import ThreatAssessment
from sikom.assessments.services import record_assessment
from sikom.assessments.tests.helpers import answers, form_data, in_days
from sikom.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def urls(case, pk=1):
    return [
        reverse("assessments:history", args=[case.number]),
        reverse("assessments:create", args=[case.number]),
        reverse("assessments:detail", args=[case.number, pk]),
    ]


def record(case, by, answer_dict=None, *, level=1, reason="", days=30):
    return record_assessment(
        case=case,
        by=by,
        answers=answer_dict or answers(),
        level=level,
        override_reason=reason,
        next_review_on=in_days(days),
    )


def html_of(response) -> str:
    return response.content.decode()


def checked_level(html: str) -> str | None:
    match = re.search(r'<input type="radio" name="level" value="(\d)"[^>]*checked', html)
    return match.group(1) if match else None


# Access


def test_anonymous_is_sent_to_login(client, zastex_case):
    for url in urls(zastex_case):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_staff_without_second_factor_is_asked_for_the_code(client, zastex, zastex_case):
    testing.login(client, zastex, verified=False)
    response = client.get(urls(zastex_case)[0])
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_people_without_a_role_get_the_same_answer_for_real_and_made_up_cases(client, outsider, zastex_case):
    # Not staff at all: refused by staff_required before any case is looked up, so nothing can be probed.
    testing.login(client, outsider)
    for url in [*urls(zastex_case), reverse("assessments:history", args=["SK-2000-999999"])]:
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", ["municipality_user", "zmi", "pd_leipzig", "expert_network", "asskomm"])
def test_offices_the_case_was_not_routed_to_get_404(client, request, zastex_case, zastex, persona):
    assessment = record(zastex_case, zastex)
    testing.login(client, request.getfixturevalue(persona))
    for url in urls(zastex_case, assessment.pk):
        assert client.get(url).status_code == 404, url
    assert client.post(urls(zastex_case)[1], form_data(level=1, shown=1)).status_code == 404
    assert ThreatAssessment.objects.count() == 1


def test_shared_zmi_sees_the_history_but_may_not_assess(client, zmi, zastex, directorate_case):
    assessment = record(directorate_case, zastex, answers(enemy_list="present"), level=2)
    testing.login(client, zmi)
    history, create, detail = urls(directorate_case, assessment.pk)
    html = html_of(client.get(history))
    assert "2 – mittel" in html and "Neue Gefahrenanalyse" not in html
    assert client.get(detail).status_code == 200
    assert client.get(create).status_code == 403
    assert client.post(create, form_data(level=1, shown=1)).status_code == 403
    assert ThreatAssessment.objects.count() == 1


def test_a_pk_of_another_case_is_404(client, zastex, zastex_case, directorate_case):
    other = record(directorate_case, zastex)
    testing.login(client, zastex)
    assert client.get(reverse("assessments:detail", args=[zastex_case.number, other.pk])).status_code == 404


# Recording


def test_zastex_lead_computes_the_suggestion_then_saves(client, zastex, zastex_case):
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    html = html_of(client.get(url))
    assert "So entsteht der Vorschlag" in html and all(f"<strong>R{n}</strong>" in html for n in range(1, 7))
    assert "senken den Vorschlag aber nie" in html and "Meloy" in html
    assert checked_level(html) is None

    data = answers(
        directly_communicated_threat="present",
        concrete_time_or_place="present",
        support_network="present",
        earlier_violence="unknown",
        notes={"directly_communicated_threat": "Brief vom 3.11.: »Wir sehen uns Freitag am Rathaus.«"},
    )
    response = client.post(url, form_data(data, action="berechnen"))
    html = html_of(response)
    assert response.status_code == 200 and "Vorschlag: Stufe 4 – akut" in html
    assert (
        "R3: Direkt geäußerte Drohung (Directly Communicated Threat), Konkreter Zeitpunkt oder Ort genannt ⇒ Stufe 4 – akut."
        in html
    )
    assert "Offene Fragen" in html and "Frühere Gewalt</li>" in html
    assert "Unterstützendes Umfeld</li>" in html
    assert checked_level(html) == "4" and 'name="shown_suggestion" value="4"' in html
    assert "Wir sehen uns Freitag am Rathaus." in html  # the answers survive the round trip
    assert not ThreatAssessment.objects.exists()

    response = client.post(url, form_data(data, level=4, shown=4))
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessments:history", args=[zastex_case.number]
    )
    assessment = ThreatAssessment.objects.get()
    assert (assessment.suggested_level, assessment.level, assessment.assessed_by) == (4, 4, zastex)
    assert assessment.answers["directly_communicated_threat"]["note"].startswith("Brief vom 3.11.")
    zastex_case.refresh_from_db()
    assert zastex_case.risk_level == 4 and zastex_case.next_review_on == in_days(30)
    html = html_of(client.get(response["Location"]))
    assert "Die Gefahrenanalyse ist gespeichert." in html and "erste Analyse" in html


def test_saving_before_the_suggestion_was_shown_shows_it_first(client, zastex, zastex_case):
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    html = html_of(client.post(url, form_data(answers(fixation="present"), level=3)))
    assert "Der Vorschlag für Ihre Antworten lautet Stufe 3 – hoch." in html and "Vorschlag: Stufe 3" in html
    assert not ThreatAssessment.objects.exists()
    # A suggestion shown for other answers does not count either.
    html = html_of(client.post(url, form_data(answers(pathway="present"), level=3, reason="x", shown=3)))
    assert "lautet Stufe 4 – akut" in html and not ThreatAssessment.objects.exists()


def test_override_without_reason_is_refused_at_the_field(client, zastex, zastex_case):
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    html = html_of(client.post(url, form_data(answers(pathway="present"), level=2, shown=4)))
    assert 'id="id_override_reason_error"' in html
    assert "Sie weichen vom Vorschlag (Stufe 4 – akut) ab. Bitte begründen Sie" in html
    assert not ThreatAssessment.objects.exists()
    response = client.post(url, form_data(answers(pathway="present"), level=2, shown=4, reason="Person in U-Haft."))
    assert response.status_code == 302
    assert ThreatAssessment.objects.get().override_reason == "Person in U-Haft."


def test_an_empty_form_shows_german_errors_and_saves_nothing(client, zastex, zastex_case):
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    html = html_of(client.post(url, {"aktion": "speichern"}))
    assert "Bitte prüfen Sie Ihre Angaben." in html
    assert html.count("Bitte beantworten Sie diese Frage.") >= 21
    assert "Bitte legen Sie die Gefährdungsstufe fest." in html
    assert "Bitte geben Sie an, wann die Gefahr neu bewertet wird." in html
    assert 'id="id_pathway_error"' in html and 'href="#id_pathway_0"' in html
    assert not ThreatAssessment.objects.exists()


def test_computing_with_missing_answers_shows_errors_only_at_the_checklist(client, zastex, zastex_case):
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    data = form_data(action="berechnen", next_review="")
    del data["fixation"]
    html = html_of(client.post(url, data))
    assert 'id="id_fixation_error"' in html and "Vorschlag: Stufe" not in html
    assert "Bitte legen Sie die Gefährdungsstufe fest." not in html
    assert "Bitte geben Sie an, wann" not in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"pathway": "vielleicht"}, "pathway", "Bitte wählen Sie eine der angebotenen Antworten aus."),
        ({"level": "7"}, "level", "Bitte wählen Sie eine Gefährdungsstufe von 1 bis 4."),
        ({"next_review_on": in_days(-1).isoformat()}, "next_review_on", "Das Datum liegt in der Vergangenheit."),
        ({"next_review_on": in_days(400).isoformat()}, "next_review_on", "höchstens ein Jahr ab heute"),
        ({"next_review_on": "morgen"}, "next_review_on", "Bitte geben Sie ein gültiges Datum an"),
        ({"leakage_note": "x" * 2001}, "leakage_note", "höchstens 2000 Zeichen (jetzt: 2001)"),
        ({"override_reason": "x" * 5001}, "override_reason", "höchstens 5000 Zeichen"),
    ],
)
def test_bad_input_is_named_at_its_field_and_nothing_is_saved(client, zastex, zastex_case, change, field, message):
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    response = client.post(url, form_data(level=1, shown=1) | change)
    html = html_of(response)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html and message in html
    assert not ThreatAssessment.objects.exists()
    zastex_case.refresh_from_db()
    assert zastex_case.risk_level_is_provisional


def test_unknown_fields_are_ignored_not_stored(client, zastex, zastex_case):
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    response = client.post(url, form_data(level=1, shown=1) | {"secret_score": "present", "suggested_level": "1"})
    assert response.status_code == 302
    assert "secret_score" not in ThreatAssessment.objects.get().answers


# History and detail


def test_history_shows_the_change_over_time(client, zastex, pd_dresden, directorate_case):
    record(directorate_case, pd_dresden, answers(enemy_list="present"), level=2, days=90)
    record(directorate_case, zastex, answers(pathway="present"), level=4, days=7)
    record(directorate_case, zastex, answers(pathway="present"), level=3, reason="Täter gefasst.", days=14)
    testing.login(client, pd_dresden)
    html = html_of(client.get(reverse("assessments:history", args=[directorate_case.number])))
    assert "3 Gefahrenanalysen, die neueste zuerst" in html
    assert html.index("gesunken von 4 auf 3") < html.index("gestiegen von 2 auf 4") < html.index("erste Analyse")
    assert "Täter gefasst." in html and html.count("Vorschlag bestätigt") == 2
    assert "Polizeidirektion Dresden" in html and zastex.full_name in html
    assert "Neue Gefahrenanalyse" in html
    assert AuditEvent.objects.filter(action="case.assessment_history_viewed", actor=pd_dresden).exists()


def test_history_without_assessments_explains_the_provisional_level(client, pd_dresden, directorate_case):
    testing.login(client, pd_dresden)
    html = html_of(client.get(reverse("assessments:history", args=[directorate_case.number])))
    assert "Noch keine Gefahrenanalyse." in html and "vorläufig, aus den Angaben der Meldung" in html
    assert "<table" not in html and reverse("assessments:create", args=[directorate_case.number]) in html


def test_history_needs_the_same_queries_for_one_or_many_assessments(client, zastex, zastex_case):
    testing.login(client, zastex)
    url = reverse("assessments:history", args=[zastex_case.number])
    record(zastex_case, zastex)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        record(zastex_case, zastex)
    with CaptureQueriesContext(connection) as five:
        assert "5 Gefahrenanalysen" in html_of(client.get(url))
    assert len(five) == len(one)


def test_detail_shows_answers_notes_and_reasons_and_is_audited(client, zastex, zastex_case):
    assessment = record(
        zastex_case,
        zastex,
        answers(leakage="present", address_block="present", notes={"leakage": "Post im Forum X, 2.11."}),
        level=3,
    )
    testing.login(client, zastex)
    html = html_of(client.get(reverse("assessments:detail", args=[zastex_case.number, assessment.pk])))
    assert "Post im Forum X, 2.11." in html and "Auskunftssperre im Melderegister (§ 51 BMG)" in html
    assert "R1: Ankündigung gegenüber Dritten (Leakage) ⇒ mindestens Stufe 3 – hoch." in html
    assert "Keine Abweichung: Vorschlag bestätigt." in html
    event = AuditEvent.objects.get(action="case.assessment_viewed")
    assert event.actor == zastex and event.object_id == str(zastex_case.pk)
    assert event.data == {"assessment": assessment.pk}


# The case page's section


def test_case_section_partial(rf, zastex, zastex_case):
    context = {"case": zastex_case, "assessments": selectors.assessments_for(zastex_case), "can_assess": True}
    html = render_to_string("assessments/partials/case_section.html", context)
    assert "Noch keine Gefahrenanalyse" in html and reverse("assessments:create", args=[zastex_case.number]) in html
    record(zastex_case, zastex, answers(pathway="present"), level=3, reason="Begründet.", days=10)
    html = render_to_string("assessments/partials/case_section.html", {**context, "can_assess": False})
    assert "3 – hoch" in html and "abweichend festgelegt" in html and in_days(10).strftime("%d.%m.%Y") in html
    assert reverse("assessments:history", args=[zastex_case.number]) in html
    assert reverse("assessments:create", args=[zastex_case.number]) not in html


def test_case_page_includes_the_section(client, zastex, zastex_case):
    record(zastex_case, zastex, level=1)
    testing.login(client, zastex)
    html = html_of(client.get(reverse("casefile:detail", args=[zastex_case.number])))
    assert 'id="gefahrenanalyse"' in html and reverse("assessments:create", args=[zastex_case.number]) in html


def test_the_next_reassessment_is_suggested_by_level_from_the_operators_setting(client, zastex, zastex_case, settings):
    settings.ASSESSMENT_REVIEW_DAYS = {**settings.ASSESSMENT_REVIEW_DAYS, 4: 5}
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    data = answers(directly_communicated_threat="present", concrete_time_or_place="present")
    html = html_of(client.post(url, form_data(data, action="berechnen", next_review="")))
    assert checked_level(html) == "4"
    assert f'value="{in_days(5).isoformat()}"' in html
    assert f"Als nächste Neubewertung ist der {in_days(5):%d.%m.%Y} vorgeschlagen (in 5 Tagen)" in html
    # Marked as the operators' setting, not as a rule of the analysis.
    assert (
        "Stufe 1: 180, Stufe 2: 90, Stufe 3: 30, Stufe 4: 5 Tage) – eine Einstellung, keine fachliche Vorgabe" in html
    )


def test_a_date_chosen_before_computing_is_kept(client, zastex, zastex_case):
    testing.login(client, zastex)
    url = reverse("assessments:create", args=[zastex_case.number])
    data = form_data(
        answers(directly_communicated_threat="present"), action="berechnen", next_review=in_days(3).isoformat()
    )
    assert f'value="{in_days(3).isoformat()}"' in html_of(client.post(url, data))
