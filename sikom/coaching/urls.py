from django.urls import path

from sikom.coaching import views

app_name = "coaching"
urlpatterns = [
    path("coaching/", views.coaching_list, name="list"),
    path("coaching/herunterladen/", views.coaching_export, name="export"),
    path("coaching/neu/", views.coaching_create, name="create"),
    path("coaching/<int:pk>/", views.coaching_detail, name="detail"),
    path("coaching/<int:pk>/status/", views.coaching_status, name="status"),
    path("coaching/<int:pk>/schritt/<int:number>/", views.step_edit, name="step"),
    path("coaching/<int:pk>/schritt/<int:number>/dokument/", views.document_upload, name="document_upload"),
    path("coaching/<int:pk>/schritt/<int:number>/verlauf/", views.step_history, name="step_history"),
    path("coaching/<int:pk>/dokument/<uuid:document_id>/", views.document_download, name="document"),
    path("coaching/<int:pk>/massnahmen/", views.measures, name="measures"),
    path("coaching/<int:pk>/massnahmen/uebernehmen/", views.measures_take_over, name="measures_take_over"),
    path("coaching/<int:pk>/massnahmen/<int:measure_id>/", views.measure_edit, name="measure_edit"),
    path("coaching/<int:pk>/massnahmen/<int:measure_id>/loeschen/", views.measure_delete, name="measure_delete"),
    path("coaching/<int:pk>/freigaben/", views.shares, name="shares"),
    path("coaching/<int:pk>/freigaben/<int:organisation_id>/aufheben/", views.share_remove, name="share_remove"),
    path("coaching/<int:pk>/strategie/", views.strategy_view, name="strategy"),
    path("coaching/<int:pk>/strategie.pdf", views.strategy_pdf, name="strategy_pdf"),
]
