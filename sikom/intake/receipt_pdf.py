"""The PDF receipt a reporter downloads after submitting an incident report.

It confirms that the report arrived (case number, time, what the reporter chose to include) and lists the uploaded
evidence with SHA-256 checksums, so the reporter can later show that the files were not altered. The receipt code is
deliberately not part of the input: the PDF gets printed, forwarded and left in download folders, and the code alone
opens the case.

Layout, fonts, text cleaning and the page footer are the platform's shared PDF document (``sikom.core.pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from sikom.core.pdf import Document, EvidenceItem, format_datetime, format_size, require_aware

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
    """The receipt as PDF bytes, in the active language. Any text content renders; unknown glyphs become '?'."""
    document = Document(_("Eingangsbestätigung %(case_number)s") % {"case_number": data.case_number})
    document.title_block(
        _("Eingangsbestätigung"),
        _("Plattform »Sichere Kommunen« (sikom)"),
        data.case_number,
        [(_("Eingegangen am"), format_datetime(data.submitted_at))],
        note=_(
            "Bewahren Sie diese Bestätigung und Ihren Zugangscode sicher auf. "
            "Der Zugangscode steht aus Sicherheitsgründen nicht in diesem Dokument."
        ),
    )
    for heading, rows in data.sections:
        document.section(heading, rows)
    document.evidence(data.evidence)
    document.paragraph(_("In akuter Gefahr: Polizei-Notruf 110"), size=12, bold=True, space_before=6)
    return document.output()
