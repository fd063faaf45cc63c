from django.contrib import admin

from sikom.cases.models import RoutingRule
from sikom.core import audit


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """The operating role edits the routing rules; every change goes to the audit log."""

    list_display = ["priority", "name", "target", "lead", "active"]
    list_editable = ["active"]
    ordering = ["priority"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log(
            "routing_rule.changed" if change else "routing_rule.created",
            actor=request.user,
            obj=obj,
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        audit.log("routing_rule.deleted", actor=request.user, obj=obj, data={"name": obj.name})
        super().delete_model(request, obj)
