"""Forms of the funding procedure. Amounts are text fields read by ``money.parse_money`` (German notation), never a
browser number field (which would send floats and refuse »1.234,56«)."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sikom.core.forms import CHOICE_ERRORS, MAX_LENGTH, REQUIRED, date_field, text_field
from sikom.funding import rules
from sikom.funding.models import (
    BECCARIA_STEPS,
    Call,
    CallBudget,
    CostCategory,
    OwnFundKind,
    RequiredAttachment,
    ReviewCriterion,
    StaffCostCap,
)
from sikom.funding.money import format_money, parse_money
from sikom.funding.services import PlanInput

MAX_LINES = 40
YEAR_ERRORS = {
    "required": REQUIRED,
    "invalid": _("Bitte geben Sie ein Jahr mit vier Ziffern ein, zum Beispiel 2027."),
    "min_value": _("Bitte geben Sie ein Jahr ab 2000 ein."),
    "max_value": _("Bitte geben Sie ein Jahr bis 2100 ein."),
}


class MoneyField(forms.Field):
    """An amount in euros as people type it (»1.234,56«), as a Decimal with two places."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"required": REQUIRED}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_money(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_money(value)
        return value


class PercentField(MoneyField):
    """A percentage 0 … 100 with up to two places (»90« or »12,5«)."""

    def to_python(self, value):
        amount = super().to_python(value)
        if amount is not None and amount > 100:
            raise ValidationError(_("Bitte geben Sie einen Prozentsatz von 0 bis 100 ein."))
        return amount

    def prepare_value(self, value):
        return super().prepare_value(value).replace(",00", "") if isinstance(value, Decimal) else value


def _german(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        field.error_messages.setdefault("required", REQUIRED)
        field.error_messages["required"] = REQUIRED
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = MAX_LENGTH
        if isinstance(field, forms.TypedChoiceField | forms.ChoiceField | forms.ModelChoiceField):
            field.error_messages.update(CHOICE_ERRORS)


# Calls (staff)


class CallForm(forms.ModelForm):
    max_funding_rate = PercentField(label=_("Höchster Fördersatz (%)"))
    min_own_share = PercentField(label=_("Mindest-Eigenanteil (%)"))
    deviation_threshold = PercentField(
        label=_("Abweichung im Verwendungsnachweis, ab der eine Begründung nötig ist (%)")
    )
    small_project_threshold = MoneyField(
        label=_("Grenze für Kleinprojekte (€)"),
        help_text=_("Bis zu diesem Förderbetrag wird nur nach Ausgabe erstattet (0 = keine Grenze)."),
    )
    in_kind_hourly_rate = MoneyField(
        label=_("Wert einer Stunde eigener Personalleistung (€)"),
        help_text=_("0 = Personalleistungen werden nicht als Eigenanteil anerkannt."),
    )
    opens_on = date_field(_("Anträge ab"))
    closes_on = date_field(_("Anträge bis"))
    period_start = date_field(_("Projekte frühestens ab"))
    period_end = date_field(_("Projekte spätestens bis"))

    class Meta:
        model = Call
        fields = [
            "title",
            "year",
            "summary",
            "opens_on",
            "closes_on",
            "period_start",
            "period_end",
            "max_funding_rate",
            "min_own_share",
            "consultation_required",
            "fixed_amount_allowed",
            "small_project_threshold",
            "in_kind_hourly_rate",
            "in_kind_rules",
            "deviation_threshold",
            "second_reviewer",
            "rules_source",
            "letter_template",
            "is_demo",
            "is_published",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "in_kind_rules": forms.Textarea(attrs={"rows": 3}),
            "rules_source": forms.Textarea(attrs={"rows": 2}),
            "letter_template": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {"year": YEAR_ERRORS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german(self)
        self.fields["year"].error_messages.update(YEAR_ERRORS)

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Das Ende des Antragszeitraums liegt vor seinem Beginn."))
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("Das Ende des Förderzeitraums liegt vor seinem Beginn."))
        return data


class BudgetForm(forms.ModelForm):
    amount = MoneyField(label=_("Mittel (€)"))

    class Meta:
        model = CallBudget
        fields = ["year", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german(self)
        self.fields["year"].error_messages.update(YEAR_ERRORS)


class CapForm(forms.ModelForm):
    max_per_year = MoneyField(label=_("Höchstbetrag je Jahr (€)"))

    class Meta:
        model = StaffCostCap
        fields = ["pay_grade", "max_per_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german(self)


class _GermanModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german(self)


class _UniqueErrors(forms.BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        return _("Dieser Eintrag steht doppelt in der Liste.")


def _inline(model, form, fields, extra=2):
    return forms.inlineformset_factory(
        Call,
        model,
        form=form,
        formset=_UniqueErrors,
        fields=fields,
        extra=extra,
        can_delete=True,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
    )


BudgetFormSet = _inline(CallBudget, BudgetForm, ["year", "amount"])
CategoryFormSet = _inline(CostCategory, _GermanModelForm, ["name", "eligible", "is_staff", "note"], extra=3)
CapFormSet = _inline(StaffCostCap, CapForm, ["pay_grade", "max_per_year"])
AttachmentFormSet = _inline(RequiredAttachment, _GermanModelForm, ["name", "description"])
CriterionFormSet = _inline(ReviewCriterion, _GermanModelForm, ["name", "weight", "max_points"], extra=3)

CALL_FORMSETS = (
    ("budgets", BudgetFormSet, _("Mittel je Haushaltsjahr")),
    ("categories", CategoryFormSet, _("Kostenarten")),
    ("caps", CapFormSet, _("Personalkosten-Höchstbeträge je Entgeltgruppe")),
    ("attachments", AttachmentFormSet, _("Pflichtanlagen")),
    ("criteria", CriterionFormSet, _("Bewertungskriterien")),
)


# Applications (municipality)


class ApplicationForm(forms.Form):
    # A draft may leave most fields empty, submission needs them: no »optional« marks (the page says so).
    is_filter = True
    applicant = text_field(_("Antragsteller (Gemeinde, Stelle)"), 200)
    title = text_field(_("Projekttitel"), 200)
    starts_on = date_field(_("Projektbeginn"))
    ends_on = date_field(_("Projektende"))
    target_groups = text_field(_("Zielgruppen"), 2000, rows=3, required=False)
    step_1 = text_field(BECCARIA_STEPS[1], 10000, rows=4, required=False)
    step_2 = text_field(BECCARIA_STEPS[2], 10000, rows=4, required=False)
    step_3 = text_field(BECCARIA_STEPS[3], 10000, rows=4, required=False)
    step_4 = text_field(BECCARIA_STEPS[4], 10000, rows=4, required=False)
    step_5 = text_field(BECCARIA_STEPS[5], 10000, rows=4, required=False)
    consultation = forms.TypedChoiceField(
        label=_("Beratung aus den Beratungsprotokollen des ASSKomm-Teams"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages=CHOICE_ERRORS,
        help_text=_("Ist die Beratung dort erfasst, genügt die Auswahl; sonst Datum und Thema angeben."),
    )
    consultation_date = date_field(_("Datum der Beratung durch den Landespräventionsrat"), required=False)
    consultation_topic = text_field(_("Thema der Beratung"), 300, required=False)
    fixed_amount = forms.BooleanField(label=_("Wir beantragen eine Festbetragsfinanzierung."), required=False)
    requested = MoneyField(label=_("Beantragte Förderung (€)"), required=False)
    declaration_truthful = forms.BooleanField(
        label=_("Wir versichern, dass die Angaben vollständig und richtig sind."), required=False
    )
    declaration_not_started = forms.BooleanField(
        label=_("Das Projekt hat noch nicht begonnen (kein vorzeitiger Maßnahmebeginn)."), required=False
    )

    def __init__(self, *args, call: Call, attachments: dict | None = None, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        # The consultation records of the applicant's municipality (the consultations app's visibility).
        self.consultations = {c.pk: c for c in consultations}
        self.fields["consultation"].choices = [("", _("keine ausgewählt"))] + [
            (c.pk, f"{c.date:%d.%m.%Y}: {', '.join(o.title for o in c.offers.all())}"[:200]) for c in consultations
        ]
        self.uploaded = attachments or {}  # required attachment pk: stored Attachment
        if not call.fixed_amount_allowed:
            del self.fields["fixed_amount"]
        for required in call.required_attachments.all():
            done = self.uploaded.get(required.pk)
            self.fields[f"attachment_{required.pk}"] = forms.FileField(
                label=_("Anlage: %(name)s") % {"name": required.name},
                required=False,
                help_text=(
                    _("Vorhanden: %(file)s. Eine neue Datei ersetzt sie.") % {"file": done.original_name}
                    if done
                    else required.description or _("PDF, PNG oder JPEG, höchstens 10 MB.")
                ),
                error_messages={"invalid": _("Bitte wählen Sie eine Datei aus."), "empty": _("Die Datei ist leer.")},
            )

    def clean_consultation(self):
        pk = self.cleaned_data.get("consultation")
        return self.consultations.get(pk) if pk is not None else None

    def clean_requested(self):
        return self.cleaned_data.get("requested") or Decimal("0.00")

    def clean(self):
        from sikom.funding import files

        data = super().clean()
        for name in self.fields:
            if name.startswith("attachment_") and data.get(name):
                try:
                    files.check(data[name])
                except files.FileRejected as error:
                    self.add_error(name, error.message)
        return data

    def uploads(self) -> dict[int, object]:
        return {
            int(name.removeprefix("attachment_")): upload
            for name, upload in self.cleaned_data.items()
            if name.startswith("attachment_") and upload
        }


class CostLineForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Kostenart"), coerce=int)
    year = forms.IntegerField(label=_("Jahr"), min_value=2000, max_value=2100, error_messages=YEAR_ERRORS)
    description = text_field(_("Beschreibung"), 300)
    pay_grade = text_field(_("Entgeltgruppe (bei Personalkosten)"), 20, required=False)
    amount = MoneyField(label=_("Betrag (€)"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Bitte auswählen"))] + [
            (c.pk, c.name if c.eligible else _("%(name)s (nicht förderfähig)") % {"name": c.name}) for c in categories
        ]
        _german(self)


class OwnFundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=[("", _("Bitte auswählen")), *OwnFundKind.choices])
    description = text_field(_("Beschreibung"), 300)
    hours = forms.DecimalField(
        label=_("Stunden (bei Personalleistung)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": _("Bitte geben Sie die Stunden als Zahl ein, zum Beispiel 120 oder 12,5."),
            "min_value": _("Bitte geben Sie keine negative Stundenzahl ein."),
            "max_digits": _("Bitte geben Sie höchstens 999.999 Stunden ein."),
            "max_decimal_places": _("Bitte geben Sie höchstens zwei Nachkommastellen an."),
            "max_whole_digits": _("Bitte geben Sie höchstens 999.999 Stunden ein."),
        },
    )
    amount = MoneyField(label=_("Wert (€, bei Geld und Sachleistung)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german(self)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == OwnFundKind.STAFF_TIME and data.get("hours") in (None, ""):
            self.add_error("hours", _("Bitte geben Sie die Stunden der eigenen Personalleistung an."))
        if kind in {OwnFundKind.MONEY, OwnFundKind.GOODS} and data.get("amount") is None:
            self.add_error("amount", _("Bitte geben Sie den Wert in Euro an."))
        return data


class ThirdPartyForm(forms.Form):
    source = text_field(_("Geldgeber"), 300)
    amount = MoneyField(label=_("Betrag (€)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _german(self)


class _Lines(forms.BaseFormSet):
    def filled(self) -> list[forms.Form]:
        return [form for form in self.forms if form.has_changed() and not self._should_delete_form(form)]


def _formset(form, extra):
    return forms.formset_factory(
        form, formset=_Lines, extra=extra, max_num=MAX_LINES, absolute_max=MAX_LINES, validate_max=True
    )


LINES_PREFIX, OWN_PREFIX, THIRD_PREFIX = "kosten", "eigen", "dritte"


def plan_forms(call: Call, data=None, application=None):
    """The three formsets of the cost and finance plan, filled from the application when there is no POST."""
    categories = list(call.categories.all())
    lines_initial = own_initial = third_initial = None
    if application is not None and data is None:
        lines_initial = [
            {
                "category": line.category_id,
                "year": line.year,
                "description": line.description,
                "pay_grade": line.pay_grade,
                "amount": line.amount,
            }
            for line in application.cost_lines.all()
        ]
        own_initial = [
            {"kind": o.kind, "description": o.description, "hours": o.hours, "amount": o.amount}
            for o in application.own_funds.all()
        ]
        third_initial = [{"source": t.source, "amount": t.amount} for t in application.third_party_funds.all()]
    lines = _formset(CostLineForm, 3)(
        data, prefix=LINES_PREFIX, initial=lines_initial, form_kwargs={"categories": categories}
    )
    own = _formset(OwnFundForm, 2)(data, prefix=OWN_PREFIX, initial=own_initial)
    third = _formset(ThirdPartyForm, 1)(data, prefix=THIRD_PREFIX, initial=third_initial)
    return lines, own, third


def plan_input(call: Call, lines, own, third) -> PlanInput:
    categories = {c.pk: c for c in call.categories.all()}
    return PlanInput(
        lines=[form.cleaned_data | {"category": categories[form.cleaned_data["category"]]} for form in lines.filled()],
        own=[form.cleaned_data for form in own.filled()],
        third_party=[form.cleaned_data for form in third.filled()],
    )


def check_categories(call: Call, lines) -> bool:
    """A forged category (not the call's) is reported at its field."""
    known = set(call.categories.values_list("pk", flat=True))
    good = True
    for form in lines.filled():
        if form.cleaned_data.get("category") not in known:
            form.add_error("category", _("Diese Kostenart gibt es in diesem Aufruf nicht."))
            good = False
    return good


def show_violations(violations: list[rules.Violation], form, lines, own, third) -> list[str]:
    """Put each violation at its field; what has no field (the plan as a whole) is returned for the page's summary."""
    rest: list[str] = []
    filled = {"line": lines.filled(), "own": own.filled()}
    for violation in violations:
        parts = violation.field.split(":")
        if parts[0] in filled and len(parts) == 3:
            index, name = int(parts[1]), parts[2]
            target = filled[parts[0]][index]
            if name in target.fields:
                target.add_error(name, violation.message)
                continue
        elif parts == ["own"] or parts == ["lines"]:
            (own if parts[0] == "own" else lines).non_form_errors().append(violation.message)
            continue
        elif parts[0] == "attachment" and f"attachment_{parts[1]}" in form.fields:
            form.add_error(f"attachment_{parts[1]}", violation.message)
            continue
        elif parts[0] == "declarations" and "declaration_truthful" in form.fields:
            form.add_error("declaration_truthful", violation.message)
            continue
        elif parts[0] in form.fields:
            form.add_error(parts[0], violation.message)
            continue
        rest.append(violation.message)
    return rest


# Staff steps


class ReasonForm(forms.Form):
    reason = text_field(_("Begründung"), 2000, rows=3)


class QueryForm(forms.Form):
    text = text_field(_("Rückfrage an den Antragsteller"), 4000, rows=4)
    deadline = date_field(_("Antwort bis"))

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        from django.utils import timezone

        if deadline < timezone.localdate():
            raise ValidationError(_("Die Frist darf nicht in der Vergangenheit liegen."))
        return deadline


class AnswerForm(forms.Form):
    answer = text_field(_("Ihre Antwort auf die Rückfrage"), 4000, rows=4)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Entscheidung"),
        widget=forms.RadioSelect,
        choices=[
            ("approved", _("bewilligt in voller Höhe")),
            ("partly_approved", _("teilweise bewilligt")),
            ("rejected", _("abgelehnt")),
        ],
        error_messages=CHOICE_ERRORS,
    )
    amount = MoneyField(label=_("Bewilligter Betrag (€)"), required=False)
    conditions = text_field(_("Auflagen"), 4000, rows=3, required=False)
    reasons = text_field(_("Begründung"), 4000, rows=3, required=False)

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome in {"approved", "partly_approved"} and data.get("amount") is None:
            self.add_error("amount", _("Bitte geben Sie den bewilligten Betrag an."))
        if outcome == "rejected" and not data.get("reasons"):
            self.add_error("reasons", _("Bitte begründen Sie die Ablehnung."))
        return data


def review_form_class(call: Call):
    fields = {}
    for criterion in call.criteria.all():
        fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
            label=_("%(name)s (Gewichtung %(weight)d)") % {"name": criterion.name, "weight": criterion.weight},
            coerce=int,
            choices=[("", _("Bitte auswählen"))] + [(n, str(n)) for n in range(criterion.max_points + 1)],
            error_messages=CHOICE_ERRORS | {"required": _("Bitte vergeben Sie Punkte.")},
        )
    fields["recommendation"] = text_field(_("Empfehlung"), 4000, rows=3, required=False)
    return type("ReviewForm", (forms.Form,), fields)


class PaymentForm(forms.Form):
    year = forms.IntegerField(label=_("Haushaltsjahr"), min_value=2000, max_value=2100, error_messages=YEAR_ERRORS)
    amount = MoneyField(label=_("Betrag (€)"))
    expenditure = text_field(_("Ausgaben, die der Abruf deckt"), 4000, rows=3)
    already_spent = forms.BooleanField(
        label=_("Die genannten Ausgaben sind bereits getätigt (Erstattung)."), required=False
    )


def default_dates(call: Call) -> dict[str, date]:
    return {"starts_on": call.period_start, "ends_on": call.period_end}


def proof_form_class(application):
    """The proof of use: the report on Beccaria steps 6 and 7 and, per planned cost line, the actual costs and a
    reason where they deviate."""
    fields = {
        "evaluation": text_field(BECCARIA_STEPS[6], 10000, rows=4),
        "conclusions": text_field(BECCARIA_STEPS[7], 10000, rows=4),
    }
    for line in application.cost_lines.select_related("category"):
        label = f"{line.category.name}: {line.description} ({line.year}, {format_money(line.amount)} €)"
        fields[f"actual_{line.pk}"] = MoneyField(label=_("Tatsächliche Kosten – %(line)s") % {"line": label})
        fields[f"reason_{line.pk}"] = text_field(
            _("Begründung der Abweichung – %(line)s") % {"line": label}, 2000, rows=2, required=False
        )
    return type("ProofForm", (forms.Form,), fields | {"is_filter": True})


def proof_actuals(form) -> dict[int, tuple[Decimal, str]]:
    data = form.cleaned_data
    return {
        int(name.removeprefix("actual_")): (value, data.get(f"reason_{name.removeprefix('actual_')}", ""))
        for name, value in data.items()
        if name.startswith("actual_")
    }


class CloseProofForm(forms.Form):
    final_amount = MoneyField(label=_("Endgültige Förderung (€)"))


class AssignForm(forms.Form):
    """A reviewer by their e-mail address: any staff member with a second factor (ASSKomm or another office)."""

    email = forms.EmailField(
        label=_("Gutachter:in (E-Mail-Adresse)"),
        max_length=254,
        error_messages={"required": REQUIRED, "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )

    def clean_email(self):
        from sikom.accounts.models import User

        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None or not user.must_use_two_factor:
            raise ValidationError(_("Unter dieser Adresse gibt es kein Konto einer Stelle mit zweitem Faktor."))
        return user


class InstalmentForm(forms.Form):
    due_on = date_field(_("Fällig am"))
    amount = MoneyField(label=_("Betrag (€)"))


INSTALMENTS_PREFIX = "raten"


def instalment_formset(data=None):
    """The optional payment plan of an approval (empty rows are ignored; a form sent without the plan's rows has
    no plan)."""
    if data is not None and f"{INSTALMENTS_PREFIX}-TOTAL_FORMS" not in data:
        data = {f"{INSTALMENTS_PREFIX}-TOTAL_FORMS": "0", f"{INSTALMENTS_PREFIX}-INITIAL_FORMS": "0"}
    return _formset(InstalmentForm, 4)(data, prefix=INSTALMENTS_PREFIX)


def instalments_of(formset) -> list:
    return [(form.cleaned_data["due_on"], form.cleaned_data["amount"]) for form in formset.filled()]
