"""The choices of the situation report (GET). A bad value gets a German message at its field and the page shows
the defaults instead — never an error page."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.situation import dimensions as d

FIRST_YEAR = 2000
DIMENSION_CHOICES = [(dimension.code, dimension.label) for dimension in d.DIMENSIONS]
AXIS_CHOICES = [(d.PERIOD, d.PERIOD_LABEL), *DIMENSION_CHOICES]
EXPORTS = ("zeit", "kreis", "merkmal", "kreuz")


class ReportForm(forms.Form):
    von = forms.IntegerField(label=_("Von Jahr"), required=False)
    bis = forms.IntegerField(label=_("Bis Jahr"), required=False)
    zeit = forms.ChoiceField(label=_("Zeiteinteilung"), choices=d.Granularity.CHOICES, required=False)
    merkmal = forms.ChoiceField(label=_("Merkmal"), choices=DIMENSION_CHOICES, required=False)
    zeilen = forms.ChoiceField(label=_("Kreuztabelle: Zeilen"), choices=AXIS_CHOICES, required=False)
    spalten = forms.ChoiceField(label=_("Kreuztabelle: Spalten"), choices=AXIS_CHOICES, required=False)

    DEFAULTS = {"zeit": d.Granularity.HALF_YEAR, "merkmal": "category", "zeilen": "district", "spalten": "category"}

    def __init__(self, *args, years: tuple[int, int] | None = None, **kwargs):
        this_year = timezone.localdate().year
        self.first, self.last = years or (this_year, this_year)
        # The fields show what the page shows when nothing is chosen.
        kwargs.setdefault("initial", self.DEFAULTS | {"von": max(self.first, self.last - 4), "bis": self.last})
        super().__init__(*args, **kwargs)
        for name in ("von", "bis"):
            self.fields[name].error_messages |= {"invalid": _("Bitte geben Sie eine Jahreszahl ein, z. B. 2024.")}
            self.fields[name].widget.attrs.update({"min": FIRST_YEAR, "max": this_year})
        for name in ("zeit", "merkmal", "zeilen", "spalten"):
            self.fields[name].error_messages |= {"invalid_choice": _("Bitte wählen Sie einen Eintrag aus der Liste.")}
        self.this_year = this_year

    def clean(self):
        data = super().clean()
        for name in ("von", "bis"):
            year = data.get(name)
            if year is not None and not FIRST_YEAR <= year <= self.this_year:
                self.add_error(
                    name,
                    _("Bitte ein Jahr zwischen %(first)d und %(last)d.")
                    % {"first": FIRST_YEAR, "last": self.this_year},
                )
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", _("»Bis Jahr« darf nicht vor »Von Jahr« liegen."))
        if data.get("zeilen") and data.get("zeilen") == data.get("spalten"):
            self.add_error("spalten", _("Bitte wählen Sie für Zeilen und Spalten zwei verschiedene Merkmale."))
        return data

    def choice(self) -> dict:
        """What to show: the valid entries, the defaults for the rest (a bad entry keeps its message)."""
        valid = self.cleaned_data if self.is_valid() else {}
        if not self.is_bound:
            valid = {}
        elif not self.is_valid():
            valid = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        result = {name: valid.get(name) or default for name, default in self.DEFAULTS.items()}
        first = valid.get("von") or max(self.first, self.last - 4)
        last = valid.get("bis") or max(self.last, first)
        if first > last:
            first, last = last, first
        result.update(von=first, bis=last)
        if result["zeilen"] == result["spalten"]:
            result.update(zeilen=self.DEFAULTS["zeilen"], spalten=self.DEFAULTS["spalten"])
        return result
