from django.urls import path

from sikom.programme import views

app_name = "programme"
urlpatterns = [
    path("programm/", views.dashboard, name="dashboard"),
    path("programm/export/<slug:table>/", views.export, name="export"),
    path("zahlen/", views.public, name="public"),
    path("zahlen/export/<slug:table>/", views.public_export, name="public_export"),
]
