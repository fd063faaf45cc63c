from datetime import timedelta

from django.utils import timezone

from sikom import testing
from sikom.netrequests import services
from sikom.testing import verified


def request_data(*, days: int = 5, **fields) -> dict:
    event_at = (timezone.localtime() + timedelta(days=days)).replace(hour=18, minute=0, second=0, microsecond=0)
    return {
        "kind": "assembly",
        "event_at": event_at,
        "event_time_known": True,
        "place": "Marktplatz",
        "organiser": "Unbekannte Gruppe",
        "expected_participants": 150,
        "known_facts": "Aufruf zu einer Kundgebung in einem Messenger-Kanal.",
        "sources": "https://example.org/aufruf",
        "done_so_far": "Versammlungsbehörde informiert.",
        "needs": "Einschätzung und rechtliche Möglichkeiten.",
    } | fields


def municipality_member(ags: str):
    return verified(testing.make_user(organisation=testing.municipality_organisation(ags)))


def make_request(by=None, ags: str = "14628270", **fields):
    """A request filed through the service by a member of the municipality (Pirna by default)."""
    if by is None:
        by = municipality_member(ags)
    return services.file_request(by=by, data=request_data(**fields))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png_upload(name: str = "flyer.png", content: bytes = PNG):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")
