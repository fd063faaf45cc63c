from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.core.validators import clean_phone
from sikom.events.models import EventType, Language, PublicationType, TargetGroup, Topic
from sikom.events.services import MAX_GROUP
from sikom.geo.models import District

_CHOICE_ERRORS = {"invalid_choice": _("Diese Auswahl gibt es nicht. Bitte wählen Sie einen Eintrag aus der Liste.")}
_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
MONTH_NAMES = [
    _("Januar"),
    _("Februar"),
    _("März"),
    _("April"),
    _("Mai"),
    _("Juni"),
    _("Juli"),
    _("August"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Dezember"),
]


def _datetime_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=_DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Bitte geben Sie Datum und Uhrzeit vollständig an, z. B. 24.03.2027 09:30.")},
    )


class _GermanMessages:
    def _german_messages(self):
        for field in self.fields.values():
            field.error_messages["required"] = _("Bitte füllen Sie dieses Feld aus.")
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = _(
                    "Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."
                )


def _months(today: date, count: int = 12) -> list[tuple[str, str]]:
    months = []
    year, month = today.year, today.month
    for _step in range(count):
        months.append((f"{year:04d}-{month:02d}", f"{MONTH_NAMES[month - 1]} {year}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class EventFilterForm(forms.Form):
    is_filter = True
    art = forms.ChoiceField(label=_("Art"), required=False, error_messages=_CHOICE_ERRORS)
    zielgruppe = forms.ChoiceField(label=_("Zielgruppe"), required=False, error_messages=_CHOICE_ERRORS)
    monat = forms.ChoiceField(label=_("Monat"), required=False, error_messages=_CHOICE_ERRORS)
    kreis = forms.ChoiceField(label=_("Landkreis oder Kreisfreie Stadt"), required=False, error_messages=_CHOICE_ERRORS)

    def __init__(self, *args, districts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("alle"))]
        self.fields["art"].choices = every + list(EventType.choices)
        self.fields["zielgruppe"].choices = every + list(TargetGroup.choices)
        self.fields["monat"].choices = every + _months(timezone.localdate())
        self.fields["kreis"].choices = every + districts

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid one is dropped (its error is shown) instead of failing the page."""
        self.is_valid()
        names = {"art": "type", "zielgruppe": "target_group", "monat": "month", "kreis": "district"}
        return {target: self.cleaned_data.get(name) or "" for name, target in names.items() if name not in self.errors}


class EventForm(_GermanMessages, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    type = forms.ChoiceField(label=_("Art"), choices=EventType.choices, error_messages=_CHOICE_ERRORS)
    summary = forms.CharField(
        label=_("Kurzbeschreibung"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ein bis zwei Sätze für die Liste, höchstens 400 Zeichen."),
    )
    description = forms.CharField(
        label=_("Beschreibung"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Zielgruppen"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_CHOICE_ERRORS,
    )
    language = forms.ChoiceField(label=_("Sprache"), choices=Language.choices, error_messages=_CHOICE_ERRORS)
    accessibility_notes = forms.CharField(
        label=_("Hinweise zur Barrierefreiheit"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zum Beispiel: stufenloser Zugang, Induktionsschleife, Gebärdensprachdolmetschung auf Anfrage."),
    )
    organiser = forms.CharField(label=_("Veranstalter"), max_length=200)
    contact_email = forms.EmailField(
        label=_("Kontakt: E-Mail"),
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    contact_phone = forms.CharField(label=_("Kontakt: Telefon"), max_length=50, required=False)
    district = forms.ModelChoiceField(
        label=_("Landkreis oder Kreisfreie Stadt"),
        queryset=District.objects.order_by("name"),
        required=False,
        to_field_name="key",
        empty_label=_("keiner (online oder landesweit)"),
        error_messages={"invalid_choice": _CHOICE_ERRORS["invalid_choice"]},
    )
    registration_opens_at = _datetime_field(
        _("Anmeldung ab"), required=False, help_text=_("Leer: Anmeldung ab Veröffentlichung.")
    )
    registration_closes_at = _datetime_field(
        _("Anmeldeschluss"), required=False, help_text=_("Leer: bis zum Beginn des jeweiligen Termins.")
    )
    is_published = forms.BooleanField(label=_("Veröffentlicht (für alle sichtbar)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._german_messages()
        self.fields["target_groups"].error_messages["required"] = _("Bitte wählen Sie mindestens eine Zielgruppe.")

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        data = super().clean()
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Der Anmeldeschluss muss nach dem Beginn der Anmeldung liegen."))
        if not data.get("contact_email") and not data.get("contact_phone"):
            self.add_error(
                "contact_email", _("Bitte geben Sie eine E-Mail-Adresse oder Telefonnummer für Rückfragen an.")
            )
        return data


class SessionForm(_GermanMessages, forms.Form):
    starts_at = _datetime_field(_("Beginn"))
    ends_at = _datetime_field(_("Ende"))
    venue = forms.CharField(label=_("Ort (Name des Hauses)"), max_length=200, required=False)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200, required=False)
    postcode_city = forms.CharField(label=_("PLZ und Ort"), max_length=200, required=False)
    online_url = forms.URLField(
        label=_("Online-Zugang (Link)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Nur https-Links. Nur bestätigte Teilnehmende sehen den Link."),
        error_messages={"invalid": _("Bitte geben Sie eine vollständige Internetadresse ein.")},
    )
    capacity = forms.IntegerField(
        label=_("Plätze"),
        min_value=1,
        max_value=10000,
        error_messages={
            "invalid": _("Bitte geben Sie eine ganze Zahl ein."),
            "min_value": _("Ein Termin hat mindestens einen Platz."),
            "max_value": _("Höchstens 10.000 Plätze."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._german_messages()

    def clean_online_url(self) -> str:
        url = self.cleaned_data["online_url"]
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("Der Online-Zugang muss ein verschlüsselter Link sein (https://)."))
        return url

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Das Ende muss nach dem Beginn liegen."))
        if (
            "online_url" in data
            and not data.get("online_url")
            and not (data.get("street") and data.get("postcode_city"))
        ):
            self.add_error(None, _("Bitte geben Sie eine Adresse (Straße, PLZ und Ort) oder einen Online-Zugang an."))
        return data


class AgendaItemForm(_GermanMessages, forms.Form):
    starts_at = forms.TimeField(
        label=_("Uhrzeit"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Bitte geben Sie eine Uhrzeit an, z. B. 09:30.")},
    )
    title = forms.CharField(label=_("Titel"), max_length=300)
    speakers = forms.CharField(
        label=_("Mitwirkende"),
        max_length=500,
        required=False,
        help_text=_("Namen und Funktionen, wie sie im Programm stehen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._german_messages()


class _RegistrationFields(_GermanMessages, forms.Form):
    organisation = forms.CharField(label=_("Organisation oder Kommune"), max_length=200)
    role = forms.CharField(
        label=_("Funktion"),
        max_length=200,
        required=False,
        help_text=_("Zum Beispiel Bürgermeisterin, Gemeinderat, Ordnungsamt."),
    )
    accessibility_needs = forms.CharField(
        label=_("Bedarf an Barrierefreiheit"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Was brauchen Sie, um teilnehmen zu können? Zum Beispiel Rollstuhlplatz oder Gebärdensprachdolmetschung."
        ),
    )
    companions = forms.CharField(
        label=_("Weitere Personen Ihrer Organisation"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ein Name pro Zeile, höchstens %(n)d weitere. Alle erhalten gemeinsam einen Platz oder kommen gemeinsam auf die Warteliste."
        )
        % {"n": MAX_GROUP - 1},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._german_messages()

    def clean_companions(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["companions"].splitlines() if line.strip()]
        if len(names) > MAX_GROUP - 1:
            raise forms.ValidationError(
                _("Bitte nennen Sie höchstens %(n)d weitere Personen (eine Gruppe hat höchstens %(max)d).")
                % {"n": MAX_GROUP - 1, "max": MAX_GROUP}
            )
        if any(len(name) > 200 for name in names):
            raise forms.ValidationError(_("Ein Name darf höchstens 200 Zeichen haben."))
        return names

    def data_for_service(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ["organisation", "role", "accessibility_needs"]
            if name in self.cleaned_data
        }


class MemberRegistrationForm(_RegistrationFields):
    """Logged in: name and e-mail come from the account."""


class PublicRegistrationForm(_RegistrationFields):
    name = forms.CharField(label=_("Vor- und Nachname"), max_length=200)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_("An diese Adresse schicken wir den Link zur Bestätigung."),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    field_order = ["name", "email", "organisation", "role", "accessibility_needs", "companions"]

    def data_for_service(self) -> dict:
        return super().data_for_service() | {"name": self.cleaned_data["name"], "email": self.cleaned_data["email"]}


class ReorderForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput, error_messages={"invalid": _("Ungültige Auswahl.")})
    position = forms.IntegerField(
        label=_("Neuer Platz auf der Warteliste"),
        min_value=1,
        max_value=100000,
        error_messages={
            "required": _("Bitte geben Sie den neuen Platz an."),
            "invalid": _("Bitte geben Sie eine ganze Zahl ein."),
            "min_value": _("Der erste Platz ist 1."),
            "max_value": _("So viele Plätze hat die Warteliste nicht."),
        },
    )
    reason = forms.CharField(
        label=_("Begründung"),
        max_length=250,
        error_messages={
            "required": _("Bitte geben Sie eine Begründung an."),
            "max_length": _("Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."),
        },
    )


# Attendance, feedback, documentation, publications, news ------------------------------------------------------

_ID_ERRORS = {
    "invalid": _("Ungültige Auswahl."),
    "required": _("Ungültige Auswahl."),
    "max_value": _("Ungültige Auswahl."),
    "min_value": _("Ungültige Auswahl."),
}


class CheckInForm(forms.Form):
    person = forms.IntegerField(min_value=1, max_value=2**31 - 1, error_messages=_ID_ERRORS)
    action = forms.ChoiceField(
        choices=[("present", "present"), ("undo", "undo")],
        error_messages={"invalid_choice": _("Ungültige Aktion."), "required": _("Ungültige Aktion.")},
    )


class WalkInForm(_GermanMessages, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation oder Kommune"), max_length=200)
    role = forms.CharField(label=_("Funktion"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-Mail"),
        required=False,
        help_text=_("Freiwillig: An diese Adresse gehen die Bestätigung und später der Link zur Bescheinigung."),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._german_messages()


_RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


def _rating(label):
    return forms.TypedChoiceField(
        label=label,
        choices=_RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = sehr schlecht, 5 = sehr gut"),
        error_messages={
            "required": _("Bitte wählen Sie eine Bewertung von 1 bis 5."),
            "invalid_choice": _("Bitte wählen Sie eine Bewertung von 1 bis 5."),
        },
    )


class FeedbackForm(_GermanMessages, forms.Form):
    overall = _rating(_("Gesamteindruck"))
    usefulness = _rating(_("Nutzen für Ihre Arbeit"))
    organisation = _rating(_("Organisation"))
    takeaway = forms.CharField(
        label=_("Was nehmen Sie mit?"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    improve = forms.CharField(
        label=_("Was sollten wir verbessern?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._german_messages()
        for name in ("overall", "usefulness", "organisation"):
            self.fields[name].error_messages["required"] = _("Bitte wählen Sie eine Bewertung von 1 bis 5.")


class ReportForm(_GermanMessages, forms.Form):
    report = forms.CharField(
        label=_("Kurzbericht"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._german_messages()


class PublicationForm(_GermanMessages, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=300)
    type = forms.ChoiceField(label=_("Art"), choices=PublicationType.choices, error_messages=_CHOICE_ERRORS)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    publisher = forms.CharField(label=_("Herausgeber"), max_length=300)
    published_on = forms.DateField(
        label=_("Erschienen am"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an, z. B. 13.10.2023.")},
    )
    language = forms.ChoiceField(label=_("Sprache"), choices=Language.choices, error_messages=_CHOICE_ERRORS)
    topics = forms.MultipleChoiceField(
        label=_("Themen"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Dieses Thema gibt es nicht."), "invalid_list": _("Ungültige Auswahl.")},
    )
    file = forms.FileField(
        label=_("Datei"),
        required=False,
        help_text=_("PDF, PNG oder JPEG, höchstens 20 MB. Nur eigene oder frei verwendbare Dokumente."),
        error_messages={"invalid": _("Die Datei konnte nicht gelesen werden."), "empty": _("Die Datei ist leer.")},
    )
    remove_file = forms.BooleanField(label=_("Vorhandene Datei entfernen"), required=False)
    external_url = forms.URLField(
        label=_("Externer Link"),
        required=False,
        max_length=500,
        error_messages={"invalid": _("Bitte geben Sie eine vollständige Adresse an, z. B. https://www.beispiel.de/.")},
    )
    order_info = forms.CharField(
        label=_("Bezug (wo erhältlich)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Für Dokumente anderer: nur Titel, Herausgeber und wo man sie bestellen kann – keine Kopie."),
    )
    event = forms.ChoiceField(label=_("Dokumentation der Veranstaltung"), required=False, error_messages=_CHOICE_ERRORS)
    is_published = forms.BooleanField(label=_("Veröffentlicht"), required=False)

    def __init__(self, *args, events: list[tuple[int, str]], has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        self.fields["event"].choices = [("", _("keine"))] + [(str(pk), title) for pk, title in events]
        self._german_messages()

    def clean_external_url(self) -> str:
        url = self.cleaned_data["external_url"]
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("Bitte geben Sie einen verschlüsselten Link an (https://)."))
        return url

    def clean_file(self):
        from sikom.events import files

        upload = self.cleaned_data.get("file")
        if upload:
            try:
                files.check(upload)
            except files.FileRejected as rejected:
                raise forms.ValidationError(rejected.message) from None
        return upload

    def clean(self):
        data = super().clean()
        keeps_file = self.has_file and not data.get("remove_file")
        if (
            not (data.get("file") or keeps_file or data.get("external_url") or data.get("order_info"))
            and not self.errors
        ):
            self.add_error(None, _("Bitte laden Sie eine Datei hoch oder geben Sie einen Link oder den Bezug an."))
        return data

    def data_for_service(self, event_lookup) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields if name not in ("file", "event")}
        data["event"] = event_lookup(self.cleaned_data["event"]) if self.cleaned_data["event"] else None
        return data


class PublicationFilterForm(forms.Form):
    is_filter = True
    q = forms.CharField(label=_("Suche in Titel und Beschreibung"), required=False, max_length=200)
    art = forms.ChoiceField(label=_("Art"), required=False, error_messages=_CHOICE_ERRORS)
    thema = forms.ChoiceField(label=_("Thema"), required=False, error_messages=_CHOICE_ERRORS)
    sprache = forms.ChoiceField(label=_("Sprache"), required=False, error_messages=_CHOICE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("alle"))]
        self.fields["art"].choices = every + list(PublicationType.choices)
        self.fields["thema"].choices = every + list(Topic.choices)
        self.fields["sprache"].choices = every + list(Language.choices)
        self.fields["q"].error_messages["max_length"] = _("Bitte verwenden Sie höchstens 200 Zeichen.")

    def filters(self) -> dict[str, str]:
        self.is_valid()
        names = {"q": "q", "art": "type", "thema": "topic", "sprache": "language"}
        return {
            target: (self.cleaned_data.get(name) or "").strip()
            for name, target in names.items()
            if name not in self.errors
        }


class NewsForm(_GermanMessages, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    text = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    published_on = forms.DateField(
        label=_("Datum"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an, z. B. 30.11.2026.")},
    )
    is_published = forms.BooleanField(label=_("Veröffentlicht"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._german_messages()
