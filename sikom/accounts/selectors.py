"""Who a user is on the platform: the one place that answers role questions."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom.accounts.models import Organisation, OrganisationType, User


def is_verified_staff(user) -> bool:
    """A member of an organisation (or an administrator) who has passed the second factor in this session."""
    return bool(user.is_authenticated and user.must_use_two_factor and user.is_verified())


def is_member_of(user, *types: str) -> bool:
    return is_verified_staff(user) and user.organisation_id is not None and user.organisation.type in types


def is_asskomm(user) -> bool:
    """The ASSKomm team at the Landespräventionsrat (second factor passed): sees and keeps every record of the
    prevention work (membership, consultations, coaching, councils, programme figures)."""
    return is_member_of(user, OrganisationType.ASSKOMM)


def municipality_of(user):
    """The municipality whose records a verified member of a municipal organisation keeps; None for everyone else."""
    if not is_member_of(user, OrganisationType.MUNICIPALITY):
        return None
    return user.organisation.municipality


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def organisations_editable_by(user) -> QuerySet[Organisation]:
    """Members maintain their own organisation's contact details; the platform operators maintain all."""
    if not is_verified_staff(user):
        return Organisation.objects.none()
    if user.is_superuser or user.organisation_type == OrganisationType.OPERATOR:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.organisation_id)


def can_manage_users(user) -> bool:
    """The platform operators (administrators or members of the operating organisation), second factor passed."""
    return is_verified_staff(user) and (user.is_superuser or user.organisation_type == OrganisationType.OPERATOR)


def users_manageable_by(user) -> QuerySet[User]:
    if not can_manage_users(user):
        return User.objects.none()
    return User.objects.all()


def user_listing(
    user,
    *,
    q: str = "",
    organisation: Organisation | None = None,
    active: bool | None = None,
    supervisor: bool | None = None,
) -> QuerySet[User]:
    """The operators' list of accounts, filtered; with organisation and second-factor state for each row."""
    users = users_manageable_by(user).select_related("organisation")
    if q:
        users = users.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    if organisation is not None:
        users = users.filter(organisation=organisation)
    if active is not None:
        users = users.filter(is_active=active)
    if supervisor is not None:
        users = users.filter(is_supervisor=supervisor)
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return users.annotate(has_second_factor=Exists(enrolled)).order_by("full_name", "email")


def account_to_activate(uidb64: str) -> User | None:
    """The not yet active account an activation link names (its id base64-encoded); None for anything else."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        return User.objects.filter(pk=pk, is_active=False).first()
    except (ValueError, TypeError, OverflowError):
        return None
