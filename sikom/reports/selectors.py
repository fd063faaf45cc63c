"""How a report's facts read: the answers as labelled sections, for the case page, the dossier and the intake's
review page and receipt."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sikom.core.choices import choice_label
from sikom.reports import vocabulary as v
from sikom.reports.models import Evidence, Report


def evidence_of(report: Report) -> QuerySet[Evidence]:
    return report.evidence.all()


def evidence_item(report: Report, evidence_id) -> Evidence | None:
    """One evidence file of the report, or None for any other id (a forged one included)."""
    return evidence_of(report).filter(pk=evidence_id).first()


def _labels(choices, codes) -> str:
    return ", ".join(choice_label(choices, code) for code in codes)


def _date(value) -> str:
    return date_format(value, "d.m.Y") if value else ""


def sections(*, person: dict, incident: dict, online: list[dict], contact: dict, municipality_name: str) -> list:
    """The answers as (section code, heading, [(label, value)]) for the review page and the PDF receipt."""
    yes, no = _("ja"), _("nein")
    when = _date(incident.get("occurred_on"))
    if incident.get("occurred_at"):
        when += ", " + incident["occurred_at"].strftime("%H:%M") + " " + _("Uhr")
    if incident.get("occurred_until"):
        when += " – " + _date(incident["occurred_until"])
    repetition = choice_label(v.Repetition, incident.get("repetition"))
    if incident.get("repetition_count"):
        repetition += f" ({incident['repetition_count']}×)"
    contact_rows = [(_("Anonym"), yes if contact.get("anonymous") else no)]
    if not contact.get("anonymous"):
        contact_rows += [
            (_("Name"), contact.get("contact_name") or "–"),
            (_("E-Mail"), contact.get("contact_email") or "–"),
            (_("Telefon"), contact.get("contact_phone") or "–"),
            (_("Kontaktweg"), choice_label(v.ContactPreference, contact.get("contact_preference"))),
        ]
    contact_rows.append((_("Strafanzeige"), choice_label(v.ComplaintWish, contact.get("complaint_wish"))))
    online_rows = []
    for number, entry in enumerate(online, start=1):
        details = [entry.get("url", "")]
        if entry.get("platform"):
            details.append(entry["platform"])
        if entry.get("profile_name"):
            details.append(_("Profil: %(name)s") % {"name": entry["profile_name"]})
        if entry.get("posted_at"):
            details.append(date_format(timezone.localtime(entry["posted_at"]), "d.m.Y H:i"))
        online_rows.append((_("Beitrag %(number)d") % {"number": number}, " · ".join(details)))
    return [
        (
            v.ReceiptSection.PERSON,
            str(v.ReceiptSection.PERSON.label),
            [
                (_("Betroffene Person"), choice_label(v.AffectedRole, person.get("affected_role"))),
                (_("Gemeinde"), municipality_name),
                (_("Angehörige mit betroffen"), yes if person.get("relatives_affected") else no),
            ],
        ),
        (
            v.ReceiptSection.INCIDENT,
            str(v.ReceiptSection.INCIDENT.label),
            [
                (_("Was ist passiert"), _labels(v.Category, incident.get("categories", []))),
                (_("Wann"), when),
                (_("Wo"), choice_label(v.Place, incident.get("place"))),
                (_("Weg"), choice_label(v.Channel, incident.get("channel"))),
                (_("Wiederholung"), repetition),
                (_("Täter:in"), choice_label(v.Perpetrator, incident.get("perpetrator"))),
                (_("Hinweise auf ein Motiv"), _labels(v.Motive, incident.get("motives", []))),
                (_("Beschreibung"), incident.get("description") or "–"),
            ],
        ),
        (v.ReceiptSection.ONLINE, str(v.ReceiptSection.ONLINE.label), online_rows or [(_("Beiträge"), _("keine"))]),
        (v.ReceiptSection.CONTACT, str(v.ReceiptSection.CONTACT.label), contact_rows),
    ]


def report_sections(report: Report) -> list:
    return sections(
        person={"affected_role": report.affected_role, "relatives_affected": report.relatives_affected},
        incident={
            "categories": report.categories,
            "occurred_on": report.occurred_on,
            "occurred_at": report.occurred_at,
            "occurred_until": report.occurred_until,
            "place": report.place,
            "channel": report.channel,
            "repetition": report.repetition,
            "repetition_count": report.repetition_count,
            "perpetrator": report.perpetrator,
            "motives": report.motives,
            "description": report.description,
        },
        online=[
            {"url": c.url, "platform": c.platform, "profile_name": c.profile_name, "posted_at": c.posted_at}
            for c in report.online_contents.all()
        ],
        contact={
            "anonymous": report.anonymous,
            "contact_name": report.contact_name,
            "contact_email": report.contact_email,
            "contact_phone": report.contact_phone,
            "contact_preference": report.contact_preference,
            "complaint_wish": report.complaint_wish,
        },
        municipality_name=report.municipality.display_name,
    )
