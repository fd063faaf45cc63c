"""Anonymity by construction (decision 0029): nothing on the answer side can be joined to an invitation, a code, a
person, a time or an address. Inspects every column of every answer-side table — through the models' _meta and
through raw SELECTs of what the database really holds — after answers came in through access codes."""

import json
import re

import pytest
from django.apps import apps
from django.db import connection, models

from sikom.core.models import AuditEvent
from sikom.surveys import services
from sikom.surveys.models import Invitation, Response
from sikom.surveys.tests.factories import FULL_ANSWERS, FULL_TEXTS, running_analysis

pytestmark = pytest.mark.django_db

# Every answer-side table and the only columns it may have.
ANSWER_SIDE = {
    Response: {"id", "questionnaire_id", "language", "channel", "completed", "answers", "texts", "shuffled", "is_demo"},
}
SUSPICIOUS_NAMES = ("invitation", "code", "token", "person", "user", "ip", "address", "time", "date", "created", "at")
DATE_OR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|\d{2}:\d{2}")
TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)


@pytest.fixture
def answered(asskomm):
    """Twenty people answer with their codes, one after the other."""
    analysis = running_analysis(by=asskomm)
    issued = services.create_invitations(analysis=analysis, strata={"A": 12, "B": 8}, by=asskomm)
    audit_before = AuditEvent.objects.count()
    order = []
    for n, code in enumerate(issued):
        invitation = services.find_invitation(code.code)
        answers = FULL_ANSWERS | {"haushalt": n + 1}
        services.save_draft(invitation=invitation, answers=answers, texts=FULL_TEXTS, page=7, language="de")
        services.submit(invitation=invitation)
        order.append(n + 1)
    return {"analysis": analysis, "issued": issued, "order": order, "audit_before": audit_before}


def test_answer_side_models_have_only_the_allowed_columns():
    for model, allowed in ANSWER_SIDE.items():
        columns = {field.column for field in model._meta.concrete_fields}
        assert columns == allowed, model
        for field in model._meta.concrete_fields:
            assert not isinstance(field, TIME_FIELDS), field
            assert not isinstance(field, models.GenericIPAddressField), field
            assert not field.auto_created or field.primary_key
            if field.is_relation:
                assert field.name == "questionnaire", field
            if not field.is_relation:
                assert not any(part in field.name.split("_") for part in SUSPICIOUS_NAMES), field
        # No automatic timestamps or sequences hide behind defaults.
        assert not any(
            getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) for field in model._meta.fields
        )
        assert model._meta.pk.name == "id" and not isinstance(model._meta.pk, models.AutoField)


def test_nothing_in_the_project_points_at_an_answer_and_answers_point_nowhere_but_the_questionnaire():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in ANSWER_SIDE:
                pytest.fail(f"{model.__name__}.{field.name} points at an answer")
    invitation_columns = {field.column for field in Invitation._meta.concrete_fields}
    assert not any("response" in column for column in invitation_columns)
    # The database agrees with the models: the only foreign key of the answer table is the questionnaire.
    with connection.cursor() as cursor:
        for model in ANSWER_SIDE:
            relations = connection.introspection.get_relations(cursor, model._meta.db_table)
            assert set(relations) == {"questionnaire_id"}
            for table in connection.introspection.table_names(cursor):
                for _column, (_target_column, target_table) in connection.introspection.get_relations(
                    cursor, table
                ).items():
                    assert target_table != model._meta.db_table, table


def test_stored_rows_hold_nothing_that_joins_them_to_codes_or_submission_order(answered):
    analysis = answered["analysis"]
    invitations = list(Invitation.objects.filter(analysis=analysis))
    secrets = {str(i.pk) for i in invitations} | {i.code_hash for i in invitations}
    secrets |= {code.code for code in answered["issued"]} | {code.code.replace("-", "") for code in answered["issued"]}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Response._meta.db_table}")  # noqa: S608 - fixed table name
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    assert set(names) == ANSWER_SIDE[Response]
    assert len(rows) == 20
    for row in rows:
        record = dict(zip(names, row, strict=True))
        for name, value in record.items():
            text = str(value)
            assert not any(secret in text for secret in secrets if len(secret) > 4), (name, text)
            if name != "texts":  # ciphertext is random base64
                assert not DATE_OR_TIME.search(text), (name, text)
        # The answers are question codes and values, nothing else; free texts are ciphertext.
        answers = json.loads(record["answers"]) if isinstance(record["answers"], str) else record["answers"]
        assert set(answers) <= set(analysis.questionnaire.questions.values_list("code", flat=True))
        assert str(record["texts"]).startswith("enc1:")
        assert 0 < int(record["id"]) < 2**63
        assert int(record["id"]) not in {i.pk for i in invitations}
    # The ids (and so the order a listing by id gives) do not follow the order of submission.
    by_id = [row.answers["haushalt"] for row in Response.objects.order_by("id")]
    assert by_id != answered["order"]
    assert max(row.id for row in Response.objects.all()) > 2**40  # random, not a small counter


def test_storage_order_does_not_follow_submission_order(answered):
    if connection.vendor == "sqlite":
        # INTEGER PRIMARY KEY is the rowid: no hidden insertion counter, the table is stored in (random) id order.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid, id FROM {Response._meta.db_table}")  # noqa: S608
            pairs = cursor.fetchall()
        assert all(rowid == pk for rowid, pk in pairs)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT answers FROM {Response._meta.db_table}")  # noqa: S608 - storage order
            stored = [json.loads(a)["haushalt"] for (a,) in cursor.fetchall()]
    else:
        services.shuffle_responses()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT answers FROM {Response._meta.db_table} ORDER BY ctid")  # noqa: S608
            stored = [(a if isinstance(a, dict) else json.loads(a))["haushalt"] for (a,) in cursor.fetchall()]
    assert sorted(stored) == answered["order"]
    assert stored != answered["order"]


def test_the_invitation_side_keeps_only_the_day_and_no_answers(answered):
    for invitation in Invitation.objects.filter(analysis=answered["analysis"]):
        assert invitation.status == "submitted" and invitation.used_on is not None
        assert invitation.draft is None and invitation.draft_language == ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT draft FROM {Invitation._meta.db_table}")  # noqa: S608
        assert {draft for (draft,) in cursor.fetchall()} == {None}
    # Respondents' steps write no audit entries (an entry has a time and names the invitation).
    assert AuditEvent.objects.count() == answered["audit_before"]
