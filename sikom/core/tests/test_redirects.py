import pytest

from sikom.core.redirects import is_local_path


@pytest.mark.parametrize("target", ["/", "/faelle/", "/faelle/?seite=2&q=a%20b", "/melden/#fehler"])
def test_local_paths_are_accepted(target):
    assert is_local_path(target)


@pytest.mark.parametrize(
    "target",
    [
        "",
        "kein-pfad",
        "casefile:inbox",
        "abc\x00def",
        "/abc\x00def",
        "/a\r\nSet-Cookie: x=1",
        "<script>alert(1)</script>",
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\x7f",
    ],
)
def test_everything_else_is_refused(target):
    assert not is_local_path(target)
