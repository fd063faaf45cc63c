"""The field monitoring's chart: answers per day as bars and the running total as a line, server-rendered SVG (drawn
by surveys/fieldwork/_daily_chart.html); the numbers are also in a table on the page."""

from datetime import date

from django.utils.translation import gettext as _

WIDTH, HEIGHT, TOP, BOTTOM, LEFT, RIGHT = 640, 240, 20, 40, 36, 36


def daily_chart(days: list[tuple[date, int, int]]) -> dict:
    """Geometry for `days` = [(day, answers that day, answers so far), …]."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    most = max((count for _day, count, _total in days), default=0) or 1
    total = max((running for _day, _count, running in days), default=0) or 1
    slot = plot_w / max(len(days), 1)
    bars, points, labels = [], [], []
    step = max(1, len(days) // 8)  # at most about eight date labels
    for index, (day, count, running) in enumerate(days):
        height = round(plot_h * count / most, 1)
        x = round(LEFT + index * slot + slot * 0.15, 1)
        bars.append(
            {"x": x, "y": round(TOP + plot_h - height, 1), "width": round(max(slot * 0.7, 1), 1), "height": height}
        )
        points.append(f"{round(LEFT + index * slot + slot / 2, 1)},{round(TOP + plot_h - plot_h * running / total, 1)}")
        if index % step == 0:
            labels.append({"x": round(LEFT + index * slot + slot / 2, 1), "text": day.strftime("%d.%m.")})
    desc = _("Antworten je Tag vom %(first)s bis %(last)s, zusammen %(total)s.") % {
        "first": days[0][0].strftime("%d.%m.%Y") if days else "–",
        "last": days[-1][0].strftime("%d.%m.%Y") if days else "–",
        "total": days[-1][2] if days else 0,
    }
    return {
        "title": _("Rücklauf je Tag"),
        "desc": desc,
        "bars": bars,
        "line": " ".join(points),
        "labels": labels,
        "width": WIDTH,
        "height": HEIGHT,
        "axis_y": HEIGHT - BOTTOM + 16,
        "base_y": TOP + plot_h,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "most": most,
        "total": total,
        "top": TOP,
    }
