"""One form per step of »Vorfall melden«. Each validates its own answers; the draft keeps them as JSON."""

from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.core.validators import clean_phone
from sikom.geo.selectors import resolve_municipality
from sikom.reports import vocabulary as v

DESCRIPTION_MAX = 20_000
TEXT_MAX = 200
ONLINE_ENTRIES_MAX = 10

REQUIRED = _("Bitte beantworten Sie diese Frage.")
CHOICE = _("Bitte wählen Sie eine der angebotenen Antworten aus.")


def _choice(label, choices, *, required=True, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": REQUIRED, "invalid_choice": CHOICE},
    )


def _text(label, *, max_length=TEXT_MAX, required=False, help_text="", widget=None, required_message=None):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": required_message or _("Bitte füllen Sie dieses Feld aus."),
            "max_length": _("Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."),
        },
    )


def _date(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Bitte geben Sie ein Datum an."),
            "invalid": _("Bitte geben Sie ein gültiges Datum an, zum Beispiel 20.11.2026."),
        },
    )


def _not_in_future(value: date | None):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("Das Datum liegt in der Zukunft. Bitte prüfen Sie Ihre Angabe."))
    return value


class StepForm(forms.Form):
    """A step's answers as JSON-ready data, and back from the draft as initial values."""

    def answers(self) -> dict:
        data = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, datetime | date):
                value = value.isoformat()
            elif hasattr(value, "isoformat"):  # time
                value = value.isoformat(timespec="minutes")
            data[name] = value
        return data


class PersonForm(StepForm):
    title = _("Wer ist betroffen?")
    affected_role = _choice(_("Wer ist betroffen?"), v.AffectedRole.choices)
    municipality = _text(
        _("Gemeinde, in der die Person ihr Amt oder Mandat hat oder kandidiert"),
        max_length=100,
        required=True,
        required_message=_("Bitte geben Sie die Gemeinde an."),
        help_text=_("Zum Beispiel »Pirna«. Sie können die ersten Buchstaben eingeben und aus der Liste wählen."),
    )
    municipality_ags = forms.RegexField(
        regex=r"^14\d{6}$", required=False, widget=forms.HiddenInput, error_messages={"invalid": CHOICE}
    )
    relatives_affected = forms.BooleanField(label=_("Angehörige sind mit betroffen"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].widget.attrs.update({"list": "gemeinden", "autocomplete": "off"})
        self.candidates = []
        self.municipality = None  # the resolved municipality (with its district) once the form is valid

    def clean(self):
        data = super().clean()
        ags, name = data.get("municipality_ags") or "", data.get("municipality") or ""
        if not ags and not name:
            return data
        entry = resolve_municipality(ags=ags, name=name)
        municipality = entry.municipality
        if entry.unknown_code:
            self.add_error("municipality", _("Diese Gemeinde gibt es nicht. Bitte wählen Sie erneut."))
            return data
        if municipality is None and not entry.candidates:
            self.add_error(
                "municipality",
                _("Wir haben keine sächsische Gemeinde mit diesem Namen gefunden. Bitte prüfen Sie die Schreibweise."),
            )
        elif municipality is None:
            self.candidates = entry.candidates
            self.add_error("municipality", _("Bitte wählen Sie Ihre Gemeinde aus der Liste unten."))
        if municipality is not None:
            self.municipality = municipality
            data["municipality"] = municipality.display_name
            data["municipality_ags"] = municipality.ags
        return data


class IncidentForm(StepForm):
    title = _("Was ist passiert?")
    categories = forms.MultipleChoiceField(
        label=_("Was ist passiert?"),
        help_text=_("Mehrere Antworten sind möglich."),
        choices=v.Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens eine Antwort aus."), "invalid_choice": CHOICE},
    )
    occurred_on = _date(_("Wann ist es passiert? (Datum)"), help_text=_("Bei einem Zeitraum: der erste Tag."))
    occurred_at = forms.TimeField(
        label=_("Uhrzeit"),
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Bitte geben Sie eine Uhrzeit wie 14:30 an.")},
    )
    occurred_until = _date(_("Bis (nur bei einem Zeitraum)"), required=False)
    place = _choice(_("Wo ist es passiert?"), v.Place.choices)
    channel = _choice(_("Auf welchem Weg?"), v.Channel.choices)
    repetition = _choice(_("Ist es einmalig oder wiederholt passiert?"), v.Repetition.choices)
    repetition_count = forms.IntegerField(
        label=_("Wie oft ungefähr?"),
        required=False,
        min_value=2,
        max_value=10_000,
        error_messages={
            "invalid": _("Bitte geben Sie eine Zahl ein."),
            "min_value": _("Bei einer Wiederholung sind es mindestens 2 Mal."),
            "max_value": _("Bitte geben Sie eine Zahl bis 10.000 ein."),
        },
    )
    perpetrator = _choice(_("Wer war es?"), v.Perpetrator.choices)
    motives = forms.MultipleChoiceField(
        label=_("Gibt es Hinweise auf ein Motiv?"),
        help_text=_("Mehrere Antworten sind möglich. Wenn Sie es nicht wissen, wählen Sie »Kein Motiv erkennbar«."),
        choices=v.Motive.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens eine Antwort aus."), "invalid_choice": CHOICE},
    )
    description = _text(
        _("Beschreiben Sie, was passiert ist"),
        max_length=DESCRIPTION_MAX,
        help_text=_(
            "In eigenen Worten: Was wurde gesagt, geschrieben oder getan? Wer war dabei? Höchstens 20.000 Zeichen."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean_occurred_on(self):
        return _not_in_future(self.cleaned_data["occurred_on"])

    def clean_occurred_until(self):
        return _not_in_future(self.cleaned_data.get("occurred_until"))

    def clean(self):
        data = super().clean()
        start, end = data.get("occurred_on"), data.get("occurred_until")
        if start and end and end < start:
            self.add_error("occurred_until", _("Das Ende des Zeitraums liegt vor dem Anfang."))
        if (
            start == timezone.localdate()
            and data.get("occurred_at")
            and data["occurred_at"] > timezone.localtime().time()
        ):
            self.add_error("occurred_at", _("Die Uhrzeit liegt in der Zukunft. Bitte prüfen Sie Ihre Angabe."))
        if data.get("repetition") == v.Repetition.ONCE:
            data["repetition_count"] = None
        motives = data.get("motives") or []
        if v.Motive.NONE in motives and len(motives) > 1:
            self.add_error("motives", _("»Kein Motiv erkennbar« passt nicht zusammen mit einem Motiv."))
        return data


class OnlineContentForm(StepForm):
    url = forms.URLField(
        label=_("Adresse (URL) des Beitrags"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": _(
                "Bitte geben Sie eine vollständige Internetadresse ein, zum Beispiel https://beispiel.de/beitrag/123."
            ),
            "max_length": _("Die Adresse ist zu lang (höchstens 2.000 Zeichen)."),
        },
    )
    platform = _text(_("Plattform"), max_length=100, help_text=_("Zum Beispiel Facebook, X, Telegram, Instagram"))
    profile_name = _text(_("Profilname der Absenderin oder des Absenders"))
    posted_at = forms.DateTimeField(
        label=_("Zeitpunkt der Veröffentlichung"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Bitte geben Sie Datum und Uhrzeit an, zum Beispiel 20.11.2026 14:30.")},
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Bitte geben Sie eine Internetadresse beginnend mit https:// ein."))
        return url

    def clean_posted_at(self):
        posted = self.cleaned_data.get("posted_at")
        if posted and posted > timezone.now():
            raise forms.ValidationError(_("Der Zeitpunkt liegt in der Zukunft. Bitte prüfen Sie Ihre Angabe."))
        return posted

    def clean(self):
        data = super().clean()
        details_given = any(data.get(name) for name in ("platform", "profile_name", "posted_at"))
        if details_given and not data.get("url") and "url" not in self.errors:
            self.add_error("url", _("Bitte geben Sie die Adresse des Beitrags an."))
        return data


class BaseOnlineContentFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _(
            "Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu und geben Sie die Beiträge "
            "erneut ein."
        ),
    }

    def filled_forms(self) -> list:
        """The rows with an address (a row left empty is no entry); after validation."""
        return [form for form in self.forms if getattr(form, "cleaned_data", None) and form.cleaned_data.get("url")]

    def answers(self) -> dict:
        return {"entries": [form.answers() for form in self.filled_forms()]}


OnlineContentFormSet = forms.formset_factory(
    OnlineContentForm,
    formset=BaseOnlineContentFormSet,
    extra=0,
    max_num=ONLINE_ENTRIES_MAX,
    validate_max=True,
    absolute_max=ONLINE_ENTRIES_MAX,
)


class ContactForm(StepForm):
    title = _("Kontakt und Anzeige")
    anonymous = forms.TypedChoiceField(
        label=_("Möchten Sie anonym melden?"),
        choices=[
            ("true", _("Ja, anonym. Ich verfolge meine Meldung mit dem Zugangscode.")),
            ("false", _("Nein, Sie dürfen mich kontaktieren.")),
        ],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        error_messages={"required": REQUIRED, "invalid_choice": CHOICE},
    )
    contact_name = _text(_("Name"))
    contact_email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        required=False,
        max_length=TEXT_MAX,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    contact_phone = _text(_("Telefon"), max_length=50)
    contact_preference = _choice(_("Wie sollen wir Sie erreichen?"), v.ContactPreference.choices, required=False)
    complaint_wish = _choice(_("Möchten Sie Strafanzeige erstatten?"), v.ComplaintWish.choices)
    learned_on = _date(
        _("Seit wann wissen Sie von der Tat und wer sie begangen hat?"),
        required=False,
        help_text=_(
            "Nur bei Beleidigung wichtig: Der Strafantrag muss innerhalb von drei Monaten gestellt werden (§ 77b StGB)."
        ),
    )
    privacy_consent = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen und bin mit der Verarbeitung meiner Angaben einverstanden."),
        error_messages={"required": _("Ohne Ihre Einwilligung können wir die Meldung nicht annehmen.")},
    )

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])

    def clean_learned_on(self):
        return _not_in_future(self.cleaned_data.get("learned_on"))

    def clean(self):
        data = super().clean()
        if data.get("anonymous") is False:
            if not data.get("contact_email") and not data.get("contact_phone"):
                self.add_error("contact_email", _("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an."))
            if not data.get("contact_preference"):
                self.add_error("contact_preference", REQUIRED)
        elif data.get("anonymous") is True:
            for name in ("contact_name", "contact_email", "contact_phone", "contact_preference"):
                data[name] = ""
        return data


class ReviewForm(StepForm):
    receipt_sections = forms.MultipleChoiceField(
        label=_("Was soll in der PDF-Bestätigung stehen?"),
        help_text=_(
            "Fallnummer, Zeitpunkt und die Liste der Beweismittel mit Prüfsummen stehen immer darin. Wählen Sie, welche Ihrer Angaben dazukommen sollen – denken Sie daran, wo Sie die Datei speichern."
        ),
        choices=v.ReceiptSection.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": CHOICE},
    )


class FollowUpLoginForm(forms.Form):
    number = forms.RegexField(
        label=_("Fallnummer"),
        regex=r"(?i)^\s*SK-?\d{4}-?\d{6}\s*$",
        max_length=30,
        help_text=_("Wie auf Ihrer Eingangsbestätigung, zum Beispiel SK-2026-000123."),
        error_messages={
            "required": _("Bitte geben Sie die Fallnummer ein."),
            "invalid": _("Die Fallnummer hat die Form SK-2026-000123."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    code = forms.RegexField(
        label=_("Zugangscode"),
        regex=r"^[\d\s-]{20,40}$",
        max_length=40,
        help_text=_("Die 20 Ziffern von Ihrer Eingangsbestätigung; Leerzeichen sind egal."),
        error_messages={
            "required": _("Bitte geben Sie den Zugangscode ein."),
            "invalid": _("Der Zugangscode besteht aus 20 Ziffern."),
        },
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_number(self):
        digits = "".join(ch for ch in self.cleaned_data["number"].upper() if ch.isdigit())
        return f"SK-{digits[:4]}-{digits[4:]}"

    def clean_code(self):
        digits = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(digits) != 20:
            raise forms.ValidationError(_("Der Zugangscode besteht aus 20 Ziffern."))
        return digits


class ReporterMessageForm(forms.Form):
    body = _text(
        _("Ihre Nachricht oder Ergänzung"),
        max_length=DESCRIPTION_MAX,
        required=True,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
