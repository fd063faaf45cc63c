"""Forms render in the KERN design system: one renderer, one field template, used by every form. Below: the German
error messages and the field shapes (dates in German or ISO form, text with a length limit, the hidden version of
the lost-update check) the apps' forms share."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

REQUIRED = _("Bitte füllen Sie dieses Feld aus.")
INVALID_CHOICE = _("Diese Auswahl gibt es nicht. Bitte wählen Sie einen Eintrag aus der Liste.")
MAX_LENGTH = _("Bitte verwenden Sie höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d).")
INVALID_DATE = _("Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.12.2026.")
# For select, radio and model choice fields.
CHOICE_ERRORS = {
    "required": _("Bitte wählen Sie einen Eintrag aus."),
    "invalid_choice": INVALID_CHOICE,
    "invalid_pk_value": INVALID_CHOICE,
}
# ISO first: the browser's date picker sends it; typed German dates (31.12.2026) are read too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]

# The first, empty entry of a required select: a request to choose, not Django's »---------«.
EMPTY_CHOICE_LABEL = _("Bitte auswählen")

_WIDGET_CLASSES = {
    "checkbox": "kern-form-check__checkbox",
    "checkboxselectmultiple": "kern-form-check__checkbox",
    "radioselect": "kern-form-check__radio",
    "select": "kern-form-input__select",
    "selectmultiple": "kern-form-input__select",
}


class KernBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget_type = self.widget_type
        css = _WIDGET_CLASSES.get(widget_type, "kern-form-input__input")
        if self.errors:
            css = f"{css} {css}--error"
        attrs["class"] = f"{css} {attrs['class']}" if attrs.get("class") else css
        return attrs


class KernFormRenderer(DjangoTemplates):
    field_template_name = "core/forms/field.html"
    bound_field_class = KernBoundField


def date_field(label, *, required: bool = True, help_text="", error_messages=None, **kwargs) -> forms.DateField:
    """A date with the browser's date picker that also accepts a typed German date; German messages, which
    `error_messages` may override one by one."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": REQUIRED, "invalid": INVALID_DATE, **(error_messages or {})},
        **kwargs,
    )


def text_field(
    label, max_length: int, *, required: bool = True, rows: int = 0, help_text="", required_message=REQUIRED
) -> forms.CharField:
    """Text of at most `max_length` characters: one line, or a text area of `rows` rows; German messages."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"required": required_message, "max_length": MAX_LENGTH},
    )


def version_field(*, required: bool = False) -> forms.IntegerField:
    """The hidden version the editor saw, for the lost-update check (`core.versions.check_version`); bounded to
    the database's integers."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=required)
