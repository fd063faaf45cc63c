from django.urls import path

from sikom.selfcheck import views

app_name = "selfcheck"

urlpatterns = [
    path("selbstcheck/", views.start, name="start"),
    path("selbstcheck/fragen/", views.check, name="check"),
    path("selbstcheck/aktionsplan.pdf", views.plan_pdf, name="plan_pdf"),
    path("selbstcheck/antrag-auskunftssperre.pdf", views.letter_pdf, name="letter_pdf"),
    path("selbstcheck/speichern/", views.save, name="save"),
    path("selbstcheck/gespeichert/", views.saved_list, name="saved_list"),
    path("selbstcheck/gespeichert/<int:pk>/", views.saved_detail, name="saved_detail"),
    path("selbstcheck/gespeichert/<int:pk>/loeschen/", views.saved_delete, name="saved_delete"),
]
