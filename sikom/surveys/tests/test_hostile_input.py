"""Every URL of the surveys app with hostile values — the core walk's values (huge, NUL, invalid UTF-8, markup, SQL
text, huge numbers) in every path parameter and every form field the page offers, GET and POST, arrays too — as the
ASSKomm team on the staff pages and as a respondent with a code on the questionnaire: never a 500, and the
questionnaire and the answers stay as they were."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLResolver, reverse

from sikom import testing
from sikom.core.tests.test_hostile_values import FIELD_NAME, FIELD_VALUES, PATH_VALUES
from sikom.surveys.models import Question, Response
from sikom.surveys.tests.factories import one_code, running_analysis
from sikom.surveys.urls import urlpatterns

pytestmark = pytest.mark.django_db

# Views that would end the walk's own session or change what the walk still visits are requested without a body.
PUBLIC = {"start", "page", "language", "saved", "thanks", "open"}


def _fields(client, url) -> list[str]:
    response = client.get(url)
    names = set(FIELD_NAME.findall(response.content.decode())) if response.status_code == 200 else set()
    return sorted((names | {"next", "action", "page", "neu", "direction", "delete"}) - {"csrfmiddlewaretoken"})


def test_no_survey_url_answers_500_to_hostile_values(asskomm):
    analysis = running_analysis(by=asskomm)
    code = one_code(analysis)
    question = analysis.questionnaire.questions.get(code="sicher_orte")
    section = question.section
    member = analysis.team.first()
    questions_before = sorted(analysis.questionnaire.questions.values_list("code", flat=True))
    staff = testing.login(Client(raise_request_exception=False), asskomm)
    respondent = Client(raise_request_exception=False)
    respondent.post(reverse("surveys:start"), {"code": code})
    real = {
        "pk": analysis.pk,
        "member": member.pk,
        "token": analysis.open_token or "x",
    }
    by_name = {
        "section_edit": {"pk": section.pk},
        "question_edit": {"pk": question.pk},
        "question_move": {"pk": question.pk},
        "question_delete": {"pk": question.pk},
    }
    failures = []
    for pattern in urlpatterns:
        if isinstance(pattern, URLResolver):
            continue  # the included parts (fieldwork, paper) have their own hostile walks
        name = pattern.name
        if name in ("question_delete", "team_remove", "status"):
            continue  # would change the world the walk needs; their refusals are covered in test_views
        client = respondent if name in PUBLIC else staff
        kwargs = {
            key: value
            for key, value in (real | by_name.get(name, {})).items()
            if f"<int:{key}>" in str(pattern.pattern) or f"<str:{key}>" in str(pattern.pattern)
        }
        url = reverse(f"surveys:{name}", kwargs=kwargs)
        for value in PATH_VALUES if kwargs else []:
            bad = "/" + str(pattern.pattern)
            for key in kwargs:
                bad = bad.replace(f"<int:{key}>", value).replace(f"<str:{key}>", value)
            for method in (client.get, client.post):
                answer = method(bad)
                if answer.status_code >= 500:
                    failures.append(f"{method.__name__} {bad[:80]} -> {answer.status_code}")
        names = _fields(client, url)
        for value in FIELD_VALUES:
            body = "&".join(f"{quote(field)}={value}" for field in names)
            for answer in (
                client.get(f"{url}?{body}"),
                client.post(url, body, content_type="application/x-www-form-urlencoded"),
            ):
                if answer.status_code >= 500:
                    failures.append(f"{name} {value[:20]!r} -> {answer.status_code}")
        arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in names)
        answer = client.post(url, arrays, content_type="application/x-www-form-urlencoded")
        if answer.status_code >= 500:
            failures.append(f"{name} arrays -> {answer.status_code}")
    assert not failures, "\n".join(failures[:30])
    assert sorted(analysis.questionnaire.questions.values_list("code", flat=True)) == questions_before
    assert Question.objects.get(pk=question.pk).rows.count() == 7
    assert not Response.objects.exists()
