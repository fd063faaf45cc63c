from sikom.coaching import files
from sikom.coaching.models import StepDocument
from sikom.core.files import ReencryptCommand, reencrypt


class Command(ReencryptCommand):
    help = (
        "Re-encrypt coaching step documents in an old format or under an older key with the first key of "
        "ENCRYPTION_KEYS, so the old key can be removed afterwards. Safe to interrupt and to run again."
    )
    what = "coaching documents"
    unreadable_action = "coaching.document_unreadable"

    def rotate(self) -> dict[str, int]:
        return reencrypt(files.FILES, StepDocument.objects.all(), action_prefix="coaching", item="document")
