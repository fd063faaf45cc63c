from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _figure_rows():
    from django.db.models import DateField, F, Value

    from sikom.consultations.models import Consultation

    # A running total: each consultation counts from its day on, for good.
    return Consultation.objects.values(
        start=F("date"), end=Value(None, output_field=DateField()), district=F("municipality__district__key")
    )


class ConsultationsConfig(AppConfig):
    name = "sikom.consultations"
    label = "consultations"

    def ready(self) -> None:
        from sikom.consultations.selectors import can_read_consultations
        from sikom.core import figures, navigation

        navigation.register(
            order=120, url_name="consultations:list", label=_("Beratungen"), shown=can_read_consultations
        )
        figures.register(
            figures.Figure(
                key="consultations",
                label=_("Beratungen"),
                order=20,
                rows=_figure_rows,
                public=True,
                description=_("Beratungen des ASSKomm-Teams zu den Angeboten der Landesstrategie, seit Februar 2019."),
            )
        )
