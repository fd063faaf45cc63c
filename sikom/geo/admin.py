from django.contrib import admin

from sikom.geo.models import District, Municipality, PoliceDirectorate


class ReferenceDataAdmin(admin.ModelAdmin):
    """Reference data comes from `data/reference/` through `load_reference_data`: shown here, never edited by hand
    (a hand-made boundary could be invalid GeoJSON, and the next load would not know the edit)."""

    exclude = ["boundary"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary")  # megabytes of GeoJSON nobody sees here

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceDataAdmin):
    list_display = ["name", "ags", "district", "population"]
    list_filter = ["district"]
    search_fields = ["name", "ags"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("district").defer("district__boundary")


admin.site.register(District, ReferenceDataAdmin)
admin.site.register(PoliceDirectorate, ReferenceDataAdmin)
