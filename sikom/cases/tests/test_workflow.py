import itertools
import threading

import pytest
from django.db import connection

from sikom import testing
from sikom.accounts.models import Organisation, OrganisationType
from sikom.cases import services
from sikom.cases.models import Case, CaseEvent, CaseStatus
from sikom.cases.workflow import CASES
from sikom.core.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db

S = CaseStatus
ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_every_pair_of_statuses_follows_the_table(current, target):
    allowed = target in CASES.transitions[current]
    reason = "Begründung" if target in CASES.reason_required else ""
    if allowed:
        CASES.check(current, target, responsible=True, reason=reason)
    else:
        with pytest.raises(TransitionNotAllowed, match="kann der Fall nicht"):
            CASES.check(current, target, responsible=True, reason=reason)


@pytest.mark.parametrize("target", sorted(CASES.reason_required))
def test_closing_reopening_and_referring_need_a_reason(target):
    current = next(status for status, targets in CASES.transitions.items() if target in targets)
    with pytest.raises(TransitionNotAllowed, match="Begründung"):
        CASES.check(current, target, responsible=True, reason="   ")


def test_only_the_lead_moves_the_case(zastex, pd_dresden):
    case = testing.make_case()  # Pirna: lead PD Dresden, ZASTEX shared
    with pytest.raises(TransitionNotAllowed, match="nur die federführende Stelle"):
        services.change_status(case=case, to=S.IN_REVIEW, by=zastex)
    services.change_status(case=case, to=S.IN_REVIEW, by=pd_dresden)
    assert Case.objects.get(pk=case.pk).status == S.IN_REVIEW


def test_status_history_is_append_only_rows(pd_dresden):
    case = testing.make_case()
    services.change_status(case=case, to=S.IN_REVIEW, by=pd_dresden)
    services.change_status(case=case, to=S.CLOSED, by=pd_dresden, reason="Kein weiterer Handlungsbedarf")
    services.change_status(case=case, to=S.REOPENED, by=pd_dresden, reason="Neue Drohung")
    moves = list(CaseEvent.objects.filter(case=case, kind="status").values_list("from_status", "to_status", "reason"))
    assert moves == [
        ("received", "in_review", ""),
        ("in_review", "closed", "Kein weiterer Handlungsbedarf"),
        ("closed", "reopened", "Neue Drohung"),
    ]
    case.refresh_from_db()
    assert case.status == S.REOPENED and case.closed_at is None


def test_referral_to_zora_moves_the_lead_and_keeps_the_old_lead_shared(pd_dresden):
    case = testing.make_case()
    zora = Organisation.objects.get(type=OrganisationType.ZORA)
    services.refer(case=case, to=zora, by=pd_dresden, reason="Zur Strafverfolgung")
    case.refresh_from_db()
    assert case.lead == zora and case.status == S.REFERRED
    assert case.shares.filter(organisation=pd_dresden.organisation).exists()
    with pytest.raises(TransitionNotAllowed):
        services.refer(case=case, to=zora, by=pd_dresden, reason="nochmal")


def test_referral_needs_a_reason(pd_dresden):
    case = testing.make_case()
    zora = Organisation.objects.get(type=OrganisationType.ZORA)
    with pytest.raises(TransitionNotAllowed, match="Begründung"):
        services.refer(case=case, to=zora, by=pd_dresden, reason="")


@pytest.mark.django_db(transaction=True)
def test_concurrent_status_changes_do_not_lose_an_update(pd_dresden):
    if connection.vendor == "sqlite" and "memory" in connection.settings_dict["NAME"]:
        pytest.skip("in-memory SQLite is one connection; PostgreSQL runs this test with real concurrency")
    case = testing.make_case()
    services.change_status(case=case, to=S.IN_REVIEW, by=pd_dresden)
    results = []

    def move(to):
        try:
            services.change_status(case=case, to=to, by=pd_dresden, reason="parallel")
            results.append(to)
        except TransitionNotAllowed:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(target,)) for target in (S.IN_PROGRESS, S.CLOSED)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    history = list(
        CaseEvent.objects.filter(case=case, kind="status").order_by("pk").values_list("from_status", "to_status")
    )
    # Each move saw the status the previous one left: the history is a chain without gaps.
    for (_, before), (after, _) in itertools.pairwise(history):
        assert before == after
    assert Case.objects.get(pk=case.pk).status == history[-1][1]
