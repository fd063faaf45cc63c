"""The floor bench/intake.py compares sikom's intake with: a bare Django WSGI app with one upload view that stores
the posted files plainly (no middleware, no database, no encryption, no type check), served by gunicorn with the same
options as sikom. Only the benchmark uses it: `gunicorn bare_upload:application --pythonpath bench`.

Settings from the environment: BENCH_BARE_UPLOAD_ROOT (where files go), BENCH_BARE_HOST (the allowed host).
"""

import os
import uuid
from pathlib import Path

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.urandom(32).hex(),  # nothing is signed; Django only insists on having one
    ALLOWED_HOSTS=[os.environ["BENCH_BARE_HOST"]],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
)

import django  # noqa: E402 -- after settings.configure
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

ROOT = Path(os.environ["BENCH_BARE_UPLOAD_ROOT"])


def upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    stored = 0
    for uploaded in request.FILES.getlist("dateien"):
        with open(ROOT / f"{uuid.uuid4().hex}.bin", "wb") as target:
            for chunk in uploaded.chunks():
                target.write(chunk)
        stored += 1
    return HttpResponse(f"{stored}", content_type="text/plain")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("upload/", upload), path("healthz", healthz)]

django.setup()
application = get_wsgi_application()
