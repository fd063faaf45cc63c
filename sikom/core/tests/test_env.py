import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sikom import env


def test_boolean_accepts_only_true_and_false(monkeypatch):
    monkeypatch.setenv("SIKOM_FLAG", "true")
    assert env.boolean("SIKOM_FLAG", False) is True
    monkeypatch.setenv("SIKOM_FLAG", "false")
    assert env.boolean("SIKOM_FLAG", True) is False
    for bad in ["1", "yes", "True", "on"]:
        monkeypatch.setenv("SIKOM_FLAG", bad)
        with pytest.raises(ImproperlyConfigured, match="SIKOM_FLAG"):
            env.boolean("SIKOM_FLAG", False)


def test_unset_values_fall_back_to_the_safe_default(monkeypatch):
    monkeypatch.delenv("SIKOM_FLAG", raising=False)
    assert env.boolean("SIKOM_FLAG", False) is False
    assert env.integer("SIKOM_NUMBER", 7) == 7
    assert env.string_list("SIKOM_LIST", ["a"]) == ["a"]


def test_required_string_without_value_stops_the_start(monkeypatch):
    monkeypatch.delenv("SIKOM_SECRET", raising=False)
    monkeypatch.delenv("SIKOM_SECRET_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SIKOM_SECRET must be set"):
        env.string("SIKOM_SECRET")


def test_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("SIKOM_SECRET", raising=False)
    monkeypatch.setenv("SIKOM_SECRET_FILE", str(secret))
    assert env.string("SIKOM_SECRET") == "s3cret"


def test_unreadable_secret_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.delenv("SIKOM_SECRET", raising=False)
    monkeypatch.setenv("SIKOM_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.string("SIKOM_SECRET")


def test_integer_and_list_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("SIKOM_NUMBER", "12a")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.integer("SIKOM_NUMBER", 1)
    monkeypatch.setenv("SIKOM_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.integer("SIKOM_NUMBER", 1, minimum=1)
    monkeypatch.setenv("SIKOM_NUMBER", "400")
    with pytest.raises(ImproperlyConfigured, match="at most 365"):
        env.integer("SIKOM_NUMBER", 1, maximum=365)
    monkeypatch.setenv("SIKOM_LIST", "a,,b")
    with pytest.raises(ImproperlyConfigured, match="empty entries"):
        env.string_list("SIKOM_LIST", [])
    monkeypatch.setenv("SIKOM_LIST", "a, b")
    assert env.string_list("SIKOM_LIST", []) == ["a", "b"]


def test_production_defaults_are_safe():
    """What the settings module chooses when only SECRET_KEY is given (as in a fresh production start)."""
    import subprocess
    import sys

    code = (
        "import django; from django.conf import settings as s; django.setup();"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.X_FRAME_OPTIONS, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"SECRET_KEY": "x", "ENCRYPTION_KEYS": "x", "DJANGO_SETTINGS_MODULE": "sikom.settings", "PATH": ""},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "DENY", "True"]


def test_missing_encryption_keys_stop_the_start():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "sikom.settings", "PATH": ""},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "ENCRYPTION_KEYS" in result.stderr


def test_malformed_encryption_key_fails_the_system_check(settings):
    from django.core import checks

    settings.ENCRYPTION_KEYS = ["too-short"]
    errors = [e for e in checks.run_checks(tags=[checks.Tags.security]) if e.id == "sikom.E001"]
    assert errors
