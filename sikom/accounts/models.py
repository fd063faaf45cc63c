"""Organisations (the agencies and municipalities of the programme) and their users.

A user belongs to at most one organisation. Members of an organisation are staff: they must use two-factor
authentication. Users without an organisation are officials who keep an account to follow their own reports.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sikom.geo.models import District, Municipality, PoliceDirectorate


class OrganisationType(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommune")
    ASSKOMM = "asskomm", _("ASSKomm / Landespräventionsrat")
    ZASTEX = "zastex", _("ZASTEX (LKA)")
    ZMI = "zmi", _("ZMI (LKA)")
    POLICE_DIRECTORATE = "police_directorate", _("Polizeidirektion")
    LKA_PROTECTION = "lka_protection", _("LKA Personen- und Objektschutz")
    EXPERT_NETWORK = "expert_network", _("Expertennetzwerk (Landesdirektion)")
    ZORA = "zora", _("ZORA (Generalstaatsanwaltschaft)")
    OPERATOR = "operator", _("Plattformbetrieb")


def short_organisation_name(name: str) -> str:
    """The name a reporter knows an office by. The programme's offices are named »ZASTEX – Zentrale Ansprechstelle
    …« (``accounts/data/organisations.json``), so it is the part before the dash; names without one are short
    already (»Polizeidirektion Dresden«)."""
    return name.split(" – ", 1)[0].strip()


class Organisation(models.Model):
    """An agency or municipality. Its type and region decide what its members may see and do.

    Regional organisations carry exactly the region their type needs; statewide ones carry none.
    Contact details are filled in by the operating role: nothing here is invented.
    """

    name = models.CharField(_("Name"), max_length=200, unique=True)
    type = models.CharField(_("Art"), max_length=30, choices=OrganisationType.choices)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Gemeinde")
    )
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Landkreis / Kreisfreie Stadt")
    )
    police_directorate = models.OneToOneField(
        PoliceDirectorate, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Polizeidirektion")
    )
    contact_street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    contact_postcode_city = models.CharField(_("PLZ und Ort"), max_length=200, blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    contact_email = models.EmailField(_("E-Mail"), blank=True)
    contact_website = models.URLField(_("Website"), blank=True)
    contact_note = models.TextField(_("Hinweis zur Erreichbarkeit"), blank=True)
    contact_updated_at = models.DateTimeField(_("Kontaktdaten zuletzt geändert"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        constraints = [
            models.CheckConstraint(
                name="organisation_region_matches_type",
                condition=(
                    Q(
                        type=OrganisationType.MUNICIPALITY,
                        municipality__isnull=False,
                        district__isnull=True,
                        police_directorate__isnull=True,
                    )
                    | Q(
                        type=OrganisationType.EXPERT_NETWORK,
                        municipality__isnull=True,
                        police_directorate__isnull=True,
                    )
                    | Q(
                        type=OrganisationType.POLICE_DIRECTORATE,
                        municipality__isnull=True,
                        district__isnull=True,
                        police_directorate__isnull=False,
                    )
                    | (
                        Q(municipality__isnull=True, district__isnull=True, police_directorate__isnull=True)
                        & ~Q(
                            type__in=[
                                OrganisationType.MUNICIPALITY,
                                OrganisationType.EXPERT_NETWORK,
                                OrganisationType.POLICE_DIRECTORATE,
                            ]
                        )
                    )
                ),
            ),
            # One regional coordination of the Expertennetzwerk per district.
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(type=OrganisationType.EXPERT_NETWORK, district__isnull=False),
                name="one_expert_network_coordination_per_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_contact(self) -> bool:
        return any([self.contact_street, self.contact_phone, self.contact_email, self.contact_website])


# The public contact details an office maintains itself (form, service and audit use this one list).
CONTACT_FIELDS = (
    "contact_street",
    "contact_postcode_city",
    "contact_phone",
    "contact_email",
    "contact_website",
    "contact_note",
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    full_name = models.CharField(_("Name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("Organisation"),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("Zugang zur Verwaltungsoberfläche"), default=False)
    is_supervisor = models.BooleanField(
        _("Leitung"), default=False, help_text=_("Darf das Protokoll der Fälle der eigenen Stelle lesen.")
    )
    date_joined = models.DateTimeField(_("angelegt am"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("Benutzer:in")
        verbose_name_plural = _("Benutzer:innen")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def organisation_type(self) -> str | None:
        return self.organisation.type if self.organisation_id else None

    @property
    def organisation_name(self) -> str:
        """As recorded beside a person's actions, so the record keeps the office when the account is gone."""
        return self.organisation.name if self.organisation_id else ""

    @property
    def must_use_two_factor(self) -> bool:
        """Every organisation member and every administrator is staff and needs a second factor."""
        return self.organisation_id is not None or self.is_staff or self.is_superuser
