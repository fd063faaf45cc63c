from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationConfig(AppConfig):
    """The situation report (»Lagebild«): incidents from live cases and the statistics kept after retention,
    counted by month and characteristic, shown only after disclosure control."""

    name = "sikom.situation"
    label = "situation"

    def ready(self) -> None:
        from sikom.core import housekeeping, navigation
        from sikom.situation import cube, selectors

        navigation.register(order=85, url_name="situation:report", label=_("Lagebild"), shown=selectors.can_read)
        navigation.register(order=156, url_name="situation:public", label=_("Lagebild in Zahlen"))
        housekeeping.register("situation", lambda: {"situation_months_refreshed": cube.refresh()})
