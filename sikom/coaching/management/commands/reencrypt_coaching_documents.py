from sikom.coaching import files
from sikom.coaching.models import StepDocument
from sikom.core.files import ReencryptCommand, reencrypt


class Command(ReencryptCommand):
    what = "coaching documents"
    unreadable_action = "coaching.document_unreadable"

    def rotate(self) -> dict[str, int]:
        return reencrypt(files.FILES, StepDocument.objects.all(), action_prefix="coaching", item="document")
