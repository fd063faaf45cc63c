from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "sikom.accounts"
    label = "accounts"

    def ready(self) -> None:
        from sikom.accounts.selectors import can_manage_users
        from sikom.core import navigation

        navigation.register(
            order=95, url_name="accounts:account_list", label=_("Benutzerkonten"), shown=can_manage_users
        )


class OperatorAdminConfig(admin_apps.AdminConfig):
    """The Django admin, for platform operators only, behind the same login and second factor as every staff page."""

    default = False
    default_site = "sikom.accounts.admin_site.OperatorAdminSite"
