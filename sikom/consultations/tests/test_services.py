from datetime import date

import pytest
from django.core.exceptions import ValidationError

from sikom.consultations import services
from sikom.consultations.models import ConsultationRevision, NextStep
from sikom.consultations.services import ConsultationData, StepData
from sikom.consultations.tests.factories import make_consultation
from sikom.core.models import AuditEvent
from sikom.offers.models import Offer

pytestmark = pytest.mark.django_db


def _data(consultation, **changes) -> ConsultationData:
    fields = {
        "municipality": consultation.municipality,
        "office_holder_note": consultation.office_holder_note,
        "date": consultation.date,
        "offers": list(consultation.offers.all()),
        "format": consultation.format,
        "participants": consultation.participants,
        "result": consultation.result,
    }
    return ConsultationData(**(fields | changes))


def test_creating_records_history_search_text_and_audit(asskomm):
    consultation = make_consultation(by=asskomm, steps=[("Unterlagen senden", date(2024, 3, 1), False)])
    assert consultation.version == 1 and consultation.created_by == asskomm
    assert "praeventionsrat" in consultation.search_text and "beratung zu kommunaler" in consultation.search_text
    revision = ConsultationRevision.objects.get(consultation=consultation)
    assert revision.snapshot["next_steps"][0]["text"] == "Unterlagen senden"
    assert AuditEvent.objects.filter(action="consultations.created", object_id=str(consultation.pk)).exists()


def test_an_edit_adds_a_version_with_the_changed_fields(asskomm):
    consultation = make_consultation(by=asskomm)
    services.update_consultation(
        consultation=consultation, by=asskomm, expected_version=1, data=_data(consultation, result="Neu.")
    )
    consultation.refresh_from_db()
    assert consultation.version == 2 and consultation.result == "Neu."
    assert ConsultationRevision.objects.get(consultation=consultation, version=2).changed_fields == ["result"]
    assert AuditEvent.objects.filter(action="consultations.updated", actor=asskomm).exists()


def test_an_unchanged_save_adds_no_version(asskomm):
    consultation = make_consultation(by=asskomm)
    services.update_consultation(consultation=consultation, by=asskomm, expected_version=1, data=_data(consultation))
    assert ConsultationRevision.objects.filter(consultation=consultation).count() == 1


def test_a_stale_edit_is_refused(asskomm):
    consultation = make_consultation(by=asskomm)
    services.update_consultation(
        consultation=consultation, by=asskomm, expected_version=1, data=_data(consultation, result="Erste.")
    )
    with pytest.raises(services.EditConflict):
        services.update_consultation(
            consultation=consultation, by=asskomm, expected_version=1, data=_data(consultation, result="Zweite.")
        )
    consultation.refresh_from_db()
    assert consultation.result == "Erste."


def test_steps_are_added_changed_and_deleted(asskomm):
    consultation = make_consultation(by=asskomm, steps=[("Alt", date(2024, 3, 1), False)])
    old = consultation.next_steps.get()
    steps = [
        StepData(pk=old.pk, text="Alt", due_on=date(2024, 3, 1), owner="Ordnungsamt", delete=True),
        StepData(text="Neu", due_on=date(2024, 4, 1), owner="ASSKomm-Team", done=True),
    ]
    services.update_consultation(
        consultation=consultation, by=asskomm, expected_version=1, data=_data(consultation, steps=steps)
    )
    step = consultation.next_steps.get()
    assert step.text == "Neu" and step.done and step.done_at is not None and step.done_by == asskomm


def test_a_step_of_another_consultation_cannot_be_changed(asskomm):
    mine = make_consultation(by=asskomm)
    other = make_consultation(by=asskomm, steps=[("Fremd", date(2024, 3, 1), False)])
    foreign = other.next_steps.get()
    with pytest.raises(ValidationError):
        services.update_consultation(
            consultation=mine,
            by=asskomm,
            expected_version=1,
            data=_data(mine, steps=[StepData(pk=foreign.pk, text="Gekapert", due_on=date(2024, 3, 1), owner="x")]),
        )
    foreign.refresh_from_db()
    assert foreign.text == "Fremd"


@pytest.mark.parametrize(
    "changes",
    [
        {"steps": [StepData(text="Zu früh", due_on=date(2024, 1, 1), owner="Ordnungsamt")]},
        {"offers": []},
        {"municipality": None, "office_holder_note": "  "},
        {"steps": [StepData(text="Ohne Verantwortliche", due_on=date(2024, 3, 1))]},
    ],
)
def test_the_service_refuses_broken_records(asskomm, changes):
    consultation = make_consultation(by=asskomm)
    with pytest.raises(ValidationError):
        services.create_consultation(by=asskomm, data=_data(consultation, **changes))
    assert NextStep.objects.count() == 0


def test_marking_a_step_done_is_recorded_once(asskomm):
    consultation = make_consultation(by=asskomm, steps=[("Offen", date(2024, 3, 1), False)])
    step = consultation.next_steps.get()
    services.mark_step_done(step=step, by=asskomm)
    services.mark_step_done(step=step, by=asskomm)
    step.refresh_from_db()
    assert step.done and step.done_by == asskomm
    assert ConsultationRevision.objects.filter(consultation=consultation).count() == 2
    assert AuditEvent.objects.filter(action="consultations.step_done").count() == 1


def test_the_figure_counts_each_consultation_from_its_day(asskomm):
    from sikom.core import figures

    make_consultation(by=asskomm)
    make_consultation(by=asskomm, ags=None, offers=("sicherheitsleitfaden",))
    figure = next(figure for figure in figures.registered() if figure.key == "consultations")
    assert figure.order == 20 and figure.public and str(figure.label) == "Beratungen"
    rows = sorted(figure.rows(), key=lambda row: row["district"] or "")
    assert rows == [
        {"start": date(2024, 2, 1), "end": None, "district": None},
        {"start": date(2024, 2, 1), "end": None, "district": "14628"},
    ]
    assert Offer.objects.filter(slug="sicherheitsleitfaden").exists()
