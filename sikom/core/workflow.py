"""One shape for every state machine (cases, measures, and the ones to come): a table of the allowed moves, the moves
only the responsible party may make, the moves that need a reason — and one check, called by the services inside
their transaction, that refuses a move with a German message for the person who tried."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Choices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sikom.core.choices import choice_label

RESTRICTED_REFUSED = _("Diesen Schritt kann nur die zuständige Stelle gehen.")
REASON_MISSING = _("Bitte geben Sie eine Begründung an.")


class TransitionNotAllowed(Exception):
    """Carries a German message for the person who tried."""


@dataclass(frozen=True)
class Workflow:
    states: type[Choices]
    transitions: Mapping[str, frozenset[str]]
    # e.g. »Von »%(current)s« kann der Fall nicht auf »%(target)s« gesetzt werden.«
    refused: Promise
    # Moves only the responsible party makes (the lead agency of a case), with the message for everyone else.
    restricted: frozenset[str] = frozenset()
    restricted_refused: Promise = RESTRICTED_REFUSED
    reason_required: frozenset[str] = frozenset()
    reason_missing: Promise = REASON_MISSING

    def targets(self, current: str) -> list[str]:
        """The states that may follow, in the order of the states' choices."""
        allowed = self.transitions.get(current, frozenset())
        return [state for state in self.states.values if state in allowed]

    def check(self, current: str, target: str, *, responsible: bool = True, reason: str = "") -> None:
        if target not in self.transitions.get(current, frozenset()):
            raise TransitionNotAllowed(
                self.refused
                % {"current": choice_label(self.states, current), "target": choice_label(self.states, target)}
            )
        if target in self.restricted and not responsible:
            raise TransitionNotAllowed(str(self.restricted_refused))
        if target in self.reason_required and not reason.strip():
            raise TransitionNotAllowed(str(self.reason_missing))
