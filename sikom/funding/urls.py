from django.urls import path

from sikom.funding import views

app_name = "funding"
urlpatterns = [
    path("foerderung/", views.call_list, name="calls"),
    path("foerderung/gefoerderte-projekte/", views.funded_list, name="funded"),
    path("foerderung/uebersicht/", views.overview, name="overview"),
    path("foerderung/aufrufe/neu/", views.call_create, name="call_create"),
    path("foerderung/aufrufe/<int:pk>/", views.call_detail, name="call_detail"),
    path("foerderung/aufrufe/<int:pk>/bearbeiten/", views.call_edit, name="call_edit"),
    path("foerderung/aufrufe/<int:pk>/haushalt/", views.budget, name="budget"),
    path("foerderung/aufrufe/<int:pk>/auszahlungen/", views.payment_export, name="payment_export"),
    path("foerderung/aufrufe/<int:pk>/antrag/", views.apply, name="apply"),
    path("foerderung/antraege/", views.application_list, name="applications"),
    path("foerderung/antraege/<int:pk>/", views.application_detail, name="application_detail"),
    path("foerderung/antraege/<int:pk>/bearbeiten/", views.application_edit, name="application_edit"),
    path("foerderung/antraege/<int:pk>/eingangsbestaetigung/", views.receipt, name="receipt"),
    path("foerderung/antraege/<int:pk>/bescheid/", views.letter, name="letter"),
    path("foerderung/antraege/<int:pk>/anlagen/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("foerderung/antraege/<int:pk>/pruefung/", views.start_review, name="start_review"),
    path("foerderung/antraege/<int:pk>/zurueckziehen/", views.withdraw, name="withdraw"),
    path("foerderung/antraege/<int:pk>/bewertung/", views.review, name="review"),
    path("foerderung/antraege/<int:pk>/gutachten/", views.assign, name="assign"),
    path("foerderung/antraege/<int:pk>/rueckfrage/", views.ask, name="ask"),
    path("foerderung/antraege/<int:pk>/antwort/", views.answer, name="answer"),
    path("foerderung/antraege/<int:pk>/weiterpruefen/", views.resume, name="resume"),
    path("foerderung/antraege/<int:pk>/entscheidung/", views.decide, name="decide"),
    path("foerderung/antraege/<int:pk>/mittelabruf/", views.payment_request, name="payment_request"),
    path("foerderung/antraege/<int:pk>/auszahlungen/<int:payment_pk>/", views.pay, name="pay"),
    path("foerderung/antraege/<int:pk>/raten/<int:instalment_pk>/", views.pay_instalment, name="pay_instalment"),
    path("foerderung/antraege/<int:pk>/verwendungsnachweis/", views.proof, name="proof"),
    path("foerderung/antraege/<int:pk>/verwendungsnachweis/abschluss/", views.close_proof, name="close_proof"),
]
