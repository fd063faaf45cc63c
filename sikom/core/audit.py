"""The one audit log. Every write service and every read of sensitive data calls ``log``."""

from typing import Any

from django.db import models

from sikom.core.models import AuditEvent


def log(action: str, *, actor=None, obj: models.Model | None = None, data: dict[str, Any] | None = None) -> AuditEvent:
    organisation = getattr(actor, "organisation", None) if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_organisation=organisation.name if organisation else "",
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
