from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.core.validators import clean_phone
from sikom.offers.vocabulary import Audience, RegionalContact, Situation

_CHOICE_ERRORS = {"invalid_choice": _("Diese Auswahl gibt es nicht. Bitte wählen Sie einen Eintrag aus der Liste.")}


class OfferFilterForm(forms.Form):
    is_filter = True  # every field is optional: no »optional« marks
    q = forms.CharField(
        label=_("Suchbegriff"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("Bitte verwenden Sie höchstens 100 Zeichen.")},
    )
    situation = forms.ChoiceField(label=_("Situation"), required=False, error_messages=_CHOICE_ERRORS)
    audience = forms.ChoiceField(label=_("Zielgruppe"), required=False, error_messages=_CHOICE_ERRORS)
    provider = forms.ChoiceField(label=_("Anbieter"), required=False, error_messages=_CHOICE_ERRORS)

    def __init__(self, *args, providers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("alle"))]
        self.fields["situation"].choices = every + list(Situation.choices)
        self.fields["audience"].choices = every + list(Audience.choices)
        self.fields["provider"].choices = every + [(name, name) for name in providers]

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid one is dropped (its error is shown) instead of failing the page."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields if name not in self.errors} | {
            "text": self.cleaned_data.get("q", "") if "q" not in self.errors else ""
        }


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    summary = forms.CharField(
        label=_("Kurzbeschreibung"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ein bis zwei Sätze für die Liste, höchstens 400 Zeichen."),
    )
    goal = forms.CharField(
        label=_("Ziel"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Absätze durch eine Leerzeile trennen."),
    )
    content = forms.CharField(
        label=_("Inhalt"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Absätze durch eine Leerzeile trennen; Zeilen mit »- « am Anfang werden zur Aufzählung."),
    )
    provider = forms.CharField(label=_("Anbieter"), max_length=200)
    audiences = forms.MultipleChoiceField(
        label=_("Zielgruppen"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_CHOICE_ERRORS,
    )
    situations = forms.MultipleChoiceField(
        label=_("Hilft in diesen Situationen"),
        choices=Situation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_CHOICE_ERRORS,
    )
    helps_in_acute_danger = forms.BooleanField(label=_("Hilft bei akuter Gefahr"), required=False)
    regional_contact = forms.ChoiceField(
        label=_("Regionale Ansprechstelle"),
        choices=RegionalContact.choices,
        required=False,
        error_messages=_CHOICE_ERRORS,
        help_text=_("Der Wegweiser nennt dann die für den Wohnort zuständige Stelle."),
    )
    contact_office = forms.CharField(
        label=_("Kontakt: Stelle"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact_street = forms.CharField(label=_("Kontakt: Straße und Hausnummer"), max_length=200, required=False)
    contact_postcode_city = forms.CharField(label=_("Kontakt: PLZ und Ort"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Kontakt: Telefon"), max_length=50, required=False)
    contact_email = forms.EmailField(
        label=_("Kontakt: E-Mail"),
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    contact_website = forms.URLField(
        label=_("Kontakt: Website"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Bitte geben Sie eine vollständige Internetadresse ein.")},
    )
    is_published = forms.BooleanField(label=_("Veröffentlicht (für alle sichtbar)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("Bitte füllen Sie dieses Feld aus.")
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = _(
                    "Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."
                )
        self.fields["audiences"].error_messages["required"] = _("Bitte wählen Sie mindestens eine Zielgruppe.")
        self.fields["situations"].error_messages["required"] = _("Bitte wählen Sie mindestens eine Situation.")

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        data = super().clean()
        if not any(
            data.get(name) for name in ["contact_office", "contact_email", "contact_phone", "contact_website"]
        ) and not data.get("regional_contact"):
            raise forms.ValidationError(
                _("Bitte geben Sie eine Kontaktmöglichkeit an oder wählen Sie eine regionale Ansprechstelle.")
            )
        return data


class FinderAudienceForm(forms.Form):
    fuer = forms.ChoiceField(
        label=_("Wer sind Sie?"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie aus, wer Sie sind."),
            "invalid_choice": _("Bitte wählen Sie eine der angebotenen Antworten aus."),
        },
    )


class FinderSituationForm(forms.Form):
    anliegen = forms.MultipleChoiceField(
        label=_("Was ist passiert oder was brauchen Sie?"),
        help_text=_("Mehrere Antworten sind möglich."),
        choices=Situation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Bitte wählen Sie mindestens eine Antwort aus."),
            "invalid_choice": _("Bitte wählen Sie nur aus den angebotenen Antworten aus."),
        },
    )


class FinderDangerForm(forms.Form):
    akut = forms.ChoiceField(
        label=_("Sind Sie oder andere gerade in akuter Gefahr?"),
        choices=[("ja", _("Ja, jetzt gerade oder in den nächsten Stunden")), ("nein", _("Nein"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte beantworten Sie, ob akute Gefahr besteht."),
            "invalid_choice": _("Bitte wählen Sie »Ja« oder »Nein«."),
        },
    )


FINDER_STEPS = [FinderAudienceForm, FinderSituationForm, FinderDangerForm]


class MunicipalityForm(forms.Form):
    """A municipality as a person types it (looked up typo-tolerant, then chosen by its key); the Wegweiser's place
    step, and the self-check's with its own wording."""

    gemeinde = forms.CharField(
        label=_("In welcher Gemeinde sind Sie tätig oder wohnen Sie?"),
        help_text=_(
            "Zum Beispiel »Pirna« oder »Bautzen«. Wir speichern Ihre Angabe nicht; sie bestimmt nur die zuständigen Stellen in Ihrer Region."
        ),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("Bitte verwenden Sie höchstens 100 Zeichen.")},
    )
    gemeinde_ags = forms.RegexField(
        regex=r"^14\d{6}$",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Diese Gemeinde gibt es nicht. Bitte suchen Sie erneut.")},
    )


class FinderPlaceForm(MunicipalityForm):
    ohne_ort = forms.BooleanField(required=False, widget=forms.HiddenInput)
