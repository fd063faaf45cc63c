from django.contrib import admin

from sikom.core.models import AuditEvent, OperatorDetails


@admin.register(OperatorDetails)
class OperatorDetailsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not OperatorDetails.objects.exists()


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to the operators, never changed by hand in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "actor_organisation", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["action", "object_id"]
