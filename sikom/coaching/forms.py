from functools import partial

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.coaching.models import CoachingStatus, MeasureStatus, StepStatus
from sikom.coaching.selectors import shareable_organisations
from sikom.coaching.services import TEXT_MAX_LENGTH
from sikom.core.forms import CHOICE_ERRORS, date_field, text_field, version_field
from sikom.councils.models import ParticipationMeasure
from sikom.geo.models import District, Municipality
from sikom.geo.selectors import without_boundaries

# Coaching's dates are optional unless said otherwise, and a missing one is asked for in its own words.
_date_field = partial(date_field, required=False, error_messages={"required": _("Bitte geben Sie ein Datum ein.")})


class CoachingFilterForm(forms.Form):
    """The ASSKomm list: every field optional; a forged value is reported at its field and ignored."""

    is_filter = True
    q = forms.CharField(
        label=_("Gemeinde"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Bitte höchstens 100 Zeichen eingeben.")},
    )
    district = forms.ModelChoiceField(
        label=_("Landkreis / Kreisfreie Stadt"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("alle"),
        to_field_name="key",
        error_messages=CHOICE_ERRORS,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), *CoachingStatus.choices],
        error_messages=CHOICE_ERRORS,
    )

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return {
            "q": (data.get("q") or "").strip(),
            "district": data.get("district"),
            "status": data.get("status") or "",
        }


class MunicipalityField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} ({obj.district.short_name})"


class CoachingCreateForm(forms.Form):
    municipality = MunicipalityField(
        label=_("Gemeinde"),
        queryset=without_boundaries(Municipality.objects.select_related("district"), "district"),
        to_field_name="ags",
        empty_label=_("Bitte wählen"),
        error_messages=CHOICE_ERRORS,
    )
    begun = _date_field(_("Beginn"), required=True)


class CoachingStatusForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Neuer Status"),
        choices=[(CoachingStatus.FINISHED, _("abgeschlossen")), (CoachingStatus.CANCELLED, _("abgebrochen"))],
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )
    on = _date_field(_("Ende am"), help_text=_("Leer lassen für heute."))
    reason = text_field(
        _("Begründung"), 2000, required=False, rows=3, help_text=_("Nötig, wenn der Prozess abgebrochen wird.")
    )


class StepForm(forms.Form):
    text = text_field(
        _("Text"),
        TEXT_MAX_LENGTH,
        required=False,
        rows=12,
        help_text=_("Absätze durch eine Leerzeile trennen. Ein erledigter Schritt braucht einen Text."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=StepStatus.choices, widget=forms.RadioSelect, error_messages=CHOICE_ERRORS
    )
    started = _date_field(_("Begonnen am"), help_text=_("Wird beim Beginn auf heute gesetzt, wenn leer."))
    finished = _date_field(_("Erledigt am"), help_text=_("Nur für erledigte Schritte; leer: heute."))
    version = version_field(required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].error_messages = {
            "required": _("Das Formular ist unvollständig. Bitte öffnen Sie den Schritt neu."),
            "invalid": _("Das Formular ist unvollständig. Bitte öffnen Sie den Schritt neu."),
            "min_value": _("Das Formular ist unvollständig. Bitte öffnen Sie den Schritt neu."),
            "max_value": _("Das Formular ist unvollständig. Bitte öffnen Sie den Schritt neu."),
        }


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=_("Dokument"),
        help_text=_("PDF, ODT, DOCX, PNG oder JPEG."),
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die Datei ist leer."),
            "invalid": _("Bitte wählen Sie eine Datei aus."),
            "missing": _("Bitte wählen Sie eine Datei aus."),
            "max_length": _("Der Dateiname ist zu lang."),
        },
        max_length=500,
    )


class MeasureForm(forms.Form):
    title = text_field(_("Maßnahme"), 300)
    owner = text_field(_("Verantwortlich"), 200, help_text=_("Stelle oder Funktion, zum Beispiel »Ordnungsamt«."))
    timing = text_field(
        _("Zeitraum"), 100, required=False, help_text=_("Zum Beispiel »2. Quartal 2025« oder »laufend«.")
    )
    due = _date_field(_("Fällig am"))
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices, error_messages=CHOICE_ERRORS)
    source = text_field(
        _("Herkunft"),
        300,
        required=False,
        help_text=_("Wo die Maßnahme vereinbart wurde, etwa in einer Bürgerversammlung."),
    )


class TakeOverForm(forms.Form):
    """Measures agreed at the municipality's participation formats, to be taken into the strategy."""

    measures = forms.ModelMultipleChoiceField(
        label=_("Maßnahmen aus der Bürgerbeteiligung"),
        queryset=ParticipationMeasure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Bitte wählen Sie mindestens eine Maßnahme."),
            "invalid_choice": _("Diese Maßnahme kann nicht übernommen werden."),
            "invalid_pk_value": _("Diese Maßnahme kann nicht übernommen werden."),
            "invalid_list": _("Diese Maßnahme kann nicht übernommen werden."),
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = queryset
        self.fields["measures"].label_from_instance = lambda measure: (
            _("%(title)s (verantwortlich: %(owner)s) – %(format)s am %(date)s")
            % {
                "title": measure.title,
                "owner": measure.owner,
                "format": measure.format_title,
                "date": date_format(measure.format_date, "d.m.Y"),
            }
        )


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Bitte wählen"),
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = shareable_organisations()
