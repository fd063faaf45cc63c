from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "sikom.programme"
    label = "programme"

    def ready(self) -> None:
        from sikom.accounts.selectors import is_asskomm
        from sikom.core import navigation

        navigation.register(order=150, url_name="programme:dashboard", label=_("Programm"), shown=is_asskomm)
        navigation.register(order=155, url_name="programme:public", label=_("Zahlen"))
