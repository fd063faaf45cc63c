"""The steps of »Vorfall melden«, in order, and the final check of a whole draft before it is submitted."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sikom.intake import forms
from sikom.reports.evidence import MAX_FILES


@dataclass(frozen=True)
class Step:
    name: str
    slug: str
    title: str


STEPS = [
    Step("person", "person", _("Betroffene Person")),
    Step("incident", "vorfall", _("Was ist passiert?")),
    Step("online", "online", _("Online-Inhalte")),
    Step("evidence", "beweismittel", _("Beweismittel")),
    Step("contact", "kontakt", _("Kontakt und Anzeige")),
    Step("review", "pruefen", _("Prüfen und absenden")),
]
BY_SLUG = {step.slug: step for step in STEPS}
FORMS = {
    "person": forms.PersonForm,
    "incident": forms.IncidentForm,
    "contact": forms.ContactForm,
    "review": forms.ReviewForm,
}


def index_of(step: Step) -> int:
    return STEPS.index(step)


def previous(step: Step) -> Step | None:
    index = index_of(step)
    return STEPS[index - 1] if index else None


def following(step: Step) -> Step:
    return STEPS[index_of(step) + 1]


def first_open_step(answers: dict) -> Step:
    """The first step without saved answers; the review step when everything else is done."""
    for step in STEPS[:-1]:
        if step.name not in answers:
            return step
    return STEPS[-1]


def may_open(step: Step, answers: dict) -> bool:
    return index_of(step) <= index_of(first_open_step(answers))


def bound_form(step_name: str, stored: dict):
    """A form bound to saved answers, to validate them again."""
    if step_name == "online":
        entries = stored.get("entries", [])
        data = {"form-TOTAL_FORMS": str(len(entries)), "form-INITIAL_FORMS": "0"}
        for index, entry in enumerate(entries):
            data.update({f"form-{index}-{key}": value or "" for key, value in entry.items()})
        return forms.OnlineContentFormSet(data)
    return FORMS[step_name](data=_as_form_data(stored))


def _as_form_data(stored: dict) -> dict:
    words = {True: "true", False: "false", None: ""}
    return {key: words[value] if value is None or isinstance(value, bool) else value for key, value in stored.items()}


class IncompleteDraft(Exception):
    def __init__(self, step: Step):
        super().__init__(step.name)
        self.step = step


def validated_answers(draft) -> dict:
    """All answers of the draft, checked again with the step forms; raises IncompleteDraft at the first gap.

    Besides the answers of each step: ``municipality``, the record the person step resolved (with its district,
    without the boundaries), so the submit need not look it up again."""
    result = {}
    for step in STEPS:
        if step.name == "evidence":
            if "evidence" not in draft.answers or draft.evidence.count() > MAX_FILES:
                raise IncompleteDraft(step)
            continue
        if step.name not in draft.answers:
            raise IncompleteDraft(step)
        form = bound_form(step.name, draft.answers[step.name])
        if not form.is_valid():
            raise IncompleteDraft(step)
        if step.name == "online":
            result["online"] = {"entries": [f.cleaned_data for f in form.filled_forms()]}
        else:
            result[step.name] = form.cleaned_data
        if step.name == "person":
            result["municipality"] = form.municipality
    return result
