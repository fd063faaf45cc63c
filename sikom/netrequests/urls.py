from django.urls import path

from sikom.netrequests import views

app_name = "netrequests"
urlpatterns = [
    path("expertennetzwerk/anfragen/", views.request_list, name="list"),
    path("expertennetzwerk/anfragen/neu/", views.request_create, name="create"),
    path("expertennetzwerk/anfragen/<str:number>/", views.request_detail, name="detail"),
    path("expertennetzwerk/anfragen/<str:number>/ergaenzen/", views.add_information, name="information"),
    path("expertennetzwerk/anfragen/<str:number>/korrigieren/", views.correct_facts, name="correct"),
    path("expertennetzwerk/anfragen/<str:number>/nachricht/", views.post_message, name="message"),
    path("expertennetzwerk/anfragen/<str:number>/beteiligen/", views.bring_in, name="bring_in"),
    path(
        "expertennetzwerk/anfragen/<str:number>/beteiligung/<int:organisation_id>/beenden/",
        views.end_expert,
        name="end_expert",
    ),
    path("expertennetzwerk/anfragen/<str:number>/quelle/", views.add_source_file, name="source_add"),
    path("expertennetzwerk/anfragen/<str:number>/quelle/<uuid:file_id>/", views.download_source_file, name="source"),
    path("expertennetzwerk/anfragen/<str:number>/status/", views.change_status, name="status"),
    path("expertennetzwerk/anfragen/<str:number>/ergebnis/", views.record_outcome, name="outcome"),
    path("expertennetzwerk/anfragen/<str:number>/pruefung/", views.checklist, name="checklist"),
    path("expertennetzwerk/anfragen/<str:number>/pruefung/<int:angle_id>/", views.review_angle, name="review"),
    path("expertennetzwerk/register/", views.register, name="register"),
    path("expertennetzwerk/register/lesen/", views.set_readers, name="readers"),
    path("expertennetzwerk/register/neu/", views.entry_create, name="entry_create"),
    path("expertennetzwerk/register/<int:entry_id>/", views.entry_detail, name="entry"),
    path("expertennetzwerk/register/<int:entry_id>/vermerk/", views.entry_note, name="entry_note"),
    path("expertennetzwerk/register/<int:entry_id>/bearbeiten/", views.entry_edit, name="entry_edit"),
    path("expertennetzwerk/register/<int:entry_id>/loeschen/", views.entry_delete, name="entry_delete"),
    path("expertennetzwerk/lagebesprechungen/neu/", views.conference_create, name="conference_create"),
    path("expertennetzwerk/lagebesprechungen/<int:conference_id>/", views.conference_detail, name="conference"),
]
