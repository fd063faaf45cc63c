from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The shell: home page, »Mein Bereich«, reference and demo data. It sits on top and may use every app; no app
    imports it."""

    name = "sikom.portal"
    label = "portal"

    def ready(self) -> None:
        from sikom.accounts.selectors import is_verified_staff
        from sikom.core import navigation

        navigation.register(order=0, url_name="portal:home", label=_("Startseite"))
        navigation.register(
            order=60, url_name="portal:my_area", label=_("Mein Bereich"), shown=lambda user: user.is_authenticated
        )
        navigation.register(
            order=100,
            url_name="admin:index",
            label=_("Plattformverwaltung"),
            shown=lambda user: is_verified_staff(user) and user.is_superuser,
        )
