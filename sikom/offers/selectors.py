"""Reads of the catalogue; who may see and manage offers is decided here and nowhere else."""

from django.db.models import Prefetch, Q, QuerySet

from sikom.accounts.models import OrganisationType
from sikom.accounts.selectors import is_member_of
from sikom.geo.normalize import search_form
from sikom.offers.models import Offer, OfferRevision, OfferTag


def can_manage_offers(user) -> bool:
    return is_member_of(user, OrganisationType.ASSKOMM)


def offers_visible_to(user) -> QuerySet[Offer]:
    """Everyone sees published offers; the ASSKomm team also sees drafts and withdrawn ones."""
    offers = Offer.objects.prefetch_related(Prefetch("tags", queryset=OfferTag.objects.order_by("pk")))
    if can_manage_offers(user):
        return offers
    return offers.filter(is_published=True)


def offers_manageable_by(user) -> QuerySet[Offer]:
    if not can_manage_offers(user):
        return Offer.objects.none()
    return offers_visible_to(user)


def search_offers(
    user, *, text: str = "", situation: str = "", audience: str = "", provider: str = ""
) -> QuerySet[Offer]:
    """Every word must occur (umlauts and case folded, so »Übergriff« finds »uebergriff«)."""
    offers = offers_visible_to(user)
    for word in search_form(text).split():
        offers = offers.filter(search_text__contains=word)
    if situation:
        offers = offers.filter(tags__kind=OfferTag.Kind.SITUATION, tags__code=situation)
    if audience:
        offers = offers.filter(
            Q(pk__in=OfferTag.objects.filter(kind=OfferTag.Kind.AUDIENCE, code=audience).values("offer"))
        )
    if provider:
        offers = offers.filter(provider=provider)
    return offers.distinct().order_by("title")


def providers(user) -> list[str]:
    return sorted(set(offers_visible_to(user).values_list("provider", flat=True)))


def revisions_of(offer: Offer) -> QuerySet[OfferRevision]:
    return offer.revisions.select_related("changed_by__organisation")
