"""Loading Saxony's reference data from data/reference/ (see its SOURCES.md). Idempotent: safe to run again."""

import csv
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from sikom.geo.models import District, Municipality, PoliceDirectorate
from sikom.geo.normalize import search_form


def _features_by(path: Path, key: str) -> dict:
    with path.open(encoding="utf-8") as handle:
        return {feature["properties"][key]: feature["geometry"] for feature in json.load(handle)["features"]}


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_reference_data(*, data_dir: Path) -> dict[str, int]:
    directorate_shapes = _features_by(data_dir / "sachsen_polizeidirektionen.geojson", "name")
    district_shapes = _features_by(data_dir / "sachsen_kreise.geojson", "ags")
    municipality_shapes = _features_by(data_dir / "sachsen_gemeinden.geojson", "ags")

    directorates = {}
    for row in _rows(data_dir / "sachsen_polizeidirektionen.csv"):
        name = row["polizeidirektion"]
        if name not in directorates:
            directorates[name], _ = PoliceDirectorate.objects.update_or_create(
                name=name, defaults={"legal_basis": row["rechtsgrundlage"], "boundary": directorate_shapes.get(name)}
            )

    districts = {}
    for row in _rows(data_dir / "sachsen_kreise.csv"):
        districts[row["kreis_ags"]], _ = District.objects.update_or_create(
            key=row["kreis_ags"],
            defaults={
                "name": row["name"],
                "short_name": row["vg250_name"],
                "kind": District.Kind.URBAN if row["textkennzeichen"] == "41" else District.Kind.RURAL,
                "nuts": row["nuts"],
                "police_directorate": directorates[row["polizeidirektion"]],
                "boundary": district_shapes.get(row["kreis_ags"]),
            },
        )

    for row in _rows(data_dir / "sachsen_gemeinden.csv"):
        municipality = Municipality(name=row["name"])
        Municipality.objects.update_or_create(
            ags=row["ags"],
            defaults={
                "name": row["name"],
                "search_name": search_form(municipality.display_name),
                "district": districts[row["kreis_ags"]],
                "population": int(row["einwohner"]),
                "area_km2": Decimal(row["flaeche_km2"]),
                "postcode": row["plz_verwaltungssitz"],
                "longitude": float(row["lon"]),
                "latitude": float(row["lat"]),
                "boundary": municipality_shapes.get(row["ags"]),
            },
        )
    return {
        "police_directorates": PoliceDirectorate.objects.count(),
        "districts": District.objects.count(),
        "municipalities": Municipality.objects.count(),
    }
