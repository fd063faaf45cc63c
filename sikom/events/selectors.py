"""Reads of events and registrations; who sees and manages what is decided here and nowhere else.

Everyone sees published events; the ASSKomm team also sees drafts and manages every event. Registrations are seen by
the ASSKomm team, by the account that made them, and by whoever holds the link from the e-mail (`services`)."""

from datetime import date, datetime, time

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from sikom.accounts.selectors import is_asskomm
from sikom.events.models import (
    HOLDS_SEATS,
    TRAINING_TYPES,
    Attendance,
    Event,
    EventTargetGroup,
    FeedbackAnswer,
    NewsItem,
    Person,
    Publication,
    PublicationTopic,
    Registration,
    RegistrationStatus,
    Session,
)
from sikom.geo.selectors import without_boundaries


def can_manage_events(user) -> bool:
    return is_asskomm(user)


def _visible_events(user, path: str = "") -> Q:
    """Which events `user` sees, as a condition on the event at `path` (so a query of sessions can join it)."""
    if can_manage_events(user):
        return Q()
    return Q(**{f"{path}is_published": True})


def events_visible_to(user) -> QuerySet[Event]:
    return Event.objects.filter(_visible_events(user))


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


class _EventsByFirstSession:
    """The upcoming events as the paginator sees them: counted as events, sliced as their first upcoming sessions.

    Ordering every event by a subquery for its first session costs one subquery per matching event before the first
    row comes back (19 ms for 5,000 events on SQLite). The first upcoming session of each event (none of its other
    upcoming sessions starts earlier) stands for the event instead: the database walks the index on the sessions'
    start and stops after one page (0.2 ms). The page's events then get their sessions with seats in one query."""

    def __init__(self, events: QuerySet[Event], firsts: QuerySet[Session], sessions: QuerySet[Session]):
        self._events, self._firsts, self._sessions = events, firsts, sessions

    def count(self) -> int:
        return self._events.count()

    def __getitem__(self, window: slice) -> list[Event]:
        events = [first.event for first in self._firsts[window]]
        upcoming = self._sessions.only("event_id", "starts_at", "online_url", "capacity")
        prefetch_related_objects(
            events, Prefetch("sessions", queryset=with_seats(upcoming).order_by("starts_at", "pk"), to_attr="upcoming")
        )
        return events


def upcoming_events_page(
    user, number, *, per_page: int, type: str = "", target_group: str = "", month: str = "", district: str = ""
) -> Page:
    """One page of the public list: events with a session still to come (in `month`, when given) in the order of
    their first such session, then title; each with those sessions and their seats. Three queries whatever the number
    of events; `number` is taken as `Paginator.get_page` takes it (anything invalid gives a valid page)."""
    now = timezone.now()
    sessions = Session.objects.filter(ends_at__gt=now)
    if month:
        start, end = _month_bounds(month)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=end)
    # The conditions on the event, joined rather than as `event_id IN (…)`: with an IN list, SQLite drives the query
    # from the events and sorts them all instead of walking the sessions' start index.
    chosen = _visible_events(user, "event__")
    if type:
        chosen &= Q(event__type=type)
    if target_group:
        chosen &= Exists(EventTargetGroup.objects.filter(event=OuterRef("event_id"), code=target_group))
    if district:
        chosen &= Q(event__district__key=district)
    earlier = sessions.filter(event=OuterRef("event")).filter(
        Q(starts_at__lt=OuterRef("starts_at")) | Q(starts_at=OuterRef("starts_at"), pk__lt=OuterRef("pk"))
    )
    firsts = without_boundaries(
        sessions.filter(chosen, ~Exists(earlier))
        .select_related("event__district")
        # What a card shows: the long texts (description, report) stay in the database.
        .only(
            "starts_at",
            "event__title",
            "event__type",
            "event__summary",
            "event__is_published",
            "event__district__name",
        )
        .order_by("starts_at", "event__title", "event_id"),
        "event__district",
    )
    # Counted as the distinct events of the matching sessions: one pass over the sessions, no second look-up of
    # the events by key (a third cheaper than `Event … WHERE id IN (sessions)` on SQLite).
    counted = sessions.filter(chosen).values("event_id").distinct()
    return Paginator(_EventsByFirstSession(counted, firsts, sessions), per_page).get_page(number)


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
    """Persons marked present at sessions that took place, one row per attendance. Attendance rows outlive the
    deletion of personal data (retention), so the figure stays."""
    return (
        Attendance.objects.filter(session__ends_at__lte=timezone.now())
        .annotate(
            start=_date("session__starts_at"),
            end=Value(None, output_field=DateField()),
            district=_district("session__"),
        )
        .values("start", "end", "district")
    )


def _date(field: str):
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _district(prefix: str = ""):
    return F(f"{prefix}event__district__key")


# Attendance and certificates


def attendance_list(session: Session) -> list[Person]:
    """The persons of the session's confirmed registrations, each with `present` (bool), in name order."""
    persons = list(
        Person.objects.filter(registration__session=session, registration__status=RegistrationStatus.CONFIRMED)
        .select_related("registration", "attendance")
        .order_by("name", "pk")
    )
    for person in persons:
        person.present = hasattr(person, "attendance") and person.attendance is not None
    return persons


def _is_present(person: Person) -> bool:
    try:
        return person.attendance is not None
    except Attendance.DoesNotExist:
        return False


def present_persons(registration: Registration) -> list[Person]:
    """The persons of a registration who were marked present (their certificates)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return []
    return list(registration.persons.filter(attendance__isnull=False).order_by("position", "pk"))


def certificate_person(registration: Registration, person_id: int) -> Person | None:
    """The person of this registration with a certificate (marked present), else None (the view answers 404)."""
    return next((p for p in present_persons(registration) if p.pk == person_id), None)


def certificates_of(user) -> dict[int, list[Person]]:
    """For »Meine Anmeldungen«: registration id → persons with a certificate."""
    persons = Person.objects.filter(
        registration__in=registrations_of(user).filter(status=RegistrationStatus.CONFIRMED), attendance__isnull=False
    ).order_by("position", "pk")
    result: dict[int, list[Person]] = {}
    for person in persons:
        result.setdefault(person.registration_id, []).append(person)
    return result


# Conference documentation and feedback

MIN_FEEDBACK_ANSWERS = 5


def event_figures(event: Event) -> dict[str, int]:
    """Registrations (confirmed persons, including those whose data was deleted) and attendance of past sessions."""
    past = event.sessions.filter(ends_at__lte=timezone.now())
    live = Person.objects.filter(registration__session__in=past, registration__status=RegistrationStatus.CONFIRMED)
    kept = past.aggregate(n=Sum("tally__persons_confirmed"))["n"] or 0
    return {
        "registered": live.count() + kept,
        "present": Attendance.objects.filter(session__in=past).count(),
    }


def documentation_of(event: Event, user) -> list[Publication]:
    return list(publications_visible_to(user).filter(event=event).order_by("type", "title", "pk"))


def feedback_summary(event: Event) -> dict:
    """Aggregated answers: count; with at least MIN_FEEDBACK_ANSWERS also per question the distribution 1–5 and the
    mean, and the free texts (shuffled order is not needed: answers carry no time and a random key)."""
    answers = FeedbackAnswer.objects.filter(event=event)
    count = answers.count()
    summary = {"count": count, "shown": count >= MIN_FEEDBACK_ANSWERS, "questions": [], "takeaways": [], "improve": []}
    if not summary["shown"]:
        return summary
    for field in ("overall", "usefulness", "organisation"):
        counts = dict(answers.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        distribution = [(value, counts.get(value, 0)) for value in range(1, 6)]
        total = sum(value * n for value, n in distribution)
        summary["questions"].append(
            {
                "field": field,
                "label": FeedbackAnswer._meta.get_field(field).verbose_name,
                "distribution": distribution,
                "mean": round(total / count, 1),
            }
        )
    summary["takeaways"] = sorted(t for t in answers.exclude(takeaway="").values_list("takeaway", flat=True))
    summary["improve"] = sorted(t for t in answers.exclude(improve="").values_list("improve", flat=True))
    return summary


# Publications and news


def publications_visible_to(user) -> QuerySet[Publication]:
    if can_manage_events(user):
        return Publication.objects.all()
    return Publication.objects.filter(is_published=True)


def search_publications(user, *, q: str = "", type: str = "", topic: str = "", language: str = ""):
    publications = publications_visible_to(user)
    if q:
        publications = publications.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if type:
        publications = publications.filter(type=type)
    if language:
        publications = publications.filter(language=language)
    if topic:
        publications = publications.filter(
            Exists(PublicationTopic.objects.filter(publication=OuterRef("pk"), code=topic))
        )
    return publications.prefetch_related(
        Prefetch("topic_rows", queryset=PublicationTopic.objects.order_by("pk"))
    ).order_by(F("published_on").desc(nulls_last=True), "title", "pk")


def news_visible_to(user) -> QuerySet[NewsItem]:
    if can_manage_events(user):
        return NewsItem.objects.all()
    return NewsItem.objects.filter(is_published=True)


def latest_news(limit: int = 3) -> list[NewsItem]:
    return list(
        NewsItem.objects.filter(is_published=True, published_on__lte=timezone.localdate()).order_by(
            "-published_on", "-pk"
        )[:limit]
    )
