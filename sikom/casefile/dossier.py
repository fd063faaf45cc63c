"""The case dossier: everything the platform knows about a case, as one PDF for prosecution and the agencies on it.

The view (``views.dossier``) decides who may have it (case visible, fresh re-authentication) and writes the audit
entry; this module only renders. The dossier holds personal data as stored — report with contact details, messages,
internal notes, danger analyses with their evidence notes, protective measures — and lists the evidence files with
their complete SHA-256 checksums. The files themselves are not embedded: they are downloaded one by one (each download
is audited) and stay encrypted at rest.

The layout is the template ``casefile/documents/dossier.html``, rendered by the platform's document engine
(``sikom.core.documents``); this module gathers and words the content. Queries are bounded: one per related list
(shares, report with categories, online content and evidence, events, assessments, measures, messages), however long
the case history is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.assessments.instrument import GROUPS, ITEMS
from sikom.assessments.instrument import Answer as AssessmentAnswer
from sikom.assessments.rules import RULES_BY_CODE
from sikom.cases.models import Case
from sikom.cases.selectors import events_of, messages_on_case
from sikom.core.documents import Entry, EvidenceItem, format_date, format_datetime, render_pdf
from sikom.geo.selectors import without_boundaries
from sikom.reports import vocabulary as v
from sikom.reports.models import Report
from sikom.reports.selectors import report_sections

__all__ = ["render_dossier_pdf"]

DASH = "–"


Rows = list[tuple[str, str]]


def render_dossier_pdf(case: Case, *, now: datetime | None = None) -> bytes:
    """The dossier of ``case`` as PDF bytes, in the active language; any stored text renders. ``now`` is the time
    shown as »Erstellt am« and the PDF's creation date (default: the current time)."""
    now = now or timezone.now()
    report = _report(case)
    context = {
        "case": case,
        "meta_rows": [(_("Erstellt am"), format_datetime(now))],
        "state": _state(case),
        "facts": _facts(report) if report is not None else [],
        "history": _history(case),
        "assessments": _assessments(case),
        "measures": _measures(case),
        "messages": _messages(case),
        "evidence": _evidence(report),
    }
    label = _("Dossier %(number)s") % {"number": case.number}
    return render_pdf("casefile/documents/dossier.html", context, label=label, created_at=now)


# Reads: one query per list.


def _report(case: Case) -> Report | None:
    reports = Report.objects.filter(case_id=case.pk).select_related("municipality")
    return (
        without_boundaries(reports, "municipality")
        .prefetch_related("category_rows", "online_contents", "evidence")
        .first()
    )


def _person(user, organisation: str, *, nobody: str = DASH) -> str:
    """»Name (Stelle)«; the organisation as recorded at the time, also when the account is gone."""
    name = (user.full_name or str(user)) if user is not None else ""
    if name and organisation:
        return f"{name} ({organisation})"
    return name or organisation or nobody


def _datetime_or(value, empty: str = DASH) -> str:
    return format_datetime(value) if value else empty


def _date_or(value, empty: str = DASH) -> str:
    return format_date(value) if value else empty


# Sections: each returns what its part of the template shows.


def _state(case: Case) -> Rows:
    if case.risk_level is None:
        level = _("noch nicht eingestuft")
    elif case.risk_level_is_provisional:
        level = _("%(level)s (vorläufig)") % {"level": case.get_risk_level_display()}
    else:
        level = case.get_risk_level_display()
    shares = case.shares.select_related("organisation").order_by("organisation__name", "pk")
    rows = [
        (_("Status"), case.get_status_display()),
        (_("Gefährdungsstufe"), level),
        (_("Federführende Stelle"), case.lead.name if case.lead_id else _("noch keine")),
        (_("Beteiligte Stellen"), "\n".join(share.organisation.name for share in shares) or _("keine")),
        (_("Eingegangen am"), format_datetime(case.created_at)),
        (_("Erstkontakt fällig bis"), _datetime_or(case.first_contact_due_at)),
        (_("Erstkontakt am"), _datetime_or(case.first_contact_at, _("noch nicht"))),
        (_("Nächste Neubewertung"), _date_or(case.next_review_on)),
    ]
    if case.closed_at:
        rows.append((_("Abgeschlossen am"), format_datetime(case.closed_at)))
    return rows


def _facts(report: Report) -> list[tuple[str, Rows]]:
    deadlines = []
    if report.learned_on:
        deadlines.append((_("Kenntnis von Tat und Täter:in am"), format_date(report.learned_on)))
    if report.complaint_deadline:
        deadlines.append((_("Strafantrag spätestens bis"), format_date(report.complaint_deadline)))
    sections = []
    for code, heading, rows in report_sections(report):
        # The complaint deadline belongs next to the reporter's wish about a criminal complaint.
        if code == v.ReceiptSection.CONTACT:
            rows, deadlines = [*rows, *deadlines], []
        sections.append((heading, rows))
    if deadlines:
        sections.append((_("Fristen"), deadlines))
    return sections


def _history(case: Case) -> list[Entry]:
    entries = []
    for event in events_of(case):
        by = _person(event.by, event.by_organisation, nobody=_("automatisch"))
        entries.append(
            Entry(
                f"{format_datetime(event.at)} · {event.sentence}",
                event.reason if event.shows_reason else "",
                [_("Durch: %(person)s") % {"person": by}],
            )
        )
    return entries


@dataclass(frozen=True)
class AssessmentPart:
    """One danger analysis: its heading, its rows and the items answered »liegt vor« by group."""

    heading: str
    rows: Rows
    present: list[tuple[str, Rows]]


def _assessments(case: Case) -> list[AssessmentPart]:
    parts = []
    for assessment in case.assessments.select_related("assessed_by").order_by("created_at", "pk"):
        rows = [
            (_("Analyst:in"), _person(assessment.assessed_by, assessment.assessed_by_organisation)),
            (_("Instrument"), _("Version %(version)s") % {"version": assessment.instrument_version}),
            (_("Vorgeschlagene Stufe"), assessment.get_suggested_level_display()),
            (_("Festgelegte Stufe"), assessment.get_level_display()),
        ]
        if assessment.override_reason or assessment.level != assessment.suggested_level:
            rows.append((_("Begründung der Abweichung"), assessment.override_reason))
        if assessment.rules_fired:
            rows.append((_("Zutreffende Regeln"), "\n".join(_rule(code) for code in assessment.rules_fired)))
        rows.append((_("Nächste Neubewertung"), _date_or(assessment.next_review_on)))
        heading = _("Gefahrenanalyse vom %(at)s") % {"at": format_datetime(assessment.created_at)}
        parts.append(AssessmentPart(heading, rows, _present_items(assessment.answers)))
    return parts


def _rule(code: object) -> str:
    rule = RULES_BY_CODE.get(code) if isinstance(code, str) else None
    return f"{code}: {rule.description}" if rule else str(code)


def _present_items(answers: object) -> list[tuple[str, Rows]]:
    """The items answered »liegt vor«, by group in the instrument's order, each with its evidence note."""
    answers = answers if isinstance(answers, Mapping) else {}
    present: dict[str, str] = {}
    for code, answer in answers.items():
        if isinstance(answer, Mapping) and answer.get("value") == AssessmentAnswer.PRESENT:
            present[str(code)] = str(answer.get("note") or "")
    groups: list[tuple[str, Rows]] = []
    for group in GROUPS:
        rows = [(str(item.label), present[item.code]) for item in group.items if item.code in present]
        if rows:
            groups.append((_("%(group)s – liegt vor") % {"group": group.title}, rows))
    # Items of an older instrument version, no longer in the list: shown by their code rather than left out.
    others = [(code, note) for code, note in present.items() if code not in ITEMS]
    if others:
        groups.append((_("%(group)s – liegt vor") % {"group": _("Weitere Merkmale")}, others))
    return groups


def _measures(case: Case) -> list[tuple[str, Rows]]:
    return [
        (
            measure.get_kind_display(),
            [
                (_("Zuständige Stelle"), measure.responsible.name),
                (_("Status"), measure.get_status_display()),
                (_("Beginn"), _date_or(measure.starts_on)),
                (_("Ende"), _date_or(measure.ends_on)),
                (_("Notizen"), measure.notes),
            ],
        )
        for measure in case.measures.select_related("responsible").order_by("created_at", "pk")
    ]


def _messages(case: Case) -> list[Entry]:
    entries = []
    for message in messages_on_case(case):
        if message.from_reporter:
            sender, details = _("Meldende Person"), []
        else:
            sender = _person(message.author, message.author_organisation)
            details = [] if message.internal else [_("Nachricht an die meldende Person")]
        marker = _("interne Notiz") if message.internal else None
        entries.append(Entry(f"{format_datetime(message.created_at)} · {sender}", message.body, details, marker))
    return entries


def _evidence(report: Report | None) -> list[EvidenceItem]:
    return [
        EvidenceItem(name=item.original_name, size=item.size, sha256=item.sha256, uploaded_at=item.uploaded_at)
        for item in (report.evidence.all() if report is not None else [])
    ]
