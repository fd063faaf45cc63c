"""The case dossier: everything the platform knows about a case, as one PDF for prosecution and the agencies on it.

The view (``views.dossier``) decides who may have it (case visible, fresh re-authentication) and writes the audit
entry; this module only renders. The dossier holds personal data as stored — report with contact details, messages,
internal notes, danger analyses with their evidence notes, protective measures — and lists the evidence files with
their complete SHA-256 checksums. The files themselves are not embedded: they are downloaded one by one (each download
is audited) and stay encrypted at rest.

Queries are bounded: one per related list (shares, report with categories, online content and evidence, events,
assessments, measures, messages), however long the case history is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.assessments.instrument import GROUPS, ITEMS
from sikom.assessments.instrument import Answer as AssessmentAnswer
from sikom.assessments.rules import RULES_BY_CODE
from sikom.cases.models import Case
from sikom.core.pdf import LINE, Document, EvidenceItem, format_date, format_datetime
from sikom.geo.selectors import without_boundaries
from sikom.reports import vocabulary as v
from sikom.reports.models import Report
from sikom.reports.selectors import report_sections

__all__ = ["render_dossier_pdf"]

DASH = "–"


def render_dossier_pdf(case: Case) -> bytes:
    """The dossier of ``case`` as PDF bytes, in the active language; any stored text renders."""
    document = Document(_("Dossier %(number)s") % {"number": case.number})
    document.title_block(
        _("Dossier"),
        _("Plattform »Sichere Kommunen« (sikom)"),
        case.number,
        [(_("Erstellt am"), format_datetime(timezone.now()))],
        note=_(
            "Vertraulich – enthält personenbezogene Daten. Nur für die Strafverfolgung und die beteiligten Stellen."
        ),
    )
    report = _report(case)
    _state(document, case)
    _facts(document, report)
    _history(document, case)
    _assessments(document, case)
    _measures(document, case)
    _messages(document, case)
    _evidence(document, report)
    return document.output()


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


# Sections.


def _state(document: Document, case: Case) -> None:
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
    document.section(_("Stand"), rows)


def _facts(document: Document, report: Report | None) -> None:
    document.heading(_("Sachverhalt"))
    if report is None:
        document.paragraph(_("Zu diesem Fall liegt keine Meldung vor."))
        return
    deadlines = []
    if report.learned_on:
        deadlines.append((_("Kenntnis von Tat und Täter:in am"), format_date(report.learned_on)))
    if report.complaint_deadline:
        deadlines.append((_("Strafantrag spätestens bis"), format_date(report.complaint_deadline)))
    for code, heading, rows in report_sections(report):
        # The complaint deadline belongs next to the reporter's wish about a criminal complaint.
        if code == v.ReceiptSection.CONTACT:
            rows, deadlines = [*rows, *deadlines], []
        document.section(heading, rows, level=2)
    if deadlines:
        document.section(_("Fristen"), deadlines, level=2)


def _history(document: Document, case: Case) -> None:
    document.heading(_("Verlauf"))
    events = list(case.events.select_related("by", "organisation").order_by("at", "pk"))
    if not events:
        document.paragraph(_("Noch keine Einträge."))
        return
    for event in events:
        by = _person(event.by, event.by_organisation, nobody=_("automatisch"))
        details = [_("Durch: %(person)s") % {"person": by}]
        document.entry(
            f"{format_datetime(event.at)} · {event.sentence}",
            event.reason if event.shows_reason else "",
            details=details,
        )


def _assessments(document: Document, case: Case) -> None:
    document.heading(_("Gefahrenanalysen"))
    assessments = list(case.assessments.select_related("assessed_by").order_by("created_at", "pk"))
    if not assessments:
        document.paragraph(_("Es wurde noch keine Gefahrenanalyse erfasst."))
        return
    for assessment in assessments:
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
        document.section(heading, rows, level=2)
        _present_items(document, assessment.answers)


def _rule(code: object) -> str:
    rule = RULES_BY_CODE.get(code) if isinstance(code, str) else None
    return f"{code}: {rule.description}" if rule else str(code)


def _present_items(document: Document, answers: object) -> None:
    """The items answered »liegt vor«, by group in the instrument's order, each with its evidence note."""
    answers = answers if isinstance(answers, Mapping) else {}
    present: dict[str, str] = {}
    for code, answer in answers.items():
        if isinstance(answer, Mapping) and answer.get("value") == AssessmentAnswer.PRESENT:
            present[str(code)] = str(answer.get("note") or "")
    if not present:
        document.paragraph(_("Kein Merkmal wurde als »liegt vor« erfasst."), space_before=1)
        return
    groups: list[tuple[str, Iterable[tuple[str, str]]]] = []
    for group in GROUPS:
        rows = [(str(item.label), present[item.code]) for item in group.items if item.code in present]
        if rows:
            groups.append((str(group.title), rows))
    # Items of an older instrument version, no longer in the list: shown by their code rather than left out.
    others = [(code, note) for code, note in present.items() if code not in ITEMS]
    if others:
        groups.append((_("Weitere Merkmale"), others))
    for title, rows in groups:
        document.heading(_("%(group)s – liegt vor") % {"group": title}, level=3, keep_with=2 * LINE)
        document.rows(rows)


def _measures(document: Document, case: Case) -> None:
    document.heading(_("Schutzmaßnahmen"))
    measures = list(case.measures.select_related("responsible").order_by("created_at", "pk"))
    if not measures:
        document.paragraph(_("Es wurden keine Schutzmaßnahmen erfasst."))
        return
    for measure in measures:
        rows = [
            (_("Zuständige Stelle"), measure.responsible.name),
            (_("Status"), measure.get_status_display()),
            (_("Beginn"), _date_or(measure.starts_on)),
            (_("Ende"), _date_or(measure.ends_on)),
            (_("Notizen"), measure.notes),
        ]
        document.section(measure.get_kind_display(), rows, level=2)


def _messages(document: Document, case: Case) -> None:
    document.heading(_("Nachrichten"))
    messages = list(case.messages.select_related("author").order_by("created_at", "pk"))
    if not messages:
        document.paragraph(_("Keine Nachrichten."))
        return
    for message in messages:
        if message.from_reporter:
            sender, details = _("Meldende Person"), []
        else:
            sender = _person(message.author, message.author_organisation)
            details = [] if message.internal else [_("Nachricht an die meldende Person")]
        document.entry(
            f"{format_datetime(message.created_at)} · {sender}",
            message.body,
            details=details,
            marker=_("interne Notiz") if message.internal else None,
        )


def _evidence(document: Document, report: Report | None) -> None:
    items = [
        EvidenceItem(name=item.original_name, size=item.size, sha256=item.sha256, uploaded_at=item.uploaded_at)
        for item in (report.evidence.all() if report is not None else [])
    ]
    document.evidence(
        items,
        explanation=_(
            "Die Dateien sind nicht Teil dieses Dossiers: Sie liegen verschlüsselt auf der Plattform und werden "
            "einzeln heruntergeladen. Mit der SHA-256-Prüfsumme lässt sich nachweisen, dass eine heruntergeladene "
            "Datei mit der hochgeladenen übereinstimmt."
        ),
        empty=_("Es wurden keine Dateien hochgeladen."),
    )
