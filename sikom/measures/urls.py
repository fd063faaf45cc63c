from django.urls import path

from sikom.measures import views

app_name = "measures"
urlpatterns = [
    path("faelle/<str:number>/massnahmen/", views.measure_list, name="list"),
    path("faelle/<str:number>/massnahmen/stelle/", views.responsible_field, name="responsible"),
    path("faelle/<str:number>/massnahmen/<int:pk>/", views.measure_detail, name="detail"),
]
