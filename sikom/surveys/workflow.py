"""The analysis' status as one table: in planning → running (the field period may begin; the questionnaire is fixed)
→ done; planned or running analyses can be cancelled, with a reason."""

from django.utils.translation import gettext_lazy as _

from sikom.core.workflow import Workflow
from sikom.surveys.models import AnalysisState as S

ANALYSIS = Workflow(
    states=S,
    transitions={
        S.PLANNED: frozenset({S.RUNNING, S.CANCELLED}),
        S.RUNNING: frozenset({S.DONE, S.CANCELLED}),
        S.DONE: frozenset(),
        S.CANCELLED: frozenset(),
    },
    refused=_("Von »%(current)s« kann die Sicherheitsanalyse nicht auf »%(target)s« gesetzt werden."),
    reason_required=frozenset({S.CANCELLED}),
    reason_missing=_("Bitte geben Sie den Grund für den Abbruch an."),
)

# The questionnaire can be changed only while the analysis is planned: once it runs, every answer must mean what
# its question said when it was given.
QUESTIONNAIRE_EDITABLE = frozenset({S.PLANNED})
# Access codes can be made for an analysis that is planned or running.
INVITATIONS_OPEN = frozenset({S.PLANNED, S.RUNNING})
# Respondents answer only while the analysis runs (and within the field period, when it is set).
COLLECTING = frozenset({S.RUNNING})
