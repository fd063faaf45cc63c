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
        # »in review« again: the applicant answers (services.answer_query), or, once the question's deadline has
        # passed, the staff continue without the answer, with a reason (services.resume_review, RESUME below).
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

# The staff's move back to »in review« without the applicant's answer: only after the question's deadline, always with
# a reason (kept in the history and the audit entry ``funding.review_resumed``).
RESUME = (S.QUERIES, S.IN_REVIEW)
