"""Demo incidents for the situation report (only in the demo set-up): statistics as retention keeps them, drawn
from a seeded generator, so the Lagebild shows a picture with both shown and suppressed cells. The numbers are
invented; the pages say so in demo mode (`settings.SIKOM_DEMO`)."""

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from sikom.cases.models import CaseStatistic
from sikom.geo.models import District
from sikom.situation import cube

FIRST = date(2021, 1, 1)
PER_MONTH = 25
CATEGORIES = ["insult", "threat", "online_hate", "property_damage", "coercion", "private_sphere", "physical_attack"]
CATEGORY_WEIGHTS = [30, 25, 25, 8, 5, 5, 2]


def load() -> list[str]:
    if CaseStatistic.objects.exists():
        return [f"Lagebild: {cube.refresh(full=True)} Monate gezählt"]
    generator = random.Random(2021)  # noqa: S311 - demo figures, not security
    districts = list(District.objects.values_list("key", flat=True))
    rows, month, last = [], FIRST, timezone.localdate().replace(day=1)
    step = 0
    while month < last:
        step += 1
        for _number in range(PER_MONTH + step // 3):  # rising, as the seeds describe
            place = generator.choice(["office", "session", "home", "street", "online", "online"])
            rows.append(
                CaseStatistic(
                    reported_month=month,
                    closed_month=month,
                    district_key=generator.choice(districts),
                    affected_role=generator.choices(
                        ["mayor", "council_member", "candidate", "deputy", "relative"], [30, 40, 15, 10, 5]
                    )[0],
                    categories=sorted(set(generator.choices(CATEGORIES, CATEGORY_WEIGHTS, k=generator.randint(1, 2)))),
                    motives=[
                        generator.choices(["right_wing", "left_wing", "reichsbuerger", "none"], [35, 10, 10, 45])[0]
                    ],
                    place=place,
                    channel="social_network"
                    if place == "online"
                    else generator.choice(["in_person", "letter", "email"]),
                    risk_level=generator.choices([1, 2, 3, 4], [45, 35, 15, 5])[0],
                    lead_type=generator.choices(["zastex", "police_directorate", "expert_network"], [55, 40, 5])[0],
                    complaint_wish=generator.choice(["yes", "no", "undecided"]),
                )
            )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    with transaction.atomic():
        CaseStatistic.objects.bulk_create(rows, batch_size=2000)
    months = cube.refresh(full=True)
    return [f"Lagebild: {len(rows)} Demo-Vorfälle (erfunden) aus {months} Monaten"]
