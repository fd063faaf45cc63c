from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.cases import workflow
from sikom.cases.models import CASE_HANDLING_TYPES, CaseStatus
from sikom.core.forms import EMPTY_CHOICE_LABEL

REASON = _("Begründung")
_INVALID = {"invalid_choice": _("Diese Auswahl gibt es nicht. Bitte wählen Sie einen Eintrag aus der Liste.")}


def _reason(required=False):
    return forms.CharField(
        label=REASON,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Bitte geben Sie eine Begründung an."),
            "max_length": _("Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."),
        },
    )


class StatusForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Neuer Status"), error_messages={"required": _("Bitte wählen Sie einen Status."), **_INVALID}
    )
    reason = _reason()

    def __init__(self, *args, current: str, **kwargs):
        # Several forms share the case page: distinct ids keep every label tied to its own field.
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)
        # Nothing preselected: a status is a decision, never the default of a list.
        self.fields["to"].choices = [("", EMPTY_CHOICE_LABEL)] + [
            (status, CaseStatus(status).label)
            for status in workflow.CASES.targets(current)
            if status in workflow.MOVES_IN_STATUS_FORM
        ]

    @property
    def has_moves(self) -> bool:
        return len(self.fields["to"].choices) > 1


class _AgencyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Stelle"),
        queryset=Organisation.objects.none(),
        empty_label=EMPTY_CHOICE_LABEL,
        error_messages={"required": _("Bitte wählen Sie eine Stelle."), "invalid_choice": _INVALID["invalid_choice"]},
    )

    id_prefix = "agency"

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(type__in=CASE_HANDLING_TYPES).exclude(pk=case.lead_id).order_by("name")
        )


class ReferForm(_AgencyForm):
    id_prefix = "refer"
    reason = _reason(required=True)


class ShareForm(_AgencyForm):
    id_prefix = "share"
    reason = _reason()


class MessageForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "message_%s")
        super().__init__(*args, **kwargs)

    body = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Bitte schreiben Sie einen Text."),
            "max_length": _("Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."),
        },
    )
    internal = forms.TypedChoiceField(
        label=_("Empfänger"),
        choices=[("false", _("Nachricht an die meldende Person")), ("true", _("Interne Notiz (nur für die Stellen)"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        initial="true",
        error_messages={"required": _("Bitte wählen Sie, an wen der Text geht."), **_INVALID},
    )


class ReauthForm(forms.Form):
    secret = forms.CharField(
        label=_("Passwort oder aktueller Code aus der Authenticator-App"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("Bitte geben Sie Ihr Passwort oder den Code ein.")},
    )
