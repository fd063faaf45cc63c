from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import CONTACT_FIELDS, Organisation
from sikom.core.validators import clean_phone


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse ein."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        },
    )
    password = forms.CharField(
        label=_("Passwort"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie Ihr Passwort ein.")},
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Sechsstelliger Code aus Ihrer Authenticator-App"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={
            "required": _("Bitte geben Sie den sechsstelligen Code ein."),
            "invalid": _("Der Code besteht aus sechs Ziffern, zum Beispiel 123456."),
        },
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip()


class OrganisationContactForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = CONTACT_FIELDS
        widgets = {"contact_note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "contact_phone": _("Wie es veröffentlicht werden soll, z. B. +49 351 123-4567."),
            "contact_website": _("Vollständige Adresse mit https://"),
            "contact_note": _("Zum Beispiel Sprechzeiten. Diese Angaben sind für alle sichtbar."),
        }
        error_messages = {
            "contact_email": {"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
            "contact_website": {
                "invalid": _("Bitte geben Sie eine vollständige Internetadresse ein, beginnend mit https://.")
            },
        }

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])


class RegistrationForm(forms.Form):
    """Accounts for officials who want all their reports in one list. Staff accounts are created by the operators."""

    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        error_messages={"required": _("Bitte geben Sie Ihren Namen ein.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse ein."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        max_length=256,
        help_text=_("Mindestens 12 Zeichen; nicht zu einfach und nicht Ihrem Namen ähnlich."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Bitte wählen Sie ein Passwort.")},
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Bitte wiederholen Sie das Passwort.")},
    )
    privacy_consent = forms.BooleanField(
        label=_("Ich habe die Datenschutzerklärung gelesen und bin mit der Verarbeitung meiner Angaben einverstanden."),
        error_messages={"required": _("Ohne Ihre Einwilligung können wir kein Konto anlegen.")},
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        elif first:
            from sikom.accounts.models import User

            try:
                password_validation.validate_password(
                    first, User(email=data.get("email", ""), full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


_NO_SUCH_CHOICE = {"invalid_choice": _("Diese Auswahl gibt es nicht. Bitte wählen Sie einen Eintrag aus der Liste.")}


def _organisation_field(*, label, empty_label) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=empty_label,
        error_messages=_NO_SUCH_CHOICE,
    )


class AccountFilterForm(forms.Form):
    """The operators' account list: every field optional; a forged value is reported at its field and ignored."""

    is_filter = True
    q = forms.CharField(
        label=_("Name oder E-Mail-Adresse"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Bitte höchstens 100 Zeichen eingeben.")},
    )
    organisation = _organisation_field(label=_("Organisation"), empty_label=_("alle"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), ("aktiv", _("aktiv")), ("inaktiv", _("deaktiviert"))],
        error_messages=_NO_SUCH_CHOICE,
    )
    leitung = forms.ChoiceField(
        label=_("Leitung"),
        required=False,
        choices=[("", _("alle")), ("ja", _("nur Leitung")), ("nein", _("ohne Leitung"))],
        error_messages=_NO_SUCH_CHOICE,
    )

    def filters(self) -> dict:
        """Keyword arguments for `selectors.user_listing`, from the fields that are valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        yes_no = {"aktiv": True, "inaktiv": False, "ja": True, "nein": False}
        return {
            "q": (data.get("q") or "").strip(),
            "organisation": data.get("organisation"),
            "active": yes_no.get(data.get("status") or ""),
            "supervisor": yes_no.get(data.get("leitung") or ""),
        }


class AccountForm(forms.Form):
    """An account as the operators maintain it; the e-mail address only when creating (it is the login name)."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_("An diese Adresse geht der Link, mit dem die Person ihr Passwort festlegt."),
        error_messages={
            "required": _("Bitte geben Sie die E-Mail-Adresse ein."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
            "max_length": _("Die E-Mail-Adresse ist zu lang (höchstens 254 Zeichen)."),
        },
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        error_messages={
            "required": _("Bitte geben Sie den Namen ein."),
            "max_length": _("Der Name ist zu lang (höchstens 150 Zeichen)."),
        },
    )
    organisation = _organisation_field(
        label=_("Organisation"), empty_label=_("keine (Konto ohne Stelle, etwa für Amtsträger:innen)")
    )
    is_supervisor = forms.BooleanField(
        label=_("Leitung"),
        required=False,
        help_text=_("Darf das Protokoll der Fälle der eigenen Stelle lesen."),
    )

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["email"]
        self.fields["organisation"].help_text = _(
            "Mitglieder einer Organisation melden sich immer mit zweitem Faktor an."
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"]
        if any(not char.isprintable() for char in name):
            raise forms.ValidationError(_("Der Name darf keine Steuerzeichen enthalten."))
        return name
