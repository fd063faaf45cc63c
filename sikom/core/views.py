from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sikom.core.models import OperatorDetails


@require_GET
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal/imprint.html", {"operator": OperatorDetails.current()})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal/privacy.html", {"operator": OperatorDetails.current()})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal/accessibility.html", {"operator": OperatorDetails.current()})


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    return render(request, "core/errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "core/errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "core/errors/404.html", status=404)


def server_error(request):
    # Rendered without context processors or static files: they may be what failed.
    return HttpResponseServerError(loader.get_template("core/errors/500.html").render())


def csrf_failure(request, reason=""):
    return render(request, "core/errors/csrf.html", status=403)
