"""The case history in words: one German sentence per `CaseEvent`, for the case page and the dossier."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sikom.cases.models import CaseEvent, CaseStatus, RiskLevel
from sikom.core.choices import choice_label


def _level(value) -> str:
    return str(choice_label(RiskLevel, value))


def _status(value) -> str:
    return str(choice_label(CaseStatus, value))


def _describe_risk(details: dict, reason: str) -> str:
    if "to" not in details:  # recorded before the history kept the levels
        return _("Gefährdungsstufe geändert: %(change)s.") % {"change": reason}
    new, old = _level(details["to"]), _level(details.get("from"))
    if details.get("provisional"):
        if details.get("from") is None:
            text = _("Vorläufige Gefährdungsstufe aus den Angaben der Meldung: %(new)s.") % {"new": new}
        else:
            text = _("Vorläufige Gefährdungsstufe von %(old)s auf %(new)s geändert.") % {"old": old, "new": new}
    elif details.get("from") is None:
        text = _("Gefährdungsstufe festgelegt: %(new)s.") % {"new": new}
    elif details.get("from_provisional"):
        if details["from"] == details["to"]:
            text = _("Gefährdungsstufe %(new)s bestätigt (bisher vorläufig).") % {"new": new}
        else:
            text = _("Gefährdungsstufe %(new)s festgelegt (bisher vorläufig %(old)s).") % {"new": new, "old": old}
    elif details["from"] == details["to"]:
        text = _("Gefährdungsstufe %(new)s erneut bestätigt.") % {"new": new}
    else:
        text = _("Gefährdungsstufe von %(old)s auf %(new)s geändert.") % {"old": old, "new": new}
    if details.get("next_review_on"):
        day = date_format(date.fromisoformat(details["next_review_on"]), "d.m.Y")
        text += " " + _("Nächste Neubewertung am %(day)s.") % {"day": day}
    return text


def _describe_measure_change(details: dict) -> str:
    parts = []
    if details.get("status"):
        parts.append(
            _("Status von »%(old)s« auf »%(new)s«") % {"old": details["status"][0], "new": details["status"][1]}
        )
    if details.get("fields"):
        parts.append(_("geändert: %(fields)s") % {"fields": ", ".join(details["fields"])})
    return _("Schutzmaßnahme »%(title)s«: %(changes)s.") % {
        "title": details.get("title", ""),
        "changes": "; ".join(parts),
    }


def describe(event: CaseEvent) -> str:
    kind, details, organisation = event.kind, event.details or {}, event.organisation.name if event.organisation else ""
    automatic = event.by_id is None and not event.by_organisation
    if kind == CaseEvent.Kind.STATUS:
        return _("Status von »%(old)s« auf »%(new)s« gesetzt.") % {
            "old": _status(event.from_status),
            "new": _status(event.to_status),
        }
    if kind == CaseEvent.Kind.ROUTED:
        return _("Automatisch zugewiesen an %(organisation)s (Regel »%(rule)s«).") % {
            "organisation": organisation,
            "rule": event.reason,
        }
    if kind == CaseEvent.Kind.SHARED:
        if automatic:
            return _("Automatisch beteiligt: %(organisation)s (Regel »%(rule)s«).") % {
                "organisation": organisation,
                "rule": event.reason,
            }
        if details.get("due_on"):
            day = date_format(date.fromisoformat(details["due_on"]), "d.m.Y")
            return _("%(organisation)s am Fall beteiligt; Antwort erbeten bis %(day)s.") % {
                "organisation": organisation,
                "day": day,
            }
        return _("%(organisation)s am Fall beteiligt.") % {"organisation": organisation}
    if kind == CaseEvent.Kind.REFERRED:
        return _("Weitergeleitet an %(organisation)s; die Federführung liegt jetzt dort.") % {
            "organisation": organisation
        }
    if kind == CaseEvent.Kind.RISK:
        return _describe_risk(details, event.reason)
    if kind == CaseEvent.Kind.FIRST_CONTACT:
        if details.get("via") == "message":
            return _("Erstkontakt: Nachricht an die meldende Person geschickt.")
        return _("Erstkontakt mit der meldenden Person vermerkt.")
    if kind == CaseEvent.Kind.MEASURE_PLANNED:
        return _("Schutzmaßnahme »%(title)s« geplant; zuständig: %(responsible)s.") % {
            "title": details.get("title", ""),
            "responsible": details.get("responsible", ""),
        }
    if kind == CaseEvent.Kind.MEASURE_CHANGED:
        return _describe_measure_change(details)
    if kind == CaseEvent.Kind.UNSHARED:
        return _("Beteiligung von %(organisation)s beendet.") % {"organisation": organisation}
    if kind == CaseEvent.Kind.STEP:
        return details.get("text", "")
    return str(event.get_kind_display())
