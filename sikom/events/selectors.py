"""Reads of events and registrations; who sees and manages what is decided here and nowhere else.

Everyone sees published events; the ASSKomm team also sees drafts and manages every event. Registrations are seen by
the ASSKomm team, by the account that made them, and by whoever holds the link from the e-mail (`services`)."""

from datetime import date, datetime, time

from django.db.models import DateField, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from sikom.accounts.selectors import is_asskomm
from sikom.events.models import (
    HOLDS_SEATS,
    TRAINING_TYPES,
    Event,
    EventTargetGroup,
    Person,
    Registration,
    RegistrationStatus,
    Session,
)


def can_manage_events(user) -> bool:
    return is_asskomm(user)


def events_visible_to(user) -> QuerySet[Event]:
    if can_manage_events(user):
        return Event.objects.all()
    return Event.objects.filter(is_published=True)


def events_manageable_by(user) -> QuerySet[Event]:
    if not can_manage_events(user):
        return Event.objects.none()
    return Event.objects.all()


def sessions_visible_to(user) -> QuerySet[Session]:
    return Session.objects.filter(event__in=events_visible_to(user)).select_related("event")


def sessions_manageable_by(user) -> QuerySet[Session]:
    return Session.objects.filter(event__in=events_manageable_by(user)).select_related("event")


def with_seats(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Each session with `held` (seats confirmed or offered) and `free` (capacity minus held)."""
    return sessions.annotate(
        held=Coalesce(
            Sum("registrations__seats", filter=Q(registrations__status__in=HOLDS_SEATS)),
            Value(0),
            output_field=IntegerField(),
        ),
    ).annotate(free=F("capacity") - F("held"))


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    year, number = (int(part) for part in month.split("-"))
    start = date(year, number, 1)
    end = date(year + (number == 12), number % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


def upcoming_events(
    user, *, type: str = "", target_group: str = "", month: str = "", district: str = ""
) -> QuerySet[Event]:
    """The public list: events with a session still to come (in `month`, when given), each with those sessions and
    their seats prefetched; a constant number of queries however many events there are."""
    now = timezone.now()
    sessions = Session.objects.filter(ends_at__gt=now)
    if month:
        start, end = _month_bounds(month)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=end)
    events = events_visible_to(user).filter(Exists(sessions.filter(event=OuterRef("pk"))))
    if type:
        events = events.filter(type=type)
    if target_group:
        events = events.filter(Exists(EventTargetGroup.objects.filter(event=OuterRef("pk"), code=target_group)))
    if district:
        events = events.filter(district__key=district)
    first = sessions.filter(event=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
    return (
        events.select_related("district")
        .prefetch_related(
            Prefetch("sessions", queryset=with_seats(sessions).order_by("starts_at", "pk"), to_attr="upcoming"),
            Prefetch("audience_rows", queryset=EventTargetGroup.objects.order_by("pk")),
        )
        .annotate(first_start=first[:1])
        .order_by("first_start", "title", "pk")
    )


def events_open_for_registration() -> QuerySet[Event]:
    """Published events with a session still to come: what another app (a participation format) may point people
    to for registering."""
    upcoming = Session.objects.filter(event=OuterRef("pk"), ends_at__gt=timezone.now())
    return Event.objects.filter(is_published=True).filter(Exists(upcoming)).order_by("title", "pk")


def event_sessions(event: Event) -> list[Session]:
    return list(with_seats(event.sessions.all()).order_by("starts_at", "pk"))


def feed_sessions() -> QuerySet[Session]:
    """Sessions of published events that have not ended, for the public calendar feed."""
    return (
        Session.objects.filter(event__is_published=True, ends_at__gt=timezone.now())
        .select_related("event")
        .order_by("starts_at", "pk")
    )


def registrations_of(user) -> QuerySet[Registration]:
    if not user.is_authenticated:
        return Registration.objects.none()
    return (
        Registration.objects.filter(user=user).select_related("session__event").order_by("-session__starts_at", "-pk")
    )


def registrations_for_staff(session: Session) -> QuerySet[Registration]:
    return session.registrations.prefetch_related("persons").order_by("status", "queue_position", "created_at", "pk")


def waiting_list(session: Session) -> list[Registration]:
    return list(
        session.registrations.filter(status=RegistrationStatus.WAITING)
        .prefetch_related("persons")
        .order_by("queue_position", "pk")
    )


# Figures: rows of spans for core.figures (see its docstring).


def training_rows():
    """Sessions of training types that took place (ended): start = the session's date."""
    return (
        Session.objects.filter(event__type__in=TRAINING_TYPES, ends_at__lte=timezone.now())
        .annotate(start=_date("starts_at"), end=Value(None, output_field=DateField()), district=_district())
        .values("start", "end", "district")
    )


def participant_rows():
    """Confirmed persons of sessions that took place, one row per registration's person. Attendance is not yet
    recorded (next step of the events work): until then, confirmed registrations count as participants."""
    return (
        Person.objects.filter(
            registration__status=RegistrationStatus.CONFIRMED, registration__session__ends_at__lte=timezone.now()
        )
        .annotate(
            start=_date("registration__session__starts_at"),
            end=Value(None, output_field=DateField()),
            district=_district("registration__session__"),
        )
        .values("start", "end", "district")
    )


def _date(field: str):
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _district(prefix: str = ""):
    return F(f"{prefix}event__district__key")
