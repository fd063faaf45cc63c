from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfcheckConfig(AppConfig):
    """The security self-check (»Sicherheitsleitfaden« as an interactive check) with a personal action plan."""

    name = "sikom.selfcheck"
    label = "selfcheck"

    def ready(self) -> None:
        from sikom.core import navigation

        navigation.register(order=45, url_name="selfcheck:start", label=_("Selbstcheck"))
        navigation.register_personal(
            order=30,
            url_name="selfcheck:saved_list",
            label=_("Meine gespeicherten Selbstchecks"),
            shown=lambda user: user.is_authenticated,
        )
