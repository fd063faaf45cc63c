"""The measure workflow as one table: a measure moves forward only; »planned → ended« is a measure called off before
it began. Staying in a status is a move too, so dates and notes can be edited without changing it."""

from django.utils.translation import gettext_lazy as _

from sikom.core.workflow import Workflow
from sikom.measures.models import MeasureStatus as M

MEASURES = Workflow(
    states=M,
    transitions={
        M.PLANNED: frozenset({M.PLANNED, M.ACTIVE, M.ENDED}),
        M.ACTIVE: frozenset({M.ACTIVE, M.ENDED}),
        M.ENDED: frozenset({M.ENDED}),
    },
    refused=_("Von »%(current)s« kann die Maßnahme nicht auf »%(target)s« gesetzt werden."),
)
