from datetime import date, timedelta
from functools import partial

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.consultations.models import Format
from sikom.consultations.selectors import Filters
from sikom.consultations.services import ConsultationData, StepData
from sikom.core.forms import INVALID_CHOICE, MAX_LENGTH, REQUIRED, date_field, version_field
from sikom.geo.models import District, Municipality

_CHOICE_ERRORS = {"invalid_choice": INVALID_CHOICE, "invalid_pk_value": INVALID_CHOICE}
EARLIEST = date(2000, 1, 1)
MAX_STEPS = 20


_date_field = partial(
    date_field, error_messages={"invalid": _("Bitte geben Sie ein gültiges Datum ein, z. B. 27.02.2024.")}
)


def _german_errors(form: forms.Form) -> None:
    for field in form.fields.values():
        field.error_messages["required"] = REQUIRED
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = MAX_LENGTH


class ConsultationFilterForm(forms.Form):
    """The list's filters: every field optional; a forged value is reported at its field and ignored."""

    is_filter = True
    q = forms.CharField(
        label=_("Suchbegriff (Thema, Ergebnis, Teilnehmende)"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Bitte verwenden Sie höchstens 100 Zeichen.")},
    )
    kreis = forms.ChoiceField(label=_("Landkreis / Kreisfreie Stadt"), required=False, error_messages=_CHOICE_ERRORS)
    gemeinde = forms.ChoiceField(label=_("Gemeinde"), required=False, error_messages=_CHOICE_ERRORS)
    angebot = forms.ChoiceField(label=_("Thema (Angebot)"), required=False, error_messages=_CHOICE_ERRORS)
    art = forms.ChoiceField(label=_("Form"), required=False, error_messages=_CHOICE_ERRORS)
    von = _date_field(_("Datum von"), required=False)
    bis = _date_field(_("Datum bis"), required=False)
    schritte = forms.ChoiceField(
        label=_("Nächste Schritte"),
        required=False,
        choices=[
            ("", _("alle")),
            ("offen", _("nur mit offenen Schritten")),
            ("ueberfaellig", _("nur mit überfälligen")),
        ],
        error_messages=_CHOICE_ERRORS,
    )

    def __init__(self, *args, municipalities: list[tuple[str, str]], offers, with_places: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("alle"))]
        if with_places:
            districts = District.objects.only("key", "short_name", "kind").order_by("short_name")
            self.fields["kreis"].choices = every + [(district.key, district.display_name) for district in districts]
            self.fields["gemeinde"].choices = every + municipalities
        else:
            del self.fields["kreis"], self.fields["gemeinde"]
        self.fields["angebot"].choices = every + [(offer.slug, offer.title) for offer in offers]
        self.fields["art"].choices = every + list(Format.choices)

    def clean(self):
        data = super().clean()
        if data.get("von") and data.get("bis") and data["bis"] < data["von"]:
            self.add_error("bis", _("Das Ende des Zeitraums liegt vor seinem Anfang."))
        return data

    def filters(self) -> Filters:
        """The valid filters; an invalid one is dropped (its error is shown) instead of failing the page."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return Filters(
            text=(data.get("q") or "").strip(),
            district=data.get("kreis") or "",
            municipality=data.get("gemeinde") or "",
            offer=data.get("angebot") or "",
            format=data.get("art") or "",
            start=data.get("von"),
            end=data.get("bis"),
            steps={"offen": "open", "ueberfaellig": "overdue"}.get(data.get("schritte") or "", ""),
        )


class ConsultationForm(forms.Form):
    gemeinde = forms.ModelChoiceField(
        label=_("Gemeinde"),
        queryset=Municipality.objects.only("ags", "name").order_by("search_name"),
        to_field_name="ags",
        required=False,
        empty_label=_("ohne Gemeinde (einzelne Amts- oder Mandatsträger:in)"),
        error_messages=_CHOICE_ERRORS,
    )
    office_holder_note = forms.CharField(
        label=_("Beratene Person ohne Gemeinde"),
        max_length=300,
        required=False,
        help_text=_("Nur wenn keine Gemeinde beraten wurde: die Rolle, keinen Namen (z. B. »Kreisrätin«)."),
    )
    date = _date_field(_("Datum der Beratung"))
    offers = forms.ModelMultipleChoiceField(
        label=_("Themen aus dem Angebotskatalog"),
        queryset=None,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages=_CHOICE_ERRORS | {"invalid_list": INVALID_CHOICE},
    )
    format = forms.ChoiceField(
        label=_("Form"), choices=Format.choices, widget=forms.RadioSelect, error_messages=_CHOICE_ERRORS
    )
    participants = forms.CharField(
        label=_("Teilnehmende"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Funktionen und Stellen, z. B. »Bürgermeister, Ordnungsamt, ASSKomm-Team«."),
    )
    result = forms.CharField(label=_("Ergebnis"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    version = version_field()

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offers"].queryset = offers
        _german_errors(self)
        self.fields["offers"].error_messages["required"] = _("Bitte wählen Sie mindestens ein Thema.")

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < EARLIEST:
            raise forms.ValidationError(_("Bitte geben Sie ein Datum ab dem 01.01.2000 ein."))
        if day > timezone.localdate() + timedelta(days=366):
            raise forms.ValidationError(_("Eine Beratung kann höchstens ein Jahr im Voraus eingetragen werden."))
        return day

    def clean(self):
        data = super().clean()
        note = (data.get("office_holder_note") or "").strip()
        if "gemeinde" in self.errors:
            return data
        if data.get("gemeinde") is None and not note:
            self.add_error(
                "office_holder_note",
                _("Bitte wählen Sie eine Gemeinde oder beschreiben Sie die beratene Person (ohne Namen)."),
            )
        elif data.get("gemeinde") is not None and note:
            self.add_error(
                "office_holder_note", _("Bitte nur ausfüllen, wenn die Beratung keiner Gemeinde zugeordnet ist.")
            )
        return data


class NextStepForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    text = forms.CharField(label=_("Nächster Schritt"), max_length=500)
    owner = forms.CharField(label=_("Verantwortlich (Person oder Stelle)"), max_length=200, required=False)
    owner_organisation = forms.ModelChoiceField(
        label=_("oder Organisation"),
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        required=False,
        empty_label=_("keine Auswahl"),
        error_messages=_CHOICE_ERRORS,
    )
    due_on = _date_field(_("Fällig am"))
    done = forms.BooleanField(label=_("erledigt"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german_errors(self)

    def clean(self):
        data = super().clean()
        if (
            "owner" not in self.errors
            and "owner_organisation" not in self.errors
            and not (data.get("owner") or "").strip()
            and data.get("owner_organisation") is None
        ):
            self.add_error("owner", _("Bitte nennen Sie, wer verantwortlich ist, oder wählen Sie eine Organisation."))
        return data


class BaseNextStepFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": _("Bitte tragen Sie höchstens %(num)d nächste Schritte ein."),
        "missing_management_form": _(
            "Die nächsten Schritte konnten nicht gelesen werden. Bitte öffnen Sie das Formular neu."
        ),
    }

    def __init__(self, *args, step_ids: set[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.step_ids = step_ids

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            pk = form.cleaned_data.get("id")
            if pk is not None and pk not in self.step_ids:
                form.add_error(None, _("Diesen nächsten Schritt gibt es bei dieser Beratung nicht."))

    def check_dates(self, consultation_date: date) -> bool:
        """A step cannot be due before the consultation: the message at its date field."""
        valid = True
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            due_on = form.cleaned_data.get("due_on")
            if due_on is None:
                continue
            if due_on < consultation_date:
                form.add_error("due_on", _("Der Schritt kann nicht vor der Beratung fällig sein."))
                valid = False
            elif due_on > consultation_date + timedelta(days=3660):
                form.add_error("due_on", _("Bitte wählen Sie ein Datum innerhalb von zehn Jahren nach der Beratung."))
                valid = False
        return valid

    def steps(self) -> list[StepData]:
        steps = []
        for form in self.forms:
            if not form.has_changed():
                continue
            data = form.cleaned_data
            steps.append(
                StepData(
                    pk=data.get("id"),
                    text=data["text"].strip() if data.get("text") else "",
                    owner=data.get("owner") or "",
                    owner_organisation=data.get("owner_organisation"),
                    due_on=data.get("due_on"),
                    done=bool(data.get("done")),
                    delete=self._should_delete_form(form),
                )
            )
        return steps


def next_step_formset(*, extra: int):
    return forms.formset_factory(
        NextStepForm,
        formset=BaseNextStepFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_STEPS,
        absolute_max=MAX_STEPS,
        validate_max=True,
    )


STEPS_PREFIX = "schritte"


def consultation_data(form: ConsultationForm, formset: BaseNextStepFormSet) -> ConsultationData:
    data = form.cleaned_data
    return ConsultationData(
        municipality=data["gemeinde"],
        office_holder_note=data.get("office_holder_note") or "",
        date=data["date"],
        offers=list(data["offers"]),
        format=data["format"],
        participants=data["participants"],
        result=data["result"],
        steps=formset.steps(),
    )
