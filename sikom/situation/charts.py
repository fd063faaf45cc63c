"""The situation report's charts as server-rendered SVG, drawn from tables after disclosure control (never from
raw counts): a suppressed number is drawn as an outlined stub marked ».«, never as its value. Each chart has
role=img with a title and description; the numbers are in the table beside it."""

import math

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sikom.core.charts import AXIS, BAR, GRID, TEXT, nice_step
from sikom.geo.maps import OUTLINE, PADDING, class_of, classes, district_shapes
from sikom.situation.disclosure import SUPPRESSED
from sikom.situation.selectors import Table

WIDTH = 640
HATCH = "sikom-gesperrt"


def _open(element_id: str, title: str, description: str, width: float, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}" role="img" '
        f'aria-labelledby="{element_id}-title" aria-describedby="{element_id}-desc" id="{element_id}" '
        f'font-family="sans-serif" font-size="12">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{element_id}-{HATCH}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{AXIS}" stroke-width="2"/></pattern></defs>',
    ]


def _label(name: str, value: int | None) -> str:
    shown = SUPPRESSED if value is None else number_format(value, force_grouping=True)
    suffix = f" ({_('gesperrt')})" if value is None else ""
    return f"{name}: {shown}{suffix}"


def column_chart(table: Table, *, element_id: str, description: str) -> SafeString:
    """One column per row of a one-column table (periods); suppressed ones as a hatched stub marked ».«."""
    height, left, right, top, bottom = 300, 56, 12, 14, 44
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    values = [row.values[0] for row in table.rows]
    highest = max((value for value in values if value is not None), default=0)
    step = nice_step(highest)
    top_value = max(step, math.ceil(highest / step) * step)
    slot = plot_width / max(len(values), 1)
    bar_width = max(slot * 0.7, 1)
    parts = _open(element_id, table.title, description, WIDTH, height)
    for tick in range(0, top_value + 1, step):
        y = top + plot_height - tick / top_value * plot_height
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{number_format(tick, force_grouping=True)}</text>"
        )
    base = top + plot_height
    stub = min(plot_height * 0.08, 16)
    for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        x = left + index * slot + (slot - bar_width) / 2
        title = f"<title>{escape(_label(row.label, value))}</title>"
        if value is None:
            parts.append(
                f'<rect x="{x:.1f}" y="{base - stub:.1f}" width="{bar_width:.1f}" height="{stub:.1f}" '
                f'fill="url(#{element_id}-{HATCH})" stroke="{AXIS}" data-gesperrt="true">{title}</rect>'
                f'<text x="{x + bar_width / 2:.1f}" y="{base - stub - 3:.1f}" text-anchor="middle" '
                f'fill="{TEXT}">{SUPPRESSED}</text>'
            )
        else:
            bar_height = value / top_value * plot_height
            parts.append(
                f'<rect x="{x:.1f}" y="{base - bar_height:.1f}" width="{bar_width:.1f}" height="{bar_height:.1f}" '
                f'fill="{BAR}">{title}</rect>'
            )
    parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{base}" y2="{base}" stroke="{AXIS}"/>')
    # Labels under the first and last column and about eight between them.
    every = max(1, math.ceil(len(values) / 8))
    for index, row in enumerate(table.rows):
        if index % every and index != len(values) - 1:
            continue
        x = left + index * slot + slot / 2
        parts.append(
            f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle" fill="{TEXT}" font-size="10">'
            f"{escape(row.label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above


def bar_chart(table: Table, *, element_id: str, description: str) -> SafeString:
    """Horizontal bars, one per row of a one-column table (the values of a characteristic)."""
    label_width, right, row_height, top = 230, 60, 24, 6
    height = top + row_height * max(len(table.rows), 1) + 6
    plot_width = WIDTH - label_width - right
    values = [row.values[0] for row in table.rows]
    highest = max((value for value in values if value is not None), default=0) or 1
    parts = _open(element_id, table.title, description, WIDTH, height)
    for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        y = top + index * row_height
        name = row.label if len(row.label) <= 34 else row.label[:33] + "…"
        title = f"<title>{escape(_label(row.label, value))}</title>"
        parts.append(f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" fill="{TEXT}">{escape(name)}</text>')
        if value is None:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="14" height="16" fill="url(#{element_id}-{HATCH})" '
                f'stroke="{AXIS}" data-gesperrt="true">{title}</rect>'
                f'<text x="{label_width + 20}" y="{y + 16}" fill="{TEXT}">{SUPPRESSED}</text>'
            )
        else:
            width = value / highest * plot_width
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{width:.1f}" height="16" fill="{BAR}">{title}</rect>'
                f'<text x="{label_width + width + 5:.1f}" y="{y + 16}" fill="{TEXT}">'
                f"{number_format(value, force_grouping=True)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above


def district_map(table: Table, *, element_id: str, description: str) -> SafeString:
    """The districts coloured by their shown count; a suppressed district hatched and named as suppressed."""
    shapes = district_shapes()
    values = {row.key: row.values[0] for row in table.rows}
    legend = classes([value for value in values.values() if value is not None])
    legend_top = shapes.height + 10
    height = legend_top + 24 * (len(legend) // 4 + 2)
    parts = _open(element_id, table.title, description, shapes.width, height)
    parts[0] = parts[0].replace('font-size="12"', 'font-size="13"')
    parts.append(f'<g stroke="{OUTLINE}" stroke-width="0.8" stroke-linejoin="round">')
    for shape in shapes.shapes:
        value = values.get(shape.key, 0)
        fill = f"url(#{element_id}-{HATCH})" if value is None else class_of(value, legend).colour
        marker = ' data-gesperrt="true"' if value is None else ""
        parts.append(
            f'<path d="{shape.path}" fill="{fill}" data-kreis="{shape.key}"{marker}>'
            f"<title>{escape(_label(shape.name, value))}</title></path>"
        )
    parts.append("</g>")
    entries = [(item.colour, item.label) for item in legend] + [(f"url(#{element_id}-{HATCH})", _("gesperrt (.)"))]
    x, y = PADDING + 70, legend_top
    parts.append(f'<text x="{PADDING}" y="{y + 12}" fill="{TEXT}">{escape(_("Legende:"))}</text>')
    for colour, label in entries:
        width = 32 + 8 * len(label)
        if x + width > shapes.width:
            x, y = PADDING + 70, y + 24
        parts.append(
            f'<rect x="{x}" y="{y}" width="16" height="16" fill="{colour}" stroke="{OUTLINE}" stroke-width="0.8"/>'
            f'<text x="{x + 21}" y="{y + 12}" fill="{TEXT}">{escape(label)}</text>'
        )
        x += width
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above
