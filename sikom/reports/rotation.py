"""Key rotation for evidence files: rewrite old-format files and files under older keys with the current key."""

from django.db import transaction

from sikom.core import audit
from sikom.core.crypto import DecryptionError
from sikom.reports import evidence as evidence_files
from sikom.reports.models import Evidence


def reencrypt_evidence() -> dict[str, int]:
    """Rewrite every evidence file that is in the old format (SKF1) or under an older key as a new SKF2 file under
    the first key of ENCRYPTION_KEYS, so old keys can be retired (docs/operations.md, »Schlüsselwechsel«).

    A file is decrypted and encrypted again as a stream into a new storage name; the row is switched to the new name
    only if the plaintext's SHA-256 and size match what was recorded at upload and the row still points to the old
    name (a concurrent delete or rewrite wins); the old file is deleted after the commit. Unreadable files are left
    alone, counted and audited. Safe to interrupt and to run again.
    """
    counts = {"checked": 0, "reencrypted": 0, "unreadable": 0}
    for item in Evidence.objects.only("pk", "storage_name", "sha256", "size").iterator():
        counts["checked"] += 1
        try:
            if evidence_files.is_current(item.storage_name):
                continue
            new_name, written = evidence_files.save_encrypted(evidence_files.open_evidence(item.storage_name))
        except (DecryptionError, FileNotFoundError) as error:
            counts["unreadable"] += 1
            audit.log("evidence.unreadable", obj=item, data={"error": str(error)})
            continue
        if (written.sha256_hex, written.size) != (item.sha256, item.size):
            # Cannot happen for an authentic file; if it does, the recorded hash is what proves integrity.
            evidence_files.delete_evidence_file(new_name)
            counts["unreadable"] += 1
            audit.log("evidence.unreadable", obj=item, data={"error": "checksum differs"})
            continue
        with transaction.atomic():
            switched = Evidence.objects.filter(pk=item.pk, storage_name=item.storage_name).update(storage_name=new_name)
            obsolete = item.storage_name if switched else new_name
            transaction.on_commit(lambda name=obsolete: evidence_files.delete_evidence_file(name))
        counts["reencrypted"] += switched
    audit.log("evidence.reencrypted", data=counts)
    return counts
