"""E-mails to account holders, sent after the transaction that made them necessary has committed."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def send_set_password_mail(user_id: int) -> bool:
    """The link to choose a password for an account an operator created (the password-reset link and page)."""
    from sikom.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    path = reverse(
        "accounts:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )
    send_mail(
        _("sikom: Ihr Zugang ist eingerichtet"),
        render_to_string("accounts/email/set_password.txt", {"link": settings.SITE_URL.rstrip("/") + path}),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    return True
