from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """The public intake: report steps, submission, receipt and follow-up."""

    name = "sikom.intake"
    label = "intake"

    def ready(self) -> None:
        from sikom.core import housekeeping, navigation
        from sikom.intake import services

        navigation.register(order=10, url_name="intake:start", label=_("Vorfall melden"))
        navigation.register(order=20, url_name="intake:followup", label=_("Meldung verfolgen"))
        navigation.register(
            order=70,
            url_name="intake:my_reports",
            label=_("Meine Meldungen"),
            shown=lambda user: user.is_authenticated and not user.must_use_two_factor,
        )
        housekeeping.register("intake", services.housekeeping)
