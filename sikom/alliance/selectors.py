"""Reads of the alliance; who sees which membership, contact person and meeting is decided here and nowhere else.

- ASSKomm (verified staff): everything.
- A verified member of a municipality: its own municipality's memberships and contact persons, the meetings its
  municipality took part in, and — while it is an active member — the network directory.
- Everyone else (Expertennetzwerk, police, other agencies, the public): nothing; the public sees only the programme
  figure `members` on the programme page.
"""

from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet

from sikom.accounts.models import OrganisationType
from sikom.accounts.selectors import is_asskomm, is_member_of, municipality_of
from sikom.alliance.models import (
    ContactPerson,
    ExchangeMeeting,
    Membership,
    MembershipEvent,
    MembershipStatus,
)
from sikom.geo.models import Municipality
from sikom.geo.normalize import search_form
from sikom.geo.selectors import without_boundaries


def memberships_visible_to(user) -> QuerySet[Membership]:
    memberships = without_boundaries(
        Membership.objects.select_related("municipality__district"), "municipality", "municipality__district"
    )
    if is_asskomm(user):
        return memberships
    municipality = municipality_of(user)
    if municipality is None:
        return Membership.objects.none()
    return memberships.filter(municipality=municipality)


def can_use_alliance(user) -> bool:
    """The navigation entry »Allianz«: the ASSKomm team and municipal staff (a municipal organisation always has
    its municipality, so this needs no query beyond the user's organisation)."""
    return is_member_of(user, OrganisationType.ASSKOMM, OrganisationType.MUNICIPALITY)


def active_members() -> QuerySet[Membership]:
    return Membership.objects.filter(status=MembershipStatus.ACTIVE)


def is_active_member(municipality: Municipality | None) -> bool:
    return municipality is not None and active_members().filter(municipality=municipality).exists()


def can_see_directory(user) -> bool:
    return is_asskomm(user) or is_active_member(municipality_of(user))


def contacts_visible_to(user) -> QuerySet[ContactPerson]:
    """Who may see and edit a contact person: ASSKomm all, a municipality its own."""
    contacts = without_boundaries(ContactPerson.objects.select_related("municipality"), "municipality")
    if is_asskomm(user):
        return contacts
    municipality = municipality_of(user)
    if municipality is None:
        return ContactPerson.objects.none()
    return contacts.filter(municipality=municipality)


def directory_visible_to(user) -> QuerySet[Membership]:
    """The network directory: the active members, each with its opted-in contact persons (`directory_contacts`)."""
    if not can_see_directory(user):
        return Membership.objects.none()
    opted_in = ContactPerson.objects.filter(opted_in_directory=True).order_by("name", "pk")
    return (
        without_boundaries(
            active_members().select_related("municipality__district"), "municipality", "municipality__district"
        )
        .prefetch_related(Prefetch("municipality__alliance_contacts", queryset=opted_in, to_attr="directory_contacts"))
        .order_by("municipality__search_name")
    )


def exchange_meetings_visible_to(user) -> QuerySet[ExchangeMeeting]:
    meetings = ExchangeMeeting.objects.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("search_name"))
    )
    if is_asskomm(user):
        return meetings
    municipality = municipality_of(user)
    if municipality is None:
        return ExchangeMeeting.objects.none()
    return meetings.filter(municipalities=municipality)


def members_on(day: date) -> QuerySet[Membership]:
    """The memberships that count on `day`: joined on or before it, not left by then (left on `day` is gone)."""
    return Membership.objects.filter(joined_on__isnull=False, joined_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


def is_member(municipality: Municipality, day: date) -> bool:
    return members_on(day).filter(municipality=municipality).exists()


def member_figure_rows():
    """The programme figure »Mitgliedskommunen« (`core.figures`): one span per membership that was confirmed."""
    return Membership.objects.filter(joined_on__isnull=False).values(
        start=F("joined_on"), end=F("left_on"), district=F("municipality__district__key")
    )


def membership_listing(
    user, *, q: str = "", status: str = "", district=None, founding: bool | None = None
) -> QuerySet[Membership]:
    memberships = memberships_visible_to(user)
    for word in search_form(q).split():
        memberships = memberships.filter(municipality__search_name__contains=word)
    if status:
        memberships = memberships.filter(status=status)
    if district is not None:
        memberships = memberships.filter(municipality__district=district)
    if founding is not None:
        memberships = memberships.filter(founding=founding)
    return memberships.order_by("municipality__search_name", "-requested_at", "pk")


def history_of(membership: Membership) -> QuerySet[MembershipEvent]:
    return membership.events.select_related("by")


def current_membership(municipality: Municipality) -> Membership | None:
    """The open membership (requested or active), else the latest closed one."""
    memberships = Membership.objects.filter(municipality=municipality).select_related("municipality")
    return memberships.filter(status__in=[MembershipStatus.REQUESTED, MembershipStatus.ACTIVE]).first() or (
        memberships.order_by("-requested_at", "-pk").first()
    )


def meeting_municipality_choices(meeting: ExchangeMeeting | None = None) -> QuerySet[Municipality]:
    """Who can take part in a meeting: the active members, and whoever already took part in this one."""
    members = Municipality.objects.filter(alliance_memberships__status=MembershipStatus.ACTIVE).values("pk")
    condition = Q(pk__in=members)
    if meeting is not None and meeting.pk:
        condition |= Q(pk__in=meeting.municipalities.values("pk"))
    return Municipality.objects.filter(condition).order_by("search_name")
