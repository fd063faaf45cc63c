"""iCalendar (RFC 5545) with the `icalendar` library: one session as an e-mail attachment, and the public feed."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from sikom.events.models import Session

PRODID = "-//sikom//Veranstaltungen//DE"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _uid(session: Session) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "sikom"
    return f"session-{session.pk}@{host}"


def _vevent(session: Session, *, with_access: bool) -> VEvent:
    """`with_access`: the online link, only in a confirmed participant's own calendar entry."""
    event = session.event
    entry = VEvent()
    entry.add("uid", _uid(session))
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", session.starts_at)
    entry.add("dtend", session.ends_at)
    entry.add("summary", event.title)
    url = settings.SITE_URL.rstrip("/") + reverse("events:detail", args=[event.pk])
    entry.add("url", url)
    description = [event.summary, "", _("Veranstalter: %(name)s") % {"name": event.organiser}, url]
    if session.is_online:
        location = session.online_url if with_access else _("Online (Zugang nach bestätigter Anmeldung)")
        if with_access:
            description += ["", _("Online-Zugang: %(url)s") % {"url": session.online_url}]
    else:
        location = session.place_text()
    entry.add("location", location)
    entry.add("description", "\n".join(description))
    entry.add("status", "CONFIRMED")
    entry.add("transp", "OPAQUE")
    return entry


def session_ics(session: Session, *, with_access: bool) -> bytes:
    calendar = _calendar(session.event.title)
    calendar.add_component(_vevent(session, with_access=with_access))
    return calendar.to_ical()


def feed_ics(sessions: Iterable[Session]) -> bytes:
    calendar = _calendar(_("Veranstaltungen – Sichere Kommunen"))
    for session in sessions:
        calendar.add_component(_vevent(session, with_access=False))
    return calendar.to_ical()
