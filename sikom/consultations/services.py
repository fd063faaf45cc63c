"""Writes for consultations: record, edit (version check, no lost update, history row), mark a next step done."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.accounts.models import Organisation, User
from sikom.consultations.models import Consultation, ConsultationRevision, NextStep
from sikom.core import audit
from sikom.geo.models import Municipality
from sikom.geo.normalize import search_form
from sikom.offers.models import Offer

FIELDS = ["municipality", "office_holder_note", "date", "offers", "format", "participants", "result", "next_steps"]


class EditConflict(Exception):
    """The consultation was saved by someone else since the editor opened it."""

    def __init__(self, current: Consultation):
        super().__init__("consultation changed meanwhile")
        self.current = current


@dataclass
class StepData:
    """One next step as the form gives it: `pk` None for a new one; `delete` removes an existing one."""

    text: str
    due_on: date
    owner: str = ""
    owner_organisation: Organisation | None = None
    done: bool = False
    pk: int | None = None
    delete: bool = False


@dataclass
class ConsultationData:
    date: date
    offers: list[Offer]
    format: str
    participants: str
    result: str
    municipality: Municipality | None = None
    office_holder_note: str = ""
    steps: list[StepData] = field(default_factory=list)


def _check(data: ConsultationData) -> None:
    """The rules the forms show at their fields, repeated here so that no caller can save a broken record."""
    if data.municipality is None and not data.office_holder_note.strip():
        raise ValidationError(_("Bitte wählen Sie eine Gemeinde oder beschreiben Sie die beratene Person."))
    if not data.offers:
        raise ValidationError(_("Bitte wählen Sie mindestens ein Thema aus dem Angebotskatalog."))
    for step in data.steps:
        if step.delete:
            continue
        if step.due_on < data.date:
            raise ValidationError(_("Ein nächster Schritt kann nicht vor der Beratung fällig sein."))
        if not step.owner.strip() and step.owner_organisation is None:
            raise ValidationError(_("Bitte nennen Sie für jeden nächsten Schritt, wer verantwortlich ist."))


def snapshot(consultation: Consultation) -> dict[str, Any]:
    return {
        "municipality": consultation.municipality.ags if consultation.municipality_id else None,
        "office_holder_note": consultation.office_holder_note,
        "date": consultation.date.isoformat(),
        "offers": sorted(consultation.offers.values_list("slug", flat=True)),
        "format": consultation.format,
        "participants": consultation.participants,
        "result": consultation.result,
        "next_steps": [
            {
                "text": step.text,
                "owner": step.owner,
                "owner_organisation": step.owner_organisation.name if step.owner_organisation_id else None,
                "due_on": step.due_on.isoformat(),
                "done": step.done,
            }
            for step in consultation.next_steps.select_related("owner_organisation").order_by("due_on", "pk")
        ],
    }


def _apply(consultation: Consultation, data: ConsultationData) -> None:
    consultation.municipality = data.municipality
    consultation.office_holder_note = "" if data.municipality is not None else data.office_holder_note.strip()
    consultation.date = data.date
    consultation.format = data.format
    consultation.participants = data.participants
    consultation.result = data.result
    consultation.search_text = search_text(consultation, data.offers)


def search_text(consultation: Consultation, offers) -> str:
    return search_form(
        " ".join(
            [
                consultation.participants,
                consultation.result,
                consultation.office_holder_note,
                *(offer.title for offer in offers),
            ]
        )
    )


def _save_steps(consultation: Consultation, steps: list[StepData], by: User | None) -> None:
    existing = {step.pk: step for step in consultation.next_steps.all()}
    now = timezone.now()
    for data in steps:
        if data.pk is not None:
            step = existing.get(data.pk)
            if step is None:
                raise ValidationError(_("Diesen nächsten Schritt gibt es bei dieser Beratung nicht."))
            if data.delete:
                step.delete()
                continue
        elif data.delete:
            continue
        else:
            step = NextStep(consultation=consultation)
        step.text, step.due_on = data.text, data.due_on
        step.owner, step.owner_organisation = data.owner.strip(), data.owner_organisation
        if data.done and not step.done:
            step.done, step.done_at, step.done_by = True, now, by
        elif not data.done:
            step.done, step.done_at, step.done_by = False, None, None
        step.save()


def create_consultation(*, by: User | None, data: ConsultationData) -> Consultation:
    _check(data)
    with transaction.atomic():
        consultation = Consultation(created_by=by, updated_by=by)
        _apply(consultation, data)
        consultation.save()
        consultation.offers.set(data.offers)
        _save_steps(consultation, data.steps, by)
        ConsultationRevision.objects.create(
            consultation=consultation,
            version=consultation.version,
            snapshot=snapshot(consultation),
            changed_fields=FIELDS,
            changed_by=by,
        )
        audit.log("consultations.created", actor=by, obj=consultation, data={"steps": len(data.steps)})
    return consultation


def update_consultation(
    *, consultation: Consultation, by: User, expected_version: int, data: ConsultationData
) -> Consultation:
    """Save an edit; refuse it when someone else saved in between (no lost updates)."""
    _check(data)
    with transaction.atomic():
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if current.version != expected_version:
            raise EditConflict(current)
        before = snapshot(current)
        _apply(current, data)
        current.save()
        current.offers.set(data.offers)
        _save_steps(current, data.steps, by)
        after = snapshot(current)
        changed = [name for name in FIELDS if before[name] != after[name]]
        if not changed:
            # Nothing changed: no new version (the row was saved unchanged; the transaction keeps it harmless).
            return current
        current.version += 1
        current.updated_by = by
        current.save(update_fields=["version", "updated_by", "updated_at"])
        ConsultationRevision.objects.create(
            consultation=current, version=current.version, snapshot=after, changed_fields=changed, changed_by=by
        )
        audit.log("consultations.updated", actor=by, obj=current, data={"version": current.version, "fields": changed})
    return current


def mark_step_done(*, step: NextStep, by: User) -> NextStep:
    """Mark one next step done (again pressing the button changes nothing); a history row records it."""
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=step.consultation_id)
        step = NextStep.objects.select_for_update().get(pk=step.pk)
        if step.done:
            return step
        step.done, step.done_at, step.done_by = True, timezone.now(), by
        step.save(update_fields=["done", "done_at", "done_by"])
        consultation.version += 1
        consultation.updated_by = by
        consultation.save(update_fields=["version", "updated_by", "updated_at"])
        ConsultationRevision.objects.create(
            consultation=consultation,
            version=consultation.version,
            snapshot=snapshot(consultation),
            changed_fields=["next_steps"],
            changed_by=by,
        )
        audit.log("consultations.step_done", actor=by, obj=consultation, data={"step": step.pk})
    return step
