"""The prevention strategy of a coaching: one template for the page and the PDF a municipal council can adopt.

``coaching/partials/strategy_body.html`` holds the whole content — cover (the municipality's name), table of
contents, the seven steps and the measures table. The page (``coaching/strategy.html``) includes it inside the site's
layout; the PDF (``coaching/documents/strategy.html``) includes it inside the document layout of
``core.documents.render_pdf``, with a print stylesheet that puts the cover on a page of its own and page numbers into
the table of contents. So the PDF shows exactly what the page shows.
"""

from datetime import datetime, time

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sikom.coaching import selectors
from sikom.coaching.models import Coaching
from sikom.core.documents import TIME_ZONE, format_date, render_pdf


def context(coaching: Coaching) -> dict:
    steps = list(selectors.steps_of(coaching))
    measures = list(selectors.measures_of(coaching))
    return {
        "coaching": coaching,
        "municipality": coaching.municipality,
        "steps": steps,
        "measures": measures,
        "as_of": _as_of(coaching, steps, measures),
    }


def _as_of(coaching: Coaching, steps, measures) -> datetime:
    """The time of the latest change: the document's date comes from the data, so the same data gives the same bytes."""
    times = [coaching.updated_at, *(step.updated_at for step in steps), *(m.updated_at for m in measures)]
    latest = max(t for t in times if t is not None) if any(times) else None
    return latest or datetime.combine(coaching.begun, time(), tzinfo=TIME_ZONE)


def label(coaching: Coaching) -> str:
    return _("Präventionsstrategie %(municipality)s") % {"municipality": coaching.municipality.display_name}


def file_name(coaching: Coaching) -> str:
    stem = slugify(coaching.municipality.display_name.replace("ß", "ss")) or "kommune"
    return f"Praeventionsstrategie-{stem}.pdf"


def render_strategy_pdf(coaching: Coaching) -> bytes:
    data = context(coaching)
    data["as_of_display"] = format_date(timezone.localtime(data["as_of"], TIME_ZONE))
    data["for_print"] = True
    return render_pdf("coaching/documents/strategy.html", data, label=label(coaching), created_at=data["as_of"])
