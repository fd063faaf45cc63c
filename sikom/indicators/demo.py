"""Demo indicators (only in the demo set-up). Every number here is invented and says so: the indicators are named
»(Demo)«, their source is »Demo-Werte, keine amtliche Statistik«. Municipalities are real (the reference data), the
figures are not: they are drawn from a seeded generator scaled by the real population, so they look plausible
without claiming to be anyone's statistics."""

import random
from decimal import Decimal

from django.db import transaction

from sikom.geo.models import Municipality
from sikom.indicators.models import ImportBatch, Indicator, IndicatorKind, IndicatorValue, Unit

DEMO_SOURCE = "Demo-Werte, keine amtliche Statistik"
# Pirna and neighbours in its district, plus Dresden and Görlitz for contrast.
AGS = ["14628270", "14628110", "14628060", "14628010", "14628050", "14612000", "14626110"]
YEARS = range(2019, 2025)
# Offence groups ("": all offences) with invented cases per 100,000 inhabitants (a base level for the generator).
CRIME = {"": 5500, "Körperverletzung": 650, "Sachbeschädigung": 700, "Diebstahl": 1600}


def load() -> list[str]:
    if Indicator.objects.filter(source=DEMO_SOURCE).exists():
        return []
    municipalities = list(Municipality.objects.filter(ags__in=AGS).only("pk", "ags", "population"))
    generator = random.Random(14628270)  # noqa: S311 - demo figures, not security
    with transaction.atomic():
        crime = Indicator.objects.create(
            name="Polizeilich erfasste Straftaten (Demo)",
            kind=IndicatorKind.CRIME,
            unit=Unit.COUNT,
            source=DEMO_SOURCE,
            description="Demo-Werte zum Ausprobieren der Seiten; keine Zahlen der Polizeilichen Kriminalstatistik.",
            per_capita=True,
        )
        offences = Indicator.objects.create(
            name="Ordnungswidrigkeiten im öffentlichen Raum (Demo)",
            kind=IndicatorKind.OFFENCES,
            unit=Unit.COUNT,
            source=DEMO_SOURCE,
            per_capita=True,
        )
        jobless = Indicator.objects.create(
            name="Arbeitslosenquote in % (Demo)",
            kind=IndicatorKind.SOCIO_ECONOMIC,
            unit=Unit.VALUE,
            source=DEMO_SOURCE,
            per_capita=False,
        )
        values = []
        for indicator, categories in ((crime, CRIME), (offences, {"": 900}), (jobless, {"": 6})):
            batch = ImportBatch.objects.create(indicator=indicator, by=None, file_name="demo-werte.csv", row_count=0)
            rows = []
            for municipality in municipalities:
                for category, base in categories.items():
                    level = base * generator.uniform(0.7, 1.3)
                    for year in YEARS:
                        level *= generator.uniform(0.92, 1.08)
                        if indicator.unit == Unit.COUNT:
                            value = Decimal(round(level * municipality.population / 100_000))
                        else:
                            value = Decimal(str(round(level, 1)))
                        rows.append(
                            IndicatorValue(
                                indicator=indicator,
                                municipality=municipality,
                                year=year,
                                category=category,
                                value=value,
                                batch=batch,
                            )
                        )
            batch.row_count = len(rows)
            batch.save(update_fields=["row_count"])
            values += rows
        IndicatorValue.objects.bulk_create(values, batch_size=500)
    return [f"Kennzahlen (Demo): 3 Kennzahlen, {len(values)} Demo-Werte für {len(municipalities)} Gemeinden"]
