"""URLs of the questionnaire's languages (decision 0046), included by `surveys.urls`."""

from django.urls import path

from sikom.surveys import language_views

urlpatterns = [
    path("sicherheitsanalysen/<int:pk>/fragebogen/sprachen/", language_views.language_list, name="languages"),
    path(
        "sicherheitsanalysen/<int:pk>/fragebogen/sprachen/<slug:code>/",
        language_views.translate,
        name="translate",
    ),
    path(
        "sicherheitsanalysen/<int:pk>/fragebogen/sprachen/<slug:code>/entfernen/",
        language_views.language_remove,
        name="language_remove",
    ),
]
