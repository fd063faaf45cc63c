from django.urls import include, path

from sikom.surveys import views

app_name = "surveys"
urlpatterns = [
    # Staff
    path("sicherheitsanalysen/", views.analysis_list, name="list"),
    path("sicherheitsanalysen/neu/", views.analysis_create, name="create"),
    path("sicherheitsanalysen/<int:pk>/", views.analysis_detail, name="detail"),
    path("sicherheitsanalysen/<int:pk>/bearbeiten/", views.analysis_edit, name="edit"),
    path("sicherheitsanalysen/<int:pk>/zeitplan/", views.milestones, name="milestones"),
    path("sicherheitsanalysen/<int:pk>/stand/", views.change_status, name="status"),
    path("sicherheitsanalysen/<int:pk>/team/", views.team_add, name="team_add"),
    path("sicherheitsanalysen/<int:pk>/team/<int:member>/entfernen/", views.team_remove, name="team_remove"),
    path("sicherheitsanalysen/<int:pk>/zugangscodes/", views.codes_create, name="codes"),
    path("sicherheitsanalysen/<int:pk>/offener-link/", views.open_link, name="open_link"),
    path("sicherheitsanalysen/<int:pk>/fragebogen/", views.editor, name="editor"),
    path("sicherheitsanalysen/<int:pk>/fragebogen/katalog/", views.bank_add, name="bank_add"),
    path("sicherheitsanalysen/<int:pk>/fragebogen/einleitung/", views.intro, name="intro"),
    path("sicherheitsanalysen/<int:pk>/fragebogen/seiten/neu/", views.section_create, name="section_create"),
    path("sicherheitsanalysen/<int:pk>/fragebogen/fragen/neu/", views.question_create, name="question_create"),
    path("sicherheitsanalysen/<int:pk>/vorschau/", views.preview, name="preview"),
    path("sicherheitsanalysen/seiten/<int:pk>/", views.section_edit, name="section_edit"),
    path("sicherheitsanalysen/seiten/<int:pk>/verschieben/", views.section_move, name="section_move"),
    path("sicherheitsanalysen/fragen/<int:pk>/", views.question_edit, name="question_edit"),
    path("sicherheitsanalysen/fragen/<int:pk>/verschieben/", views.question_move, name="question_move"),
    path("sicherheitsanalysen/fragen/<int:pk>/loeschen/", views.question_delete, name="question_delete"),
    # Respondents
    path("umfrage/", views.start, name="start"),
    path("umfrage/fragebogen/", views.page, name="page"),
    path("umfrage/sprache/", views.language, name="language"),
    path("umfrage/gespeichert/", views.saved, name="saved"),
    path("umfrage/danke/", views.thanks, name="thanks"),
    path("umfrage/offen/<str:token>/", views.open_start, name="open"),
    # Further languages of the questionnaire: add, remove, translate (decision 0046)
    path("", include("sikom.surveys.language_urls")),
    # Register extract, sample, letters, field monitoring
    path("", include("sikom.surveys.fieldwork_urls")),
    # Paper returns, table import, LimeSurvey takeover
    path("", include("sikom.surveys.paper_urls")),
    # Weighting, report page and PDF, data export and codebook
    path("", include("sikom.surveys.report_urls")),
]
