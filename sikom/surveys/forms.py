"""Forms of the staff pages and the code entry. German messages at the field; the questionnaire pages themselves
are read by `logic.read_page`, because their fields come from the data."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.core.forms import INVALID_CHOICE, MAX_LENGTH, REQUIRED, date_field, text_field, version_field
from sikom.surveys import bank
from sikom.surveys.models import AnalysisState, MilestoneKind, QuestionType, WeightingRole
from sikom.surveys.workflow import ANALYSIS


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


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Jahr"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": _("Bitte geben Sie ein Jahr ein, zum Beispiel 2026."),
            "min_value": _("Bitte geben Sie ein Jahr ab %(limit_value)s ein."),
            "max_value": _("Bitte geben Sie ein Jahr bis %(limit_value)s ein."),
        },
    )


def _integer(label, *, required=False, help_text="", low=-1_000_000, high=1_000_000) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=low,
        max_value=high,
        error_messages={
            "invalid": _("Bitte geben Sie eine ganze Zahl ein."),
            "min_value": _("Bitte geben Sie eine Zahl ab %(limit_value)s ein."),
            "max_value": _("Bitte geben Sie eine Zahl bis %(limit_value)s ein."),
        },
    )


class AnalysisForm(KernForm):
    municipality = forms.ModelChoiceField(
        label=_("Gemeinde"),
        queryset=None,
        empty_label=_("Bitte auswählen"),
        error_messages={"required": _("Bitte wählen Sie die Gemeinde aus."), "invalid_choice": INVALID_CHOICE},
    )
    title = text_field(_("Titel"), 200)
    year = _year_field()
    field_start = date_field(_("Feldphase von"), required=False)
    field_end = date_field(_("Feldphase bis"), required=False)
    english = forms.BooleanField(label=_("Den Fragebogen auch auf Englisch anbieten"), required=False, initial=True)
    standard = forms.BooleanField(
        label=_("Mit dem Standard-Fragebogen beginnen (Fragenkatalog)"), required=False, initial=True
    )
    version = version_field()

    def __init__(self, *args, municipalities=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["municipality"]
            del self.fields["standard"]
        else:
            del self.fields["version"]
            self.fields["municipality"].queryset = municipalities
            if municipalities.count() == 1:
                self.fields["municipality"].initial = municipalities.first().pk

    def clean(self):
        data = super().clean()
        start, end = data.get("field_start"), data.get("field_end")
        if start and end and end < start:
            self.add_error("field_end", _("Das Ende der Feldphase muss nach ihrem Beginn liegen."))
        return data


class MilestonesForm(KernForm):
    """Planned and done date of each of the eight milestones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in MilestoneKind.choices:
            self.fields[f"{kind}-planned_on"] = date_field(
                _("%(milestone)s: geplant am") % {"milestone": label}, required=False
            )
            self.fields[f"{kind}-done_on"] = date_field(
                _("%(milestone)s: erledigt am") % {"milestone": label}, required=False
            )

    def dates(self) -> dict:
        return {
            kind: (self.cleaned_data.get(f"{kind}-planned_on"), self.cleaned_data.get(f"{kind}-done_on"))
            for kind in MilestoneKind.values
        }

    def pairs(self):
        """(label, planned field, done field) per milestone, for the template."""
        return [(label, self[f"{kind}-planned_on"], self[f"{kind}-done_on"]) for kind, label in MilestoneKind.choices]


class StatusForm(KernForm):
    to = forms.ChoiceField(label=_("Neuer Stand"), choices=AnalysisState.choices, widget=forms.RadioSelect)
    reason = text_field(_("Begründung"), 500, required=False, help_text=_("Nötig beim Abbruch."))

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ANALYSIS.targets(current)
        self.fields["to"].choices = [(v, label) for v, label in AnalysisState.choices if v in allowed]
        self.fields["to"].error_messages["required"] = _("Bitte wählen Sie den neuen Stand aus.")


class TeamForm(KernForm):
    user = forms.ModelChoiceField(label=_("Person"), queryset=None, empty_label=_("Bitte auswählen"))
    task = text_field(_("Aufgabe im Team"), 200, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda user: f"{user.full_name} ({user.organisation})"
        self.fields["user"].error_messages["required"] = _("Bitte wählen Sie eine Person aus.")


class SectionForm(KernForm):
    title_de = text_field(_("Überschrift (Deutsch)"), 200)
    title_en = text_field(_("Überschrift (Englisch)"), 200, required=False)


class IntroForm(KernForm):
    intro_de = text_field(_("Einleitung (Deutsch)"), 2000, required=False, rows=4)
    intro_en = text_field(_("Einleitung (Englisch)"), 2000, required=False, rows=4)


class BankItemForm(KernForm):
    key = forms.ChoiceField(label=_("Frage aus dem Fragenkatalog"))
    section = forms.ModelChoiceField(label=_("Auf der Seite"), queryset=None, empty_label=_("Bitte auswählen"))

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        present = set(questionnaire.questions.values_list("code", flat=True))
        self.fields["key"].choices = [("", _("Bitte auswählen"))] + [
            (item["key"], f"{item['key']}: {item['text'][0][:90]}")
            for item in bank.items()
            if item["key"] not in present
        ]
        self.fields["section"].queryset = questionnaire.sections.order_by("position", "pk")
        self.fields["section"].label_from_instance = lambda section: str(section)
        self.fields["key"].error_messages["required"] = _("Bitte wählen Sie eine Frage aus.")
        self.fields["section"].error_messages["required"] = _("Bitte wählen Sie eine Seite aus.")


LINE_HELP = _(
    "Eine Zeile je Eintrag: Wert | Deutsch | Englisch, zum Beispiel »1 | sehr sicher | very safe«. "
    "Mit »| fehlend« am Ende zählt die Antwort in der Auswertung als fehlend (»weiß nicht«), "
    "mit »| exklusiv« schließt sie bei Mehrfachauswahl die anderen aus."
)


def parse_lines(text: str, *, flags: bool) -> tuple[list[dict], str | None]:
    """»Wert | Deutsch | Englisch [| fehlend] [| exklusiv]« per line → dicts, or a German message naming the line."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            return [], str(_("Zeile %(line)d: Bitte geben Sie Wert und deutschen Text an, getrennt durch »|«.")) % {
                "line": number
            }
        if not re.match(r"^[A-Za-z0-9_+\-]{1,20}$", parts[0]):
            return [], str(_("Zeile %(line)d: Ein Wert besteht aus 1 bis 20 Buchstaben, Ziffern, _, + oder -.")) % {
                "line": number
            }
        extra = [part.lower() for part in parts[3:] if part]
        if extra and (not flags or set(extra) - {"fehlend", "exklusiv"}):
            return [], str(_("Zeile %(line)d: Unbekannter Zusatz. Erlaubt sind »fehlend« und »exklusiv«.")) % {
                "line": number
            }
        items.append(
            {
                "code": parts[0],
                "label": {"de": parts[1][:300], "en": (parts[2] if len(parts) > 2 else "")[:300]},
                "is_missing": "fehlend" in extra,
                "exclusive": "exklusiv" in extra,
            }
        )
    if len(items) > 60:
        return [], str(_("Höchstens 60 Einträge."))
    return items, None


def format_lines(items, *, flags: bool) -> str:
    lines = []
    for item in items:
        parts = [item.code, item.label.get("de", ""), item.label.get("en", "")]
        if flags and getattr(item, "is_missing", False):
            parts.append("fehlend")
        if flags and getattr(item, "exclusive", False):
            parts.append("exklusiv")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class QuestionForm(KernForm):
    section = forms.ModelChoiceField(label=_("Seite"), queryset=None, empty_label=_("Bitte auswählen"))
    type = forms.ChoiceField(label=_("Fragetyp"), choices=QuestionType.choices)
    code = forms.CharField(
        label=_("Variablenname"),
        max_length=40,
        help_text=_("Kleinbuchstaben, Ziffern und _, zum Beispiel »sicher_park«. Er erscheint in Export und Bericht."),
    )
    text_de = text_field(_("Fragetext (Deutsch)"), 1000, rows=3)
    text_en = text_field(_("Fragetext (Englisch)"), 1000, rows=3, required=False)
    help_de = text_field(_("Hinweis (Deutsch)"), 500, required=False)
    help_en = text_field(_("Hinweis (Englisch)"), 500, required=False)
    required = forms.BooleanField(label=_("Pflichtfrage"), required=False)
    options = forms.CharField(
        label=_("Antwortmöglichkeiten, Skala der Matrix oder benannte Orte"),
        required=False,
        max_length=12000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=LINE_HELP,
    )
    rows = forms.CharField(
        label=_("Zeilen der Bewertungsmatrix"),
        required=False,
        max_length=12000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Nur bei der Bewertungsmatrix. Eine Zeile je Aussage: Kürzel | Deutsch | Englisch."),
    )
    min_value = _integer(_("Kleinster Wert"), help_text=_("Nur bei Zahl."))
    max_value = _integer(_("Größter Wert"), help_text=_("Nur bei Zahl."))
    max_length = _integer(_("Höchstens Zeichen"), help_text=_("Nur bei Freitext (1 bis 2000)."), low=1, high=2000)
    allow_point = forms.BooleanField(label=_("Angstort: auch einen Punkt auf der Karte erlauben"), required=False)
    weighting_role = forms.ChoiceField(
        label=_("Rolle in der Gewichtung"), choices=WeightingRole.choices, required=False
    )
    condition_source = forms.ChoiceField(
        label=_("Bedingung: nur zeigen, wenn die Frage …"),
        required=False,
        help_text=_("Eine Auswahlfrage auf einer früheren Seite. Leer: die Frage wird immer gezeigt."),
    )
    condition_values = forms.CharField(
        label=_("… mit einem dieser Werte beantwortet wurde"),
        required=False,
        max_length=500,
        help_text=_("Werte durch Komma getrennt, zum Beispiel »1, 2«."),
    )

    def __init__(self, *args, questionnaire, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.order_by("position", "pk")
        self.fields["section"].label_from_instance = lambda section: str(section)
        self.fields["section"].error_messages["required"] = _("Bitte wählen Sie eine Seite aus.")
        sources = questionnaire.questions.filter(
            type__in=[QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.PLACE]
        ).select_related("section")
        if question is not None:
            sources = sources.exclude(pk=question.pk)
        self.fields["condition_source"].choices = [("", _("keine Bedingung"))] + [
            (q.code, f"{q.code}: {q.text.get('de', '')[:70]}") for q in sources
        ]

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean(self):
        data = super().clean()
        for name, flags in (("options", True), ("rows", False)):
            items, problem = parse_lines(data.get(name) or "", flags=flags)
            if problem:
                self.add_error(name, problem)
            data[f"{name}_items"] = items
        values = [v.strip() for v in (data.get("condition_values") or "").split(",") if v.strip()]
        data["condition_codes"] = values
        if data.get("condition_source") and not values:
            self.add_error("condition_values", _("Bitte geben Sie mindestens einen Wert an."))
        kind = data.get("type")
        if (
            kind in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATRIX)
            and len(data.get("options_items") or []) < 2
            and "options" not in self.errors
        ):
            self.add_error("options", _("Bitte geben Sie mindestens zwei Antwortmöglichkeiten an."))
        if kind == QuestionType.MATRIX and not data.get("rows_items") and "rows" not in self.errors:
            self.add_error("rows", _("Bitte geben Sie mindestens eine Zeile an."))
        return data


class CodesForm(KernForm):
    stratum = text_field(
        _("Schicht"),
        100,
        required=False,
        help_text=_("Zum Beispiel der Ortsteil oder die Altersgruppe der Stichprobe; leer: ohne Schicht."),
    )
    count = _integer(_("Anzahl der Zugangscodes"), required=True, low=1, high=20_000)


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Ihr Zugangscode"),
        max_length=40,
        help_text=_("Sie finden ihn in unserem Brief, zum Beispiel ABCD-EFGH-JKMN."),
        error_messages={"required": _("Bitte geben Sie Ihren Zugangscode ein."), "max_length": MAX_LENGTH},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
