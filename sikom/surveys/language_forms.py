"""Forms of the language pages of the questionnaire editor (decision 0046)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sikom.core.forms import text_field, version_field
from sikom.surveys import languages
from sikom.surveys.forms import KernForm


class AddLanguageForm(KernForm):
    language = forms.ChoiceField(label=_("Sprache"), choices=())

    def __init__(self, *args, present: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Bitte auswählen"))] + [
            (group, [(code, label) for code, label in entries if code not in present])
            for group, entries in languages.choices()
        ]
        self.fields["language"].error_messages["required"] = _("Bitte wählen Sie eine Sprache aus.")


class TranslationForm(KernForm):
    """One field per text of the questionnaire that has a German version; the German text is shown beside it (in
    the template), the field holds the translation. Fields are made from the questionnaire's own rows only, so a
    posted name of another questionnaire's text is not read at all."""

    version = version_field()

    def __init__(self, *args, groups: list[languages.Group], code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.code = code
        for group in groups:
            for slot in group.slots:
                label = f"{slot.kind} {slot.context}".strip()
                field = text_field(label, languages.limit(slot.key), required=False, rows=3 if slot.long else 0)
                # The German text above the field describes it (id in the template).
                field.widget.attrs.update(
                    {
                        "lang": code,
                        "dir": "rtl" if languages.is_rtl(code) else "ltr",
                        "aria-describedby": f"quelle-{slot.key}",
                    }
                )
                field.initial = slot.text(code)
                self.fields[slot.key] = field

    def rows(self):
        """(group title, [(slot, bound field)]) for the template."""
        return [(group.title, [(slot, self[slot.key]) for slot in group.slots]) for group in self.groups]

    def texts(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if key != "version"}
