from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("sikom.core.urls")),
    path("", include("sikom.portal.urls")),
    path("", include("sikom.accounts.urls")),
    path("", include("sikom.offers.urls")),
    path("", include("sikom.intake.urls")),
    path("", include("sikom.casefile.urls")),
    path("", include("sikom.netrequests.urls")),
    path("", include("sikom.situation.urls")),
    path("", include("sikom.assessments.urls")),
    path("", include("sikom.measures.urls")),
    path("", include("sikom.alliance.urls")),
    path("", include("sikom.events.urls")),
    path("", include("sikom.indicators.urls")),
    path("", include("sikom.consultations.urls")),
    path("", include("sikom.councils.urls")),
    path("", include("sikom.coaching.urls")),
    path("", include("sikom.surveys.urls")),
    path("", include("sikom.programme.urls")),
    path("", include("sikom.selfcheck.urls")),
    path("", include("sikom.funding.urls")),
    path("sprache/", set_language, name="set_language"),
    path("plattformverwaltung/", admin.site.urls),
]

handler400 = "sikom.core.views.bad_request"
handler403 = "sikom.core.views.permission_denied"
handler404 = "sikom.core.views.page_not_found"
handler500 = "sikom.core.views.server_error"
