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
urlpatterns += [
    path(
        "veranstaltungen/anmeldung/<str:token>/bescheinigung/<int:person>/",
        views.certificate_by_link,
        name="certificate",
    ),
    path(
        "veranstaltungen/meine-anmeldungen/<int:pk>/bescheinigung/<int:person>/",
        views.my_certificate,
        name="mine_certificate",
    ),
    path("veranstaltungen/rueckmeldung/<str:token>/", views.feedback, name="feedback"),
    path("veranstaltungen/verwalten/termine/<int:pk>/einlass/", views.check_in, name="check_in"),
    path("veranstaltungen/verwalten/termine/<int:pk>/einlass/vor-ort/", views.walk_in, name="walk_in"),
    path(
        "veranstaltungen/verwalten/termine/<int:pk>/anwesenheitsliste/", views.attendance_list, name="attendance_list"
    ),
    path("veranstaltungen/verwalten/<int:pk>/rueckmeldungen/", views.feedback_results, name="feedback_results"),
    path("veranstaltungen/verwalten/<int:pk>/dokumentation/", views.documentation, name="documentation"),
    path("publikationen/", views.publication_list, name="publications"),
    path("publikationen/<int:pk>/", views.publication_detail, name="publication_detail"),
    path("publikationen/<int:pk>/datei/", views.publication_file, name="publication_file"),
    path("publikationen/verwalten/neu/", views.publication_form, name="publication_create"),
    path("publikationen/verwalten/<int:pk>/bearbeiten/", views.publication_form, name="publication_edit"),
    path("publikationen/verwalten/<int:pk>/loeschen/", views.publication_delete, name="publication_delete"),
    path("aktuelles/verwalten/", views.news_manage, name="news_manage"),
    path("aktuelles/verwalten/neu/", views.news_form, name="news_create"),
    path("aktuelles/verwalten/<int:pk>/bearbeiten/", views.news_form, name="news_edit"),
    path("aktuelles/verwalten/<int:pk>/loeschen/", views.news_delete, name="news_delete"),
]
