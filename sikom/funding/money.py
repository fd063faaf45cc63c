"""Money as people in Germany write it, and as the funding procedure computes it: Decimal with two places, never float.

``parse_money`` reads »1.234,56«, »1234,56«, »1234.56«, »1.234« (thousands dots) and »12,5«, with or without »€« and
spaces; it refuses negative amounts, more than two decimal places, malformed thousands groups and amounts beyond the
database column (12 digits before the comma), each with a German message that names the rule."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DIGITS = 14  # DecimalField(max_digits=14, decimal_places=2): up to 999.999.999.999,99 €
MAX_AMOUNT = Decimal("999999999999.99")

NEGATIVE = _("Bitte geben Sie keinen negativen Betrag ein.")
TOO_MANY_DECIMALS = _("Bitte geben Sie höchstens zwei Nachkommastellen (Cent) an.")
INVALID = _("Bitte geben Sie einen Betrag in Euro ein, zum Beispiel 1.234,56.")
TOO_LARGE = _("Der Betrag ist zu groß (höchstens 999.999.999.999,99 €).")

# German: thousands groups with dots, optional comma decimals; or plain digits with a comma or dot decimal.
_GERMAN_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_PLAIN_COMMA = re.compile(r"^\d+(,\d+)?$")
_PLAIN_DOT = re.compile(r"^\d+\.\d{1,2}$")
_DIGITS = re.compile(r"^\d+$")


def parse_money(value) -> Decimal:
    """The amount as a Decimal with exactly two places; ValidationError (German) for anything else."""
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        raise ValidationError(INVALID, code="invalid")
    text = text.replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "").strip()
    if text.startswith(("-", "−")):
        raise ValidationError(NEGATIVE, code="negative")
    if text.startswith("+"):
        text = text[1:]
    if _GERMAN_GROUPED.match(text) or _PLAIN_COMMA.match(text):
        whole, _sep, fraction = text.partition(",")
        whole = whole.replace(".", "")
    elif _PLAIN_DOT.match(text):
        # »12.50« as a browser or spreadsheet writes it: a dot before one or two digits is a decimal point.
        whole, _sep, fraction = text.partition(".")
    elif re.match(r"^\d+[.,]\d{3,}$", text) or re.match(r"^\d{1,3}(\.\d{3})+,\d{3,}$", text):
        raise ValidationError(TOO_MANY_DECIMALS, code="decimals")
    else:
        raise ValidationError(INVALID, code="invalid")
    if len(fraction) > 2:
        raise ValidationError(TOO_MANY_DECIMALS, code="decimals")
    if not _DIGITS.match(whole) or len(whole.lstrip("0")) > MAX_DIGITS - 2:
        raise ValidationError(TOO_LARGE if _DIGITS.match(whole) else INVALID, code="invalid")
    try:
        amount = Decimal(f"{whole}.{fraction or '0'}").quantize(CENT)
    except InvalidOperation as error:
        raise ValidationError(INVALID, code="invalid") from error
    if amount > MAX_AMOUNT:
        raise ValidationError(TOO_LARGE, code="too_large")
    return amount


def format_money(amount: Decimal | None) -> str:
    """»1.234,56« (no currency sign): how the forms show an amount again."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, fraction = f"{abs(amount):f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups)},{fraction}"


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole``, to two places (0 when the whole is 0)."""
    if not whole:
        return ZERO
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def share(amount: Decimal, rate: Decimal) -> Decimal:
    """``rate`` percent of ``amount``, rounded down to the cent (a limit is never exceeded by rounding)."""
    return (Decimal(amount) * Decimal(rate) / 100).quantize(CENT, rounding="ROUND_DOWN")


def split_by_weights(total: Decimal, weights: dict) -> dict:
    """``total`` split over the keys in proportion to the weights, to the cent, summing exactly to ``total``
    (largest remainder): for the per-year commitment of a multi-year approval."""
    keys = sorted(weights)
    weight_sum = sum(Decimal(weights[key]) for key in keys)
    if not keys:
        return {}
    if not weight_sum:
        equal = {key: Decimal(1) for key in keys}
        return split_by_weights(total, equal)
    cents = int((Decimal(total) * 100).to_integral_value())
    raw = {key: Decimal(cents) * Decimal(weights[key]) / weight_sum for key in keys}
    floors = {key: int(raw[key]) for key in keys}
    left = cents - sum(floors.values())
    for key in sorted(keys, key=lambda key: (raw[key] - floors[key], key), reverse=True)[:left]:
        floors[key] += 1
    return {key: (Decimal(floors[key]) / 100).quantize(CENT) for key in keys}
