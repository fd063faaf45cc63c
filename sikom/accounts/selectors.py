"""Who a user is on the platform: the one place that answers role questions."""

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom.accounts.models import Organisation, OrganisationType, User


def is_verified_staff(user) -> bool:
    """A member of an organisation (or an administrator) who has passed the second factor in this session."""
    return bool(user.is_authenticated and user.must_use_two_factor and user.is_verified())


def is_member_of(user, *types: str) -> bool:
    return is_verified_staff(user) and user.organisation_id is not None and user.organisation.type in types


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def organisations_editable_by(user) -> QuerySet[Organisation]:
    """Members maintain their own organisation's contact details; the platform operators maintain all."""
    if not is_verified_staff(user):
        return Organisation.objects.none()
    if user.is_superuser or user.organisation_type == OrganisationType.OPERATOR:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.organisation_id)
