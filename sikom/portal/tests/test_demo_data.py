import pytest
from django.core.management import CommandError, call_command

from sikom.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_logins_need_the_demo_setting_not_debug(settings):
    settings.DEBUG = True
    settings.SIKOM_DEMO = False
    with pytest.raises(CommandError, match="SIKOM_DEMO=true"):
        call_command("load_demo_data")
    assert not User.objects.filter(email__endswith="@demo.sikom.invalid").exists()


def test_the_demo_runs_without_debug(settings, capsys):
    settings.DEBUG = False
    settings.SIKOM_DEMO = True
    call_command("load_demo_data")
    assert User.objects.filter(email="zastex@demo.sikom.invalid").exists()
    assert "zastex@demo.sikom.invalid" in capsys.readouterr().out
