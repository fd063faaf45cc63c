"""The one audit log. Every write service and every read of sensitive data calls ``log``.

On PostgreSQL an entry written inside a transaction goes through a second connection (alias ``audit``) that commits
at once, so the record of an attempt survives when the surrounding transaction is rolled back. SQLite allows one
writer at a time, so there the entry shares the request's transaction (documented in docs/decisions/0013).

An entry that states an outcome (``atomic=True``, e.g. »report.submitted«) is instead written in the surrounding
transaction on every database, so it exists exactly when what it asserts was committed; the attempt is logged before
the transaction begins.
"""

from typing import Any

from django.conf import settings
from django.db import connections, models, transaction

from sikom.core.models import AuditEvent

AUDIT_ALIAS = "audit"


def _independent() -> bool:
    return (
        settings.AUDIT_OUTSIDE_TRANSACTIONS
        and AUDIT_ALIAS in connections.settings
        and connections["default"].vendor == "postgresql"
        and transaction.get_connection().in_atomic_block
    )


def entries_for(obj: models.Model, *, limit: int = 500):
    """The log of one object, newest first (the model's ordering), at most ``limit`` entries: for the supervisors'
    page of a case."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")[
        :limit
    ]


def log(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    atomic: bool = False,
) -> AuditEvent:
    authenticated = actor is not None and actor.is_authenticated
    entry = AuditEvent(
        action=action,
        actor=actor if authenticated else None,
        actor_organisation=actor.organisation_name if authenticated else "",
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
    entry.save(using=AUDIT_ALIAS if not atomic and _independent() else "default")
    return entry
