"""URLs of the fieldwork pages, included by surveys/urls.py (app namespace »surveys«)."""

from django.urls import path

from sikom.surveys import fieldwork_views as views

urlpatterns = [
    path("sicherheitsanalysen/<int:pk>/feldarbeit/", views.overview, name="fieldwork"),
    path("sicherheitsanalysen/<int:pk>/feldarbeit/register/", views.register_import, name="register_import"),
    path("sicherheitsanalysen/<int:pk>/feldarbeit/register/loeschen/", views.register_delete, name="register_delete"),
    path("sicherheitsanalysen/<int:pk>/feldarbeit/stichprobe/", views.sample, name="sample"),
    path("sicherheitsanalysen/<int:pk>/feldarbeit/briefe/", views.letters, name="letters"),
    path("sicherheitsanalysen/<int:pk>/feldarbeit/briefe/<int:job_pk>/", views.letters_job, name="letters_job"),
    path(
        "sicherheitsanalysen/<int:pk>/feldarbeit/briefe/<int:job_pk>/datei/",
        views.letters_download,
        name="letters_download",
    ),
    path("sicherheitsanalysen/<int:pk>/feldbeobachtung/", views.monitoring, name="monitoring"),
]
