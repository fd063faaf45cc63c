from django.urls import path

from sikom.casefile import views

app_name = "casefile"
urlpatterns = [
    path("faelle/", views.inbox, name="inbox"),
    path("faelle/bestaetigen/", views.reauthenticate, name="reauth"),
    path("faelle/<str:number>/", views.detail, name="detail"),
    path("faelle/<str:number>/status/", views.change_status, name="status"),
    path("faelle/<str:number>/weiterleiten/", views.refer, name="refer"),
    path("faelle/<str:number>/beteiligen/", views.share, name="share"),
    path("faelle/<str:number>/nachricht/", views.post_message, name="message"),
    path("faelle/<str:number>/erstkontakt/", views.first_contact, name="first_contact"),
    path("faelle/<str:number>/beweismittel/<uuid:evidence_id>/", views.download_evidence, name="evidence"),
    path("faelle/<str:number>/dossier.pdf", views.dossier, name="dossier"),
    path("faelle/<str:number>/protokoll/", views.case_log, name="log"),
]
