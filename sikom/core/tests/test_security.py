import pytest
from django.urls import reverse

from sikom import testing

pytestmark = pytest.mark.django_db


def test_csp_forbids_inline_script_and_framing(client):
    response = client.get(reverse("portal:home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_contain_no_inline_script_or_style(client):
    for name in ["portal:home", "offers:list", "offers:finder", "accounts:login", "core:privacy"]:
        html = client.get(reverse(name)).content.decode()
        assert "<script>" not in html and "style=" not in html, name
        assert html.count("<script") == html.count('<script src="')


def test_hsts_is_sent_on_https(client):
    response = client.get(reverse("portal:home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_for_logged_in_people_are_not_cached(client, official):
    testing.login(client, official)
    response = client.get(reverse("portal:my_area"))
    assert response["Cache-Control"] == "no-store"


def test_german_is_the_default_whatever_the_browser_says(client):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "de"
    assert '<html lang="de"' in response.content.decode()


def test_unknown_language_cookie_falls_back_to_german(client):
    client.cookies["django_language"] = "xx"
    assert client.get(reverse("portal:home"))["Content-Language"] == "de"


def test_health_reports_database_ok(client):
    assert client.get(reverse("core:health")).json() == {"status": "ok"}


def test_unknown_page_answers_german_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_post_without_csrf_token_is_refused_in_german(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"email": "a@b.de", "password": "x"})
    assert response.status_code == 403
    assert "Sitzung abgelaufen" in response.content.decode()


def test_server_error_page_needs_nothing_that_could_have_failed():
    from django.test import RequestFactory

    from sikom.core.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Technischer Fehler" in response.content.decode() and "110" in response.content.decode()
