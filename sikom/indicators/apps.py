from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """Objective factors of the safety analysis: police crime statistics and other indicators per municipality."""

    name = "sikom.indicators"
    label = "indicators"

    def ready(self) -> None:
        from sikom.core import housekeeping, navigation
        from sikom.indicators import selectors, services

        navigation.register(order=127, url_name="indicators:list", label=_("Kennzahlen"), shown=selectors.can_read)
        housekeeping.register("indicator_uploads", services.purge_pending)
