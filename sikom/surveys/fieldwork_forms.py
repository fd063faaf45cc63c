"""Forms of the fieldwork pages (register extract, sample, letters, deletion)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.core.forms import INVALID_CHOICE, MAX_LENGTH, REQUIRED
from sikom.surveys.fieldwork import COLUMNS
from sikom.surveys.models import StrataVariable


def _german_lengths(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.error_messages["max_length"] = MAX_LENGTH


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Registerauszug (CSV oder XLSX)"),
        help_text=_(
            "Eine Zeile je Person, in der ersten Zeile die Spaltenüberschriften. CSV in UTF-8 oder Windows-1252, "
            "getrennt durch Semikolon oder Komma."
        ),
        error_messages={"required": REQUIRED, "empty": _("Die Datei ist leer.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, _required in COLUMNS:
            self.fields[f"map_{key}"] = forms.CharField(
                label=_("Spalte für »%(label)s«") % {"label": label},
                required=False,
                max_length=200,
            )
        _german_lengths(self)

    def mapping(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"map_{key}", "").strip()
            for key, _label, _required in COLUMNS
            if self.cleaned_data.get(f"map_{key}", "").strip()
        }

    def mapping_fields(self):
        return [self[f"map_{key}"] for key, _label, _required in COLUMNS]


class SampleForm(forms.Form):
    """Step one chooses the strata variables and a total (proportional allocation); step two shows every stratum's
    size, editable, and draws."""

    strata_by = forms.MultipleChoiceField(
        label=_("Schichten nach"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=StrataVariable.choices,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    total = forms.IntegerField(
        label=_("Stichprobenumfang insgesamt"),
        required=False,
        min_value=1,
        help_text=_("Wird proportional auf die Schichten aufgeteilt; die Umfänge je Schicht können Sie danach ändern."),
        error_messages={"invalid": _("Bitte geben Sie eine ganze Zahl ein."), "min_value": _("Mindestens 1.")},
    )
    seed = forms.IntegerField(
        label=_("Startwert des Zufallsgenerators"),
        required=False,
        min_value=0,
        max_value=2**62 - 1,
        help_text=_(
            "Leer lassen für einen zufälligen Startwert. Gleicher Auszug, Startwert und Umfänge ergeben dieselbe Stichprobe."
        ),
        error_messages={
            "invalid": _("Bitte geben Sie eine ganze Zahl ein."),
            "min_value": _("Der Startwert darf nicht negativ sein."),
            "max_value": _("Der Startwert ist zu groß."),
        },
    )

    def __init__(self, *args, variables: list[str], strata: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strata_by"].choices = [(v, label) for v, label in StrataVariable.choices if v in variables]
        self.strata = strata or {}
        for index, (label, population) in enumerate(self.strata.items()):
            self.fields[f"size_{index}"] = forms.IntegerField(
                label=_("%(label)s (%(n)s Personen)") % {"label": label, "n": population},
                required=False,
                min_value=0,
                max_value=population,
                error_messages={
                    "invalid": _("Bitte geben Sie eine ganze Zahl ein."),
                    "min_value": _("Der Umfang darf nicht negativ sein."),
                    "max_value": _("Höchstens so viele, wie die Schicht Personen hat (%(limit_value)s)."),
                },
            )

    def size_fields(self):
        return [self[f"size_{index}"] for index in range(len(self.strata))]

    def sizes(self) -> dict[str, int]:
        return {label: self.cleaned_data.get(f"size_{index}") or 0 for index, label in enumerate(self.strata)}


class LetterSettingsForm(forms.Form):
    sender = forms.CharField(label=_("Absenderzeile"), max_length=200, error_messages={"required": REQUIRED})
    signature = forms.CharField(
        label=_("Unterschrift"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text = forms.CharField(
        label=_("Text des Anschreibens"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": REQUIRED},
    )
    reminder_text = forms.CharField(
        label=_("Text der Erinnerung"),
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": REQUIRED},
    )
    text_en = forms.CharField(
        label=_("Absatz auf Englisch (freiwillig)"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    crest = forms.FileField(
        label=_("Wappen der Gemeinde (PNG, JPEG oder SVG)"),
        required=False,
        error_messages={"empty": _("Die Datei ist leer.")},
    )
    remove_crest = forms.BooleanField(label=_("Wappen entfernen"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german_lengths(self)


class ConfirmDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ich möchte die Namen, Anschriften und gespeicherten Zugangscodes jetzt endgültig löschen."),
        error_messages={"required": _("Bitte bestätigen Sie das Löschen.")},
    )
