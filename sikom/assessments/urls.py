from django.urls import path

from sikom.assessments import views

app_name = "assessments"
urlpatterns = [
    path("faelle/<str:number>/gefahrenanalyse/", views.history, name="history"),
    path("faelle/<str:number>/gefahrenanalyse/neu/", views.create, name="create"),
    path("faelle/<str:number>/gefahrenanalyse/<int:pk>/", views.detail, name="detail"),
]
