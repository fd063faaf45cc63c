from django import template

register = template.Library()


@register.filter
def open_measures(measures) -> list:
    """The planned and running measures of a list (the case page shows only those)."""
    return [measure for measure in measures if measure.is_open]
