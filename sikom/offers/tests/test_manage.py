import pytest
from django.urls import reverse

from sikom import testing
from sikom.core.models import AuditEvent
from sikom.offers import services
from sikom.offers.models import Offer, OfferRevision

pytestmark = pytest.mark.django_db


def form_data(offer, **changes):
    data = {**services.snapshot(offer), "version": offer.version} | changes
    return {key: value for key, value in data.items() if value not in (False, None)}


def test_asskomm_edits_an_offer_and_the_history_shows_it(client, asskomm):
    offer = Offer.objects.get(slug="zastex")
    testing.login(client, asskomm)
    response = client.post(reverse("offers:edit", args=["zastex"]), form_data(offer, summary="Neue Kurzfassung."))
    assert response["Location"] == reverse("offers:detail", args=["zastex"])
    offer.refresh_from_db()
    assert offer.summary == "Neue Kurzfassung." and offer.version == 2
    revision = OfferRevision.objects.get(offer=offer, version=2)
    assert revision.changed_fields == ["summary"] and revision.changed_by == asskomm
    assert AuditEvent.objects.filter(action="offer.updated", actor=asskomm, object_id=str(offer.pk)).exists()
    html = client.get(reverse("offers:history", args=["zastex"])).content.decode()
    assert "Neue Kurzfassung." in html and asskomm.full_name in html and "Version 2" in html


def test_saving_without_changes_creates_no_revision(client, asskomm):
    offer = Offer.objects.get(slug="zmi")
    testing.login(client, asskomm)
    client.post(reverse("offers:edit", args=["zmi"]), form_data(offer))
    assert OfferRevision.objects.filter(offer=offer).count() == 1


def test_a_concurrent_edit_is_not_lost(client, asskomm):
    offer = Offer.objects.get(slug="zmi")
    stale = form_data(offer, summary="Meine Fassung")
    services.update_offer(offer=offer, by=asskomm, expected_version=offer.version, data={"summary": "Andere Fassung"})
    testing.login(client, asskomm)
    html = client.post(reverse("offers:edit", args=["zmi"]), stale).content.decode()
    assert "inzwischen von jemand anderem geändert" in html
    offer.refresh_from_db()
    assert offer.summary == "Andere Fassung"


def test_asskomm_creates_a_draft_offer(client, asskomm):
    testing.login(client, asskomm)
    data = {
        "title": "Neues Präventionsforum",
        "summary": "Ein Forum.",
        "goal": "Austausch.",
        "content": "- Vorträge\n- Gespräche",
        "provider": "Landespräventionsrat Sachsen",
        "audiences": ["municipal_staff"],
        "situations": ["prevention_work"],
        "contact_email": "lpr@smi.sachsen.de",
    }
    response = client.post(reverse("offers:create"), data)
    offer = Offer.objects.get(title="Neues Präventionsforum")
    assert response["Location"] == reverse("offers:detail", args=[offer.slug])
    assert offer.slug == "neues-praventionsforum" and not offer.is_published
    assert offer.situations == ["prevention_work"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"audiences": []}, "Bitte wählen Sie mindestens eine Zielgruppe."),
        ({"situations": ["erfunden"]}, "Diese Auswahl gibt es nicht."),
        ({"contact_email": "keine-adresse"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ({"contact_phone": "ruf an"}, "Telefonnummer nur mit Ziffern"),
        ({"summary": "x" * 401}, "höchstens 400 Zeichen"),
        ({"regional_contact": "geheimdienst"}, "Diese Auswahl gibt es nicht."),
        (
            {"contact_office": "", "contact_email": "", "contact_phone": "", "contact_website": ""},
            "Bitte geben Sie eine Kontaktmöglichkeit an",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, asskomm, changes, message):
    offer = Offer.objects.get(slug="zastex")
    testing.login(client, asskomm)
    response = client.post(reverse("offers:edit", args=["zastex"]), form_data(offer, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Offer.objects.get(slug="zastex").version == 1


def test_markup_in_texts_is_shown_escaped(client, asskomm):
    offer = Offer.objects.get(slug="zmi")
    testing.login(client, asskomm)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(reverse("offers:edit", args=["zmi"]), form_data(offer, title=payload, content=payload))
    html = client.get(reverse("offers:detail", args=["zmi"])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_history_renders_lists_and_flags_readably(client, asskomm):
    offer = Offer.objects.get(slug="zmi")
    services.update_offer(
        offer=offer, by=asskomm, expected_version=1, data={"situations": ["online_hate"], "helps_in_acute_danger": True}
    )
    testing.login(client, asskomm)
    html = client.get(reverse("offers:history", args=["zmi"])).content.decode()
    assert "Hass im Netz" in html and "['online_hate']" not in html
    assert "Ja" in html


def test_loading_the_catalogue_again_keeps_edits(asskomm):
    from django.core.management import call_command

    offer = Offer.objects.get(slug="zastex")
    services.update_offer(offer=offer, by=asskomm, expected_version=1, data={"summary": "Bearbeitet"})
    call_command("load_reference_data", verbosity=0)
    assert Offer.objects.get(slug="zastex").summary == "Bearbeitet"
    assert Offer.objects.count() == 19
