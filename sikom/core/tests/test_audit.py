import pytest
from django.db import connection, connections, transaction

from sikom.core import audit
from sikom.core.models import AuditEvent


@pytest.mark.django_db
def test_entries_name_actor_organisation_and_object(zastex):
    entry = audit.log("case.viewed", actor=zastex, obj=zastex.organisation, data={"x": 1})
    assert entry.actor == zastex and entry.actor_organisation == zastex.organisation.name
    assert entry.object_type == "accounts.organisation" and entry.object_id == str(zastex.organisation_id)


@pytest.mark.django_db(transaction=True, databases=["default", "audit"])
def test_entry_survives_a_rolled_back_transaction(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the entry shares the transaction there (decision 0013)")
    settings.AUDIT_OUTSIDE_TRANSACTIONS = True
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.log("case.export_failed")
            raise RuntimeError("export crashed")
        assert AuditEvent.objects.filter(action="case.export_failed").exists()
    finally:
        connections[audit.AUDIT_ALIAS].close()  # lets the test database be dropped at the end of the run
