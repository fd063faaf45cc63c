"""The lost-update check shared by the apps' edits."""

from types import SimpleNamespace

import pytest

from sikom.core.versions import EDIT_CONFLICT, EditConflict, check_version


def test_the_same_version_or_none_passes():
    check_version(SimpleNamespace(version=3), 3)
    check_version(SimpleNamespace(version=3), None)


def test_an_older_version_is_refused_with_the_german_message():
    with pytest.raises(EditConflict) as refused:
        check_version(SimpleNamespace(version=3), 2)
    assert str(refused.value) == str(EDIT_CONFLICT)


def test_the_caller_names_its_own_refusal():
    class Refused(Exception):
        pass

    with pytest.raises(Refused, match="von jemand anderem geändert"):
        check_version(SimpleNamespace(version=3), 2, conflict=Refused)
