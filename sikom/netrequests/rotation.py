"""Key rotation for the request source files (``netrequests/*.skn``): the same steps as ``reencrypt_evidence`` for
the incident reports' evidence, in this app so no lower app has to know the request files
(``manage.py reencrypt_request_files``, docs/operations.md »Schlüsselwechsel«)."""

from django.db import transaction

from sikom.core import audit
from sikom.core.crypto import DecryptionError
from sikom.netrequests import files
from sikom.netrequests.models import SourceFile


def reencrypt_request_files() -> dict[str, int]:
    """Rewrite every source file that is in an old format or under an older key as a new file under the first key
    of ENCRYPTION_KEYS.

    The file is decrypted and encrypted again as a stream into a new name; the row is switched only if the
    plaintext's SHA-256 and size match what was recorded at upload and the row still points to the old name (a
    concurrent delete wins); the obsolete file is deleted after the commit. Unreadable files are left alone, counted
    and audited. Safe to interrupt and to run again."""
    counts = {"checked": 0, "reencrypted": 0, "unreadable": 0}
    for item in SourceFile.objects.only("pk", "storage_name", "sha256", "size").iterator():
        counts["checked"] += 1
        try:
            if files.is_current(item.storage_name):
                continue
            new_name, size, sha256 = files.save_encrypted(files.open_source(item.storage_name))
        except (DecryptionError, FileNotFoundError) as error:
            counts["unreadable"] += 1
            audit.log("netrequests.source_unreadable", data={"file": str(item.pk), "error": str(error)})
            continue
        if (sha256, size) != (item.sha256, item.size):
            files.delete_file(new_name)
            counts["unreadable"] += 1
            audit.log("netrequests.source_unreadable", data={"file": str(item.pk), "error": "checksum differs"})
            continue
        with transaction.atomic():
            switched = SourceFile.objects.filter(pk=item.pk, storage_name=item.storage_name).update(
                storage_name=new_name
            )
            obsolete = item.storage_name if switched else new_name
            transaction.on_commit(lambda name=obsolete: files.delete_file(name))
        counts["reencrypted"] += switched
    audit.log("netrequests.sources_reencrypted", data=counts)
    return counts
