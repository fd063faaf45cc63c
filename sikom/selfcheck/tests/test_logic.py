"""Branching and ordering rules of logic.py, and the signed state."""

import pytest

from sikom.selfcheck import logic, selectors
from sikom.selfcheck import state as states

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return logic.build(selectors.current_version())


def test_follow_up_is_asked_only_after_its_opening_answer(guide):
    keys = [q.key for q in logic.asked_questions(guide, {})]
    assert "sperre_ablauf" not in keys and "hass_angezeigt" not in keys
    keys = [q.key for q in logic.asked_questions(guide, {"auskunftssperre": "ja", "hass": "ja"})]
    assert "sperre_ablauf" in keys and "hass_angezeigt" in keys


def test_answers_to_closed_or_unknown_questions_do_not_count(guide):
    answers = {"auskunftssperre": "nein", "sperre_ablauf": "nein", "erfunden": "ja", "routine": "vielleicht"}
    assert logic.valid_answers(guide, answers) == {"auskunftssperre": "nein"}
    assert not [item for item in logic.plan(guide, answers) if item.question.key == "sperre_ablauf"]


def test_plan_orders_by_urgency_then_by_the_order_of_the_check(guide):
    answers = {"routine": "ja", "auskunftssperre": "nein", "sicherung": "nein", "protokoll": "nein"}
    items = logic.plan(guide, answers)
    assert [(item.advice.urgency, item.question.key) for item in items] == [
        (1, "auskunftssperre"),
        (2, "sicherung"),
        (2, "protokoll"),
        (3, "routine"),
    ]
    assert logic.prepares_letter(items)
    assert logic.situations(items)[:2] == ("data_published", "private_sphere")


def test_a_cycle_in_operator_data_asks_nothing_behind_it(guide):
    question = next(q for q in guide.questions if q.key == "sperre_ablauf")
    parent = question.opened_by.question
    # Simulate a loop: the parent opened by a choice of its own follow-up.
    parent.opened_by = guide.choices["sperre_ablauf"]["ja"]
    assert not logic.is_asked(guide, question, {"auskunftssperre": "ja", "sperre_ablauf": "ja"})


def test_state_round_trip():
    state = states.State(version=1, page=3, answers={"a": "b"}, ags="14628270")
    assert states.loads(states.dumps(state)) == state


def test_state_refuses_damage():
    with pytest.raises(states.BadState):
        states.loads(states.dumps(states.State(version=1))[:-3] + "abc")
