from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "sikom.coaching"
    label = "coaching"

    def ready(self) -> None:
        from sikom.coaching import selectors, services
        from sikom.core import figures, housekeeping, navigation

        housekeeping.register("coaching_orphan_files", services.housekeeping)

        navigation.register(
            order=130, url_name="coaching:list", label=_("Coaching"), shown=selectors.works_with_coachings
        )
        figures.register(
            figures.Figure(
                key="coachings_running",
                label=_("Coachingprozesse laufend"),
                order=30,
                rows=selectors.figure_rows_running,
            )
        )
        figures.register(
            figures.Figure(
                key="coachings",
                label=_("Coachingprozesse gesamt"),
                order=31,
                rows=selectors.figure_rows_total,
                description=_("Alle begonnenen Coachingprozesse zur kommunalen Präventionsstrategie."),
            )
        )
