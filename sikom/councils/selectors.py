"""Reads of councils, meetings, safety analyses and participation formats. Who may see and change what is decided
here, once per model, and every view and export goes through these querysets (an object outside them answers 404).

- A municipality's verified staff see and keep their own municipality's records.
- The ASSKomm team reads all of them and may edit them.
- The Expertennetzwerk and the police directorates see a council (with its meetings and decisions, read-only) only
  when the municipality shared it with their organisation.
- Everyone, also without an account, sees the participation formats that are announced (`public_formats`), and of
  them only the public fields.
"""

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from sikom.accounts.models import Organisation, OrganisationType
from sikom.accounts.selectors import is_asskomm, is_member_of, municipality_of
from sikom.councils.models import (
    AnalysisSource,
    CouncilDecision,
    CouncilMeeting,
    FormatStatus,
    ParticipationFormat,
    ParticipationMeasure,
    PreventionCouncil,
    SafetyAnalysisStatus,
)
from sikom.geo.models import Municipality
from sikom.geo.selectors import without_boundaries

# The organisations a municipality may share its council with (read-only).
SHARE_TYPES = (OrganisationType.EXPERT_NETWORK, OrganisationType.POLICE_DIRECTORATE)
# Who reaches the council pages at all (the rest gets 403).
COUNCIL_READER_TYPES = (OrganisationType.ASSKOMM, OrganisationType.MUNICIPALITY, *SHARE_TYPES)


def keeps_prevention_records(user) -> bool:
    """ASSKomm and municipal staff: they keep councils, analyses and participation formats."""
    return is_asskomm(user) or municipality_of(user) is not None


def reads_councils(user) -> bool:
    return is_member_of(user, *COUNCIL_READER_TYPES)


def municipalities_editable_by(user) -> QuerySet[Municipality]:
    """The municipalities whose records the user may create: all for ASSKomm, the own one for municipal staff."""
    if is_asskomm(user):
        return without_boundaries(Municipality.objects.select_related("district"), "district").order_by("name")
    municipality = municipality_of(user)
    if municipality is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk=municipality.pk)


# Councils ---------------------------------------------------------------------------------------------------------


def councils_visible_to(user) -> QuerySet[PreventionCouncil]:
    councils = without_boundaries(
        PreventionCouncil.objects.select_related("municipality__district"), "municipality", "municipality__district"
    )
    if is_asskomm(user):
        return councils
    municipality = municipality_of(user)
    if municipality is not None:
        return councils.filter(municipality=municipality)
    if is_member_of(user, *SHARE_TYPES):
        return councils.filter(shared_with=user.organisation_id)
    return councils.none()


def councils_editable_by(user) -> QuerySet[PreventionCouncil]:
    if not keeps_prevention_records(user):
        return PreventionCouncil.objects.none()
    return councils_visible_to(user)


def can_edit_council(user, council: PreventionCouncil) -> bool:
    return councils_editable_by(user).filter(pk=council.pk).exists()


def council_listing(user, *, district: str = "", founded_year: int | None = None) -> QuerySet[PreventionCouncil]:
    councils = councils_visible_to(user)
    if district:
        councils = councils.filter(municipality__district__key=district)
    if founded_year:
        councils = councils.filter(founded__year=founded_year)
    return councils.prefetch_related(
        Prefetch("member_organisations", queryset=Organisation.objects.order_by("name"))
    ).order_by("municipality__name")


def council_of(municipality: Municipality) -> PreventionCouncil | None:
    return PreventionCouncil.objects.filter(municipality=municipality).first()


def shareable_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(type__in=SHARE_TYPES).order_by("name")


def member_organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.exclude(type=OrganisationType.OPERATOR).order_by("name")


# Meetings and decisions --------------------------------------------------------------------------------------------


def meetings_visible_to(user) -> QuerySet[CouncilMeeting]:
    return without_boundaries(
        CouncilMeeting.objects.filter(council__in=councils_visible_to(user)).select_related("council__municipality"),
        "council__municipality",
    )


def meetings_editable_by(user) -> QuerySet[CouncilMeeting]:
    return without_boundaries(
        CouncilMeeting.objects.filter(council__in=councils_editable_by(user)).select_related("council__municipality"),
        "council__municipality",
    )


def decisions_visible_to(user) -> QuerySet[CouncilDecision]:
    return CouncilDecision.objects.filter(meeting__in=meetings_visible_to(user))


def meetings_of(council: PreventionCouncil) -> QuerySet[CouncilMeeting]:
    return council.meetings.prefetch_related("decisions")


# Safety analyses --------------------------------------------------------------------------------------------------


def analyses_visible_to(user) -> QuerySet[SafetyAnalysisStatus]:
    analyses = without_boundaries(
        SafetyAnalysisStatus.objects.select_related("municipality__district"), "municipality", "municipality__district"
    )
    if is_asskomm(user):
        return analyses
    municipality = municipality_of(user)
    if municipality is not None:
        return analyses.filter(municipality=municipality)
    return analyses.none()


def analyses_editable_by(user) -> QuerySet[SafetyAnalysisStatus]:
    """Rows the survey app drives are not edited by hand."""
    return analyses_visible_to(user).filter(source=AnalysisSource.MANUAL)


def analysis_listing(user, *, district: str = "", status: str = "") -> QuerySet[SafetyAnalysisStatus]:
    analyses = analyses_visible_to(user)
    if district:
        analyses = analyses.filter(municipality__district__key=district)
    if status:
        analyses = analyses.filter(status=status)
    return analyses.order_by("municipality__name", "-year", "-pk")


# Participation formats --------------------------------------------------------------------------------------------


def formats_visible_to(user) -> QuerySet[ParticipationFormat]:
    """The staff view (every field): ASSKomm all, municipal staff their own."""
    formats = without_boundaries(
        ParticipationFormat.objects.select_related("municipality__district"), "municipality", "municipality__district"
    )
    if is_asskomm(user):
        return formats
    municipality = municipality_of(user)
    if municipality is not None:
        return formats.filter(municipality=municipality)
    return formats.none()


def formats_editable_by(user) -> QuerySet[ParticipationFormat]:
    return formats_visible_to(user)


def format_listing(user, *, status: str = "") -> QuerySet[ParticipationFormat]:
    formats = formats_visible_to(user)
    if status:
        formats = formats.filter(status=status)
    return formats.order_by("-date", "-pk")


def public_formats() -> QuerySet[ParticipationFormat]:
    """What the public sees: announced formats only (read only the public fields of them)."""
    return without_boundaries(
        ParticipationFormat.objects.filter(status=FormatStatus.ANNOUNCED).select_related("municipality"),
        "municipality",
    ).order_by("date", "starts_at", "pk")


def upcoming_public_formats() -> QuerySet[ParticipationFormat]:
    """The public list: announced formats from today on (an announced page stays readable after its day)."""
    return public_formats().filter(date__gte=timezone.localdate())


def measures_visible_to(user) -> QuerySet[ParticipationMeasure]:
    return ParticipationMeasure.objects.filter(format__in=formats_visible_to(user))


def participation_measures_of(municipality: Municipality) -> QuerySet[ParticipationMeasure]:
    """The measures agreed at the municipality's participation formats (held or documented), for the coaching app to
    take into the prevention strategy. Each row has `title`, `owner`, `due_date` and the format's `format_title`,
    `format_date` (also `format.title` / `format.date`). Access is the caller's: call it only for a municipality the
    user may see."""
    return (
        ParticipationMeasure.objects.filter(
            format__municipality=municipality, format__status__in=[FormatStatus.HELD, FormatStatus.DOCUMENTED]
        )
        .select_related("format")
        .annotate(format_title=F("format__title"), format_date=F("format__date"))
        .order_by("format__date", "pk")
    )
