"""The operators keep the legal angles in the admin; every change is audited, an angle in use cannot be deleted."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.netrequests.models import LegalAngle

pytestmark = pytest.mark.django_db


def test_operators_add_and_deactivate_legal_angles(client, operator):
    testing.login(client, operator)
    assert client.get(reverse("admin:netrequests_legalangle_changelist")).status_code == 200
    response = client.post(
        reverse("admin:netrequests_legalangle_add"),
        {"name": "Waffenrecht", "description": "", "order": "80", "active": "on"},
    )
    assert response.status_code == 302
    angle = LegalAngle.objects.get(name="Waffenrecht")
    assert AuditEvent.objects.filter(action="netrequests.legal_angle_created").exists()
    response = client.post(
        reverse("admin:netrequests_legalangle_change", args=[angle.pk]),
        {"name": "Waffenrecht", "description": "", "order": "80"},
    )
    assert response.status_code == 302
    angle.refresh_from_db()
    assert not angle.active
    assert AuditEvent.objects.filter(action="netrequests.legal_angle_changed").exists()


def test_other_staff_do_not_reach_the_admin(client, expert_network):
    testing.login(client, expert_network)
    response = client.get(reverse("admin:netrequests_legalangle_changelist"))
    assert response.status_code in (302, 403)
