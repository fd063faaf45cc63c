"""The participation format's workflow as one table: planned → announced (on the public page) → held → documented
(results and agreed measures recorded); a format not yet held can be cancelled, with a reason. A format may also be
held without a public announcement (a neighbourhood talk by invitation)."""

from django.utils.translation import gettext_lazy as _

from sikom.core.workflow import Workflow
from sikom.councils.models import FormatStatus as S

PARTICIPATION = Workflow(
    states=S,
    transitions={
        S.PLANNED: frozenset({S.ANNOUNCED, S.HELD, S.CANCELLED}),
        S.ANNOUNCED: frozenset({S.HELD, S.CANCELLED}),
        S.HELD: frozenset({S.DOCUMENTED}),
        S.DOCUMENTED: frozenset({S.DOCUMENTED}),
        S.CANCELLED: frozenset(),
    },
    refused=_("Von »%(current)s« kann das Format nicht auf »%(target)s« gesetzt werden."),
    reason_required=frozenset({S.CANCELLED}),
    reason_missing=_("Bitte geben Sie den Grund der Absage an."),
)

# The planning (title, date, place …) can be changed until the format took place.
EDITABLE = frozenset({S.PLANNED, S.ANNOUNCED})
# Results and agreed measures are recorded once it took place (and can be completed later).
RESULTS = frozenset({S.HELD, S.DOCUMENTED})
