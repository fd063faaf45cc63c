"""Evaluating answers against one guide version: which questions are asked, and which advice they trigger.

Rules, written here once:
- a question without an opening answer is always asked; a follow-up question is asked only while the question it
  hangs on is asked and was answered with the opening choice (so changing an answer closes its follow-ups, and their
  answers no longer count);
- every answer that is still asked triggers the advice attached to its choice;
- the plan is ordered by urgency (sofort, in den nächsten Wochen, bei Gelegenheit), then by the order of the topics
  and questions, so the plan reads like the check.
"""

from dataclasses import dataclass, field

from sikom.selfcheck.models import Advice, Choice, GuideVersion, Question, Topic


@dataclass
class Guide:
    version: GuideVersion
    topics: list[Topic]
    questions: list[Question]  # in the order of the check
    choices: dict[str, dict[str, Choice]] = field(default_factory=dict)  # question key → choice key → choice
    advice: dict[int, list[Advice]] = field(default_factory=dict)  # choice pk → advice

    def questions_of(self, topic: Topic) -> list[Question]:
        return [question for question in self.questions if question.topic_id == topic.pk]


@dataclass(frozen=True)
class PlanItem:
    advice: Advice
    question: Question
    choice: Choice
    topic: Topic


def build(version: GuideVersion) -> Guide:
    """The whole version in four queries."""
    topics = list(Topic.objects.filter(version=version).order_by("order", "pk"))
    rank = {topic.pk: index for index, topic in enumerate(topics)}
    questions = sorted(
        Question.objects.filter(version=version).select_related("opened_by__question"),
        key=lambda question: (rank.get(question.topic_id, 0), question.order, question.pk),
    )
    choices: dict[str, dict[str, Choice]] = {question.key: {} for question in questions}
    by_pk = {question.pk: question for question in questions}
    for choice in Choice.objects.filter(question__version=version).order_by("order", "pk"):
        choice.question = by_pk[choice.question_id]
        choices[choice.question.key][choice.key] = choice
    advice: dict[int, list[Advice]] = {}
    for item in Advice.objects.filter(choice__question__version=version).order_by("urgency", "order", "pk"):
        advice.setdefault(item.choice_id, []).append(item)
    return Guide(version=version, topics=topics, questions=questions, choices=choices, advice=advice)


def is_asked(guide: Guide, question: Question, answers: dict[str, str], _depth: int = 0) -> bool:
    opener = question.opened_by
    if opener is None:
        return True
    if _depth > len(guide.questions):  # a cycle in operator data: ask nothing behind it rather than loop
        return False
    parent = opener.question
    return answers.get(parent.key) == opener.key and is_asked(guide, parent, answers, _depth + 1)


def asked_questions(guide: Guide, answers: dict[str, str], topic: Topic | None = None) -> list[Question]:
    questions = guide.questions if topic is None else guide.questions_of(topic)
    return [question for question in questions if is_asked(guide, question, answers)]


def valid_answers(guide: Guide, answers: dict[str, str]) -> dict[str, str]:
    """Only answers to questions still asked, with a choice that exists in this version."""
    kept = {key: value for key, value in answers.items() if value in guide.choices.get(key, {})}
    return {question.key: kept[question.key] for question in asked_questions(guide, kept) if question.key in kept}


def unanswered(guide: Guide, answers: dict[str, str], topic: Topic) -> list[Question]:
    return [question for question in asked_questions(guide, answers, topic) if question.key not in answers]


def plan(guide: Guide, answers: dict[str, str]) -> list[PlanItem]:
    topics = {topic.pk: topic for topic in guide.topics}
    position = {question.key: index for index, question in enumerate(guide.questions)}
    items = []
    for question in asked_questions(guide, answers):
        choice = guide.choices[question.key].get(answers.get(question.key, ""))
        if choice is None:
            continue
        for advice in guide.advice.get(choice.pk, []):
            items.append(PlanItem(advice=advice, question=question, choice=choice, topic=topics[question.topic_id]))
    items.sort(key=lambda item: (item.advice.urgency, position[item.question.key], item.advice.order))
    return items


def situations(items: list[PlanItem]) -> tuple[str, ...]:
    """The Wegweiser situations the triggered advice names, each once, in the order of the plan."""
    seen: dict[str, None] = {}
    for item in items:
        for code in item.advice.situation_codes:
            seen.setdefault(code, None)
    return tuple(seen)


def prepares_letter(items: list[PlanItem]) -> bool:
    return any(item.advice.prepares_letter for item in items)
