from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.measures.catalogue import CATALOGUE
from sikom.measures.models import MeasureStatus
from sikom.measures.workflow import MEASURES

_CHOICE_ERRORS = {
    "required": _("Bitte wählen Sie einen Eintrag aus."),
    "invalid_choice": _("Diese Auswahl gibt es nicht. Bitte wählen Sie einen Eintrag aus der Liste."),
}
_DATE_ERRORS = {"invalid": _("Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.12.2026.")}
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
NOTES_MAX_LENGTH = 5000


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=help_text,
        error_messages=_DATE_ERRORS,
    )


def _notes_field():
    return forms.CharField(
        label=_("Notizen"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Nur was die beteiligten Stellen für die Maßnahme wissen müssen. Wird verschlüsselt gespeichert."),
        error_messages={
            "max_length": _("Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d).")
        },
    )


class PlanMeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Maßnahme"), error_messages=_CHOICE_ERRORS)
    responsible = forms.TypedChoiceField(
        label=_("Zuständige Stelle"),
        coerce=int,
        error_messages=_CHOICE_ERRORS,
        help_text=_("Vorausgewählt ist die Stelle, die der Katalog für die gewählte Maßnahme vorsieht."),
    )
    starts_on = _date_field(_("Beginn"), _("Wenn schon bekannt."))
    notes = _notes_field()

    def __init__(
        self,
        *args,
        organisations: list[Organisation],
        recommended: list[str],
        responsible_url: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        others = [code for code in CATALOGUE if code not in recommended]
        groups = []
        if recommended:
            groups.append((_("Empfohlen"), [(code, CATALOGUE[code].title) for code in recommended]))
        groups.append(
            (
                _("Weitere Maßnahmen") if recommended else _("Maßnahmen"),
                [(code, CATALOGUE[code].title) for code in others],
            )
        )
        self.fields["kind"].choices = groups
        self.fields["responsible"].choices = [(organisation.pk, organisation.name) for organisation in organisations]
        if responsible_url:
            # htmx enhancement: choosing a measure preselects its default agency; without JavaScript the help text
            # and the »Planen« links of the recommendations do the same.
            self.fields["kind"].widget.attrs.update(
                {
                    "hx-get": responsible_url,
                    "hx-trigger": "change",
                    "hx-target": "#zustaendige-stelle",
                    "hx-swap": "innerHTML",
                    "hx-include": "this",
                }
            )

    def clean_responsible(self) -> Organisation:
        return self.organisations[self.cleaned_data["responsible"]]


class UpdateMeasureForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), error_messages=_CHOICE_ERRORS)
    starts_on = _date_field(_("Beginn"), _("Wird beim Start der Maßnahme auf heute gesetzt, wenn leer."))
    ends_on = _date_field(_("Ende"), _("Wird beim Beenden auf heute gesetzt, wenn leer."))
    notes = _notes_field()
    # The version the editor saw; missing or tampered with, it can never match, so the edit is refused as a conflict.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        label=_("Bearbeitungsstand"),
        error_messages={
            "invalid": _("Das Formular ist beschädigt. Bitte laden Sie die Seite neu."),
            "min_value": _("Das Formular ist beschädigt. Bitte laden Sie die Seite neu."),
        },
    )

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Any status is accepted here and the service judges the move, so an edit made on an outdated page is
        # answered with the conflict message rather than a puzzling »invalid choice«; only the allowed moves are
        # offered.
        field = self.fields["status"]
        field.choices = MeasureStatus.choices
        allowed = MEASURES.targets(current_status) or [current_status]
        field.widget.choices = [(value, label) for value, label in MeasureStatus.choices if value in allowed]

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Das Ende darf nicht vor dem Beginn liegen."))
        return data
