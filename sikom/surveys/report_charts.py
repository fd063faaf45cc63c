"""The report's charts as server-rendered, accessible SVG (`role="img"` with title and description; the numbers are
always also in a table): horizontal bars with 95 % intervals, and the places-of-fear map (the municipality's boundary
with the points). Presentation attributes only (strict CSP); the same markup goes into the PDF."""

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sikom.surveys import maps

WIDTH = 640
LEFT, RIGHT = 8, 72
ROW, BAR = 46, 16
COLOURS = ("#004b76", "#5a7d9a")


def fmt(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    return number_format(round(value, digits), decimal_pos=digits, use_l10n=True)


def bars(rows, *, id: str, title: str) -> SafeString:
    """Bars for report `Row`s (shares in per cent, or means): the estimate as the bar, the interval as a whisker."""
    shares = all(row.is_share for row in rows)
    top = 100.0 if shares else max([row.overall.high or 0 for row in rows] + [1.0]) * 1.1
    plot = WIDTH - LEFT - RIGHT
    drawn, described = [], []
    for index, row in enumerate(rows):
        cell = row.overall
        y = 8 + index * ROW
        item = {"label": row.label, "text_y": y + 12, "bar_y": y + 18, "mid_y": y + 18 + BAR / 2, "n": cell.n}
        if cell.suppressed:
            item.update(suppressed=True, value_text=_("– (weniger als 10 Antworten)"), value_x=LEFT)
            described.append(f"{row.label}: {_('unterdrückt')}")
        else:
            unit = " %" if shares else ""
            width = plot * cell.estimate / top
            item.update(
                suppressed=False,
                width=round(max(width, 1), 1),
                low_x=round(LEFT + plot * max(cell.low, 0) / top, 1),
                high_x=round(LEFT + plot * min(cell.high, top) / top, 1),
                value_x=round(LEFT + plot * min(cell.high, top) / top + 6, 1),
                value_text=f"{fmt(cell.estimate, 0 if shares else 1)}{unit}",
                colour=COLOURS[0],
            )
            described.append(
                _("%(label)s: %(value)s%(unit)s (95-%%-Intervall %(low)s bis %(high)s)")
                % {
                    "label": row.label,
                    "value": fmt(cell.estimate, 0 if shares else 1),
                    "unit": unit,
                    "low": fmt(cell.low, 0 if shares else 1),
                    "high": fmt(cell.high, 0 if shares else 1),
                }
            )
        drawn.append(item)
    chart = {
        "id": id,
        "title": title,
        "desc": "; ".join(described) + ".",
        "rows": drawn,
        "width": WIDTH,
        "height": 16 + len(rows) * ROW,
        "left": LEFT,
        "bar": BAR,
    }
    return render_to_string("surveys/report/_bars.html", {"chart": chart})


def places_map(municipality, points, *, id: str) -> SafeString:
    """The municipality's boundary with the points of the places of fear."""
    from sikom.surveys.logic import municipality_bounds

    bounds = municipality_bounds(municipality)
    frame = maps.frame(bounds)
    drawn = []
    for lat, lon in points:
        x, y = frame.to_pixel(lat, lon)
        if -10 <= x <= maps.MAP_SIZE + 10 and -10 <= y <= maps.MAP_SIZE + 10:
            drawn.append({"x": round(x, 1), "y": round(y, 1)})
    chart = {
        "id": id,
        "size": maps.MAP_SIZE,
        "outline": maps._outline(municipality.pk, bounds),
        "points": drawn,
        "title": _("Angstorte in %(name)s") % {"name": municipality.name},
        "desc": _("Karte des Gemeindegebiets mit %(n)s als Punkt angegebenen unsicheren Orten.") % {"n": len(drawn)},
    }
    return render_to_string("surveys/report/_map.html", {"chart": chart})
