"""The weighting set-up form: one number field per category of each weighting variable (population in the
municipality), empty for a variable whose margin comes from the register or is not used."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sikom.surveys.models import WeightingRole, text_in

MAX_POPULATION = 10_000_000


def field_name(role: str, code: str) -> str:
    return f"m_{role}_{code}"


class WeightingForm(forms.Form):
    use_design_weights = forms.BooleanField(
        label=gettext_lazy("Designgewichte N_h/n_h der geschichteten Stichprobe verwenden"), required=False
    )

    def __init__(self, *args, roles: dict, initial_margins: dict, register: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.register = register
        self.groups = []
        for role in WeightingRole:
            question = roles.get(role.value)
            if not role.value or question is None:
                continue
            names = []
            for option in question.options.all():
                if option.is_missing:
                    continue
                name = field_name(role.value, option.code)
                hint = register.get(role.value, {}).get(option.code)
                self.fields[name] = forms.CharField(
                    label=text_in(option.label, "de"),
                    required=False,
                    max_length=12,
                    initial=_int(initial_margins.get(role.value, {}).get(option.code)),
                    help_text=_("aus dem Melderegister: %(n)s") % {"n": _int(hint)} if hint is not None else "",
                )
                self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
                names.append((option.code, name))
            self.groups.append((role.value, str(role.label), names))

    @property
    def bound_groups(self) -> list:
        return [(label, [self[name] for _code, name in names]) for _role, label, names in self.groups]

    def clean(self):
        data = super().clean()
        margins: dict[str, dict[str, float]] = {}
        sums: list[tuple[str, str, float]] = []
        for role, label, names in self.groups:
            raw = {code: (self.cleaned_data.get(name) or "").strip() for code, name in names}
            if not any(raw.values()):
                continue
            table: dict[str, float] = {}
            for code, name in names:
                value = raw[code]
                if value == "":
                    self.add_error(
                        name,
                        _(
                            "Bitte geben Sie für jede Kategorie von »%(variable)s« einen Wert an (0, wenn es niemanden gibt)."
                        )
                        % {"variable": label},
                    )
                    continue
                try:
                    number = int(value.replace(".", "").replace(" ", ""))
                except ValueError:
                    self.add_error(name, _("Bitte geben Sie eine ganze Zahl an."))
                    continue
                if number < 0:
                    self.add_error(name, _("Bitte geben Sie eine Zahl von mindestens 0 an."))
                    continue
                if number > MAX_POPULATION:
                    self.add_error(name, _("Diese Zahl ist für eine Gemeinde zu groß."))
                    continue
                table[code] = float(number)
            if len(table) == len(names):
                if sum(table.values()) <= 0:
                    self.add_error(
                        names[0][1], _("Die Summe der Werte von »%(variable)s« ist 0.") % {"variable": label}
                    )
                    continue
                margins[role] = table
                sums.append((label, names[0][1], sum(table.values())))
        for role, label, _names in self.groups:
            if role not in margins and self.register.get(role) and sums:
                # Not entered: the margin comes from the register and has to describe the same population.
                total = sum(self.register[role].values())
                for entered_label, name, entered_total in sums:
                    if entered_total != total:
                        self.add_error(
                            name,
                            _(
                                "Die Summe bei »%(variable)s« (%(total)s) weicht von der Summe aus dem Melderegister "
                                "bei »%(first)s« (%(first_total)s) ab; alle Randverteilungen müssen dieselbe "
                                "Bevölkerung beschreiben."
                            )
                            % {
                                "variable": entered_label,
                                "total": _int(entered_total),
                                "first": label,
                                "first_total": _int(total),
                            },
                        )
                break  # one register margin is enough to compare with
        if sums:
            first_label, _first_field, first_total = sums[0]
            for label, name, total in sums[1:]:
                if total != first_total:
                    self.add_error(
                        name,
                        _(
                            "Die Summe bei »%(variable)s« (%(total)s) weicht von der Summe bei »%(first)s« "
                            "(%(first_total)s) ab; alle Randverteilungen müssen dieselbe Bevölkerung beschreiben."
                        )
                        % {
                            "variable": label,
                            "total": _int(total),
                            "first": first_label,
                            "first_total": _int(first_total),
                        },
                    )
        data["margins"] = margins
        return data


def _int(value) -> str:
    if value is None:
        return ""
    return str(int(value))


class PdfForm(forms.Form):
    include_texts = forms.BooleanField(
        label=gettext_lazy("Freitextantworten in das PDF aufnehmen (nur für den internen Gebrauch)"), required=False
    )
