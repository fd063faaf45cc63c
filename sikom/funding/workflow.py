"""The application's workflow as one table. The applicant submits, answers queries (back to »in review«) and may
withdraw; every other move is the funding staff's (``restricted``)."""

from django.utils.translation import gettext_lazy as _

from sikom.core.workflow import Workflow
from sikom.funding.models import Status as S

APPLICATIONS = Workflow(
    states=S,
    transitions={
        S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
        S.SUBMITTED: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
        S.IN_REVIEW: frozenset({S.QUERIES, S.APPROVED, S.PARTLY_APPROVED, S.REJECTED, S.WITHDRAWN}),
        S.QUERIES: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
        S.APPROVED: frozenset({S.WITHDRAWN}),
        S.PARTLY_APPROVED: frozenset({S.WITHDRAWN}),
        S.REJECTED: frozenset(),
        S.WITHDRAWN: frozenset(),
    },
    refused=_("Von »%(current)s« kann der Antrag nicht auf »%(target)s« gesetzt werden."),
    restricted=frozenset({S.QUERIES, S.APPROVED, S.PARTLY_APPROVED, S.REJECTED}),
    restricted_refused=_("Diesen Schritt geht nur die Förderstelle."),
    reason_required=frozenset({S.QUERIES, S.REJECTED, S.WITHDRAWN}),
)

# Moves the applicant makes (the rest are the staff's; »in review« from »submitted« too).
APPLICANT_MOVES = frozenset({S.SUBMITTED, S.WITHDRAWN})
