from functools import partial

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.core.forms import (
    INVALID_CHOICE,
    MAX_LENGTH,
    REQUIRED,
    date_field,
    text_field,
    version_field,
)
from sikom.councils.models import AnalysisStatus, FormatKind, FormatStatus
from sikom.events.models import Event
from sikom.events.selectors import events_open_for_registration
from sikom.geo.models import District

TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
TEXT_MAX = 10_000
EARLIEST = 1990


class KernForm(forms.Form):
    """German messages for every field of the forms below."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", REQUIRED)
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = MAX_LENGTH
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = INVALID_CHOICE
                field.error_messages["invalid_pk_value"] = INVALID_CHOICE


class OrganisationsField(forms.ModelMultipleChoiceField):
    """Ids that cannot be a row (not a number, or beyond the database's integers) are an invalid choice before any
    query, so SQLite never sees an integer it cannot hold."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not text.isascii() or not text.isdigit() or int(text) > 2**31 - 1:
                raise forms.ValidationError(INVALID_CHOICE, code="invalid_choice")
        return super()._check_values(value)


_text = partial(text_field, max_length=200)
_area = partial(text_field, max_length=TEXT_MAX, required=False, rows=4)


OWNER_MISSING = _("Bitte geben Sie an, wer verantwortlich ist.")


def _time(label):
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=TIME_INPUT_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Bitte geben Sie eine gültige Uhrzeit ein, zum Beispiel 18:30.")},
    )


def _not_too_early(value):
    if value and value.year < EARLIEST:
        raise forms.ValidationError(_("Bitte geben Sie ein Datum ab %(year)s ein.") % {"year": EARLIEST})


def _municipality_field(queryset):
    return forms.ModelChoiceField(
        label=_("Gemeinde"),
        queryset=queryset,
        empty_label=_("Bitte auswählen"),
        error_messages={"required": _("Bitte wählen Sie die Gemeinde aus."), "invalid_choice": INVALID_CHOICE},
    )


class CouncilForm(KernForm):
    municipality = _municipality_field(None)
    name = _text(
        _("Name des Rates"), required=False, help_text=_("Zum Beispiel »Kriminalpräventiver Rat der Stadt …«.")
    )
    founded = date_field(_("Gegründet am"))
    dissolved = date_field(_("Aufgelöst am"), required=False, help_text=_("Nur wenn der Rat nicht mehr besteht."))
    chair = _text(
        _("Vorsitz"),
        help_text=_("Die Funktion (zum Beispiel »Bürgermeisterin«), den Namen nur mit Einverständnis der Person."),
    )
    member_institutions = _area(
        _("Mitwirkende Institutionen"),
        help_text=_("Eine Institution je Zeile, zum Beispiel Vereine, Schulen, Kirchgemeinden, Polizeirevier."),
    )
    member_organisations = OrganisationsField(
        label=_("Mitwirkende Organisationen der Plattform"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    shared_with = OrganisationsField(
        label=_("Freigeben für (nur lesen)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Das Expertennetzwerk und die Polizei sehen den Rat mit Sitzungen und Beschlüssen nur, wenn Sie ihn "
            "für ihre Organisation freigeben."
        ),
    )
    version = version_field()

    def __init__(self, *args, municipalities, members, shareable, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["member_organisations"].queryset = members
        self.fields["shared_with"].queryset = shareable
        if editing:
            del self.fields["municipality"]
        elif municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first().pk

    def clean_founded(self):
        founded = self.cleaned_data["founded"]
        _not_too_early(founded)
        if founded > timezone.localdate():
            raise forms.ValidationError(_("Das Gründungsdatum liegt in der Zukunft. Bitte prüfen Sie Ihre Angabe."))
        return founded

    def clean(self):
        data = super().clean()
        founded, dissolved = data.get("founded"), data.get("dissolved")
        if founded and dissolved and dissolved < founded:
            self.add_error("dissolved", _("Der Rat kann nicht vor seiner Gründung aufgelöst worden sein."))
        return data


class CouncilFilterForm(KernForm):
    is_filter = True
    kreis = forms.ChoiceField(label=_("Landkreis / Kreisfreie Stadt"), required=False)
    gegruendet = forms.IntegerField(
        label=_("Gründungsjahr"),
        required=False,
        min_value=EARLIEST,
        max_value=2100,
        error_messages={
            "invalid": _("Bitte geben Sie ein Jahr ein, zum Beispiel 2021."),
            "min_value": _("Bitte geben Sie ein Jahr ab %(limit_value)s ein."),
            "max_value": _("Bitte geben Sie ein Jahr bis %(limit_value)s ein."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kreis"].choices = [("", _("alle"))] + [
            (district.key, district.short_name) for district in District.objects.order_by("short_name")
        ]
        self.fields["kreis"].error_messages["invalid_choice"] = INVALID_CHOICE

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return {"district": data.get("kreis") or "", "founded_year": data.get("gegruendet")}


class MeetingForm(KernForm):
    date = date_field(_("Datum"))
    starts_at = _time(_("Beginn"))
    ends_at = _time(_("Ende"))
    place = _text(_("Ort"), required=False)
    agenda = _area(_("Tagesordnung"), required=True, rows=5, help_text=_("Ein Punkt je Zeile."))
    minutes = _area(
        _("Protokoll"),
        rows=8,
        help_text=_("Ergebnisse und Absprachen; Namen von Bürgerinnen und Bürgern gehören nicht hinein."),
    )
    version = version_field()

    def clean_date(self):
        value = self.cleaned_data["date"]
        _not_too_early(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("Das Ende muss nach dem Beginn liegen."))
        return data


class RowForm(KernForm):
    """One row of an inline table (a decision, a measure): an untouched empty row is no entry (the formset permits
    it empty); a row marked for removal needs nothing else."""

    def clean(self):
        data = super().clean()
        if data.get("delete") and data.get("id"):
            for name in list(self._errors):
                if name not in ("id", "delete"):
                    del self._errors[name]
        return data

    def row(self) -> dict | None:
        """The entry as the service takes it; None for an empty row."""
        data = self.cleaned_data
        if not data or (data.get("delete") and not data.get("id")):
            return None
        return {name: data.get(name) for name in self.fields}


class DecisionForm(RowForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    text = _area(_("Beschluss"), required=True, rows=2, required_message=_("Bitte geben Sie den Beschluss an."))
    owner = _text(_("Verantwortlich"), help_text=_("Eine Stelle oder Funktion."), required_message=OWNER_MISSING)
    due_date = date_field(_("Zu erledigen bis"), required=False)
    done = forms.BooleanField(label=_("erledigt"), required=False)
    delete = forms.BooleanField(label=_("Beschluss entfernen"), required=False)


class BaseRowFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _(
            "Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu und geben Sie die Einträge "
            "erneut ein."
        ),
        "too_many_forms": _("Bitte tragen Sie höchstens %(num)d Einträge auf einmal ein."),
    }

    def _construct_form(self, i, **kwargs):
        # Every row may stay empty (also the first, offered on a new meeting); a touched row is validated in full.
        return super()._construct_form(i, empty_permitted=True, use_required_attribute=False, **kwargs)

    def rows(self) -> list[tuple[forms.Form, dict]]:
        """The filled rows with their forms (after validation), so a service's refusal lands at its row's field."""
        return [(form, row) for form in self.forms if (row := form.row()) is not None]


ROWS_MAX = 30

DecisionFormSet = forms.formset_factory(
    DecisionForm, formset=BaseRowFormSet, extra=0, max_num=ROWS_MAX, validate_max=True, absolute_max=ROWS_MAX
)


class AnalysisForm(KernForm):
    municipality = _municipality_field(None)
    status = forms.ChoiceField(label=_("Stand"), choices=AnalysisStatus.choices, widget=forms.RadioSelect)
    year = forms.IntegerField(
        label=_("Jahr"),
        min_value=EARLIEST,
        max_value=2100,
        help_text=_(
            "Bei »geplant« und »läuft« das Jahr der Durchführung, bei »abgeschlossen« das Jahr des Abschlusses."
        ),
        error_messages={
            "required": REQUIRED,
            "invalid": _("Bitte geben Sie ein Jahr ein, zum Beispiel 2024."),
            "min_value": _("Bitte geben Sie ein Jahr ab %(limit_value)s ein."),
            "max_value": _("Bitte geben Sie ein Jahr bis %(limit_value)s ein."),
        },
    )
    completed_on = date_field(_("Abgeschlossen am"), required=False, help_text=_("Nur bei »abgeschlossen«."))
    note = _text(_("Bemerkung"), required=False, max_length=500)
    version = version_field()

    def __init__(self, *args, municipalities=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = municipalities
            if municipalities.count() == 1:
                self.fields["municipality"].initial = municipalities.first().pk
            self.fields["municipality"].error_messages["invalid_choice"] = INVALID_CHOICE
        self.fields["status"].error_messages["required"] = _("Bitte wählen Sie den Stand aus.")

    def clean(self):
        data = super().clean()
        status, completed = data.get("status"), data.get("completed_on")
        if status == AnalysisStatus.DONE:
            if not completed and "completed_on" not in self.errors:
                self.add_error("completed_on", _("Bitte geben Sie an, wann die Analyse abgeschlossen wurde."))
            elif completed and completed > timezone.localdate():
                self.add_error(
                    "completed_on", _("Das Abschlussdatum liegt in der Zukunft. Bitte prüfen Sie Ihre Angabe.")
                )
            elif completed and data.get("year") and completed.year != data["year"]:
                self.add_error("completed_on", _("Das Abschlussdatum muss im angegebenen Jahr liegen."))
        elif status and completed:
            self.add_error(
                "completed_on",
                _("Ein Abschlussdatum gibt es nur bei einer abgeschlossenen Analyse. Bitte lassen Sie das Feld leer."),
            )
        return data


class AnalysisFilterForm(KernForm):
    is_filter = True
    kreis = forms.ChoiceField(label=_("Landkreis / Kreisfreie Stadt"), required=False)
    stand = forms.ChoiceField(label=_("Stand"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kreis"].choices = [("", _("alle"))] + [
            (district.key, district.short_name) for district in District.objects.order_by("short_name")
        ]
        self.fields["stand"].choices = [("", _("alle")), *AnalysisStatus.choices]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = INVALID_CHOICE

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return {"district": data.get("kreis") or "", "status": data.get("stand") or ""}


class FormatForm(KernForm):
    municipality = _municipality_field(None)
    kind = forms.ChoiceField(label=_("Format"), choices=FormatKind.choices, widget=forms.RadioSelect)
    title = _text(_("Titel"))
    date = date_field(_("Datum"))
    starts_at = _time(_("Beginn"))
    ends_at = _time(_("Ende"))
    place = _text(_("Ort"), help_text=_("Zum Beispiel »Rathaus, Ratssaal«."))
    invited_groups = _area(
        _("Eingeladene Gruppen"),
        rows=3,
        help_text=_("Zum Beispiel Vereine, Schulen, Kirchgemeinden, Anwohnerinnen und Anwohner eines Viertels."),
    )
    agenda = _area(
        _("Ablauf und Tagesordnung"), rows=5, help_text=_("Nur für die Planung; erscheint nicht öffentlich.")
    )
    public_description = _area(
        _("Ankündigungstext"),
        rows=5,
        help_text=_(
            "Erscheint mit Titel, Format, Termin, Ort und eingeladenen Gruppen auf der öffentlichen Seite, sobald "
            "Sie das Format ankündigen. Keine Namen von Privatpersonen."
        ),
    )
    registration_event = forms.ModelChoiceField(
        label=_("Anmeldung über die Veranstaltung"),
        queryset=Event.objects.none(),
        required=False,
        empty_label=_("Keine Online-Anmeldung"),
        help_text=_(
            "Soll man sich online anmelden können, legt das ASSKomm-Team dafür eine Veranstaltung an; wählen Sie "
            "sie hier aus. Die öffentliche Seite verweist dann auf ihre Anmeldung."
        ),
    )
    version = version_field()

    def __init__(self, *args, municipalities=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_event"].queryset = events_open_for_registration()
        self.fields["registration_event"].error_messages["invalid_choice"] = INVALID_CHOICE
        if editing:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = municipalities
            if municipalities.count() == 1:
                self.fields["municipality"].initial = municipalities.first().pk
            self.fields["municipality"].error_messages["invalid_choice"] = INVALID_CHOICE
        self.fields["kind"].error_messages["required"] = _("Bitte wählen Sie das Format aus.")

    def clean_date(self):
        value = self.cleaned_data["date"]
        _not_too_early(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("Das Ende muss nach dem Beginn liegen."))
        return data


class FormatStatusForm(KernForm):
    status = forms.ChoiceField(label=_("Neuer Stand"), choices=FormatStatus.choices)
    reason = _text(
        _("Grund der Absage"),
        max_length=500,
        required_message=_("Bitte geben Sie den Grund der Absage an."),
        help_text=_("Wird im Verlauf festgehalten."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reason belongs to a cancellation only (the one form that shows the field).
        if self.is_bound and self.data.get("status") != FormatStatus.CANCELLED:
            self.fields["reason"].required = False


class ResultsForm(KernForm):
    results = _area(_("Ergebnisse"), required=True, rows=8, help_text=_("Was besprochen und vereinbart wurde."))
    version = version_field()


class MeasureForm(RowForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    title = _text(_("Maßnahme"), max_length=300, required_message=_("Bitte geben Sie die Maßnahme an."))
    owner = _text(_("Verantwortlich"), help_text=_("Eine Stelle oder Funktion."), required_message=OWNER_MISSING)
    due_date = date_field(_("Zu erledigen bis"), required=False)
    delete = forms.BooleanField(label=_("Maßnahme entfernen"), required=False)


MeasureFormSet = forms.formset_factory(
    MeasureForm, formset=BaseRowFormSet, extra=0, max_num=ROWS_MAX, validate_max=True, absolute_max=ROWS_MAX
)
