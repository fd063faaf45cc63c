from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sikom.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "district", "police_directorate", "municipality"]
    list_filter = ["type"]
    search_fields = ["name"]
    autocomplete_fields = ["municipality"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "organisation__type"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password", "organisation"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "organisation", "password1", "password2"]})
    ]
    filter_horizontal = ["groups"]
