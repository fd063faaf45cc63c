"""The case workflow as one table: which status may follow which, which moves only the lead agency makes, and when a
reason is required. `CASES.check` is the only gate; services call it inside their transaction."""

from django.utils.translation import gettext_lazy as _

from sikom.cases.models import CaseStatus as S
from sikom.core.workflow import Workflow

CASES = Workflow(
    states=S,
    transitions={
        S.RECEIVED: frozenset({S.IN_REVIEW, S.REFERRED, S.CLOSED}),
        S.IN_REVIEW: frozenset({S.IN_PROGRESS, S.REFERRED, S.CLOSED}),
        S.IN_PROGRESS: frozenset({S.MEASURES_ACTIVE, S.REFERRED, S.CLOSED}),
        S.MEASURES_ACTIVE: frozenset({S.IN_PROGRESS, S.REFERRED, S.CLOSED}),
        S.REFERRED: frozenset({S.IN_REVIEW, S.IN_PROGRESS, S.REFERRED, S.CLOSED}),
        S.CLOSED: frozenset({S.REOPENED}),
        S.REOPENED: frozenset({S.IN_REVIEW, S.IN_PROGRESS, S.REFERRED, S.CLOSED}),
    },
    refused=_("Von »%(current)s« kann der Fall nicht auf »%(target)s« gesetzt werden."),
    # Every move is made by the lead agency; a shared agency works on notes, measures and messages but does not move
    # the case.
    restricted=frozenset({S.IN_REVIEW, S.IN_PROGRESS, S.MEASURES_ACTIVE, S.REFERRED, S.CLOSED, S.REOPENED}),
    restricted_refused=_("Diesen Schritt kann nur die federführende Stelle gehen."),
    reason_required=frozenset({S.CLOSED, S.REOPENED, S.REFERRED}),
)

# Referral is a move of its own (it changes the lead); the status form offers the others.
MOVES_IN_STATUS_FORM = {S.IN_REVIEW, S.IN_PROGRESS, S.MEASURES_ACTIVE, S.CLOSED, S.REOPENED}
