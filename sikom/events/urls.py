from django.urls import path

from sikom.events import views

app_name = "events"
urlpatterns = [
    path("veranstaltungen/", views.event_list, name="list"),
    path("veranstaltungen/kalender.ics", views.calendar_feed, name="feed"),
    path("veranstaltungen/<int:pk>/", views.event_detail, name="detail"),
    path("veranstaltungen/termine/<int:pk>/anmelden/", views.register, name="register"),
    path("veranstaltungen/anmeldung/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("veranstaltungen/anmeldung/platz/<str:token>/", views.accept_offer, name="accept_offer"),
    path("veranstaltungen/anmeldung/<str:token>/", views.registration_page, name="registration"),
    path("veranstaltungen/meine-anmeldungen/", views.my_registrations, name="mine"),
    path("veranstaltungen/meine-anmeldungen/<int:pk>/stornieren/", views.my_registration_cancel, name="mine_cancel"),
    path("veranstaltungen/verwalten/", views.manage, name="manage"),
    path("veranstaltungen/verwalten/neu/", views.event_create, name="create"),
    path("veranstaltungen/verwalten/<int:pk>/bearbeiten/", views.event_edit, name="edit"),
    path("veranstaltungen/verwalten/<int:pk>/programm/", views.agenda, name="agenda"),
    path("veranstaltungen/verwalten/<int:pk>/termine/neu/", views.session_create, name="session_create"),
    path("veranstaltungen/verwalten/termine/<int:pk>/bearbeiten/", views.session_edit, name="session_edit"),
    path(
        "veranstaltungen/verwalten/termine/<int:pk>/anmeldungen/",
        views.session_registrations,
        name="session_registrations",
    ),
]
