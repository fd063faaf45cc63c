"""The kinds of case and what the engine needs to know of each (decision 0043).

A case is the engine's unit of work whatever it is about: lead and shares, the one visibility rule, inbox rows,
messages, history, audit and deadlines are the same for every kind. What differs — the intake record with the facts,
the case page, the district and the date the inbox sorts by — belongs to the app above that brings the kind, and it
registers itself here in its `AppConfig.ready()`, so `cases` never imports it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from sikom.cases.models import Case, CaseKind


@dataclass(frozen=True)
class InboxFacts:
    district_id: int | None
    event_at: datetime | None


@dataclass(frozen=True)
class Kind:
    # URL name of the kind's case page, taking the case number.
    page: str
    # For the cases of this kind with these ids, what their inbox rows show (one query for the lot). The incident
    # report's facts are read by `services.refresh_inbox_entries` itself (reports lies below cases).
    inbox_facts: Callable[[list[int]], dict[int, InboxFacts]] | None = None


_kinds: dict[str, Kind] = {}


def register(kind: str, *, page: str, inbox_facts: Callable[[list[int]], dict[int, InboxFacts]] | None = None) -> None:
    """Registering a kind again replaces it (ready() may run more than once in tests)."""
    _kinds[kind] = Kind(page=page, inbox_facts=inbox_facts)


def kind_of(kind: str) -> Kind | None:
    return _kinds.get(kind)


def page_url(case: Case) -> str:
    """The case page of the case's kind; the incident report's when nothing registered (casefile registers it)."""
    entry = _kinds.get(case.kind) or _kinds.get(CaseKind.REPORT)
    return reverse(entry.page if entry else "casefile:detail", args=[case.number])


def inbox_facts(kind: str, case_ids: list[int]) -> dict[int, InboxFacts]:
    entry = _kinds.get(kind)
    if entry is None or entry.inbox_facts is None or not case_ids:
        return {}
    return entry.inbox_facts(case_ids)
