"""A server-rendered SVG bar chart of the granted amounts per year (the numbers are also shown as a table)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from sikom.funding.money import format_money

WIDTH, BAR, GAP, LEFT, RIGHT = 340, 22, 10, 44, 110


def granted_chart(years) -> dict:
    most = max((row.granted for row in years), default=Decimal(0)) or Decimal(1)
    plot = WIDTH - LEFT - RIGHT
    bars = []
    for index, row in enumerate(years):
        width = round(float(plot * row.granted / most), 1)
        y = GAP + index * (BAR + GAP)
        bars.append(
            {
                "label": row.year,
                "value": f"{format_money(row.granted)} €",
                "y": y,
                "width": width,
                "text_y": y + BAR * 0.7,
                "value_x": LEFT + width + 4,
            }
        )
    return {
        "title": _("Bewilligte Förderung je Förderjahr"),
        "desc": "; ".join(f"{row.year}: {format_money(row.granted)} €" for row in years),
        "bars": bars,
        "width": WIDTH,
        "height": GAP + len(years) * (BAR + GAP),
        "left": LEFT,
        "bar": BAR,
    }
