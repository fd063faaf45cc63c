"""Server-rendered SVG bar charts (drawn by events/partials/bar_chart.html; the numbers are also shown as a table)."""

from django.utils.translation import gettext as _

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 320, 180, 20, 30, 10


def bar_chart(distribution: list[tuple[int, int]], *, title: str) -> dict:
    """Geometry for one bar per rating value: `distribution` is [(value, count), …]."""
    most = max((count for _value, count in distribution), default=0) or 1
    slot = (WIDTH - 2 * LEFT) / max(len(distribution), 1)
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for index, (value, count) in enumerate(distribution):
        height = round(plot * count / most, 1)
        x = round(LEFT + index * slot + slot * 0.15, 1)
        bars.append(
            {
                "value": value,
                "count": count,
                "x": x,
                "y": round(TOP + plot - height, 1),
                "width": round(slot * 0.7, 1),
                "height": height,
                "label_x": round(x + slot * 0.35, 1),
                "count_y": round(TOP + plot - height - 4, 1),
            }
        )
    desc = "; ".join(_("Bewertung %(value)d: %(count)d") % {"value": v, "count": c} for v, c in distribution)
    return {
        "title": title,
        "desc": desc,
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "axis_y": HEIGHT - BOTTOM + 16,
    }
