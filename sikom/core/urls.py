from django.urls import path

from sikom.core import views

app_name = "core"
urlpatterns = [
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("healthz", views.health, name="health"),
]
