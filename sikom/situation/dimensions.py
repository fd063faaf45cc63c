"""The characteristics the situation report counts by, their values in a fixed order and their German labels.

Codes are those stored by the report form (`reports.vocabulary`) and the case (risk level, lead agency type); an
empty value means »not known« (a statistic kept before the field existed, a case not yet assessed)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import OrganisationType
from sikom.cases.models import CASE_HANDLING_TYPES, RiskLevel
from sikom.reports import vocabulary as v
from sikom.situation.models import KomoGroup

UNKNOWN = ""
NO_MOTIVE_GIVEN = ""


@dataclass(frozen=True)
class Dimension:
    code: str
    label: Promise
    multiple: bool = False  # an incident may have several values (their sums count mentions)


DIMENSIONS = (
    Dimension("district", _("Landkreis / Kreisfreie Stadt")),
    Dimension("category", _("Vorfallart"), multiple=True),
    Dimension("role", _("Betroffene Person")),
    Dimension("channel", _("Weg")),
    Dimension("motive", _("Motiv"), multiple=True),
    Dimension("risk", _("Gefährdungsstufe")),
    Dimension("lead", _("Art der federführenden Stelle")),
    Dimension("complaint", _("Strafanzeige gewünscht")),
    Dimension("form", _("Erscheinungsform (wie KoMo)")),
)
BY_CODE = {dimension.code: dimension for dimension in DIMENSIONS}
ORDER = {dimension.code: index for index, dimension in enumerate(DIMENSIONS)}
TOTAL = "total"

# The shared dimension of every table over time.
PERIOD = "period"
PERIOD_LABEL = _("Zeitraum")


class Granularity:
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half"
    YEAR = "year"
    CHOICES = (
        (MONTH, _("Monat")),
        (QUARTER, _("Quartal")),
        (HALF_YEAR, _("Halbjahr")),
        (YEAR, _("Jahr")),
    )


ONLINE_CHANNELS = {v.Channel.SOCIAL_NETWORK, v.Channel.MESSENGER}


def form_of(*, categories, place: str, channel: str) -> str:
    """The report's facts in the three groups the KoMo survey compares (our assignment, see the public page):
    a physical attack is »physical«; otherwise what happened on the internet, a social network or a messenger is
    »online«; everything else (in person, letter, e-mail, telephone) »verbal or written«."""
    if v.Category.PHYSICAL_ATTACK in categories:
        return KomoGroup.PHYSICAL
    if place == v.Place.ONLINE or channel in ONLINE_CHANNELS:
        return KomoGroup.ONLINE
    return KomoGroup.VERBAL_WRITTEN


def _choices(choices) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in choices]


def values_of(code: str, districts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The values of a dimension in their order, with labels; ``districts`` as (key, name) from the caller."""
    unknown = str(_("Keine Angabe"))
    if code == "district":
        return districts
    if code == "category":
        return _choices(v.Category.choices)
    if code == "role":
        return _choices(v.AffectedRole.choices)
    if code == "channel":
        return _choices(v.Channel.choices)
    if code == "motive":
        return [*_choices(v.Motive.choices), (NO_MOTIVE_GIVEN, unknown)]
    if code == "risk":
        return [*_choices(RiskLevel.choices), (UNKNOWN, str(_("Noch nicht eingestuft")))]
    if code == "lead":
        return [
            *[(str(t), str(OrganisationType(t).label)) for t in CASE_HANDLING_TYPES],
            (UNKNOWN, str(_("Keine"))),
        ]
    if code == "complaint":
        return [*_choices(v.ComplaintWish.choices), (UNKNOWN, unknown)]
    if code == "form":
        return _choices(KomoGroup.choices)
    raise KeyError(code)
