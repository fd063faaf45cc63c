"""Urgency follows the day of an event: the days left, in words and as a badge level. An Expertennetzwerk request
shows it on every page that names it (its list, its page, the checklist) and in the case file's inbox; both render
it with the template tag ``{% urgency_badge event_at %}`` (`templatetags/sikom_urgency.py`), so it lives here, below
both apps."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

URGENT_DAYS = 3
SOON_DAYS = 10


@dataclass(frozen=True)
class Urgency:
    days: int
    text: str
    level: str  # KERN badge: danger, warning, info

    @property
    def is_past(self) -> bool:
        return self.days < 0


def urgency(event_at: datetime, today: date | None = None) -> Urgency:
    today = today or timezone.localdate()
    days = (timezone.localdate(event_at) - today).days
    if days < 0:
        text = ngettext("vor %(days)d Tag", "vor %(days)d Tagen", -days) % {"days": -days}
    elif days == 0:
        text = _("heute")
    elif days == 1:
        text = _("morgen")
    else:
        text = ngettext("in %(days)d Tag", "in %(days)d Tagen", days) % {"days": days}
    level = "info" if days < 0 or days > SOON_DAYS else ("danger" if days <= URGENT_DAYS else "warning")
    return Urgency(days=days, text=text, level=level)
