"""Every write of the funding procedure: plain functions, keyword arguments, one transaction each, audited.

The budget is never over-committed: a decision locks the call's row (``select_for_update``) before it sums the
commitments of the call, in the same transaction, so concurrent approvals queue behind each other (decision 0037)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sikom.core import audit
from sikom.funding import files, rules
from sikom.funding.models import (
    DECIDED,
    EDITABLE,
    FUNDED,
    Application,
    Attachment,
    Call,
    CallBudget,
    Commitment,
    CommitmentKind,
    CostCategory,
    CostLine,
    Instalment,
    OwnFund,
    OwnFundKind,
    Payment,
    PaymentStatus,
    ProofLine,
    ProofOfUse,
    ProofStatus,
    Query,
    Review,
    ReviewerAssignment,
    StatusChange,
    ThirdPartyFund,
)
from sikom.funding.models import Status as S
from sikom.funding.money import CENT, ZERO, format_money, split_by_weights
from sikom.funding.workflow import APPLICATIONS


class Refused(Exception):
    """A write the rules do not allow; carries the German message and, where it concerns a field, its violations."""

    def __init__(self, message: str = "", violations: list[rules.Violation] | None = None) -> None:
        self.violations = violations or []
        self.message = message or "; ".join(v.message for v in self.violations)
        super().__init__(self.message)


# The decision letter when a call has no template of its own; the funding body edits the call's copy.
DEFAULT_LETTER = (
    "Förderung nach der Richtlinie »Kommunale Prävention« – {aufruf}\n\n"
    "Aktenzeichen: {aktenzeichen}\nAntragsteller: {antragsteller} ({gemeinde})\nProjekt: {titel}\n\n"
    "Entscheidung: {entscheidung}\nBeantragt: {beantragt}\nBewilligt: {betrag}\n\nAuflagen: {auflagen}\n\n"
    "Begründung: {begruendung}\n\n[Rechtsbehelfsbelehrung und Unterschrift: von der Förderstelle in der Vorlage "
    "einzutragen.]"
)

# Calls


def save_call(*, by, form, formsets) -> Call:
    """A call with its budgets, categories, caps, attachments and criteria (validated forms), in one transaction."""
    with transaction.atomic():
        created = form.instance.pk is None
        call = form.save()
        for formset in formsets:
            formset.instance = call
            formset.save()
        audit.log(
            "funding.call_created" if created else "funding.call_changed",
            actor=by,
            obj=call,
            data={"fields": sorted(form.changed_data), "budgets": {b.year: str(b.amount) for b in call.budgets.all()}},
            atomic=True,
        )
    return call


# Applications


@dataclass
class PlanInput:
    """The plan as the form gives it (categories resolved to the call's rows)."""

    lines: list[dict]  # category (CostCategory), year, description, pay_grade, amount
    own: list[dict]  # kind, description, hours, amount
    third_party: list[dict]  # source, amount


def valued_own(call: Call, own: dict) -> Decimal:
    """The value of an own contribution: money and goods as entered; staff time as hours × the call's hourly rate
    (rounded to the cent)."""
    if own["kind"] == OwnFundKind.STAFF_TIME:
        return (Decimal(own.get("hours") or 0) * call.in_kind_hourly_rate).quantize(CENT)
    return own["amount"] or ZERO


def plan_of(*, call: Call, starts_on: date, ends_on: date, requested: Decimal, fixed_amount: bool, plan: PlanInput):
    return rules.Plan(
        starts_on=starts_on,
        ends_on=ends_on,
        lines=tuple(
            rules.Line(
                category_id=line["category"].pk,
                year=line["year"],
                amount=line["amount"],
                pay_grade=line.get("pay_grade", ""),
                description=line.get("description", ""),
            )
            for line in plan.lines
        ),
        own=tuple(
            rules.Own(kind=own["kind"], amount=valued_own(call, own), hours=own.get("hours")) for own in plan.own
        ),
        third_party=tuple(third["amount"] for third in plan.third_party),
        requested=requested,
        fixed_amount=fixed_amount,
    )


def stored_plan(application: Application) -> rules.Plan:
    return rules.Plan(
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        lines=tuple(
            rules.Line(category_id=line.category_id, year=line.year, amount=line.amount, pay_grade=line.pay_grade)
            for line in application.cost_lines.all()
        ),
        own=tuple(rules.Own(kind=own.kind, amount=own.amount, hours=own.hours) for own in application.own_funds.all()),
        third_party=tuple(third.amount for third in application.third_party_funds.all()),
        requested=application.requested,
        fixed_amount=application.fixed_amount,
    )


APPLICATION_FIELDS = (
    "applicant",
    "title",
    "starts_on",
    "ends_on",
    "target_groups",
    "step_1",
    "step_2",
    "step_3",
    "step_4",
    "step_5",
    "fixed_amount",
    "requested",
    "consultation",
    "consultation_date",
    "consultation_topic",
    "declaration_truthful",
    "declaration_not_started",
)


def save_application(
    *,
    by,
    call: Call,
    municipality,
    fields: dict,
    plan: PlanInput,
    uploads: dict | None = None,
    application: Application | None = None,
) -> Application:
    """Create or update the applicant's application (draft, or answering queries): the fields, the whole plan
    (replaced) and newly uploaded attachments ({required attachment pk: upload}, checked before). Refused when the
    draft rules are broken."""
    whole = plan_of(
        call=call,
        starts_on=fields["starts_on"],
        ends_on=fields["ends_on"],
        requested=fields["requested"],
        fixed_amount=fields.get("fixed_amount", False),
        plan=plan,
    )
    violations = rules.draft_violations(rules.call_rules(call), whole)
    if violations:
        raise Refused(violations=violations)
    with transaction.atomic():
        if application is None:
            application = Application(call=call, municipality=municipality, created_by=by)
        else:
            application = Application.objects.select_for_update().get(pk=application.pk)
            if application.status not in EDITABLE:
                raise Refused(_("Der Antrag ist eingereicht und kann nicht mehr geändert werden."))
            application.version += 1
        for name in APPLICATION_FIELDS:
            if name in fields:
                setattr(application, name, fields[name])
        application.save()
        application.cost_lines.all().delete()
        application.own_funds.all().delete()
        application.third_party_funds.all().delete()
        CostLine.objects.bulk_create(
            CostLine(
                application=application,
                category=line["category"],
                year=line["year"],
                description=line.get("description", ""),
                pay_grade=line.get("pay_grade", ""),
                amount=line["amount"],
            )
            for line in plan.lines
        )
        OwnFund.objects.bulk_create(
            OwnFund(
                application=application,
                kind=own["kind"],
                description=own.get("description", ""),
                hours=own.get("hours") if own["kind"] == OwnFundKind.STAFF_TIME else None,
                amount=valued_own(call, own),
            )
            for own in plan.own
        )
        ThirdPartyFund.objects.bulk_create(
            ThirdPartyFund(application=application, source=third["source"], amount=third["amount"])
            for third in plan.third_party
        )
        for required_pk, upload in (uploads or {}).items():
            content_type = files.check(upload)
            storage_name, sha256 = files.store(upload, content_type)
            application.attachments.filter(required_id=required_pk).delete()
            Attachment.objects.create(
                application=application,
                required_id=required_pk,
                original_name=files.display_name(upload.name or ""),
                content_type=content_type,
                size=upload.size,
                sha256=sha256,
                storage_name=storage_name,
            )
        if application.status == S.DRAFT and application.version == 1:
            StatusChange.objects.create(application=application, status=S.DRAFT, by=by)
        audit.log(
            "funding.application_saved",
            actor=by,
            obj=application,
            data={"version": application.version, "requested": str(application.requested)},
            atomic=True,
        )
    return application


def submission_violations(application: Application) -> list[rules.Violation]:
    call_rules = rules.call_rules(application.call)
    state = rules.Completeness(
        steps={number: getattr(application, f"step_{number}") for number in range(1, 6)},
        target_groups=application.target_groups,
        attachments=frozenset(application.attachments.exclude(required=None).values_list("required_id", flat=True)),
        has_consultation_record=application.consultation_id is not None,
        consultation_date=application.consultation_date,
        consultation_topic=application.consultation_topic,
        declarations=(application.declaration_truthful, application.declaration_not_started),
    )
    return rules.plan_violations(call_rules, stored_plan(application)) + rules.completeness_violations(
        call_rules, state
    )


def _move(application: Application, to: str, *, by, reason: str = "", responsible: bool = True) -> None:
    APPLICATIONS.check(application.status, to, responsible=responsible, reason=reason)
    StatusChange.objects.create(application=application, status=to, by=by, reason=reason)
    before = application.status
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    audit.log("funding.status_changed", actor=by, obj=application, data={"from": before, "to": to}, atomic=True)


def applicant_user_id(application: Application) -> int | None:
    """The user who submitted the application (the one to tell about its steps); before submission, its author."""
    submitted_by = (
        application.history.filter(status=S.SUBMITTED).exclude(by=None).order_by("-at", "-pk").values_list("by_id")
    ).first()
    return submitted_by[0] if submitted_by else application.created_by_id


def _notify(application: Application, kind: str, user_id: int | None) -> None:
    # In the transaction, as the events e-mails: the database task backend writes the task row with the change, so a
    # crash after the commit cannot lose the notice (and a rolled-back change sends none).
    from sikom.funding.tasks import send_funding_notice

    if user_id is not None:
        send_funding_notice.enqueue(application.pk, kind, user_id)


def submit(*, application: Application, by, today: date | None = None) -> Application:
    """Submission inside the call's window, with every rule kept: the reference number is given here."""
    today = today or timezone.localdate()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != S.DRAFT:
            raise Refused(_("Der Antrag ist bereits eingereicht."))
        if not call.window_open(today):
            raise Refused(
                _("Anträge zu diesem Aufruf sind nur vom %(opens)s bis %(closes)s möglich.")
                % {"opens": f"{call.opens_on:%d.%m.%Y}", "closes": f"{call.closes_on:%d.%m.%Y}"}
            )
        violations = submission_violations(application)
        if violations:
            raise Refused(violations=violations)
        application.number = f"KP-{call.year}-{call.next_number:04d}"
        call.next_number += 1
        call.save(update_fields=["next_number"])
        application.submitted_at = timezone.now()
        application.save(update_fields=["number", "submitted_at"])
        _move(application, S.SUBMITTED, by=by)
    return application


def withdraw(*, application: Application, by, reason: str) -> Application:
    """The applicant (or the staff) withdraws; an approval's remaining commitment returns to the budget."""
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=application.call_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        _move(application, S.WITHDRAWN, by=by, reason=reason)
        _release_remaining(application, by=by, reason=_("Antrag zurückgezogen"))
    return application


def start_review(*, application: Application, by) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _move(application, S.IN_REVIEW, by=by)
    return application


# Review


def assign_reviewer(*, application: Application, reviewer, by) -> ReviewerAssignment:
    with transaction.atomic():
        assignment, created = ReviewerAssignment.objects.get_or_create(application=application, reviewer=reviewer)
        audit.log("funding.reviewer_assigned", actor=by, obj=application, data={"reviewer": reviewer.pk}, atomic=True)
        if created:
            _notify(application, "reviewer_assigned", reviewer.pk)
    return assignment


def save_review(*, application: Application, by, scores: dict[int, int], recommendation: str) -> Review:
    """Scores by the call's criteria (every criterion, 0 … its maximum); the weighted total is stored."""
    criteria = {criterion.pk: criterion for criterion in application.call.criteria.all()}
    if set(scores) != set(criteria):
        raise Refused(_("Bitte bewerten Sie jedes Kriterium des Aufrufs."))
    for pk, points in scores.items():
        if not 0 <= points <= criteria[pk].max_points:
            raise Refused(
                _("Für »%(name)s« sind 0 bis %(max)d Punkte möglich.")
                % {"name": criteria[pk].name, "max": criteria[pk].max_points}
            )
    total = Decimal(sum(criteria[pk].weight * points for pk, points in scores.items()))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != S.IN_REVIEW:
            raise Refused(_("Bewertet wird nur ein Antrag in Prüfung."))
        review, _created = Review.objects.update_or_create(
            application=application,
            reviewer=by,
            defaults={
                "scores": {str(pk): points for pk, points in scores.items()},
                "total": total,
                "recommendation": recommendation,
            },
        )
        summary = application.reviews.aggregate(count=Count("pk"), mean=Avg("total"))
        application.review_count = summary["count"]
        application.score = Decimal(summary["mean"]).quantize(CENT) if summary["mean"] is not None else ZERO
        application.save(update_fields=["review_count", "score"])
        audit.log("funding.reviewed", actor=by, obj=application, data={"total": str(total)}, atomic=True)
    return review


def snapshot(application: Application) -> dict[str, str]:
    """What the applicant can change, as text per labelled part: compared when the application returns."""
    lines = [
        f"{line.year} · {line.category.name} · {line.description} · {format_money(line.amount)} €"
        for line in application.cost_lines.select_related("category")
    ]
    own = [
        f"{o.get_kind_display()} · {o.description} · {format_money(o.amount)} €" for o in application.own_funds.all()
    ]
    third = [f"{t.source} · {format_money(t.amount)} €" for t in application.third_party_funds.all()]
    data = {
        str(_("Projekttitel")): application.title,
        str(_("Projektzeitraum")): f"{application.starts_on:%d.%m.%Y} – {application.ends_on:%d.%m.%Y}",
        str(_("Zielgruppen")): application.target_groups,
    }
    for _number, title, text in application.steps():
        data[str(title)] = text
    data[str(_("Kosten"))] = "\n".join(lines)
    data[str(_("Eigenanteil"))] = "\n".join(own)
    data[str(_("Drittmittel"))] = "\n".join(third)
    data[str(_("Beantragte Förderung"))] = f"{format_money(application.requested)} €"
    return data


def ask_query(*, application: Application, by, text: str, deadline: date) -> Query:
    if not text.strip():
        raise Refused(_("Bitte formulieren Sie die Rückfrage."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _move(application, S.QUERIES, by=by, reason=text)
        query = Query.objects.create(
            application=application, text=text, deadline=deadline, asked_by=by, snapshot=snapshot(application)
        )
        _notify(application, "query", applicant_user_id(application))
    return query


def open_query(application: Application) -> Query | None:
    """The question the applicant has still to answer (only while the application is with them)."""
    if application.status != S.QUERIES:
        return None
    return application.queries.filter(answered_at=None).last()


def resume_review(*, application: Application, by, reason: str, today: date | None = None) -> Application:
    """Staff continue the review without the answer once the question's deadline has passed (``workflow.RESUME``):
    the reason is kept in the history and the audit; the question stays visibly unanswered. The move is the table's
    »queries → in review« (checked by ``_move``), the staff's variant of the applicant's answer."""
    today = today or timezone.localdate()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        query = open_query(application)
        if query is None:
            raise Refused(_("Zu diesem Antrag ist keine Rückfrage offen."))
        if query.deadline >= today:
            raise Refused(
                _(
                    "Die Frist für die Antwort läuft bis %(deadline)s; erst danach kann ohne Antwort weitergeprüft werden."
                )
                % {"deadline": f"{query.deadline:%d.%m.%Y}"}
            )
        if not reason.strip():
            raise Refused(_("Bitte begründen Sie, warum ohne Antwort weitergeprüft wird."))
        _move(application, S.IN_REVIEW, by=by, reason=reason)
        audit.log(
            "funding.review_resumed",
            actor=by,
            obj=application,
            data={"query": query.pk, "deadline": query.deadline.isoformat()},
            atomic=True,
        )
    return application


def answer_query(*, application: Application, by, answer: str) -> Query:
    """The applicant sends the application back (after changing it with the form); the changes are recorded."""
    if not answer.strip():
        raise Refused(_("Bitte beantworten Sie die Rückfrage."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        query = application.queries.filter(answered_at=None).last()
        if query is None or application.status != S.QUERIES:
            raise Refused(_("Zu diesem Antrag ist keine Rückfrage offen."))
        violations = submission_violations(application)
        if violations:
            raise Refused(violations=violations)
        now = snapshot(application)
        query.changes = [
            {"label": label, "before": query.snapshot.get(label, ""), "after": text}
            for label, text in now.items()
            if query.snapshot.get(label, "") != text
        ]
        query.answer = answer
        query.answered_at = timezone.now()
        query.save(update_fields=["changes", "answer", "answered_at"])
        _move(application, S.IN_REVIEW, by=by, responsible=False)
    return query


# Decision and budget


def per_year_split(application: Application, amount: Decimal) -> dict[int, Decimal]:
    """The granted amount over the project's years in proportion to the planned costs per year."""
    return split_by_weights(amount, stored_plan(application).costs_by_year() or {application.starts_on.year: 1})


def committed_by_year(call: Call) -> dict[int, Decimal]:
    return dict(
        Commitment.objects.filter(call=call).values("year").annotate(total=Sum("amount")).values_list("year", "total")
    )


def decide(
    *,
    application: Application,
    by,
    outcome: str,
    amount: Decimal | None = None,
    conditions: str = "",
    reasons: str = "",
    instalments: list[tuple[date, Decimal]] | None = None,
) -> Application:
    """Approve in full or in part (commits the amount against the call's budget per year) or reject. Four-eyes: not
    by the only reviewer; the call's row is locked first, so concurrent decisions never over-commit."""
    if outcome not in DECIDED:
        raise Refused(_("Diese Entscheidung gibt es nicht."))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        reviewers = set(application.reviews.values_list("reviewer_id", flat=True))
        needed = 2 if call.second_reviewer else 1
        if len(reviewers) < needed:
            raise Refused(
                _("Vor der Entscheidung sind %(count)d Bewertung(en) nötig; vorhanden: %(have)d.")
                % {"count": needed, "have": len(reviewers)}
            )
        if reviewers == {by.pk}:
            raise Refused(_("Vier-Augen-Prinzip: Wer als einzige Person bewertet hat, kann nicht entscheiden."))
        if outcome == S.REJECTED:
            if not reasons.strip():
                raise Refused(_("Bitte begründen Sie die Ablehnung."))
            amount = None
        else:
            if amount is None or amount <= 0:
                raise Refused(_("Bitte geben Sie den bewilligten Betrag an."))
            if amount > application.requested:
                raise Refused(
                    _("Bewilligt werden kann höchstens der beantragte Betrag (%(requested)s €).")
                    % {"requested": format_money(application.requested)}
                )
            if outcome == S.APPROVED and amount != application.requested:
                raise Refused(_("Eine Bewilligung in voller Höhe gilt dem beantragten Betrag; sonst »teilweise«."))
            if outcome == S.PARTLY_APPROVED and amount == application.requested:
                raise Refused(_("Der volle Betrag ist keine teilweise Bewilligung."))
            split = per_year_split(application, amount)
            budgets = dict(CallBudget.objects.filter(call=call).values_list("year", "amount"))
            committed = committed_by_year(call)
            for year, share in split.items():
                left = budgets.get(year, ZERO) - committed.get(year, ZERO)
                if share > left:
                    raise Refused(
                        _("Die Mittel des Aufrufs für %(year)d reichen nicht: noch frei %(left)s €, nötig %(share)s €.")
                        % {"year": year, "left": format_money(max(left, ZERO)), "share": format_money(share)}
                    )
            if instalments:
                _check_instalments(instalments, amount=amount, split=split)
            for year, share in split.items():
                if share:
                    Commitment.objects.create(
                        call=call, application=application, year=year, kind=CommitmentKind.COMMIT, amount=share, by=by
                    )
        _move(application, outcome, by=by, reason=reasons)
        if instalments and outcome != S.REJECTED:
            Instalment.objects.bulk_create(
                Instalment(application=application, due_on=due_on, amount=part) for due_on, part in instalments
            )
        application.granted = amount
        application.conditions = conditions
        application.reasons = reasons
        application.decided_by = by
        application.decided_at = timezone.now()
        application.save(update_fields=["granted", "conditions", "reasons", "decided_by", "decided_at"])
        audit.log(
            "funding.decided",
            actor=by,
            obj=application,
            data={"outcome": outcome, "amount": str(amount) if amount is not None else None},
            atomic=True,
        )
        _notify(application, "decided", applicant_user_id(application))
    return application


def _open_commitments(application: Application) -> dict[int, Decimal]:
    return dict(application.commitments.values("year").annotate(total=Sum("amount")).values_list("year", "total"))


def _release_remaining(application: Application, *, by, reason: str, keep: dict[int, Decimal] | None = None) -> Decimal:
    """Release what is committed beyond ``keep`` (per year; by default what was paid)."""
    keep = keep if keep is not None else paid_by_year(application)
    released = ZERO
    for year, total in _open_commitments(application).items():
        surplus = total - keep.get(year, ZERO)
        if surplus > 0:
            Commitment.objects.create(
                call_id=application.call_id,
                application=application,
                year=year,
                kind=CommitmentKind.RELEASE,
                amount=-surplus,
                reason=reason[:300],
                by=by,
            )
            released += surplus
    if released:
        audit.log("funding.released", actor=by, obj=application, data={"amount": str(released)}, atomic=True)
    return released


def paid_by_year(application: Application) -> dict[int, Decimal]:
    return dict(
        application.payments.filter(status=PaymentStatus.PAID)
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )


# Payments


def request_payment(
    *, application: Application, by, year: int, amount: Decimal, expenditure: str, already_spent: bool = False
) -> Payment:
    """A payment request against the approved amount: never more than is committed and not yet paid or requested
    for that year; a small project (grant up to the call's threshold) only as reimbursement of money already spent."""
    if not expenditure.strip():
        raise Refused(_("Bitte nennen Sie die Ausgaben, die der Abruf deckt."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in FUNDED:
            raise Refused(_("Mittel können nur für einen bewilligten Antrag abgerufen werden."))
        if application.instalments.exists():
            raise Refused(_("Für diesen Antrag gilt ein Zahlungsplan; die Raten zahlt die Förderstelle aus."))
        threshold = application.call.small_project_threshold
        if threshold and application.granted is not None and application.granted <= threshold and not already_spent:
            raise Refused(
                _(
                    "Regel »Kleinprojekte«: Bis %(threshold)s € Förderung wird nur erstattet, was bereits ausgegeben "
                    "ist. Bitte bestätigen Sie, dass die genannten Ausgaben getätigt sind."
                )
                % {"threshold": format_money(threshold)}
            )
        committed = _open_commitments(application).get(year, ZERO)
        claimed = (
            application.payments.filter(year=year, status__in=[PaymentStatus.REQUESTED, PaymentStatus.PAID]).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
        )
        if amount <= 0 or claimed + amount > committed:
            raise Refused(
                _("Für %(year)d können höchstens noch %(left)s € abgerufen werden.")
                % {"year": year, "left": format_money(max(committed - claimed, ZERO))}
            )
        payment = Payment.objects.create(
            application=application, year=year, amount=amount, expenditure=expenditure, requested_by=by
        )
        audit.log("funding.payment_requested", actor=by, obj=application, data={"amount": str(amount)}, atomic=True)
    return payment


def pay(*, payment: Payment, by) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.REQUESTED:
            raise Refused(_("Dieser Abruf ist schon bearbeitet."))
        payment.status = PaymentStatus.PAID
        payment.released_by = by
        payment.released_at = timezone.now()
        payment.save(update_fields=["status", "released_by", "released_at"])
        audit.log(
            "funding.payment_released",
            actor=by,
            obj=payment.application,
            data={"amount": str(payment.amount)},
            atomic=True,
        )
        _notify(payment.application, "payment_released", applicant_user_id(payment.application))
    return payment


def validate_category(call: Call, category_pk) -> CostCategory:
    try:
        return call.categories.get(pk=category_pk)
    except (CostCategory.DoesNotExist, ValueError, TypeError) as error:
        raise ValidationError(_("Diese Kostenart gibt es in diesem Aufruf nicht.")) from error


# Proof of use


def deviation_needs_reason(call: Call, planned: Decimal, actual: Decimal) -> bool:
    """A deviation from the plan above the call's threshold (percent of the planned amount) must be explained."""
    if planned == 0:
        return actual > 0
    return abs(actual - planned) * 100 > planned * call.deviation_threshold


def file_proof(*, application: Application, by, evaluation: str, conclusions: str, actuals: dict) -> ProofOfUse:
    """The applicant files the proof: {cost line pk: (actual amount, reason)} for every planned line."""
    lines = {line.pk: line for line in application.cost_lines.all()}
    if set(actuals) != set(lines):
        raise Refused(_("Bitte geben Sie für jede Kostenposition die tatsächlichen Kosten an."))
    violations = []
    if not evaluation.strip():
        violations.append(rules.Violation("evaluation", _("Bitte berichten Sie über die Evaluation.")))
    if not conclusions.strip():
        violations.append(rules.Violation("conclusions", _("Bitte nennen Sie die Schlussfolgerungen.")))
    for pk, (actual, reason) in actuals.items():
        if deviation_needs_reason(application.call, lines[pk].amount, actual) and not reason.strip():
            violations.append(
                rules.Violation(
                    f"proof:{pk}:reason",
                    _(
                        "Regel »Abweichungen begründen«: Die tatsächlichen Kosten weichen um mehr als %(limit)s %% "
                        "vom Plan (%(planned)s €) ab; bitte begründen Sie die Abweichung."
                    )
                    % {
                        "limit": format_money(application.call.deviation_threshold).replace(",00", ""),
                        "planned": format_money(lines[pk].amount),
                    },
                )
            )
    if violations:
        raise Refused(violations=violations)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in FUNDED:
            raise Refused(_("Ein Verwendungsnachweis gehört zu einem bewilligten Antrag."))
        if ProofOfUse.objects.filter(application=application).exists():
            raise Refused(_("Der Verwendungsnachweis ist bereits eingereicht."))
        proof = ProofOfUse.objects.create(
            application=application, evaluation=evaluation, conclusions=conclusions, filed_by=by
        )
        ProofLine.objects.bulk_create(
            ProofLine(proof=proof, cost_line_id=pk, actual=actual, reason=reason)
            for pk, (actual, reason) in actuals.items()
        )
        audit.log("funding.proof_filed", actor=by, obj=application, atomic=True)
    return proof


def proposed_final_amount(application: Application, proof: ProofOfUse) -> Decimal:
    """The granted amount reduced in proportion when less was spent than planned (the share of the plan the grant
    covered, applied to the actual costs), never more than granted."""
    planned = stored_plan(application).total_costs
    actual = sum((line.actual for line in proof.lines.all()), ZERO)
    if not planned or application.granted is None:
        return ZERO
    return min(application.granted, (application.granted * actual / planned).quantize(CENT, rounding="ROUND_DOWN"))


def close_proof(*, application: Application, by, final_amount: Decimal) -> ProofOfUse:
    """Staff close the proof with the final amount: what was committed beyond it returns to the budget; what was
    paid beyond it is claimed back."""
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=application.call_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        proof = ProofOfUse.objects.select_for_update().get(application=application)
        if proof.status != ProofStatus.FILED:
            raise Refused(_("Der Verwendungsnachweis ist bereits abgeschlossen."))
        if final_amount < 0 or application.granted is None or final_amount > application.granted:
            raise Refused(
                _("Die endgültige Förderung liegt zwischen 0 und dem bewilligten Betrag (%(granted)s €).")
                % {"granted": format_money(application.granted or ZERO)}
            )
        paid = sum(paid_by_year(application).values(), ZERO)
        # Keep per year what the final amount covers, in proportion to the commitments.
        committed = _open_commitments(application)
        keep = split_by_weights(final_amount, committed) if committed else {}
        _release_remaining(application, by=by, reason=_("Verwendungsnachweis: geringere Kosten"), keep=keep)
        proof.final_amount = final_amount
        proof.repayment = max(paid - final_amount, ZERO)
        proof.status = ProofStatus.CLOSED
        proof.closed_by = by
        proof.closed_at = timezone.now()
        proof.save(update_fields=["final_amount", "repayment", "status", "closed_by", "closed_at"])
        audit.log(
            "funding.proof_closed",
            actor=by,
            obj=application,
            data={"final": str(final_amount), "repayment": str(proof.repayment)},
            atomic=True,
        )
        _notify(application, "proof_closed", applicant_user_id(application))
    return proof


def _check_instalments(instalments: list[tuple[date, Decimal]], *, amount: Decimal, split: dict[int, Decimal]) -> None:
    """A payment plan covers the granted amount exactly, each year's instalments what is committed for that year."""
    total = sum((part for _day, part in instalments), ZERO)
    if total != amount:
        raise Refused(
            _("Die Raten (%(total)s €) müssen zusammen den bewilligten Betrag (%(amount)s €) ergeben.")
            % {"total": format_money(total), "amount": format_money(amount)}
        )
    by_year: dict[int, Decimal] = {}
    for day, part in instalments:
        by_year[day.year] = by_year.get(day.year, ZERO) + part
    for year, part in sorted(by_year.items()):
        if part != split.get(year, ZERO):
            raise Refused(
                _(
                    "Die Raten für %(year)d (%(part)s €) müssen den für dieses Jahr gebundenen Mitteln "
                    "(%(share)s €) entsprechen."
                )
                % {"year": year, "part": format_money(part), "share": format_money(split.get(year, ZERO))}
            )


def pay_instalment(*, instalment: Instalment, by) -> Payment:
    """Staff pay an instalment of the plan as it falls due (a payment row, counted in the budget overview)."""
    with transaction.atomic():
        instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
        if instalment.payment_id is not None:
            raise Refused(_("Diese Rate ist schon ausgezahlt."))
        application = Application.objects.select_for_update().get(pk=instalment.application_id)
        if application.status not in FUNDED:
            raise Refused(_("Mittel können nur für einen bewilligten Antrag abgerufen werden."))
        year = instalment.due_on.year
        claimed = (
            application.payments.filter(year=year, status__in=[PaymentStatus.REQUESTED, PaymentStatus.PAID]).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
        )
        if claimed + instalment.amount > _open_commitments(application).get(year, ZERO):
            raise Refused(_("Die Rate übersteigt die für %(year)d gebundenen Mittel.") % {"year": year})
        payment = Payment.objects.create(
            application=application,
            year=year,
            amount=instalment.amount,
            expenditure=_("Rate laut Zahlungsplan, fällig am %(day)s") % {"day": f"{instalment.due_on:%d.%m.%Y}"},
            status=PaymentStatus.PAID,
            requested_by=by,
            released_by=by,
            released_at=timezone.now(),
        )
        instalment.payment = payment
        instalment.save(update_fields=["payment"])
        audit.log(
            "funding.instalment_paid", actor=by, obj=application, data={"amount": str(payment.amount)}, atomic=True
        )
        _notify(application, "payment_released", applicant_user_id(application))
    return payment
