from django.urls import path

from sikom.indicators import views

app_name = "indicators"
urlpatterns = [
    path("kennzahlen/", views.indicator_list, name="list"),
    path("kennzahlen/neu/", views.indicator_edit, name="create"),
    path("kennzahlen/<int:pk>/", views.indicator_detail, name="detail"),
    path("kennzahlen/<int:pk>/bearbeiten/", views.indicator_edit, name="edit"),
    path("kennzahlen/import/", views.upload, name="upload"),
    path("kennzahlen/import/<int:pk>/", views.pending, name="pending"),
    path("kennzahlen/gemeinden/<str:ags>/", views.profile, name="profile"),
]
