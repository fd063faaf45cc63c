"""The lost-update check: an edit names the version it was based on; a newer version in the database refuses it.

Models that use it keep an integer `version` that every saved change raises by one; the form carries the version the
editor saw in a hidden field (`core.forms.version_field`)."""

from django.utils.translation import gettext_lazy as _

EDIT_CONFLICT = _(
    "Der Eintrag wurde inzwischen von jemand anderem geändert. Ihre Änderungen sind nicht gespeichert. Bitte öffnen "
    "Sie ihn neu und tragen Sie sie erneut ein."
)


class EditConflict(Exception):
    """The record was saved by someone else since the editor opened it."""


def check_version(current, expected_version: int | None, *, conflict: type[Exception] = EditConflict) -> None:
    """Refuse an edit based on an older version than `current` (read under `select_for_update`): raises `conflict`
    with the German message. `expected_version` None (no version sent) checks nothing."""
    if expected_version is not None and current.version != expected_version:
        raise conflict(str(EDIT_CONFLICT))
