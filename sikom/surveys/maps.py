"""The municipality's map for a place of fear: a server-drawn SVG of its boundary (as a data URI, so it needs no URL
of its own and no JavaScript), shown as an image button — a click sends the pixel, which becomes a point. Keyboard
users and screen-reader users give the place by the list of named places or by latitude and longitude instead."""

import base64
import functools
import math
from dataclasses import dataclass

from sikom.surveys import geometry

MAP_SIZE = 320
PADDING = 8


@dataclass(frozen=True)
class Frame:
    """An equirectangular projection of the municipality's bounding box onto a MAP_SIZE square."""

    south: float
    west: float
    north: float
    east: float
    scale: float  # pixels per degree of latitude
    factor: float  # cos(latitude): degrees of longitude are shorter
    offset_x: float
    offset_y: float

    def to_pixel(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.offset_x + (lon - self.west) * self.factor * self.scale
        y = self.offset_y + (self.north - lat) * self.scale
        return x, y

    def to_point(self, x: float, y: float) -> tuple[float, float]:
        lon = self.west + (x - self.offset_x) / (self.factor * self.scale)
        lat = self.north - (y - self.offset_y) / self.scale
        return round(lat, 5), round(lon, 5)


def frame(bounds: tuple[float, float, float, float]) -> Frame:
    south, west, north, east = bounds
    factor = math.cos(math.radians((south + north) / 2))
    width, height = max((east - west) * factor, 1e-6), max(north - south, 1e-6)
    scale = (MAP_SIZE - 2 * PADDING) / max(width, height)
    return Frame(
        south,
        west,
        north,
        east,
        scale,
        factor,
        offset_x=(MAP_SIZE - width * scale) / 2,
        offset_y=(MAP_SIZE - height * scale) / 2,
    )


@functools.lru_cache(maxsize=64)
def _outline(municipality_pk: int, bounds: tuple[float, float, float, float]) -> str:
    from sikom.geo.models import Municipality

    boundary = Municipality.objects.filter(pk=municipality_pk).values_list("boundary", flat=True).first()
    box = frame(bounds)
    parts = []
    for ring in geometry.rings(boundary):
        points = [box.to_pixel(lat, lon) for lon, lat in ring]
        if len(points) > 2:
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def map_src(municipality_pk: int, bounds: tuple[float, float, float, float], point: dict | None = None) -> str:
    """The map as a data URI: the boundary, a light grid, and the chosen point as a marker."""
    outline = _outline(municipality_pk, bounds)
    grid = "".join(
        f'<path d="M{i},0V{MAP_SIZE}M0,{i}H{MAP_SIZE}" stroke="#d8dde3" stroke-width="1"/>'
        for i in range(40, MAP_SIZE, 40)
    )
    marker = ""
    if point:
        x, y = frame(bounds).to_pixel(point["lat"], point["lon"])
        marker = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#c00" stroke="#fff" stroke-width="3"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#fff"/>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{MAP_SIZE}" height="{MAP_SIZE}" '
        f'viewBox="0 0 {MAP_SIZE} {MAP_SIZE}"><rect width="100%" height="100%" fill="#f4f7fa"/>{grid}'
        f'<path d="{outline}" fill="#e3ecf5" stroke="#004b87" stroke-width="2" fill-rule="evenodd"/>{marker}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")
