"""Server-rendered SVG line charts of a profile's series (the numbers are always also shown as a table).

`series_chart` gives the geometry, `series_svg` the finished accessible SVG (`role="img"`, title and a description
that reads the figures out) for pages and documents of other apps. Presentation attributes only (strict CSP)."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 600, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 64
LINES = (
    # key, colour, dash pattern, marker
    ("own", "#004b76", "", "circle"),
    ("district", "#a34700", "6 4", "square"),
    ("saxony", "#4d4d4d", "2 3", "triangle"),
)


def _nice_top(most: float) -> float:
    if most <= 0:
        return 1.0
    step = 10 ** (len(str(int(most))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if most <= step * factor:
            return step * factor
    return step * 10  # pragma: no cover


def _fmt(value) -> str:
    if value is None:
        return "–"
    return number_format(
        value, decimal_pos=1 if isinstance(value, Decimal) and value % 1 else 0, use_l10n=True, force_grouping=True
    )


def _points(profile, series) -> dict[str, list[tuple[int, Decimal | None]]]:
    """The figure drawn per line: rates when the indicator has them, else the values; the district and Saxony only
    where they are comparable (rates, or population-weighted means of values; a sum of counts is not)."""
    use_rate = profile.per_capita
    comparable = use_rate or not profile.sums

    def pick(item):
        if item is None:
            return None
        return item.rate if use_rate else item.value

    lines = {"own": [(row.year, pick(row)) for row in series.rows]}
    if comparable:
        lines["district"] = [(row.year, pick(row.district)) for row in series.rows]
        lines["saxony"] = [(row.year, pick(row.saxony)) for row in series.rows]
    return lines


def series_chart(profile, series, *, municipality, district_name: str) -> dict:
    lines = _points(profile, series)
    years = [row.year for row in series.rows]
    numbers = [float(value) for points in lines.values() for _year, value in points if value is not None]
    top = _nice_top(max(numbers, default=0))
    bottom = min(0.0, min(numbers, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(years) - 1, 1)

    def x(index: int) -> float:
        return round(LEFT + (index * slot if len(years) > 1 else plot_w / 2), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h - (value - bottom) / ((top - bottom) or 1) * plot_h, 1)

    names = {
        "own": municipality.display_name,
        "district": district_name,
        "saxony": _("Sachsen"),
    }
    drawn = []
    for key, colour, dash, marker in LINES:
        if key not in lines:
            continue
        points = [
            {
                "x": x(i),
                "y": y(float(value)),
                "sx": round(x(i) - 4, 1),
                "sy": round(y(float(value)) - 4, 1),
                "year": year,
                "text": _fmt(value),
            }
            for i, (year, value) in enumerate(lines[key])
            if value is not None
        ]
        drawn.append(
            {
                "key": key,
                "name": names[key],
                "colour": colour,
                "dash": dash,
                "marker": marker,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    ticks = [
        {"y": y(bottom + (top - bottom) * step / 4), "text": _fmt(Decimal(str(bottom + (top - bottom) * step / 4)))}
        for step in range(5)
    ]
    measure = _("Häufigkeit je 100.000 Einwohner") if profile.per_capita else profile.indicator.get_unit_display()
    title = f"{profile.indicator.name} – {series.label}: {measure}"
    desc = "; ".join(
        f"{line['name']}: " + ", ".join(f"{point['year']} {point['text']}" for point in line["points"])
        for line in drawn
    )
    return {
        "title": title,
        "desc": desc,
        "width": WIDTH,
        "height": HEIGHT,
        "lines": drawn,
        "ticks": ticks,
        "years": [{"x": x(i), "text": str(year)} for i, year in enumerate(years)],
        "axis_left": LEFT,
        "axis_right": WIDTH - RIGHT,
        "axis_bottom": TOP + plot_h,
        "year_y": TOP + plot_h + 18,
        "legend_y": HEIGHT - 14,
        "legend": [
            {**line, "lx": LEFT + index * 180, "tx": LEFT + index * 180 + 34} for index, line in enumerate(drawn)
        ],
    }


def series_svg(profile, series, *, municipality, district_name: str, id: str) -> SafeString:
    """The chart as an accessible SVG element (a string safe to place in a page or a PDF template)."""
    chart = series_chart(profile, series, municipality=municipality, district_name=district_name)
    return render_to_string("indicators/partials/line_chart.html", {"chart": chart, "id": id})
