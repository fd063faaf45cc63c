"""Where a `next` parameter may send a person: the one check every view that reads one uses."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_local_path(target: str) -> bool:
    """An absolute path on this site (`/…`) and nothing else.

    Relative strings (`kein-pfad`) would be treated as view names by `redirect()`; scheme-relative ones (`//host`,
    `/\\host`) leave the site; control characters (NUL, line breaks) have no place in a path and break headers.
    """
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return False
    return url_has_allowed_host_and_scheme(target, allowed_hosts=None)


def next_path(request: HttpRequest, default: str = "") -> str:
    """The request's `next` (form field before query string) when it is a local path, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_local_path(target) else default
