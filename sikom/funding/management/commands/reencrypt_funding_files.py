from sikom.core.files import ReencryptCommand, reencrypt
from sikom.funding import files
from sikom.funding.models import Attachment


class Command(ReencryptCommand):
    what = "funding attachments"
    unreadable_action = "funding.attachment_unreadable"

    def rotate(self) -> dict[str, int]:
        return reencrypt(files.FILES, Attachment.objects.all(), action_prefix="funding", item="attachment")
