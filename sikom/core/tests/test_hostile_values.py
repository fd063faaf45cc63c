"""Every URL pattern of the project, requested with hostile values for each of its parameters: no answer is a 500.

The walk covers the path parameters of every pattern (strings that do not match, huge strings, NUL, invalid UTF-8,
forged ids and numbers, markup, SQL-like text) and, on the pages reached with real objects, every query and form
parameter the page offers (names read from its own form fields, plus the ones views read without a field: `next`,
`seite`, `q`, `zeile`, `aktion`, the formset counts), by GET and by POST with and without a CSRF token — as an
anonymous reporter with a report in progress, a supervisor of the lead agency, the ASSKomm team (offer catalogue)
and a platform operator, each on the pages whose code they reach.
"""

import re
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sikom import testing
from sikom.accounts import reauth
from sikom.intake.tests import flows
from sikom.measures.catalogue import MeasureKind
from sikom.measures.services import plan_measure
from sikom.offers.models import Offer

pytestmark = pytest.mark.django_db

# Already percent-encoded, as they appear in a path segment.
PATH_VALUES = [
    "kein-wert",
    "x" * 3000,
    "a%00b",
    "%ff%fe",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%27%20OR%201%3D1--",
    "00000000-0000-0000-0000-000000000000",
    "999999999999999999999",
    "-1",
]
# Already percent-encoded, as they appear in a query string or a urlencoded form body.
FIELD_VALUES = [
    "x" * 20_000,
    "a%00b",
    "%ff%fe",
    quote("<script>alert(1)</script>' OR '1'='1'; --"),
    "999999999999999999999",
    "1.5e3",
    quote("entfernen:kein-uuid"),
    "kein-pfad",
]
# The admin is Django's own code: fewer values, for its many pages.
ADMIN_PATH_VALUES = ["x" * 3000, "a%00b", "%ff%fe", "999999999999999999999", "-1"]
ADMIN_FIELD_VALUES = ["x" * 20_000, "a%00b", "%ff%fe", "999999999999999999999"]
# Parameters views read without offering a field for them.
COMMON_FIELDS = {"next", "seite", "q", "zeile", "aktion", "form-TOTAL_FORMS", "form-INITIAL_FORMS", "neu"}
FIELD_NAME = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"')
# Requests that would end the persona's session or lock it out of what the walk still has to visit.
SKIPPED_NAMES = {"accounts:logout", "otpadmin:logout"}


def _patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or "")


ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>[^>]+)>[^)]*\)")


def _fill(route: str, values: dict[str, str] | str) -> str:
    """The route with each parameter replaced (``values`` by name, or one value for all)."""

    def value(match):
        # A parameter without a real object of its own (the admin's ids) gets a plain number.
        return values if isinstance(values, str) else values.get(match.group("name"), "1")

    path = REGEX_GROUP.sub(value, route).replace("^", "").replace("$", "")
    return "/" + ROUTE_PARAMETER.sub(value, path)


def _parameters(route: str) -> list[str]:
    groups = [m.group("name") for m in REGEX_GROUP.finditer(route)]
    return groups + [m.group("name") for m in ROUTE_PARAMETER.finditer(REGEX_GROUP.sub("", route))]


@pytest.fixture
def world(settings, tmp_path, pd_dresden_supervisor, operator, asskomm):
    """A case with evidence and a measure (PD Dresden leads), an offer, and one client per persona."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    case = testing.make_case()
    evidence = testing.evidence_row(case.report, stem="b" * 32)
    measure = plan_measure(
        case=case, kind=MeasureKind.values[0], responsible=pd_dresden_supervisor.organisation, by=pd_dresden_supervisor
    )
    other = testing.make_user(organisation=pd_dresden_supervisor.organisation)
    reporter = Client(raise_request_exception=False)
    flows.fill_until_evidence(reporter)
    supervisor = testing.login(Client(raise_request_exception=False), pd_dresden_supervisor)
    session = supervisor.session
    session[reauth.SESSION_KEY] = time.time() + 3600  # downloads and the dossier without asking again
    session.save()
    operator_client = testing.login(Client(raise_request_exception=False), operator)
    real = {
        "number": case.number,
        "evidence_id": str(evidence.pk),
        "slug": Offer.objects.order_by("pk").first().slug,
        "uidb64": "MQ",
        "token": "abc-def",
        "app_label": "accounts",
        "url": "accounts/user/",
    }
    real_by_route = {
        "accounts:organisation_contact": {"pk": str(pd_dresden_supervisor.organisation_id)},
        "accounts:account_edit": {"pk": str(other.pk)},
        "accounts:account_set_active": {"pk": str(other.pk)},
        "accounts:account_reset_second_factor": {"pk": str(other.pk)},
        "measures:detail": {"pk": str(measure.pk)},
        "assessments:detail": {"pk": "1"},
        "intake:step": {"slug": "online"},
    }
    return {
        "personas": {
            "reporter": reporter,
            "supervisor": supervisor,
            "operator": operator_client,
            "asskomm": testing.login(Client(raise_request_exception=False), asskomm),
        },
        "real": real,
        "real_by_route": real_by_route,
    }


def _request(client, method: str, url: str, body: str = "", *, csrf: bool = True):
    if method == "get":
        return client.get(url + ("?" + body if body else ""))
    if not csrf:
        # The persona's session, but neither CSRF cookie nor token.
        forged = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if settings.SESSION_COOKIE_NAME in client.cookies:
            forged.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
        client = forged
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def _field_names(client, url: str) -> set[str]:
    response = client.get(url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return set(COMMON_FIELDS)
    return (set(FIELD_NAME.findall(response.content.decode())) | COMMON_FIELDS) - {"csrfmiddlewaretoken"}


def _personas_for(name: str) -> list[str]:
    """Who reaches each page's code: operators their pages, the supervisor the casework, the reporter the public
    pages; account pages (login, second factor, »Mein Bereich«) differ by who asks, so both try them."""
    if name.startswith(("otpadmin:", "accounts:account_")):
        return ["operator"]
    if name.startswith(("casefile:", "assessments:", "measures:")):
        return ["supervisor"]
    if name in {"offers:manage", "offers:create", "offers:edit", "offers:history"}:
        return ["asskomm"]
    if name.startswith("accounts:"):
        return ["reporter", "supervisor"]
    return ["reporter"]


def _reaches_the_view(response) -> bool:
    """Refused before the view read anything (login, second factor, no role): hostile values change nothing there."""
    if response.status_code == 403:
        return False
    location = response.get("Location", "")
    return not location.startswith((reverse("accounts:login"), reverse("accounts:two_factor_verify")))


def test_no_url_answers_500_to_hostile_values(world):
    failures: list[str] = []
    routes = [(route, name) for route, name in _patterns(get_resolver().url_patterns) if name not in SKIPPED_NAMES]
    assert len(routes) > 100  # the walk really covers the project and the admin
    requests = 0

    def check(persona, method, url, body="", csrf=True):
        nonlocal requests
        requests += 1
        response = _request(world["personas"][persona], method, url, body, csrf=csrf)
        if response.status_code >= 500:
            failures.append(f"{persona} {method.upper()} {url[:120]} {body[:80]!r} -> {response.status_code}")
        return response

    for route, name in routes:
        parameters = _parameters(route)
        is_admin = name.startswith("otpadmin:")
        real = world["real"] | world["real_by_route"].get(name, {})
        url = _fill(route, real)
        for persona in _personas_for(name):
            client = world["personas"][persona]
            if not _reaches_the_view(check(persona, "get", url)):
                continue
            # 1. Hostile path parameters.
            for value in (ADMIN_PATH_VALUES if is_admin else PATH_VALUES) if parameters else []:
                check(persona, "get", _fill(route, value))
                if not is_admin:
                    check(persona, "post", _fill(route, value))
            # 2. Hostile query and form parameters on the page reached with real objects; the admin's object pages
            # only get the forged ids above.
            if is_admin and parameters:
                continue
            names = sorted(_field_names(client, url))
            for value in ADMIN_FIELD_VALUES if is_admin else FIELD_VALUES:
                body = "&".join(f"{quote(field)}={value}" for field in names)
                check(persona, "get", url, body)
                check(persona, "post", url, body)
            arrays = "&".join(f"{quote(field)}=a&{quote(field)}=%3Cb%3E" for field in names)
            check(persona, "post", url, arrays)
            check(persona, "post", url, arrays, csrf=False)
        # The reporter's steps again with a fresh draft: the walk may have moved it on or submitted it.
        if name.startswith("intake:"):
            flows.fill_until_evidence(world["personas"]["reporter"])
    assert not failures, f"{len(failures)} of {requests} requests answered 500:\n" + "\n".join(failures[:30])
    assert requests > 1500, requests


def test_the_walk_reaches_the_pages_behind_the_forms(world):
    """The real objects open their pages, so the hostile form values above reach the views' code, not a 404."""
    supervisor, reporter = world["personas"]["supervisor"], world["personas"]["reporter"]
    real = world["real"]
    for url in [
        reverse("casefile:detail", args=[real["number"]]),
        reverse("casefile:log", args=[real["number"]]),
        reverse("measures:detail", args=[real["number"], world["real_by_route"]["measures:detail"]["pk"]]),
    ]:
        assert supervisor.get(url).status_code == 200, url
    assert reporter.get(reverse("intake:step", args=["online"])).status_code == 200
    assert reporter.get(reverse("intake:evidence")).status_code == 200
    assert world["personas"]["operator"].get(reverse("accounts:account_list")).status_code == 200
    assert world["personas"]["asskomm"].get(reverse("offers:edit", args=[real["slug"]])).status_code == 200
