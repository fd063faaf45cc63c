from django.contrib.admin import apps as admin_apps


class OperatorAdminConfig(admin_apps.AdminConfig):
    """The Django admin, for platform operators only, behind the same login and second factor as every staff page."""

    default = False
    default_site = "sikom.accounts.admin_site.OperatorAdminSite"
