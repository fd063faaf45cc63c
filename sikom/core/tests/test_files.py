"""core.files: the upload checks, storage names, encryption at rest and housekeeping every app's files.py uses."""

import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from sikom.core import files
from sikom.core.crypto import DecryptionError
from sikom.core.files import DOCX, JPEG, ODT, PDF, PNG, FileRejected

PDF_BYTES = b"%PDF-1.4\n" + b"Vertrauliche Anlage " * 5000  # over one 64 KiB segment
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
IMAGES_AND_PDF = {PDF, PNG, JPEG}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ODT_BYTES = zipped({"mimetype": ODT.encode(), "content.xml": b"<x/>"})
DOCX_BYTES = zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


ENCRYPTED = files.Folder("testfiles", suffix=".skt")
PLAIN = files.Folder("testpublic", encrypted=False, extensions={PDF: ".pdf", PNG: ".png"})


# Sniffing and limits


@pytest.mark.parametrize(
    ("content", "allowed", "expected"),
    [
        (PDF_BYTES, IMAGES_AND_PDF, PDF),
        (PNG_BYTES, IMAGES_AND_PDF, PNG),
        (JPEG_BYTES, IMAGES_AND_PDF, JPEG),
        (ODT_BYTES, {PDF, ODT, DOCX}, ODT),
        (DOCX_BYTES, {PDF, ODT, DOCX}, DOCX),
    ],
)
def test_type_comes_from_the_bytes_not_the_name(content, allowed, expected):
    upload = SimpleUploadedFile("irrefuehrend.exe", content, content_type="text/plain")
    assert files.detect_type(upload, allowed) == expected
    assert upload.tell() == 0  # left ready for storing


@pytest.mark.parametrize(
    ("content", "allowed"),
    [
        (b"MZ\x90\x00 a program", IMAGES_AND_PDF),
        (b"<html><script>", IMAGES_AND_PDF),
        (ODT_BYTES, IMAGES_AND_PDF),  # an office document where the caller takes none
        (PNG_BYTES, {PDF}),  # a known type, but not this caller's
        (zipped({"mimetype": b"application/zip"}), {ODT, DOCX}),
        (b"PK\x03\x04 truncated", {ODT, DOCX}),
    ],
)
def test_other_types_are_refused_with_the_callers_message(content, allowed):
    upload = SimpleUploadedFile("../../etc/böse.pdf", content)
    with pytest.raises(FileRejected) as refused:
        files.detect_type(upload, allowed)
    assert refused.value.message == "Die Datei »böse.pdf« hat ein Format, das wir nicht annehmen."
    with pytest.raises(FileRejected) as refused:
        files.detect_type(upload, allowed, refused=lambda name: f"{name}: nein")
    assert refused.value.message == "böse.pdf: nein"


def test_an_empty_file_is_refused():
    with pytest.raises(FileRejected, match=r"»leer\.pdf« ist leer"):
        files.detect_type(SimpleUploadedFile("leer.pdf", b""), IMAGES_AND_PDF)


def test_the_size_limit_names_file_and_megabytes():
    files.check_size(SimpleUploadedFile("a.pdf", b"x" * 1024), 1024)
    with pytest.raises(FileRejected) as refused:
        files.check_size(SimpleUploadedFile("a.pdf", b"x" * 1025), 1024)
    assert refused.value.message == "Die Datei »a.pdf« ist größer als 0,00 MB und wurde nicht gespeichert."
    assert files.megabytes(20 * 1024 * 1024) == "20"
    assert files.megabytes(512 * 1024) == "0,50"


def test_an_apps_own_rejection_class_is_the_one_of_core():
    from sikom.coaching.files import DocumentRejected
    from sikom.netrequests.files import SourceRejected

    assert DocumentRejected is SourceRejected is FileRejected


def test_sanitize_name_lives_in_core_and_reports_still_offers_it():
    from sikom.reports import evidence

    assert evidence.sanitize_name is files.sanitize_name
    assert files.sanitize_name("C:\\Users\\x\\Bericht.pdf") == "Bericht.pdf"
    assert files.sanitize_name("\x00\n") == "Datei ohne Namen"
    assert len(files.sanitize_name("a" * 500 + ".pdf")) == 200


# Storage names


@pytest.mark.parametrize(
    "name",
    [
        "testfiles/../coaching/x.skt",
        "testfiles/../../etc/passwd",
        "../testfiles/x.skt",
        "/testfiles/x.skt",
        "testfiles/sub/x.skt",
        "testfiles\\..\\x.skt",
        "testfiles/x.skt\x00.pdf",
        "testfiles/x.pdf",  # a plain name in an encrypted folder
        "coaching/x.skt",
        "testfiles/",
        "testfiles/.skt",
        "",
    ],
)
def test_forged_storage_names_are_refused_before_any_access(name):
    with pytest.raises(ValueError, match="invalid testfiles storage name"):
        ENCRYPTED.open(name)
    with pytest.raises(ValueError):
        ENCRYPTED.delete(name)


def test_an_encrypted_folder_needs_a_suffix_of_its_own():
    with pytest.raises(ValueError):
        files.Folder("x", suffix=".skf")  # the intake's sweep would take these files
    with pytest.raises(ValueError):
        files.Folder("x", encrypted=False)


# Encryption at rest


def stored_bytes(name: str) -> bytes:
    with storages[files.STORAGE_ALIAS].open(name, "rb") as source:
        return source.read()


def test_encrypted_round_trip_with_size_and_checksum_of_the_plaintext():
    stored = ENCRYPTED.store(SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert stored.name.startswith("testfiles/") and stored.name.endswith(".skt")
    raw = stored_bytes(stored.name)
    assert raw.startswith(b"SKF2") and b"Vertrauliche" not in raw
    assert (stored.size, stored.sha256) == (len(PDF_BYTES), hashlib.sha256(PDF_BYTES).hexdigest())
    chunks = list(ENCRYPTED.open(stored.name))
    assert len(chunks) > 1 and b"".join(chunks) == PDF_BYTES
    assert ENCRYPTED.is_current(stored.name)


def test_each_file_gets_its_own_key():
    first = ENCRYPTED.store(SimpleUploadedFile("a.pdf", PDF_BYTES))
    second = ENCRYPTED.store(SimpleUploadedFile("b.pdf", PDF_BYTES))
    assert stored_bytes(first.name)[12:44] != stored_bytes(second.name)[12:44]  # the salt


def test_a_tampered_file_does_not_decrypt():
    stored = ENCRYPTED.store(SimpleUploadedFile("a.pdf", PDF_BYTES))
    path = storages[files.STORAGE_ALIAS].path(stored.name)
    raw = bytearray(stored_bytes(stored.name))
    raw[100] ^= 1
    with open(path, "wb") as target:
        target.write(raw)
    with pytest.raises(DecryptionError):
        b"".join(ENCRYPTED.open(stored.name))


def test_a_plain_folder_stores_under_the_types_extension():
    stored = PLAIN.store(SimpleUploadedFile("a.pdf", PDF_BYTES), PDF)
    assert stored.name.startswith("testpublic/") and stored.name.endswith(".pdf")
    assert stored_bytes(stored.name) == PDF_BYTES == b"".join(PLAIN.open(stored.name))
    PLAIN.delete(stored.name)
    assert not storages[files.STORAGE_ALIAS].exists(stored.name)


# Housekeeping


def test_orphans_of_the_folder_are_swept_and_nothing_else():
    known = ENCRYPTED.store(SimpleUploadedFile("a.pdf", PDF_BYTES)).name
    orphan = ENCRYPTED.store(SimpleUploadedFile("b.pdf", PDF_BYTES)).name
    other = PLAIN.store(SimpleUploadedFile("c.pdf", PDF_BYTES), PDF).name
    assert ENCRYPTED.delete_orphans({known}, older_than=timedelta(hours=1)) == 0  # too young: maybe not committed
    assert ENCRYPTED.delete_orphans({known}, older_than=timedelta(seconds=-1)) == 1
    storage = storages[files.STORAGE_ALIAS]
    assert storage.exists(known) and not storage.exists(orphan) and storage.exists(other)
    assert files.Folder("nothing_here", suffix=".skz").delete_orphans(set(), timedelta(0)) == 0


# Funding attachments: encrypted at rest since core.files (they were kept in clear before)


@pytest.fixture
def funding_application(db):
    from sikom.funding import services
    from sikom.funding.tests.factories import PIRNA, fields, make_call, plan
    from sikom.geo.models import Municipality

    call = make_call(attachments=1)
    return services.save_application(
        by=None,
        call=call,
        municipality=Municipality.objects.get(ags=PIRNA),
        fields=fields(call),
        plan=plan(call),
        uploads={call.required_attachments.get().pk: SimpleUploadedFile("antrag.pdf", PDF_BYTES)},
    )


def test_a_funding_attachment_is_stored_as_ciphertext_and_served_decrypted(funding_application):
    from sikom.funding import files as funding_files

    application = funding_application
    attachment = application.attachments.get()
    assert attachment.storage_name.startswith("funding/") and attachment.storage_name.endswith(".ska")
    raw = stored_bytes(attachment.storage_name)
    assert raw.startswith(b"SKF2") and b"Vertrauliche" not in raw
    assert (attachment.content_type, attachment.sha256) == (PDF, hashlib.sha256(PDF_BYTES).hexdigest())
    assert b"".join(funding_files.open_file(attachment.storage_name)) == PDF_BYTES

    # A replaced attachment leaves its file without a row: the housekeeping job removes it once it is old enough.
    orphan = funding_files.store(SimpleUploadedFile("alt.pdf", PDF_BYTES), PDF)[0]
    assert funding_files.housekeeping() == {"funding_attachment_files": 0}
    swept = funding_files.FILES.delete_orphans({attachment.storage_name}, older_than=timedelta(seconds=-1))
    assert swept == 1 and not storages[files.STORAGE_ALIAS].exists(orphan)
    assert storages[files.STORAGE_ALIAS].exists(attachment.storage_name)


def test_funding_attachments_move_to_a_new_key(
    funding_application, settings, capsys, django_capture_on_commit_callbacks
):
    import base64

    from sikom.funding import files as funding_files

    application = funding_application
    new_key = base64.urlsafe_b64encode(b"N" * 32).decode()
    old_name = application.attachments.get().storage_name
    settings.ENCRYPTION_KEYS = [new_key, *settings.ENCRYPTION_KEYS]
    assert not funding_files.FILES.is_current(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reencrypt_funding_files")
    assert capsys.readouterr().out.strip() == "checked: 1, reencrypted: 1, unreadable: 0"
    new_name = application.attachments.get().storage_name
    assert new_name != old_name and funding_files.FILES.is_current(new_name)
    assert b"".join(funding_files.open_file(new_name)) == PDF_BYTES
    assert not storages[files.STORAGE_ALIAS].exists(old_name)


@pytest.mark.django_db
def test_coaching_documents_have_a_rotation_command_too(capsys):
    call_command("reencrypt_coaching_documents")
    assert capsys.readouterr().out.strip() == "checked: 0, reencrypted: 0, unreadable: 0"


@pytest.mark.django_db
def test_the_funding_sweep_is_a_registered_housekeeping_job():
    from sikom.core import housekeeping

    assert "funding_attachment_files" in housekeeping.run_jobs()


def test_downloads_get_the_extension_of_the_sniffed_type():
    assert files.extension("image/heic") == ".heic"
    assert files.extension("message/rfc822") == ".eml"
    assert files.extension("application/x-msdownload") == ".bin"


def test_check_limits_first_then_sniffs():
    big_program = SimpleUploadedFile("x.exe", b"MZ" * 1000)
    with pytest.raises(FileRejected, match="größer als"):
        files.check(big_program, limit=100, allowed=IMAGES_AND_PDF)
    with pytest.raises(FileRejected, match="Erlaubt sind PDF, PNG und JPEG"):
        files.check(big_program, limit=10_000, allowed=IMAGES_AND_PDF, refused=files.refused_unless_pdf_or_image)
