from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.alliance.models import ExchangeMeeting, MeetingFormat, MembershipStatus
from sikom.core.forms import CHOICE_ERRORS, MAX_LENGTH, date_field, text_field
from sikom.core.validators import clean_phone
from sikom.geo.models import District, Municipality

# Alliance asks for a missing date in its own words.
_date_field = partial(date_field, error_messages={"required": _("Bitte geben Sie ein Datum an.")})


class MembershipFilterForm(forms.Form):
    """ASSKomm's list of memberships: every field optional; a forged value is reported at its field and ignored."""

    is_filter = True
    q = forms.CharField(
        label=_("Kommune"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Bitte höchstens 100 Zeichen eingeben.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), *MembershipStatus.choices],
        error_messages=CHOICE_ERRORS,
    )
    kreis = forms.ModelChoiceField(
        label=_("Landkreis / Kreisfreie Stadt"),
        queryset=District.objects.order_by("short_name"),
        to_field_name="key",
        required=False,
        empty_label=_("alle"),
        error_messages=CHOICE_ERRORS,
    )
    gruendung = forms.ChoiceField(
        label=_("Gründungsmitglied"),
        required=False,
        choices=[("", _("alle")), ("ja", _("nur Gründungsmitglieder")), ("nein", _("ohne Gründungsmitglieder"))],
        error_messages=CHOICE_ERRORS,
    )

    def filters(self) -> dict:
        """Keyword arguments for `selectors.membership_listing`, from the fields that are valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return {
            "q": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "district": data.get("kreis"),
            "founding": {"ja": True, "nein": False}.get(data.get("gruendung") or ""),
        }


class RequestMembershipForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Wir möchten der Allianz Sichere Sächsische Kommunen beitreten."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Ihre Kommune der Allianz beitreten möchte.")},
    )
    note = text_field(
        _("Nachricht an das ASSKomm-Team"),
        max_length=2000,
        required=False,
        rows=3,
        help_text=_("Zum Beispiel, wer in Ihrer Verwaltung die Mitgliedschaft betreut."),
    )


# The three steps share one page: prefixes keep their field ids apart.
class ConfirmMembershipForm(forms.Form):
    prefix = "beitritt"
    joined_on = _date_field(_("Beigetreten am"), help_text=_("Nicht in der Zukunft."))
    founding = forms.BooleanField(label=_("Gründungsmitglied (Februar 2019)"), required=False)


class RecordMembershipForm(forms.Form):
    """ASSKomm enters a membership that exists already (e.g. agreed before the platform): request and confirmation
    in one step."""

    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.order_by("search_name"),
        to_field_name="ags",
        error_messages=CHOICE_ERRORS,
    )
    joined_on = _date_field(_("Beigetreten am"), help_text=_("Nicht in der Zukunft."))
    founding = forms.BooleanField(label=_("Gründungsmitglied (Februar 2019)"), required=False)


class DeclineMembershipForm(forms.Form):
    prefix = "ablehnung"
    reason = text_field(
        _("Begründung"),
        max_length=2000,
        rows=3,
        required_message=_("Bitte geben Sie eine Begründung an."),
        help_text=_("Die Kommune sieht die Begründung auf ihrer Seite »Mitgliedschaft«."),
    )


class LeaveMembershipForm(forms.Form):
    prefix = "austritt"
    left_on = _date_field(_("Ausgetreten am"), help_text=_("Nicht in der Zukunft und nicht vor dem Beitritt."))
    reason = text_field(
        _("Begründung"), max_length=2000, rows=3, required_message=_("Bitte geben Sie eine Begründung an.")
    )


class ContactPersonForm(forms.Form):
    name = text_field(_("Name"), max_length=150, required_message=_("Bitte geben Sie den Namen an."))
    function = text_field(
        _("Funktion"),
        max_length=150,
        help_text=_("Zum Beispiel »Präventionsbeauftragte« oder »Leitung Ordnungsamt«."),
        required_message=_("Bitte geben Sie die Funktion an."),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        error_messages={
            "required": _("Bitte geben Sie die E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
            "max_length": MAX_LENGTH,
        },
    )
    phone = text_field(_("Telefon"), max_length=50, required=False)
    opted_in_directory = forms.BooleanField(
        label=_("Die Person ist damit einverstanden, im Netzwerkverzeichnis zu stehen."),
        required=False,
        help_text=_(
            "Das Verzeichnis sehen nur die Mitgliedskommunen und das ASSKomm-Team. Die Einwilligung kann jederzeit "
            "zurückgenommen werden: dann verschwindet der Eintrag sofort."
        ),
    )

    # The version the editor started from: a save based on an older one is refused (no lost updates).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])


class ExchangeMeetingForm(forms.Form):
    held_on = _date_field(_("Datum"))
    topic = text_field(_("Thema"), max_length=200, required_message=_("Bitte geben Sie das Thema an."))
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices, error_messages=CHOICE_ERRORS)
    # Chosen by the municipality key (AGS) among the offered municipalities: a forged key is an invalid choice.
    municipalities = forms.MultipleChoiceField(
        label=_("Teilnehmende Kommunen"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Bitte wählen Sie mindestens eine teilnehmende Kommune."),
            "invalid_choice": _("Diese Auswahl gibt es nicht. Bitte wählen Sie nur Mitgliedskommunen aus der Liste."),
        },
    )
    record = text_field(
        _("Kurzprotokoll"),
        max_length=10000,
        required=False,
        rows=6,
        help_text=_("Die Teilnehmenden sehen das Kurzprotokoll. Keine Angaben zu einzelnen Personen."),
    )

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = {municipality.ags: municipality for municipality in municipalities}
        self.fields["municipalities"].choices = [
            (ags, municipality.display_name) for ags, municipality in self.offered.items()
        ]

    def clean_municipalities(self) -> list:
        return [self.offered[ags] for ags in self.cleaned_data["municipalities"]]

    @staticmethod
    def initial_of(meeting: ExchangeMeeting) -> dict:
        return {
            "held_on": meeting.held_on,
            "topic": meeting.topic,
            "format": meeting.format,
            "record": meeting.record,
            "municipalities": [municipality.ags for municipality in meeting.municipalities.all()],
            "version": meeting.version,
        }
