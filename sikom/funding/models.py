"""The funding guideline »Kommunale Prävention«: calls with their rules (configuration entered by the funding body with
its source, never code), applications with a cost and finance plan, the review, budget commitments and payments.

Every amount is a Decimal with two places (``MoneyField``); nothing is computed with float."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sikom.funding.money import MAX_DIGITS, ZERO

# The seven quality steps of the Beccaria standards (as in the coaching work). The application describes steps 1–5,
# the proof of use reports on 6 and 7.
BECCARIA_STEPS = {
    1: _("Problembeschreibung"),
    2: _("Analyse der Ursachen des Problems"),
    3: _("Ziele und Zielgruppen"),
    4: _("Maßnahmen zur Zielerreichung"),
    5: _("Projektkonzeption und Durchführung"),
    6: _("Evaluation"),
    7: _("Schlussfolgerungen und Dokumentation"),
}
APPLICATION_STEPS = (1, 2, 3, 4, 5)


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


def percent_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        **kwargs,
    )


class Call(models.Model):
    """A funding call (»Förderaufruf«) with its rules."""

    title = models.CharField(_("Titel"), max_length=200)
    year = models.PositiveIntegerField(_("Förderjahr"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    summary = models.TextField(_("Beschreibung"), blank=True)
    opens_on = models.DateField(_("Anträge ab"))
    closes_on = models.DateField(_("Anträge bis"))
    # The period a funded project must lie in.
    period_start = models.DateField(_("Projekte frühestens ab"))
    period_end = models.DateField(_("Projekte spätestens bis"))
    max_funding_rate = percent_field(_("Höchster Fördersatz (%)"))
    min_own_share = percent_field(_("Mindest-Eigenanteil (%)"))
    consultation_required = models.BooleanField(_("Vorherige Beratung durch den Landespräventionsrat nötig"))
    fixed_amount_allowed = models.BooleanField(_("Festbetragsfinanzierung möglich"), default=False)
    small_project_threshold = money_field(
        _("Grenze für Kleinprojekte (€)"),
        default=ZERO,
        help_text=_("Bis zu diesem Förderbetrag wird nur nach Ausgabe erstattet (0 = keine Grenze)."),
    )
    in_kind_hourly_rate = money_field(
        _("Wert einer Stunde eigener Personalleistung (€)"),
        default=ZERO,
        help_text=_("0 = Personalleistungen werden nicht als Eigenanteil anerkannt."),
    )
    in_kind_rules = models.TextField(_("Regeln für Sachleistungen und Eigenleistungen"), blank=True)
    deviation_threshold = percent_field(
        _("Abweichung im Verwendungsnachweis, ab der eine Begründung nötig ist (%)"), default=Decimal("20")
    )
    second_reviewer = models.BooleanField(_("Zweitgutachten vorgesehen"), default=False)
    rules_source = models.TextField(
        _("Quelle der Regeln"), help_text=_("Richtlinie mit Fassung und Fundstelle, aus der die Regeln stammen.")
    )
    is_demo = models.BooleanField(_("Demo-Werte"), default=False)
    is_published = models.BooleanField(_("Veröffentlicht"), default=False)
    letter_template = models.TextField(_("Vorlage für den Bescheid"), blank=True)
    next_number = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-opens_on", "pk"]
        verbose_name = _("Förderaufruf")
        verbose_name_plural = _("Förderaufrufe")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="call_window_ordered"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="call_period_ordered"),
            models.CheckConstraint(
                condition=Q(
                    max_funding_rate__gte=0, max_funding_rate__lte=100, min_own_share__gte=0, min_own_share__lte=100
                ),
                name="call_rates_are_percentages",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def window_open(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class CallBudget(models.Model):
    """The money of a call for one budget year (a multi-year project commits per year)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveIntegerField(
        _("Haushaltsjahr"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = money_field(_("Mittel (€)"))

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["call", "year"], name="one_budget_per_call_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.year}"


class CostCategory(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("Kostenart"), max_length=120)
    eligible = models.BooleanField(_("förderfähig"), default=True)
    is_staff = models.BooleanField(_("Personalkosten (Entgeltgruppe angeben)"), default=False)
    note = models.CharField(_("Hinweis"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["call", "name"], name="cost_category_unique_per_call")]

    def __str__(self) -> str:
        return self.name


class StaffCostCap(models.Model):
    """The highest eligible staff cost per year and pay grade (e.g. »E 9b«)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="staff_caps")
    pay_grade = models.CharField(_("Entgeltgruppe"), max_length=20)
    max_per_year = money_field(_("Höchstbetrag je Jahr (€)"))

    class Meta:
        ordering = ["pay_grade"]
        constraints = [models.UniqueConstraint(fields=["call", "pay_grade"], name="staff_cap_unique_per_grade")]

    def __str__(self) -> str:
        return self.pay_grade


class RequiredAttachment(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_attachments")
    name = models.CharField(_("Anlage"), max_length=200)
    description = models.CharField(_("Erläuterung"), max_length=400, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ReviewCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("Kriterium"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("Gewichtung"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_points = models.PositiveSmallIntegerField(
        _("Höchstpunktzahl"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("eingereicht")
    IN_REVIEW = "in_review", _("in Prüfung")
    QUERIES = "queries", _("Rückfragen")
    APPROVED = "approved", _("bewilligt")
    PARTLY_APPROVED = "partly_approved", _("teilweise bewilligt")
    REJECTED = "rejected", _("abgelehnt")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


DECIDED = frozenset({Status.APPROVED, Status.PARTLY_APPROVED, Status.REJECTED})
FUNDED = frozenset({Status.APPROVED, Status.PARTLY_APPROVED})
# What the applicant may still change.
EDITABLE = frozenset({Status.DRAFT, Status.QUERIES})


class Application(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    municipality = models.ForeignKey(
        "geo.Municipality", on_delete=models.PROTECT, related_name="funding_applications", verbose_name=_("Gemeinde")
    )
    number = models.CharField(_("Aktenzeichen"), max_length=30, null=True, blank=True, unique=True)
    status = models.CharField(_("Stand"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    applicant = models.CharField(_("Antragsteller"), max_length=200)
    title = models.CharField(_("Projekttitel"), max_length=200)
    starts_on = models.DateField(_("Projektbeginn"))
    ends_on = models.DateField(_("Projektende"))
    target_groups = models.TextField(_("Zielgruppen"))
    step_1 = models.TextField(BECCARIA_STEPS[1], blank=True)
    step_2 = models.TextField(BECCARIA_STEPS[2], blank=True)
    step_3 = models.TextField(BECCARIA_STEPS[3], blank=True)
    step_4 = models.TextField(BECCARIA_STEPS[4], blank=True)
    step_5 = models.TextField(BECCARIA_STEPS[5], blank=True)
    fixed_amount = models.BooleanField(_("Festbetragsfinanzierung beantragt"), default=False)
    requested = money_field(_("Beantragte Förderung (€)"), default=ZERO)
    # The proof of the prior consultation: a consultation record of the ASSKomm team, or until one exists, what
    # the applicant states.
    consultation = models.ForeignKey(
        "consultations.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Beratung durch den Landespräventionsrat"),
    )
    consultation_date = models.DateField(_("Datum der Beratung"), null=True, blank=True)
    consultation_topic = models.CharField(_("Thema der Beratung"), max_length=300, blank=True)
    declaration_truthful = models.BooleanField(_("Angaben vollständig und richtig"), default=False)
    declaration_not_started = models.BooleanField(_("Projekt noch nicht begonnen"), default=False)
    # Decision
    granted = money_field(_("Bewilligter Betrag (€)"), null=True, blank=True)
    conditions = models.TextField(_("Auflagen"), blank=True)
    reasons = models.TextField(_("Begründung"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Kept by the review service (the mean weighted total of the reviews and their number), so that the review list
    # of 20,000 applications sorts and pages on an index instead of aggregating every review per request.
    review_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # 0 until reviewed (not NULL: SQLite cannot index NULLS LAST, and unscored applications rank last either way).
    score = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Förderantrag")
        verbose_name_plural = _("Förderanträge")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="application_period_ordered"),
            models.CheckConstraint(condition=Q(requested__gte=0), name="application_requested_not_negative"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(number__isnull=False),
                name="submitted_application_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status", "-submitted_at"], name="funding_app_call_status_sub"),
            models.Index(fields=["call", "-score", "number"], name="funding_app_call_score"),
            models.Index(fields=["-submitted_at", "-id"], name="funding_app_submitted"),
            models.Index(fields=["municipality", "status"], name="funding_app_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('Entwurf')} {self.title}"

    def steps(self) -> list[tuple[int, str, str]]:
        return [(number, BECCARIA_STEPS[number], getattr(self, f"step_{number}")) for number in APPLICATION_STEPS]


class CostLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cost_lines")
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("Kostenart"))
    year = models.PositiveIntegerField(_("Jahr"))
    description = models.CharField(_("Beschreibung"), max_length=300)
    pay_grade = models.CharField(_("Entgeltgruppe"), max_length=20, blank=True)
    amount = money_field(_("Betrag (€)"))

    class Meta:
        ordering = ["year", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="cost_line_not_negative")]

    def __str__(self) -> str:
        return f"{self.year} {self.description}"


class OwnFundKind(models.TextChoices):
    MONEY = "money", _("Geld")
    STAFF_TIME = "staff_time", _("eigene Personalleistung (Stunden)")
    GOODS = "goods", _("Sachleistung")


class OwnFund(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="own_funds")
    kind = models.CharField(_("Art"), max_length=20, choices=OwnFundKind.choices)
    description = models.CharField(_("Beschreibung"), max_length=300)
    hours = models.DecimalField(_("Stunden"), max_digits=8, decimal_places=2, null=True, blank=True)
    # For staff time the value of the hours at the call's rate, computed by the service.
    amount = money_field(_("Wert (€)"))

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="own_fund_not_negative")]

    def __str__(self) -> str:
        return self.description


class ThirdPartyFund(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="third_party_funds")
    source = models.CharField(_("Geldgeber"), max_length=300)
    amount = money_field(_("Betrag (€)"))

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="third_party_not_negative")]

    def __str__(self) -> str:
        return self.source


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    required = models.ForeignKey(
        RequiredAttachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("Anlage")
    )
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class StatusChange(models.Model):
    """Append-only history of the application's workflow."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"


class ReviewerAssignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.reviewer_id}"


class Review(models.Model):
    """One reviewer's scores by the call's criteria ({criterion pk: points}) and recommendation."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(default=dict)
    # The weighted total (sum of weight × points), stored so that the ranking sorts in the database.
    total = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    recommendation = models.TextField(_("Empfehlung"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.reviewer_id}"


class Query(models.Model):
    """A question to the applicant with a deadline; the application goes back for changes and the snapshot taken
    when asking shows what changed on return."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="queries")
    text = models.TextField(_("Rückfrage"))
    deadline = models.DateField(_("Antwort bis"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField(default=dict)
    answer = models.TextField(_("Antwort"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class CommitmentKind(models.TextChoices):
    COMMIT = "commit", _("Bindung")
    RELEASE = "release", _("Freigabe")


class Commitment(models.Model):
    """Append-only ledger of the call's budget: an approval commits per year (positive), a withdrawal or lower final
    costs release (negative amount, kind »release«). The committed sum of a year is the sum of its rows."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="commitments")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="commitments")
    year = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=CommitmentKind.choices)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["call", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="commit", amount__gt=0) | Q(kind="release", amount__lt=0),
                name="commitment_sign_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.year} {self.amount}"


class PaymentStatus(models.TextChoices):
    REQUESTED = "requested", _("angefordert")
    PAID = "paid", _("ausgezahlt")
    REFUSED = "refused", _("abgelehnt")


class Payment(models.Model):
    """A payment request (»Mittelabruf«) against the approved amount, released by staff."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    year = models.PositiveIntegerField(_("Haushaltsjahr"))
    amount = money_field(_("Betrag (€)"))
    expenditure = models.TextField(_("Ausgaben, die der Abruf deckt"))
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.amount}"


class ProofStatus(models.TextChoices):
    FILED = "filed", _("eingereicht")
    CLOSED = "closed", _("abgeschlossen")


class ProofOfUse(models.Model):
    """The proof of use (»Verwendungsnachweis«): the factual report along Beccaria steps 6 and 7, the actual costs per
    cost line against the plan; closed by staff with the final amount and, when less was spent than paid, the
    repayment claim."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="proof")
    evaluation = models.TextField(BECCARIA_STEPS[6])
    conclusions = models.TextField(BECCARIA_STEPS[7])
    status = models.CharField(max_length=10, choices=ProofStatus.choices, default=ProofStatus.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    final_amount = money_field(_("Endgültige Förderung (€)"), null=True, blank=True)
    repayment = money_field(_("Rückforderung (€)"), default=ZERO)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.application_id}"


class ProofLine(models.Model):
    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="lines")
    cost_line = models.ForeignKey(CostLine, on_delete=models.PROTECT, related_name="+")
    actual = money_field(_("Tatsächliche Kosten (€)"))
    reason = models.TextField(_("Begründung der Abweichung"), blank=True)

    class Meta:
        ordering = ["cost_line__year", "cost_line_id"]
        constraints = [models.UniqueConstraint(fields=["proof", "cost_line"], name="one_proof_line_per_cost_line")]

    def __str__(self) -> str:
        return f"{self.proof_id} {self.cost_line_id}"


class Instalment(models.Model):
    """A payment plan set at approval: instalments with their due day, paid by staff as they fall due."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("Fällig am"))
    amount = money_field(_("Betrag (€)"))
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="instalment")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_positive")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.due_on}"
