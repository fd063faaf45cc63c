from sikom.core.files import ReencryptCommand, reencrypt
from sikom.funding import files
from sikom.funding.models import Attachment


class Command(ReencryptCommand):
    help = (
        "Re-encrypt funding application attachments in an old format or under an older key with the first key of "
        "ENCRYPTION_KEYS, so the old key can be removed afterwards. Safe to interrupt and to run again."
    )
    what = "funding attachments"
    unreadable_action = "funding.attachment_unreadable"

    def rotate(self) -> dict[str, int]:
        return reencrypt(files.FILES, Attachment.objects.all(), action_prefix="funding", item="attachment")
