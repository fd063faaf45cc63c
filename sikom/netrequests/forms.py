from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation
from sikom.cases import workflow
from sikom.cases.models import CaseStatus
from sikom.core.forms import (
    CHOICE_ERRORS,
    EMPTY_CHOICE_LABEL,
    INVALID_CHOICE,
    REQUIRED,
    date_field,
    text_field,
    version_field,
)
from sikom.netrequests import files
from sikom.netrequests.models import MAX_PARTICIPANTS, AngleStatus, EntryKind, Outcome, RequestKind

TIME_INVALID = _("Bitte geben Sie eine gültige Uhrzeit ein, zum Beispiel 18:30.")
LONG = 20_000


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Worum geht es?"), choices=RequestKind.choices, widget=forms.RadioSelect, error_messages=CHOICE_ERRORS
    )
    event_day = date_field(_("Datum des Anlasses"), help_text=_("Bei Kauf oder Anmietung: der bekannte Termin."))
    event_time = forms.TimeField(
        label=_("Uhrzeit"),
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Falls bekannt."),
        error_messages={"invalid": TIME_INVALID},
    )
    place = text_field(_("Ort"), 300, help_text=_("Adresse, Platz oder Objekt."))
    organiser = text_field(_("Veranstalter:in oder Käufer:in / Mieter:in"), 2000, required=False, rows=2)
    expected_participants = forms.IntegerField(
        label=_("Erwartete Teilnehmende"),
        required=False,
        min_value=0,
        max_value=MAX_PARTICIPANTS,
        error_messages={
            "invalid": _("Bitte geben Sie eine ganze Zahl ein."),
            "min_value": _("Bitte geben Sie eine Zahl ab 0 ein."),
            "max_value": _("Bitte geben Sie höchstens %(limit_value)s ein."),
        },
    )
    known_facts = text_field(_("Was bekannt ist"), LONG, rows=5)
    sources = text_field(
        _("Quellen (Flyer, Beiträge, Links)"),
        LONG,
        required=False,
        rows=3,
        help_text=_("Links bitte je in eine eigene Zeile."),
    )
    upload = forms.FileField(
        label=_("Datei (Flyer, Foto, Bildschirmfoto, PDF)"),
        required=False,
        help_text=_("Optional. Weitere Dateien können Sie nach dem Absenden hinzufügen."),
        max_length=500,
        error_messages={
            "empty": _("Die Datei ist leer."),
            "invalid": _("Bitte wählen Sie eine Datei aus."),
            "missing": _("Bitte wählen Sie eine Datei aus."),
            "max_length": _("Der Dateiname ist zu lang."),
        },
    )
    done_so_far = text_field(_("Was die Kommune bereits unternommen hat"), LONG, required=False, rows=3)
    needs = text_field(_("Was die Kommune braucht"), LONG, rows=3)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                files.check(upload)
            except files.SourceRejected as rejected:
                raise forms.ValidationError(rejected.message) from rejected
        return upload

    def clean(self):
        return _clean_event(self, super().clean())


def _clean_event(form: forms.Form, data: dict) -> dict:
    """Day and optional time → ``event_at`` (in the future, within five years) and ``event_time_known``."""
    day, at_time = data.get("event_day"), data.get("event_time")
    if day is None:
        return data
    if day.year > timezone.localdate().year + 5:
        form.add_error("event_day", _("Bitte geben Sie einen Termin in den nächsten fünf Jahren ein."))
        return data
    # A day without a time counts to its end: the event may still be ahead today.
    at = timezone.make_aware(datetime.combine(day, at_time or time(23, 59)))
    if at <= timezone.now():
        form.add_error("event_day", _("Der Termin muss in der Zukunft liegen."))
    else:
        data["event_at"], data["event_time_known"] = at, at_time is not None
    return data


class CorrectionForm(forms.Form):
    """The facts of the event the municipality may correct after filing (the same fields and checks as filing)."""

    event_day = RequestForm.base_fields["event_day"]
    event_time = RequestForm.base_fields["event_time"]
    place = RequestForm.base_fields["place"]
    organiser = RequestForm.base_fields["organiser"]
    expected_participants = RequestForm.base_fields["expected_participants"]
    version = version_field(required=True)

    def clean(self):
        return _clean_event(self, super().clean())

    @classmethod
    def for_request(cls, request) -> "CorrectionForm":
        at = timezone.localtime(request.event_at)
        return cls(
            initial={
                "event_day": at.date(),
                "event_time": at.time() if request.event_time_known else None,
                "place": request.place,
                "organiser": request.organiser,
                "expected_participants": request.expected_participants,
                "version": request.version,
            }
        )


class MessageForm(forms.Form):
    body = text_field(_("Text"), LONG, rows=4, required_message=_("Bitte schreiben Sie einen Text."))
    internal = forms.TypedChoiceField(
        label=_("Empfänger"),
        choices=[("false", _("Nachricht an die Kommune")), ("true", _("Interne Notiz (nur für die Stellen)"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        initial="true",
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "message_%s")
        super().__init__(*args, **kwargs)


class InformationForm(forms.Form):
    body = text_field(_("Ergänzende Information"), LONG, rows=4, required_message=_("Bitte schreiben Sie einen Text."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "info_%s")
        super().__init__(*args, **kwargs)


class ExpertForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Stelle"),
        queryset=Organisation.objects.none(),
        empty_label=EMPTY_CHOICE_LABEL,
        error_messages={"required": _("Bitte wählen Sie eine Stelle."), "invalid_choice": INVALID_CHOICE},
    )
    question = text_field(_("Frage an die Stelle"), 4000, rows=3, required_message=_("Bitte stellen Sie eine Frage."))
    due_on = date_field(_("Antwort erbeten bis"), help_text=_("Spätestens am Tag des Anlasses."))

    def __init__(self, *args, organisations, event_day, **kwargs):
        kwargs.setdefault("auto_id", "expert_%s")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.event_day = event_day

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if not timezone.localdate() <= due <= self.event_day:
            raise forms.ValidationError(_("Die Antwort muss zwischen heute und dem Tag des Anlasses fällig sein."))
        return due


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("Neuer Status"), error_messages=CHOICE_ERRORS)
    reason = text_field(_("Begründung"), 2000, required=False, rows=2)

    MOVES = {CaseStatus.IN_REVIEW, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED, CaseStatus.REOPENED}

    def __init__(self, *args, current: str, **kwargs):
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", EMPTY_CHOICE_LABEL)] + [
            (status, CaseStatus(status).label) for status in workflow.CASES.targets(current) if status in self.MOVES
        ]

    @property
    def has_moves(self) -> bool:
        return len(self.fields["to"].choices) > 1


class ReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("Stand"), choices=AngleStatus.choices, error_messages=CHOICE_ERRORS)
    notes = text_field(_("Notizen"), LONG, required=False, rows=3)
    references = text_field(_("Fundstellen und Rechtsgrundlagen"), 4000, required=False, rows=2)
    outcome = text_field(_("Ergebnis der Prüfung"), 4000, required=False, rows=2)
    version = version_field()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was getan wurde"), choices=Outcome.choices, widget=forms.RadioSelect, error_messages=CHOICE_ERRORS
    )
    notes = text_field(_("Erläuterung"), LONG, required=False, rows=3)
    course = text_field(_("Wie der Anlass verlief"), LONG, required=False, rows=3)
    close = forms.BooleanField(label=_("Anfrage damit abschließen"), required=False)
    version = version_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "outcome_%s")
        super().__init__(*args, **kwargs)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art"), choices=EntryKind.choices, widget=forms.RadioSelect, error_messages=CHOICE_ERRORS
    )
    name = text_field(_("Bezeichnung"), 200)
    place = text_field(_("Ort"), 300)
    description = text_field(_("Beschreibung"), LONG, required=False, rows=4)


class EntryEditForm(EntryForm):
    version = version_field(required=True)


class EntryDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, den Eintrag mit allen Vermerken endgültig löschen"),
        error_messages={"required": _("Bitte bestätigen Sie das Löschen.")},
    )
    version = version_field(required=True)
    notes = version_field(required=True)  # the number of notes the page named: more since then → refused

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "delete_%s")
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    on = date_field(_("Datum"))
    text = text_field(_("Was geschah"), LONG, rows=3)

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day > timezone.localdate() or day.year < 1990:
            raise forms.ValidationError(_("Bitte geben Sie ein Datum bis heute ein."))
        return day


class ConferenceForm(forms.Form):
    held_on = date_field(_("Datum"))
    participants = text_field(_("Teilnehmende"), 4000, rows=2, help_text=_("Stellen und Funktionen."))
    assessment = text_field(_("Lageeinschätzung"), LONG, rows=4)
    priorities = text_field(_("Schwerpunkte"), LONG, required=False, rows=3)
    agreed_steps = text_field(_("Vereinbarte Schritte"), LONG, required=False, rows=3)

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate() or day.year < 1990:
            raise forms.ValidationError(_("Bitte geben Sie ein Datum bis heute ein."))
        return day


class ReadersForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Diese Stellen dürfen Register und Protokolle lesen"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": INVALID_CHOICE, "invalid_pk_value": INVALID_CHOICE, "required": REQUIRED},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = candidates


class SourceFileForm(forms.Form):
    upload = forms.FileField(
        label=_("Datei (Flyer, Foto, Bildschirmfoto, PDF)"),
        help_text=_("Fotos (JPEG, PNG, WebP, HEIC), PDF, E-Mails (.eml) oder Textdateien, höchstens 20 MB."),
        max_length=500,
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die Datei ist leer."),
            "invalid": _("Bitte wählen Sie eine Datei aus."),
            "missing": _("Bitte wählen Sie eine Datei aus."),
            "max_length": _("Der Dateiname ist zu lang."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "source_%s")
        super().__init__(*args, **kwargs)
