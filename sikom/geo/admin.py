from django.contrib import admin

from sikom.geo.models import District, Municipality, PoliceDirectorate


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "district", "population"]
    list_filter = ["district"]
    search_fields = ["name", "ags"]
    exclude = ["boundary"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(District)
admin.site.register(PoliceDirectorate)
