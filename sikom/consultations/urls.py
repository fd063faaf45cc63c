from django.urls import path

from sikom.consultations import views

app_name = "consultations"
urlpatterns = [
    path("beratungen/", views.consultation_list, name="list"),
    path("beratungen/export/", views.consultation_export, name="export"),
    path("beratungen/schritte/", views.next_steps_overview, name="next_steps"),
    path("beratungen/neu/", views.consultation_create, name="create"),
    path("beratungen/<int:pk>/", views.consultation_detail, name="detail"),
    path("beratungen/<int:pk>/bearbeiten/", views.consultation_edit, name="edit"),
    path("beratungen/<int:pk>/schritte/<int:step>/erledigt/", views.step_done, name="step_done"),
]
