from django import template

from sikom.funding.money import format_money

register = template.Library()


@register.filter
def euro(amount) -> str:
    """»1.234,56 €«; empty for no amount."""
    return "" if amount is None or amount == "" else f"{format_money(amount)}\u00a0€"
