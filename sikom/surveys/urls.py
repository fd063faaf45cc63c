from django.urls import include, path

app_name = "surveys"
urlpatterns: list = [
    path("", include("sikom.surveys.paper_urls")),
]
