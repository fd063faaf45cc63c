"""The forms of the check: one page of questions built from the guide version, and the municipality."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.offers.forms import MunicipalityForm
from sikom.selfcheck.logic import Guide
from sikom.selfcheck.models import Question

FIELD_PREFIX = "frage-"


class TopicForm(forms.Form):
    """One radio group per question asked on this page; every question needs an answer."""

    def __init__(self, *args, guide: Guide, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[FIELD_PREFIX + question.key] = forms.ChoiceField(
                label=question.text,
                help_text=question.help,
                choices=[(choice.key, choice.label) for choice in guide.choices[question.key].values()],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Bitte wählen Sie eine Antwort."),
                    "invalid_choice": _("Bitte wählen Sie eine der angebotenen Antworten aus."),
                },
            )

    def rows(self) -> list:
        """Each question's field with the question itself (for its public source)."""
        return [(self[FIELD_PREFIX + question.key], question) for question in self.questions]

    def answers(self) -> dict[str, str]:
        return {name.removeprefix(FIELD_PREFIX): value for name, value in self.cleaned_data.items()}


class PlaceForm(MunicipalityForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeinde"].label = _("In welcher Gemeinde wohnen Sie oder sind Sie tätig?")
        self.fields["gemeinde"].help_text = _(
            "Zum Beispiel »Pirna« oder »Bautzen«. Die Gemeinde bestimmt die zuständigen Stellen und die Meldebehörde "
            "im Brief; sie wird nicht gespeichert."
        )
