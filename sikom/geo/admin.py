from django.contrib import admin

from sikom.core.admin import ReadOnlyAdmin
from sikom.geo.models import District, Municipality, PoliceDirectorate
from sikom.geo.selectors import without_boundaries


class ReferenceDataAdmin(ReadOnlyAdmin):
    """Reference data comes from `data/reference/` through `load_reference_data`: shown here, never edited by hand
    (a hand-made boundary could be invalid GeoJSON, and the next load would not know the edit)."""

    # The default manager (`WithoutBoundaries`) already leaves the megabytes of GeoJSON out of the lists.
    exclude = ["boundary"]


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceDataAdmin):
    list_display = ["name", "ags", "district", "population"]
    list_filter = ["district"]
    search_fields = ["name", "ags"]

    def get_queryset(self, request):
        return without_boundaries(super().get_queryset(request).select_related("district"), "district")


admin.site.register(District, ReferenceDataAdmin)
admin.site.register(PoliceDirectorate, ReferenceDataAdmin)
