"""Cases: the handling of a report by the programme's offices — lead agency and shares, workflow with an
append-only status history, referrals, deadlines, messages and the routing rules that assign new cases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sikom.accounts.models import Organisation, OrganisationType, short_organisation_name
from sikom.core.crypto import EncryptedTextField


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Eingegangen")
    IN_REVIEW = "in_review", _("In Prüfung")
    IN_PROGRESS = "in_progress", _("In Bearbeitung")
    MEASURES_ACTIVE = "measures_active", _("Schutzmaßnahmen laufen")
    REFERRED = "referred", _("Weitergeleitet")
    CLOSED = "closed", _("Abgeschlossen")
    REOPENED = "reopened", _("Wieder geöffnet")


class RiskLevel(models.IntegerChoices):
    LOW = 1, _("1 – niedrig")
    MEDIUM = 2, _("2 – mittel")
    HIGH = 3, _("3 – hoch")
    ACUTE = 4, _("4 – akut")


class CaseKind(models.TextChoices):
    """What a case is about; each kind brings its own intake record (decision 0043): an incident report
    (`reports.Report`) or a municipality's request to the Expertennetzwerk (`netrequests.ExpertRequest`)."""

    REPORT = "report", _("Vorfallmeldung")
    EXPERT_REQUEST = "expert_request", _("Anfrage an das Expertennetzwerk")


class CaseNumberSequence(models.Model):
    """One row per year; incremented under a row lock so case numbers are unique and gap-free under concurrency."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("Fallnummer"), max_length=20, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=CaseKind.choices, default=CaseKind.REPORT)
    status = models.CharField(_("Status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    lead = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
        verbose_name=_("Federführende Stelle"),
    )
    risk_level = models.PositiveSmallIntegerField(
        _("Gefährdungsstufe"), choices=RiskLevel.choices, null=True, blank=True
    )
    # Before a danger analysis exists, the deadline follows the provisional level derived from the report's facts.
    risk_level_is_provisional = models.BooleanField(default=True)
    first_contact_due_at = models.DateTimeField(_("Erstkontakt fällig bis"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("Erstkontakt am"), null=True, blank=True)
    next_review_on = models.DateField(_("Nächste Neubewertung"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)
    created_at = models.DateTimeField(_("Eingegangen am"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the reporter writes or adds evidence; cleared when a member of the lead agency opens the case.
    reporter_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Fall")
        verbose_name_plural = _("Fälle")
        indexes = [
            models.Index(fields=["lead", "status"]),
            models.Index(fields=["lead", "first_contact_due_at"]),
            models.Index(fields=["status", "closed_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from sikom.cases.kinds import page_url

        return page_url(self)


class CaseShare(models.Model):
    """Another agency that works on the case beside the lead (sees it, writes notes and measures)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shared_cases")
    reason = models.TextField(_("Grund"), blank=True)
    # An agency brought in for an opinion: what it is asked and by when (an Expertennetzwerk request asks experts
    # for an answer before the event).
    question = models.TextField(_("Frage"), blank=True)
    due_on = models.DateField(_("Antwort erbeten bis"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "organisation"], name="one_share_per_organisation")]
        indexes = [models.Index(fields=["organisation", "case"])]

    def __str__(self) -> str:
        return f"{self.case} → {self.organisation}"


class InboxEntry(models.Model):
    """One row per case and organisation that may see it (the lead and each share), holding what the inbox
    filters, counts and sorts on.

    Derived data, written only by `services.refresh_inbox_entries` in the same transaction as the change it
    follows. It lets an organisation's inbox read one index range instead of joining lead and shares over every
    case (docs/decisions/0014). It never decides visibility: the rows shown are checked against
    `selectors.cases_visible_to` again.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inbox_entries", db_index=False)
    is_lead = models.BooleanField()
    kind = models.CharField(max_length=20, choices=CaseKind.choices, default=CaseKind.REPORT)
    # The date the case is about (an Expertennetzwerk request: the planned event); its inbox sorts by it.
    event_at = models.DateTimeField(null=True)
    number = models.CharField(max_length=20)
    status = models.CharField(max_length=30, choices=CaseStatus.choices)
    is_open = models.BooleanField()
    risk_level = models.PositiveSmallIntegerField(choices=RiskLevel.choices, null=True)
    first_contact_due_at = models.DateTimeField(null=True)
    awaiting_first_contact = models.BooleanField()
    reporter_activity = models.BooleanField()
    created_at = models.DateTimeField()
    district = models.ForeignKey("geo.District", null=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    categories = models.PositiveIntegerField()  # bit set, reports.vocabulary.CATEGORY_BITS

    class Meta:
        # Every index starts with the organisation: an inbox reads one range. The »filter« indexes hold every column
        # the inbox filters on, so counts are read from the index alone (SQLite and PostgreSQL alike); the others
        # give each sort order its index, so a page is read in order and stops after 50 rows. Indexes »WHERE
        # is_open« cover the default view, open cases, at a sixth of the size; they list is_open among their
        # columns because SQLite reads an index alone only when it holds every column the query names.
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="one_inbox_entry_per_organisation")
        ]
        indexes = [
            models.Index(
                name="inbox_all_filter",
                fields=[
                    "organisation",
                    "status",
                    "risk_level",
                    "is_lead",
                    "awaiting_first_contact",
                    "reporter_activity",
                    "first_contact_due_at",
                    "district",
                    "categories",
                    "number",
                ],
            ),
            models.Index(
                name="inbox_open_filter",
                fields=[
                    "organisation",
                    "is_lead",
                    "risk_level",
                    "awaiting_first_contact",
                    "first_contact_due_at",
                    "district",
                    "categories",
                    "status",
                    "number",
                    "is_open",
                ],
                condition=models.Q(is_open=True),
            ),
            models.Index(
                name="inbox_open_due",
                fields=["organisation", "first_contact_due_at", "-created_at", "awaiting_first_contact", "is_open"],
                condition=models.Q(is_open=True),
            ),
            models.Index(
                name="inbox_open_newest", fields=["organisation", "-created_at"], condition=models.Q(is_open=True)
            ),
            models.Index(name="inbox_all_due", fields=["organisation", "first_contact_due_at", "-created_at"]),
            models.Index(name="inbox_all_newest", fields=["organisation", "-created_at"]),
            models.Index(name="inbox_all_risk", fields=["organisation", "-risk_level", "first_contact_due_at"]),
            models.Index(name="inbox_kind_event", fields=["organisation", "kind", "is_open", "event_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} @ {self.organisation_id}"


class CaseEvent(models.Model):
    """Append-only history of a case: every step, from routing to the last status change.

    Rows are only ever inserted; the status on the case is the last status event. ``details`` holds what the
    sentence of a step needs beyond the columns (levels, a measure's title and changed fields), never notes or
    other free text about persons. ``sentence`` says in German what happened.
    """

    class Kind(models.TextChoices):
        STATUS = "status", _("Statuswechsel")
        ROUTED = "routed", _("Zugewiesen")
        REFERRED = "referred", _("Weitergeleitet")
        SHARED = "shared", _("Beteiligt")
        RISK = "risk", _("Gefährdungsstufe")
        FIRST_CONTACT = "first_contact", _("Erstkontakt")
        MEASURE_PLANNED = "measure_planned", _("Schutzmaßnahme geplant")
        MEASURE_CHANGED = "measure_changed", _("Schutzmaßnahme geändert")
        UNSHARED = "unshared", _("Beteiligung beendet")
        STEP = "step", _("Arbeitsschritt")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=30, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=CaseStatus.choices, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("Begründung"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_organisation = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def sentence(self) -> str:
        """What happened, as one German sentence (the reason of a decision is shown beside it: `shows_reason`)."""
        from sikom.cases.history import describe

        return describe(self)

    @property
    def shows_reason(self) -> bool:
        """The reason is a person's explanation (not the routing rule already named in the sentence)."""
        return bool(self.reason) and self.by_id is not None and self.kind != self.Kind.RISK


class Message(models.Model):
    """A message between the reporter and the handlers. Internal notes are never shown to the reporter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    author_organisation = models.CharField(max_length=200, blank=True)
    body = EncryptedTextField(_("Nachricht"))
    internal = models.BooleanField(_("Interne Notiz"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="reporter_messages_are_never_internal",
                condition=~models.Q(from_reporter=True, internal=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def office_for_reporter(self) -> str:
        """Who wrote, as the reporter sees it: the office's short name (»ZASTEX«), recorded with the message."""
        return short_organisation_name(self.author_organisation) or str(_("Zuständige Stelle"))


class RoutingTarget(models.TextChoices):
    ZASTEX = "zastex", _("ZASTEX")
    ZMI = "zmi", _("ZMI")
    POLICE_DIRECTORATE = "police_directorate", _("Polizeidirektion der Gemeinde")
    EXPERT_NETWORK = "expert_network", _("Expertennetzwerk des Landkreises")
    ASSKOMM = "asskomm", _("ASSKomm")
    ZORA = "zora", _("ZORA")


class RoutingRule(models.Model):
    """A routing rule as data: when a new report matches, the target agency leads or is shared.

    A rule matches when every condition that is set holds. Rules are tried by ascending priority; the first matching
    rule with ``lead=True`` decides the lead (later lead rules are fall-backs), every matching rule with
    ``lead=False`` shares the case with its agency.
    """

    name = models.CharField(_("Bezeichnung"), max_length=200)
    priority = models.PositiveSmallIntegerField(_("Reihenfolge"), default=100)
    categories = models.JSONField(
        _("Bei diesen Vorfallarten (eine genügt)"), default=list, blank=True, help_text=_("Leer: jede Vorfallart.")
    )
    requires_extremist_motive = models.BooleanField(_("Nur bei extremistischem Motiv"), default=False)
    requires_private_sphere = models.BooleanField(_("Nur mit Bezug zur Privatsphäre"), default=False)
    target = models.CharField(_("Zuständige Stelle"), max_length=30, choices=RoutingTarget.choices)
    lead = models.BooleanField(_("Federführend (sonst beteiligt)"), default=True)
    active = models.BooleanField(_("Aktiv"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("Zuweisungsregel")
        verbose_name_plural = _("Zuweisungsregeln")

    def __str__(self) -> str:
        return self.name


TARGET_ORGANISATION_TYPES = {
    RoutingTarget.ZASTEX: OrganisationType.ZASTEX,
    RoutingTarget.ZMI: OrganisationType.ZMI,
    RoutingTarget.POLICE_DIRECTORATE: OrganisationType.POLICE_DIRECTORATE,
    RoutingTarget.EXPERT_NETWORK: OrganisationType.EXPERT_NETWORK,
    RoutingTarget.ASSKOMM: OrganisationType.ASSKOMM,
    RoutingTarget.ZORA: OrganisationType.ZORA,
}

CASE_HANDLING_TYPES = [
    OrganisationType.ZASTEX,
    OrganisationType.ZMI,
    OrganisationType.POLICE_DIRECTORATE,
    OrganisationType.LKA_PROTECTION,
    OrganisationType.EXPERT_NETWORK,
    OrganisationType.ZORA,
    OrganisationType.ASSKOMM,
]


class CaseStatistic(models.Model):
    """What remains of a case after its retention period: pseudonymised facts for the situation report.

    No case number, no text, no person, no municipality (only the district), months instead of dates.
    """

    reported_month = models.DateField(_("Monat der Meldung"))
    closed_month = models.DateField(_("Monat des Abschlusses"), null=True)
    district_key = models.CharField(_("Kreisschlüssel"), max_length=5)
    affected_role = models.CharField(_("Betroffene Person"), max_length=30)
    categories = models.JSONField(_("Vorfallarten"), default=list)
    motives = models.JSONField(_("Motive"), default=list)
    place = models.CharField(_("Ort"), max_length=20)
    channel = models.CharField(_("Weg"), max_length=20)
    risk_level = models.PositiveSmallIntegerField(_("Gefährdungsstufe"), null=True)
    lead_type = models.CharField(_("Art der federführenden Stelle"), max_length=30, blank=True)
    # The reporter's answer on a criminal complaint (reports.vocabulary.ComplaintWish); empty for older statistics.
    complaint_wish = models.CharField(_("Strafanzeige"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Fallstatistik")
        verbose_name_plural = _("Fallstatistik")

    def __str__(self) -> str:
        return f"{self.reported_month:%Y-%m} {self.district_key}"
