"""Writes for the offer catalogue: loading the reference catalogue, creating and editing offers with history."""

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from sikom.accounts.models import User
from sikom.core import audit
from sikom.geo.normalize import search_form
from sikom.offers.models import Offer, OfferRevision, OfferTag

TEXT_FIELDS = [
    "title",
    "summary",
    "goal",
    "content",
    "provider",
    "contact_office",
    "contact_street",
    "contact_postcode_city",
    "contact_phone",
    "contact_email",
    "contact_website",
    "regional_contact",
]
FLAG_FIELDS = ["helps_in_acute_danger", "is_published"]
TAG_FIELDS = {"audiences": OfferTag.Kind.AUDIENCE, "situations": OfferTag.Kind.SITUATION}
EDITABLE_FIELDS = [*TEXT_FIELDS, *FLAG_FIELDS, *TAG_FIELDS]


class EditConflict(Exception):
    """The offer was saved by someone else since the editor opened it."""

    def __init__(self, current: Offer):
        super().__init__("offer changed meanwhile")
        self.current = current


def snapshot(offer: Offer) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(offer, name) for name in [*TEXT_FIELDS, *FLAG_FIELDS]}
    data["audiences"] = offer.audiences
    data["situations"] = offer.situations
    return data


def _apply(offer: Offer, data: dict[str, Any]) -> None:
    for name in [*TEXT_FIELDS, *FLAG_FIELDS]:
        if name in data:
            setattr(offer, name, data[name])
    offer.search_text = search_form(
        " ".join([offer.title, offer.summary, offer.goal, offer.content, offer.provider, offer.contact_office])
    )


def _set_tags(offer: Offer, data: dict[str, Any]) -> None:
    for field, kind in TAG_FIELDS.items():
        if field in data:
            offer.tags.filter(kind=kind).exclude(code__in=data[field]).delete()
            existing = set(offer.tags.filter(kind=kind).values_list("code", flat=True))
            OfferTag.objects.bulk_create(
                [OfferTag(offer=offer, kind=kind, code=code) for code in data[field] if code not in existing]
            )


def _unique_slug(title: str) -> str:
    base = slugify(title.replace("ß", "ss"))[:70] or "angebot"
    slug, n = base, 2
    while Offer.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_offer(*, by: User | None, data: dict[str, Any], slug: str = "", source: str = "") -> Offer:
    with transaction.atomic():
        offer = Offer(slug=slug or _unique_slug(data["title"]), source=source)
        _apply(offer, data)
        offer.save()
        _set_tags(offer, data)
        OfferRevision.objects.create(
            offer=offer, version=offer.version, snapshot=snapshot(offer), changed_fields=EDITABLE_FIELDS, changed_by=by
        )
        audit.log("offer.created", actor=by, obj=offer, data={"slug": offer.slug})
    return offer


def update_offer(*, offer: Offer, by: User, expected_version: int, data: dict[str, Any]) -> Offer:
    """Save an edit; refuse it when someone else saved in between (no lost updates)."""
    with transaction.atomic():
        current = Offer.objects.select_for_update().get(pk=offer.pk)
        if current.version != expected_version:
            raise EditConflict(current)
        before = snapshot(current)
        _apply(current, data)
        _set_tags(current, data)
        after = snapshot(current)
        changed = [name for name in EDITABLE_FIELDS if before[name] != after[name]]
        if not changed:
            return current
        current.version += 1
        current.save()
        OfferRevision.objects.create(
            offer=current, version=current.version, snapshot=after, changed_fields=changed, changed_by=by
        )
        audit.log("offer.updated", actor=by, obj=current, data={"version": current.version, "fields": changed})
    return current


def load_offer_catalogue(*, data_file: Path) -> dict[str, int]:
    """Create the catalogue's offers that do not exist yet; never overwrite what the ASSKomm team edited."""
    entries = json.loads(data_file.read_text(encoding="utf-8"))
    created = 0
    for entry in entries:
        if Offer.objects.filter(slug=entry["slug"]).exists():
            continue
        data = {name: entry[name] for name in EDITABLE_FIELDS if name in entry}
        data.setdefault("is_published", True)
        create_offer(by=None, data=data, slug=entry["slug"], source=entry.get("source", ""))
        created += 1
    return {"offers_created": created, "offers": Offer.objects.count()}
