"""Factories and helpers shared by the test suites: personas are built from these, never from fixtures files."""

import itertools

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom.accounts.models import Organisation, OrganisationType, User
from sikom.geo.models import District, Municipality
from sikom.offers import services as offer_services

PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts only
_numbers = itertools.count(1)


def make_user(*, organisation: Organisation | None = None, enrolled: bool = True, **fields) -> User:
    number = next(_numbers)
    fields.setdefault("email", f"person{number}@example.org")
    fields.setdefault("full_name", f"Person {number}")
    user = User.objects.create_user(password=PASSWORD, organisation=organisation, **fields)
    if enrolled and user.must_use_two_factor:
        TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    return user


def organisation_of(type_: str, **filters) -> Organisation:
    return Organisation.objects.get(type=type_, **filters)


def municipality_organisation(ags: str = "14628270") -> Organisation:
    municipality = Municipality.objects.get(ags=ags)
    organisation, _ = Organisation.objects.get_or_create(
        type=OrganisationType.MUNICIPALITY, municipality=municipality, defaults={"name": f"Gemeinde {municipality}"}
    )
    return organisation


def expert_network_of(district_key: str) -> Organisation:
    return organisation_of(OrganisationType.EXPERT_NETWORK, district=District.objects.get(key=district_key))


def current_token(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def login(client: Client, user: User, *, verified: bool = True) -> Client:
    """Log in as the user; staff also pass the second factor unless ``verified`` is False."""
    client.force_login(user)
    if verified and user.must_use_two_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
        session.save()
    return client


def make_offer(**data) -> "offer_services.Offer":
    number = next(_numbers)
    defaults = {
        "title": f"Testangebot {number}",
        "summary": "Kurz erklärt.",
        "goal": "Ein Ziel.",
        "content": "Ein Inhalt.",
        "provider": "Teststelle",
        "contact_office": "Teststelle",
        "contact_email": "test@example.org",
        "audiences": ["official"],
        "situations": ["threat"],
        "helps_in_acute_danger": False,
        "is_published": True,
        "regional_contact": "",
    }
    return offer_services.create_offer(by=None, data=defaults | data)


def make_case(
    *,
    categories=("threat",),
    place="home",
    motives=("none",),
    municipality_ags: str = "14628270",
    description: str = "Drohung vor dem Haus.",
    route: bool = True,
    **report_fields,
):
    """A submitted report with its case, routed by the rules like a real submission (no form, no files)."""
    from django.db import transaction
    from django.utils import timezone

    from sikom.cases.models import Case
    from sikom.cases.services import next_case_number, route_new_case
    from sikom.reports.models import Report, ReportCategory

    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.create(number=next_case_number(year=timezone.localdate(now).year))
    report = Report.objects.create(
        case=case,
        receipt_hash="scrypt$test",
        submitted_at=now,
        affected_role=report_fields.pop("affected_role", "mayor"),
        municipality=Municipality.objects.get(ags=municipality_ags),
        occurred_on=timezone.localdate(now),
        place=place,
        channel=report_fields.pop("channel", "in_person"),
        repetition="once",
        perpetrator=report_fields.pop("perpetrator", "unknown"),
        motives=list(motives),
        description=description,
        complaint_wish="undecided",
        privacy_consent_at=now,
        **report_fields,
    )
    ReportCategory.objects.bulk_create([ReportCategory(report=report, code=code) for code in categories])
    if route:
        case = route_new_case(case=case)
    return case


def evidence_row(report, *, stem: str = "a" * 32):
    """An evidence row of a submitted report, without a file behind it (for access checks, not downloads)."""
    from sikom.reports.models import Evidence

    return Evidence.objects.create(
        report=report,
        storage_name=f"incoming/{stem}.skf",
        original_name="x.png",
        content_type="image/png",
        size=1,
        sha256="0" * 64,
    )


def update_case(case, **fields):
    """Set a case's fields directly (e.g. a deadline in the past), keeping its inbox rows in step as the services do."""
    from sikom.cases.models import Case
    from sikom.cases.services import refresh_inbox_entries

    Case.objects.filter(pk=case.pk).update(**fields)
    refresh_inbox_entries(case_ids=[case.pk])
    case.refresh_from_db()
    return case


def inbox_entry_rows() -> list[tuple]:
    """Every stored inbox row without its key, in a stable order."""
    from sikom.cases.models import InboxEntry

    fields = [field.attname for field in InboxEntry._meta.concrete_fields if not field.primary_key]
    return sorted(InboxEntry.objects.values_list(*fields))


def assert_inbox_entries_in_step():
    """The stored inbox rows equal a fresh recomputation from the cases (computed in a savepoint rolled back)."""
    from django.db import transaction

    from sikom.cases.models import Case
    from sikom.cases.services import refresh_inbox_entries

    stored = inbox_entry_rows()
    with transaction.atomic():
        refresh_inbox_entries(case_ids=Case.objects.values_list("pk", flat=True))
        expected = inbox_entry_rows()
        transaction.set_rollback(True)
    if stored != expected:
        raise AssertionError("inbox rows out of step with their cases (a write without refresh_inbox_entries)")


def directorate_member(district_key: str, **fields) -> User:
    """A member of the police directorate responsible for the district."""
    directorate = District.objects.get(key=district_key).police_directorate
    return make_user(
        organisation=organisation_of(OrganisationType.POLICE_DIRECTORATE, police_directorate=directorate), **fields
    )
