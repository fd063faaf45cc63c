"""URLs of the paper returns and imports (decision 0033), included by `surveys.urls`."""

from django.urls import path

from sikom.surveys import paper_views

urlpatterns = [
    path("sicherheitsanalysen/<int:pk>/papier/", paper_views.paper_entry, name="paper_entry"),
    path("sicherheitsanalysen/<int:pk>/import/", paper_views.import_upload, name="import"),
    path("sicherheitsanalysen/<int:pk>/import/vorlage/", paper_views.import_template, name="import_template"),
    path("sicherheitsanalysen/<int:pk>/import/bestaetigen/", paper_views.import_confirm, name="import_confirm"),
    path("sicherheitsanalysen/<int:pk>/limesurvey/", paper_views.structure_upload, name="structure"),
    path(
        "sicherheitsanalysen/<int:pk>/limesurvey/bestaetigen/",
        paper_views.structure_confirm,
        name="structure_confirm",
    ),
]
