from django.urls import path

from sikom.offers import views

app_name = "offers"
urlpatterns = [
    path("angebote/", views.offer_list, name="list"),
    path("angebote/verwalten/", views.manage, name="manage"),
    path("angebote/verwalten/neu/", views.offer_create, name="create"),
    path("angebote/<slug:slug>/", views.offer_detail, name="detail"),
    path("angebote/<slug:slug>/bearbeiten/", views.offer_edit, name="edit"),
    path("angebote/<slug:slug>/verlauf/", views.offer_history, name="history"),
    path("wegweiser/", views.finder_start, name="finder"),
    path("wegweiser/anliegen/", views.finder_situation, name="finder_situation"),
    path("wegweiser/gefahr/", views.finder_danger, name="finder_danger"),
    path("wegweiser/ort/", views.finder_place, name="finder_place"),
    path("wegweiser/gemeinden/", views.finder_municipality_suggestions, name="finder_municipalities"),
    path("wegweiser/ergebnis/", views.finder_result, name="finder_result"),
]
