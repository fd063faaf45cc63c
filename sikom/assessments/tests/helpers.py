"""Cases, answers and form data for the danger-analysis tests."""

from datetime import timedelta

from django.utils import timezone

from sikom.assessments.forms import note_name
from sikom.assessments.instrument import ITEMS
from sikom.cases.models import Case
from sikom.testing import make_case


def zastex_case() -> Case:
    """Publication on an »enemy list«: ZASTEX leads, nobody else is involved."""
    return make_case(categories=["data_published"], place="online")


def directorate_case() -> Case:
    """A threat at home in Pirna, also online: Polizeidirektion Dresden leads, ZASTEX and ZMI are shared."""
    return make_case(categories=["threat", "online_hate"], place="home")


def answers(default: str = "absent", notes: dict | None = None, **values) -> dict:
    """Every item answered ``default`` unless named; e.g. ``answers(pathway="present")``."""
    notes = notes or {}
    return {code: {"value": values.get(code, default), "note": notes.get(code, "")} for code in ITEMS}


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def form_data(
    answer_dict: dict | None = None,
    *,
    action: str = "speichern",
    level=None,
    reason: str = "",
    next_review: str | None = None,
    shown=None,
) -> dict:
    answer_dict = answers() if answer_dict is None else answer_dict
    data = {"aktion": action, "override_reason": reason}
    for code, answer in answer_dict.items():
        data[code] = answer["value"]
        data[note_name(code)] = answer.get("note", "")
    if level is not None:
        data["level"] = str(level)
    data["next_review_on"] = in_days(30).isoformat() if next_review is None else next_review
    if shown is not None:
        data["shown_suggestion"] = str(shown)
    return data
