from django.urls import path

from sikom.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("mein-bereich/", views.my_area, name="my_area"),
]
