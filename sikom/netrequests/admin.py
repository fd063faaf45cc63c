from django.contrib import admin

from sikom.core import audit
from sikom.netrequests.models import LegalAngle


@admin.register(LegalAngle)
class LegalAngleAdmin(admin.ModelAdmin):
    """The legal angles of the checklist are data the operators keep current; every change goes to the audit log.
    An angle already used in a check cannot be deleted (protected): it is set inactive instead."""

    list_display = ["order", "name", "active"]
    list_editable = ["active"]
    ordering = ["order"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log(
            "netrequests.legal_angle_changed" if change else "netrequests.legal_angle_created",
            actor=request.user,
            obj=obj,
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        audit.log("netrequests.legal_angle_deleted", actor=request.user, obj=obj, data={"name": obj.name})
        super().delete_model(request, obj)
