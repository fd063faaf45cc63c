"""Reads of the self-check: the current guide, a version by number, and whose saved checks are whose."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from sikom.selfcheck.models import GuideVersion, SavedCheck


def current_version() -> GuideVersion | None:
    """The newest published version: the one a new check starts with."""
    return GuideVersion.objects.filter(published_at__isnull=False).order_by("-number").first()


def published_version(number: int) -> GuideVersion | None:
    """A check in progress or a saved check keeps the version it was begun with, even after a newer one."""
    return GuideVersion.objects.filter(number=number, published_at__isnull=False).first()


def saved_checks_of(user) -> QuerySet[SavedCheck]:
    """A person's own saved checks and nobody else's (operators included: the answers are personal)."""
    if not user.is_authenticated:
        return SavedCheck.objects.none()
    return SavedCheck.objects.filter(user=user).select_related("version")


def get_saved_for(user, pk: int) -> SavedCheck:
    return get_object_or_404(saved_checks_of(user), pk=pk)
