from django.contrib import admin

from sikom.core import audit
from sikom.situation.models import KomoShare


@admin.register(KomoShare)
class KomoShareAdmin(admin.ModelAdmin):
    """The operating role enters the KoMo comparison values with their source; every change goes to the audit log."""

    list_display = ["year", "group", "percent", "source"]
    ordering = ["-year", "group"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log(
            "situation.komo_share_changed" if change else "situation.komo_share_created",
            actor=request.user,
            obj=obj,
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        audit.log("situation.komo_share_deleted", actor=request.user, obj=obj, data={"year": obj.year})
        super().delete_model(request, obj)
