"""Factories and helpers shared by the test suites: personas are built from these, never from fixtures files."""

import base64
import hashlib
import itertools
import os
import struct
from typing import BinaryIO

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sikom.accounts.models import Organisation, OrganisationType, User
from sikom.geo.models import District, Municipality
from sikom.offers import services as offer_services

PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts only
_numbers = itertools.count(1)


# Every persona fixture (conftest.py) and the anonymous visitor: the rows of each app's access-matrix test.
PERSONAS = (
    "anonymous",
    "official",
    "outsider",
    "municipality_user",
    "asskomm",
    "zastex",
    "zmi",
    "pd_dresden",
    "pd_dresden_supervisor",
    "expert_network",
    "operator",
)


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


def make_case(**fields):
    """A submitted report with its case, routed by the rules like a real submission (no form, no files)."""
    from sikom.portal.demo import record_case

    return record_case(**fields)


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


def write_legacy_encrypted_file(target: BinaryIO, key: str, *segments: bytes) -> None:
    """Write ``segments`` (each at most 64 KiB) as the SKF1 writer did before per-file keys: one HKDF sub-key per
    master key, a 7-byte random nonce prefix, the header as AAD. The only writer of the old format left, so tests
    can prove such files stay readable and get re-encrypted."""
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    aead = AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sikom file v1").derive(raw))
    header = b"SKF1" + hashlib.sha256(raw).hexdigest()[:8].encode() + os.urandom(7)
    target.write(header)
    for counter, plain in enumerate(segments):
        last = counter == len(segments) - 1
        nonce = header[-7:] + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")
        sealed = aead.encrypt(nonce, plain, header)
        target.write(struct.pack(">I", len(sealed)) + sealed)


def make_coaching(ags: str = "14628270", *, begun=None, by: User | None = None):
    """A running coaching (with its seven open steps) of the municipality ``ags``."""
    from datetime import date

    from sikom.coaching import services as coaching_services

    return coaching_services.create_coaching(
        municipality=Municipality.objects.get(ags=ags), begun=begun or date(2024, 1, 10), by=by
    )


def in_parallel(work, count: int) -> list[Exception]:
    """Run ``work(index)`` in ``count`` threads that start together (a barrier), each with its own database
    connection, closed afterwards; the exceptions they raised, for the test to look at."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    errors: list[Exception] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def verified(user, passed: bool = True):
    """The user as the OTP middleware hands it to a view after (or without) the second factor in this session:
    selectors read `is_verified`, which outside a request nothing else sets."""
    user.is_verified = lambda: passed
    return user


# The personas of the root conftest with the second factor passed, for an app's conftest to import (each replaces
# the persona of the same name there).
@pytest.fixture(name="asskomm")
def verified_asskomm(asskomm):
    return verified(asskomm)


@pytest.fixture(name="municipality_user")
def verified_municipality_user(municipality_user):
    return verified(municipality_user)


@pytest.fixture(name="zastex")
def verified_zastex(zastex):
    return verified(zastex)


@pytest.fixture(name="zmi")
def verified_zmi(zmi):
    return verified(zmi)


@pytest.fixture(name="pd_dresden")
def verified_pd_dresden(pd_dresden):
    return verified(pd_dresden)


@pytest.fixture(name="expert_network")
def verified_expert_network(expert_network):
    return verified(expert_network)


@pytest.fixture(name="operator")
def verified_operator(operator):
    return verified(operator)


@pytest.fixture(name="outsider")
def verified_outsider(outsider):
    return verified(outsider)


@pytest.fixture(name="official")
def verified_official(official):
    return verified(official)
