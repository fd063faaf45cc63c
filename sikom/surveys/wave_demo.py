"""An earlier demo wave for Pirna (only in the demo set-up, marked as demo): »Sicherheitsanalyse Pirna 2023 (Demo)«
with the standard questionnaire, access codes and generated answers (`demo.demo_answers`: random numbers, labelled
demo, no real figures); its field period was in autumn 2023 and it was finished in March 2024 (see `FINISHED`), so
the report of the running demo analysis shows the comparison with the earlier wave (`report_waves`).

`demo.load` calls this before it starts the current demo analysis: a municipality has at most one open analysis, so
the earlier wave must be done before the current one runs, as it would have been in reality."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sikom.surveys import demo, services
from sikom.surveys.models import AnalysisState, AnalysisStatusChange, Invitation, InvitationStatus, Response

YEAR = 2023
STARTED = date(2023, 9, 4)
FIELD_END = date(2023, 10, 15)
# Finished after 27 Feb 2024: seed 003 counts 26 completed safety analyses by that day, and the councils demo
# reproduces exactly those (Pirna's among them, done in 2020); a Pirna wave completed before it would make 27.
# Field period in 2023, report finished in spring 2024 (an analysis takes about 20 weeks).
FINISHED = date(2024, 3, 12)
ANSWERED = 84
SEED = 2023


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def load(municipality) -> str:
    analysis = services.create_analysis(
        municipality=municipality,
        title=f"Sicherheitsanalyse Pirna {YEAR} {demo.DEMO}",
        year=YEAR,
        by=None,
        field_start=STARTED,
        field_end=FIELD_END,
        demo=True,
    )
    services.change_status(analysis=analysis, to=AnalysisState.RUNNING, by=None)
    issued = services.create_invitations(
        analysis=analysis, strata={f"Kernstadt {demo.DEMO}": 90, f"Ortsteile {demo.DEMO}": 60}, by=None, demo=True
    )
    # The field period lies in the past, so the answers cannot go through `services.submit` (it accepts answers
    # only within the field period); as in `report_demo`, the answer sheets are written directly, with no link to
    # the codes, and the codes are marked as used on days of the 2023 field period.
    rng = random.Random(SEED)  # noqa: S311 - demo answers, not security
    rows = []
    for n, code in enumerate(issued[:ANSWERED]):
        Invitation.objects.filter(pk=code.invitation_id).update(
            status=InvitationStatus.SUBMITTED, used_on=STARTED + timedelta(days=n % 35)
        )
        answers, texts = demo.demo_answers(rng)
        rows.append(Response(questionnaire=analysis.questionnaire, answers=answers, texts=texts or None, is_demo=True))
    Response.objects.bulk_create(rows)
    # The councils' status row gets the day the demo wave was finished (`FINISHED`), not today (`on`).
    services.change_status(analysis=analysis, to=AnalysisState.DONE, by=None, on=FINISHED)
    # The status history shows when the demo wave was created, started and finished (the service stamps the moment of writing;
    # the audit log keeps that moment, which is when the demo was loaded).
    changes = {AnalysisState.PLANNED: date(2023, 6, 12), AnalysisState.RUNNING: STARTED, AnalysisState.DONE: FINISHED}
    for to_status, day in changes.items():
        AnalysisStatusChange.objects.filter(analysis=analysis, to_status=to_status).update(at=_at(day))
    type(analysis).objects.filter(pk=analysis.pk).update(created_at=_at(changes[AnalysisState.PLANNED]))
    return f"Demo-Sicherheitsanalyse Pirna {YEAR}: abgeschlossen, {ANSWERED} Demo-Antworten (frühere Welle im Bericht)"
