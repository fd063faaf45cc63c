"""The danger-analysis form, built from the instrument: per item a present/absent/unknown choice and a note, then
the analyst's decision (level, reason for an override, next reassessment).

The checks that matter are the service's (one place for the messages); the form calls them so the message stands
at the field that caused it.
"""

import json

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sikom.assessments import rules, services
from sikom.assessments.instrument import GROUPS, ITEMS, NOTE_MAX, Answer
from sikom.cases.models import RiskLevel

REQUIRED = _("Bitte beantworten Sie diese Frage.")
CHOICE = _("Bitte wählen Sie eine der angebotenen Antworten aus.")
MAX_LENGTH = _("Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d).")
DECISION_FIELDS = ("level", "override_reason", "next_review_on")


def note_name(code: str) -> str:
    return f"{code}_note"


class AssessmentForm(forms.Form):
    """``compute_only``: only the checklist must be complete (»Vorschlag berechnen«); the decision may be empty."""

    level = forms.TypedChoiceField(
        label=_("Gefährdungsstufe"),
        choices=RiskLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Vorausgewählt ist der Vorschlag. Wenn Sie abweichen, begründen Sie es bitte."),
        error_messages={
            "required": _("Bitte legen Sie die Gefährdungsstufe fest."),
            "invalid_choice": _("Bitte wählen Sie eine Gefährdungsstufe von 1 bis 4."),
        },
    )
    override_reason = forms.CharField(
        label=_("Begründung der Abweichung vom Vorschlag"),
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pflicht, wenn die festgelegte Stufe vom Vorschlag abweicht."),
        error_messages={"max_length": MAX_LENGTH},
    )
    next_review_on = forms.DateField(
        label=_("Nächste Neubewertung am"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Bitte geben Sie an, wann die Gefahr neu bewertet wird."),
            "invalid": _("Bitte geben Sie ein gültiges Datum an, zum Beispiel 20.11.2026."),
        },
    )
    # The suggestion the page showed; saving needs the analyst to have seen the suggestion for these answers.
    shown_suggestion = forms.TypedChoiceField(
        choices=RiskLevel.choices, coerce=int, required=False, widget=forms.HiddenInput, empty_value=None
    )

    def __init__(self, *args, compute_only: bool = False, suggestion: rules.Suggestion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        checklist = {}
        for item in ITEMS.values():
            checklist[item.code] = forms.ChoiceField(
                label=item.label,
                help_text=item.explanation,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": REQUIRED, "invalid_choice": CHOICE},
            )
            checklist[note_name(item.code)] = forms.CharField(
                label=format_lazy(_("Beleg oder Notiz zu »{label}«"), label=item.label),
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": MAX_LENGTH},
            )
        self.fields = {**checklist, **self.fields}
        today = timezone.localdate()
        intervals = ", ".join(
            _("Stufe %(level)d: %(days)d") % {"level": level, "days": days}
            for level, days in sorted(settings.ASSESSMENT_REVIEW_DAYS.items())
        )
        self.fields["next_review_on"].help_text = format_lazy(
            _(
                "Vorgeschlagen wird der Abstand, den der Plattformbetrieb für die Stufe eingestellt hat ({intervals} "
                "Tage) – eine Einstellung, keine fachliche Vorgabe. Wählen Sie das Datum, das der Fall braucht: heute "
                "oder später, höchstens ein Jahr ab heute."
            ),
            intervals=intervals,
        )
        # The progressive enhancement in sikom.js moves the suggested date with the chosen level while the analyst
        # has not changed it.
        self.fields["next_review_on"].widget.attrs.update(
            {
                "data-review-dates": json.dumps(
                    {
                        level: services.suggested_next_review(level, today=today).isoformat()
                        for level in RiskLevel.values
                    }
                )
            }
        )
        self.compute_only = compute_only
        self.suggestion = suggestion
        if compute_only:
            for name in DECISION_FIELDS:
                self.fields[name].required = False

    def sections(self) -> list[dict]:
        return [
            {"group": group, "items": [(self[item.code], self[note_name(item.code)]) for item in group.items]}
            for group in GROUPS
        ]

    def decision_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DECISION_FIELDS]

    def answers(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {code: {"value": data[code], "note": data.get(note_name(code), "")} for code in ITEMS}

    def clean_next_review_on(self):
        value = self.cleaned_data.get("next_review_on")
        if value is None:
            return value
        try:
            return services.check_next_review_on(value)
        except services.AssessmentInvalid as error:
            raise forms.ValidationError(error.message) from error

    def clean(self):
        data = super().clean()
        if any(code in self.errors or code not in data for code in ITEMS):
            return data
        self.suggestion = rules.suggest_level(self.answers())
        if self.compute_only:
            return data
        level = data.get("level")
        if level is not None and "override_reason" not in self.errors:
            try:
                data["override_reason"] = services.check_override_reason(
                    level=level, suggested=self.suggestion.level, reason=data.get("override_reason", "")
                )
            except services.AssessmentInvalid as error:
                self.add_error("override_reason", error.message)
            # Shown again as required (no »optional«) while the chosen level differs from the suggestion.
            self.fields["override_reason"].required = level != self.suggestion.level
        if data.get("shown_suggestion") != self.suggestion.level:
            self.add_error(
                None,
                _(
                    "Der Vorschlag für Ihre Antworten lautet Stufe %(level)s. Bitte prüfen Sie ihn und speichern "
                    "Sie dann erneut."
                )
                % {"level": self.suggestion.level_label},
            )
        return data

    def initial_after_compute(self) -> dict:
        """The answers as initial values of a fresh form, with the suggested level preselected."""
        data = self.cleaned_data
        initial = {name: data.get(name) for name in self.fields if name in data and data.get(name) not in (None, "")}
        initial["level"] = self.suggestion.level
        initial["shown_suggestion"] = self.suggestion.level
        # A date the analyst already chose stays; otherwise the interval for the suggested level.
        initial.setdefault("next_review_on", services.suggested_next_review(self.suggestion.level))
        return initial
