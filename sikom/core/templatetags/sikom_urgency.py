"""``{% urgency_badge event_at %}``: the days until an event as a KERN badge (`core.urgency`), one partial for every
list and page that shows it (the Expertennetzwerk requests and the case file's inbox)."""

from datetime import datetime

from django import template

from sikom.core.urgency import urgency

register = template.Library()


@register.inclusion_tag("core/partials/urgency_badge.html")
def urgency_badge(event_at: datetime | None) -> dict:
    return {"urgency": urgency(event_at) if event_at else None}
