"""The two state machines of a coaching, each as one table: the process (running → finished, or cancelled with a
reason) and a strategy step (open ↔ in progress ↔ done; staying is a move too, so text and dates can be edited)."""

from django.utils.translation import gettext_lazy as _

from sikom.coaching.models import CoachingStatus as C
from sikom.coaching.models import StepStatus as S
from sikom.core.workflow import Workflow

COACHINGS = Workflow(
    states=C,
    transitions={
        C.RUNNING: frozenset({C.FINISHED, C.CANCELLED}),
        C.FINISHED: frozenset(),
        C.CANCELLED: frozenset(),
    },
    refused=_("Von »%(current)s« kann der Coachingprozess nicht auf »%(target)s« gesetzt werden."),
    reason_required=frozenset({C.CANCELLED}),
    reason_missing=_("Bitte begründen Sie, warum der Coachingprozess abgebrochen wird."),
)

STEPS = Workflow(
    states=S,
    transitions={
        S.OPEN: frozenset({S.OPEN, S.IN_PROGRESS, S.DONE}),
        S.IN_PROGRESS: frozenset({S.OPEN, S.IN_PROGRESS, S.DONE}),
        S.DONE: frozenset({S.IN_PROGRESS, S.DONE}),
    },
    refused=_("Von »%(current)s« kann der Schritt nicht auf »%(target)s« gesetzt werden."),
)
