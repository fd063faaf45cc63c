from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "sikom.offers"
    label = "offers"

    def ready(self) -> None:
        from sikom.core import navigation
        from sikom.offers.selectors import can_manage_offers

        navigation.register(order=30, url_name="offers:list", label=_("Angebote"))
        navigation.register(order=40, url_name="offers:finder", label=_("Wegweiser"))
        navigation.register(
            order=90,
            url_name="offers:manage",
            label=_("Angebote verwalten"),
            shown=can_manage_offers,
        )
