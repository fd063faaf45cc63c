"""The programme's figures (members, consultations, coaching processes, councils, safety analyses, trainings …).

Each app that keeps records behind a figure registers it in its `AppConfig.ready()`, so the programme page counts
them without importing the apps. A figure is defined by its records' spans: a record counts on a day D when
`start <= D` and (`end` is empty or `D < end`). One rule covers both kinds of figure:

- a stock (members: start = joined, end = left; coaching processes running: start = begun, end = finished),
- a running total (consultations: start = date of the consultation, end always empty).

`rows()` returns a queryset (or iterable) of dicts with exactly the keys `start` (date), `end` (date or None) and
`district` (the district's key, e.g. "14628", or None when the record has no municipality), one per record. The
programme's selectors aggregate these in the database; the figure never computes a count itself.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    order: int
    rows: Callable[[], Iterable[dict]]
    # Shown on the public page too (never a figure that could reveal a person).
    public: bool = True
    description: Promise | str = ""


_figures: dict[str, Figure] = {}


def register(figure: Figure) -> None:
    """Registering the same key again replaces the figure (ready() may run more than once in tests)."""
    _figures[figure.key] = figure


def registered() -> list[Figure]:
    return sorted(_figures.values(), key=lambda figure: figure.order)


def unregister(key: str) -> None:
    """Remove a figure (tests that register figures of their own take them out again); an unknown key is ignored."""
    _figures.pop(key, None)
