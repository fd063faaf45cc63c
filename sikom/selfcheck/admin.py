"""The operators edit the guide in the admin: drafts are editable, published versions are read-only (decision 0040).

To change a published guide, copy it into a new draft (action »Als neuen Entwurf kopieren«), edit, publish."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from sikom.core import audit
from sikom.selfcheck import services
from sikom.selfcheck.models import Advice, Choice, GuideVersion, Question, Topic


def _draft_versions():
    return GuideVersion.objects.filter(published_at__isnull=True)


class FrozenWhenPublished(admin.ModelAdmin):
    """Parts of a published version can be read, not changed or deleted; new parts only go into drafts."""

    audit_name = ""

    def _is_frozen(self, obj) -> bool:
        version = obj.guide_version() if obj is not None else None
        return version is not None and version.is_published

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._is_frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._is_frozen(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log(
            f"selfcheck.{self.audit_name}_{'changed' if change else 'created'}",
            actor=request.user,
            obj=obj,
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        audit.log(f"selfcheck.{self.audit_name}_deleted", actor=request.user, obj=obj, data={})
        super().delete_model(request, obj)


@admin.register(GuideVersion)
class GuideVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "published_at", "created_at"]
    readonly_fields = ["published_at"]
    actions = ["publish", "copy"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_published)

    def get_changeform_initial_data(self, request):
        top = GuideVersion.objects.order_by("-number").first()
        return {"number": (top.number + 1) if top else 1}

    @admin.action(description=_("Veröffentlichen (danach nicht mehr änderbar)"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.publish_version(version=version, by=request.user)
            except services.Refused as refused:
                self.message_user(request, f"{version}: {refused}", messages.ERROR)
            else:
                self.message_user(request, _("%(version)s ist veröffentlicht.") % {"version": version})

    @admin.action(description=_("Als neuen Entwurf kopieren"))
    def copy(self, request, queryset):
        for version in queryset:
            draft = services.copy_version(version=version, by=request.user)
            self.message_user(request, _("%(draft)s angelegt.") % {"draft": draft})


@admin.register(Topic)
class TopicAdmin(FrozenWhenPublished):
    audit_name = "topic"
    list_display = ["title", "version", "order"]
    list_filter = ["version"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = _draft_versions()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["key", "label", "order"]


@admin.register(Question)
class QuestionAdmin(FrozenWhenPublished):
    audit_name = "question"
    list_display = ["text", "topic", "version", "order"]
    list_filter = ["version", "topic__key"]
    inlines = [ChoiceInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = _draft_versions()
        elif db_field.name == "topic":
            kwargs["queryset"] = Topic.objects.filter(version__published_at__isnull=True)
        elif db_field.name == "opened_by":
            kwargs["queryset"] = Choice.objects.filter(question__version__published_at__isnull=True).select_related(
                "question"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Advice)
class AdviceAdmin(FrozenWhenPublished):
    audit_name = "advice"
    list_display = ["title", "urgency", "choice"]
    list_filter = ["choice__question__version", "urgency"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "choice":
            kwargs["queryset"] = Choice.objects.filter(question__version__published_at__isnull=True).select_related(
                "question"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
