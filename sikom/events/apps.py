from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Trainings, conferences and other events: sessions, registration with waiting list, calendar."""

    name = "sikom.events"
    label = "events"

    def ready(self) -> None:
        from sikom.core import figures, housekeeping, navigation
        from sikom.events import selectors, services

        navigation.register(order=50, url_name="events:list", label=_("Veranstaltungen"))
        navigation.register(
            order=115, url_name="events:manage", label=_("Veranstaltungen verwalten"), shown=selectors.can_manage_events
        )
        navigation.register_personal(
            order=20, url_name="events:mine", label=_("Meine Anmeldungen"), shown=lambda user: user.is_authenticated
        )
        housekeeping.register("event_registrations", services.expire_overdue)
        housekeeping.register("event_feedback", services.invite_feedback)
        housekeeping.register("event_retention", services.purge_personal_data)
        figures.register(
            figures.Figure(
                key="trainings",
                label=_("Schulungen"),
                order=60,
                rows=selectors.training_rows,
                description=_(
                    "Termine von Deeskalations-, Kommunikations- und Argumentationstrainings, die stattgefunden haben."
                ),
            )
        )
        figures.register(
            figures.Figure(
                key="participants",
                label=_("Teilnehmende"),
                order=61,
                rows=selectors.participant_rows,
                description=_("Personen, die bei vergangenen Terminen als anwesend erfasst wurden."),
            )
        )
