"""A figure over time as a server-rendered SVG bar chart: one bar per quarter end and one for the chosen day, axes
with labels, a <title> per bar, role=img with title and description. The numbers are in a table beside it."""

import math
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sikom.core.charts import AXIS, BAR, GRID, TEXT, nice_step

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 44
CHOSEN = "#0c3a73"  # the chosen day: darker


def quarter_label(day: date, *, last: bool = False) -> str:
    if last:
        return date_format(day, "SHORT_DATE_FORMAT")
    return _("%(quarter)s. Quartal %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}


def bar_chart(*, series: list[tuple[date, int]], title: str, description: str, element_id: str) -> SafeString:
    """``series``: (day, value) in ascending order; the last is the chosen day (drawn darker)."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    highest = max((value for _day, value in series), default=0)
    step = nice_step(highest)
    top_value = max(step, math.ceil(highest / step) * step)
    count = max(len(series), 1)
    slot = plot_width / count
    bar_width = max(slot * 0.7, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" role="img" '
        f'aria-labelledby="{element_id}-title" aria-describedby="{element_id}-desc" id="{element_id}" font-family="sans-serif" '
        f'font-size="12">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(description)}</desc>',
    ]
    # Value axis: grid lines with their numbers.
    for tick in range(0, top_value + 1, step):
        y = TOP + plot_height - tick / top_value * plot_height
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{number_format(tick, force_grouping=True)}</text>"
        )
    # Bars.
    for index, (day, value) in enumerate(series):
        last = index == len(series) - 1
        x = LEFT + index * slot + (slot - bar_width) / 2
        bar_height = value / top_value * plot_height
        label = f"{quarter_label(day, last=last)}: {number_format(value, force_grouping=True)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_height - bar_height:.1f}" width="{bar_width:.1f}" '
            f'height="{bar_height:.1f}" fill="{CHOSEN if last else BAR}"><title>{escape(label)}</title></rect>'
        )
    # Time axis: a line, a year label under the first quarter of each year.
    base = TOP + plot_height
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}" stroke="{AXIS}" stroke-width="1"/>')
    years_every = max(1, math.ceil(len({day.year for day, _value in series}) / 9))
    shown_years = set()
    for index, (day, _value) in enumerate(series):
        if day.year in shown_years or (day.year - series[0][0].year) % years_every:
            continue
        shown_years.add(day.year)
        x = LEFT + index * slot + slot / 2
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 5}" stroke="{AXIS}"/>'
            f'<text x="{x:.1f}" y="{base + 19}" text-anchor="middle" fill="{TEXT}">{day.year}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_width / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" fill="{TEXT}">'
        f"{escape(_('Stand am Quartalsende (letzter Balken: Stichtag)'))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above
