"""`{% latest_news %}`: the newest published news items, for the start page (portal/home.html)."""

from django import template

from sikom.events.selectors import latest_news as _latest_news

register = template.Library()


@register.inclusion_tag("events/partials/news.html")
def latest_news(limit: int = 3) -> dict:
    return {"items": _latest_news(limit)}
