from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sikom.core.figures import Figure
from sikom.programme.selectors import PROGRAMME_START


class SelectionForm(forms.Form):
    """The day and the figure the page shows; both optional (today, the first figure)."""

    is_filter = True  # no »optional« marks
    stichtag = forms.DateField(
        label=_("Stichtag"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Bitte geben Sie ein Datum ein, zum Beispiel 31.12.2024.")},
    )
    kennzahl = forms.ChoiceField(
        label=_("Kennzahl für Verlauf und Karte"),
        required=False,
        error_messages={"invalid_choice": _("Diese Kennzahl gibt es nicht. Bitte wählen Sie eine aus der Liste.")},
    )

    def __init__(self, *args, figures: list[Figure], with_chart: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_list = figures
        if not with_chart:
            self.fields["kennzahl"].label = _("Kennzahl für die Karte")
        self.fields["kennzahl"].choices = [(figure.key, figure.label) for figure in figures]
        today = timezone.localdate()
        self.fields["stichtag"].widget.attrs.update({"min": PROGRAMME_START.isoformat(), "max": today.isoformat()})

    def clean_stichtag(self) -> date | None:
        day = self.cleaned_data.get("stichtag")
        if day is None:
            return None
        if day < PROGRAMME_START:
            raise forms.ValidationError(
                _("Die Allianz besteht seit dem %(start)s. Bitte wählen Sie einen Tag ab diesem Datum."),
                params={"start": date_format(PROGRAMME_START, "SHORT_DATE_FORMAT")},
            )
        if day > timezone.localdate():
            raise forms.ValidationError(_("Der Stichtag darf nicht in der Zukunft liegen."))
        return day

    def selection(self) -> tuple[date, str | None]:
        """The valid choices; an invalid one falls back to its default (its error is shown at the field)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        day = cleaned.get("stichtag") or timezone.localdate()
        key = cleaned.get("kennzahl") or (self.figure_list[0].key if self.figure_list else None)
        return day, key
