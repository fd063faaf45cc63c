from django.urls import path

from sikom.intake import views

app_name = "intake"
urlpatterns = [
    path("melden/", views.start, name="start"),
    path("melden/schritt/beweismittel/", views.evidence_step, name="evidence"),
    path("melden/schritt/<slug:slug>/", views.step_view, name="step"),
    path("melden/absenden/", views.submit_view, name="submit"),
    path("melden/bestaetigung/", views.confirmation, name="confirmation"),
    path("melden/status/", views.followup_login, name="followup"),
    path("melden/status/<str:number>/", views.followup_case, name="followup_case"),
    path("melden/status/<str:number>/bestaetigung.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("melden/meine-meldungen/", views.my_reports, name="my_reports"),
]
