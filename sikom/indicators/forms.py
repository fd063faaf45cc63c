from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.core.forms import CHOICE_ERRORS, EMPTY_CHOICE_LABEL, MAX_LENGTH, REQUIRED
from sikom.indicators.models import Indicator
from sikom.indicators.services import FIRST_YEAR, column_label
from sikom.indicators.tables import MAX_BYTES


def _german(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        field.error_messages["required"] = REQUIRED
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            field.error_messages |= CHOICE_ERRORS
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = MAX_LENGTH


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "kind", "unit", "source", "description", "per_capita"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "source": _("Zum Beispiel: Polizeiliche Kriminalstatistik Sachsen, Landeskriminalamt; Berichtsjahr."),
        }
        error_messages = {"name": {"unique": _("Eine Kennzahl mit diesem Namen gibt es schon.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german(self)
        self.fields["name"].error_messages["unique"] = _("Eine Kennzahl mit diesem Namen gibt es schon.")


class UploadForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Kennzahl"), queryset=Indicator.objects.none(), empty_label=EMPTY_CHOICE_LABEL
    )
    file = forms.FileField(
        label=_("Datei (CSV oder XLSX)"),
        help_text=_(
            "Höchstens %(mb)d MB. Spalten: Gemeindeschlüssel, Jahr, Kategorie (optional), Fälle bzw. Wert; andere "
            "Spaltennamen ordnen Sie im nächsten Schritt zu. CSV mit Semikolon oder Komma, UTF-8 oder Windows-1252."
        )
        % {"mb": MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        _german(self)
        self.fields["file"].error_messages |= {
            "required": _("Bitte wählen Sie eine Datei aus."),
            "invalid": _("Das ist keine Datei. Bitte wählen Sie eine Datei aus."),
            "empty": _("Die Datei ist leer."),
            "missing": _("Bitte wählen Sie eine Datei aus."),
        }


class MappingForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Spalte mit dem Gemeindeschlüssel (AGS)"))
    year = forms.ChoiceField(label=_("Spalte mit dem Jahr"))
    category = forms.ChoiceField(label=_("Spalte mit der Kategorie (z. B. Straftatengruppe)"), required=False)
    value = forms.ChoiceField(label=_("Spalte mit den Fällen bzw. dem Wert"))

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        columns = [(str(index), column_label(header, index)) for index in range(len(header))]
        for name, field in self.fields.items():
            empty = _("– keine –") if name == "category" else EMPTY_CHOICE_LABEL
            field.choices = [("", empty), *columns]
        _german(self)
        self.fields["category"].help_text = _("Ohne Kategorie gilt jeder Wert für die Kennzahl insgesamt.")


class YearsForm(forms.Form):
    """The years a profile shows (GET); a bad entry gets a message and the profile shows every year."""

    von = forms.IntegerField(label=_("Von Jahr"), required=False)
    bis = forms.IntegerField(label=_("Bis Jahr"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = timezone.localdate().year
        for field in self.fields.values():
            field.error_messages |= {
                "invalid": _("Bitte geben Sie eine Jahreszahl ein, z. B. 2023."),
            }
        self.last = last

    def clean(self):
        data = super().clean()
        for name in ("von", "bis"):
            year = data.get(name)
            if year is not None and not FIRST_YEAR <= year <= self.last:
                self.add_error(
                    name,
                    _("Bitte ein Jahr zwischen %(first)d und %(last)d.") % {"first": FIRST_YEAR, "last": self.last},
                )
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", _("»Bis Jahr« darf nicht vor »Von Jahr« liegen."))
        return data

    def years(self):
        if not self.is_valid():
            return None
        first, last = self.cleaned_data.get("von"), self.cleaned_data.get("bis")
        if first is None and last is None:
            return None
        return range(first or FIRST_YEAR, (last or self.last) + 1)
