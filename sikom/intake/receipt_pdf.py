"""The PDF receipt a reporter downloads after submitting an incident report.

It confirms that the report arrived (case number, time, what the reporter chose to include) and lists the uploaded
evidence with SHA-256 checksums, so the reporter can later show that the files were not altered. The receipt code is
deliberately not part of the input: the PDF gets printed, forwarded and left in download folders, and the code alone
opens the case.

The layout is the template ``intake/documents/receipt.html``, rendered by the platform's document engine
(``sikom.core.documents``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from sikom.core.documents import EvidenceItem, format_datetime, format_size, render_pdf, require_aware

__all__ = [
    "ReceiptData",
    "ReceiptEvidence",
    "format_datetime",
    "format_size",
    "render_receipt_pdf",
]


@dataclass(frozen=True)
class ReceiptEvidence(EvidenceItem):
    """An uploaded file as the receipt lists it: name, size (bytes), SHA-256 (hex) and aware upload time."""


@dataclass(frozen=True)
class ReceiptData:
    case_number: str  # e.g. "SK-2026-000123"
    submitted_at: datetime  # aware
    # (heading, [(label, value)]): only what the reporter chose to include in the receipt.
    sections: list[tuple[str, list[tuple[str, str]]]]
    evidence: list[ReceiptEvidence]

    def __post_init__(self) -> None:
        require_aware(self.submitted_at, "submitted_at")


def render_receipt_pdf(data: ReceiptData) -> bytes:
    """The receipt as PDF bytes, in the active language; any text content renders. The same data gives the same
    bytes: the document's creation date is the time the report arrived."""
    return render_pdf(
        "intake/documents/receipt.html",
        {"data": data, "meta_rows": [(_("Eingegangen am"), format_datetime(data.submitted_at))]},
        label=_("Eingangsbestätigung %(case_number)s") % {"case_number": data.case_number},
        created_at=data.submitted_at,
    )
