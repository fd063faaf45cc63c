from django.urls import path

from sikom.councils import views

app_name = "councils"
urlpatterns = [
    path("raete/", views.council_list, name="list"),
    path("raete/neu/", views.council_create, name="create"),
    path("raete/<int:pk>/", views.council_detail, name="detail"),
    path("raete/<int:pk>/bearbeiten/", views.council_edit, name="edit"),
    path("raete/<int:pk>/sitzungen/neu/", views.meeting_create, name="meeting_create"),
    path("raete/sitzungen/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("raete/sitzungen/<int:pk>/bearbeiten/", views.meeting_edit, name="meeting_edit"),
    path("raete/sicherheitsanalysen/", views.analysis_list, name="analysis_list"),
    path("raete/sicherheitsanalysen/neu/", views.analysis_create, name="analysis_create"),
    path("raete/sicherheitsanalysen/<int:pk>/bearbeiten/", views.analysis_edit, name="analysis_edit"),
    path("beteiligung/", views.format_list, name="format_list"),
    path("beteiligung/neu/", views.format_create, name="format_create"),
    path("beteiligung/termine/", views.public_list, name="public_list"),
    path("beteiligung/termine/<int:pk>/", views.public_detail, name="public_detail"),
    path("beteiligung/<int:pk>/", views.format_detail, name="format_detail"),
    path("beteiligung/<int:pk>/bearbeiten/", views.format_edit, name="format_edit"),
    path("beteiligung/<int:pk>/stand/", views.format_status, name="format_status"),
    path("beteiligung/<int:pk>/ergebnisse/", views.format_results, name="format_results"),
]
