from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from sikom.accounts import views

app_name = "accounts"
urlpatterns = [
    path("anmelden/", views.login_view, name="login"),
    path("abmelden/", views.logout_view, name="logout"),
    path("anmelden/zweiter-faktor/", views.two_factor_verify, name="two_factor_verify"),
    path("anmelden/zweiter-faktor/einrichten/", views.two_factor_setup, name="two_factor_setup"),
    path("konto/anlegen/", views.register, name="register"),
    path("konto/anlegen/gesendet/", views.register_done, name="register_done"),
    path("konto/aktivieren/<uidb64>/<token>/", views.activate, name="activate"),
    path("mein-bereich/organisation/<int:pk>/kontakt/", views.organisation_contact, name="organisation_contact"),
    path("verwaltung/konten/", views.account_list, name="account_list"),
    path("verwaltung/konten/export/", views.account_export, name="account_export"),
    path("verwaltung/konten/neu/", views.account_create, name="account_create"),
    path("verwaltung/konten/<int:pk>/", views.account_edit, name="account_edit"),
    path("verwaltung/konten/<int:pk>/aktiv/", views.account_set_active, name="account_set_active"),
    path(
        "verwaltung/konten/<int:pk>/zweiter-faktor/",
        views.account_reset_second_factor,
        name="account_reset_second_factor",
    ),
    path("passwort/vergessen/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "passwort/vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "passwort/neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "passwort/neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
