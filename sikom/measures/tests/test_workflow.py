import pytest

from sikom.core.workflow import TransitionNotAllowed
from sikom.measures.models import MeasureStatus
from sikom.measures.workflow import MEASURES

ALL_PAIRS = [(a, b) for a in MeasureStatus.values for b in MeasureStatus.values]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_every_pair_of_statuses_follows_the_table(current, target):
    if target in MEASURES.transitions[current]:
        MEASURES.check(current, target)
    else:
        with pytest.raises(TransitionNotAllowed, match="kann die Maßnahme nicht"):
            MEASURES.check(current, target)


def test_a_measure_only_moves_forward():
    assert MEASURES.targets(MeasureStatus.ENDED) == [MeasureStatus.ENDED]
    assert MeasureStatus.PLANNED not in MEASURES.targets(MeasureStatus.ACTIVE)


def test_a_forged_status_is_named_as_given_not_looked_up():
    with pytest.raises(TransitionNotAllowed, match="»<b>«"):
        MEASURES.check(MeasureStatus.PLANNED, "<b>")
