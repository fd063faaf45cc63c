"""URLs of the report, included by surveys/urls.py (app namespace »surveys«)."""

from django.urls import path

from sikom.surveys import report_views as views

urlpatterns = [
    path("sicherheitsanalysen/<int:pk>/bericht/", views.report_page, name="report"),
    path("sicherheitsanalysen/<int:pk>/bericht/gewichtung/", views.weighting, name="report_weighting"),
    path("sicherheitsanalysen/<int:pk>/bericht/pdf/", views.pdf_start, name="report_pdf"),
    path("sicherheitsanalysen/<int:pk>/bericht/pdf/<int:job_pk>/", views.pdf_job, name="report_job"),
    path("sicherheitsanalysen/<int:pk>/bericht/pdf/<int:job_pk>/datei/", views.pdf_download, name="report_download"),
    path("sicherheitsanalysen/<int:pk>/bericht/daten/", views.data_export, name="report_data"),
    path("sicherheitsanalysen/<int:pk>/bericht/codebuch/", views.codebook, name="report_codebook"),
]
