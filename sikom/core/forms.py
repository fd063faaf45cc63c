"""Forms render in the KERN design system: one renderer, one field template, used by every form."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

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
