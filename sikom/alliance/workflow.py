"""The membership workflow as one table: a request is confirmed (the municipality is a member from the day it
joined) or declined with a reason; a member leaves with a date and a reason. Declined and left memberships are
closed; a municipality that left may request again, which starts a new membership."""

from django.utils.translation import gettext_lazy as _

from sikom.alliance.models import MembershipStatus as S
from sikom.core.workflow import Workflow

MEMBERSHIPS = Workflow(
    states=S,
    transitions={
        S.REQUESTED: frozenset({S.ACTIVE, S.DECLINED}),
        S.ACTIVE: frozenset({S.LEFT}),
        S.DECLINED: frozenset(),
        S.LEFT: frozenset(),
    },
    refused=_("Eine Mitgliedschaft im Status »%(current)s« kann nicht auf »%(target)s« gesetzt werden."),
    reason_required=frozenset({S.DECLINED, S.LEFT}),
    reason_missing=_("Bitte geben Sie eine Begründung an."),
)
