"""The map of Saxony's 13 districts as server-rendered SVG (no tiles, no JavaScript).

The boundaries are reference data (`geo.District.boundary`, GeoJSON from data/reference/): they are projected,
simplified and turned into SVG paths once per process, so a page costs no query and no geometry for them. The
projection is equirectangular with the longitude scaled by cos(latitude) at the middle of Saxony: over a region of
this size its distortion stays far below a pixel's worth of what a choropleth shows.
"""

import math
import threading
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sikom.geo.models import District

WIDTH = 600  # viewBox width; the height follows from Saxony's shape
PADDING = 4
TOLERANCE = 0.8  # Douglas-Peucker tolerance in viewBox units: below what a screen can show at full width
LEGEND_HEIGHT = 34
LEGEND_ROW = 24
# ColorBrewer »Blues«, 5 classes: lightness falls step by step, so the classes stay apart in grey too.
COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
TEXT = "#1b1b1b"
OUTLINE = "#3d3d3d"


@dataclass(frozen=True)
class Shape:
    key: str
    name: str
    path: str  # SVG path data


@dataclass(frozen=True)
class Shapes:
    shapes: tuple[Shape, ...]
    width: float
    height: float


_cache: dict[str, Shapes] = {}
_lock = threading.Lock()


def _rings(geometry: dict) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative (a ring of 2,600 points would go deep in a recursive one)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            d = abs(dy * (x - x1) - dx * (y - y1)) / length if length else math.hypot(x - x1, y - y1)
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        simplified = _simplify(ring, TOLERANCE)
        if len(simplified) < 4:
            continue
        coordinates = []
        previous = None
        for x, y in simplified:
            point = f"{x:.1f} {y:.1f}"
            if point != previous:
                coordinates.append(point)
                previous = point
        parts.append("M" + " L".join(coordinates) + "Z")
    return "".join(parts)


def _build() -> Shapes:
    districts = list(District.objects.order_by("key").only("key", "short_name", "kind", "boundary"))
    rings_by_key = {district.key: _rings(district.boundary) for district in districts}
    points = [point for rings in rings_by_key.values() for ring in rings for point in ring]
    if not points:
        shapes = tuple(Shape(key=d.key, name=d.display_name, path="") for d in districts)
        return Shapes(shapes=shapes, width=WIDTH, height=WIDTH * 0.7)
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (WIDTH - 2 * PADDING) / ((max_lon - min_lon) * x_scale)
    height = (max_lat - min_lat) * scale + 2 * PADDING

    def project(point):
        return (PADDING + (point[0] - min_lon) * x_scale * scale, PADDING + (max_lat - point[1]) * scale)

    shapes = tuple(
        Shape(
            key=district.key,
            name=district.display_name,
            path=_path([[project(point) for point in ring] for ring in rings_by_key[district.key]]),
        )
        for district in districts
    )
    return Shapes(shapes=shapes, width=WIDTH, height=round(height, 1))


def district_shapes() -> Shapes:
    """The districts' names and paths, computed on first use and kept for the life of the process."""
    shapes = _cache.get("districts")
    if shapes is None:
        with _lock:
            shapes = _cache.get("districts")
            if shapes is None:
                shapes = _build()
                if len(shapes.shapes) == 0:
                    return shapes  # reference data not loaded yet: try again next time
                _cache["districts"] = shapes
    return shapes


def clear_cache() -> None:
    """After the reference data changed (tests that load it afresh)."""
    _cache.clear()


@dataclass(frozen=True)
class LegendClass:
    colour: str
    low: int
    high: int

    @property
    def label(self) -> str:
        if self.low == self.high:
            return number_format(self.low, force_grouping=True)
        return f"{number_format(self.low, force_grouping=True)}–{number_format(self.high, force_grouping=True)}"


def classes(values: list[int]) -> list[LegendClass]:
    """0 on its own, then up to four classes of equal width up to the largest value (whole numbers)."""
    highest = max(values, default=0)
    result = [LegendClass(colour=COLOURS[0], low=0, high=0)]
    bounds = sorted({math.ceil(highest * step / 4) for step in range(1, 5)} - {0})
    low = 1
    for index, bound in enumerate(bounds, start=len(COLOURS) - len(bounds)):
        result.append(LegendClass(colour=COLOURS[index], low=low, high=bound))
        low = bound + 1
    return result


def class_of(value: int, legend: list[LegendClass]) -> LegendClass:
    for item in legend:
        if value <= item.high:
            return item
    return legend[-1]


def choropleth(*, values: dict[str, int], title: str, description: str, element_id: str) -> SafeString:
    """The map: one path per district with its name and value as <title>, a legend; role=img with title and desc."""
    shapes = district_shapes()
    legend = classes([values.get(shape.key, 0) for shape in shapes.shapes])
    # The legend's entries in rows under the map: a new row where the next would pass the right edge.
    entries, x, row = [], PADDING + 70, 0
    for item in legend:
        width = 32 + 8 * len(item.label)
        if x + width > shapes.width and x > PADDING + 70:
            x, row = PADDING + 70, row + 1
        entries.append((item, x, shapes.height + 10 + row * LEGEND_ROW))
        x += width
    height = shapes.height + LEGEND_HEIGHT + row * LEGEND_ROW
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {shapes.width:g} {height:g}" width="{shapes.width:g}" '
        f'role="img" aria-labelledby="{element_id}-title" aria-describedby="{element_id}-desc" id="{element_id}" '
        f'font-family="sans-serif" font-size="13">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(description)}</desc>',
        f'<g stroke="{OUTLINE}" stroke-width="0.8" stroke-linejoin="round">',
    ]
    for shape in shapes.shapes:
        value = values.get(shape.key, 0)
        label = f"{shape.name}: {number_format(value, force_grouping=True)}"
        parts.append(
            f'<path d="{shape.path}" fill="{class_of(value, legend).colour}" data-kreis="{shape.key}">'
            f"<title>{escape(label)}</title></path>"
        )
    parts.append("</g>")
    parts.append(f'<text x="{PADDING}" y="{shapes.height + 22:g}" fill="{TEXT}">{escape(_("Legende:"))}</text>')
    for item, x, y in entries:
        parts.append(
            f'<rect x="{x}" y="{y:g}" width="16" height="16" fill="{item.colour}" stroke="{OUTLINE}" '
            f'stroke-width="0.8"/><text x="{x + 21}" y="{y + 12:g}" fill="{TEXT}">{escape(item.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it is escaped above
