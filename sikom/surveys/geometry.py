"""Is a place of fear in the municipality? A point-in-polygon test on the boundary geo stores (GeoJSON, WGS84), with
a tolerance along the edge, in plain Python (decision 0045: no geometry library is a dependency, and a polygon of
some twenty vertices needs none).

The boundaries of the municipalities are BKG's VG5000, generalised for 1:5,000,000 (/work/shared/data/SOURCES.md):
about twenty vertices each, areas off by up to ±15 %. A real place just inside the true border can lie outside the
generalised one, so a point within `EDGE_TOLERANCE_M` of the outline counts as inside.
"""

from __future__ import annotations

import math

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs, as in GeoJSON

EARTH_RADIUS_M = 6_371_000.0
# About the positional error of a boundary generalised for 1:5,000,000 (0.3 mm on such a map is 1.5 km); the
# former bounding-box margin of 0.02° (1.4 to 2.2 km in Saxony) was of the same order.
EDGE_TOLERANCE_M = 1500.0


def rings(node) -> list[Ring]:
    """Every outer and inner ring of a GeoJSON geometry, feature or feature collection."""
    if not isinstance(node, dict):
        return []
    kind = node.get("type")
    try:
        if kind == "Polygon":
            return [_ring(ring) for ring in node.get("coordinates") or []]
        if kind == "MultiPolygon":
            return [_ring(ring) for polygon in node.get("coordinates") or [] for ring in polygon]
    except (TypeError, ValueError, IndexError):
        return []
    if kind == "Feature":
        return rings(node.get("geometry"))
    if kind == "FeatureCollection":
        return [ring for feature in node.get("features") or [] for ring in rings(feature)]
    return []


def _ring(points) -> Ring:
    return tuple((float(p[0]), float(p[1])) for p in points)


def contains(outline: list[Ring] | tuple[Ring, ...], lat: float, lon: float) -> bool:
    """Even-odd rule over all rings: inside an outer ring and not in one of its holes (or in an island of a hole);
    the parts of a multipolygon do not overlap, so they need no distinction."""
    inside = False
    for ring in outline:
        count = len(ring)
        for i in range(count):
            x1, y1 = ring[i]
            x2, y2 = ring[(i + 1) % count]
            if (y1 > lat) != (y2 > lat):
                crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
                if lon < crossing:
                    inside = not inside
    return inside


def distance_to_edge_m(outline: list[Ring] | tuple[Ring, ...], lat: float, lon: float) -> float:
    """Shortest distance in metres from the point to the outline, on a plane tangent at the point (exact enough
    for the few kilometres this is asked about)."""
    factor = math.cos(math.radians(lat))

    def plane(point: tuple[float, float]) -> tuple[float, float]:
        return (
            math.radians(point[0] - lon) * factor * EARTH_RADIUS_M,
            math.radians(point[1] - lat) * EARTH_RADIUS_M,
        )

    best = math.inf
    for ring in outline:
        projected = [plane(point) for point in ring]
        for i in range(len(projected)):
            (ax, ay), (bx, by) = projected[i], projected[(i + 1) % len(projected)]
            dx, dy = bx - ax, by - ay
            length = dx * dx + dy * dy
            t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def in_municipality(outline, lat: float, lon: float, tolerance_m: float = EDGE_TOLERANCE_M) -> bool:
    """Inside the outline or at most `tolerance_m` from it."""
    return contains(outline, lat, lon) or distance_to_edge_m(outline, lat, lon) <= tolerance_m
