from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "sikom.core"
    label = "core"


class SikomAdminConfig(admin_apps.AdminConfig):
    """The Django admin, for platform operators only, behind the second factor like every staff page."""

    default = False
    default_site = "django_otp.admin.OTPAdminSite"
