from django.urls import path

from sikom.alliance import views

app_name = "alliance"
urlpatterns = [
    path("allianz/", views.index, name="index"),
    path("allianz/mitgliedschaften/", views.membership_list, name="memberships"),
    path("allianz/mitgliedschaften/neu/", views.membership_create, name="membership_create"),
    path("allianz/mitgliedschaften/<int:pk>/", views.membership_detail, name="membership"),
    path("allianz/mitgliedschaften/<int:pk>/bestaetigen/", views.membership_confirm, name="confirm"),
    path("allianz/mitgliedschaften/<int:pk>/ablehnen/", views.membership_decline, name="decline"),
    path("allianz/mitgliedschaften/<int:pk>/austritt/", views.membership_leave, name="leave"),
    path("allianz/mitgliedschaften/<int:pk>/ansprechpersonen/neu/", views.contact_create, name="contact_create"),
    path("allianz/mitgliedschaft/", views.my_membership, name="my_membership"),
    path("allianz/mitgliedschaft/beantragen/", views.membership_request, name="request"),
    path("allianz/ansprechpersonen/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("allianz/ansprechpersonen/<int:pk>/loeschen/", views.contact_delete, name="contact_delete"),
    path("allianz/netzwerk/", views.directory, name="directory"),
    path("allianz/austausch/", views.meeting_list, name="meetings"),
    path("allianz/austausch/neu/", views.meeting_create, name="meeting_create"),
    path("allianz/austausch/<int:pk>/", views.meeting_detail, name="meeting"),
    path("allianz/austausch/<int:pk>/bearbeiten/", views.meeting_edit, name="meeting_edit"),
    path("allianz/austausch/<int:pk>/loeschen/", views.meeting_delete, name="meeting_delete"),
]
