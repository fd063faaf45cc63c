"""The case workflow as one table: which status may follow which, who may make the move, and when a reason is
required. `check` is the only gate; services call it inside their transaction."""

from django.utils.translation import gettext as _

from sikom.cases.models import CaseStatus as S

TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.IN_REVIEW, S.REFERRED, S.CLOSED},
    S.IN_REVIEW: {S.IN_PROGRESS, S.REFERRED, S.CLOSED},
    S.IN_PROGRESS: {S.MEASURES_ACTIVE, S.REFERRED, S.CLOSED},
    S.MEASURES_ACTIVE: {S.IN_PROGRESS, S.REFERRED, S.CLOSED},
    S.REFERRED: {S.IN_REVIEW, S.IN_PROGRESS, S.REFERRED, S.CLOSED},
    S.CLOSED: {S.REOPENED},
    S.REOPENED: {S.IN_REVIEW, S.IN_PROGRESS, S.REFERRED, S.CLOSED},
}

# Every move is made by the lead agency; a shared agency works on notes, measures and messages but does not move
# the case.
LEAD_ONLY = {S.IN_REVIEW, S.IN_PROGRESS, S.MEASURES_ACTIVE, S.REFERRED, S.CLOSED, S.REOPENED}

REASON_REQUIRED = {S.CLOSED, S.REOPENED, S.REFERRED}

# Referral is a move of its own (it changes the lead); the status form offers the others.
MOVES_IN_STATUS_FORM = {S.IN_REVIEW, S.IN_PROGRESS, S.MEASURES_ACTIVE, S.CLOSED, S.REOPENED}


class TransitionNotAllowed(Exception):
    """Carries a German message for the person who tried."""


def allowed_targets(current: str) -> list[str]:
    return [status for status in S.values if status in TRANSITIONS.get(current, set())]


def check(current: str, target: str, *, is_lead: bool, reason: str = "") -> None:
    if target not in TRANSITIONS.get(current, set()):
        raise TransitionNotAllowed(
            _("Von »%(current)s« kann der Fall nicht auf »%(target)s« gesetzt werden.")
            % {"current": S(current).label, "target": S(target).label if target in S.values else target}
        )
    if target in LEAD_ONLY and not is_lead:
        raise TransitionNotAllowed(_("Diesen Schritt kann nur die federführende Stelle gehen."))
    if target in REASON_REQUIRED and not reason.strip():
        raise TransitionNotAllowed(_("Bitte geben Sie eine Begründung an."))
