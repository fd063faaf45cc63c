from django.contrib import admin

from sikom.core.admin import ReadOnlyAdmin
from sikom.geo.models import District, Municipality, PoliceDirectorate


class ReferenceDataAdmin(ReadOnlyAdmin):
    """Reference data comes from `data/reference/` through `load_reference_data`: shown here, never edited by hand
    (a hand-made boundary could be invalid GeoJSON, and the next load would not know the edit)."""

    exclude = ["boundary"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary")  # megabytes of GeoJSON nobody sees here


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceDataAdmin):
    list_display = ["name", "ags", "district", "population"]
    list_filter = ["district"]
    search_fields = ["name", "ags"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("district").defer("district__boundary")


admin.site.register(District, ReferenceDataAdmin)
admin.site.register(PoliceDirectorate, ReferenceDataAdmin)
