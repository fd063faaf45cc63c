from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PHONE_CHARACTERS = set("+0123456789 -/()")


def clean_phone(value: str) -> str:
    """A phone number as people write it: digits, spaces and + - / ( ), at least five digits."""
    phone = value.strip()
    if phone and (not set(phone) <= _PHONE_CHARACTERS or sum(ch.isdigit() for ch in phone) < 5):
        raise ValidationError(_("Bitte geben Sie eine Telefonnummer nur mit Ziffern, Leerzeichen und + - / ( ) ein."))
    return phone
