"""Labels of stored choice values."""

from django.db.models import Choices


def choice_label(choices: type[Choices], value):
    """The (translated) label of a stored value, or the value as given when it is no choice (an older or forged
    value is shown as it is, never looked up)."""
    return str(choices(value).label) if value in choices.values else value
