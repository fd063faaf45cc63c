from django.urls import path

from sikom.situation import views

app_name = "situation"
urlpatterns = [
    path("lagebild/", views.report, name="report"),
    path("lagebild/zahlen/", views.public, name="public"),
]
