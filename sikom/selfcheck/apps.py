from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfcheckConfig(AppConfig):
    """The security self-check (»Sicherheitsleitfaden« as an interactive check) with a personal action plan."""

    name = "sikom.selfcheck"
    label = "selfcheck"

    def ready(self) -> None:
        from sikom.core import navigation

        navigation.register(order=45, url_name="selfcheck:start", label=_("Selbstcheck"))
