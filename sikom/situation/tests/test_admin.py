"""The operators keep the KoMo comparison values in the admin; every change is audited and the public page shows it."""

import pytest
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.situation.models import KomoShare

pytestmark = pytest.mark.django_db


def test_the_2023_values_are_stored_with_their_source():
    shares = {share.group: share for share in KomoShare.objects.filter(year=2023)}
    assert {group: int(share.percent) for group, share in shares.items()} == {
        "verbal_written": 72,
        "online": 26,
        "physical": 2,
    }
    assert all("BKA" in share.source and "KoMo" in share.source for share in shares.values())


def test_komo_values_are_edited_in_the_admin_and_audited(client, operator):
    testing.login(client, operator)
    response = client.post(
        reverse("admin:situation_komoshare_add"),
        {"year": 2024, "group": "online", "percent": "25.5", "source": "Testquelle"},
    )
    assert response.status_code == 302
    share = KomoShare.objects.get(year=2024, group="online")
    assert AuditEvent.objects.filter(action="situation.komo_share_created", object_id=str(share.pk)).exists()
    response = client.post(
        reverse("admin:situation_komoshare_add"),
        {"year": 2024, "group": "online", "percent": "abc", "source": ""},
    )
    assert response.status_code == 200 and KomoShare.objects.filter(year=2024).count() == 1
