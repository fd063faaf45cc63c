"""The initial legal angles of the checklist, as the issue names them: the Expertennetzwerk checks a matter »unter
allen rechtlichen Blickwinkeln« (seed 002). They are data: the operators edit, reorder, add or deactivate them in
the admin; these rows are created only when there are none at all (`manage.py load_reference_data`)."""

from sikom.netrequests.models import LegalAngle

DEFAULT_ANGLES = [
    ("Versammlungsrecht", "Beschränkungen oder Verbot."),
    ("Bau- und Planungsrecht", "Nutzungsgenehmigungen, Vorkaufsrechte."),
    ("Gewerbe- und Gaststättenrecht", ""),
    ("Jugendschutz", ""),
    ("Allgemeines Ordnungsrecht", ""),
    ("Vereinsrecht", ""),
    ("Miet- und Vertragsrecht bei kommunalen Räumen", ""),
]


def ensure_default_angles() -> int:
    if LegalAngle.objects.exists():
        return 0
    LegalAngle.objects.bulk_create(
        [
            LegalAngle(name=name, description=description, order=order * 10)
            for order, (name, description) in enumerate(DEFAULT_ANGLES, start=1)
        ]
    )
    return len(DEFAULT_ANGLES)
