"""The shared field shapes: German and ISO dates, text with a limit, the hidden version; German messages."""

from datetime import date

from django import forms

from sikom.core.forms import INVALID_DATE, MAX_LENGTH, REQUIRED, date_field, text_field, version_field


class _Form(forms.Form):
    day = date_field("Tag")
    optional_day = date_field("Tag", required=False, error_messages={"invalid": "anders"})
    note = text_field("Notiz", 5, rows=3)
    version = version_field()


def test_dates_are_read_in_german_and_iso_form():
    for typed in ("2026-12-31", "31.12.2026"):
        form = _Form({"day": typed, "note": "kurz"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == date(2026, 12, 31)


def test_the_messages_are_german_and_can_be_overridden():
    form = _Form({"day": "", "optional_day": "morgen", "note": "zu lang", "version": str(2**31)})
    assert not form.is_valid()
    assert form.errors["day"] == [str(REQUIRED)]
    assert form.errors["optional_day"] == ["anders"]
    assert form.errors["note"] == [str(MAX_LENGTH) % {"limit_value": 5, "show_value": 7}]
    assert "version" in form.errors
    assert _Form({"day": "31.02.2026", "note": "x"}).errors["day"] == [str(INVALID_DATE)]


def test_a_text_area_has_its_rows_and_the_version_is_hidden():
    form = _Form()
    assert form.fields["note"].widget.attrs["rows"] == 3
    assert isinstance(form.fields["version"].widget, forms.HiddenInput)
