"""Forms of the paper returns and imports. The entry form of a paper questionnaire is not a Django form: its fields
follow the questionnaire and are read by `paper.read_sheet`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.core.forms import CHOICE_ERRORS, REQUIRED
from sikom.surveys.models import ResponseChannel

FILE_ERRORS = {
    "required": _("Bitte wählen Sie eine Datei aus."),
    "invalid": _("Die Datei konnte nicht gelesen werden."),
    "empty": _("Die Datei ist leer."),
    "missing": _("Bitte wählen Sie eine Datei aus."),
}


class ResponseImportForm(forms.Form):
    SIKOM = "sikom"
    LIMESURVEY = "limesurvey"

    source = forms.ChoiceField(
        label=_("Art der Datei"),
        choices=[
            (SIKOM, _("Tabelle nach der sikom-Vorlage (CSV oder XLSX)")),
            (LIMESURVEY, _("Antwortexport aus LimeSurvey (CSV, Überschriften als Fragecode)")),
        ],
        initial=SIKOM,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )
    channel = forms.ChoiceField(
        label=_("Wie wurden die Bögen erhoben?"),
        choices=[
            (ResponseChannel.PAPER, _("Papierfragebögen")),
            (ResponseChannel.IMPORT, _("anderswo erhoben (z. B. LimeSurvey)")),
        ],
        initial=ResponseChannel.PAPER,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )
    include_incomplete = forms.BooleanField(
        label=_("Auch unvollständige LimeSurvey-Antworten übernehmen (ohne »submitdate«)"),
        required=False,
    )
    file = forms.FileField(
        label=_("Datei"),
        help_text=_("CSV (UTF-8 oder Windows-1252, Trennzeichen ; oder ,) oder XLSX, höchstens 5 MB."),
        error_messages=FILE_ERRORS,
    )


class StructureImportForm(forms.Form):
    file = forms.FileField(
        label=_("LimeSurvey-Umfragestruktur (.lss)"),
        help_text=_("In LimeSurvey: Umfrage → Exportieren → Umfragestruktur (.lss). Höchstens 5 MB."),
        error_messages=FILE_ERRORS,
    )


class ConfirmForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput, error_messages={"required": REQUIRED})
