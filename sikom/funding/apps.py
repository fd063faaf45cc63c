from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _figure_rows():
    from django.db.models import DateField, F, Value
    from django.db.models.functions import TruncDate

    from sikom.funding.models import FUNDED, Application

    # A running total: a funded project counts from the day of its decision on, for good.
    return Application.objects.filter(status__in=FUNDED, decided_at__isnull=False).values(
        start=TruncDate("decided_at"),
        end=Value(None, output_field=DateField()),
        district=F("municipality__district__key"),
    )


class FundingConfig(AppConfig):
    """The funding guideline »Kommunale Prävention«: calls, applications, review, decisions, budget, payments."""

    name = "sikom.funding"
    label = "funding"

    def ready(self) -> None:
        from sikom.core import figures, housekeeping, navigation
        from sikom.funding import files, selectors

        housekeeping.register("funding_attachment_files", files.housekeeping)

        navigation.register(order=60, url_name="funding:calls", label=_("Förderung"))
        navigation.register(
            order=125, url_name="funding:applications", label=_("Förderanträge"), shown=selectors.sees_applications_menu
        )
        # An assigned reviewer of another office has no menu entry (its rule asks the database): »Mein Bereich« links it.
        navigation.register_personal(
            order=40, url_name="funding:applications", label=_("Förderanträge"), shown=selectors.can_list_applications
        )
        figures.register(
            figures.Figure(
                key="funded_projects",
                label=_("Geförderte Projekte"),
                order=70,
                rows=_figure_rows,
                public=True,
                description=_("Projekte, die nach der Richtlinie »Kommunale Prävention« bewilligt wurden."),
            )
        )
